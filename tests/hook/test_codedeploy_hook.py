"""The CodeDeploy appspec hook (templates/codedeploy/hook/handler.py, rendered with its checks.py) against the
PutLifecycleEventHookExecutionStatus contract, with a real HTTP server, a fake CloudWatch and a fake clock."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import pytest

from generator.answers import build
from generator.render import render
from tests.hook.codedeploy_contract import FakeCodeDeploy, make_event
from tests.hook.conftest import CONFIG_VARIABLES, FakeCloudWatch


class FakeTime:
    """clock() and sleep() of the handler: sleeping advances the clock."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Context:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def hook(tmp_path, monkeypatch):
    """The hook directory exactly as a module ships it, imported as Lambda would (handler.py beside checks.py)."""
    for name in CONFIG_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    files = render(build({"name": "svc", "controller": "codedeploy", "hooks": ["AfterAllowTestTraffic"]}))
    for relative in ("hook/handler.py", "hook/checks.py"):
        (tmp_path / relative).parent.mkdir(exist_ok=True)
        (tmp_path / relative).write_bytes(files[relative])
    monkeypatch.syspath_prepend(str(tmp_path / "hook"))
    for module in ("handler", "checks"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    handler = importlib.import_module("handler")
    time = FakeTime()
    monkeypatch.setattr(handler, "clock", time.clock)
    monkeypatch.setattr(handler, "sleep", time.sleep)
    handler.fake_time = time
    handler.codedeploy = FakeCodeDeploy()
    monkeypatch.setattr(handler, "codedeploy_client_factory", lambda: handler.codedeploy)
    yield handler
    for module in ("handler", "checks"):
        sys.modules.pop(module, None)


def test_no_checks_reports_succeeded_once(hook):
    result = hook.handler(make_event(), Context(900_000))
    assert hook.codedeploy.calls == [{"deploymentId": "d-A1B2C3D4E", "lifecycleEventHookExecutionId": make_event()["LifecycleEventHookExecutionId"],
                                      "status": "Succeeded"}]
    assert result["status"] == "Succeeded" and result["reported"] is True


def test_warm_up_then_health_check_until_it_passes(hook, monkeypatch, health_server):
    server = health_server([503, 503, 200])
    monkeypatch.setenv("WARMUP_SECONDS", "60")
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "10")
    result = hook.handler(make_event(), Context(900_000))
    assert result["status"] == "Succeeded", result
    assert hook.fake_time.slept == [60, 10, 10]
    assert len(server.requests) == 3
    assert [c["status"] for c in hook.codedeploy.calls] == ["Succeeded"]


def test_health_check_never_passing_fails_at_the_deadline(hook, monkeypatch, health_server):
    monkeypatch.setenv("HEALTH_CHECK_URL", health_server([500]).url)
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "45")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "20")
    result = hook.handler(make_event(), Context(900_000))
    assert result["status"] == "Failed" and "CHECK_TIMEOUT_SECONDS" in result["reason"] and "answered 500" in result["reason"]
    assert hook.fake_time.slept == [20, 20, 5]  # the last pause ends exactly at the deadline
    assert [c["status"] for c in hook.codedeploy.calls] == ["Failed"]


def test_alarm_in_alarm_fails_at_once(hook, monkeypatch):
    cloudwatch = FakeCloudWatch(metric={"svc-green-target-5xx": "ALARM"})
    monkeypatch.setattr(sys.modules["checks"], "cloudwatch_client_factory", lambda: cloudwatch)
    monkeypatch.setenv("ALARM_NAMES", "svc-green-target-5xx")
    result = hook.handler(make_event(), Context(900_000))
    assert result["status"] == "Failed" and result["reason"] == "alarm(s) in ALARM: svc-green-target-5xx"
    assert hook.fake_time.slept == []


def test_the_lambda_timeout_comes_first_and_the_report_still_fits(hook, monkeypatch, health_server):
    monkeypatch.setenv("HEALTH_CHECK_URL", health_server([503]).url)
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "840")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "30")
    result = hook.handler(make_event(), Context(100_000))  # 100 s left, 10 s kept for the report
    assert result["status"] == "Failed" and "timeout came before" in result["reason"]
    assert sum(hook.fake_time.slept) <= 90
    assert [c["status"] for c in hook.codedeploy.calls] == ["Failed"]


def test_invalid_configuration_reports_failed(hook, monkeypatch):
    monkeypatch.setenv("HEALTH_CHECK_URL", "ftp://example.com/")
    result = hook.handler(make_event(), Context(900_000))
    assert result["status"] == "Failed" and "invalid configuration" in result["reason"]
    assert [c["status"] for c in hook.codedeploy.calls] == ["Failed"]


def test_an_unexpected_error_in_the_checks_reports_failed(hook, monkeypatch):
    monkeypatch.setenv("HEALTH_CHECK_URL", "http://127.0.0.1:9/")

    def broken(*args: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(sys.modules["checks"], "run_checks", broken)
    result = hook.handler(make_event(), Context(900_000))
    assert result["status"] == "Failed" and result["reason"] == "internal error: RuntimeError: boom"


@pytest.mark.parametrize("event", [{}, {"DeploymentId": "d-1"}, {"LifecycleEventHookExecutionId": "x"}, "text", None])
def test_an_event_without_both_ids_reports_nothing(hook, event):
    result = hook.handler(event, Context(900_000))
    assert result["status"] is None and hook.codedeploy.calls == []


def test_a_hook_already_closed_is_not_an_error(hook):
    hook.codedeploy.fail_with = "LifecycleEventAlreadyCompletedException"
    result = hook.handler(make_event(), Context(900_000))
    assert result["reported"] is False


def test_other_report_errors_raise_so_lambda_retries(hook):
    hook.codedeploy.fail_with = "ThrottlingException"
    with pytest.raises(Exception, match="ThrottlingException"):
        hook.handler(make_event(), Context(900_000))


def test_the_fake_refuses_what_the_api_refuses():
    fake = FakeCodeDeploy()
    with pytest.raises(Exception, match="InvalidLifecycleEventHookExecutionStatusException"):
        fake.put_lifecycle_event_hook_execution_status(deploymentId="d-1", lifecycleEventHookExecutionId="x", status="InProgress")
    with pytest.raises(AssertionError):
        fake.put_lifecycle_event_hook_execution_status(deploymentId="d-1", status="Succeeded")

