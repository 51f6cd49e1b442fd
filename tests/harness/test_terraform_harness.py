"""Real Terraform 1.0.3 against the stand-in providers: what the harness promises other tests."""

import base64
import hashlib
import json
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.harness.terraform import TerraformFailed, TerraformHarness

CONFIGS = Path(__file__).parent / "configs"
BLUE_GREEN = CONFIGS / "ecs_blue_green"

PROVIDER = """
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}
"""


def write_config(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(PROVIDER + textwrap.dedent(body))
    return directory


def change(plan: dict, address: str) -> dict:
    (found,) = [rc for rc in plan["resource_changes"] if rc["address"] == address]
    return found["change"]


@pytest.fixture(scope="module")
def blue_green_plan(terraform):
    return terraform.plan(BLUE_GREEN)


def test_blue_green_config_is_formatted_and_valid(terraform):
    terraform.fmt_check(BLUE_GREEN)
    result = terraform.validate(BLUE_GREEN)
    assert "Success! The configuration is valid." in result.stdout


def test_blue_green_plan_has_unknown_arns_and_real_references(blue_green_plan):
    service = change(blue_green_plan, "aws_ecs_service.web")
    assert service["actions"] == ["create"]
    advanced_unknown = service["after_unknown"]["load_balancer"][0]["advanced_configuration"][0]
    assert advanced_unknown["production_listener_rule"] is True
    assert advanced_unknown["alternate_target_group_arn"] is True
    assert service["after"]["deployment_configuration"][0]["strategy"] == "BLUE_GREEN"
    # The provider's nullable ints appear as strings in plan JSON, as the real provider writes them.
    assert service["after"]["deployment_configuration"][0]["bake_time_in_minutes"] == "10"
    (config,) = [r for r in blue_green_plan["configuration"]["root_module"]["resources"]
                 if r["address"] == "aws_ecs_service.web"]
    advanced = config["expressions"]["load_balancer"][0]["advanced_configuration"][0]
    assert "aws_lb_listener_rule.production.arn" in advanced["production_listener_rule"]["references"]
    assert "aws_iam_role.infrastructure.arn" in advanced["role_arn"]["references"]


def test_unset_optional_computed_and_defaults_plan_like_the_sdk(blue_green_plan):
    service = change(blue_green_plan, "aws_ecs_service.web")
    assert service["after"]["deployment_maximum_percent"] == 200  # Default in the provider's schema
    assert service["after"]["scheduling_strategy"] == "REPLICA"
    assert service["after_unknown"]["platform_version"] is True  # optional+computed, not set
    target_group = change(blue_green_plan, "aws_lb_target_group.blue")
    assert target_group["after"]["deregistration_delay"] == "300"  # a nullable int, planned as a string
    assert target_group["after_unknown"]["protocol_version"] is True


def test_nested_computed_attribute_is_unknown_on_create(blue_green_plan):
    rule = change(blue_green_plan, "aws_lb_listener_rule.production")
    assert rule["after_unknown"]["action"][0]["order"] is True
    weights = sorted(tg["weight"] for tg in rule["after"]["action"][0]["forward"][0]["target_group"])
    assert weights == [0, 100]


def test_policy_document_json_is_computed_at_plan_time(blue_green_plan):
    (data,) = [r for r in blue_green_plan["prior_state"]["values"]["root_module"]["resources"]
               if r["address"] == "data.aws_iam_policy_document.ecs_assume"]
    assert json.loads(data["values"]["json"]) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EcsAssumesInfrastructureRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "ecs.amazonaws.com"},
        }],
    }
    role = change(blue_green_plan, "aws_iam_role.infrastructure")
    assert json.loads(role["after"]["assume_role_policy"])["Statement"][0]["Action"] == "sts:AssumeRole"
    attachment = change(blue_green_plan, "aws_iam_role_policy_attachment.infrastructure")
    assert attachment["after"]["policy_arn"].startswith("arn:aws:iam::aws:policy/")  # aws_partition


def test_policy_document_lists_conditions_and_merging(terraform, tmp_path):
    directory = write_config(tmp_path / "policy", """
        data "aws_iam_policy_document" "base" {
          statement {
            sid       = "Logs"
            actions   = ["logs:PutLogEvents", "logs:CreateLogStream"]
            resources = ["arn:aws:logs:*:*:log-group:/hook/&{aws:username}:*"]
          }
        }

        data "aws_iam_policy_document" "merged" {
          source_policy_documents = [data.aws_iam_policy_document.base.json]
          statement {
            sid       = "Logs"
            actions   = ["logs:PutLogEvents"]
            resources = ["*"]
          }
          statement {
            effect    = "Deny"
            actions   = ["lambda:InvokeFunction"]
            resources = ["*"]
            condition {
              test     = "StringNotEquals"
              variable = "aws:SourceAccount"
              values   = ["123456789012", "210987654321"]
            }
          }
        }

        output "base" {
          value = data.aws_iam_policy_document.base.json
        }

        output "merged" {
          value = data.aws_iam_policy_document.merged.minified_json
        }
    """)
    outputs = terraform.plan(directory)["planned_values"]["outputs"]
    base = json.loads(outputs["base"]["value"])
    # Longer lists are sorted in reverse; &{...} becomes ${...} in 2012-10-17 documents.
    assert base["Statement"][0]["Action"] == ["logs:PutLogEvents", "logs:CreateLogStream"]
    assert base["Statement"][0]["Resource"] == "arn:aws:logs:*:*:log-group:/hook/${aws:username}:*"
    merged = json.loads(outputs["merged"]["value"])
    assert [s.get("Sid") for s in merged["Statement"]] == ["Logs", None]  # same Sid: replaced in place
    assert merged["Statement"][0]["Action"] == "logs:PutLogEvents"
    assert merged["Statement"][1]["Condition"] == {
        "StringNotEquals": {"aws:SourceAccount": ["123456789012", "210987654321"]}
    }


def test_misspelled_argument_fails_validate(terraform, tmp_path):
    directory = write_config(tmp_path / "typo", """
        resource "aws_lb_target_group" "blue" {
          name        = "blue"
          port        = 80
          protocol    = "HTTP"
          target_typ  = "ip"
          vpc_id      = "vpc-0123456789abcdef0"
        }
    """)
    with pytest.raises(TerraformFailed) as failure:
        terraform.validate(directory)
    assert "Unsupported argument" in str(failure.value)
    assert 'An argument named "target_typ" is not expected here' in str(failure.value)


def test_two_max_one_blocks_fail_with_too_many(terraform, tmp_path):
    directory = write_config(tmp_path / "two_controllers", """
        resource "aws_ecs_service" "web" {
          name = "web"
          deployment_controller {
            type = "ECS"
          }
          deployment_controller {
            type = "CODE_DEPLOY"
          }
        }
    """)
    with pytest.raises(TerraformFailed) as failure:
        terraform.validate(directory)
    assert 'Too many deployment_controller blocks' in str(failure.value)


def test_missing_required_block_fails_validate(terraform, tmp_path):
    directory = write_config(tmp_path / "no_action", """
        resource "aws_lb_listener_rule" "rule" {
          listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2"
          condition {
            path_pattern {
              values = ["/*"]
            }
          }
        }
    """)
    with pytest.raises(TerraformFailed) as failure:
        terraform.validate(directory)
    assert 'At least 1 "action" blocks are required' in str(failure.value)


def test_archive_file_writes_the_zip_and_its_hashes(terraform, tmp_path):
    directory = tmp_path / "archive"
    (directory / "hook").mkdir(parents=True)
    (directory / "hook" / "handler.py").write_text("def handler(event, context):\n    return {}\n")
    (directory / "main.tf").write_text(textwrap.dedent("""
        data "archive_file" "hook" {
          type        = "zip"
          source_dir  = "${path.module}/hook"
          output_path = "${path.module}/build/hook.zip"
        }

        output "hash" {
          value = data.archive_file.hook.output_base64sha256
        }

        output "size" {
          value = data.archive_file.hook.output_size
        }
    """))
    outputs = terraform.plan(directory)["planned_values"]["outputs"]
    archive = directory / "build" / "hook.zip"
    data = archive.read_bytes()
    assert zipfile.ZipFile(archive).namelist() == ["handler.py"]
    assert outputs["hash"]["value"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert outputs["size"]["value"] == len(data)


def test_apply_and_import_are_refused(terraform, tmp_path):
    directory = write_config(tmp_path / "apply", """
        resource "aws_cloudwatch_log_group" "hook" {
          name = "/aws/lambda/hook"
        }
    """)
    terraform.init(directory)
    state = tmp_path / "apply.tfstate"
    applied = terraform.run(directory, "apply", "-auto-approve", "-input=false", "-no-color",
                            f"-state={state}", check=False)
    assert applied.returncode != 0
    assert "plan-only" in applied.stderr
    with pytest.raises(TerraformFailed) as failure:
        terraform.run(directory, "import", "-input=false", "-no-color", f"-state={state}",
                      "aws_cloudwatch_log_group.hook", "/aws/lambda/hook")
    assert "plan-only" in str(failure.value)


def prior_state(*resources: dict) -> dict:
    return {
        "version": 4,
        "terraform_version": "1.0.3",
        "serial": 1,
        "lineage": "tfbg-harness-test",
        "outputs": {},
        "resources": [
            {
                "mode": "managed",
                "type": r["type"],
                "name": r["name"],
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [{"schema_version": 0, "attributes": r["attributes"]}],
            }
            for r in resources
        ],
    }


def test_plan_against_prior_state_updates_replaces_and_deletes(terraform, tmp_path):
    directory = write_config(tmp_path / "state", """
        resource "aws_lb_listener_rule" "production" {
          listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2"
          priority     = 100
          action {
            type = "forward"
            forward {
              target_group {
                arn    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1"
                weight = 100
              }
            }
          }
          condition {
            path_pattern {
              values = ["/*"]
            }
          }
        }

        resource "aws_ecs_service" "web" {
          name = "web-v2"
        }
    """)
    rule_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/1/2/3"
    state = prior_state(
        {"type": "aws_lb_listener_rule", "name": "production", "attributes": {
            "id": rule_arn, "arn": rule_arn, "priority": 100,
            "listener_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2",
            "action": [{"type": "forward", "order": 1, "forward": [{"target_group": [
                {"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1", "weight": 0},
                {"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/1", "weight": 100},
            ]}]}],
            "condition": [{"path_pattern": [{"values": ["/*"]}]}],
        }},
        {"type": "aws_ecs_service", "name": "web", "attributes": {
            "id": "arn:aws:ecs:us-east-1:123456789012:service/main/web", "name": "web",
            "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/main",
        }},
        {"type": "aws_cloudwatch_log_group", "name": "gone", "attributes": {"id": "/gone", "name": "/gone"}},
    )
    plan = terraform.plan(directory, state=state)

    rule = change(plan, "aws_lb_listener_rule.production")
    assert rule["actions"] == ["update"]
    assert len(rule["before"]["action"][0]["forward"][0]["target_group"]) == 2
    assert rule["after"]["action"][0]["forward"][0]["target_group"][0]["weight"] == 100
    assert rule["after"]["action"][0]["order"] == 1  # optional+computed: kept from the prior state

    service = change(plan, "aws_ecs_service.web")
    assert service["actions"] == ["delete", "create"]  # name is ForceNew in the provider
    assert service["before"]["name"] == "web"
    assert service["after_unknown"]["id"] is True
    (replaced,) = [rc for rc in plan["resource_changes"] if rc["address"] == "aws_ecs_service.web"]
    assert replaced.get("action_reason", "replace_because_cannot_update") == "replace_because_cannot_update"

    assert change(plan, "aws_cloudwatch_log_group.gone")["actions"] == ["delete"]
    assert not (directory / "terraform.tfstate").exists()  # the state stays in the harness's directory


def test_prior_state_with_unknown_attribute_is_reported(terraform, tmp_path):
    directory = write_config(tmp_path / "bad_state", """
        resource "aws_cloudwatch_log_group" "hook" {
          name = "/hook"
        }
    """)
    state = prior_state({"type": "aws_cloudwatch_log_group", "name": "hook",
                         "attributes": {"id": "/hook", "name": "/hook", "nmae": "typo"}})
    # Terraform would drop the unknown attribute silently; the harness refuses the state instead.
    with pytest.raises(ValueError, match="aws_cloudwatch_log_group.hook has no attribute nmae"):
        terraform.plan(directory, state=state)


def test_var_file_is_passed_to_plan(terraform, tmp_path):
    directory = write_config(tmp_path / "vars", """
        variable "retention" {
          type = number
        }

        resource "aws_cloudwatch_log_group" "hook" {
          name              = "/hook"
          retention_in_days = var.retention
        }
    """)
    var_file = tmp_path / "values.tfvars"
    var_file.write_text("retention = 14\n")
    plan = terraform.plan(directory, var_file=var_file)
    assert change(plan, "aws_cloudwatch_log_group.hook")["after"]["retention_in_days"] == 14


def test_provider_launched_by_terraform_from_the_mirror_plans(tmp_path):
    """Without reattach, Terraform starts the stand-in itself through the mirror's launcher."""
    harness = TerraformHarness.create(tmp_path / "harness", reattach=False)
    try:
        assert "TF_REATTACH_PROVIDERS" not in harness.env()
        harness.validate(BLUE_GREEN)
        plan = harness.plan(BLUE_GREEN)
        assert change(plan, "aws_lb_listener_rule.production")["after_unknown"]["action"][0]["order"] is True
        launcher = next((tmp_path / "harness" / "mirror").rglob("terraform-provider-aws_v6.25.0"))
        assert str(tmp_path) not in launcher.read_text()  # byte-identical in every checkout
    finally:
        harness.close()
