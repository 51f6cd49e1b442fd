"""Group C, ids TFBG3xx: Lifecycle hooks (catalogue R-31..R-39).

R-39 (TFBG309: what a Lambda hook function returns) needs the function's code, which a Terraform
configuration does not contain; it is out of static scope and its id stays free.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Iterable, Iterator

from validator.deployment_time import (
    DEFAULT_UPDATE_TIMEOUT_MINUTES,
    estimate_deployment,
    fmt_minutes as _fmt,
    update_timeout,
    uses_network_load_balancer,
)
from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent, to_number
from validator.rules.base import Rule
from validator.rules.helpers import (
    controller_of,
    is_non_rolling,
    is_true,
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
# The arithmetic lives in validator/deployment_time.py, shared with `tfbg timeline`.


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


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
