"""Group F rules (TFBG6xx) on hand-built models."""

from validator.model import Model, Ref, Resource, Unknown
from validator.rules import external as ext


def resource(address, values):
    kind, name = address.split(".")[-2:]
    return Resource(address=address, type=kind, name=name, values=values)


def run(rule, model):
    return [f for r in model.resources if r.type in rule.resource_types for f in rule.check(r, model)]


def ids(findings):
    return [(f.rule_id, f.severity.value, f.address) for f in findings]


def service(controller="EXTERNAL", **values):
    block = [{"type": controller}] if controller else []
    return resource("aws_ecs_service.app", {"name": "app", "deployment_controller": block, **values})


def task_set(**values):
    return resource("aws_ecs_task_set.primary", {"service": Ref("aws_ecs_service.app", "id"), "wait_until_stable": True, **values})


def test_task_set_needs_external_controller():
    rule = ext.TaskSetNeedsExternalService()
    assert run(rule, Model(resources=[service(), task_set()])) == []
    findings = run(rule, Model(resources=[service(controller=None), task_set()]))
    assert ids(findings) == [("TFBG601", "error", "aws_ecs_task_set.primary")]
    assert "ECS" in findings[0].message and "aws_ecs_service.app" in findings[0].message
    assert ids(run(rule, Model(resources=[service(controller=Unknown("var.c")), task_set()]))) == [
        ("TFBG601", "info", "aws_ecs_task_set.primary")
    ]
    # a service managed elsewhere (literal ARN) is not judged
    assert run(rule, Model(resources=[task_set(service="arn:aws:ecs:us-east-1:1:service/c/x")])) == []


def test_one_load_balancer_per_task_set():
    rule = ext.TaskSetSingleLoadBalancer()
    two = [{"target_group_arn": "a", "container_name": "c"}, {"target_group_arn": "b", "container_name": "c"}]
    findings = run(rule, Model(resources=[task_set(load_balancer=two)]))
    assert ids(findings) == [("TFBG602", "error", "aws_ecs_task_set.primary")]
    assert run(rule, Model(resources=[task_set(load_balancer=two[:1])])) == []
    assert ids(run(rule, Model(resources=[task_set(load_balancer=Unknown("dynamic"))]))) == [
        ("TFBG602", "info", "aws_ecs_task_set.primary")
    ]


def test_external_service_attributes_each_reported():
    rule = ext.ExternalServiceTaskSetAttributes()
    svc = service(task_definition="td:1", launch_type="FARGATE", platform_version="", network_configuration=[])
    findings = run(rule, Model(resources=[svc]))
    assert sorted(f.message.split(" sets ")[1].split(";")[0] for f in findings) == ["launch_type", "task_definition"]
    assert run(rule, Model(resources=[service(controller="ECS", task_definition="td:1")])) == []


def test_unknown_computed_attributes_prove_nothing_in_a_plan():
    rule = ext.ExternalServiceTaskSetAttributes()
    svc = service(launch_type=Unknown("known after apply"))
    assert run(rule, Model(resources=[svc], kind="plan")) == []
    assert [f.severity.value for f in run(rule, Model(resources=[svc], kind="hcl"))] == ["info"]


def test_wait_until_stable():
    rule = ext.TaskSetWaitUntilStable()
    assert run(rule, Model(resources=[task_set()])) == []
    assert ids(run(rule, Model(resources=[task_set(wait_until_stable=False)]))) == [("TFBG605", "info", "aws_ecs_task_set.primary")]
    assert ids(run(rule, Model(resources=[task_set(wait_until_stable=None)]))) == [("TFBG605", "info", "aws_ecs_task_set.primary")]
