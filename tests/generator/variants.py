"""The answer sets the generator tests render: every strategy x route x hooks, plus extras."""

from __future__ import annotations

import itertools
from typing import Any

STRATEGIES = ("blue-green", "linear", "canary")
# (load balancer, test traffic)
ROUTES = (
    ("alb", "listener"),
    ("alb", "header"),
    ("alb", "none"),
    ("nlb", "listener"),
    ("nlb", "none"),
    ("service-connect", "header"),
)
HOOKS = ["POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"]


def _label(strategy: str, lb: str, test: str, hooks: bool) -> str:
    return f"{strategy.split('-')[0][:2]}-{lb[:3]}-{test[:3]}-{'hooks' if hooks else 'plain'}"


def matrix() -> dict[str, dict[str, Any]]:
    """label -> answers (label doubles as the module name, so it obeys the name rule)."""
    variants: dict[str, dict[str, Any]] = {}
    for strategy, (lb, test), hooks in itertools.product(STRATEGIES, ROUTES, (False, True)):
        label = _label(strategy, lb, test, hooks)
        variants[label] = {
            "name": label,
            "strategy": strategy,
            "load_balancer": lb,
            "test_traffic": test,
            "hooks": HOOKS if hooks else [],
            "alarm_rollback": hooks,
        }
    extras = {
        "lp-li-alb-lis-hooks": {"strategy": "linear", "test_traffic": "listener", "hooks": HOOKS, "least_privilege": True},
        "lp-bl-alb-hea": {"strategy": "blue-green", "test_traffic": "header", "least_privilege": True},
        "lp-bl-alb-non": {"strategy": "blue-green", "test_traffic": "none", "least_privilege": True},
        "lp-ca-nlb-lis-hooks": {"strategy": "canary", "load_balancer": "nlb", "hooks": HOOKS, "least_privilege": True, "alarm_rollback": True},
        "lp-bl-nlb-non": {"strategy": "blue-green", "load_balancer": "nlb", "test_traffic": "none", "least_privilege": True},
        "ec2-ca-alb-non": {"strategy": "canary", "test_traffic": "none", "launch_type": "EC2"},
        "ec2-bl-nlb-lis-hooks": {"load_balancer": "nlb", "launch_type": "EC2", "hooks": ["PRE_SCALE_UP"]},
        "alarms-only-li-alb": {"strategy": "linear", "alarm_rollback": True, "circuit_breaker": False},
        "all-stages-ca-alb-hea": {
            "strategy": "canary",
            "test_traffic": "header",
            "hooks": ["RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
                      "POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT",
                      "POST_PRODUCTION_TRAFFIC_SHIFT"],
            "alarm_rollback": True,
        },
        # Pause hooks (with and without Lambda hooks), which also turn wait_for_steady_state off.
        "pause-bl-alb-lis": {"hooks": ["POST_TEST_TRAFFIC_SHIFT"], "pause_hooks": ["POST_TEST_TRAFFIC_SHIFT"]},
        "pause-ca-nlb-lis": {"strategy": "canary", "load_balancer": "nlb",
                             "pause_hooks": ["POST_SCALE_UP", "POST_PRODUCTION_TRAFFIC_SHIFT"]},
        "pause-li-ser-hea": {"strategy": "linear", "load_balancer": "service-connect", "pause_hooks": ["PRE_SCALE_UP"],
                             "hooks": ["PRODUCTION_TRAFFIC_SHIFT"], "alarm_rollback": True},
        # Target group 5xx/latency alarms as the only safety net, and with alarms of the user's own and hooks.
        "tgalarms-li-alb-hea": {"strategy": "linear", "test_traffic": "header", "target_group_alarms": True,
                                "circuit_breaker": False},
        "tgalarms-bl-alb-lis-hooks": {"target_group_alarms": True, "alarm_rollback": True, "hooks": HOOKS},
        # Apply does not wait; no autoscaling (desired_count is Terraform's).
        "nowait-bl-alb-lis": {"wait_for_steady_state": False, "autoscaling": False},
        "ec2-li-ser-hea": {"strategy": "linear", "load_balancer": "service-connect", "launch_type": "EC2"},
        "secret-bl-alb-hea": {"test_traffic": "header", "test_header_value": "0123456789abcdef-baked"},
    }
    for label, answers in extras.items():
        variants[label] = {"name": label, **answers}
    return variants


# CodeDeploy: every traffic shape (predefined and custom) x route, hooks, alarms, least privilege.
CODEDEPLOY_SHAPES = {
    "aao": {"strategy": "all-at-once"},
    "ca10-5": {"strategy": "canary", "canary_percent": 10, "canary_bake_time_in_minutes": 5},  # predefined
    "ca20-7": {"strategy": "canary", "canary_percent": 20, "canary_bake_time_in_minutes": 7},  # custom
    "li10-3": {"strategy": "linear", "step_percent": 10, "step_bake_time_in_minutes": 3},  # predefined
    "li25-2": {"strategy": "linear", "step_percent": 25, "step_bake_time_in_minutes": 2},  # custom
}
APPSPEC_HOOKS = ["AfterAllowTestTraffic", "AfterAllowTraffic"]


def codedeploy_matrix() -> dict[str, dict[str, Any]]:
    variants: dict[str, dict[str, Any]] = {}
    for shape, answers in CODEDEPLOY_SHAPES.items():
        for test in ("listener", "none"):
            label = f"cd-{shape}-alb-{test[:3]}"
            variants[label] = {"name": label, "controller": "codedeploy", "test_traffic": test, **answers}
    variants["cd-aao-nlb-lis-hooks"] = {"name": "cd-aao-nlb-lis-hooks", "controller": "codedeploy", "load_balancer": "nlb",
                                        "hooks": APPSPEC_HOOKS, "alarm_rollback": True}
    variants["cd-aao-nlb-non"] = {"name": "cd-aao-nlb-non", "controller": "codedeploy", "load_balancer": "nlb", "test_traffic": "none"}
    variants["cd-ca-alb-hooks-lp"] = {"name": "cd-ca-alb-hooks-lp", "controller": "codedeploy", "strategy": "canary",
                                      "hooks": ["BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"],
                                      "alarm_rollback": True, "least_privilege": True}
    variants["cd-li-alb-alarms-ec2"] = {"name": "cd-li-alb-alarms-ec2", "controller": "codedeploy", "strategy": "linear",
                                        "step_percent": 20, "alarm_rollback": True, "launch_type": "EC2"}
    return variants


def external_matrix() -> dict[str, dict[str, Any]]:
    variants: dict[str, dict[str, Any]] = {}
    for lb, test, launch, deployer in itertools.product(("alb", "nlb"), ("listener", "none"), ("FARGATE", "EC2"), (False, True)):
        label = f"ex-{lb}-{test[:3]}-{launch[:3].lower()}{'-dep' if deployer else ''}"
        variants[label] = {"name": label, "controller": "external", "load_balancer": lb, "test_traffic": test,
                           "launch_type": launch, "external_deployer": deployer}
    return variants


def all_kinds() -> dict[str, dict[str, Any]]:
    """Every variant of every template kind (the lint test renders them all)."""
    return {**matrix(), **codedeploy_matrix(), **external_matrix()}
