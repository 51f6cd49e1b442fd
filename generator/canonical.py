"""The canonical renders committed under modules/: name -> answers.

Regenerate them with `python -m generator.regen_modules` after changing a template (a test fails until
modules/ equals a fresh render)."""

from __future__ import annotations

from typing import Any

CANONICAL: dict[str, dict[str, Any]] = {
    "bluegreen-alb-hook": {
        "strategy": "blue-green",
        "bake_time_in_minutes": 10,
        "load_balancer": "alb",
        "test_traffic": "listener",
        "hooks": ["POST_TEST_TRAFFIC_SHIFT"],
        "alarm_rollback": True,
        "circuit_breaker": True,
    },
    "linear-alb": {
        "strategy": "linear",
        "step_percent": 20.0,
        "step_bake_time_in_minutes": 5,
        "bake_time_in_minutes": 10,
        "load_balancer": "alb",
        "test_traffic": "header",
    },
    "canary-alb": {
        "strategy": "canary",
        "canary_percent": 10.0,
        "canary_bake_time_in_minutes": 15,
        "bake_time_in_minutes": 10,
        "load_balancer": "alb",
        "test_traffic": "listener",
        "least_privilege": True,
    },
    "bluegreen-nlb": {
        "strategy": "blue-green",
        "bake_time_in_minutes": 5,
        "load_balancer": "nlb",
        "test_traffic": "listener",
        "production_listener_port": 80,
        "test_listener_port": 8080,
    },
    # Service Connect: no load balancer; test traffic by header (a required secret input).
    "canary-service-connect": {
        "strategy": "canary",
        "canary_percent": 10.0,
        "canary_bake_time_in_minutes": 10,
        "bake_time_in_minutes": 10,
        "load_balancer": "service-connect",
    },
    # Approval before production traffic: a pause hook after the test traffic shift, with the
    # EventBridge rule and SNS topic of the approval path; apply does not wait for the deployment.
    "bluegreen-alb-pause": {
        "strategy": "blue-green",
        "bake_time_in_minutes": 15,
        "load_balancer": "alb",
        "test_traffic": "listener",
        "pause_hooks": ["POST_TEST_TRAFFIC_SHIFT"],
        "target_group_alarms": True,
    },
    # issue 10: the CodeDeploy and EXTERNAL kinds.
    "codedeploy-canary-hooks": {
        "controller": "codedeploy",
        "strategy": "canary",
        "canary_percent": 10,
        "canary_bake_time_in_minutes": 5,
        "bake_time_in_minutes": 15,
        "load_balancer": "alb",
        "test_traffic": "listener",
        "hooks": ["AfterAllowTestTraffic", "AfterAllowTraffic"],
        "alarm_rollback": True,
    },
    "external-canary-alb": {
        "controller": "external",
        "load_balancer": "alb",
        "test_traffic": "listener",
    },
}
