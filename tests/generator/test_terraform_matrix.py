"""Real Terraform 1.0.3 on rendered modules: fmt -check, init, validate and plan of examples/complete
for every variant (tests/generator/variants.py), batched into one root configuration so the whole
matrix costs one init, one validate and one plan. The default module is also planned on its own,
exactly as a user would."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import pytest

from generator.answers import build
from generator.canonical import CANONICAL
from generator.render import render, templates_root
from generator.controllers import predefined_config
from tests.generator.example_inputs import EXAMPLE_INPUTS, aligned, example_inputs, tfvars
from tests.generator.variants import codedeploy_matrix, external_matrix, matrix
from tests.harness.terraform import TerraformFailed

VARIANTS = matrix()
CODEDEPLOY = codedeploy_matrix()
EXTERNAL = external_matrix()
# The hook handler shipped in every module with hooks, and the settings it reads (contract §5).
HANDLER_SETTINGS = {"WARMUP_SECONDS", "HEALTH_CHECK_URL", "HEALTH_CHECK_EXPECTED_STATUS", "ALARM_NAMES",
                    "CHECK_TIMEOUT_SECONDS", "POLL_INTERVAL_SECONDS"}
_spec = importlib.util.spec_from_file_location("tfbg_hook_handler", templates_root() / "ecs" / "hook" / "handler.py")
HANDLER = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = HANDLER  # dataclasses look their module up while the class is created
_spec.loader.exec_module(HANDLER)
for _name, _answers in CANONICAL.items():
    {"codedeploy": CODEDEPLOY, "external": EXTERNAL}.get(_answers.get("controller", "ecs"), VARIANTS)[f"canonical-{_name}"] = {**_answers, "name": _name}
# Every kind goes into the one batched root: one init, one validate, one plan for all of them.
ALL = {**VARIANTS, **CODEDEPLOY, **EXTERNAL}


def write(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def module_label(label: str) -> str:
    return "v_" + label.replace("-", "_")


PROVIDER_BLOCK = re.compile(r'^provider "aws" \{\n.*?^\}\n', re.S | re.M)


def batched_example(label: str, example: str) -> str:
    """A variant's examples/complete/main.tf, made one part of the batch root: its module call and
    outputs renamed after the variant, `source` pointing at the variant, its provider block left to
    the batch root (one provider instance instead of one per variant)."""
    call = module_label(label)
    text = PROVIDER_BLOCK.sub("", example)
    assert 'module "service" {\n  source = "../.."\n' in text
    text = text.replace('module "service" {\n  source = "../.."\n', f'module "{call}" {{\n  source = "../{label}"\n')
    text = text.replace("module.service.", f"module.{call}.")
    return re.sub(r'^output "(\w+)"', lambda m: f'output "{call}_{m.group(1)}"', text, flags=re.M)


def batched_call(label: str, example: str) -> str:
    """One part of the batch root: the variant's examples/complete, called as a module with the batch
    root's network inputs (its provider block is removed by the caller: one provider for the batch)."""
    call = module_label(label)
    pairs = [("source", f'"../{label}/examples/complete"')] + [(n, f"var.{n}") for n in example_inputs(example)]
    args = "".join(f"  {line}\n" for line in aligned(pairs))
    return (f'module "{call}" {{\n{args}}}\n\n'
            f'output "{call}_deployment_timeout" {{\n  value = module.{call}.deployment_timeout\n}}\n')


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("matrix")
    parts = ['provider "aws" {\n  region = "us-east-1"\n}\n']
    parts += [f'variable "{name}" {{\n  sensitive = {"true" if name == "test_header_value" else "false"}\n}}\n'
              for name in EXAMPLE_INPUTS]
    for label, answers in ALL.items():
        write(root / label, render(build(answers)))
        example = root / label / "examples" / "complete" / "main.tf"
        text = example.read_text()
        if label not in VARIANTS:  # CodeDeploy and EXTERNAL kinds: their examples pass placeholders
            parts.append(batched_example(label, text))
            continue
        # The ECS kind's example creates everything around the module: call it as a module.
        assert PROVIDER_BLOCK.search(text)
        example.write_text(PROVIDER_BLOCK.sub("", text))
        parts.append(batched_call(label, text))
    (root / "all").mkdir()
    (root / "all" / "main.tf").write_text("\n".join(parts))
    (root / "inputs.tfvars").write_text(tfvars(EXAMPLE_INPUTS))
    return root


def test_every_variant_is_fmt_clean(terraform, rendered):
    terraform.fmt_check(rendered)


@pytest.fixture(scope="module")
def plan(terraform, rendered) -> dict:
    terraform.validate(rendered / "all")
    return terraform.plan(rendered / "all", var_file=rendered / "inputs.tfvars")


def planned(plan: dict, label: str, within: str | None = None) -> dict[str, dict]:
    """address within the module -> planned values, for one variant. The ECS kind's module sits in its
    example (module.service); within="" gives the example's own resources."""
    if within is None:
        within = "module.service." if label in VARIANTS else ""
    prefix = f"module.{module_label(label)}.{within}"
    return {
        change["address"][len(prefix):]: change["change"]["after"]
        for change in plan["resource_changes"]
        if change["address"].startswith(prefix) and change["mode"] == "managed"
    }


def test_matrix_validates_and_plans(plan):
    # validate and plan ran in the fixture; every variant must have produced its service.
    for label in ALL:
        assert "aws_ecs_service.this" in planned(plan, label), label


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_planned_values(plan, label):
    answers = build(VARIANTS[label])
    resources = planned(plan, label)
    assert all(change["change"]["actions"] == ["create"] for change in plan["resource_changes"] if change["mode"] == "managed")
    service = resources["aws_ecs_service.this"]
    config = service["deployment_configuration"][0]
    assert config["strategy"] == answers.ecs_strategy
    assert str(config["bake_time_in_minutes"]) == str(answers.bake_time_in_minutes)
    if answers.strategy == "linear":
        assert config["linear_configuration"][0]["step_percent"] == answers.step_percent
    if answers.strategy == "canary":
        assert config["canary_configuration"][0]["canary_percent"] == answers.canary_percent
    if answers.launch_type == "EC2":  # examples/complete runs it on its capacity provider
        assert service.get("launch_type") is None and service["capacity_provider_strategy"][0]["weight"] == 1
    else:
        assert service["launch_type"] == answers.launch_type
    assert service["wait_for_steady_state"] is answers.wait_for_steady_state
    assert service["deployment_controller"] == [{"type": "ECS"}]
    hooks = config.get("lifecycle_hook") or []
    lambdas = [h for h in hooks if h.get("target_type") != "PAUSE"]
    pauses = [h for h in hooks if h.get("target_type") == "PAUSE"]
    assert sorted(stage for hook in lambdas for stage in hook["lifecycle_stages"]) == sorted(answers.hooks)
    assert sorted(stage for hook in pauses for stage in hook["lifecycle_stages"]) == sorted(answers.pause_hooks)
    for pause in pauses:
        assert pause["hook_target_arn"] is None and pause["role_arn"] is None
        assert pause["timeout_configuration"] == [{"action": "ROLLBACK", "timeout_in_minutes": 1440}]
    _check_example(plan, label, answers)

    groups = {k: v for k, v in resources.items() if k.startswith("aws_lb_target_group.")}
    if answers.load_balancer == "service-connect":
        assert not groups and not service.get("load_balancer")
        (alias,) = service["service_connect_configuration"][0]["service"][0]["client_alias"]
        (rule,) = alias["test_traffic_rules"][0]["header"]
        assert rule["name"] == answers.test_header_name
        assert rule["value"] == [{"exact": "0123456789abcdef0123456789abcdef"}]
    else:
        assert sorted(groups) == ["aws_lb_target_group.blue", "aws_lb_target_group.green"]
        assert {g["target_type"] for g in groups.values()} == {"ip"}
        # Name prefixes within the 6 characters the provider allows; the names themselves come at apply.
        assert groups["aws_lb_target_group.green"]["name_prefix"] == f"{answers.name[:4]}g-"
        route = "aws_lb_listener_rule" if answers.load_balancer == "alb" else "aws_lb_listener"
        routes = sorted(k for k in resources if k.startswith(route + "."))
        assert routes == [f"{route}.production"] + ([f"{route}.test"] if answers.test_traffic != "none" else [])
        if answers.test_traffic == "header":
            production = resources["aws_lb_listener_rule.production"]
            test = resources["aws_lb_listener_rule.test"]
            assert test["priority"] == production["priority"] - 1
            (header,) = [c["http_header"][0] for c in test["condition"] if c.get("http_header")]
            assert header["values"] == (
                [answers.test_header_value] if answers.test_header_value else ["0123456789abcdef0123456789abcdef"])

    functions = sorted(k for k in resources if k.startswith("aws_lambda_function."))
    assert functions == sorted(f"aws_lambda_function.{stage.lower()}" for stage in answers.hooks)
    for name in functions:
        function = resources[name]
        assert function["handler"] == "handler.handler" and callable(HANDLER.handler)
        assert function["function_name"].startswith(answers.name + "-")
        assert len(function["function_name"]) <= 64
        environment = function["environment"][0]["variables"]
        rollback_alarms = answers.alarm_rollback or answers.target_group_alarms
        assert set(environment) == HANDLER_SETTINGS - ({"ALARM_NAMES"} if not rollback_alarms else set())
        config = HANDLER.load_config(environment, {})  # the handler accepts what the module sets
        assert config.check_timeout_seconds == 600 and config.poll_interval_seconds == 30
        expected_alarms = ([f"{answers.name}-cpu-high"] if answers.alarm_rollback else []) + (
            [f"{answers.name}-{color}-{metric}" for color in ("blue", "green") for metric in ("5xx", "latency")]
            if answers.target_group_alarms else [])
        assert config.alarm_names == tuple(expected_alarms)

    # Roles: created (none given), one per region, within IAM's 64 characters.
    for role in (v for k, v in resources.items() if k.startswith("aws_iam_role.")):
        assert role["name"].endswith("-us-east-1") and len(role["name"]) <= 64 and role["path"] == "/"

    assert ("aws_appautoscaling_target.this" in resources) == answers.autoscaling
    if answers.autoscaling:
        target = resources["aws_appautoscaling_target.this"]
        assert (target["min_capacity"], target["max_capacity"]) == (2, 10)
        assert sorted(k for k in resources if k.startswith("aws_appautoscaling_policy.")) == ["aws_appautoscaling_policy.cpu[0]"]
    alarms = sorted(k for k in resources if k.startswith("aws_cloudwatch_metric_alarm."))
    assert len(alarms) == (4 if answers.target_group_alarms else 0)
    if answers.alarm_rollback or answers.target_group_alarms:
        assert sorted(service["alarms"][0]["alarm_names"]) == sorted(expected_alarm_names(answers))
    assert ("aws_cloudwatch_event_rule.pause" in resources) == bool(answers.pause_hooks)
    if answers.pause_hooks:  # the pattern names the service's ARN, known only after apply
        assert resources["aws_cloudwatch_event_target.pause"]["rule"] == f"{answers.name}-deployment-paused"

    timeout = f"{expected_timeout(answers)}m"
    outputs = plan["planned_values"]["outputs"]
    assert outputs[f"{module_label(label)}_deployment_timeout"]["value"] == timeout
    if answers.wait_for_steady_state:
        assert service["timeouts"] == {"create": timeout, "update": timeout, "delete": None}
    else:
        assert service["timeouts"] is None


def expected_alarm_names(answers) -> list[str]:
    names = [f"{answers.name}-cpu-high"] if answers.alarm_rollback else []
    if answers.target_group_alarms:
        names += [f"{answers.name}-{color}-{metric}" for color in ("blue", "green") for metric in ("5xx", "latency")]
    return names


def _check_example(plan, label, answers):
    """examples/complete creates what the service needs; nothing in it is a placeholder ARN."""
    example = planned(plan, label, within="")
    assert {"aws_ecs_cluster.this", "aws_ecs_task_definition.app", "aws_cloudwatch_log_group.app",
            "aws_security_group.tasks", "aws_iam_role.task_execution"} <= set(example)
    lb = answers.load_balancer != "service-connect"
    assert ("aws_lb.this" in example) == lb
    if answers.load_balancer == "alb":
        assert "aws_lb_listener.http" in example and "aws_lb_listener.https[0]" not in example  # no certificate given
        assert ("aws_lb_listener.test" in example) == (answers.test_traffic == "listener")
    if not lb:
        assert "aws_service_discovery_http_namespace.this" in example
    text = json.dumps(planned(plan, label, within=""))
    assert "123456789012:cluster" not in text and "listener/app/example" not in text


@pytest.mark.parametrize("label", sorted(CODEDEPLOY))
def test_codedeploy_planned_values(plan, label):
    answers = build(CODEDEPLOY[label])
    resources = planned(plan, label)
    service = resources["aws_ecs_service.this"]
    assert service["deployment_controller"] == [{"type": "CODE_DEPLOY"}]
    assert not service.get("deployment_circuit_breaker") and not service.get("deployment_configuration")
    assert len(service["load_balancer"]) == 1 and service["load_balancer"][0]["container_name"] == answers.container_name
    assert resources["aws_codedeploy_app.this"]["compute_platform"] == "ECS"
    group = resources["aws_codedeploy_deployment_group.this"]
    assert group["deployment_style"] == [{"deployment_type": "BLUE_GREEN", "deployment_option": "WITH_TRAFFIC_CONTROL"}]
    pair = group["load_balancer_info"][0]["target_group_pair_info"][0]
    assert len(pair["target_group"]) == 2 and len(pair["prod_traffic_route"]) == 1
    assert bool(pair.get("test_traffic_route")) == (answers.test_traffic == "listener")
    events = group["auto_rollback_configuration"][0]["events"]
    assert sorted(events) == sorted(["DEPLOYMENT_FAILURE"] + (["DEPLOYMENT_STOP_ON_ALARM"] if answers.alarm_rollback else []))
    wait = group["blue_green_deployment_config"][0]["terminate_blue_instances_on_deployment_success"][0]
    assert wait == {"action": "TERMINATE", "termination_wait_time_in_minutes": answers.bake_time_in_minutes}
    predefined = predefined_config(answers)
    if predefined:
        assert group["deployment_config_name"] == predefined
        assert "aws_codedeploy_deployment_config.this" not in resources
    else:
        routing = resources["aws_codedeploy_deployment_config.this"]["traffic_routing_config"][0]
        shape = routing["time_based_canary"] if answers.strategy == "canary" else routing["time_based_linear"]
        percent = answers.canary_percent if answers.strategy == "canary" else answers.step_percent
        minutes = answers.canary_bake_time_in_minutes if answers.strategy == "canary" else answers.step_bake_time_in_minutes
        assert shape == [{"percentage": percent, "interval": minutes}]
    listeners = sorted(k for k in resources if k.startswith("aws_lb_listener."))
    assert listeners == ["aws_lb_listener.production"] + (["aws_lb_listener.test"] if answers.test_traffic == "listener" else [])
    alarms = sorted(k for k in resources if k.startswith("aws_cloudwatch_metric_alarm."))
    assert alarms == (["aws_cloudwatch_metric_alarm.blue", "aws_cloudwatch_metric_alarm.green"] if answers.alarm_rollback else [])
    functions = sorted(k for k in resources if k.startswith("aws_lambda_function."))
    assert len(functions) == len(answers.hooks)
    for name in functions:
        assert resources[name]["timeout"] == 900 and resources[name]["handler"] == "handler.handler"
    policy = "aws_iam_role_policy.codedeploy" if answers.least_privilege else "aws_iam_role_policy_attachment.codedeploy"
    assert policy in resources
    # The module's appspec output is appspec.yaml with the module's values (the README deploys with the file).
    appspec = plan["planned_values"]["outputs"][f"{module_label(label)}_appspec"]["value"]
    template = render(answers)["appspec.yaml"].decode()
    expected = "".join(line + "\n" for line in template.splitlines() if not line.startswith("#"))
    assert appspec == expected.replace("TASK_DEFINITION_ARN", "arn:aws:ecs:us-east-1:123456789012:task-definition/example:1")


@pytest.mark.parametrize("label", sorted(EXTERNAL))
def test_external_planned_values(plan, label):
    answers = build(EXTERNAL[label])
    resources = planned(plan, label)
    service = resources["aws_ecs_service.this"]
    assert service["deployment_controller"] == [{"type": "EXTERNAL"}]
    assert not service.get("task_definition") and not service.get("load_balancer") and not service.get("launch_type")
    task_sets = sorted(k for k in resources if k.startswith("aws_ecs_task_set."))
    # A fresh module: the primary task set only (no canary input), none when a deployer owns them.
    assert task_sets == ([] if answers.external_deployer else ["aws_ecs_task_set.primary"])
    if not answers.external_deployer:
        primary = resources["aws_ecs_task_set.primary"]
        assert primary["scale"] == [{"unit": "PERCENT", "value": 100}] and primary["wait_until_stable"] is True
        assert primary["launch_type"] == answers.launch_type
    forward = resources["aws_lb_listener.production"]["default_action"][0]["forward"][0]["target_group"]
    assert sorted(t["weight"] for t in forward) == [0, 100]


def expected_timeout(answers) -> int:
    """Minutes a deployment may take with the module's default inputs (ecs-deployments.md R-37)."""
    steps = {"blue-green": 1, "linear": math.ceil(100 / answers.step_percent), "canary": 2}[answers.strategy]
    bake = answers.bake_time_in_minutes
    if answers.strategy == "linear":
        bake += (steps - 1) * answers.step_bake_time_in_minutes
    if answers.strategy == "canary":
        bake += answers.canary_bake_time_in_minutes
    nlb = 10 * (1 + steps) if answers.load_balancer == "nlb" else 0
    recurring = {"PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"}
    runs = sum(steps if stage in recurring else 1 for stage in answers.hooks)
    per_run = math.ceil((0 + 600 + 30) / 60)  # warm-up, check timeout, one poll interval (defaults)
    pauses = sum(steps if stage in recurring else 1 for stage in answers.pause_hooks)
    return 30 + bake + nlb + per_run * runs + 1440 * pauses


@pytest.fixture
def default_module(tmp_path) -> Path:
    module = tmp_path / "demo"
    write(module, render(build({"name": "demo"})))
    return module


def test_default_module_plans_on_its_own(terraform, default_module):
    """What the README's first command produces, planned as a user would: from examples/complete."""
    example = default_module / "examples" / "complete"
    terraform.fmt_check(default_module)
    terraform.init(example)
    terraform.validate(example)
    inputs = default_module / "inputs.tfvars"
    inputs.write_text(tfvars(example_inputs((example / "main.tf").read_text())))
    plan = terraform.plan(example, var_file=inputs)
    addresses = {c["address"] for c in plan["resource_changes"]}
    assert "module.service.aws_ecs_service.this" in addresses
    assert "module.service.aws_lb_listener_rule.test" in addresses
    # The whole story: the cluster, task definition and load balancer come from the example itself.
    assert {"aws_ecs_cluster.this", "aws_ecs_task_definition.app", "aws_lb.this", "aws_lb_listener.test"} <= addresses


def test_a_wrong_argument_name_in_a_template_is_caught(terraform, default_module):
    lb = default_module / "lb.tf"
    text = lb.read_text()
    assert text.count('target_type          = "ip"') == 2
    lb.write_text(text.replace('target_type          = "ip"', 'target_typ           = "ip"', 1))
    with pytest.raises(TerraformFailed) as failure:
        terraform.validate(default_module / "examples" / "complete")
    assert "Unsupported argument" in str(failure.value)
    assert 'An argument named "target_typ" is not expected here' in str(failure.value)


@pytest.mark.parametrize(
    "override, message",
    [
        ("step_percent = 3.05", "multiples of 0.1"),
        ("step_percent = 2", "multiples of 0.1"),
        ("bake_time_in_minutes = 1441", "whole number of minutes from 0 to 1440"),
        ('name = "Has_Upper"', "lower-case letters"),
    ],
)
def test_module_validation_blocks_reject_out_of_range_inputs(terraform, tmp_path, override, message):
    module = tmp_path / "svc"
    write(module, render(build({"name": "svc", "strategy": "linear"})))
    example = module / "examples" / "complete" / "main.tf"
    example.write_text(example.read_text().replace('  source = "../.."\n', f'  source = "../.."\n  {override}\n'))
    inputs = module / "inputs.tfvars"
    inputs.write_text(tfvars(example_inputs(example.read_text())))
    with pytest.raises(TerraformFailed) as failure:
        terraform.plan(module / "examples" / "complete", var_file=inputs)
    assert "Invalid value for variable" in str(failure.value)
    assert message in str(failure.value)


@pytest.mark.parametrize("with_source", [True, False], ids=["plan+source", "plan"])
def test_codedeploy_and_external_plans_lint_clean(plan, rendered, tmp_path, with_source):
    """Issue 10: `tfbg lint plan.json --source .` (the README's way) of the CodeDeploy and EXTERNAL modules gives
    no finding, infos included. Without --source a plan has no lifecycle blocks and no expressions (a policy's
    `"${replace(...)}/*"` is "known after apply"): "could not prove" infos only, never an error or warning."""
    import json

    from validator.config import Config
    from validator.engine import lint
    from validator.findings import Severity
    from validator.loaders.plan import load_plan

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    model = load_plan(str(path), source=str(rendered / "all") if with_source else None)
    prefixes = tuple(f"module.{module_label(label)}." for label in {**CODEDEPLOY, **EXTERNAL})
    findings = [f for f in lint(model, Config()) if f.rule_id != "TFBG002" and (f.address or "").startswith(prefixes)]
    if not with_source:
        findings = [f for f in findings if f.severity is not Severity.INFO]
    assert findings == [], [f"{f.rule_id} {f.severity.value} {f.address}: {f.message}" for f in findings]
