"""Real Terraform on module inputs the matrix leaves at their defaults: existing roles, IAM path and
permissions boundary, alarms named per hook in hook_details, HTTPS (ALB example) and TLS (NLB)
listeners, health check settings. Two modules in one root, one plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.answers import build
from generator.render import render
from tests.generator.example_inputs import aligned, tfvars
from tests.generator.test_terraform_matrix import PROVIDER_BLOCK, write

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"
OWN = {
    "infrastructure_role_arn": '"arn:aws:iam::123456789012:role/platform/ecs-infrastructure"',
    "hook_invoke_role_arn": '"arn:aws:iam::123456789012:role/platform/ecs-hook-invoke"',
    "hook_function_role_arn": '"arn:aws:iam::123456789012:role/platform/ecs-hook-function"',
}
CREATED = {
    "iam_role_path": '"/ecs/"',
    "iam_permissions_boundary_arn": '"arn:aws:iam::123456789012:policy/boundary"',
    "hook_details": '{ POST_TEST_TRAFFIC_SHIFT = jsonencode({ alarm_names = ["checkout-p99", "checkout-errors"] }) }',
    "health_check_interval": "10",
    "health_check_healthy_threshold": "2",
    "health_check_path": '"/healthz"',
}
NLB = {"health_check_protocol": '"HTTP"', "health_check_path": '"/ready"'}


def _example(root: Path, label: str, answers: dict, overrides: dict[str, str], certificate: bool) -> str:
    write(root / label, render(build({"name": label, **answers})))
    example = root / label / "examples" / "complete" / "main.tf"
    text = PROVIDER_BLOCK.sub("", example.read_text())
    lines = "".join(f"  {line}\n" for line in aligned(list(overrides.items())))
    text = text.replace('  source = "../.."\n', f'  source = "../.."\n\n{lines}\n', 1)
    if certificate:
        text = text.replace("  default     = null\n", f'  default     = "{CERTIFICATE}"\n', 1)
    if answers.get("hooks"):
        text += '\noutput "hook_alarm_names" {\n  value = module.service.hook_alarm_names\n}\n'
    example.write_text(text)
    names = [n for n in ("vpc_id", "subnet_ids") if f'variable "{n}"' in text]
    call = aligned([("source", f'"../{label}/examples/complete"')] + [(n, f"var.{n}") for n in names])
    return f'module "{label.replace("-", "_")}" {{\n' + "".join(f"  {line}\n" for line in call) + "}\n"


@pytest.fixture(scope="module")
def plan(terraform, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("inputs")
    hooks = {"hooks": ["POST_TEST_TRAFFIC_SHIFT"], "alarm_rollback": True}
    calls = [
        _example(root, "own", hooks, OWN, certificate=False),
        _example(root, "made", hooks, CREATED, certificate=True),
        _example(root, "tls", {"load_balancer": "nlb"}, NLB, certificate=True),
    ]
    (root / "all").mkdir()
    variables = "".join(f'variable "{n}" {{}}\n' for n in ("vpc_id", "subnet_ids"))
    outputs = 'output "made_hook_alarm_names" {\n  value = module.made.hook_alarm_names\n}\n'
    (root / "all" / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n\n' + variables + "\n" + "\n".join(calls) + "\n" + outputs)
    (root / "inputs.tfvars").write_text(tfvars(["vpc_id", "subnet_ids"]))
    terraform.fmt_check(root)
    return terraform.plan(root / "all", var_file=root / "inputs.tfvars")


def _resources(plan: dict, module: str) -> dict[str, dict]:
    prefix = f"module.{module}."
    return {c["address"][len(prefix):]: c["change"]["after"] for c in plan["resource_changes"]
            if c["address"].startswith(prefix) and c["mode"] == "managed"}


def test_existing_roles_replace_the_module_roles(plan):
    resources = _resources(plan, "own")
    assert not [a for a in resources if a.startswith("module.service.aws_iam_role")]
    service = resources["module.service.aws_ecs_service.this"]
    advanced = service["load_balancer"][0]["advanced_configuration"][0]
    assert advanced["role_arn"] == json.loads(OWN["infrastructure_role_arn"])
    (hook,) = service["deployment_configuration"][0]["lifecycle_hook"]
    assert hook["role_arn"] == json.loads(OWN["hook_invoke_role_arn"])
    function = resources["module.service.aws_lambda_function.post_test_traffic_shift"]
    assert function["role"] == json.loads(OWN["hook_function_role_arn"])


def test_created_roles_take_path_and_boundary_and_hook_alarms_are_readable(plan):
    resources = _resources(plan, "made")
    roles = {a: r for a, r in resources.items() if a.startswith("module.service.aws_iam_role.")}
    assert len(roles) == 3
    for role in roles.values():
        assert role["path"] == "/ecs/" and role["permissions_boundary"] == json.loads(CREATED["iam_permissions_boundary_arn"])
    # The function role's policy grants cloudwatch:DescribeAlarms on these (its JSON is known only at apply).
    alarms = plan["planned_values"]["outputs"]["made_hook_alarm_names"]["value"]
    assert alarms == ["made-cpu-high", "checkout-p99", "checkout-errors"]
    group = resources["module.service.aws_lb_target_group.blue"]["health_check"][0]
    assert (group["interval"], group["healthy_threshold"], group["path"]) == (10, 2, "/healthz")


def test_https_on_the_alb_of_the_example(plan):
    resources = _resources(plan, "made")
    https = resources["aws_lb_listener.https[0]"]
    assert (https["protocol"], https["port"], https["certificate_arn"]) == ("HTTPS", 443, CERTIFICATE)
    assert resources["aws_lb_listener.http"]["default_action"][0]["type"] == "redirect"
    test = resources["aws_lb_listener.test"]
    assert (test["protocol"], test["port"]) == ("HTTPS", 8443)


def test_tls_listeners_on_the_nlb(plan):
    resources = _resources(plan, "tls")
    for name in ("production", "test"):
        listener = resources[f"module.service.aws_lb_listener.{name}"]
        assert (listener["protocol"], listener["certificate_arn"]) == ("TLS", CERTIFICATE)
        assert listener["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    group = resources["module.service.aws_lb_target_group.green"]
    assert group["protocol"] == "TCP" and group["health_check"][0]["protocol"] == "HTTP"
    assert group["health_check"][0]["path"] == "/ready"
