"""The ECS lifecycle-hook contract as the tests see it: event builder, response validator, and a small stand-in
for the way ECS re-invokes a hook.

Source: Amazon ECS Developer Guide, lambda-lifecycle-hooks (event fields, hookStatus values, callBackDelay,
hookDetails "merges this data and passes it back on the next invocation", rollback payload).
"""

from __future__ import annotations

import json
from typing import Any

HOOK_STATUSES = {"SUCCEEDED", "FAILED", "IN_PROGRESS"}
RESPONSE_KEYS = {"hookStatus", "callBackDelay", "hookDetails", "reason"}
DEFAULT_CALLBACK_DELAY = 30  # what ECS waits when callBackDelay is absent

GREEN = "arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/9313423515462893900"
BLUE = "arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1920498462936580504"


def make_event(stage: str = "POST_TEST_TRAFFIC_SHIFT", execution_id: str = "exec-1", hook_details: Any = None,
               test_weights: dict | None = None, production_weights: dict | None = None,
               with_hook_details: bool = True) -> dict[str, Any]:
    event: dict[str, Any] = {
        "executionId": execution_id,
        "lifecycleStage": stage,
        "resourceArn": "arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/EZe5RNVLH6PP",
        "executionDetails": {
            "serviceArn": "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service",
            "targetServiceRevisionArn": GREEN,
            "testTrafficWeights": test_weights or {},
            "productionTrafficWeights": production_weights or {},
        },
    }
    if with_hook_details:
        event["hookDetails"] = hook_details
    # ECS delivers JSON: make sure the event is JSON and the handler gets a fresh copy.
    return json.loads(json.dumps(event))


def assert_valid_response(response: Any) -> dict[str, Any]:
    """Fail unless `response` is something ECS accepts as a hook answer."""
    assert isinstance(response, dict), f"response must be a JSON object, got {response!r}"
    assert json.loads(json.dumps(response)) == response, "response must survive JSON serialisation unchanged"
    assert set(response) <= RESPONSE_KEYS, f"undocumented keys: {set(response) - RESPONSE_KEYS}"
    status = response.get("hookStatus")
    assert status in HOOK_STATUSES, f"hookStatus must be one of {sorted(HOOK_STATUSES)}, got {status!r}"
    if status == "IN_PROGRESS":
        delay = response.get("callBackDelay")
        assert isinstance(delay, int) and not isinstance(delay, bool) and delay >= 1, \
            f"callBackDelay must be a positive int, got {delay!r}"
        assert isinstance(response.get("hookDetails"), dict), "IN_PROGRESS must carry the state in hookDetails"
    else:
        assert "callBackDelay" not in response and "hookDetails" not in response
        assert isinstance(response.get("reason"), str) and response["reason"], "final answers carry a reason"
    return response


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def run_hook(hook: Any, clock: FakeClock, configured: Any = None, *, stage: str = "POST_TEST_TRAFFIC_SHIFT",
             execution_id: str = "exec-1", merge: bool = True, max_invocations: int = 200,
             **event_fields: Any) -> list[tuple[float, dict[str, Any]]]:
    """Invoke the hook the way ECS does until it answers SUCCEEDED or FAILED.

    Between invocations the fake clock advances by callBackDelay, and the response's hookDetails is merged
    into the configured hook details (merge=False models a plain replacement instead).
    Returns (clock time, response) for every invocation.
    """
    history = []
    hook_details = configured
    for _ in range(max_invocations):
        response = assert_valid_response(
            hook.handler(make_event(stage, execution_id, hook_details, **event_fields), None))
        history.append((clock.now, response))
        if response["hookStatus"] != "IN_PROGRESS":
            return history
        returned = response["hookDetails"]
        if merge and isinstance(configured, dict):
            hook_details = {**configured, **returned}
        else:
            hook_details = returned
        clock.advance(response.get("callBackDelay", DEFAULT_CALLBACK_DELAY))
    raise AssertionError(f"hook still IN_PROGRESS after {max_invocations} invocations")
