"""Answer validation: the ranges of the ECS API, names that fit AWS limits, combinations."""

from __future__ import annotations

import pytest

from generator.answers import DEFAULTS, LIFECYCLE_STAGES, build
from generator.errors import UserError


def test_defaults_are_blue_green_on_alb_with_a_test_listener():
    assert (DEFAULTS.strategy, DEFAULTS.load_balancer, DEFAULTS.test_traffic) == ("blue-green", "alb", "listener")
    assert build({}) == DEFAULTS


@pytest.mark.parametrize("value", [3.0, 3.1, 33.3, 99.9, 100, "12.5"])
def test_step_percent_accepts_tenths_from_3_to_100(value):
    assert build({"step_percent": value}).step_percent == float(value)


@pytest.mark.parametrize("value", [2.9, 100.1, 3.05, 0, -5, "nan", float("nan"), "inf"])
def test_step_percent_rejects(value):
    with pytest.raises(UserError, match="step_percent"):
        build({"step_percent": value})


@pytest.mark.parametrize("value", [0.1, 0.5, 100.0])
def test_canary_percent_accepts(value):
    assert build({"canary_percent": value}).canary_percent == value


@pytest.mark.parametrize("value", [0.0, 0.05, 100.01, True])
def test_canary_percent_rejects(value):
    with pytest.raises(UserError, match="canary_percent"):
        build({"canary_percent": value})


@pytest.mark.parametrize("key", ["bake_time_in_minutes", "step_bake_time_in_minutes", "canary_bake_time_in_minutes"])
def test_bake_times_are_whole_minutes_from_0_to_1440(key):
    assert getattr(build({key: 0}), key) == 0
    assert getattr(build({key: 1440}), key) == 1440
    for bad in (-1, 1441, 2.5, "soon"):
        with pytest.raises(UserError, match=key):
            build({key: bad})


@pytest.mark.parametrize("spelling", ["blue-green", "BLUE_GREEN", "Blue_Green", "bluegreen"])
def test_strategy_spellings(spelling):
    assert build({"strategy": spelling}).ecs_strategy == "BLUE_GREEN"


@pytest.mark.parametrize("value", ["none", " None ", ["none"]])
def test_hooks_none_means_no_hooks_in_an_answers_file_too(value):
    assert build({"hooks": value}).hooks == ()


def test_hooks_none_with_stages_is_refused():
    with pytest.raises(UserError, match="'none' means no hooks: it cannot be combined"):
        build({"hooks": "none,PRE_SCALE_UP"})


def test_hooks_are_normalised_deduplicated_and_ordered_like_a_deployment():
    answers = build({"hooks": "post-production-traffic-shift, pre_scale_up,PRE_SCALE_UP"})
    assert answers.hooks == ("PRE_SCALE_UP", "POST_PRODUCTION_TRAFFIC_SHIFT")
    assert build({"hooks": list(LIFECYCLE_STAGES)}).hooks == LIFECYCLE_STAGES


@pytest.mark.parametrize("name", ["a", "svc", "my-service-2", "a" * 26])
def test_valid_names(name):
    assert build({"name": name}).name == name


@pytest.mark.parametrize("name", ["", "A", "my_service", "-svc", "svc-", "a--b", "9lives", "a" * 27, "svc.x"])
def test_invalid_names(name):
    with pytest.raises(UserError, match="name"):
        build({"name": name})


def test_nlb_cannot_route_test_traffic_by_header():
    with pytest.raises(UserError, match="not possible with an NLB"):
        build({"load_balancer": "nlb", "test_traffic": "header"})


def test_nlb_listeners_need_two_ports():
    with pytest.raises(UserError, match="port other than"):
        build({"load_balancer": "nlb", "production_listener_port": 80, "test_listener_port": 80})
    assert build({"load_balancer": "nlb", "test_traffic": "none", "production_listener_port": 80, "test_listener_port": 80})


def test_at_least_one_rollback_safety_net():
    with pytest.raises(UserError, match="rollback safety net"):
        build({"circuit_breaker": False, "alarm_rollback": False})
    assert build({"circuit_breaker": False, "alarm_rollback": True}).alarm_rollback


def test_unknown_answer_is_named():
    with pytest.raises(UserError, match="'colour': unknown answer"):
        build({"colour": "blue"})


def test_pause_hooks_turn_waiting_off_unless_asked_and_refuse_it_when_asked():
    assert build({"pause_hooks": ["post-test-traffic-shift"]}).wait_for_steady_state is False
    with pytest.raises(UserError, match="pause hook holds the deployment"):
        build({"pause_hooks": ["POST_SCALE_UP"], "wait_for_steady_state": True})


def test_pause_hooks_take_only_the_stages_ecs_accepts_for_them():
    with pytest.raises(UserError, match="a pause hook cannot hold TEST_TRAFFIC_SHIFT"):
        build({"pause_hooks": ["TEST_TRAFFIC_SHIFT"]})
    with pytest.raises(UserError, match="unknown lifecycle stage"):
        build({"pause_hooks": ["ROLLBACK"]})


def test_service_connect_tests_by_header_and_has_no_target_group_alarms():
    assert build({"load_balancer": "service-connect"}).test_traffic == "header"
    with pytest.raises(UserError, match="not possible with Service Connect"):
        build({"load_balancer": "service-connect", "test_traffic": "listener"})
    with pytest.raises(UserError, match="need load_balancer alb"):
        build({"load_balancer": "service-connect", "target_group_alarms": True})


def test_target_group_alarms_count_as_a_safety_net():
    assert build({"target_group_alarms": True, "circuit_breaker": False}).target_group_alarms
    with pytest.raises(UserError, match="at least one rollback safety net"):
        build({"circuit_breaker": False})


def test_a_baked_test_header_value_is_a_secret_of_16_characters_or_nothing():
    assert build({}).test_header_value == ""
    with pytest.raises(UserError, match="16-128 characters"):
        build({"test_traffic": "header", "test_header_value": "true"})
    # An answers file recorded before the secret (the old default "true") replays without header mode.
    assert build({"test_traffic": "listener", "test_header_value": "true"}).test_header_value == "true"
