"""Configuration: environment variables, per-hook overrides from hookDetails, and malformed values."""

from __future__ import annotations

import pytest

from tests.hook.ecs_contract import assert_valid_response, make_event, run_hook


def test_defaults(hook):
    config = hook.load_config({}, {})
    assert config == hook.Config(warmup_seconds=0, health_check_url=None, expected_statuses=(200,),
                                 alarm_names=(), check_timeout_seconds=600, poll_interval_seconds=30)


def test_hook_details_override_the_environment(hook, clock, monkeypatch, health_server, refused_url):
    good = health_server([200])
    monkeypatch.setenv("HEALTH_CHECK_URL", refused_url)
    monkeypatch.setenv("WARMUP_SECONDS", "600")

    history = run_hook(hook, clock, {"health_check_url": good.url, "warmup_seconds": 0})

    assert [response["hookStatus"] for _, response in history] == ["SUCCEEDED"]
    assert good.requests == ["/health"]


def test_null_override_falls_back_to_the_environment(hook, monkeypatch):
    monkeypatch.setenv("WARMUP_SECONDS", "45")
    assert hook.load_config({"WARMUP_SECONDS": "45"}, {"warmup_seconds": None}).warmup_seconds == 45


def test_empty_override_disables_an_optional_check(hook, clock, monkeypatch, refused_url):
    monkeypatch.setenv("HEALTH_CHECK_URL", refused_url)
    final = run_hook(hook, clock, {"health_check_url": ""})[-1][1]
    assert final["hookStatus"] == "SUCCEEDED" and "no checks configured" in final["reason"]


def test_upper_case_keys_in_hook_details_are_not_settings(hook, monkeypatch):
    """The contract names the lower-case keys; anything else in hookDetails belongs to someone else."""
    assert hook.load_config({}, {"WARMUP_SECONDS": 900, "S3_BUCKET_NAME": "x"}).warmup_seconds == 0


@pytest.mark.parametrize("hook_details", ["warmup_seconds=0", ["warmup_seconds", 0], 17, True, None])
def test_non_object_hook_details_are_ignored(hook, clock, monkeypatch, hook_details):
    monkeypatch.setenv("WARMUP_SECONDS", "30")
    first = assert_valid_response(hook.handler(make_event(hook_details=hook_details), None))
    assert first["hookStatus"] == "IN_PROGRESS"
    history = run_hook(hook, clock, hook_details, merge=False)
    assert history[-1][1]["hookStatus"] == "SUCCEEDED"


def test_event_without_hook_details(hook, clock):
    response = assert_valid_response(hook.handler(make_event(with_hook_details=False), None))
    assert response["hookStatus"] == "SUCCEEDED"


def test_numbers_from_hook_details_may_be_json_numbers_or_strings(hook):
    config = hook.load_config({}, {"warmup_seconds": 60, "check_timeout_seconds": "120",
                                   "poll_interval_seconds": 15.0, "health_check_expected_status": [200, "204"]})
    assert (config.warmup_seconds, config.check_timeout_seconds, config.poll_interval_seconds) == (60, 120, 15)
    assert config.expected_statuses == (200, 204)


@pytest.mark.parametrize("variable, value, expected", [
    ("WARMUP_SECONDS", "abc", "environment variable WARMUP_SECONDS must be a whole number of seconds >= 0, "
                              "got 'abc'"),
    ("WARMUP_SECONDS", "-5", "WARMUP_SECONDS must be a whole number"),
    ("CHECK_TIMEOUT_SECONDS", "1.5", "CHECK_TIMEOUT_SECONDS must be a whole number"),
    ("POLL_INTERVAL_SECONDS", "0", "POLL_INTERVAL_SECONDS must be a whole number of seconds >= 1"),
    ("HEALTH_CHECK_URL", "ftp://example.com/", "must be an http:// or https:// URL"),
    ("HEALTH_CHECK_URL", "/health", "must be an http:// or https:// URL"),
    ("HEALTH_CHECK_EXPECTED_STATUS", "OK", "must list HTTP status codes"),
    ("HEALTH_CHECK_EXPECTED_STATUS", "200,700", "must list HTTP status codes"),
])
def test_malformed_environment_fails_with_a_clear_reason(hook, monkeypatch, capsys, variable, value, expected):
    monkeypatch.setenv(variable, value)
    response = assert_valid_response(hook.handler(make_event(), None))
    assert response["hookStatus"] == "FAILED"
    assert response["reason"].startswith("invalid configuration: ")
    assert expected in response["reason"]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("hook_details, expected", [
    ({"check_timeout_seconds": "ten"}, "hookDetails key 'check_timeout_seconds' must be a whole number"),
    ({"warmup_seconds": True}, "hookDetails key 'warmup_seconds' must be a whole number"),
    ({"poll_interval_seconds": [30]}, "hookDetails key 'poll_interval_seconds' must be a whole number"),
    ({"health_check_url": 8080}, "hookDetails key 'health_check_url' must be a string"),
    ({"alarm_names": {"a": 1}}, "hookDetails key 'alarm_names' must be comma-separated alarm names"),
    ({"alarm_names": ["ok", 3]}, "hookDetails key 'alarm_names' must contain alarm names"),
    ({"health_check_expected_status": True}, "must list HTTP status codes"),
])
def test_malformed_override_fails_with_a_clear_reason(hook, hook_details, expected):
    response = assert_valid_response(hook.handler(make_event(hook_details=hook_details), None))
    assert response["hookStatus"] == "FAILED"
    assert expected in response["reason"]
