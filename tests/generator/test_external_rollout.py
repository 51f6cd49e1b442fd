"""The EXTERNAL kind's canary rollout (README: five applies), proven with real Terraform: each step is
planned against the state the previous step's apply leaves (tests/plan/state.py), and must change exactly
what the README says it does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.answers import build
from generator.render import render
from tests.generator.applied import changes as _changes, state_after

V1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/example:1"
V2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/example:2"
MODULE = "module.service."

# (step, inputs set in the example's module call, {address: actions} expected)
STEPS = [
    ("0 start", {}, {"aws_ecs_service.this": ["create"], "aws_ecs_task_set.primary": ["create"],
                     "aws_lb_listener.production": ["create"], "aws_lb_listener.test": ["create"],
                     "aws_lb_target_group.primary": ["create"], "aws_lb_target_group.canary": ["create"]}),
    ("1 canary", {"canary_task_definition_arn": V2, "canary_scale_percent": 10}, {"aws_ecs_task_set.canary[0]": ["create"]}),
    ("2 shift", {"canary_task_definition_arn": V2, "canary_scale_percent": 10, "canary_weight": 20},
     {"aws_lb_listener.production": ["update"]}),
    ("3 promote", {"canary_task_definition_arn": V2, "canary_scale_percent": 10, "canary_weight": 20, "promote": True},
     {"aws_ecs_task_set.primary": ["create", "delete"]}),
    ("4 shift back", {"canary_task_definition_arn": V2, "canary_scale_percent": 10, "canary_weight": 0, "promote": True},
     {"aws_lb_listener.production": ["update"]}),
    ("5 clean up", {"task_definition_arn": V2}, {"aws_ecs_task_set.canary[0]": ["delete"]}),
]


def _hcl(value) -> str:
    return json.dumps(value) if not isinstance(value, bool) else ("true" if value else "false")


def _set_inputs(example: Path, original: str, inputs: dict) -> None:
    text = original
    for key, value in inputs.items():
        if f"  {key} " in text:  # a required input the example already sets
            text = "\n".join(
                f"  {key} = {_hcl(value)}" if line.strip().startswith(f"{key} ") else line for line in text.splitlines()
            ) + "\n"
        else:
            text = text.replace('  source = "../.."\n', f'  source = "../.."\n  {key} = {_hcl(value)}\n')
    (example / "main.tf").write_text(text)


def _weights(plan: dict) -> dict[str, int]:
    listener = next(c for c in plan["resource_changes"] if c["address"] == MODULE + "aws_lb_listener.production")
    groups = listener["change"]["after"]["default_action"][0]["forward"][0]["target_group"]
    return sorted(int(g["weight"]) for g in groups)


def test_each_rollout_step_plans_what_the_readme_says(terraform, tmp_path):
    module = tmp_path / "svc"
    for relative, data in render(build({"name": "svc", "controller": "external"})).items():
        path = module / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    example = module / "examples" / "complete"
    original = (example / "main.tf").read_text()
    assert f'task_definition_arn = "{V1}"' in original.replace("  ", " ").replace("  ", " ") or V1 in original
    terraform.init(example)
    state = None
    weights = {}
    for step, inputs, expected in STEPS:
        _set_inputs(example, original, inputs)
        plan = terraform.plan(example, state=state) if state else terraform.plan(example)
        assert _changes(plan) == expected, step
        if "aws_lb_listener.production" in expected:
            weights[step] = _weights(plan)
        if step.startswith("3"):
            change = next(c for c in plan["resource_changes"] if c["address"] == MODULE + "aws_ecs_task_set.primary")
            assert change["change"]["actions"] == ["create", "delete"]  # create_before_destroy: new primary first
            assert change["change"]["after"]["task_definition"] == V2
        state = state_after(state, plan, _fill_forward_arns)
    assert weights == {"0 start": [0, 100], "2 shift": [20, 80], "4 shift back": [0, 100]}


def _fill_forward_arns(state: dict) -> None:
    """state_from_plan pairs a forward's set-typed target groups with the configuration by constant weights;
    this module computes its weights, so the ARNs stay null. Put them in: while the canary target group is
    not weighted 100, the larger weight is the primary target group's (true in every step here)."""
    arns = {r["name"]: r["instances"][0]["attributes"]["arn"] for r in state["resources"] if r["type"] == "aws_lb_target_group"}
    for resource in state["resources"]:
        if resource["type"] == "aws_lb_listener" and resource["name"] == "production":
            groups = resource["instances"][0]["attributes"]["default_action"][0]["forward"][0]["target_group"]
            ordered = sorted(groups, key=lambda g: g["weight"])
            if ordered[0]["arn"] is None:
                ordered[0]["arn"], ordered[1]["arn"] = arns["canary"], arns["primary"]


@pytest.mark.parametrize("deployer", [False, True])
def test_only_the_deployer_variant_ignores_the_weights(deployer):
    files = render(build({"name": "svc", "controller": "external", "external_deployer": deployer}))
    lb = files["lb.tf"].decode()
    assert ("ignore_changes = [default_action[0].forward[0].target_group]" in lb) is deployer
    assert ("aws_ecs_task_set" in files["main.tf"].decode()) is not deployer
    assert "ignore_changes" not in files["main.tf"].decode()


def test_an_external_deployer_takes_over_mid_rollout_without_a_change(terraform, tmp_path):
    """README: re-render with --external-deployer, `terraform state rm` the task sets, and the plan is empty
    even though the listener's weights are 80/20 at that moment."""
    module = tmp_path / "svc"

    def write(deployer: bool) -> str:
        for relative, data in render(build({"name": "svc", "controller": "external", "external_deployer": deployer})).items():
            path = module / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return (module / "examples" / "complete" / "main.tf").read_text()

    example = module / "examples" / "complete"
    original = write(False)
    terraform.init(example)
    state = None
    for _, inputs, _ in STEPS[:3]:  # start, canary, shift to 80/20
        _set_inputs(example, original, inputs)
        plan = terraform.plan(example, state=state) if state else terraform.plan(example)
        state = state_after(state, plan, _fill_forward_arns)
    assert _weights(plan) == [20, 80]

    write(True)  # tfbg new svc --answers ... --external-deployer --force
    for path in (module / "main.tf", module / "lb.tf"):
        assert path.exists()
    state = {**state, "resources": [r for r in state["resources"] if r["type"] != "aws_ecs_task_set"]}  # state rm
    terraform.init(example)
    plan = terraform.plan(example, state=state)
    assert _changes(plan) == {}
