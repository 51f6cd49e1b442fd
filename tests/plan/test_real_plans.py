"""Every real plan from public projects loads, or fails with one clear line (never a traceback).

The files and their origins (repository, path, commit, licence) are listed in real/SOURCES.json.
"""

import json
from pathlib import Path

import pytest

from validator.errors import InputError
from validator.loaders.plan import load_plan
from validator.model import Ref

REAL = Path(__file__).parent / "real"
PLANS = sorted(p for p in REAL.glob("*.json") if p.name != "SOURCES.json")

# The files that are not usable plans, and the reason the loader must give.
REFUSED = {
    "checkov__tests__terraform__runner__resources__plan__corrupted-tfplan.json": "this is Terraform state",
    "terraform-json__testdata__invalid__plan.json": ":676:29: not valid JSON",
    "terraform__internal__command__testdata__show-json__plan-error__output.json": "Terraform reported errors",
}


def test_the_real_plans_are_all_here():
    assert len(PLANS) == 48


def _document(plan: Path) -> dict:
    data = plan.read_bytes()
    return json.loads(data.decode("utf-16" if data[:2] == b"\xff\xfe" else "utf-8-sig"))


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.name[:60])
def test_real_plan_loads_or_fails_clearly(plan):
    if plan.name in REFUSED:
        with pytest.raises(InputError) as error:
            load_plan(str(plan))
        message = str(error.value)
        assert REFUSED[plan.name] in message
        assert message.startswith(str(plan)) and "\n" not in message
        return
    model = load_plan(str(plan))
    changed = {rc["address"] for rc in _document(plan).get("resource_changes") or []}
    assert changed <= {r.address for r in model.resources}
    assert model.kind == "plan"


def test_utf16_plan_as_powershell_writes_it():
    plan = REAL / "checkov__tests__terraform__parser__resources__plan_encodings__tfplan_win_utf16.json"
    assert plan.read_bytes()[:2] == b"\xff\xfe"
    assert [r.type for r in load_plan(str(plan)).resources]


NESTED = REAL / "checkov__tests__terraform__runner__resources__plan_nested_child_modules_with_connections__tfplan.json"


def test_nested_modules_keep_instance_addresses():
    addresses = {r.address for r in load_plan(str(NESTED)).resources}
    assert "module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket" in addresses
    assert "module.s3_bucket.aws_s3_bucket.this[0]" in addresses


def test_unknown_value_becomes_a_reference_from_the_configuration():
    model = load_plan(str(NESTED))
    block = model.get("aws_s3_bucket_public_access_block.root")
    assert block.values["bucket"] == Ref("aws_s3_bucket.root_bucket", "id")
    assert model.resolve(block.values["bucket"]) is model.get("aws_s3_bucket.root_bucket")


def test_deleted_resources_carry_their_before_values():
    plan = REAL / "terraform__internal__command__testdata__show-json__basic-delete__output.json"
    deleted = [r for r in load_plan(str(plan)).resources if r.change and r.change.actions == ("delete",)]
    assert deleted and all(r.values == r.change.before for r in deleted)


def test_module_calls_with_their_sources():
    calls = {c.address: c.source for c in load_plan(str(NESTED)).module_calls}
    assert calls["module.s3_bucket"] == "terraform-aws-modules/s3-bucket/aws"
    assert "module.s3_module.module.s3_submodule" in calls
