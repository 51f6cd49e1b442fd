"""Human-readable text, grouped by file: `file:line: TFBG### severity message`, then fix and docs."""

from __future__ import annotations

from itertools import groupby

from validator.formatters import Report, counts, display_path


def _where(finding) -> str:
    location = finding.location
    file = display_path(location.file)
    if location.line is not None:
        return f"{file}:{location.line}"
    if location.pointer:
        return f"{file}#{location.pointer}"
    return file


def render(report: Report) -> str:
    lines: list[str] = []
    for file, group in groupby(report.findings, key=lambda f: f.location.file):
        if lines:
            lines.append("")
        for finding in group:
            lines.append(f"{_where(finding)}: {finding.rule_id} {finding.severity.value} {finding.message}")
            if finding.fix:
                fix_lines = finding.fix.rstrip("\n").split("\n")
                lines.append(f"    fix: {fix_lines[0]}")
                lines.extend(f"         {line}" if line else "" for line in fix_lines[1:])
            if finding.url:
                lines.append(f"    see: {finding.url}")
    if lines:
        lines.append("")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def _summary(report: Report) -> str:
    if not report.findings:
        return "no findings"
    number = counts(report.findings)
    files = len({f.location.file for f in report.findings})
    parts = [f"{number[s]} {s}{'' if number[s] == 1 else 's'}" for s in ("error", "warning", "info") if number[s]]
    total = len(report.findings)
    return f"{total} finding{'' if total == 1 else 's'} ({', '.join(parts)}) in {files} file{'' if files == 1 else 's'}"
