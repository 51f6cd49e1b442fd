from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest

from tests.hook.ecs_contract import FakeClock
from tests.hook.loading import load_handler

CONFIG_VARIABLES = ("WARMUP_SECONDS", "HEALTH_CHECK_URL", "HEALTH_CHECK_EXPECTED_STATUS", "ALARM_NAMES",
                    "CHECK_TIMEOUT_SECONDS", "POLL_INTERVAL_SECONDS")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> Any:
    """A freshly loaded copy of the shipped handler file, with a fake clock and a clean environment."""
    for name in CONFIG_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return load_handler(monkeypatch, clock)


class HealthServer:
    """A real HTTP server on 127.0.0.1 whose answers follow `statuses` (the last one repeats)."""

    def __init__(self, statuses: list[int], delay: float = 0.0) -> None:
        self.statuses = statuses
        self.delay = delay
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                index = len(server.requests)
                server.requests.append(self.path)
                if server.delay:
                    threading.Event().wait(server.delay)
                status = server.statuses[min(index, len(server.statuses) - 1)]
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/health"
        # The client may give up on a slow answer first; the broken pipe that follows is expected.
        self.httpd.handle_error = lambda request, client_address: None
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def health_server() -> Callable[..., HealthServer]:
    servers: list[HealthServer] = []

    def start(statuses: list[int], delay: float = 0.0) -> HealthServer:
        servers.append(HealthServer(statuses, delay))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def refused_url() -> str:
    """A URL on a local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/health"


class FakeCloudWatch:
    """Answers DescribeAlarms like CloudWatch: MetricAlarms/CompositeAlarms lists filtered by name and type."""

    def __init__(self, metric: dict[str, str] | None = None, composite: dict[str, str] | None = None,
                 error: Exception | None = None) -> None:
        self.metric = dict(metric or {})
        self.composite = dict(composite or {})
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def describe_alarms(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        if self.error:
            raise self.error
        assert set(request) <= {"AlarmNames", "AlarmTypes", "NextToken"}
        assert 1 <= len(request["AlarmNames"]) <= 100, "DescribeAlarms takes 1-100 AlarmNames"
        types = request.get("AlarmTypes", ["MetricAlarm"])  # CloudWatch's default: metric alarms only
        response: dict[str, Any] = {"MetricAlarms": [], "CompositeAlarms": []}
        for alarm_type, key, table in (("MetricAlarm", "MetricAlarms", self.metric),
                                       ("CompositeAlarm", "CompositeAlarms", self.composite)):
            if alarm_type in types:
                response[key] = [{"AlarmName": name, "StateValue": table[name]}
                                 for name in request["AlarmNames"] if name in table]
        return response


@pytest.fixture
def cloudwatch(hook: Any, monkeypatch: pytest.MonkeyPatch) -> FakeCloudWatch:
    fake = FakeCloudWatch()
    monkeypatch.setattr(hook, "cloudwatch_client_factory", lambda: fake)
    return fake
