"""Warm-up, state carried through hookDetails, rollback re-invocations, logging."""

from __future__ import annotations

import json

import pytest

from tests.hook.ecs_contract import BLUE, GREEN, assert_valid_response, make_event, run_hook


def test_warmup_holds_with_callbackdelay_then_succeeds(hook, clock, monkeypatch):
    monkeypatch.setenv("WARMUP_SECONDS", "100")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "30")
    start = clock.now

    history = run_hook(hook, clock)

    statuses = [response["hookStatus"] for _, response in history]
    assert statuses == ["IN_PROGRESS"] * 4 + ["SUCCEEDED"]
    # 30 + 30 + 30, then only the 10 s left of the warm-up, not another full poll interval.
    assert [response["callBackDelay"] for _, response in history[:-1]] == [30, 30, 30, 10]
    assert history[-1][0] - start == 100
    assert "no checks configured" in history[-1][1]["reason"]


def test_zero_warmup_without_checks_succeeds_at_once(hook, clock):
    history = run_hook(hook, clock)
    assert [response["hookStatus"] for _, response in history] == ["SUCCEEDED"]


def test_state_round_trips_through_hook_details_and_keeps_configured_keys(hook, clock):
    configured = {"warmup_seconds": 45, "poll_interval_seconds": 20, "S3_BUCKET_NAME": "kept"}

    first = assert_valid_response(hook.handler(make_event(hook_details=configured), None))
    returned = first["hookDetails"]
    # ECS merges the returned details; echoing the configured keys keeps them even if it replaced them.
    assert {key: returned[key] for key in configured} == configured
    assert returned["tfbg_state"]["execution_id"] == "exec-1"
    assert returned["tfbg_state"]["started_at"] == clock.now

    clock.advance(20)
    second = hook.handler(make_event(hook_details=json.loads(json.dumps(returned))), None)
    assert second["hookStatus"] == "IN_PROGRESS"
    assert second["hookDetails"]["tfbg_state"] == returned["tfbg_state"], "the start time must not move"
    assert second["callBackDelay"] == 20

    clock.advance(25)
    assert hook.handler(make_event(hook_details=second["hookDetails"]), None)["hookStatus"] == "SUCCEEDED"


@pytest.mark.parametrize("merge", [True, False], ids=["ecs-merges", "ecs-replaces"])
def test_overrides_survive_every_reinvocation(hook, clock, monkeypatch, merge):
    monkeypatch.setenv("WARMUP_SECONDS", "900")  # the per-hook override below must keep winning
    history = run_hook(hook, clock, {"warmup_seconds": 60, "poll_interval_seconds": 15}, merge=merge)
    assert [response["hookStatus"] for _, response in history] == ["IN_PROGRESS"] * 4 + ["SUCCEEDED"]


def test_state_of_another_execution_is_not_reused(hook, clock, monkeypatch):
    """A recurring stage (LINEAR/CANARY production steps) starts a fresh warm-up in each execution."""
    monkeypatch.setenv("WARMUP_SECONDS", "60")
    stale = {"tfbg_state": {"execution_id": "step-1", "started_at": clock.now - 3600}}
    response = hook.handler(make_event(execution_id="step-2", hook_details=stale), None)
    assert response["hookStatus"] == "IN_PROGRESS"
    assert response["hookDetails"]["tfbg_state"] == {"execution_id": "step-2", "started_at": clock.now}


@pytest.mark.parametrize("state", ["garbage", {"execution_id": "exec-1", "started_at": "yesterday"},
                                   {"execution_id": "exec-1", "started_at": True}, {"execution_id": "exec-1"}])
def test_unusable_state_restarts_the_warmup(hook, clock, monkeypatch, state):
    monkeypatch.setenv("WARMUP_SECONDS", "60")
    response = assert_valid_response(hook.handler(make_event(hook_details={"tfbg_state": state}), None))
    assert response["hookStatus"] == "IN_PROGRESS"
    assert response["hookDetails"]["tfbg_state"]["started_at"] == clock.now


def test_clock_skew_between_hosts_does_not_break_the_hold(hook, clock, monkeypatch):
    monkeypatch.setenv("WARMUP_SECONDS", "60")
    future = {"tfbg_state": {"execution_id": "exec-1", "started_at": clock.now + 2}}
    response = assert_valid_response(hook.handler(make_event(hook_details=future), None))
    assert response["hookStatus"] == "IN_PROGRESS" and response["callBackDelay"] == 30


@pytest.mark.parametrize("stage, weights", [
    ("PRODUCTION_TRAFFIC_SHIFT", {"production_weights": {GREEN: 0, BLUE: 100}}),
    ("TEST_TRAFFIC_SHIFT", {"production_weights": {GREEN: 0, BLUE: 100}}),
    ("TEST_TRAFFIC_SHIFT", {"test_weights": {GREEN: 0, BLUE: 100}}),
])
def test_rollback_reinvocation_is_not_held(hook, monkeypatch, refused_url, stage, weights):
    """ECS re-invokes these hooks while rolling back; checking the abandoned revision would only delay it."""
    monkeypatch.setenv("WARMUP_SECONDS", "600")
    monkeypatch.setenv("HEALTH_CHECK_URL", refused_url)
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "not-a-number")  # not even bad config may block a rollback
    response = assert_valid_response(hook.handler(make_event(stage, **weights), None))
    assert response["hookStatus"] == "SUCCEEDED"
    assert "rollback" in response["reason"]


@pytest.mark.parametrize("stage, weights", [
    # The documented normal payloads: forward shifts, and PRE_PRODUCTION_TRAFFIC_SHIFT which carries 0/100.
    ("PRODUCTION_TRAFFIC_SHIFT", {"production_weights": {GREEN: 100, BLUE: 0}}),
    ("PRODUCTION_TRAFFIC_SHIFT", {"production_weights": {GREEN: 10, BLUE: 90}}),
    ("TEST_TRAFFIC_SHIFT", {"test_weights": {GREEN: 100, BLUE: 0}}),
    ("PRE_PRODUCTION_TRAFFIC_SHIFT", {"production_weights": {GREEN: 0, BLUE: 100}}),
])
def test_forward_shift_is_not_mistaken_for_rollback(hook, monkeypatch, stage, weights):
    monkeypatch.setenv("WARMUP_SECONDS", "60")
    response = assert_valid_response(hook.handler(make_event(stage, **weights), None))
    assert response["hookStatus"] == "IN_PROGRESS"


def test_one_json_log_line_per_invocation(hook, clock, monkeypatch, capsys):
    monkeypatch.setenv("WARMUP_SECONDS", "40")
    history = run_hook(hook, clock, stage="POST_SCALE_UP")

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(history) == 3
    records = [json.loads(line) for line in lines]
    assert [record["decision"] for record in records] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    assert all(record["stage"] == "POST_SCALE_UP" and record["executionId"] == "exec-1" for record in records)
    assert records[0]["reason"].startswith("warming up: 40s")
    assert records[-1]["reason"] == history[-1][1]["reason"]
    assert [record["elapsedSeconds"] for record in records] == [0, 30, 40]


@pytest.mark.parametrize("event", [None, "text", [1, 2], 42, {}, {"executionDetails": "oops", "hookDetails": 7},
                                   {"lifecycleStage": "PRODUCTION_TRAFFIC_SHIFT", "executionDetails": {
                                       "targetServiceRevisionArn": GREEN, "productionTrafficWeights": [0, 100]}}])
def test_odd_events_still_get_a_well_formed_answer(hook, event, capsys):
    response = assert_valid_response(hook.handler(event, None))
    if not isinstance(event, dict):
        assert response["hookStatus"] == "FAILED" and "not a JSON object" in response["reason"]
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_unexpected_error_becomes_failed_with_reason(hook, monkeypatch, capsys):
    monkeypatch.setenv("HEALTH_CHECK_URL", "http://127.0.0.1:1/health")

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(hook, "run_checks", explode)
    response = assert_valid_response(hook.handler(make_event(), None))
    assert response == {"hookStatus": "FAILED", "reason": "internal error: RuntimeError: disk on fire"}
    assert json.loads(capsys.readouterr().out)["decision"] == "FAILED"
