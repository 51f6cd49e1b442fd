"""JUnit XML for CI test dashboards: a test suite per rule, a test case per finding.

Findings at or above --fail-on are failures; findings below it are passing test cases whose
output carries the note. A rule with no finding shows as one passing test case.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from validator.formatters import Report, display_path


def render(report: Report) -> str:
    by_rule: dict[str, list] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    summaries = {rule.id: rule.summary for rule in report.rules}
    order = [rule.id for rule in report.rules] + sorted(set(by_rule) - set(summaries))

    root = ET.Element("testsuites", name="tfbg lint")
    total_tests = total_failures = 0
    for rule_id in order:
        findings = by_rule.get(rule_id, [])
        suite = ET.SubElement(root, "testsuite", name=f"{rule_id} {summaries.get(rule_id, '')}".strip())
        failures = 0
        if not findings:
            ET.SubElement(suite, "testcase", name=rule_id, classname=rule_id)
        for finding in findings:
            where = display_path(finding.location.file)
            if finding.location.line is not None:
                where += f":{finding.location.line}"
            name = f"{finding.address or where} {rule_id}"
            if len(report.roots) > 1 and finding.root:
                name += f" [{display_path(finding.root)}]"  # a shared module's finding, once per root linted
            case = ET.SubElement(suite, "testcase", name=name, classname=display_path(finding.location.file) or rule_id)
            body = f"{where}: {finding.message}"
            if finding.fix:
                body += f"\nfix: {finding.fix}"
            if finding.url:
                body += f"\nsee: {finding.url}"
            if finding.severity.rank >= report.fail_on.rank:
                failures += 1
                failure = ET.SubElement(case, "failure", message=finding.message, type=finding.severity.value)
                failure.text = body
            else:
                ET.SubElement(case, "system-out").text = f"{finding.severity.value}: {body}"
        tests = max(1, len(findings))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
