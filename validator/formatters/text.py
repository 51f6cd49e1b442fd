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
    by_root = len(report.roots) > 1
    for root, in_root in groupby(report.findings, key=lambda f: f.root if by_root else ""):
        if by_root:
            if lines:
                lines.append("")
            lines.append(f"== {display_path(root)} ==")
        _render_files(list(in_root), lines, first=by_root or not lines)
    if lines:
        lines.append("")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def _render_files(findings, lines: list[str], *, first: bool) -> None:
    for file, group in groupby(findings, key=lambda f: f.location.file):
        if not first:
            lines.append("")
        first = False
        for finding in group:
            lines.append(f"{_where(finding)}: {finding.rule_id} {finding.severity.value} {finding.message}")
            if finding.fix:
                fix_lines = finding.fix.rstrip("\n").split("\n")
                lines.append(f"    fix: {fix_lines[0]}")
                lines.extend(f"         {line}" if line else "" for line in fix_lines[1:])
            if finding.url:
                lines.append(f"    see: {finding.url}")


def _summary(report: Report) -> str:
    roots = len(report.roots)
    linted = f" ({roots} root modules linted)" if roots > 1 else ""
    if not report.findings:
        return f"no findings{linted}"
    number = counts(report.findings)
    files = len({f.location.file for f in report.findings})
    parts = [f"{number[s]} {s}{'' if number[s] == 1 else 's'}" for s in ("error", "warning", "info") if number[s]]
    total = len(report.findings)
    where = f"{files} file{'' if files == 1 else 's'}"
    if roots > 1:
        with_findings = len({f.root for f in report.findings})
        where += f" of {with_findings} of the {roots} root modules linted"
    return f"{total} finding{'' if total == 1 else 's'} ({', '.join(parts)}) in {where}"
