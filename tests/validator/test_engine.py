"""The engine with a test-only rule: suppressions, config, input diagnostics, rule failures, exit codes."""

import textwrap

import pytest

from validator.config import Config, find_config, load_config
from validator.engine import CORE_RULES, exit_code, lint
from validator.errors import InputError
from validator.findings import Severity
from validator.loaders.hcl import load_directory
from validator.rules.base import Rule


class BadQueueName(Rule):
    """Test-only: a queue named "bad" is an error at its `name` line; a tag "bad" at the tag."""

    id = "TFBG990"
    severity = Severity.ERROR
    summary = "test rule"
    resource_types = ("aws_sqs_queue",)

    def check(self, resource, model):
        if resource.values.get("name") == "bad":
            yield self.finding(resource, f"{resource.address} is named bad", path="name", fix="rename it")
        if resource.values.get("tags", {}).get("t") == "bad":
            yield self.finding(resource, f"{resource.address} has a bad tag", path="tags")
        if resource.values.get("name") == "unknown":
            yield self.unproven(resource, "the name is unknown", path="name")


class Crashes(Rule):
    id = "TFBG991"
    severity = Severity.ERROR
    summary = "test rule that fails"
    resource_types = ("aws_sqs_queue",)

    def check(self, resource, model):
        raise KeyError("boom")


class EveryQueue(Rule):
    id = "TFBG992"
    severity = Severity.WARNING
    summary = "test rule: every queue, at its block"
    resource_types = ("aws_sqs_queue",)

    def check(self, resource, model):
        yield self.finding(resource, f"{resource.address} is a queue")


KNOWN = {"TFBG990", "TFBG991", *(rule.id for rule in CORE_RULES)}


def lint_text(tmp_path, text, config=None, rules=(BadQueueName(),)):
    (tmp_path / "main.tf").write_text(textwrap.dedent(text).lstrip("\n"))
    return lint(load_directory(str(tmp_path)), config or Config(), rules=list(rules))


def summary(findings):
    return [(f.rule_id, f.severity.value, f.location.line) for f in findings]


def test_findings_carry_rule_location_fix_and_url(tmp_path):
    findings = lint_text(tmp_path, 'resource "aws_sqs_queue" "q" {\n  name = "bad"\n}\n')
    [finding] = findings
    assert summary(findings) == [("TFBG990", "error", 2)]
    assert finding.address == "aws_sqs_queue.q"
    assert finding.fix == "rename it"
    assert finding.url.endswith("/TFBG990.md")


def test_ignore_above_an_attribute_suppresses_only_that_attribute(tmp_path):
    findings = lint_text(
        tmp_path,
        """
        resource "aws_sqs_queue" "q" {
          # tfbg:ignore TFBG990 the legacy name is kept on purpose
          name = "bad"
          tags = { t = "bad" }
        }
        """,
    )
    assert summary(findings) == [("TFBG990", "error", 4)]


def test_ignore_above_a_block_suppresses_everything_inside_it(tmp_path):
    findings = lint_text(
        tmp_path,
        """
        // tfbg:ignore TFBG990: accepted risk, ticket OPS-1
        resource "aws_sqs_queue" "q" {
          name = "bad"
          tags = {
            t = "bad"
          }
        }
        resource "aws_sqs_queue" "other" {
          name = "bad"
        }
        """,
    )
    assert [(f.address, f.location.line) for f in findings] == [("aws_sqs_queue.other", 9)]


def test_stacked_ignores_and_several_ids_in_one_comment(tmp_path):
    findings = lint_text(
        tmp_path,
        """
        # tfbg:ignore TFBG003,TFBG990 both are fine here
        # tfbg:ignore TFBG992 also fine
        resource "aws_sqs_queue" "q" {
          name = "bad"
        }
        resource "aws_sqs_queue" "r" {}
        """,
        rules=(BadQueueName(), Crashes(), EveryQueue()),
    )
    assert [(f.rule_id, f.address) for f in findings] == [("TFBG003", "aws_sqs_queue.r"), ("TFBG992", "aws_sqs_queue.r")]


def test_ignore_for_another_rule_suppresses_nothing(tmp_path):
    findings = lint_text(tmp_path, '# tfbg:ignore TFBG101 not this one\nresource "aws_sqs_queue" "q" {\n  name = "bad"\n}\n')
    assert summary(findings) == [("TFBG990", "error", 3)]


def test_ignore_without_reason_is_reported_and_suppresses_nothing(tmp_path):
    findings = lint_text(tmp_path, 'resource "aws_sqs_queue" "q" {\n  # tfbg:ignore TFBG990\n  name = "bad"\n}\n')
    assert summary(findings) == [("TFBG001", "warning", 2), ("TFBG990", "error", 3)]
    assert "without a reason" in findings[0].message


def test_ignore_that_is_not_directly_above_anything_is_reported(tmp_path):
    findings = lint_text(tmp_path, '# tfbg:ignore TFBG990 reason\n\nresource "aws_sqs_queue" "q" {\n  name = "bad"\n}\n')
    assert summary(findings) == [("TFBG001", "warning", 1), ("TFBG990", "error", 4)]


def test_rule_ids_separated_by_a_space_are_reported(tmp_path):
    findings = lint_text(tmp_path, '# tfbg:ignore TFBG990 TFBG992 both fine\nresource "aws_sqs_queue" "q" {\n  name = "bad"\n}\n')
    assert summary(findings) == [("TFBG001", "warning", 1)]  # TFBG990 itself is still ignored
    assert "separate rule ids with commas (`# tfbg:ignore TFBG990,TFBG992 reason`)" in findings[0].message


def test_ignore_without_rule_id_is_reported(tmp_path):
    findings = lint_text(tmp_path, '# tfbg:ignore because\nresource "aws_sqs_queue" "q" {\n  name = "ok"\n}\n')
    assert summary(findings) == [("TFBG001", "warning", 1)]


def test_disabled_rules_do_not_run(tmp_path):
    config = Config(disabled=frozenset({"TFBG990"}))
    assert lint_text(tmp_path, 'resource "aws_sqs_queue" "q" { name = "bad" }\n', config) == []


def test_severity_override_applies_but_never_raises_a_could_not_prove_note(tmp_path):
    config = Config(severity={"TFBG990": Severity.WARNING})
    findings = lint_text(tmp_path, 'resource "aws_sqs_queue" "q" { name = "bad" }\nresource "aws_sqs_queue" "u" { name = "unknown" }\n', config)
    assert summary(findings) == [("TFBG990", "warning", 1), ("TFBG990", "info", 2)]
    config = Config(severity={"TFBG990": Severity.ERROR})
    findings = lint_text(tmp_path, 'resource "aws_sqs_queue" "u" { name = "unknown" }\n', config)
    assert summary(findings) == [("TFBG990", "info", 1)]


def test_excluded_paths_drop_findings_relative_to_the_config_file(tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "main.tf").write_text('module "old" {\n  source = "./legacy"\n}\nresource "aws_sqs_queue" "q" { name = "bad" }\n')
    (tmp_path / "legacy" / "main.tf").write_text('resource "aws_sqs_queue" "q" { name = "bad" }\n')
    model = load_directory(str(tmp_path))
    assert len(lint(model, Config(), rules=[BadQueueName()])) == 2
    config = Config(exclude=("legacy",), base_dir=str(tmp_path))
    [finding] = lint(model, config, rules=[BadQueueName()])
    assert finding.address == "aws_sqs_queue.q"
    config = Config(exclude=("legacy/*.tf",), base_dir=str(tmp_path))
    assert len(lint(model, config, rules=[BadQueueName()])) == 1


def test_a_failing_rule_is_reported_and_other_rules_still_run(tmp_path):
    findings = lint_text(tmp_path, 'resource "aws_sqs_queue" "q" { name = "bad" }\n', rules=(Crashes(), BadQueueName()))
    assert summary(findings) == [("TFBG003", "error", 1), ("TFBG990", "error", 1)]
    assert "TFBG991 failed on aws_sqs_queue.q: KeyError" in findings[0].message


def test_input_diagnostics_become_TFBG002_findings_and_exit_code_2(tmp_path):
    (tmp_path / "bad.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = \n}\n')
    findings = lint_text(tmp_path, 'resource "aws_sqs_queue" "ok" { name = "bad" }\n')
    assert [f.rule_id for f in findings] == ["TFBG002", "TFBG990"]
    assert findings[0].location.file.endswith("bad.tf")
    assert exit_code(findings, Severity.ERROR) == 2


def test_exit_code_follows_the_threshold():
    from validator.findings import Finding
    from validator.model import Location

    warning = Finding("TFBG990", Severity.WARNING, "m", "a", Location("f", 1))
    assert exit_code([], Severity.INFO) == 0
    assert exit_code([warning], Severity.ERROR) == 0
    assert exit_code([warning], Severity.WARNING) == 1
    assert exit_code([warning], Severity.INFO) == 1
    assert exit_code([warning], Severity.ERROR, input_errors=True) == 2


# -- config files ------------------------------------------------------------------------------


def test_config_file_is_found_walking_up_and_read(tmp_path):
    (tmp_path / ".tfbg.toml").write_text(
        'disable = ["TFBG991"]\nexclude = ["examples/**"]\nfail_on = "warning"\n[severity]\nTFBG990 = "info"\n'
    )
    nested = tmp_path / "infra" / "prod"
    nested.mkdir(parents=True)
    found = find_config(str(nested))
    assert found == str(tmp_path / ".tfbg.toml")
    config = load_config(found, KNOWN)
    assert config.disabled == frozenset({"TFBG991"})
    assert config.severity == {"TFBG990": Severity.INFO}
    assert config.fail_on == Severity.WARNING
    assert config.excludes(str(tmp_path / "examples" / "a" / "main.tf"))
    assert not config.excludes(str(tmp_path / "infra" / "main.tf"))


def test_pyproject_tool_table_is_a_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.tfbg]\ndisable = ["TFBG990"]\n')
    found = find_config(str(tmp_path))
    assert found == str(tmp_path / "pyproject.toml")
    assert load_config(found, KNOWN).disabled == frozenset({"TFBG990"})


def test_pyproject_without_tool_table_is_not_a_config_and_the_search_stops_at_a_repository_root(tmp_path):
    (tmp_path / ".tfbg.toml").write_text("")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(str(repo)) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('disabled = ["TFBG990"]\n', "unknown key 'disabled'"),
        ('disable = ["TFBG999"]\n', "'TFBG999' is not a rule"),
        ('disable = "TFBG990"\n', "must be a list of strings"),
        ('disable = ["TFBG002"]\n', "cannot be disabled"),
        ('[severity]\nTFBG990 = "fatal"\n', "must be \"error\", \"warning\" or \"info\""),
        ('fail_on = "sometimes"\n', "fail_on must be"),
        ("disable = [\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_file_and_the_problem(tmp_path, text, problem):
    path = tmp_path / ".tfbg.toml"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        load_config(str(path), KNOWN)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


@pytest.mark.parametrize("rule", CORE_RULES, ids=lambda r: r.id)
def test_core_ids_have_docs_pages(rule):
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "rules" / f"{rule.id}.md"
    assert page.read_text(encoding="utf-8").splitlines()[0] == f"# {rule.id} — {rule.summary}"


def test_findings_on_a_resource_whose_instances_are_unknown_are_could_not_prove(tmp_path):
    findings = lint_text(
        tmp_path,
        """
        variable "queues" {}
        resource "aws_sqs_queue" "q" {
          count = length(var.queues)
          name  = "bad"
        }
        """,
    )
    (finding,) = [f for f in findings if f.rule_id == "TFBG990"]
    assert finding.severity is Severity.INFO
    assert finding.message.startswith("could not prove (how many instances of aws_sqs_queue.q exist")
