"""SARIF 2.1.0 for GitHub code scanning: rules with help URIs, results with real line numbers and
URIs relative to the working directory (the repository root in CI, `%SRCROOT%`)."""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from validator.findings import Finding
from validator.formatters import Report, display_path

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/tfbg/tfbg"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(file: str) -> str:
    path = display_path(file)
    if os.path.isabs(path):
        return "file://" + quote(path.replace(os.sep, "/"))
    return quote(path.replace(os.sep, "/"))


def _result(finding: Finding, index: dict[str, int]) -> dict:
    text = finding.message
    if finding.fix:
        text += f"\nFix: {finding.fix}"
    physical: dict = {"artifactLocation": {"uri": _uri(finding.location.file)}}
    if not os.path.isabs(display_path(finding.location.file)):
        physical["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
    if finding.location.line is not None and finding.location.line >= 1:
        physical["region"] = {"startLine": finding.location.line}
    location: dict = {"physicalLocation": physical}
    if finding.address:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.address, "kind": "resource"}]
    result: dict = {
        "ruleId": finding.rule_id,
        "level": _LEVEL[finding.severity.value],
        "message": {"text": text},
        "locations": [location],
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    properties = {}
    if finding.location.pointer:
        properties["pointer"] = finding.location.pointer
    if finding.root:
        properties["root"] = display_path(finding.root)  # the root module whose lint found it
    if properties:
        result["properties"] = properties
    return result


def render(report: Report) -> str:
    rules = list(report.rules)
    known = {rule.id for rule in rules}
    index = {rule.id: position for position, rule in enumerate(rules)}
    descriptors = [
        {
            "id": rule.id,
            "name": rule.__class__.__name__,
            "shortDescription": {"text": rule.summary},
            "helpUri": rule.url(),
            "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
            "properties": {"tags": ["terraform", "ecs"], **({"source": rule.source} if rule.source else {})},
        }
        for rule in rules
    ]
    # A finding from a rule not in the list (should not happen) still gets a descriptor.
    for finding in report.findings:
        if finding.rule_id not in known:
            known.add(finding.rule_id)
            index[finding.rule_id] = len(descriptors)
            descriptors.append({"id": finding.rule_id, "helpUri": finding.url or INFORMATION_URI})
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tfbg",
                        "version": report.version,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _cwd_uri()}},
                "results": [_result(f, index) for f in report.findings],
                "columnKind": "utf16CodeUnits",
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _cwd_uri() -> str:
    cwd = os.getcwd().replace(os.sep, "/")
    return "file://" + quote(cwd if cwd.endswith("/") else cwd + "/")
