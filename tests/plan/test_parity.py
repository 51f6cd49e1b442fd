"""The plan and the directory give the same findings (issue 5).

Every rule fixture that Terraform can plan (broken `fail_*` and correct `pass_*` cases) is linted
twice more from its real plan: with `--source` the findings must equal the directory's to the line; without it, the plan
cannot see lifecycle blocks or tell an omitted argument from one computed later, so an error the
directory proves may only be "could not prove" (info) there, but the plan may never report an error
or warning that the directory does not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.generator.example_inputs import example_inputs, tfvars
from validator.config import Config
from validator.engine import lint
from validator.findings import Finding, Severity
from validator.loaders.hcl import load_directory
from validator.loaders.plan import load_plan
from validator.rules.registry import rules_by_id

FIXTURES = Path(__file__).parents[1] / "rules" / "fixtures"
RULES = rules_by_id()
NOTICE = "TFBG002"  # the loader's own notes (e.g. "pass --source"), not findings about the configuration
MODULE_SOURCE = re.compile(r'\bmodule\s+"[^"]*"\s*\{.*?\bsource\s*=\s*"([^"]*)"', re.DOTALL)


def _plannable(case: Path) -> bool:
    if case.name.endswith("_noplan"):
        # Uses arguments newer than the harness's provider schema, input variables without a value
        # (module-shaped code), or data sources whose values only AWS has (the offline stand-in
        # provider cannot read them; a real plan knows more than the directory, by design).
        return False
    if (case / "prior").is_dir() or RULES[case.parent.name].plan_only:
        return False  # plan-only rules: tests/rules/test_fixtures.py plans them against a prior state
    # Registry modules cannot be downloaded here (no network): Terraform cannot init such a case.
    sources = (m.group(1) for tf in case.glob("*.tf") for m in MODULE_SOURCE.finditer(tf.read_text()))
    return all(source.startswith(("./", "../")) for source in sources)


CASES = sorted(
    case
    for case in FIXTURES.glob("TFBG*/*_*")
    if case.is_dir() and case.name.startswith(("pass_", "fail_")) and _plannable(case)
)


def _plan_only_or_directory_only(finding: Finding) -> bool:
    rule = RULES.get(finding.rule_id)
    return finding.rule_id == NOTICE or (rule is not None and (rule.plan_only or rule.hcl_only))


def _exact(findings: list[Finding]) -> set[tuple]:
    return {
        (f.rule_id, f.severity.value, f.address, Path(f.location.file).name, f.location.line)
        for f in findings
        if not _plan_only_or_directory_only(f)
    }


@pytest.fixture
def planned(terraform, tmp_path):
    def plan(case: Path, var_file: Path | None = None) -> str:
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(terraform.plan(case, var_file=var_file)))
        return str(path)

    return plan


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_plan_and_directory_agree(case: Path, planned) -> None:
    directory = lint(load_directory(str(case)), Config())
    plan_file = planned(case)

    with_source = lint(load_plan(plan_file, source=str(case)), Config())
    assert _exact(with_source) == _exact(directory)

    without_source = lint(load_plan(plan_file), Config())
    seen = {(f.rule_id, f.address): f.severity for f in without_source}
    for finding in directory:
        rule = RULES.get(finding.rule_id)
        if _plan_only_or_directory_only(finding) or (rule and rule.needs_lifecycle):
            continue
        if finding.severity is Severity.INFO:
            continue
        assert (finding.rule_id, finding.address) in seen, f"the plan misses {finding.rule_id} {finding.message}"
    serious = {(f.rule_id, f.address) for f in directory if f.severity is not Severity.INFO}
    for finding in without_source:
        if finding.severity is not Severity.INFO:
            assert (finding.rule_id, finding.address) in serious, f"only the plan reports {finding.rule_id} {finding.message}"


MODULES = sorted((Path(__file__).parents[2] / "modules").glob("*/examples/complete"))


@pytest.mark.parametrize("example", MODULES, ids=lambda e: e.parents[1].name)
def test_generated_modules_lint_the_same_from_plan_and_directory(example: Path, planned, tmp_path) -> None:
    """The canonical renders, through the example root that calls them (plans of generated modules)."""
    directory = lint(load_directory(str(example)), Config())
    # The example's own inputs (the network, and the test header secret where there is one).
    inputs = tmp_path / "inputs.tfvars"
    inputs.write_text(tfvars(example_inputs((example / "main.tf").read_text())))
    plan_file = planned(example, inputs)
    assert _exact(lint(load_plan(plan_file, source=str(example)), Config())) == _exact(directory)
    serious = [f for f in lint(load_plan(plan_file), Config()) if f.severity is not Severity.INFO]
    assert serious == [], [f"{f.rule_id} {f.message}" for f in serious]


def test_the_fixtures_are_many():
    assert sum(c.name.startswith("fail_") for c in CASES) >= 100
    assert sum(c.name.startswith("pass_") for c in CASES) >= 100
