"""HEALTH_CHECK_URL against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import time

from tests.hook.loading import load_handler
from tests.hook.ecs_contract import assert_valid_response, make_event, run_hook


def test_200_succeeds(hook, clock, monkeypatch, health_server):
    server = health_server([200])
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)

    history = run_hook(hook, clock)

    assert [response["hookStatus"] for _, response in history] == ["SUCCEEDED"]
    assert history[-1][1]["reason"] == f"{server.url} answered 200"
    assert server.requests == ["/health"]


def test_warmup_comes_before_the_first_request(hook, clock, monkeypatch, health_server):
    server = health_server([200])
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setenv("WARMUP_SECONDS", "90")

    first = assert_valid_response(hook.handler(make_event(), None))
    assert first["hookStatus"] == "IN_PROGRESS" and server.requests == []

    history = run_hook(hook, clock)
    assert history[-1][1]["hookStatus"] == "SUCCEEDED"
    assert len(server.requests) == 1


def test_recovers_after_a_few_503(hook, clock, monkeypatch, health_server):
    server = health_server([503, 503, 200])
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "10")

    history = run_hook(hook, clock)

    assert [response["hookStatus"] for _, response in history] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    assert [response.get("callBackDelay") for _, response in history] == [10, 10, None]
    assert len(server.requests) == 3


def test_503_until_the_deadline_fails(hook, clock, monkeypatch, health_server, capsys):
    server = health_server([503])
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setenv("WARMUP_SECONDS", "30")
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "100")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "30")
    start = clock.now

    history = run_hook(hook, clock)

    final = history[-1][1]
    assert final["hookStatus"] == "FAILED"
    assert "503" in final["reason"] and "CHECK_TIMEOUT_SECONDS" in final["reason"]
    # Fails exactly at warm-up + timeout: the last delay is shortened so the deadline is not overslept.
    assert history[-1][0] - start == 130
    assert all(response["hookStatus"] == "IN_PROGRESS" for _, response in history[:-1])
    waits = [json.loads(line)["reason"] for line in capsys.readouterr().out.splitlines()][1:-1]
    assert waits and all("answered 503, expected 200" in reason for reason in waits)


def test_connection_refused_keeps_waiting_then_fails(hook, clock, monkeypatch, refused_url):
    monkeypatch.setenv("HEALTH_CHECK_URL", refused_url)
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "60")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "20")

    history = run_hook(hook, clock)

    assert [response["hookStatus"] for _, response in history] == ["IN_PROGRESS"] * 3 + ["FAILED"]
    assert "unreachable" in history[-1][1]["reason"] and "refused" in history[-1][1]["reason"].lower()


def test_expected_status_list(hook, clock, monkeypatch, health_server):
    server = health_server([204])
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setenv("HEALTH_CHECK_EXPECTED_STATUS", "200, 204")
    assert run_hook(hook, clock)[-1][1]["hookStatus"] == "SUCCEEDED"


def test_redirect_is_not_followed(hook, clock, monkeypatch, health_server):
    """A 302 to some other page is not the health endpoint answering 200."""
    server = health_server([302])
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setenv("CHECK_TIMEOUT_SECONDS", "0")
    final = run_hook(hook, clock)[-1][1]
    assert final["hookStatus"] == "FAILED" and "answered 302" in final["reason"]
    assert server.requests == ["/health"]

    monkeypatch.setenv("HEALTH_CHECK_EXPECTED_STATUS", "302")
    assert run_hook(hook, clock, execution_id="exec-2")[-1][1]["hookStatus"] == "SUCCEEDED"


def test_proxy_variables_are_ignored(hook, clock, monkeypatch, health_server, refused_url):
    """The check must reach the listener itself, even when the Lambda environment names a proxy."""
    server = health_server([200])
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setenv("http_proxy", refused_url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    hook = load_handler(monkeypatch, clock)  # urllib reads proxy variables when the handler is loaded
    assert run_hook(hook, clock)[-1][1]["hookStatus"] == "SUCCEEDED"
    assert server.requests == ["/health"]


def test_slow_endpoint_times_out_quickly(hook, monkeypatch, health_server):
    server = health_server([200], delay=3.0)
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)
    monkeypatch.setattr(hook, "HTTP_TIMEOUT_SECONDS", 0.3)

    began = time.monotonic()
    response = assert_valid_response(hook.handler(make_event(), None))

    assert time.monotonic() - began < 2.0
    assert response["hookStatus"] == "IN_PROGRESS"


def test_request_wait_is_capped_by_the_lambda_time_left(hook, monkeypatch, health_server, capsys):
    server = health_server([200], delay=3.0)
    monkeypatch.setenv("HEALTH_CHECK_URL", server.url)

    class LambdaContext:
        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 1_400  # 1 s is kept back as margin, so the request may wait 0.4 s

    began = time.monotonic()
    response = assert_valid_response(hook.handler(make_event(), LambdaContext()))

    assert time.monotonic() - began < 2.0
    assert response["hookStatus"] == "IN_PROGRESS"
    assert "timed out" in json.loads(capsys.readouterr().out)["reason"]
