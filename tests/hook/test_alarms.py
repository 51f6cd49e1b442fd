"""ALARM_NAMES against a fake CloudWatch client that answers DescribeAlarms as the API does."""

from __future__ import annotations

import sys

import pytest

from tests.hook.ecs_contract import assert_valid_response, make_event, run_hook


def test_all_ok_succeeds(hook, clock, monkeypatch, cloudwatch):
    cloudwatch.metric.update({"api-5xx": "OK", "api-latency": "OK"})
    monkeypatch.setenv("ALARM_NAMES", "api-5xx, api-latency")

    history = run_hook(hook, clock, stage="POST_PRODUCTION_TRAFFIC_SHIFT")

    assert history[-1][1] == {"hookStatus": "SUCCEEDED", "reason": "alarm(s) OK: api-5xx, api-latency"}
    assert cloudwatch.calls == [{"AlarmNames": ["api-5xx", "api-latency"], "AlarmTypes": ["MetricAlarm"]}]


def test_alarm_in_alarm_fails_at_once(hook, clock, monkeypatch, cloudwatch, health_server):
    cloudwatch.metric.update({"api-5xx": "ALARM", "api-latency": "OK"})
    monkeypatch.setenv("ALARM_NAMES", "api-5xx,api-latency")
    monkeypatch.setenv("HEALTH_CHECK_URL", health_server([200]).url)  # a healthy URL does not outvote an alarm

    history = run_hook(hook, clock)

    assert [response["hookStatus"] for _, response in history] == ["FAILED"]
    assert history[-1][1]["reason"] == "alarm(s) in ALARM: api-5xx"


def test_alarm_firing_during_the_wait_fails_before_the_deadline(hook, clock, monkeypatch, cloudwatch):
    cloudwatch.metric["api-5xx"] = "INSUFFICIENT_DATA"
    monkeypatch.setenv("ALARM_NAMES", "api-5xx")
    first = assert_valid_response(hook.handler(make_event(), None))
    assert first["hookStatus"] == "IN_PROGRESS"

    cloudwatch.metric["api-5xx"] = "ALARM"
    clock.advance(first["callBackDelay"])
    second = assert_valid_response(hook.handler(make_event(hook_details=first["hookDetails"]), None))
    assert second == {"hookStatus": "FAILED", "reason": "alarm(s) in ALARM: api-5xx"}


def test_insufficient_data_keeps_waiting_then_ok_succeeds(hook, clock, monkeypatch, cloudwatch):
    cloudwatch.metric["api-5xx"] = "INSUFFICIENT_DATA"
    monkeypatch.setenv("ALARM_NAMES", "api-5xx")
    first = assert_valid_response(hook.handler(make_event(), None))
    assert first["hookStatus"] == "IN_PROGRESS" and first["callBackDelay"] == 30

    cloudwatch.metric["api-5xx"] = "OK"
    clock.advance(30)
    assert hook.handler(make_event(hook_details=first["hookDetails"]), None)["hookStatus"] == "SUCCEEDED"


def test_insufficient_data_until_the_deadline_fails(hook, clock, monkeypatch, cloudwatch):
    cloudwatch.metric["api-5xx"] = "INSUFFICIENT_DATA"
    monkeypatch.setenv("ALARM_NAMES", "api-5xx")
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "90")

    history = run_hook(hook, clock)

    assert [response["hookStatus"] for _, response in history] == ["IN_PROGRESS"] * 3 + ["FAILED"]
    assert "api-5xx=INSUFFICIENT_DATA" in history[-1][1]["reason"]


def test_composite_alarm_is_looked_up_by_type(hook, clock, monkeypatch, cloudwatch):
    cloudwatch.metric["api-5xx"] = "OK"
    cloudwatch.composite["service-health"] = "OK"
    monkeypatch.setenv("ALARM_NAMES", "api-5xx,service-health")

    assert run_hook(hook, clock)[-1][1]["hookStatus"] == "SUCCEEDED"
    assert cloudwatch.calls[-1] == {"AlarmNames": ["service-health"], "AlarmTypes": ["CompositeAlarm"]}


def test_unknown_alarm_fails_with_its_name(hook, clock, monkeypatch, cloudwatch):
    cloudwatch.metric["api-5xx"] = "OK"
    monkeypatch.setenv("ALARM_NAMES", "api-5xx,api-typo")
    final = run_hook(hook, clock)[-1][1]
    assert final == {"hookStatus": "FAILED", "reason": "alarm(s) not found: api-typo"}


def test_more_than_100_alarms_are_asked_for_in_batches(hook, clock, monkeypatch, cloudwatch):
    names = [f"alarm-{index:03}" for index in range(150)]
    cloudwatch.metric.update({name: "OK" for name in names})
    monkeypatch.setenv("ALARM_NAMES", ",".join(names))

    assert run_hook(hook, clock)[-1][1]["hookStatus"] == "SUCCEEDED"
    assert [len(call["AlarmNames"]) for call in cloudwatch.calls] == [100, 50]


def test_api_error_keeps_waiting_until_the_deadline(hook, clock, monkeypatch, cloudwatch):
    cloudwatch.error = RuntimeError("Rate exceeded")
    monkeypatch.setenv("ALARM_NAMES", "api-5xx")
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "30")

    history = run_hook(hook, clock)

    assert [response["hookStatus"] for _, response in history] == ["IN_PROGRESS", "FAILED"]
    assert "could not read alarms (RuntimeError: Rate exceeded)" in history[-1][1]["reason"]


def test_no_alarms_means_no_cloudwatch_client(hook, clock, monkeypatch, health_server):
    monkeypatch.setitem(sys.modules, "boto3", None)  # any attempt to import boto3 now raises ImportError

    def forbidden():
        raise AssertionError("CloudWatch client created although no alarm is configured")

    monkeypatch.setattr(hook, "cloudwatch_client_factory", forbidden)
    monkeypatch.setenv("HEALTH_CHECK_URL", health_server([200]).url)
    assert run_hook(hook, clock)[-1][1]["hookStatus"] == "SUCCEEDED"


def test_missing_boto3_fails_with_a_clear_reason(hook, clock, monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)
    monkeypatch.setenv("ALARM_NAMES", "api-5xx")
    final = run_hook(hook, clock)[-1][1]
    assert final["hookStatus"] == "FAILED"
    assert final["reason"].startswith("cannot check alarms: boto3 is not available")


@pytest.mark.parametrize("names", [["api-5xx", " api-latency ", "api-5xx", ""], "api-5xx,,api-latency"])
def test_alarm_names_from_hook_details_as_list_or_string(hook, clock, cloudwatch, names):
    cloudwatch.metric.update({"api-5xx": "OK", "api-latency": "OK"})
    final = run_hook(hook, clock, {"alarm_names": names})[-1][1]
    assert final["hookStatus"] == "SUCCEEDED"
    assert cloudwatch.calls[0]["AlarmNames"] == ["api-5xx", "api-latency"]
