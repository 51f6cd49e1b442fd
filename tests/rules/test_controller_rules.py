"""Group D rules on hand-built models: unknown values, plan shapes, TFBG407 across modules."""

import pytest

from validator.findings import Severity
from validator.model import Location, Model, ProviderRequirement, Ref, Resource, Unknown
from validator.rules import controller


def service(address="aws_ecs_service.app", module="", **values) -> Resource:
    return Resource(address, "aws_ecs_service", address.split(".")[-1], module=module, values=values,
                    location=Location("main.tf", 1))


def run(rule, resource, model=None):
    return list(rule.check(resource, model or Model()))


def test_unknown_controller_makes_circuit_breaker_unproven():
    resource = service(deployment_controller=[{"type": Ref("var.controller")}],
                       deployment_circuit_breaker=[{"enable": True, "rollback": True}])
    findings = run(controller.CircuitBreakerWithNonEcsController(), resource)
    assert [f.severity for f in findings] == [Severity.INFO]


def test_plan_empty_breaker_list_is_absent():
    resource = service(deployment_controller=[{"type": "CODE_DEPLOY"}], deployment_circuit_breaker=[])
    assert run(controller.CircuitBreakerWithNonEcsController(), resource) == []


def test_sigint_rollback_default_false_in_plan_is_silent():
    assert run(controller.SigintRollbackPreconditions(), service(sigint_rollback=False)) == []


def test_sigint_rollback_with_unknown_wait_is_unproven():
    findings = run(controller.SigintRollbackPreconditions(),
                   service(sigint_rollback=True, wait_for_steady_state=Unknown("var.wait")))
    assert [f.severity for f in findings] == [Severity.INFO]


def test_unknown_load_balancer_count_is_unproven():
    resource = service(deployment_controller=[{"type": "CODE_DEPLOY"}], load_balancer=Unknown("dynamic"))
    findings = run(controller.LoadBalancerCountForController(), resource)
    assert [f.severity for f in findings] == [Severity.INFO]


def requirement(constraint, module="", line=3):
    return ProviderRequirement("aws", "hashicorp/aws", constraint, Location("versions.tf", line), module)


def linear(address, module=""):
    return service(address, module, deployment_configuration=[{"strategy": "LINEAR"}])


def lint_407(model):
    rule = controller.ProviderVersionAdmitsMissingFeatures()
    return [f for resource in model.by_type("aws_ecs_service") for f in rule.check(resource, model)]


def test_407_one_finding_per_place_to_fix():
    model = Model(providers=[requirement(">= 6.0", "module.a", 3), requirement(">= 5.0", "", 9)])
    for resource in (linear("module.a.aws_ecs_service.x", "module.a"), linear("module.a.aws_ecs_service.y", "module.a"),
                     linear("module.b.aws_ecs_service.z", "module.b")):
        model.add(resource)
    findings = lint_407(model)
    # module.a's own constraint, and the root's for module.b (which declares none).
    assert sorted((f.location.line, f.address) for f in findings) == [
        (3, "module.a.aws_ecs_service.x"), (9, "module.b.aws_ecs_service.z")]
    assert "module.a.aws_ecs_service.y" in findings[0].message or "module.a.aws_ecs_service.y" in findings[1].message


def test_407_uses_the_intersection_of_all_modules():
    model = Model(providers=[requirement(">= 6.0", "module.a"), requirement("~> 6.21", "")])
    model.add(linear("module.a.aws_ecs_service.x", "module.a"))
    assert lint_407(model) == []


def test_407_unreadable_constraint_is_unproven():
    model = Model(providers=[requirement(">= v6.21")])
    model.add(linear("aws_ecs_service.app"))
    assert [f.severity for f in lint_407(model)] == [Severity.INFO]


def test_407_pause_hooks_beyond_6_25_are_unproven_not_warned():
    model = Model(providers=[requirement(">= 6.30.0")])
    model.add(service(deployment_configuration=[{"lifecycle_hook": [{"target_type": "PAUSE",
                                                                      "lifecycle_stages": ["POST_SCALE_UP"]}]}]))
    findings = lint_407(model)
    assert [f.severity for f in findings] == [Severity.INFO]
    assert "PR #48128" in findings[0].message


def test_407_plan_computed_rolling_strategy_is_not_a_feature_use():
    model = Model(providers=[requirement(">= 5.0")])
    model.add(service(deployment_configuration=[{"strategy": "ROLLING", "bake_time_in_minutes": "",
                                                 "lifecycle_hook": [], "linear_configuration": [],
                                                 "canary_configuration": []}], sigint_rollback=False))
    assert lint_407(model) == []



def test_407_fix_for_pause_hooks_asks_for_more_than_the_known_releases():
    # ">= 6.4.0" would still admit 6.25.0, which lacks target_type: the fix must exclude it.
    model = Model()
    model.add(service(deployment_configuration=[{"lifecycle_hook": [{"target_type": "PAUSE",
                                                                      "lifecycle_stages": ["POST_SCALE_UP"]}]}]))
    [finding] = lint_407(model)
    assert finding.severity == Severity.WARNING
    assert finding.fix.startswith('version = "> 6.25.0"')


def blue_green_without_test_rule(hook_details=None):
    hook = {"hook_target_arn": "arn:aws:lambda:us-east-1:1:function:f", "role_arn": "arn:aws:iam::1:role/r",
            "lifecycle_stages": ["POST_SCALE_UP"], "hook_details": hook_details}
    return service(deployment_configuration=[{"strategy": "BLUE_GREEN", "bake_time_in_minutes": 5,
                                              "lifecycle_hook": [hook]}],
                   load_balancer=[{"target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/b/1",
                                   "advanced_configuration": [{"production_listener_rule": "arn:r",
                                                               "role_arn": "arn:aws:iam::1:role/i"}]}])


@pytest.mark.parametrize(
    "constraint, warned",
    [
        (">= 6.21.0", False),
        (">= 6.21", False),
        ("~> 6.21.0", False),
        (">= 6.21.0-beta1", False),  # pre-releases are never selected: the oldest candidate is 6.21.0
        (">= 6.20.9", True),
        ("> 6.20.0", True),  # admits 6.20.1
        ("~> 6.20", True),
        (">= 6.0, != 6.20.0", True),
        ("= 6.21.0", False),
    ],
)
def test_407_linear_needs_6_21_at_the_boundary(constraint, warned):
    model = Model(providers=[requirement(constraint)])
    model.add(linear("aws_ecs_service.app"))
    assert [f.severity for f in lint_407(model)] == ([Severity.WARNING] if warned else [])


@pytest.mark.parametrize(
    "constraint, hook_details, needed",
    [
        (">= 6.4.0", None, "6.6.0"),  # omitted test_listener_rule was sent as "" before 6.6.0 (#43552)
        (">= 6.6.0", None, None),
        (">= 6.13.0", '{"warmup": 30}', "6.14.0"),
        (">= 6.14.0", '{"warmup": 30}', None),
    ],
)
def test_407_test_listener_rule_and_hook_details_boundaries(constraint, hook_details, needed):
    model = Model(providers=[requirement(constraint)])
    model.add(blue_green_without_test_rule(hook_details))
    findings = lint_407(model)
    if needed is None:
        assert findings == []
    else:
        [finding] = findings
        assert finding.fix == f'version = ">= {needed}"'
