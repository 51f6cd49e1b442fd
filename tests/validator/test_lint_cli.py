"""`tfbg lint`, `tfbg rules`, `tfbg explain` end to end through the typer app, with a test-only rule."""

import json
import os
import stat
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from validator.findings import Severity
from validator.formatters import FORMATS
from validator.lint_cli import OutputFormat
from validator.rules import registry
from validator.rules.base import Rule


class BadName(Rule):
    id = "TFBG990"
    severity = Severity.ERROR
    summary = "queue named bad"
    resource_types = ("aws_sqs_queue",)

    def check(self, resource, model):
        if resource.values.get("name") == "bad":
            yield self.finding(resource, f"{resource.address} is named bad", path="name")


class LongDelay(Rule):
    id = "TFBG991"
    severity = Severity.WARNING
    summary = "queue delay over 60"
    resource_types = ("aws_sqs_queue",)

    def check(self, resource, model):
        delay = resource.values.get("delay_seconds")
        if isinstance(delay, int) and delay > 60:
            yield self.finding(resource, f"{resource.address} delays {delay}s", path="delay_seconds")


@pytest.fixture(autouse=True)
def test_rules(monkeypatch):
    monkeypatch.setattr(registry, "ALL_RULES", [BadName(), LongDelay()])


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def write(files):
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        return tmp_path

    return write


def run(*args):
    return CliRunner().invoke(app, list(args))


CLEAN = 'resource "aws_sqs_queue" "q" {\n  name = "good"\n}\n'
BAD = 'resource "aws_sqs_queue" "q" {\n  name = "bad"\n}\n'
SLOW = 'resource "aws_sqs_queue" "s" {\n  name          = "slow"\n  delay_seconds = 90\n}\n'


def test_clean_directory_exits_0_and_defaults_to_the_current_directory(project):
    project({"main.tf": CLEAN})
    result = run("lint")
    assert result.exit_code == 0, result.output
    assert result.stdout == "no findings\n"


def test_error_finding_exits_1_with_file_line_rule_and_severity(project):
    project({"infra/main.tf": BAD})
    result = run("lint", "infra")
    assert result.exit_code == 1
    assert result.stdout.startswith("infra/main.tf:2: TFBG990 error aws_sqs_queue.q is named bad\n")


def test_a_relative_path_reads_files_named_from_path_module(project):
    project(
        {
            "infra/main.tf": 'resource "aws_sqs_queue" "q" {\n  name = trimspace(file("${path.module}/name.txt"))\n}\n',
            "infra/name.txt": "bad\n",
        }
    )
    result = run("lint", "infra")
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("infra/main.tf:2: TFBG990 error aws_sqs_queue.q is named bad\n")


def test_var_wins_over_var_file_wherever_it_stands_as_the_readme_says(project):
    project(
        {
            "main.tf": 'variable "name" {\n  default = "good"\n}\nresource "aws_sqs_queue" "q" {\n  name = var.name\n}\n',
            "good.tfvars": 'name = "good"\n',
            "bad.tfvars": 'name = "bad"\n',
        }
    )
    assert run("lint", "--var", "name=bad", "--var-file", "good.tfvars").exit_code == 1
    assert run("lint", "--var-file", "bad.tfvars", "--var", "name=good").exit_code == 0
    assert run("lint", "--var-file", "good.tfvars", "--var-file", "bad.tfvars").exit_code == 1


def test_fail_on_threshold(project):
    project({"main.tf": SLOW})
    assert run("lint").exit_code == 0
    assert run("lint", "--fail-on", "warning").exit_code == 1
    assert run("lint", "--fail-on", "info").exit_code == 1


def test_config_fail_on_and_disable_and_cli_disable(project):
    project({"main.tf": SLOW + BAD, ".tfbg.toml": 'fail_on = "warning"\ndisable = ["TFBG990"]\n'})
    result = run("lint", "-f", "json")
    document = json.loads(result.stdout)
    assert [f["rule"] for f in document["findings"]] == ["TFBG991"]
    assert result.exit_code == 1
    result = run("lint", "--disable", "TFBG991", "-f", "json")
    assert json.loads(result.stdout)["findings"] == []
    assert result.exit_code == 0


def test_explicit_config_file(project):
    project({"main.tf": BAD, "ci/tfbg.toml": '[severity]\nTFBG990 = "warning"\n'})
    result = run("lint", "--config", "ci/tfbg.toml")
    assert "TFBG990 warning" in result.stdout
    assert result.exit_code == 0


def test_bad_config_is_reported_and_exits_2_after_linting(project):
    project({"main.tf": BAD, ".tfbg.toml": "disable = [\n"})
    result = run("lint")
    assert result.exit_code == 2
    assert "TFBG990 error" in result.stdout
    assert result.stderr.startswith("tfbg: error: ")
    assert ".tfbg.toml: not valid TOML" in result.stderr
    assert "Traceback" not in result.output


def test_parse_error_exits_2_and_other_files_are_still_checked(project):
    project({"a.tf": 'resource "aws_sqs_queue" "x" {\n  name = \n}\n', "b.tf": BAD})
    result = run("lint")
    assert result.exit_code == 2
    assert "a.tf:2: TFBG002 error cannot parse" in result.stdout
    assert "b.tf:2: TFBG990 error" in result.stdout


def test_parse_error_reaches_stderr_when_the_report_goes_to_a_file(project):
    root = project({"a.tf": 'resource "aws_sqs_queue" "x" {\n'})
    result = run("lint", "-f", "sarif", "-o", "out.sarif")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "a.tf:" in result.stderr
    sarif = json.loads((root / "out.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "TFBG002"


def test_bad_paths_exit_2_with_one_line_each(project):
    project({"main.tf": CLEAN, "notes.txt": "x"})
    result = run("lint", "missing", "notes.txt", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "tfbg: error: missing: no such file or directory",
        "tfbg: error: notes.txt: expected a Terraform directory, a plan .json file or -",
    ]


def test_plan_json_that_is_not_a_plan_is_an_input_error(project):
    project({"plan.json": "[1, 2]"})
    result = run("lint", "plan.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("tfbg: error: plan.json")
    assert "Traceback" not in result.output


REAL_PLAN = Path(__file__).resolve().parents[1] / "plan" / "real" / "terraform-json__testdata__110_basic__plan.json"


@pytest.mark.skipif(not REAL_PLAN.is_file(), reason="real plan corpus not present")
def test_plan_json_from_standard_input_and_from_a_file(project):
    text = REAL_PLAN.read_text()
    from_stdin = CliRunner().invoke(app, ["lint", "-", "--format", "json"], input=text)
    assert from_stdin.exit_code == 0, from_stdin.output
    assert json.loads(from_stdin.stdout)["tool"] == "tfbg"
    root = project({"plan.json": text})
    from_file = run("lint", "plan.json", "--format", "json")
    assert from_file.exit_code == 0
    assert [f["rule"] for f in json.loads(from_file.stdout)["findings"]] == [
        f["rule"] for f in json.loads(from_stdin.stdout)["findings"]
    ]


def test_a_tf_file_argument_lints_its_directory(project):
    project({"mod/main.tf": BAD, "mod/other.tf": CLEAN.replace('"q"', '"other"'), "mod/terraform.tfvars": ""})
    result = run("lint", "mod/main.tf", "mod/other.tf", "mod/terraform.tfvars")
    assert result.exit_code == 1
    assert result.stdout.count("TFBG990 error") == 1


def test_var_and_var_file(project):
    project(
        {
            "main.tf": 'variable "name" {}\nvariable "delay" { type = number }\n'
            'resource "aws_sqs_queue" "q" {\n  name = var.name\n  delay_seconds = var.delay\n}\n',
            "prod.tfvars": 'name = "bad"\ndelay = 5\n',
        }
    )
    assert run("lint").exit_code == 0  # var.name unknown: nothing proven
    assert run("lint", "--var-file", "prod.tfvars").exit_code == 1
    result = run("lint", "--var-file", "prod.tfvars", "--var", "name=ok", "--var", "delay=120", "--fail-on", "warning")
    assert "TFBG991 warning aws_sqs_queue.q delays 120s" in result.stdout
    assert "TFBG990" not in result.stdout
    result = run("lint", "--var", "delay=soon")
    assert result.exit_code == 2 and "--var delay: variable 'delay' is of type number, got 'soon'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--var", "novalue"], "--var 'novalue': expected NAME=VALUE"),
        (["--disable", "TFBG999"], "--disable TFBG999: not a rule"),
        (["--var-file", "nope.tfvars"], "nope.tfvars: var file not found"),
        (["--var", "nosuch=1"], "--var nosuch: . declares no variable 'nosuch'"),
    ],
)
def test_usage_errors_exit_2(project, args, message):
    project({"main.tf": CLEAN})
    result = run("lint", *args)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github"])
def test_every_format_writes_to_output_file(project, output_format):
    root = project({"main.tf": BAD})
    result = run("lint", "--format", output_format, "--output", "report.out")
    assert result.exit_code == 1
    assert result.stdout == ""
    written = (root / "report.out").read_text()
    assert "TFBG990" in written
    assert not list(root.glob(".report.out.*"))  # no temporary file left behind


def test_output_file_has_the_permissions_the_umask_gives(project):
    root = project({"main.tf": BAD})
    previous = os.umask(0o022)
    try:
        run("lint", "--output", "report.out")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((root / "report.out").stat().st_mode) == 0o644


def test_ignore_comment_in_a_linted_directory(project):
    project({"main.tf": 'resource "aws_sqs_queue" "q" {\n  # tfbg:ignore TFBG990 kept for the legacy consumer\n  name = "bad"\n}\n'})
    assert run("lint").exit_code == 0


def test_rules_table_and_json():
    table = run("rules")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "SUMMARY"]
    assert any(line.startswith("TFBG990  error") for line in lines)
    assert any(line.startswith("TFBG001  warning") for line in lines)
    document = json.loads(run("rules", "--format", "json").stdout)
    by_id = {r["id"]: r for r in document}
    assert by_id["TFBG991"]["severity"] == "warning"
    assert by_id["TFBG991"]["resource_types"] == ["aws_sqs_queue"]
    assert by_id["TFBG002"]["url"].endswith("/TFBG002.md")


def test_explain_prints_the_docs_page():
    result = run("explain", "tfbg002")
    assert result.exit_code == 0
    assert result.stdout.startswith("# TFBG002 — ")
    assert "## How to fix" in result.stdout


def test_explain_unknown_rule_exits_2():
    result = run("explain", "TFBG999")
    assert result.exit_code == 2
    assert result.stderr == "tfbg: error: TFBG999: not a rule (see `tfbg rules`)\n"


def test_every_formatter_is_offered_by_the_cli():
    assert tuple(f.value for f in OutputFormat) == FORMATS


def test_nothing_readable_prints_no_report_only_the_error(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "generator", "lint", str(tmp_path / "missing")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stdout == ""  # not "no findings" about input that was never checked
    assert result.stderr.strip().endswith("missing: no such file or directory")
