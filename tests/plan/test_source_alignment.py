"""With --source, a plan's set-typed blocks are put back in the order the source writes them."""

from validator.loaders.plan import _prefer_exact_refs
from validator.model import Ref, Unknown

TG = Ref("aws_lb_target_group.blue", "arn")


def test_blocks_in_hash_order_are_paired_with_the_block_they_came_from():
    plan = [
        {"elb_name": "legacy", "target_group_arn": "", "container_name": "app", "container_port": 80},
        {"elb_name": "", "target_group_arn": Unknown("known after apply"), "container_name": "app", "container_port": 80},
    ]
    source = [
        {"target_group_arn": TG, "container_name": "app", "container_port": 80},
        {"elb_name": "legacy", "container_name": "app", "container_port": 80},
    ]
    aligned = _prefer_exact_refs(plan, source)
    assert aligned[0]["target_group_arn"] == TG  # the exact reference from the source, in source order
    assert aligned[1]["elb_name"] == "legacy"


def test_weights_tell_forward_targets_apart():
    plan = [{"arn": Unknown(), "weight": 0}, {"arn": Unknown(), "weight": 100}]
    source = [{"arn": Ref("aws_lb_target_group.blue", "arn"), "weight": 100},
              {"arn": Ref("aws_lb_target_group.green", "arn"), "weight": 0}]
    aligned = _prefer_exact_refs(plan, source)
    assert [(a["arn"].address, a["weight"]) for a in aligned] == [
        ("aws_lb_target_group.blue", 100), ("aws_lb_target_group.green", 0)]


def test_blocks_that_cannot_be_told_apart_keep_the_plan_order():
    plan = [{"arn": Unknown(), "weight": 1}, {"arn": Unknown(), "weight": 1}]
    source = [{"arn": Ref("a.b", "arn"), "weight": 1}, {"arn": Ref("c.d", "arn"), "weight": 1}]
    aligned = _prefer_exact_refs(plan, source)
    assert [a["weight"] for a in aligned] == [1, 1]


def test_a_source_that_did_not_make_the_plan_is_reported(tmp_path):
    import json

    from validator.loaders.plan import load_plan

    plan = {"format_version": "1.0", "planned_values": {"root_module": {"resources": [
        {"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service", "name": "this",
         "values": {"name": "svc"}}]}},
        "resource_changes": [{"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service",
                              "name": "this", "change": {"actions": ["create"], "after": {"name": "svc"}}}]}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    source = tmp_path / "src"
    source.mkdir()
    (source / "main.tf").write_text('resource "aws_lb_target_group" "other" {\n  name = "x"\n}\n')
    model = load_plan(str(tmp_path / "plan.json"), source=str(source))
    (warning,) = [d for d in model.diagnostics if d.severity == "warning"]
    assert "1 of the plan's 1 resources are not in" in warning.message and "aws_ecs_service.this" in warning.message
