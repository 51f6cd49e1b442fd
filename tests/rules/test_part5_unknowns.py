"""The new service and CodeDeploy rules (TFBG126-128, TFBG514-518) on values not known statically:
"could not prove" (info) only one unknown away from a finding, naming that unknown; never more."""

from __future__ import annotations

from validator.config import Config
from validator.engine import lint
from validator.loaders.hcl import load_directory

SERVICE = """
variable "launch_type" {
  type = string
}

variable "force" {
  type = bool
}

variable "placement" {
  type = list(object({ type = string, field = string }))
}

resource "aws_ecs_service" "app" {
  name            = "app"
  task_definition = %(task_definition)s
  launch_type     = %(launch_type)s
  force_new_deployment = %(force)s

  deployment_controller {
    type = %(controller)s
  }

%(placement)s
}
"""

STATIC = """
  ordered_placement_strategy {
    type  = "spread"
    field = "instanceId"
  }
"""

DYNAMIC = """
  dynamic "ordered_placement_strategy" {
    for_each = var.placement
    content {
      type  = ordered_placement_strategy.value.type
      field = ordered_placement_strategy.value.field
    }
  }
"""


def _findings(tmp_path, rule: str, **values: str) -> list[tuple[str, str]]:
    settings = {"task_definition": '"app:1"', "launch_type": '"EC2"', "force": "false", "controller": '"ECS"', "placement": ""}
    settings.update(values)
    (tmp_path / "main.tf").write_text(SERVICE % settings)
    return [(f.severity.value, f.message) for f in lint(load_directory(str(tmp_path)), Config()) if f.rule_id == rule]


def test_placement_with_an_unknown_launch_type_is_not_proven(tmp_path):
    found = _findings(tmp_path, "TFBG127", launch_type="var.launch_type", placement=STATIC)
    assert [s for s, _ in found] == ["info"] and "launch_type of aws_ecs_service.app is not known" in found[0][1]


def test_unknown_placement_on_fargate_names_the_placement(tmp_path):
    found = _findings(tmp_path, "TFBG127", launch_type='"FARGATE"', placement=DYNAMIC)
    assert [s for s, _ in found] == ["info"] and "ordered_placement_strategy" in found[0][1]


def test_two_unknowns_say_nothing(tmp_path):
    assert _findings(tmp_path, "TFBG127", launch_type="var.launch_type", placement=DYNAMIC) == []
    assert _findings(tmp_path, "TFBG516", force="var.force", controller="var.launch_type") == []


def test_force_new_deployment_unknown_on_a_code_deploy_service_is_not_proven(tmp_path):
    found = _findings(tmp_path, "TFBG516", force="var.force", controller='"CODE_DEPLOY"')
    assert [s for s, _ in found] == ["info"] and "var.force" in found[0][1]


def test_a_task_definition_file_that_cannot_be_read_is_not_proven(tmp_path):
    found = _findings(tmp_path, "TFBG126", task_definition='file("${path.module}/missing.json")')
    assert [s for s, _ in found] == ["info"] and "file(" in found[0][1]
