"""Group C rules on hand-built models: plan-JSON shapes and values that are not known statically."""

from validator.findings import Severity
from validator.model import Location, Model, Ref, Resource, Unknown
from validator.rules import hooks


def service(deployment: dict | Unknown, **values) -> Resource:
    return Resource("aws_ecs_service.app", "aws_ecs_service", "app", location=Location("main.tf", 1),
                    values={"deployment_configuration": [deployment], **values})


def run(rule, resource, model=None):
    return list(rule.check(resource, model or Model()))


def lambda_hook(stage="POST_SCALE_UP", **extra):
    # Plan JSON shape: unset optional attributes are null.
    return {"hook_target_arn": "arn:aws:lambda:us-east-1:123456789012:function:f", "role_arn":
            "arn:aws:iam::123456789012:role/r", "lifecycle_stages": [stage], "hook_details": None, **extra}


def test_unknown_hook_set_is_reported_once_as_unproven():
    resource = service({"strategy": "BLUE_GREEN", "lifecycle_hook": Unknown("dynamic over var.hooks")})
    results = {rule.id: run(rule, resource) for rule in hooks.RULES}
    assert [f.severity for f in results["TFBG301"]] == [Severity.INFO]
    assert all(not findings for rule_id, findings in results.items() if rule_id != "TFBG301")


def test_known_excess_is_reported_even_if_one_hook_type_is_unknown():
    lambdas = [lambda_hook(hook_target_arn=f"arn:aws:lambda:us-east-1:1:function:f{i}") for i in range(11)]
    resource = service({"lifecycle_hook": lambdas + [lambda_hook(target_type=Ref("var.kind"))]})
    findings = run(hooks.TooManyHooks(), resource)
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert "11 AWS_LAMBDA" in findings[0].message


def test_unknown_target_type_is_never_called_lambda_or_pause():
    resource = service({"lifecycle_hook": [{"target_type": Unknown("var.kind"), "lifecycle_stages":
                                            ["TEST_TRAFFIC_SHIFT"]}]}, wait_for_steady_state=True)
    for rule in (hooks.PauseHookOnTrafficShift(), hooks.LambdaHookMissingTarget(),
                 hooks.PauseHookWithLambdaSettings()):
        assert run(rule, resource) == []
    assert [f.severity for f in run(hooks.PauseHookBlocksApply(), resource)] == [Severity.INFO]


def test_plan_nulls_do_not_count_as_set():
    hook = {"target_type": "PAUSE", "hook_target_arn": None, "role_arn": "", "hook_details": None,
            "lifecycle_stages": ["POST_SCALE_UP"], "timeout_configuration": []}
    resource = service({"lifecycle_hook": [hook]})
    assert run(hooks.PauseHookWithLambdaSettings(), resource) == []
    assert run(hooks.HookTimeoutConfiguration(), resource) == []


def test_lambda_hook_with_unknown_arns_is_not_missing_them():
    hook = lambda_hook(hook_target_arn=Ref("aws_lambda_function.hook", "arn"), role_arn=Unknown("var.role"))
    assert run(hooks.LambdaHookMissingTarget(), service({"lifecycle_hook": [hook]})) == []


def test_timeout_valid_only_for_pause_with_unknown_type_is_unproven():
    hook = {"target_type": Unknown("var.kind"), "lifecycle_stages": ["POST_SCALE_UP"],
            "timeout_configuration": [{"timeout_in_minutes": 5000, "action": "ROLLBACK"}]}
    findings = run(hooks.HookTimeoutConfiguration(), service({"lifecycle_hook": [hook]}))
    assert [f.severity for f in findings] == [Severity.INFO]


def test_timeout_in_minutes_as_plan_number_string_is_read():
    hook = {"target_type": "PAUSE", "lifecycle_stages": ["POST_SCALE_UP"],
            "timeout_configuration": [{"timeout_in_minutes": "0", "action": "CONTINUE"}]}
    findings = run(hooks.HookTimeoutConfiguration(), service({"lifecycle_hook": [hook]}))
    assert [f.severity for f in findings] == [Severity.ERROR]


def test_pause_hook_with_unknown_wait_is_unproven():
    hook = {"target_type": "PAUSE", "lifecycle_stages": ["POST_SCALE_UP"]}
    findings = run(hooks.PauseHookBlocksApply(), service({"lifecycle_hook": [hook]},
                                                          wait_for_steady_state=Unknown("var.wait")))
    assert [f.severity for f in findings] == [Severity.INFO]


def test_identical_hook_blocks_collapse_like_the_set_they_are():
    resource = service({"lifecycle_hook": [lambda_hook() for _ in range(11)]})
    assert list(hooks.TooManyHooks().check(resource, Model())) == []


def test_unknown_stage_list_of_a_pause_hook_does_not_break_the_message():
    hook = {"target_type": "PAUSE", "lifecycle_stages": Unknown("var.stages")}
    findings = list(hooks.PauseHookBlocksApply().check(service({"lifecycle_hook": [hook]},
                                                               wait_for_steady_state=True), Model()))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "stages unknown" in findings[0].message


def test_timeout_no_hook_accepts_is_an_error_even_with_unknown_type():
    def findings(minutes):
        hook = {"target_type": Unknown("var.kind"), "lifecycle_stages": ["POST_SCALE_UP"],
                "timeout_configuration": [{"timeout_in_minutes": minutes, "action": "ROLLBACK"}]}
        return run(hooks.HookTimeoutConfiguration(), service({"lifecycle_hook": [hook]}))
    assert [f.severity for f in findings(0)] == [Severity.ERROR]
    assert [f.severity for f in findings(30000)] == [Severity.ERROR]
    assert [f.severity for f in findings(1440)] == []  # valid for both kinds
    assert [f.severity for f in findings(1441)] == [Severity.INFO]  # valid for PAUSE only


def test_pause_hook_with_one_unknown_stage_is_unproven():
    hook = {"target_type": "PAUSE", "lifecycle_stages": ["POST_SCALE_UP", Unknown("var.stage")]}
    findings = run(hooks.PauseHookOnTrafficShift(), service({"lifecycle_hook": [hook]}))
    assert [f.severity for f in findings] == [Severity.INFO]
    hook["lifecycle_stages"] = ["TEST_TRAFFIC_SHIFT", Unknown("var.stage")]  # a known bad stage is enough
    findings = run(hooks.PauseHookOnTrafficShift(), service({"lifecycle_hook": [hook]}))
    assert [f.severity for f in findings] == [Severity.ERROR]
