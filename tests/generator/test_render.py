"""What every render guarantees, checked on the rendered text of the whole variant matrix (no Terraform)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import generator
from generator.answers import build
from generator.render import ANSWERS_FILE, render, templates_root
from tests.generator.hclview import load_blocks, of_type, value
from tests.generator.variants import matrix

VARIANTS = matrix()
EIGHT_ACTIONS = {
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:RegisterTargets",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyRule",
}


@pytest.fixture(scope="module")
def renders():
    return {label: (build(answers), render(build(answers))) for label, answers in VARIANTS.items()}


def test_render_is_deterministic_within_and_across_processes():
    answers = build(VARIANTS["ca-alb-hea-hooks"])
    first = render(answers)
    assert render(answers) == first
    script = (
        "import json,hashlib;from generator.answers import build;from generator.render import render;"
        f"print(json.dumps({{k: hashlib.sha256(v).hexdigest() for k, v in render(build({VARIANTS['ca-alb-hea-hooks']!r})).items()}}))"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""}, cwd=Path(__file__).resolve().parents[2])
    assert json.loads(other.stdout) == {k: hashlib.sha256(v).hexdigest() for k, v in first.items()}


def test_answers_record_hashes_every_other_file(renders):
    for answers, files in renders.values():
        record = json.loads(files[ANSWERS_FILE])
        assert record["tfbg_version"] == generator.__version__
        assert record["template"] == {"id": "ecs", "version": 2}
        assert build(record["answers"]) == answers
        assert record["files"] == {
            path: "sha256:" + hashlib.sha256(data).hexdigest() for path, data in files.items() if path != ANSWERS_FILE
        }


def test_hook_files_only_with_hooks_and_handler_copied_verbatim(renders):
    handler = (templates_root() / "ecs" / "hook" / "handler.py").read_bytes()
    for answers, files in renders.values():
        hook_files = {"hooks.tf", "hook/handler.py", ".gitignore"}
        if answers.hooks:
            assert hook_files <= set(files)
            assert files["hook/handler.py"] == handler
        else:
            assert not hook_files & set(files)
        assert {"versions.tf", "main.tf", "iam.tf", "variables.tf", "outputs.tf", "README.md",
                "examples/complete/main.tf", ANSWERS_FILE} <= set(files)
        # Files of optional parts only when their part is chosen.
        assert ("lb.tf" in files) == (answers.load_balancer != "service-connect")
        assert ("autoscaling.tf" in files) == answers.autoscaling
        assert ("alarms.tf" in files) == answers.target_group_alarms
        assert ("pause.tf" in files) == bool(answers.pause_hooks)


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_correct_by_construction(renders, label):
    answers, files = renders[label]
    blocks = load_blocks(files)
    resources = {(t, n): b for (k, t, n), b in blocks.items() if k == "resource"}
    service = resources[("aws_ecs_service", "this")]
    if answers.load_balancer == "service-connect":
        _check_service_connect(answers, blocks, service)
        return

    # Target groups of type ip; the production route forwards to both weighted 100/0, the test route to green.
    groups = of_type(blocks, "resource", "aws_lb_target_group")
    assert set(groups) == {"blue", "green"}
    assert all(value(g["target_type"]) == "ip" for g in groups.values())
    route_type = "aws_lb_listener_rule" if answers.load_balancer == "alb" else "aws_lb_listener"
    action = "action" if answers.load_balancer == "alb" else "default_action"
    routes = of_type(blocks, "resource", route_type)
    assert set(routes) == ({"production"} if answers.test_traffic == "none" else {"production", "test"})
    weights = {
        name: {value(tg["arn"]): tg["weight"] for tg in body[action][0]["forward"][0]["target_group"]}
        for name, body in routes.items()
    }
    assert weights["production"] == {"aws_lb_target_group.blue.arn": 100, "aws_lb_target_group.green.arn": 0}
    if "test" in weights:
        assert weights["test"] == {"aws_lb_target_group.green.arn": 100}

    # ignore_changes on exactly what ECS rewrites (and the task count Application Auto Scaling owns).
    for (rtype, name), body in resources.items():
        ignored = [value(item) for item in body.get("lifecycle", [{}])[0].get("ignore_changes", [])]
        expected = [f"{action}[0].forward[0].target_group"] if rtype == route_type else []
        if rtype == "aws_ecs_service" and answers.autoscaling:
            expected = ["desired_count"]
        assert ignored == expected, (rtype, name)
    # Target groups are replaced create-before-destroy, under a name prefix (6 characters at most).
    for group in groups.values():
        assert group["lifecycle"][0]["create_before_destroy"] is True
        assert value(group["name_prefix"]).startswith("var.target_group_names != null ? null :")

    # Header mode: the test rule sits on the production listener, evaluated first, with the header condition.
    if answers.test_traffic == "header":
        test_rule, production = routes["test"], routes["production"]
        assert value(test_rule["listener_arn"]) == value(production["listener_arn"]) == "var.production_listener_arn"
        assert value(test_rule["priority"]) == "var.listener_rule_priority - 1"
        assert value(production["priority"]) == "var.listener_rule_priority"
        assert any("http_header" in c for c in test_rule["condition"])

    # The service: ECS controller, the strategy baked in, both target groups, the right routes.
    assert value(service["deployment_controller"][0]["type"]) == "ECS"
    config = service["deployment_configuration"][0]
    assert value(config["strategy"]) == answers.ecs_strategy
    assert ("linear_configuration" in config) == (answers.strategy == "linear")
    assert ("canary_configuration" in config) == (answers.strategy == "canary")
    assert service["wait_for_steady_state"] is answers.wait_for_steady_state
    assert ("timeouts" in service) == answers.wait_for_steady_state
    advanced = service["load_balancer"][0]["advanced_configuration"][0]
    assert value(advanced["production_listener_rule"]) == f"{route_type}.production.arn"
    assert ("test_listener_rule" in advanced) == (answers.test_traffic != "none")
    assert ("deployment_circuit_breaker" in service) == answers.circuit_breaker
    assert ("alarms" in service) == (answers.alarm_rollback or answers.target_group_alarms)
    _check_hooks(answers, config)

    _check_iam(answers, blocks)


def _check_hooks(answers, config):
    hooks = config.get("lifecycle_hook", [])
    lambdas = [h for h in hooks if "target_type" not in h]
    pauses = [h for h in hooks if "target_type" in h]
    assert sorted(value(h["lifecycle_stages"])[0] for h in lambdas) == sorted(answers.hooks)
    assert sorted(value(h["lifecycle_stages"])[0] for h in pauses) == sorted(answers.pause_hooks)
    for pause in pauses:
        assert value(pause["target_type"]) == "PAUSE"
        assert "hook_target_arn" not in pause and "role_arn" not in pause
        assert set(pause["timeout_configuration"][0]) - {"__is_block__"} == {"timeout_in_minutes", "action"}


def _check_service_connect(answers, blocks, service):
    assert not of_type(blocks, "resource", "aws_lb_target_group") and "load_balancer" not in service
    (connect,) = service["service_connect_configuration"]
    alias = connect["service"][0]["client_alias"][0]
    (rule,) = alias["test_traffic_rules"][0]["header"]
    assert value(rule["name"]) == "var.test_header_name"
    assert value(rule["value"][0]["exact"]) == "var.test_header_value"
    _check_hooks(answers, service["deployment_configuration"][0])


def _check_iam(answers, blocks):
    documents = of_type(blocks, "data", "aws_iam_policy_document")
    trust = documents["ecs_assume"]["statement"]
    assert len(trust) == 1 and "condition" not in trust[0]
    assert value(trust[0]["principals"][0]["identifiers"]) == ["ecs.amazonaws.com"]
    roles = of_type(blocks, "resource", "aws_iam_role")
    assert value(roles["infrastructure"]["assume_role_policy"]) == "data.aws_iam_policy_document.ecs_assume.json"
    # Created unless an existing role is given; named per region (IAM is global); path and boundary.
    for role in roles.values():
        assert value(role["count"]).endswith("== null ? 1 : 0")
        assert "${data.aws_region.current.region}" in value(role["name"])
        assert value(role["path"]) == "var.iam_role_path"
        assert value(role["permissions_boundary"]) == "var.iam_permissions_boundary_arn"
    attachments = of_type(blocks, "resource", "aws_iam_role_policy_attachment")
    if answers.least_privilege:
        assert not attachments
        statements = documents["infrastructure"]["statement"]
        actions = {a for s in statements for a in value(s["actions"])}
        # An NLB has no listener rules: ModifyRule would grant nothing, so the NLB policy leaves it out.
        assert actions == (EIGHT_ACTIONS if answers.load_balancer == "alb" else EIGHT_ACTIONS - {"elasticloadbalancing:ModifyRule"})
        for statement in statements:
            resources = value(statement["resources"])
            if "elasticloadbalancing:DescribeListeners" in value(statement["actions"]):
                assert resources == ["*"]
            else:
                assert "*" not in resources and resources
    else:
        arn = value(attachments["infrastructure"]["policy_arn"])
        assert arn == "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
    if answers.hooks:
        assert value(roles["hook_invoke"]["assume_role_policy"]) == "data.aws_iam_policy_document.ecs_assume.json"
        (statement,) = documents["hook_invoke"]["statement"]
        assert value(statement["actions"]) == ["lambda:InvokeFunction"]
        assert value(statement["resources"]) == [f"aws_lambda_function.{s.lower()}.arn" for s in answers.hooks]
        function_policy = documents["hook_function"]
        sids = [value(d['"statement"']["content"][0]["sid"]) for d in function_policy["dynamic"]]
        assert sids == ["ReadCheckedAlarms", "ManageVpcNetworkInterfaces"]
    else:
        assert "hook_invoke" not in roles


@pytest.mark.parametrize(
    "answers, floor, archive",
    [
        ({"strategy": "blue-green"}, ">= 6.6.0", False),
        ({"strategy": "blue-green", "test_traffic": "none"}, ">= 6.6.0", False),
        ({"strategy": "blue-green", "hooks": ["PRE_SCALE_UP"]}, ">= 6.14.0", True),
        ({"strategy": "linear"}, ">= 6.21.0", False),
        # Pause hooks: the release carrying provider PR #48128 is unknown; 6.25.0 is known to lack it.
        ({"strategy": "linear", "pause_hooks": ["POST_SCALE_UP"]}, "> 6.25.0", False),
        ({"strategy": "canary", "hooks": ["PRE_SCALE_UP"]}, ">= 6.21.0", True),
    ],
)
def test_provider_lower_bound_matches_the_features_used(answers, floor, archive):
    versions = render(build(answers))["versions.tf"].decode()
    assert f'version = "{floor}, < 7.0.0"' in versions
    assert ('source  = "hashicorp/archive"' in versions) == archive
    assert 'required_version = ">= 1.0"' in versions


NEWER_THAN_1_0 = re.compile(
    r"\boptional\(|^\s*(moved|check|import|removed)\s*\{|\bnullable\s*=|\b(pre|post)condition\b|replace_triggered_by|\bprovider::",
    re.M,
)


def test_only_terraform_1_0_language(renders):
    for _, files in renders.values():
        for path, data in files.items():
            if path.endswith(".tf"):
                assert not NEWER_THAN_1_0.search(data.decode()), path


def test_no_template_section_runs_into_the_next_line(renders):
    for _, files in renders.values():
        for path, data in files.items():
            if path.endswith(".tf"):
                for line in data.decode().splitlines():
                    assert "# " not in line.strip()[1:] or not line.strip().startswith("#"), (path, line)


def test_module_variables_validate_the_same_ranges():
    variables = render(build({"strategy": "linear"}))["variables.tf"].decode()
    assert "var.step_percent >= 3 && var.step_percent <= 100" in variables
    assert "abs(var.step_percent * 10 - floor(var.step_percent * 10 + 0.5)) < 0.000001" in variables
    assert "var.bake_time_in_minutes >= 0 && var.bake_time_in_minutes <= 1440" in variables
    canary = render(build({"strategy": "canary"}))["variables.tf"].decode()
    assert "var.canary_percent >= 0.1 && var.canary_percent <= 100" in canary


def test_answer_values_reach_variable_defaults_escaped():
    files = render(build({"test_traffic": "header", "test_header_value": "${oops}%{x}-sixteen+", "step_percent": 12.5}))
    variables = files["variables.tf"].decode()
    assert 'default     = "$${oops}%%{x}-sixteen+"' in variables
    readme = files["README.md"].decode()
    assert "| `test_header_value` |" in readme


def test_templates_are_found_in_a_wheel_layout_and_in_a_checkout(tmp_path, monkeypatch):
    checkout = Path(generator.__file__).resolve().parent.parent
    assert templates_root() == checkout / "templates"
    installed = tmp_path / "site-packages" / "generator"
    (installed / "templates" / "ecs").mkdir(parents=True)
    monkeypatch.setattr(generator, "__file__", str(installed / "__init__.py"))
    assert templates_root() == installed / "templates"
