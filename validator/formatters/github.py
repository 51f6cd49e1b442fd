"""GitHub Actions workflow commands: one annotation per finding (`::error file=...,line=...::msg`)."""

from __future__ import annotations

from validator.formatters import Report, display_path

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        properties = [f"file={_property(display_path(finding.location.file))}"]
        if finding.location.line is not None:
            properties.append(f"line={finding.location.line}")
        properties.append(f"title={_property(finding.rule_id)}")
        message = finding.message
        if finding.fix:
            message += f"\nfix: {finding.fix}"
        if finding.url:
            message += f"\nsee: {finding.url}"
        lines.append(f"::{_LEVEL[finding.severity.value]} {','.join(properties)}::{_data(message)}")
    return "".join(line + "\n" for line in lines)
