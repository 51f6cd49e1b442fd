"""Fuzz the plan loader through `tfbg lint PLAN.json`: real plans with subtrees replaced, and bytes."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.cli import app
from tests.fuzz.guard import check_cli_result, snapshot, within_time
from tests.fuzz.mutate import mutated_json, mutated_text
from tests.validator.test_bad_input import PLAN as HOOK_PLAN

REAL = Path(__file__).resolve().parents[1] / "plan" / "real"
SEEDS = [
    HOOK_PLAN,
    json.loads((REAL / "checkov__tests__terraform__image_referencer__resources__aws__ecs_tfplan.json").read_text()),
    json.loads((REAL / "cli__tests__functional__test_issue-249__plan.out.json").read_text()),
]
# Members the loader reads: trying them as new keys reaches code a random key never would.
KEYS = [
    "format_version", "planned_values", "resource_changes", "prior_state", "configuration", "root_module",
    "resources", "child_modules", "address", "module_address", "type", "name", "mode", "index", "values",
    "change", "actions", "before", "after", "after_unknown", "replace_paths", "expressions", "references",
    "module_calls", "module", "provider_config", "lifecycle_hook", "deployment_configuration", "load_balancer",
]


def lint_plan(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "plan.json"
        path.write_bytes(data)
        before = snapshot(Path(directory))
        result = within_time(lambda: CliRunner().invoke(app, ["lint", str(path), "--format", "json"]))
        check_cli_result(result)
        assert '"rule": "TFBG003"' not in result.stdout, result.stdout  # a rule crashed on this model
        assert snapshot(Path(directory)) == before


@given(st.sampled_from(range(len(SEEDS))).flatmap(lambda i: mutated_json(SEEDS[i], KEYS)))
def test_a_plan_with_damaged_structure_never_crashes_or_hangs_lint(plan):
    lint_plan(json.dumps(plan).encode())


@given(st.sampled_from([json.dumps(s, indent=1) for s in SEEDS[:2]]).flatmap(mutated_text))
def test_a_plan_with_damaged_text_never_crashes_lint(text):
    lint_plan(text.encode("utf-8", errors="surrogatepass"))


@given(st.binary(max_size=200))
def test_random_bytes_as_a_plan_never_crash_lint(data):
    lint_plan(data)
