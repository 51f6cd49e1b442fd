"""`tfbg timeline`: what one deployment of each ECS service will do, stage by stage, read from the model.

Three deployment owners, three shapes (one `Timeline` type):
- ECS-native BLUE_GREEN / LINEAR / CANARY: ECS's lifecycle stages (ECS DG
  blue-green-deployment-how-it-works.html; ServiceDeployment.lifecycleStage in the API reference),
  with the lifecycle hooks the service registers. The traffic part (shifts, step bakes, bake time,
  NLB delays) comes from `validator.deployment_time.traffic_schedule`, the arithmetic TFBG307 uses:
  the timeline's minimum total IS the rule's lower bound.
- CODE_DEPLOY: a deployment group's lifecycle events (CodeDeploy UG reference-appspec-file-structure-hooks
  and deployment-configurations.html), its traffic routing configuration (predefined
  CodeDeployDefault.ECS* or a custom aws_codedeploy_deployment_config, laid out by the same
  schedule arithmetic) and its termination wait. AppSpec hooks live outside Terraform: said so.
- EXTERNAL: the task sets Terraform declares and the weights its listeners forward with; stages and
  timing belong to the external controller: said so.

Minutes are exact fractions. A stage's `maximum` is None when the configuration does not bound it
(tasks starting, health checks, draining): the total's maximum is then "the bounded part + those".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from validator.deployment_time import (
    TrafficSchedule,
    fmt_minutes,
    traffic_schedule,
    update_timeout,
    uses_network_load_balancer,
)
from validator.model import Model, Ref, Resource, Unknown, is_absent, to_number
from validator.rules.codedeploy import DEPLOYMENT_GROUP, group_service, is_ecs_group, named
from validator.rules.helpers import (
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    controller_of,
    forward_targets,
    is_true,
    load_balancers,
    resolve_resource,
    same_object,
    strategy_of,
)
from validator.rules.hooks import LAMBDA, PAUSE, hook_type, lifecycle_hooks

HOOK_DEFAULT_TIMEOUT = 1440  # API_DeploymentLifecycleHook timeoutConfiguration default (both types)
HOOK_DEFAULT_ACTION = "ROLLBACK"

# ECS-native stage order; the traffic stages come from the shared schedule.
BEFORE_TRAFFIC = ("RECONCILE_SERVICE", "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP")
HOOKABLE = {"RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
            "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"}

# CodeDeploy predefined ECS configurations (CodeDeploy UG deployment-configurations.html):
# name -> (type, percentage, interval minutes).
CODEDEPLOY_PREDEFINED = {
    "CodeDeployDefault.ECSAllAtOnce": ("AllAtOnce", None, None),
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": ("TimeBasedLinear", 10, 1),
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": ("TimeBasedLinear", 10, 3),
    "CodeDeployDefault.ECSCanary10Percent5Minutes": ("TimeBasedCanary", 10, 5),
    "CodeDeployDefault.ECSCanary10Percent15Minutes": ("TimeBasedCanary", 10, 15),
}


@dataclass
class Hook:
    """A lifecycle hook (ECS) or AppSpec event hook (CodeDeploy, unknown to Terraform)."""

    kind: str  # AWS_LAMBDA | PAUSE | APPSPEC | unknown
    target: str  # the Lambda function's address or ARN, "" for a pause
    stages: list[str]
    timeout: Fraction | None  # minutes; None: not known
    on_timeout: str  # ROLLBACK | CONTINUE | (unknown: ...)
    path: str = ""  # attribute path in the service
    notes: list[str] = field(default_factory=list)


@dataclass
class Stage:
    name: str
    minimum: Fraction | None  # None: not known statically
    maximum: Fraction | None  # None: not bounded by the configuration
    production: tuple[Fraction, Fraction] | None  # (old, new) % of production traffic once the stage is over
    test: Fraction | None  # % of test traffic on the new revision once over; None: no test traffic
    step: int = 0
    hooks: list[int] = field(default_factory=list)  # indexes into Timeline.hooks
    notes: list[str] = field(default_factory=list)
    rollback: bool = True  # can the deployment still roll back during this stage
    hookable: bool = False
    start: Fraction = Fraction(0)  # minimum start (sum of the minima before it)


@dataclass
class Timeline:
    address: str
    owner: str  # ECS | CODE_DEPLOY | EXTERNAL | ROLLING | unknown
    strategy: str  # BLUE_GREEN, LINEAR, CANARY, AllAtOnce, TimeBasedLinear, ... or a sentence
    service: str = ""  # the ECS service (CodeDeploy groups, task sets)
    stages: list[Stage] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # values that could not be known, by name
    notes: list[str] = field(default_factory=list)
    apply: dict[str, Any] = field(default_factory=dict)
    arithmetic: str = ""  # TFBG307's lower bound, term by term (ECS-native)
    lower_bound: Fraction | None = None  # TFBG307's Estimate.minutes (ECS-native)
    task_sets: list[dict[str, Any]] = field(default_factory=list)  # EXTERNAL

    @property
    def total_minimum(self) -> Fraction | None:
        if any(stage.minimum is None for stage in self.stages):
            return None
        return sum((stage.minimum for stage in self.stages), Fraction(0))  # type: ignore[misc]

    @property
    def total_maximum_bounded(self) -> Fraction:
        """The sum of the maxima the configuration bounds (hooks, bakes, NLB delays)."""
        return sum((stage.maximum for stage in self.stages if stage.maximum is not None), Fraction(0))

    @property
    def open_ended(self) -> list[str]:
        """Stages whose maximum the configuration does not bound."""
        return [stage.name for stage in self.stages if stage.maximum is None]

    @property
    def rollback_until(self) -> tuple[Fraction | None, Fraction | None]:
        """(earliest, latest bounded) minute at which rollback stops being possible: the end of the last
        stage during which the deployment can roll back (ECS: BAKE_TIME)."""
        last = max((i for i, stage in enumerate(self.stages) if stage.rollback), default=-1)
        if last < 0:
            return None, None
        minimum = sum((s.minimum or Fraction(0) for s in self.stages[: last + 1]), Fraction(0))
        maximum = sum((s.maximum or Fraction(0) for s in self.stages[: last + 1]), Fraction(0))
        return minimum, maximum


# -- reading values ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, Resource):
        return value.address
    if isinstance(value, (Ref, Unknown)):
        return str(value)
    return str(value)


def _minutes(value: Any, default: int | None, name: str, unknown: list[str]) -> Fraction | None:
    if isinstance(value, (Ref, Unknown)):
        unknown.append(f"{name} ({value})")
        return None
    if is_absent(value):
        return Fraction(default) if default is not None else None
    number = to_number(value)
    if number is None:
        unknown.append(f"{name} ({value!r} is not a number)")
        return None
    return Fraction(str(number))


def _target_label(model: Model, value: Any) -> str:
    resolved = resolve_resource(model, value)
    if isinstance(resolved, Resource):
        return resolved.address
    if isinstance(value, Ref):
        return value.address
    return _text(value) if not is_absent(value) else ""


def _hooks(service: Resource, model: Model, timeline: Timeline) -> None:
    hooks = lifecycle_hooks(service)
    if isinstance(hooks, Unknown):
        timeline.unknown.append(f"the lifecycle hooks of {service.address} ({hooks})")
        return
    for path, hook in hooks:
        kind = hook_type(hook)
        if not isinstance(hook, dict):
            timeline.unknown.append(f"{path} of {service.address}")
            continue
        stages_value = hook.get("lifecycle_stages")
        if isinstance(stages_value, (Ref, Unknown)):
            timeline.unknown.append(f"{path}.lifecycle_stages ({stages_value})")
            stages = []
        else:
            stages = [s if isinstance(s, str) else f"(unknown: {s})" for s in (stages_value or [])]
        unknown: list[str] = []
        timeout = _minutes(service.get(f"{path}.timeout_configuration.0.timeout_in_minutes"), HOOK_DEFAULT_TIMEOUT,
                           f"{path}.timeout_configuration.0.timeout_in_minutes", unknown)
        action = service.get(f"{path}.timeout_configuration.0.action")
        if isinstance(action, (Ref, Unknown)):
            unknown.append(f"{path}.timeout_configuration.0.action ({action})")
            on_timeout = f"(unknown: {action})"
        else:
            on_timeout = HOOK_DEFAULT_ACTION if is_absent(action) else str(action)
        timeline.unknown.extend(unknown)
        notes = []
        if is_absent(service.get(f"{path}.timeout_configuration")):
            notes.append(f"timeout not set: API default {HOOK_DEFAULT_TIMEOUT} min, then {HOOK_DEFAULT_ACTION}")
        if kind == PAUSE:
            notes.append("waits for ContinueServiceDeployment (or its timeout)")
        elif kind == LAMBDA:
            notes.append("invoked again while it returns IN_PROGRESS; FAILED rolls back")
        if any(stage in ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT") for stage in stages):
            # ECS DG lambda-lifecycle-hooks.html: there is no ROLLBACK stage; these hooks run again.
            notes.append("runs again if the deployment rolls back")
        timeline.hooks.append(Hook(
            kind=kind if isinstance(kind, str) else f"(unknown: {kind})",
            target=_target_label(model, hook.get("hook_target_arn")) if kind != PAUSE else "",
            stages=stages, timeout=timeout, on_timeout=on_timeout, path=path, notes=notes,
        ))


def _attach_hooks(timeline: Timeline) -> None:
    """Each hook on every occurrence of its stages; a stage's maximum grows by its hooks' timeouts
    (hooks on one stage are summed: an upper bound whether ECS runs them one after another or not)."""
    for stage in timeline.stages:
        for index, hook in enumerate(timeline.hooks):
            if stage.name in hook.stages:
                stage.hooks.append(index)
                if stage.maximum is not None:
                    stage.maximum = None if hook.timeout is None else stage.maximum + hook.timeout


# -- ECS-native ------------------------------------------------------------------------------------


def _test_rule(service: Resource) -> Any:
    entries = load_balancers(service)
    if isinstance(entries, Unknown):
        return entries
    for entry in entries:
        if isinstance(entry.advanced, dict):
            return entry.advanced_value("test_listener_rule")
    return None


def _service_connect_test(service: Resource) -> bool:
    return not is_absent(service.get("service_connect_configuration"))


def ecs_native(service: Resource, model: Model, strategy: str) -> Timeline:
    timeline = Timeline(service.address, "ECS", strategy, service=service.address)
    config = service.get("deployment_configuration.0") or {}
    config = config if isinstance(config, dict) else {}
    nlb = uses_network_load_balancer(service, model)
    if nlb is None:
        timeline.unknown.append("whether the listener is a Network Load Balancer (+10 min per traffic shift)")
    schedule = traffic_schedule(strategy, config, nlb)
    timeline.arithmetic = schedule.estimate.arithmetic()
    timeline.lower_bound = schedule.estimate.minutes
    timeline.unknown.extend(f"{name} (counted as 0 in the minimum)" for name in schedule.estimate.unknown)
    for name, why in schedule.defaults.items():
        timeline.notes.append(f"{name} not set: {why}")
    _hooks(service, model, timeline)
    hooked = {stage for hook in timeline.hooks for stage in hook.stages}

    entries = load_balancers(service)
    headless = entries == [] and not _service_connect_test(service)
    if headless:
        timeline.notes.append("no load balancer and no Service Connect: ECS shifts no traffic (headless); "
                              "the stages still run")
    test_rule = _test_rule(service)
    if isinstance(test_rule, Unknown):
        has_test: bool | None = None
        timeline.unknown.append(f"test_listener_rule ({test_rule})")
    else:
        has_test = test_rule is not None or _service_connect_test(service)
    old_new = (Fraction(100), Fraction(0))
    for name in BEFORE_TRAFFIC:
        if name == "RECONCILE_SERVICE" and name not in hooked:
            continue  # runs only with more than one ACTIVE revision; shown when a hook waits on it
        stage = Stage(name, Fraction(0), Fraction(0) if name != "SCALE_UP" else None, old_new, None,
                      hookable=name in HOOKABLE)
        if name == "RECONCILE_SERVICE":
            stage.notes.append("runs only when a deployment starts with more than one ACTIVE service revision")
        if name == "SCALE_UP":
            grace = service.get("health_check_grace_period_seconds")
            stage.notes.append("new tasks start and pass health checks: not bounded by the configuration"
                               + (f" (health_check_grace_period_seconds {grace})" if not is_absent(grace)
                                  and not isinstance(grace, (Ref, Unknown)) else ""))
        timeline.stages.append(stage)
    _traffic_stages(timeline, schedule, has_test, headless)
    cleanup = Stage("CLEAN_UP", Fraction(0), None, (Fraction(0), Fraction(100)), timeline.stages[-1].test,
                    rollback=False)
    cleanup.notes.append("the old revision scales down and its targets drain"
                         + _deregistration(service, model))
    timeline.stages.append(cleanup)
    _attach_hooks(timeline)
    _place(timeline)
    _apply(service, timeline)
    timeline.notes.append("rolls back on: " + ", ".join(_rollback_triggers(service, timeline)))
    return timeline


def _rollback_triggers(service: Resource, timeline: Timeline) -> list[str]:
    """What can roll the deployment back while the window is open (ECS DG deployment-type-blue-green,
    deployment-alarm-failure, deployment-circuit-breaker; hooks: lambda-/pause-lifecycle-hooks)."""
    triggers = []
    breaker = is_true(service.get("deployment_circuit_breaker.0.rollback"))
    if breaker:
        triggers.append("the deployment circuit breaker (tasks failing to start)")
    elif breaker is None:
        triggers.append("the deployment circuit breaker (rollback not known statically)")
    alarms = service.get("alarms.0.alarm_names")
    rollback_alarms = is_true(service.get("alarms.0.rollback"))
    if rollback_alarms is not False and not is_absent(alarms):
        names = (f"({', '.join(alarms)})" if isinstance(alarms, list) and all(isinstance(a, str) for a in alarms)
                 else _text(alarms))
        triggers.append(f"CloudWatch alarms {names}" + ("" if rollback_alarms else ", if alarms.rollback is true"))
    if any(hook.kind == LAMBDA for hook in timeline.hooks):
        triggers.append("a Lambda hook returning FAILED")
    if any(hook.on_timeout == "ROLLBACK" for hook in timeline.hooks):
        triggers.append("a hook timing out (action ROLLBACK)")
    triggers.append("StopServiceDeployment (ROLLBACK) by hand" + (", or Ctrl-C of terraform apply (sigint_rollback)"
                                                                 if is_true(service.get("sigint_rollback")) else ""))
    return triggers


def _traffic_stages(timeline: Timeline, schedule: TrafficSchedule, has_test: bool | None, headless: bool) -> None:
    test: Fraction | None = None
    previous = Fraction(0)
    for phase in schedule.phases:
        if phase.stage == "TEST_TRAFFIC_SHIFT":
            test = Fraction(100) if has_test else None
            stage = Stage(phase.stage, phase.minimum, phase.maximum, (Fraction(100), Fraction(0)), test, hookable=True)
            if has_test is None:
                stage.notes.append("test listener rule not known statically")
            elif not has_test and not headless:
                stage.notes.append("no test_listener_rule: no test traffic")
            _note(stage, phase.note)
            timeline.stages.append(stage)
            timeline.stages.append(Stage("POST_TEST_TRAFFIC_SHIFT", Fraction(0), Fraction(0),
                                         (Fraction(100), Fraction(0)), test, hookable=True))
        elif phase.stage == "PRODUCTION_TRAFFIC_SHIFT":
            before = (Fraction(100) - previous, previous)
            timeline.stages.append(Stage("PRE_PRODUCTION_TRAFFIC_SHIFT", Fraction(0), Fraction(0), before, test,
                                         step=phase.step, hookable=True))
            weights = None if phase.production is None else (Fraction(100) - phase.production, phase.production)
            stage = Stage(phase.stage, phase.minimum, phase.maximum, weights, test, step=phase.step, hookable=True)
            if phase.production is None:
                stage.notes.append("traffic share of this step not known statically")
            _note(stage, phase.note)
            timeline.stages.append(stage)
            if phase.production is not None:
                previous = phase.production
        elif phase.stage == "STEP_BAKE":
            weights = None if phase.production is None else (Fraction(100) - phase.production, phase.production)
            stage = Stage("STEP_BAKE", phase.minimum, phase.maximum, weights, test, step=phase.step)
            _note(stage, phase.note)
            timeline.stages.append(stage)
        elif phase.stage == "BAKE_TIME":
            timeline.stages.append(Stage("POST_PRODUCTION_TRAFFIC_SHIFT", Fraction(0), Fraction(0),
                                         (Fraction(0), Fraction(100)), test, hookable=True))
            stage = Stage("BAKE_TIME", phase.minimum, phase.maximum, (Fraction(0), Fraction(100)), test)
            stage.notes.append("old and new revisions both run; rollback is still possible until it ends")
            timeline.stages.append(stage)


def _note(stage: Stage, note: str) -> None:
    if note:
        stage.notes.append(note)


def _deregistration(service: Resource, model: Model) -> str:
    entries = load_balancers(service)
    if isinstance(entries, Unknown) or not entries:
        return ""
    delays = []
    for entry in entries:
        group = resolve_resource(model, entry.target_group)
        if isinstance(group, Resource):
            delay = group.get("deregistration_delay")
            delays.append("300 s (default)" if is_absent(delay) else f"{delay} s")
    return f" (target group deregistration_delay {', '.join(sorted(set(delays)))})" if delays else ""


def _place(timeline: Timeline) -> None:
    start = Fraction(0)
    for stage in timeline.stages:
        stage.start = start
        start += stage.minimum or Fraction(0)


def _apply(service: Resource, timeline: Timeline) -> None:
    """terraform apply's wait against the deployment (service.go: wait_for_steady_state waits for the
    deployment to succeed, bounded by timeouts.update, default 20 min)."""
    wait = is_true(service.get("wait_for_steady_state"))
    timeout, path = update_timeout(service)
    apply: dict[str, Any] = {"wait_for_steady_state": wait}
    if isinstance(timeout, Unknown):
        apply["timeout_minutes"] = None
    elif timeout is not None:
        apply["timeout_minutes"] = timeout
        apply["timeout_source"] = "timeouts.update" if path else "provider default"
    minimum = timeline.total_minimum
    bounded = timeline.total_maximum_bounded
    open_ended = ", ".join(dict.fromkeys(timeline.open_ended))
    pauses = any(hook.kind == PAUSE for hook in timeline.hooks)
    if wait is False:
        verdict, text = "no-wait", ("wait_for_steady_state is false: terraform apply returns once ECS accepts the "
                                    "update; the deployment goes on without it")
    elif wait is None:
        verdict, text = "unknown", "wait_for_steady_state is not known statically"
    elif isinstance(timeout, Unknown) or timeout is None:
        verdict, text = "unknown", "timeouts.update is not known statically"
    elif minimum is not None and minimum >= timeout:
        verdict, text = "times-out", (f"terraform apply times out: the deployment takes at least {fmt_minutes(minimum)} min "
                                      f">= {fmt_minutes(timeout)} min (TFBG307)")
    elif pauses:
        verdict, text = "blocks", ("a PAUSE hook holds the deployment until someone continues it: terraform apply "
                                   f"waits with it and fails after {fmt_minutes(timeout)} min (TFBG306)")
    elif bounded < timeout:
        verdict, text = "fits", (f"fits if {open_ended or 'the unbounded stages'} take less than "
                                 f"{fmt_minutes(timeout - bounded)} min together "
                                 f"({fmt_minutes(timeout)} min timeout - {fmt_minutes(bounded)} min bounded maximum)")
    else:
        verdict, text = "may-time-out", (f"may time out: hook timeouts and bakes allow {fmt_minutes(bounded)} min "
                                         f"(+ {open_ended}) >= {fmt_minutes(timeout)} min timeout; it fits only "
                                         "when the hooks answer sooner")
    apply["verdict"], apply["text"] = verdict, text
    timeline.apply = apply


# -- CodeDeploy ------------------------------------------------------------------------------------


def _routing(group: Resource, model: Model, timeline: Timeline) -> tuple[str, Any, Any]:
    """(type, percentage, interval minutes) of the group's deployment configuration."""
    name = group.get("deployment_config_name")
    if is_absent(name):
        timeline.notes.append("deployment_config_name not set: CodeDeployDefault.OneAtATime, not an ECS "
                              "configuration (TFBG504)")
        return "(not an ECS configuration)", None, None
    if isinstance(name, str) and name in CODEDEPLOY_PREDEFINED:
        kind, percent, interval = CODEDEPLOY_PREDEFINED[name]
        timeline.notes.append(f"{name}: predefined configuration")
        return kind, percent, interval
    config = named(model, ("aws_codedeploy_deployment_config",), name, "deployment_config_name")
    if not isinstance(config, Resource):
        timeline.unknown.append(f"deployment_config_name {_text(name)} (not a predefined ECS configuration nor "
                                "an aws_codedeploy_deployment_config of this configuration)")
        return "(unknown)", None, None
    timeline.notes.append(f"deployment configuration {config.address}")
    kind = config.get("traffic_routing_config.0.type")
    if isinstance(kind, (Ref, Unknown)) or is_absent(kind):
        if is_absent(kind):
            return "AllAtOnce", None, None  # provider default for traffic_routing_config.type
        timeline.unknown.append(f"{config.address} traffic_routing_config.type")
        return "(unknown)", None, None
    block = {"TimeBasedLinear": "time_based_linear", "TimeBasedCanary": "time_based_canary"}.get(kind)
    if block is None:
        return str(kind), None, None
    percent, interval = config.get(f"traffic_routing_config.0.{block}.0.percentage"), config.get(
        f"traffic_routing_config.0.{block}.0.interval")
    for label, value in (("percentage", percent), ("interval", interval)):
        if isinstance(value, (Ref, Unknown)) or is_absent(value):
            timeline.unknown.append(f"{config.address} {block}.{label}")
    return str(kind), percent, interval


def codedeploy(group: Resource, model: Model) -> Timeline:
    service = group_service(group, model)
    timeline = Timeline(group.address, "CODE_DEPLOY", "", service=_text(service) if service is not None else "")
    kind, percent, interval = _routing(group, model, timeline)
    timeline.strategy = kind
    has_test = group.get("load_balancer_info.0.target_group_pair_info.0.test_traffic_route")
    test_on = Fraction(100) if not is_absent(has_test) else None
    old_new = (Fraction(100), Fraction(0))
    appspec_hooks_found, appspec_files = appspec_hooks(model)
    if appspec_files:
        timeline.notes.append("AppSpec hooks read from " + ", ".join(str(p) for p in appspec_files)
                              + " (each deployment's own AppSpec decides)")

    def event(name: str, rollback: bool = True, maximum: Fraction | None = Fraction(0), test=None,
              weights=old_new, note: str = "", hookable: bool = False) -> Stage:
        stage = Stage(name, Fraction(0), maximum, weights, test, rollback=rollback, hookable=hookable)
        if hookable and name in appspec_hooks_found:
            timeline.hooks.append(_appspec_hook(model, name, appspec_hooks_found[name]))
            stage.hooks.append(len(timeline.hooks) - 1)
            stage.maximum = None  # a Lambda hook holds the event until it reports its status
        elif hookable:
            stage.notes.append("no AppSpec hook found" if appspec_files else
                               "AppSpec hook: in each deployment's AppSpec, not in Terraform (no appspec file found)")
        if note:
            stage.notes.append(note)
        timeline.stages.append(stage)
        return stage

    event("BeforeInstall", rollback=False, hookable=True, note="a rollback is not possible yet")
    event("Install", maximum=None, note="the replacement task set starts: not bounded by the configuration")
    event("AfterInstall", hookable=True)
    event("AllowTestTraffic", test=test_on, note="" if test_on is not None else "no test_traffic_route: no test traffic")
    event("AfterAllowTestTraffic", test=test_on, hookable=True)
    ready = group.get("blue_green_deployment_config.0.deployment_ready_option.0")
    if isinstance(ready, dict) and ready.get("action_on_timeout") == "STOP_DEPLOYMENT":
        wait = _minutes(ready.get("wait_time_in_minutes"), 0, "deployment_ready_option.wait_time_in_minutes",
                        timeline.unknown)
        event("WaitForReroute", maximum=wait, test=test_on,
              note="STOP_DEPLOYMENT: waits for someone to continue the deployment (ContinueDeployment); "
                   "the deployment stops if nobody does in time")
    event("BeforeAllowTraffic", test=test_on, hookable=True)
    _codedeploy_traffic(timeline, kind, percent, interval, test_on)
    event("AfterAllowTraffic", test=test_on, weights=(Fraction(0), Fraction(100)), hookable=True)
    _termination(group, timeline, test_on)
    rollback = group.get("auto_rollback_configuration.0.enabled")
    timeline.notes.append("automatic rollback: " + ("on" if is_true(rollback) else "off" if is_true(rollback) is False
                                                     else "not known statically"))
    _place(timeline)
    timeline.apply = {"wait_for_steady_state": None, "timeout_minutes": None, "verdict": "not-applied",
                      "text": "terraform apply does not run CodeDeploy deployments: they start outside Terraform "
                              "(CreateDeployment with an AppSpec)"}
    return timeline


def appspec_hooks(model: Model) -> tuple[dict[str, str], list[Path]]:
    """AppSpec hooks from appspec files beside a configuration directory (insight/appspec.py); a plan
    has no directory to look beside."""
    if model.kind != "hcl" or not model.files:
        return {}, []
    from insight.appspec import hooks_in

    root = Path(os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in model.files]))
    hooks, files = hooks_in(root)
    return hooks, [p.relative_to(root) if p.is_relative_to(root) else p for p in files]


def _appspec_hook(model: Model, event: str, function: str) -> Hook:
    """A CodeDeploy AppSpec hook: a Lambda function CodeDeploy invokes, which must report back with
    PutLifecycleEventHookExecutionStatus (CodeDeploy UG reference-appspec-file-structure-hooks)."""
    target = next((f.address for f in model.by_type("aws_lambda_function") if f.get("function_name") == function),
                  function)
    return Hook(kind="APPSPEC", target=target, stages=[event], timeout=None,
                on_timeout="the deployment fails (rolled back with auto rollback on DEPLOYMENT_FAILURE)",
                notes=["reports Succeeded or Failed with PutLifecycleEventHookExecutionStatus; Failed fails the "
                       "deployment"])


def _codedeploy_traffic(timeline: Timeline, kind: str, percent: Any, interval: Any, test: Fraction | None) -> None:
    """AllowTraffic laid out by the shared schedule arithmetic: a linear configuration shifts `percentage`
    every `interval` minutes as ECS LINEAR does with step_bake; a canary waits `interval` after its step."""
    strategy = {"TimeBasedLinear": "LINEAR", "TimeBasedCanary": "CANARY"}.get(kind)
    if strategy is None:
        weights = (Fraction(0), Fraction(100)) if kind == "AllAtOnce" else None
        stage = Stage("AllowTraffic", Fraction(0), Fraction(0), weights, test)
        if weights is None:
            stage.notes.append("traffic routing not known statically")
        timeline.stages.append(stage)
        return
    block = "linear_configuration" if strategy == "LINEAR" else "canary_configuration"
    keys = ("step_percent", "step_bake_time_in_minutes") if strategy == "LINEAR" else (
        "canary_percent", "canary_bake_time_in_minutes")
    config = {"bake_time_in_minutes": 0, block: [{keys[0]: percent if percent is not None else Unknown("percentage"),
                                                  keys[1]: interval if interval is not None else Unknown("interval")}]}
    schedule = traffic_schedule(strategy, config, nlb=False)
    for phase in schedule.phases:
        if phase.stage not in ("PRODUCTION_TRAFFIC_SHIFT", "STEP_BAKE"):
            continue
        weights = None if phase.production is None else (Fraction(100) - phase.production, phase.production)
        name = "AllowTraffic" if phase.stage == "PRODUCTION_TRAFFIC_SHIFT" else "TrafficInterval"
        maximum = phase.maximum if phase.stage == "PRODUCTION_TRAFFIC_SHIFT" or not schedule.estimate.unknown else None
        minimum = phase.minimum if not (phase.stage == "STEP_BAKE" and schedule.estimate.unknown) else None
        stage = Stage(name, minimum, maximum, weights, test, step=phase.step)
        if name == "TrafficInterval":
            stage.notes.append(f"interval {interval} min before the next shift" if not isinstance(interval, (Ref, Unknown))
                               else "interval not known statically")
        timeline.stages.append(stage)


def _termination(group: Resource, timeline: Timeline, test: Fraction | None) -> None:
    block = group.get("blue_green_deployment_config.0.terminate_blue_instances_on_deployment_success.0")
    action = block.get("action") if isinstance(block, dict) else None
    done = (Fraction(0), Fraction(100))
    if action == "KEEP_ALIVE":
        stage = Stage("KeepOriginal", Fraction(0), None, done, test, rollback=False)
        stage.notes.append("KEEP_ALIVE: the original task set keeps running until removed by hand")
    else:
        wait = _minutes(block.get("termination_wait_time_in_minutes") if isinstance(block, dict) else None, 0,
                        "termination_wait_time_in_minutes", timeline.unknown)
        stage = Stage("TerminationWait", wait, wait, done, test)
        stage.notes.append("the original task set stays up this long after traffic moved: rollback until it ends")
    timeline.stages.append(stage)
    timeline.stages.append(Stage("End", Fraction(0), Fraction(0), done, test, rollback=False))


# -- EXTERNAL --------------------------------------------------------------------------------------


def external(service: Resource, model: Model) -> Timeline:
    timeline = Timeline(service.address, "EXTERNAL", "EXTERNAL", service=service.address)
    timeline.notes.append("an external controller (e.g. PipeCD, your pipeline) owns the stages and their timing; "
                          "Terraform declares the service shell, task sets and listener weights")
    for task_set in model.by_type("aws_ecs_task_set"):
        if same_object(model, task_set.get("service"), Ref(service.address, "id")) is not True and \
                resolve_resource(model, task_set.get("service")) is not service:
            continue
        unknown: list[str] = []
        scale = task_set.get("scale.0.value")
        wait = is_true(task_set.get("wait_until_stable"))
        timeout = task_set.get("wait_until_stable_timeout")
        groups = []
        for entry in task_set.get("load_balancer") or []:
            if isinstance(entry, dict):
                groups.append(_target_label(model, entry.get("target_group_arn")))
        timeline.task_sets.append({
            "address": task_set.address,
            "external_id": _text(task_set.get("external_id")) if not is_absent(task_set.get("external_id")) else None,
            "scale_percent": float(scale) if to_number(scale) is not None else None,
            "target_groups": groups,
            "weights": _declared_weights(model, groups),
            "wait_until_stable": wait,
            "wait_until_stable_timeout": "10m (default)" if is_absent(timeout) else _text(timeout),
        })
        if to_number(scale) is None:
            unknown.append(f"{task_set.address} scale ({_text(scale) if not is_absent(scale) else 'computed'})")
        timeline.unknown.extend(unknown)
    if not timeline.task_sets:
        timeline.notes.append("no aws_ecs_task_set in this configuration names this service")
    timeline.apply = {"wait_for_steady_state": None, "timeout_minutes": None, "verdict": "external",
                      "text": "terraform apply waits only for task sets with wait_until_stable = true "
                              "(wait_until_stable_timeout, default 10m each)"}
    return timeline


def _declared_weights(model: Model, groups: list[str]) -> list[dict[str, Any]]:
    """Weights the configuration's listeners and rules declare for these target groups."""
    found = []
    for resource in model.by_type(*LISTENER_RULE_TYPES, *LISTENER_TYPES):
        forwards = forward_targets(resource)
        for target in forwards.targets:
            label = _target_label(model, target.arn)
            if label in groups:
                found.append({"from": resource.address, "target_group": label,
                              "weight": _text(target.weight) if target.weight is not None else "100 (only target)"})
    return found


# -- entry point -----------------------------------------------------------------------------------


def timelines(model: Model, service_filter: str | None = None) -> list[Timeline]:
    """A timeline per ECS service (and per ECS CodeDeploy deployment group), in model order."""
    result: list[Timeline] = []
    groups = [g for g in model.by_type(DEPLOYMENT_GROUP) if is_ecs_group(g, model)]
    grouped: set[str] = set()
    for service in model.by_type("aws_ecs_service"):
        if service.mode != "managed":
            continue
        controller = controller_of(service)
        if controller == "CODE_DEPLOY":
            mine = [g for g in groups if group_service(g, model) is service]
            grouped.update(g.address for g in mine)
            if not mine:
                timeline = Timeline(service.address, "CODE_DEPLOY", "(no deployment group found)",
                                    service=service.address)
                timeline.notes.append("no aws_codedeploy_deployment_group of this configuration names this service")
                result.append(timeline)
            result.extend(codedeploy(g, model) for g in mine)
        elif controller == "EXTERNAL":
            result.append(external(service, model))
        elif isinstance(controller, (Ref, Unknown)):
            timeline = Timeline(service.address, "unknown", "(unknown)", service=service.address)
            timeline.unknown.append(f"deployment_controller.type ({controller})")
            result.append(timeline)
        else:
            strategy = strategy_of(service)
            if isinstance(strategy, (Ref, Unknown)):
                timeline = Timeline(service.address, "unknown", "(unknown)", service=service.address)
                timeline.unknown.append(f"deployment_configuration.strategy ({strategy})")
                result.append(timeline)
            elif strategy in ("BLUE_GREEN", "LINEAR", "CANARY"):
                result.append(ecs_native(service, model, strategy))
            else:
                timeline = Timeline(service.address, "ROLLING", strategy or "ROLLING", service=service.address)
                timeline.notes.append("a rolling update: no blue/green stages, no traffic shifting")
                result.append(timeline)
    for group in groups:
        if group.address not in grouped and not any(t.address == group.address for t in result):
            result.append(codedeploy(group, model))
    if service_filter:
        result = [t for t in result if service_filter in (t.address, t.service)]
    return result


# -- JSON (shape documented in docs/insight.md) ---------------------------------------------------


def number(value: Fraction | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


def to_json(timelines_: list[Timeline]) -> dict[str, Any]:
    return {"version": 1, "timelines": [_timeline_json(t) for t in timelines_]}


def _timeline_json(timeline: Timeline) -> dict[str, Any]:
    until_min, until_max = timeline.rollback_until
    apply = {key: number(value) if isinstance(value, Fraction) else value for key, value in timeline.apply.items()}
    return {
        "address": timeline.address,
        "owner": timeline.owner,
        "strategy": timeline.strategy,
        "service": timeline.service,
        "stages": [
            {
                "name": stage.name,
                "step": stage.step,
                "start": number(stage.start),
                "minimum": number(stage.minimum),
                "maximum": number(stage.maximum),
                "production": None if stage.production is None else
                {"old": number(stage.production[0]), "new": number(stage.production[1])},
                "test_new": number(stage.test),
                "rollback_possible": stage.rollback,
                "hookable": stage.hookable,
                "hooks": stage.hooks,
                "notes": stage.notes,
            }
            for stage in timeline.stages
        ],
        "hooks": [
            {"kind": hook.kind, "target": hook.target, "stages": hook.stages, "timeout_minutes": number(hook.timeout),
             "on_timeout": hook.on_timeout, "path": hook.path, "notes": hook.notes}
            for hook in timeline.hooks
        ],
        "total": {
            "minimum": number(timeline.total_minimum) if timeline.stages else None,
            "maximum_bounded": number(timeline.total_maximum_bounded) if timeline.stages else None,
            "open_ended": list(dict.fromkeys(timeline.open_ended)),
            "lower_bound": number(timeline.lower_bound),
            "arithmetic": timeline.arithmetic,
        },
        "rollback_window": {"until_minimum": number(until_min), "until_maximum_bounded": number(until_max)}
        if timeline.stages else None,
        "apply": apply,
        "task_sets": timeline.task_sets,
        "unknown": list(dict.fromkeys(timeline.unknown)),
        "notes": timeline.notes,
    }
