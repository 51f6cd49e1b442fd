"""The answers `tfbg new` renders from, and the one place that validates them.

Ranges come from the ECS API (ecs-deployments.md §1.2, §2.1): bake times 0–1440 minutes,
step_percent 3.0–100.0 and canary_percent 0.1–100.0, both in multiples of 0.1. The same
ranges are enforced again by `validation` blocks in the generated module's variables.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.errors import UserError

STRATEGIES = {"blue-green": "BLUE_GREEN", "linear": "LINEAR", "canary": "CANARY"}
# "service-connect" (ECS controller only): no load balancer; ECS shifts traffic between revisions through
# the Service Connect proxies of the clients in the namespace (ecs-deployments.md §1.5).
LOAD_BALANCERS = ("alb", "nlb", "service-connect")
# ALB: a separate test listener, a header condition on the production listener, or no test traffic.
# NLB has no content-based routing, so test traffic needs its own listener (ecs-deployments.md §1.6).
# Service Connect: test traffic is chosen by a request header; the module always names one, because
# without a rule ECS falls back to a fixed, well-known header (ecs-deployments.md R-75).
TEST_TRAFFIC = {"alb": ("listener", "header", "none"), "nlb": ("listener", "none"), "service-connect": ("header",)}
LAUNCH_TYPES = ("FARGATE", "EC2")
# Exact enum of DeploymentLifecycleHook.lifecycleStages (ecs-deployments.md §1.3), in deployment order.
LIFECYCLE_STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
)

# Deployment controllers `tfbg new` renders a module for; each has its own template kind.
CONTROLLERS = ("ecs", "codedeploy", "external")
# CodeDeploy ECS appspec hooks, in the order a deployment runs them (CodeDeploy User Guide,
# reference-appspec-file-structure-hooks.html, "List of lifecycle event hooks for an Amazon ECS deployment").
APPSPEC_HOOKS = ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic")

# Stages a PAUSE hook may take: every stage but TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT
# (API DeploymentLifecycleHook); RECONCILE_SERVICE is left out because the developer guide's list of
# pause stages omits it (ecs-deployments.md §1.3, §2.6).
PAUSE_STAGES = (
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
)
# Answers only the ECS kind renders (issue 11), and the value of each that means "not used".
ECS_ONLY = {"autoscaling": True, "wait_for_steady_state": True, "pause_hooks": (), "target_group_alarms": False}

MAX_BAKE_MINUTES = 1440
# CodeDeploy: terminate_blue_instances_on_deployment_success.termination_wait_time_in_minutes (provider schema).
MAX_TERMINATION_WAIT_MINUTES = 2880
# Target group names allow at most 32 characters (letters, digits, hyphens; no leading/trailing hyphen).
# The module names its target groups "<name>-blue" and "<name>-green", so NAME keeps 6 for the suffix.
MAX_NAME_LENGTH = 32 - len("-green")
NAME_PATTERN = re.compile(r"^[a-z]([a-z0-9-]*[a-z0-9])?$")
HEADER_NAME_PATTERN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$")


@dataclass(frozen=True)
class Answers:
    """Everything a render depends on. Field names are the keys of an answers JSON file."""

    name: str = "demo"
    strategy: str = "blue-green"
    bake_time_in_minutes: int = 5
    step_percent: float = 10.0
    step_bake_time_in_minutes: int = 6
    canary_percent: float = 5.0
    canary_bake_time_in_minutes: int = 10
    load_balancer: str = "alb"
    test_traffic: str = "listener"
    test_header_name: str = "x-tfbg-test"
    # Empty: the module takes the value as a required, sensitive input (a guessable default on a public
    # production listener would let anyone reach the revision under test).
    test_header_value: str = ""
    listener_rule_priority: int = 100
    production_listener_port: int = 80
    test_listener_port: int = 8080
    hooks: tuple[str, ...] = ()
    alarm_rollback: bool = False
    circuit_breaker: bool = True
    launch_type: str = "FARGATE"
    desired_count: int = 2
    container_name: str = "app"
    container_port: int = 8080
    least_privilege: bool = False
    # Appended last (issue 10): keeps the recorded answers of existing ECS modules in their order.
    controller: str = "ecs"
    # EXTERNAL kind: a deployer outside Terraform (a pipeline, PipeCD) owns the task sets and the weights.
    external_deployer: bool = False
    # Appended last (issue 11): production settings of the ECS kind.
    autoscaling: bool = True
    wait_for_steady_state: bool = True
    pause_hooks: tuple[str, ...] = ()
    target_group_alarms: bool = False

    @property
    def ecs_strategy(self) -> str:
        return STRATEGIES[self.strategy]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["hooks"] = list(self.hooks)
        data["pause_hooks"] = list(self.pause_hooks)
        if self.controller == "ecs":
            # The template kind records the controller too; ECS records stay as they were before it existed.
            del data["controller"]
        if self.controller != "external":
            del data["external_deployer"]
        if self.controller != "ecs":
            for key in ECS_ONLY:  # the other kinds render none of them
                del data[key]
        return data


ANSWER_KEYS = tuple(f.name for f in fields(Answers))
DEFAULTS = Answers()


@dataclass(frozen=True)
class _Field:
    kind: type
    check: Any = None  # callable(value) -> normalised value; raises ValueError


def _tenths(value: float, low: str, high: str) -> float:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"expected a number, got {value!r}") from None
    if number.is_nan():  # float("nan") parses, but a NaN cannot be compared with the range
        raise ValueError(f"expected a number, got {value!r}")
    if not Decimal(low) <= number <= Decimal(high):
        raise ValueError(f"must be between {low} and {high}, got {value}")
    if number % Decimal("0.1") != 0:
        raise ValueError(f"must be a multiple of 0.1, got {value}")
    return float(number)


def _minutes(value: int) -> int:
    if not 0 <= value <= MAX_BAKE_MINUTES:
        raise ValueError(f"must be between 0 and {MAX_BAKE_MINUTES} minutes, got {value}")
    return value


def _bake_minutes(value: int) -> int:
    if not 0 <= value <= MAX_TERMINATION_WAIT_MINUTES:
        raise ValueError(f"must be between 0 and {MAX_BAKE_MINUTES} minutes (with --controller codedeploy, the "
                         f"termination wait: up to {MAX_TERMINATION_WAIT_MINUTES}), got {value}")
    return value


def _between(low: int, high: int):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}, got {value}")
        return value

    return check


def _name(value: str) -> str:
    if len(value) > MAX_NAME_LENGTH:
        raise ValueError(
            f"{value!r} is {len(value)} characters; at most {MAX_NAME_LENGTH} are allowed "
            f"(target group names '<name>-green' are limited to 32)"
        )
    if not NAME_PATTERN.match(value) or "--" in value:
        raise ValueError(
            f"{value!r} is not a valid name: use lower-case letters, digits and single hyphens, "
            "starting with a letter and not ending with a hyphen"
        )
    return value


def _container_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,255}", value):
        raise ValueError(f"{value!r} is not a valid container name (letters, digits, '-' and '_', 1-255)")
    return value


def _header_name(value: str) -> str:
    if not HEADER_NAME_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a valid HTTP header name (1-40 token characters)")
    return value


def _header_value(value: str) -> str:
    # ALB condition values: up to 128 characters; '*' and '?' are wildcards. Empty: a required input. The
    # 16-character minimum of a secret is checked where a header is used (_check_combination), so that an
    # answers file recorded before it (value "true") still replays for a module without header mode.
    if len(value) > 128:
        raise ValueError("must be at most 128 characters")
    return value


def _appspec_hook(item: str) -> str | None:
    """'AfterAllowTestTraffic', 'after-allow-test-traffic' and 'AFTER_ALLOW_TEST_TRAFFIC' are one hook."""
    folded = item.replace("-", "").replace("_", "").lower()
    return next((hook for hook in APPSPEC_HOOKS if hook.lower() == folded), None)


def _stages(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ValueError(f"expected a list of lifecycle stages, got {value!r}")
    if [str(item).strip().lower() for item in items] == ["none"]:  # as --hooks none and the prompt accept
        return ()
    stages: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected a lifecycle stage name, got {item!r}")
        stage = item.strip().upper().replace("-", "_")
        if stage == "NONE":
            raise ValueError("'none' means no hooks: it cannot be combined with lifecycle stages")
        if stage not in LIFECYCLE_STAGES:
            stage = _appspec_hook(item.strip())  # the CodeDeploy kind's hooks (checked against the controller later)
        if stage is None:
            raise ValueError(
                f"unknown lifecycle stage {item!r}; choose from {', '.join(LIFECYCLE_STAGES)} "
                f"(--controller codedeploy: {', '.join(APPSPEC_HOOKS)})"
            )
        if stage not in stages:
            stages.append(stage)
    # Canonical order, so the same set always renders the same module.
    return tuple(s for s in LIFECYCLE_STAGES + APPSPEC_HOOKS if s in stages)


def _pause_stages(value: Any) -> tuple[str, ...]:
    stages = _stages(value)
    for stage in stages:
        if stage not in PAUSE_STAGES:
            kind = "an appspec hook" if stage in APPSPEC_HOOKS else f"{stage} (ECS rejects it)"
            raise ValueError(f"a pause hook cannot hold {kind}; choose from {', '.join(PAUSE_STAGES)}")
    return stages


def _choice(choices: tuple[str, ...], normalise=str.lower):
    def check(value: str) -> str:
        normalised = normalise(value.strip())
        if normalised not in choices:
            raise ValueError(f"unknown value {value!r}; choose from {', '.join(choices)}")
        return normalised

    return check


def _strategy(value: str) -> str:
    spelled = value.strip().lower().replace("_", "-")
    # "all-at-once" is CodeDeploy's name for the one-step shift that ECS calls BLUE_GREEN.
    spelled = {"bluegreen": "blue-green", "all-at-once": "blue-green", "allatonce": "blue-green"}.get(spelled, spelled)
    if spelled not in STRATEGIES:
        raise ValueError(f"unknown strategy {value!r}; choose from {', '.join(STRATEGIES)}")
    return spelled


FIELDS: dict[str, _Field] = {
    "name": _Field(str, _name),
    "strategy": _Field(str, _strategy),
    # ECS bakes at most 1440 minutes; CodeDeploy's termination wait (the same answer) goes to 2880. The
    # ECS limit is checked with the controller (_check_combination).
    "bake_time_in_minutes": _Field(int, _bake_minutes),
    "step_percent": _Field(float, lambda v: _tenths(v, "3.0", "100.0")),
    "step_bake_time_in_minutes": _Field(int, _minutes),
    "canary_percent": _Field(float, lambda v: _tenths(v, "0.1", "100.0")),
    "canary_bake_time_in_minutes": _Field(int, _minutes),
    "load_balancer": _Field(str, _choice(LOAD_BALANCERS)),
    "test_traffic": _Field(str, _choice(("listener", "header", "none"))),
    "test_header_name": _Field(str, _header_name),
    "test_header_value": _Field(str, _header_value),
    # The test rule sits one priority number before the production rule in header mode, so >= 2.
    "listener_rule_priority": _Field(int, _between(2, 50000)),
    "production_listener_port": _Field(int, _between(1, 65535)),
    "test_listener_port": _Field(int, _between(1, 65535)),
    "hooks": _Field(list, _stages),
    "alarm_rollback": _Field(bool),
    "circuit_breaker": _Field(bool),
    "launch_type": _Field(str, _choice(LAUNCH_TYPES, str.upper)),
    "desired_count": _Field(int, _between(0, 5000)),
    "container_name": _Field(str, _container_name),
    "container_port": _Field(int, _between(1, 65535)),
    "least_privilege": _Field(bool),
    "controller": _Field(str, _choice(CONTROLLERS)),
    "external_deployer": _Field(bool),
    "autoscaling": _Field(bool),
    "wait_for_steady_state": _Field(bool),
    "pause_hooks": _Field(list, _pause_stages),
    "target_group_alarms": _Field(bool),
}


def coerce(key: str, value: Any) -> Any:
    """Check one answer's type and range; return its normalised value or raise ValueError."""
    spec = FIELDS[key]
    if spec.kind is bool:
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "y", "1", "false", "no", "n", "0"):
            value = value.strip().lower() in ("true", "yes", "y", "1")
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
    elif spec.kind is int:
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
    elif spec.kind is float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"expected a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {value!r}")
        value = float(value)
    elif spec.kind is str and not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return spec.check(value) if spec.check else value


def build(values: dict[str, Any]) -> Answers:
    """Validate a complete or partial set of answers (missing keys take defaults)."""
    return build_labelled(values, {key: f"answer '{key}'" for key in values})


def build_labelled(values: dict[str, Any], labels: dict[str, str]) -> Answers:
    """Like build(), with a label per key naming where the value came from (option, file:line)."""
    unknown = [key for key in values if key not in FIELDS]
    if unknown:
        key = unknown[0]
        raise UserError(f"{labels.get(key, key)}: unknown answer; known answers: {', '.join(ANSWER_KEYS)}")
    normalised: dict[str, Any] = {}
    for key, value in values.items():
        try:
            normalised[key] = coerce(key, value)
        except ValueError as error:
            raise UserError(f"{labels.get(key, key)}: {error}") from None
    if normalised.get("load_balancer") == "service-connect" and "test_traffic" not in normalised:
        normalised["test_traffic"] = "header"
    if normalised.get("pause_hooks") and "wait_for_steady_state" not in normalised:
        # A pause hook holds the deployment until someone continues it: an apply that waited for the
        # deployment would hold the state lock (and the approver's CI job) as long.
        normalised["wait_for_steady_state"] = False
    answers = Answers(**{**asdict(DEFAULTS), **normalised})
    return _check_combination(answers, labels) or answers


def _check_combination(answers: Answers, labels: dict[str, str]) -> Answers | None:
    if answers.external_deployer and answers.controller != "external":
        raise UserError(f"{labels.get('external_deployer', 'answer external_deployer')}: an external deployer drives task sets: "
                        "use it with --controller external")
    if answers.controller != "codedeploy":
        try:
            _minutes(answers.bake_time_in_minutes)
        except ValueError as error:
            raise UserError(f"{labels.get('bake_time_in_minutes', 'answer bake_time_in_minutes')}: {error}") from None
    if answers.controller != "ecs":
        _check_ecs_only(answers, labels)
        return check_other_controller(answers, labels)
    foreign = [hook for hook in answers.hooks if hook in APPSPEC_HOOKS]
    if foreign:
        label = labels.get("hooks", "answer 'hooks'")
        raise UserError(f"{label}: {foreign[0]} is a CodeDeploy appspec hook; with the ECS controller choose lifecycle stages "
                        f"({', '.join(LIFECYCLE_STAGES)}) or use --controller codedeploy")
    allowed = TEST_TRAFFIC[answers.load_balancer]
    if answers.test_traffic not in allowed:
        label = labels.get("test_traffic", "answer 'test_traffic'")
        raise UserError(
            f"{label}: {answers.test_traffic!r} is not possible with "
            f"{'Service Connect' if answers.load_balancer == 'service-connect' else 'an ' + answers.load_balancer.upper()}; "
            f"choose from {', '.join(allowed)}"
            + (" (an NLB has no content-based routing)" if answers.load_balancer == "nlb" else "")
        )
    if not (answers.alarm_rollback or answers.circuit_breaker or answers.target_group_alarms):
        label = labels.get("circuit_breaker") or labels.get("alarm_rollback") or "answers"
        raise UserError(
            f"{label}: choose at least one rollback safety net (CloudWatch alarm rollback, target group alarms "
            "and/or the circuit breaker)"
        )
    if answers.test_traffic == "header" and answers.test_header_value and len(answers.test_header_value) < 16:
        label = labels.get("test_header_value", "answer 'test_header_value'")
        raise UserError(f"{label}: the test header is a secret on the production route: give 16-128 characters, "
                        "or none to make it a required input of the module")
    if answers.target_group_alarms and answers.load_balancer != "alb":
        label = labels.get("target_group_alarms", "answer 'target_group_alarms'")
        raise UserError(f"{label}: the 5xx and latency alarms read ALB target group metrics; they need load_balancer alb")
    if answers.pause_hooks and answers.wait_for_steady_state:
        label = labels.get("wait_for_steady_state", "answer 'wait_for_steady_state'")
        raise UserError(
            f"{label}: a pause hook holds the deployment until someone continues it, so an apply that waits for "
            "steady state would block until then; choose one"
        )
    if answers.load_balancer == "nlb" and answers.test_traffic == "listener":
        if answers.production_listener_port == answers.test_listener_port:
            label = labels.get("test_listener_port", "answer 'test_listener_port'")
            raise UserError(f"{label}: the test listener needs a port other than the production listener's")


def _check_ecs_only(answers: Answers, labels: dict[str, str]) -> None:
    """The production settings of the ECS kind (issue 11) mean nothing to the other controllers."""
    if answers.load_balancer == "service-connect":
        raise UserError(f"{labels.get('load_balancer', 'answer load_balancer')}: Service Connect traffic shifting needs "
                        "the ECS controller (--controller ecs)")
    for key, unused in ECS_ONLY.items():
        if getattr(answers, key) != unused and _given(labels, key):
            raise UserError(f"{labels[key]}: only the ECS controller's modules have it (--controller ecs)")


def _given(labels: dict[str, str], key: str) -> bool:
    """Whether the user set `key` (an option or an answers file), rather than a default or a prompt."""
    label = labels.get(key, "")
    return label.startswith("--") or ":" in label


def check_other_controller(answers: Answers, labels: dict[str, str]) -> Answers:
    """The CodeDeploy and EXTERNAL kinds: what their controller allows. Returns the answers with the
    ECS-only ones that were not given set to what the kind renders (no circuit breaker)."""
    from generator.controllers import check_codedeploy, check_external  # one module per controller's rules

    if answers.circuit_breaker and _given(labels, "circuit_breaker"):
        raise UserError(
            f"{labels['circuit_breaker']}: the deployment circuit breaker works only with the ECS controller "
            f"(--controller {answers.controller} rolls back {'through CodeDeploy' if answers.controller == 'codedeploy' else 'by a new terraform apply'})"
        )
    answers = Answers(**{**asdict(answers), "circuit_breaker": False})
    if answers.controller == "codedeploy":
        return check_codedeploy(answers, labels)
    return check_external(answers, labels)
