"""Group C, ids TFBG3xx: Lifecycle hooks (catalogue R-31..R-39).

R-39 (TFBG309: what a Lambda hook function returns) needs the function's code, which a Terraform
configuration does not contain; it is out of static scope and its id stays free.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent, to_number
from validator.rules.base import Rule
from validator.rules.helpers import (
    controller_of,
    is_non_rolling,
    is_true,
    load_balancers,
    shifted_lb_type,
    strategy_of,
    unresolved,
)

SERVICE = ("aws_ecs_service",)
HOOKS = "deployment_configuration.0.lifecycle_hook"
LAMBDA, PAUSE = "AWS_LAMBDA", "PAUSE"
TRAFFIC_SHIFT_STAGES = ("TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")
ECS_DG = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
HOOK_API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html"


def lifecycle_hooks(service: Resource) -> list[tuple[str, Any]] | Unknown:
    """(path, hook) for each lifecycle hook of a service, or Unknown when the set is not known."""
    value = service.get(HOOKS)
    if isinstance(value, (Ref, Unknown)):
        return Unknown(f"lifecycle_hook blocks of {service.address}")
    if is_absent(value):
        return []
    if not isinstance(value, list):
        return Unknown(f"lifecycle_hook blocks of {service.address}")
    return [(f"{HOOKS}.{index}", hook) for index, hook in enumerate(value)]


def hook_type(hook: Any) -> str | Unknown:
    """The hook's target_type; the API default is AWS_LAMBDA."""
    if not isinstance(hook, dict):
        return Unknown("lifecycle_hook")
    value = hook.get("target_type")
    if isinstance(value, (Ref, Unknown)):
        return Unknown("target_type")
    return LAMBDA if is_absent(value) else str(value)


def known_hooks(service: Resource) -> tuple[list[tuple[str, dict, str]], bool]:
    """Hooks whose dict and target_type are known, as (path, hook, type); and whether any is not."""
    hooks = lifecycle_hooks(service)
    if isinstance(hooks, Unknown):
        return [], True
    result, unknown = [], False
    for path, hook in hooks:
        kind = hook_type(hook)
        if isinstance(kind, Unknown):
            unknown = True
        else:
            result.append((path, hook, kind))
    return result, unknown


MERGED_HOOK_FIX = {
    LAMBDA: 'lifecycle_hook {\n  hook_target_arn  = aws_lambda_function.hook.arn\n'
            '  role_arn         = aws_iam_role.ecs_hook.arn\n'
            '  lifecycle_stages = ["POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT"]\n}',
    PAUSE: 'lifecycle_hook {\n  target_type      = "PAUSE"\n'
           '  lifecycle_stages = ["POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT"]\n}',
}


class TooManyHooks(Rule):
    id = "TFBG301"
    severity = Severity.ERROR
    summary = "more than 10 Lambda hooks or more than 10 pause hooks on one service"
    resource_types = SERVICE
    source = ECS_DG + "pause-lifecycle-hooks.html"
    LIMIT = 10

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks, unknown = known_hooks(resource)
        reported = False
        for kind in (LAMBDA, PAUSE):
            # lifecycle_hook is a set: identical blocks collapse into one hook.
            distinct: dict[str, str] = {}
            for path, hook, hook_kind in hooks:
                if hook_kind == kind:
                    distinct.setdefault(repr(sorted(hook.items(), key=lambda item: item[0])), path)
            of_kind = list(distinct.values())
            if len(of_kind) > self.LIMIT:
                reported = True
                yield self.finding(
                    resource,
                    f"{resource.address} has {len(of_kind)} {kind} lifecycle hooks; ECS allows at most "
                    f"{self.LIMIT} {kind} hooks per service. Merge hooks (one hook may list several "
                    "lifecycle_stages) until at most 10 remain.",
                    path=of_kind[self.LIMIT],
                    fix=MERGED_HOOK_FIX[kind],
                )
        if unknown and not reported:
            yield self.unproven(resource, f"the lifecycle hooks of {resource.address} (their number or "
                                "target_type) are not known statically", path="deployment_configuration.0")


class PauseHookOnTrafficShift(Rule):
    id = "TFBG302"
    severity = Severity.ERROR
    summary = "PAUSE hook on TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT"
    resource_types = SERVICE
    source = HOOK_API + "; " + ECS_DG + "troubleshooting-blue-green.html (\"Invalid lifecycle stage provided for Pause Hook\")"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks, _ = known_hooks(resource)
        for path, hook, kind in hooks:
            if kind != PAUSE:
                continue
            stages = hook.get("lifecycle_stages")
            bad = [stage for stage in _list(stages) if stage in TRAFFIC_SHIFT_STAGES]
            if not bad and (unresolved(stages) or any(unresolved(stage) for stage in _list(stages))):
                yield self.unproven(resource, f"lifecycle_stages of the PAUSE hook {path} in {resource.address} "
                                    "are not known statically", path=f"{path}.lifecycle_stages")
            elif bad:
                yield self.finding(
                    resource,
                    f"{resource.address} has a PAUSE lifecycle hook on {', '.join(bad)}; pause hooks cannot "
                    "run on TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT (ECS: \"Invalid lifecycle stage "
                    "provided for Pause Hook\"). Move the pause to POST_TEST_TRAFFIC_SHIFT or "
                    "PRE_PRODUCTION_TRAFFIC_SHIFT.",
                    path=f"{path}.lifecycle_stages",
                    fix='lifecycle_stages = ["POST_TEST_TRAFFIC_SHIFT"]',
                )
        # Hooks that are not known statically are reported once, by TFBG301.


class HookTimeoutConfiguration(Rule):
    id = "TFBG303"
    severity = Severity.ERROR
    summary = "lifecycle hook timeout_in_minutes outside 1-20160 (PAUSE) / 1-1440 (AWS_LAMBDA), or an invalid action"
    resource_types = SERVICE
    source = ECS_DG + "pause-lifecycle-hooks.html; " + ECS_DG + "lambda-lifecycle-hooks.html"
    MAXIMUM = {PAUSE: 20160, LAMBDA: 1440}

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks = lifecycle_hooks(resource)
        if isinstance(hooks, Unknown):
            return  # TFBG301 reports the unknown hook set once
        for path, hook in hooks:
            if not isinstance(hook, dict):
                continue
            config_path = f"{path}.timeout_configuration.0"
            minutes = resource.get(f"{config_path}.timeout_in_minutes")
            action = resource.get(f"{config_path}.action")
            kind = hook_type(hook)
            if isinstance(minutes, (Ref, Unknown)) or isinstance(action, (Ref, Unknown)):
                yield self.unproven(resource, f"timeout_configuration of {path} in {resource.address} is not "
                                    "known statically", path=config_path)
            if not is_absent(minutes) and not unresolved(minutes):
                yield from self._check_minutes(resource, path, kind, minutes)
            if not is_absent(action) and not isinstance(action, (Ref, Unknown)) and action not in ("ROLLBACK", "CONTINUE"):
                yield self.finding(
                    resource,
                    f"{resource.address} hook timeout_configuration.action = {action!r}; ECS accepts ROLLBACK "
                    "or CONTINUE. Use one of them.",
                    path=f"{config_path}.action",
                    fix='action = "ROLLBACK"',
                )


    def _check_minutes(self, resource: Resource, path: str, kind: str | Unknown, minutes: Any) -> Iterator[Finding]:
        number = to_number(minutes)
        accepted_by = [
            name for name, maximum in self.MAXIMUM.items()
            if number is not None and number == int(number) and 1 <= number <= maximum
        ]
        at = f"{path}.timeout_configuration.0.timeout_in_minutes"
        if isinstance(kind, Unknown):
            if not accepted_by:
                ranges = ", ".join(f"{name}: 1 to {maximum}" for name, maximum in self.MAXIMUM.items())
                yield self.finding(
                    resource,
                    f"{resource.address} hook timeout_in_minutes = {minutes}; no lifecycle hook accepts it ({ranges} "
                    "minutes). Set timeout_in_minutes in the range of the hook's target_type.",
                    path=at,
                    fix="timeout_in_minutes = 60",
                )
            elif len(accepted_by) < len(self.MAXIMUM):
                yield self.unproven(resource, f"the target_type of {path} in {resource.address} is not known, and "
                                    f"timeout_in_minutes = {minutes} is valid only for {' and '.join(accepted_by)}",
                                    path=at)
            return
        maximum = self.MAXIMUM.get(kind, self.MAXIMUM[LAMBDA])
        if number is None or not (1 <= number <= maximum) or number != int(number):
            yield self.finding(
                resource,
                f"{resource.address} {kind} hook timeout_in_minutes = {minutes}; {_article(kind)} {kind} hook "
                f"times out after 1 to {maximum} minutes. Set timeout_in_minutes in that range.",
                path=at,
                fix=f"timeout_in_minutes = {min(maximum, 60)}",
            )


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"


LAMBDA_TARGET_FIX = {
    "hook_target_arn": "hook_target_arn = aws_lambda_function.hook.arn",
    "role_arn": "role_arn        = aws_iam_role.ecs_hook.arn",
}


class LambdaHookMissingTarget(Rule):
    id = "TFBG304"
    severity = Severity.ERROR
    summary = "AWS_LAMBDA lifecycle hook without hook_target_arn or role_arn"
    resource_types = SERVICE
    source = HOOK_API + " (\"You must provide this parameter when configuring an AWS_LAMBDA lifecycle hook\"); PR #48128"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks, _ = known_hooks(resource)
        for path, hook, kind in hooks:
            if kind != LAMBDA:
                continue
            missing = [name for name in ("hook_target_arn", "role_arn") if is_absent(hook.get(name))]
            if missing:
                yield self.finding(
                    resource,
                    f"{resource.address} has an AWS_LAMBDA lifecycle hook without {' and '.join(missing)}; ECS "
                    f"needs the Lambda function ARN and the role it assumes to invoke it. Set {' and '.join(missing)} "
                    "(or make the hook target_type = \"PAUSE\").",
                    path=path,
                    fix="\n".join(LAMBDA_TARGET_FIX[name] for name in missing),
                )


class PauseHookWithLambdaSettings(Rule):
    id = "TFBG305"
    severity = Severity.WARNING
    summary = "PAUSE hook with hook_target_arn, role_arn or hook_details (ignored)"
    resource_types = SERVICE
    source = HOOK_API + "; " + ECS_DG + "pause-lifecycle-hooks.html"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks, _ = known_hooks(resource)
        for path, hook, kind in hooks:
            if kind != PAUSE:
                continue
            present = [name for name in ("hook_target_arn", "role_arn", "hook_details") if not is_absent(hook.get(name))]
            if present:
                yield self.finding(
                    resource,
                    f"{resource.address} has a PAUSE lifecycle hook that sets {', '.join(present)}; pause hooks "
                    "invoke nothing, so ECS ignores them. Remove them, or use target_type = \"AWS_LAMBDA\" if a "
                    "function should run.",
                    path=f"{path}.{present[0]}",
                    fix=f"# remove {', '.join(present)} from the PAUSE hook\n" + _pause_hook_hcl(hook),
                )


def _pause_hook_hcl(hook: dict) -> str:
    stages = [stage for stage in _list(hook.get("lifecycle_stages")) if isinstance(stage, str)] or ["POST_SCALE_UP"]
    listed = ", ".join(f'"{stage}"' for stage in stages)
    return f'lifecycle_hook {{\n  target_type      = "PAUSE"\n  lifecycle_stages = [{listed}]\n}}'


class PauseHookBlocksApply(Rule):
    id = "TFBG306"
    severity = Severity.WARNING
    summary = "PAUSE hook with wait_for_steady_state = true: apply blocks until someone continues the deployment"
    resource_types = SERVICE
    source = ECS_DG + "pause-lifecycle-hooks.html; kayac/ecspresso PR #1068 [reported]; service.go waiter [inferred]"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks, unknown = known_hooks(resource)
        pauses = [(path, hook) for path, hook, kind in hooks if kind == PAUSE]
        wait = is_true(resource.get("wait_for_steady_state"))
        if wait is False:
            return
        if not pauses:
            if unknown and wait:
                yield self.unproven(resource, f"whether {resource.address} has PAUSE hooks is not known statically "
                                    "(with wait_for_steady_state = true they would block the apply)",
                                    path="wait_for_steady_state")
            return
        if wait is None:
            yield self.unproven(resource, f"{resource.address} has PAUSE hooks and wait_for_steady_state is not "
                                "known statically", path="wait_for_steady_state")
            return
        stages = sorted({stage for _, hook in pauses for stage in _list(hook.get("lifecycle_stages"))
                         if isinstance(stage, str)})
        yield self.finding(
            resource,
            f"{resource.address} has wait_for_steady_state = true and PAUSE lifecycle hooks "
            f"({', '.join(stages) or 'stages unknown'}): terraform apply waits until someone calls "
            "ContinueServiceDeployment or the hook times out (default 1440 minutes), and then fails on "
            "timeouts.update. Set wait_for_steady_state = false, or continue deployments from a pipeline step "
            "outside Terraform.",
            path="wait_for_steady_state",
            fix="wait_for_steady_state = false",
        )


# ----- estimated deployment time vs timeouts.update -------------------------------------------

DEFAULT_UPDATE_TIMEOUT_MINUTES = 20  # service.go: schema.DefaultTimeout(20 * time.Minute)
NLB_DELAY_MINUTES = 10  # ECS DG nlb-resources-for-blue-green.html: per TEST_/PRODUCTION_TRAFFIC_SHIFT
LINEAR_DEFAULTS = (10.0, 6)  # API_LinearConfiguration: stepPercent, stepBakeTimeInMinutes
CANARY_DEFAULTS = (5.0, 10)  # API_CanaryConfiguration: canaryPercent, canaryBakeTimeInMinutes

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(h|m|s|ms|us|µs|ns)")
_UNIT_MINUTES = {"h": Fraction(60), "m": Fraction(1), "s": Fraction(1, 60), "ms": Fraction(1, 60_000),
                 "us": Fraction(1, 60_000_000), "µs": Fraction(1, 60_000_000), "ns": Fraction(1, 60_000_000_000)}


def duration_minutes(text: str) -> Fraction | None:
    """Minutes in a Go duration string as Terraform timeouts take it ("60m", "1h30m", "90s"); None if invalid."""
    text = text.strip()
    if not text or text == "0":
        return Fraction(0) if text == "0" else None
    position, total = 0, Fraction(0)
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += Fraction(match.group(1)) * _UNIT_MINUTES[match.group(2)]
        position = match.end()
    return total if position == len(text) else None


@dataclass
class Estimate:
    """A lower bound of one deployment's duration, with each term explained."""

    terms: list[tuple[Fraction, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # inputs that could only make it longer

    def add(self, minutes: Fraction | int | float, why: str) -> None:
        self.terms.append((Fraction(str(minutes)) if isinstance(minutes, float) else Fraction(minutes), why))

    @property
    def minutes(self) -> Fraction:
        return sum((minutes for minutes, _ in self.terms), Fraction(0))

    def arithmetic(self) -> str:
        shown = " + ".join(f"{_fmt(minutes)} ({why})" for minutes, why in self.terms) or "0"
        return f"{shown} = {_fmt(self.minutes)} min"


def _fmt(value: Fraction) -> str:
    return str(int(value)) if value.denominator == 1 else f"{float(value):g}"


def _minutes_value(value: Any, default: int | None, name: str, estimate: Estimate) -> Fraction:
    if isinstance(value, (Ref, Unknown)):
        estimate.unknown.append(name)
        return Fraction(0)
    number = to_number(value)
    if number is None:
        return Fraction(default or 0)
    return Fraction(str(number))


def estimate_deployment(strategy: str, config: dict, nlb: bool | None) -> Estimate:
    """Lower bound of a deployment's duration, per catalogue R-37.

    bake_time_in_minutes + (LINEAR: (ceil(100 / step_percent) - 1) x step_bake_time_in_minutes, since the
    step bake is not applied after traffic reaches 100%) or (CANARY: canary_bake_time_in_minutes)
    + with an NLB, 10 minutes per TEST_TRAFFIC_SHIFT and per PRODUCTION_TRAFFIC_SHIFT (which recurs once per
    traffic step). Hook waits, scale-up and health checks only add to it.
    """
    estimate = Estimate()
    bake = config.get("bake_time_in_minutes")
    if is_absent(bake):
        estimate.add(0, "bake_time_in_minutes not set")
    else:
        estimate.add(_minutes_value(bake, 0, "bake_time_in_minutes", estimate), "bake_time_in_minutes")
    production_shifts = 1
    if strategy == "LINEAR":
        linear = _first(config.get("linear_configuration"))
        step_value = linear.get("step_percent") if isinstance(linear, dict) else None
        bake_value = linear.get("step_bake_time_in_minutes") if isinstance(linear, dict) else None
        if isinstance(step_value, (Ref, Unknown)):
            estimate.unknown.append("step_percent")
            step = None
        else:
            step = to_number(step_value) if not is_absent(step_value) else LINEAR_DEFAULTS[0]
        step_bake = _minutes_value(bake_value, LINEAR_DEFAULTS[1], "step_bake_time_in_minutes", estimate)
        if step and step > 0:
            steps = math.ceil(Fraction(100) / Fraction(str(step)))
            production_shifts = steps
            defaults = "" if isinstance(linear, dict) else ", API defaults"
            estimate.add(
                (steps - 1) * step_bake,
                f"LINEAR: (ceil(100/{step:g}) - 1) = {steps - 1} steps x step_bake_time_in_minutes "
                f"{_fmt(step_bake)}{defaults}",
            )
    elif strategy == "CANARY":
        canary = _first(config.get("canary_configuration"))
        percent_value = canary.get("canary_percent") if isinstance(canary, dict) else None
        bake_value = canary.get("canary_bake_time_in_minutes") if isinstance(canary, dict) else None
        if unresolved(percent_value):
            estimate.unknown.append("canary_percent")  # a lower bound counts one production shift
            production_shifts = 1
        else:
            percent = to_number(percent_value) if not is_absent(percent_value) else CANARY_DEFAULTS[0]
            production_shifts = 1 if percent is not None and percent >= 100 else 2
        canary_bake = _minutes_value(bake_value, CANARY_DEFAULTS[1], "canary_bake_time_in_minutes", estimate)
        defaults = "" if isinstance(canary, dict) else ", API default"
        estimate.add(canary_bake, f"CANARY: canary_bake_time_in_minutes{defaults}")
    if nlb:
        estimate.add(
            NLB_DELAY_MINUTES * (1 + production_shifts),
            f"NLB: 10 min x (1 TEST_TRAFFIC_SHIFT + {production_shifts} PRODUCTION_TRAFFIC_SHIFT)",
        )
    return estimate


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


def uses_network_load_balancer(service: Resource, model: Model) -> bool | None:
    """Does the service's B/G traffic go through an NLB listener? None when that cannot be known."""
    entries = load_balancers(service)
    if isinstance(entries, Unknown):
        return None
    verdicts = []
    for entry in entries:
        if isinstance(entry.advanced, dict):
            kind = shifted_lb_type(model, entry.advanced_value("production_listener_rule"))
            verdicts.append(kind == "network" if isinstance(kind, str) else None)
    if True in verdicts:
        return True
    if None in verdicts:
        return None
    return False


def update_timeout(service: Resource) -> tuple[Fraction | Unknown | None, str]:
    """(minutes, path) of timeouts.update; the provider default when not set. None when unreadable."""
    timeouts = service.get("timeouts")
    if isinstance(timeouts, list):  # HCL shape: a block list
        path, value = "timeouts.0.update", service.get("timeouts.0.update")
    else:  # plan JSON shape of the SDK's timeouts block: an object
        path, value = "timeouts.update", service.get("timeouts.update")
    # A plan read with --source carries the HCL's locations, whose shape may differ from the value's.
    path = next((key for key in ("timeouts.0.update", "timeouts.update") if key in service.locations), path)
    if isinstance(value, (Ref, Unknown)):
        return Unknown("timeouts.update"), path
    if is_absent(value):
        return Fraction(DEFAULT_UPDATE_TIMEOUT_MINUTES), ""
    return duration_minutes(str(value)), path


class DeploymentOutlastsUpdateTimeout(Rule):
    id = "TFBG307"
    severity = Severity.WARNING
    summary = "wait_for_steady_state = true and the deployment takes at least as long as timeouts.update"
    resource_types = SERVICE
    source = (
        "internal/service/ecs/service.go (timeouts 20m; waiter waits for SUCCESSFUL); ECS DG "
        "blue-green-deployment-how-it-works.html, nlb-resources-for-blue-green.html; API_LinearConfiguration, "
        "API_CanaryConfiguration defaults [inferred arithmetic]"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        wait = is_true(resource.get("wait_for_steady_state"))
        if wait is False:
            return
        strategy = strategy_of(resource)
        if unresolved(strategy):
            if wait:
                yield self.unproven(resource, f"the deployment strategy of {resource.address} is not known "
                                    f"statically ({strategy}; deployment time vs timeouts.update)",
                                    path="wait_for_steady_state")
            return
        if not is_non_rolling(strategy) or controller_of(resource) != "ECS":
            return
        config = _first(resource.get("deployment_configuration")) or {}
        nlb = uses_network_load_balancer(resource, model)
        estimate = estimate_deployment(strategy, config, nlb)
        timeout, timeout_path = update_timeout(resource)
        if timeout is None:
            return  # not a valid duration: Terraform rejects it itself
        if isinstance(timeout, Unknown):
            if wait:
                yield self.unproven(resource, f"timeouts.update of {resource.address} is not known statically "
                                    f"(estimated deployment: at least {estimate.arithmetic()})", path=timeout_path)
            return
        shown_timeout = (f"timeouts.update {_fmt(timeout)} min" if timeout_path
                         else f"timeouts.update {DEFAULT_UPDATE_TIMEOUT_MINUTES} min (provider default)")
        if estimate.minutes >= timeout:
            if wait is None:
                yield self.unproven(resource, f"wait_for_steady_state of {resource.address} is not known; the "
                                    f"deployment takes at least {estimate.arithmetic()} >= {shown_timeout}",
                                    path="wait_for_steady_state")
                return
            needed = math.ceil(estimate.minutes * Fraction(3, 2) / 10) * 10
            yield self.finding(
                resource,
                f"{resource.address} waits for steady state, but a {strategy} deployment takes at least "
                f"{estimate.arithmetic()} (plus scale-up, health checks and hook waits), which is >= "
                f"{shown_timeout}: terraform apply would time out while ECS is still deploying. Raise "
                f"timeouts.update (e.g. to {needed}m) or shorten the bake times.",
                path=timeout_path or "wait_for_steady_state",
                fix=f'timeouts {{\n  update = "{needed}m"\n}}',
            )
        elif wait and (estimate.unknown or (nlb is None and estimate_deployment(strategy, config, True).minutes >= timeout)):
            # Only when the unknown part could change the answer: NLB time is bounded, unknown bake is not.
            missing = list(estimate.unknown) + (["whether the listener is an NLB (+10 min per traffic shift)"]
                                                if nlb is None else [])
            yield self.unproven(resource, f"{resource.address}: the deployment takes at least "
                                f"{estimate.arithmetic()} < {shown_timeout}, but {', '.join(missing)} "
                                "is not known statically", path=timeout_path or "wait_for_steady_state")


class PreProductionTrafficShiftStage(Rule):
    id = "TFBG308"
    severity = Severity.INFO
    summary = "lifecycle_stages contains PRE_PRODUCTION_TRAFFIC_SHIFT: could not prove the pinned provider accepts it"
    resource_types = SERVICE
    source = HOOK_API + " (enum) vs provider doc website/docs/r/ecs_service.html.markdown (stage list)"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks = lifecycle_hooks(resource)
        if isinstance(hooks, Unknown):
            return
        for path, hook in hooks:
            stages = hook.get("lifecycle_stages") if isinstance(hook, dict) else None
            if isinstance(stages, list) and "PRE_PRODUCTION_TRAFFIC_SHIFT" in stages:
                yield self.finding(
                    resource,
                    f"could not prove: {resource.address} has a lifecycle hook on PRE_PRODUCTION_TRAFFIC_SHIFT, which "
                    f"the ECS API accepts; whether hashicorp/aws {_oldest_admitted(model)} accepts it is not known "
                    "to tfbg (the provider validates stages against the AWS SDK compiled into it; the SDK's ECS "
                    "enum of the first blue/green releases lacks the stage, which the API reference lists together "
                    "with PAUSE hooks, PR #48128). Run terraform plan with the oldest version your constraint "
                    "admits, or raise its lower bound to a version you verified.",
                    path=f"{path}.lifecycle_stages",
                    fix='lifecycle_stages = ["POST_TEST_TRAFFIC_SHIFT"]  # if your hashicorp/aws rejects '
                        "PRE_PRODUCTION_TRAFFIC_SHIFT",
                )


RULES: list[Rule] = [
    TooManyHooks(),
    PauseHookOnTrafficShift(),
    HookTimeoutConfiguration(),
    LambdaHookMissingTarget(),
    PauseHookWithLambdaSettings(),
    PauseHookBlocksApply(),
    DeploymentOutlastsUpdateTimeout(),
    PreProductionTrafficShiftStage(),
]


def _oldest_admitted(model: Model) -> str:
    """The oldest hashicorp/aws version the configuration's constraints admit, as the unknown to name."""
    from validator.rules.controller import aws_requirements
    from validator.version_constraints import ConstraintError, lowest_admitted

    constraints = [p.version_constraint for p in aws_requirements(model) if p.version_constraint]
    if not constraints:
        return "(no version constraint: any version)"
    try:
        lowest = lowest_admitted(constraints)
    except ConstraintError:
        return "(the version constraint cannot be read)"
    return f"{lowest} (the oldest version {' and '.join(constraints)} admits)" if lowest else "(no version admitted)"
