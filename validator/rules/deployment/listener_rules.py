"""TFBG112-TFBG115, TFBG119, TFBG123, TFBG124: what the production and test listener rules (ALB) or
listeners (NLB) forward to, compared with the service's primary and alternate target groups."""

from __future__ import annotations

from typing import Iterable

from validator.findings import Finding, Severity
from validator.model import Model, Resource, Unknown
from validator.rules.base import Rule
from validator.rules.deployment.conditions import conditions_of, rule_covers
from validator.rules.deployment.wiring import ROLE_ATTRIBUTES, wirings
from validator.rules.helpers import (
    is_true,
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    ForwardTarget,
    Forwards,
    forward_targets,
    is_non_rolling,
    iter_action_types,
    listener_of_rule,
    same_object,
    serving_weight,
    strategy_of,
)

SERVICE = ("aws_ecs_service",)
TROUBLESHOOTING = "ECS DG troubleshooting-blue-green.html"
PROD = "production_listener_rule"
TEST = "test_listener_rule"
# The production rule's forward action as ECS expects it when a deployment starts.
BOTH_TARGET_GROUPS_FIX = (
    "forward {\n  target_group {\n    arn    = aws_lb_target_group.blue.arn\n    weight = 100\n  }\n"
    "  target_group {\n    arn    = aws_lb_target_group.green.arn\n    weight = 0\n  }\n}"
)


def block_path(target: ForwardTarget) -> str:
    """Report at the `forward` block: `target_group` is a set, so its index differs between inputs."""
    marker = ".forward.0."
    return target.path.split(marker)[0] + ".forward.0" if marker in target.path else target.path


def contains(model: Model, forwards: Forwards, arn: object) -> bool | None:
    """Does a forward list contain this target group? None when that cannot be told."""
    answers = [same_object(model, target.arn, arn) for target in forwards.targets]
    if True in answers:
        return True
    if None in answers or not forwards.complete:
        return None
    return False


class ProductionRuleNeedsBothWithoutTest(Rule):
    id = "TFBG112"
    severity = Severity.ERROR
    summary = "ALB without test_listener_rule: the production rule must forward to both target groups"
    resource_types = SERVICE
    source = (
        f'{TROUBLESHOOTING} ("For Application LoadBalancer, testListenerRule is required when productionListenerRule '
        'is not associated with both targetGroup and alternateTargetGroup"); ECS DG migrate-code-deploy-to-ecs-blue-green.html'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            if wiring.misrouted():
                continue  # an ALB listener where a rule belongs: TFBG110
            if wiring.value(TEST) is not None or wiring.value(PROD) is None:
                continue
            lb_type = wiring.lb_type(PROD)
            if lb_type == "network":
                continue
            path = wiring.path(PROD)
            forwards = wiring.forwards(PROD)
            if isinstance(forwards, Unknown):
                yield self.unproven(
                    resource,
                    f"{resource.address} has no test_listener_rule, so the production rule must forward to both "
                    f"target groups; its forward action cannot be read ({forwards})",
                    path=path,
                )
                continue
            missing, unsure = [], []
            for label, value, _ in wiring.entry.target_groups():
                found = contains(model, forwards, value)
                (missing if found is False else unsure if found is None else []).append(f"{label} {value}")
            if missing and lb_type == "application":
                rule = wiring.value(PROD)
                yield self.finding(
                    resource,
                    f"{resource.address} has no test_listener_rule and production rule {rule} does not forward to "
                    f"{' and '.join(missing)}; for an ALB the API then requires a test rule: add both target groups "
                    "to the production rule's forward action (weights 100 and 0) or set test_listener_rule",
                    path=path,
                    fix=BOTH_TARGET_GROUPS_FIX,
                )
            elif missing or unsure:
                yield self.unproven(
                    resource,
                    f"{resource.address} has no test_listener_rule; whether production rule {wiring.value(PROD)} "
                    f"forwards to {' and '.join(missing + unsure)} (needed on an ALB) cannot be told statically",
                    path=path,
                )


class TargetGroupOnNeitherRule(Rule):
    id = "TFBG113"
    severity = Severity.ERROR
    summary = "primary or alternate target group is forwarded to by neither the production nor the test rule"
    resource_types = SERVICE
    source = (
        f'{TROUBLESHOOTING} ("Target group <arn> is not associated with either productionListenerRule or '
        'testListenerRule" - the deployment rolls back)'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            if wiring.value(PROD) is None or wiring.misrouted():
                continue
            if wiring.value(TEST) is None and wiring.lb_type(PROD) != "network":
                continue  # an ALB (or unknown type) without test rule is TFBG112's case
            roles = [role for role in ROLE_ATTRIBUTES if wiring.value(role) is not None]
            forwards = {role: wiring.forwards(role) for role in roles}
            unreadable = [f"{role} {f}" for role, f in forwards.items() if isinstance(f, Unknown)]
            for label, value, path in wiring.entry.target_groups():
                answers = [contains(model, f, value) for f in forwards.values() if isinstance(f, Forwards)]
                if True in answers:
                    continue
                names = [str(wiring.value(role)) for role in roles]
                rules = " nor ".join(names)
                if unreadable or None in answers:
                    yield self.unproven(
                        resource,
                        f"{resource.address} {label} {value} must be forwarded to by {' or '.join(names)}; "
                        + (f"cannot read {', '.join(unreadable)}" if unreadable else "the forward targets are not known"),
                        path=path,
                    )
                    continue
                yield self.finding(
                    resource,
                    f"{resource.address} {label} {value} is forwarded to by "
                    f"{'neither ' + rules if len(names) > 1 else 'no action of ' + rules}; the deployment rolls back "
                    "(\"Target group ... is not associated with either productionListenerRule or testListenerRule\"): "
                    "forward the production rule to the primary (weight 100) and alternate (weight 0) target groups, "
                    "or the test rule to the alternate",
                    path=path,
                    fix=BOTH_TARGET_GROUPS_FIX,
                )


class ProductionRuleUnexpectedTargetGroup(Rule):
    id = "TFBG114"
    severity = Severity.ERROR
    summary = "production rule forwards to a target group that is neither the primary nor the alternate"
    resource_types = SERVICE
    source = (
        f'{TROUBLESHOOTING} ("Production listener rule is forwarding traffic to unexpected target group <arn>. Expected '
        'traffic to be forwarded to either targetGroupArn: <arn> or alternateTargetGroupArn: <arn>")'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            rule = wiring.resource(PROD)
            forwards = wiring.forwards(PROD)
            if wiring.misrouted() or not isinstance(rule, Resource) or not isinstance(forwards, Forwards):
                continue  # TFBG112/113 already say what cannot be read
            for target in forwards.targets:
                ours = wiring.is_ours(target.arn)
                if ours is False:
                    yield self.finding(
                        rule,
                        f"{rule.address} is the production_listener_rule of {resource.address} but forwards to "
                        f"{target.arn}, which is neither its target_group_arn ({wiring.primary}) nor its "
                        f"alternate_target_group_arn ({wiring.alternate}); the deployment rolls back: forward only to "
                        "those two target groups",
                        path=block_path(target),
                        related=[resource.address],
                    )
                elif ours is None:
                    yield self.unproven(
                        rule,
                        f"{rule.address} (production_listener_rule of {resource.address}) forwards to {target.arn}; "
                        "whether it is the service's primary or alternate target group cannot be told statically",
                        path=block_path(target),
                    )


class ProductionRuleServesTwoTargetGroups(Rule):
    id = "TFBG115"
    severity = Severity.ERROR
    summary = "production rule declares more than one target group with a weight above 0"
    resource_types = SERVICE
    source = (
        f'{TROUBLESHOOTING} ("productionListenerRule <arn> should have exactly one target group serving traffic but '
        'found 2 target groups which are serving traffic"); provider acceptance tests use weights 100/0'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            rule = wiring.resource(PROD)
            forwards = wiring.forwards(PROD)
            if wiring.misrouted() or not isinstance(rule, Resource) or not isinstance(forwards, Forwards):
                continue
            if not forwards.targets:
                continue
            weights = [(target, serving_weight(target)) for target in forwards.targets]
            serving = [t for t, w in weights if w is not None and w > 0]
            unknown = [t for t, w in weights if w is None]
            path = block_path(forwards.targets[0])
            if len(serving) > 1:
                names = ", ".join(f"{t.arn} (weight {t.weight})" for t in serving)
                yield self.finding(
                    rule,
                    f"{rule.address} is the production_listener_rule of {resource.address} and sends traffic to "
                    f"{len(serving)} target groups: {names}; ECS needs exactly one serving target group when a "
                    "deployment starts: give the primary weight 100 and the alternate weight 0 (weight defaults to 1)",
                    path=path,
                    related=[resource.address],
                    fix="target_group {\n  arn    = aws_lb_target_group.green.arn\n  weight = 0\n}",
                )
            elif unknown and len(serving) + len(unknown) > 1:
                yield self.unproven(
                    rule,
                    f"{rule.address} (production_listener_rule of {resource.address}) has target group weights that "
                    "are not known statically; exactly one may be above 0",
                    path=path,
                )


class NonForwardActionOnBlueGreenRule(Rule):
    id = "TFBG119"
    severity = Severity.WARNING
    summary = "production/test ALB rule has non-forward actions (redirect, fixed-response, authenticate)"
    resource_types = SERVICE
    source = 'ECS DG alb-resources-for-blue-green.html ("Limitations" in the de/es/pt versions) [reported]'

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        seen: set[str] = set()
        for wiring in wirings(resource, model):
            for role in ROLE_ATTRIBUTES:
                rule = wiring.resource(role)
                if not isinstance(rule, Resource) or rule.type not in LISTENER_RULE_TYPES or rule.address in seen:
                    continue
                seen.add(rule.address)
                for i, kind in iter_action_types(rule):
                    if isinstance(kind, str) and kind != "forward":
                        yield self.finding(
                            rule,
                            f"{rule.address} is the {role} of {resource.address} and has an action of type {kind!r}; ECS "
                            "blue/green is documented as unsupported when the rule mixes forward with other actions: "
                            "keep the rule to a single forward action (authenticate or redirect on another rule)",
                            path=f"action.{i}.type",
                            related=[resource.address],
                        )


class NlbTrafficShiftDelay(Rule):
    id = "TFBG123"
    severity = Severity.INFO
    summary = "NLB blue/green: ECS adds 10 minutes to each test and production traffic shift"
    resource_types = SERVICE
    source = "ECS DG nlb-resources-for-blue-green.html; canary-deployment-implementation.html (en vs zh-CN)"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        if is_non_rolling(strategy) is False:
            return  # a ROLLING deployment shifts no traffic through the listener
        wait = is_true(resource.get("wait_for_steady_state"))
        if wait is not None:
            # TFBG307 budgets the NLB delay into timeouts.update when apply waits; when it does not wait,
            # the delay costs nothing Terraform can see. Only an unknown wait_for_steady_state leaves it open.
            return
        for wiring in wirings(resource, model):
            if wiring.lb_type(PROD) != "network":
                continue
            yield self.unproven(
                resource,
                f"whether terraform apply waits for the deployment (wait_for_steady_state is "
                f"{resource.get('wait_for_steady_state')}): through the Network Load Balancer listener "
                f"{wiring.value(PROD)} ECS adds 10 minutes to TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT "
                "(once per step for LINEAR/CANARY), which timeouts.update must allow when it waits",
                path=wiring.path(PROD),
            )
            return


class DefaultActionBypassesShifting(Rule):
    id = "TFBG124"
    severity = Severity.WARNING
    summary = "listener default action forwards straight to the service's primary or alternate target group"
    resource_types = SERVICE
    source = (
        "ECS DG alb-resources-for-blue-green.html and API_AdvancedConfiguration.html (ECS shifts traffic only on the "
        "listener rules named in advanced_configuration) [inferred]"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        reported: set[str] = set()
        for wiring in wirings(resource, model):
            for role in ROLE_ATTRIBUTES:
                rule = wiring.resource(role)
                if not isinstance(rule, Resource) or rule.type not in LISTENER_RULE_TYPES:
                    continue  # an NLB listener IS the shifted "rule": its default action is what ECS edits
                listener = listener_of_rule(model, rule)
                if not isinstance(listener, Resource) or listener.type not in LISTENER_TYPES:
                    continue  # listener managed elsewhere: its default action is not visible here
                if listener.address in reported:
                    continue
                conditions = conditions_of(rule.get("condition"))
                if conditions is not None and rule_covers(conditions, []) is True:
                    continue  # the rule takes every request: the default action never runs
                for target in forward_targets(listener).targets:
                    if wiring.is_ours(target.arn) is not True:
                        continue
                    reported.add(listener.address)
                    yield self.finding(
                        listener,
                        f"{listener.address} default_action forwards to {target.arn}, a target group of "
                        f"{resource.address}, while ECS shifts traffic only on {rule.address}; requests that miss the "
                        "rule bypass the shifting and reach a target group ECS empties after the deployment: make the "
                        "default action a fixed-response (or forward to another target group)",
                        path=block_path(target),
                        related=[resource.address, rule.address],
                        fix='default_action {\n  type = "fixed-response"\n  fixed_response {\n'
                        '    content_type = "text/plain"\n    status_code  = "404"\n  }\n}',
                    )
                    break
