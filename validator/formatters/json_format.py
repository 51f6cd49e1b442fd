"""Machine-readable JSON: one object with the findings, a summary and the tool version."""

from __future__ import annotations

import json

from validator.formatters import Report, counts, display_path


def render(report: Report) -> str:
    document = {
        "tool": "tfbg",
        "version": report.version,
        "findings": [
            {
                "rule": f.rule_id,
                "severity": f.severity.value,
                "message": f.message,
                "address": f.address,
                "file": display_path(f.location.file),
                "line": f.location.line,
                "pointer": f.location.pointer,
                "fix": f.fix,
                "related": list(f.related),
                "url": f.url,
                "root": display_path(f.root),
            }
            for f in report.findings
        ],
        "roots": [display_path(root) for root in report.roots],
        "summary": counts(report.findings),
    }
    return json.dumps(document, indent=2) + "\n"
