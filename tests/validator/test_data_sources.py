"""A data source is not a resource: what it reads from AWS is unknown, never a resource default, and
rules that check managed resources do not lint it."""

from __future__ import annotations

from pathlib import Path

from validator.config import Config
from validator.engine import lint
from validator.loaders.hcl import load_directory
from validator.model import Unknown

CONFIG = '''
data "aws_lb_target_group" "blue" {
  name = "app-blue"
}

data "aws_ecs_service" "current" {
  service_name = "app"
  cluster_arn  = "arn:aws:ecs:us-east-1:123456789012:cluster/main"
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs.amazonaws.com"]
    }
  }
}
'''


def test_what_a_data_source_reads_is_unknown_and_it_is_not_linted(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    model = load_directory(str(tmp_path))
    group = model.get("data.aws_lb_target_group.blue")
    assert group.get("name") == "app-blue"  # an argument is what it says
    assert isinstance(group.get("target_type"), Unknown)  # not the resource default "instance"
    assert "read from AWS" in group.get("target_type").why
    document = model.get("data.aws_iam_policy_document.trust")
    assert document.get("version") is None  # computed locally: an absent argument is absent
    # data.aws_ecs_service has no deployment settings in the configuration: no rule lints it.
    findings = lint(model, Config())
    assert not [f for f in findings if f.address.startswith("data.aws_ecs_service")], findings
