"""The one runner over rule fixtures (contract section 3), and the meta-test that every registered rule
has fixtures and a docs page.

tests/rules/fixtures/TFBG###/<case>/ is a Terraform root module. `fail_*` cases hold expected.json:
exactly the findings of rule TFBG### ({"rule", "file", "line", "address"}, and "severity" where the case
pins it); `pass_*` cases yield no
finding of that rule at all, not even "could not prove". Plan-only rules (and cases named `*_plan_*`)
run through real Terraform: `prior/` (when present) is planned first and turned into the state the
case is planned against; the plan is read by the plan loader with the case as --source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from validator.config import Config
from validator.engine import lint
from validator.loaders.hcl import load_directory
from validator.rules.registry import ALL_RULES, rules_by_id

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
CASES = sorted(p for p in FIXTURES.glob("TFBG*/*") if p.is_dir() and p.name.startswith(("pass_", "fail_")))
PLAN_CASE = re.compile(r"(^|_)plan(_|$)")


def _relative(file: str, case: Path) -> str:
    path = Path(file)
    try:
        return path.resolve().relative_to(case.resolve()).as_posix()
    except ValueError:
        return file


def _plan_model(case: Path, request: pytest.FixtureRequest, tmp_path: Path):
    try:
        terraform = request.getfixturevalue("terraform")
    except pytest.FixtureLookupError:
        pytest.skip("the `terraform` harness fixture is not available")
    from validator.loaders.plan import load_plan

    state = None
    if (case / "prior").is_dir():
        from tests.plan.state import state_from_plan

        state = state_from_plan(terraform.plan(case / "prior"))
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(terraform.plan(case, state=state)))
    return load_plan(str(plan_file), source=str(case))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(case: Path, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    rule_id = case.parent.name
    rule = rules_by_id().get(rule_id)
    assert rule is not None, f"{case}: no rule {rule_id} in validator/rules/registry.py"
    if rule.plan_only or PLAN_CASE.search(case.name):
        model = _plan_model(case, request, tmp_path)
    else:
        model = load_directory(str(case))
    broken = [f"{d.location}: {d.message}" for d in model.diagnostics if d.severity == "error"]
    assert not broken, f"{case}: the fixture itself does not load: {broken}"

    findings = lint(model, Config())
    crashes = [f.message for f in findings if f.rule_id == "TFBG003"]
    assert not crashes, crashes
    actual = sorted(
        (
            {
                "rule": f.rule_id,
                "file": _relative(f.location.file, case),
                "line": f.location.line,
                "address": f.address,
                "severity": f.severity.value,
            }
            for f in findings
            if f.rule_id == rule_id
        ),
        key=lambda d: (d["file"], d["line"] or 0, d["address"]),
    )
    if case.name.startswith("pass_"):
        messages = [f"{f.location}: {f.severity.value} {f.message}" for f in findings if f.rule_id == rule_id]
        assert actual == [], f"{case.name} must yield no {rule_id} finding, got: {messages}"
        return
    expected_file = case / "expected.json"
    assert expected_file.is_file(), f"{case}: a fail_ case needs expected.json"
    expected = json.loads(expected_file.read_text())
    assert expected, f"{expected_file}: a fail_ case expects at least one finding"
    expected = sorted(expected, key=lambda d: (d["file"], d["line"] or 0, d["address"]))
    # "severity" is optional in expected.json: where given, the finding must have it (docs/severity.md).
    actual = [
        {key: value for key, value in found.items() if key != "severity" or "severity" in wanted}
        for found, wanted in zip(actual, expected)
    ] + actual[len(expected):]
    assert actual == expected


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert all(re.fullmatch(r"TFBG[1-9]\d\d", i) for i in ids), ids


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_has_passing_and_failing_fixtures_and_a_docs_page(rule) -> None:
    directory = FIXTURES / rule.id
    cases = [p.name for p in directory.iterdir() if p.is_dir()] if directory.is_dir() else []
    assert any(c.startswith("pass_") for c in cases), f"{rule.id}: no pass_* fixture in {directory}"
    assert any(c.startswith("fail_") for c in cases), f"{rule.id}: no fail_* fixture in {directory}"
    page = DOCS / f"{rule.id}.md"
    assert page.is_file(), f"{rule.id}: no docs page {page}"
    title = page.read_text(encoding="utf-8").splitlines()[0]
    assert title.startswith(f"# {rule.id} — "), f"{page}: the first line must be '# {rule.id} — <summary>'"
