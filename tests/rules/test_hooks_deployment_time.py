"""TFBG307: the deployment-time arithmetic and how the rule treats unknown inputs (both model shapes)."""

from fractions import Fraction

import pytest

from validator.findings import Severity
from validator.model import Location, Model, Ref, Resource, Unknown
from validator.deployment_time import duration_minutes, estimate_deployment
from validator.rules.hooks import DeploymentOutlastsUpdateTimeout

RULE = DeploymentOutlastsUpdateTimeout()


@pytest.mark.parametrize(
    "text, minutes",
    [("20m", 20), ("1h", 60), ("1h30m", 90), ("90s", Fraction(3, 2)), ("1.5h", 90), ("2h0m30s", Fraction(241, 2)),
     ("0", 0)],
)
def test_duration_minutes_reads_go_durations(text, minutes):
    assert duration_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "10", "m", "1 h", "1d", "h1"])
def test_duration_minutes_rejects_what_go_rejects(text):
    assert duration_minutes(text) is None


def test_linear_with_api_defaults():
    estimate = estimate_deployment("LINEAR", {"bake_time_in_minutes": 5}, nlb=False)
    # ceil(100 / 10) = 10 steps; the step bake is not applied after the last step: 9 x 6.
    assert estimate.minutes == 5 + 9 * 6
    assert "9 steps x step_bake_time_in_minutes 6, API defaults" in estimate.arithmetic()


@pytest.mark.parametrize("step, steps", [(33, 4), (3.3, 31), (25, 4), (100, 1), (50, 2)])
def test_linear_step_count_uses_ceiling_without_float_noise(step, steps):
    config = {"bake_time_in_minutes": 0,
              "linear_configuration": [{"step_percent": step, "step_bake_time_in_minutes": 2}]}
    assert estimate_deployment("LINEAR", config, nlb=False).minutes == (steps - 1) * 2


def test_linear_on_nlb_counts_a_production_shift_per_step():
    config = {"bake_time_in_minutes": "1",  # plan JSON writes nullable ints as strings
              "linear_configuration": [{"step_percent": 50, "step_bake_time_in_minutes": "3"}]}
    estimate = estimate_deployment("LINEAR", config, nlb=True)
    assert estimate.minutes == 1 + 1 * 3 + 10 * (1 + 2)


def test_canary_defaults_and_full_shift():
    assert estimate_deployment("CANARY", {}, nlb=False).minutes == 10  # API default canary bake
    full = {"canary_configuration": [{"canary_percent": 100, "canary_bake_time_in_minutes": 0}]}
    assert estimate_deployment("CANARY", full, nlb=True).minutes == 10 * (1 + 1)
    partial = {"canary_configuration": [{"canary_percent": 10, "canary_bake_time_in_minutes": 0}]}
    assert estimate_deployment("CANARY", partial, nlb=True).minutes == 10 * (1 + 2)


def test_blue_green_plain_and_unset_bake():
    assert estimate_deployment("BLUE_GREEN", {"bake_time_in_minutes": ""}, nlb=False).minutes == 0
    assert estimate_deployment("BLUE_GREEN", {"bake_time_in_minutes": 15}, nlb=True).minutes == 35


def service(values: dict, address: str = "aws_ecs_service.this") -> Resource:
    return Resource(address=address, type="aws_ecs_service", name="this", values=values,
                    location=Location("main.tf", 1))


def blue_green(bake, **extra) -> dict:
    return {"wait_for_steady_state": True,
            "deployment_configuration": [{"strategy": "BLUE_GREEN", "bake_time_in_minutes": bake}], **extra}


def test_plan_shaped_timeouts_object_is_read():
    # Plan JSON writes the SDK's timeouts block as an object, HCL as a one-element list.
    assert list(RULE.check(service(blue_green("25", timeouts={"update": "2h"})), Model())) == []
    findings = list(RULE.check(service(blue_green("25", timeouts={"update": "25m"})), Model()))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "25 (bake_time_in_minutes) = 25 min" in findings[0].message


def test_unknown_bake_time_is_unproven_not_a_warning():
    findings = list(RULE.check(service(blue_green(Unknown("var.bake"))), Model()))
    assert [f.severity for f in findings] == [Severity.INFO]
    assert findings[0].message.startswith("could not prove")


def test_unknown_listener_kind_only_matters_when_it_could_tip_the_balance():
    lb = [{"advanced_configuration": [{"production_listener_rule": Ref("data.aws_lb_listener.shared", "arn")}]}]
    # 5 min bake: an NLB (+20) would reach 25 >= 20 -> could not prove.
    unsure = list(RULE.check(service(blue_green(5, load_balancer=lb)), Model()))
    assert [f.severity for f in unsure] == [Severity.INFO]
    # 25 min bake is already over the default 20 min without NLB time -> a warning.
    sure = list(RULE.check(service(blue_green(25, load_balancer=lb)), Model()))
    assert [f.severity for f in sure] == [Severity.WARNING]


def test_nlb_found_through_the_listener_and_its_load_balancer():
    model = Model()
    model.add(Resource("aws_lb.main", "aws_lb", "main", values={"load_balancer_type": "network"}))
    model.add(Resource("aws_lb_listener.prod", "aws_lb_listener", "prod",
                       values={"load_balancer_arn": Ref("aws_lb.main", "arn")}))
    lb = [{"advanced_configuration": [{"production_listener_rule": Ref("aws_lb_listener.prod", "arn")}]}]
    findings = list(RULE.check(service(blue_green(1, load_balancer=lb)), model))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "NLB: 10 min x (1 TEST_TRAFFIC_SHIFT + 1 PRODUCTION_TRAFFIC_SHIFT)" in findings[0].message


def test_rolling_or_no_wait_is_silent():
    assert list(RULE.check(service({"wait_for_steady_state": True}), Model())) == []
    assert list(RULE.check(service({**blue_green(600), "wait_for_steady_state": False}), Model())) == []


def test_unknown_listener_kind_is_silent_when_even_an_nlb_would_fit():
    lb = [{"advanced_configuration": [{"production_listener_rule": Ref("data.aws_lb_listener.shared", "arn")}]}]
    resource = service(blue_green(0, load_balancer=lb, timeouts=[{"update": "60m"}]))
    assert list(RULE.check(resource, Model())) == []


def test_unknown_canary_percent_counts_the_lower_bound_of_shifts():
    # canary_percent = 100 shifts production traffic once; an unknown percent must not assume two.
    config = {"canary_configuration": [{"canary_percent": Unknown("var.percent"), "canary_bake_time_in_minutes": 0}]}
    estimate = estimate_deployment("CANARY", config, nlb=True)
    assert estimate.minutes == 10 * (1 + 1)
    assert "canary_percent" in estimate.unknown
