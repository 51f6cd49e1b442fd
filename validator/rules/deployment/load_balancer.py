"""TFBG107-TFBG111, TFBG116: the `load_balancer` blocks of `aws_ecs_service` and their
`advanced_configuration` (what CreateService/UpdateService reject synchronously)."""

from __future__ import annotations

import re
from typing import Iterable

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown
from validator.rules.base import Rule
from validator.rules.deployment.wiring import ROLE_ATTRIBUTES, wirings
from validator.rules.helpers import (
    LB_TYPES,
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    TARGET_GROUP_TYPES,
    describe,
    is_non_rolling,
    lb_type_of_arn,
    load_balancers,
    same_object,
    strategy_of,
)

SERVICE = ("aws_ecs_service",)
TROUBLESHOOTING = "ECS DG troubleshooting-blue-green.html"
ADVANCED_CONFIGURATION_FIX = (
    "advanced_configuration {\n  alternate_target_group_arn = aws_lb_target_group.green.arn\n"
    "  production_listener_rule   = aws_lb_listener_rule.prod.arn\n"
    "  test_listener_rule         = aws_lb_listener_rule.test.arn\n"
    "  role_arn                   = aws_iam_role.ecs_infra.arn\n}"
)


class AdvancedConfigurationRequired(Rule):
    id = "TFBG107"
    severity = Severity.ERROR
    summary = "non-ROLLING strategy with a load_balancer block that lacks advanced_configuration"
    resource_types = SERVICE
    source = (
        f'{TROUBLESHOOTING} ("advancedConfiguration field is required for all loadBalancers when using a '
        'non-ROLLING deployment strategy"); provider doc ecs_service.html.markdown'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        non_rolling = is_non_rolling(strategy)
        entries = load_balancers(resource)
        if non_rolling is False or isinstance(entries, Unknown):
            return
        for entry in entries:
            if entry.elb_name is not None or entry.target_group is None or entry.advanced is not None:
                continue  # Classic entries are TFBG109's; entries with the block are fine
            if non_rolling is None:
                yield self.unproven(
                    resource,
                    f"{resource.address} has a load_balancer without advanced_configuration and a strategy not known "
                    f"statically ({strategy}); BLUE_GREEN, LINEAR and CANARY need advanced_configuration",
                    path=entry.path,
                )
                continue
            yield self.finding(
                resource,
                f"{resource.address} uses strategy {describe(strategy)} but its load_balancer for target group "
                f"{entry.target_group} has no advanced_configuration; the API rejects it (\"advancedConfiguration "
                "field is required for all loadBalancers when using a non-ROLLING deployment strategy\"): add "
                "advanced_configuration with the alternate target group, listener rules and role",
                path=entry.path,
                fix=ADVANCED_CONFIGURATION_FIX,
            )


class AdvancedConfigurationAllOrNone(Rule):
    id = "TFBG108"
    severity = Severity.ERROR
    summary = "advanced_configuration on some but not all load_balancer blocks"
    resource_types = SERVICE
    source = f'{TROUBLESHOOTING} ("Either all or none of the provided loadBalancers must have advancedConfiguration defined")'

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        if is_non_rolling(strategy_of(resource)) is True:
            return  # every entry needs the block then: TFBG107 reports the ones without
        entries = load_balancers(resource)
        if isinstance(entries, Unknown):
            return
        elbv2 = [e for e in entries if e.elb_name is None]
        with_block = [e for e in elbv2 if isinstance(e.advanced, dict)]
        maybe_block = [e for e in elbv2 if e.advanced is not None and not isinstance(e.advanced, dict)]
        for entry in elbv2:
            if entry.advanced is not None:
                continue
            if not with_block and maybe_block:
                yield self.unproven(
                    resource,
                    f"{resource.address}: the load_balancer for target group {entry.target_group} has no "
                    "advanced_configuration, and whether another load_balancer has one is not known statically "
                    f"({maybe_block[0].advanced}); the API requires all or none",
                    path=entry.path,
                )
            elif with_block:
                yield self.finding(
                    resource,
                    f"{resource.address}: the load_balancer for target group {entry.target_group} has no "
                    "advanced_configuration while another load_balancer has one; the API requires all or none "
                    "(\"Either all or none of the provided loadBalancers must have advancedConfiguration defined\"): "
                    "add advanced_configuration here or remove it from the others",
                    path=entry.path,
                    fix=ADVANCED_CONFIGURATION_FIX,
                )


class ClassicLoadBalancerMix(Rule):
    id = "TFBG109"
    severity = Severity.ERROR
    summary = "advanced_configuration on a Classic (elb_name) entry, or elb_name mixed with target_group_arn entries"
    resource_types = SERVICE
    source = (
        f'{TROUBLESHOOTING} ("advancedConfiguration field is not allowed with ELBv1 loadBalancers"; "All '
        'loadBalancers must be strictly either ELBv1 (defining loadBalancerName) or ELBv2 (defining targetGroupArn)")'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        entries = load_balancers(resource)
        if isinstance(entries, Unknown):
            return
        classic = [e for e in entries if e.elb_name is not None]
        elbv2 = [e for e in entries if e.target_group is not None and e.elb_name is None]
        for entry in classic:
            if entry.advanced is not None:
                yield self.finding(
                    resource,
                    f"{resource.address}: the load_balancer for Classic load balancer {describe(entry.elb_name)} has "
                    "advanced_configuration, which the API rejects for ELBv1: blue/green needs an Application or "
                    "Network Load Balancer target group (target_group_arn)",
                    path=entry.advanced_path(),
                )
            elif elbv2:
                yield self.finding(
                    resource,
                    f"{resource.address} mixes a Classic load_balancer (elb_name {describe(entry.elb_name)}) with "
                    "target_group_arn entries; the API requires all ELBv1 or all ELBv2: replace elb_name with a "
                    "target group",
                    path=entry.attr_path("elb_name"),
                )


# A literal ELB ARN of a target group or load balancer: never a listener rule or listener.
_WRONG_ELB_ARN = re.compile(r"^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:(targetgroup|loadbalancer)/")


class ListenerRuleArnKind(Rule):
    id = "TFBG110"
    severity = Severity.ERROR
    summary = "ALB needs listener rule ARNs, NLB needs listener ARNs in production_/test_listener_rule"
    resource_types = SERVICE
    source = (
        f'{TROUBLESHOOTING} ("productionListenerRule has an invalid ARN format. Must be RuleArn for ALB or '
        'ListenerArn for NLB"); API API_AdvancedConfiguration.html'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            for role in ROLE_ATTRIBUTES:
                value = wiring.value(role)
                if value is None:
                    continue
                yield from self._check_role(resource, wiring, role, value)

    def _check_role(self, resource, wiring, role, value) -> Iterable[Finding]:
        path = wiring.path(role)
        if isinstance(value, Unknown):
            yield self.unproven(
                resource,
                f"{resource.address} {role} is not known statically ({value}); it must be a listener rule ARN for an "
                "Application Load Balancer or a listener ARN for a Network Load Balancer",
                path=path,
            )
            return
        wrong = _WRONG_ELB_ARN.search(value) if isinstance(value, str) else None
        if wrong:
            kind = {"targetgroup": "target group", "loadbalancer": "load balancer"}[wrong.group(1)]
            yield self._not_a_rule(resource, role, describe(value), kind, path)
            return
        if isinstance(value, str) and lb_type_of_arn(value):
            is_listener = ":listener/" in value
            lb_type = lb_type_of_arn(value)
            if lb_type == "application" and is_listener:
                yield self._alb_listener(resource, role, describe(value), path)
            elif lb_type == "network" and not is_listener:
                yield self._nlb_rule(resource, role, describe(value), path)
            return
        kind = wiring.kind(role)
        if isinstance(kind, Unknown):
            yield self.unproven(resource, f"{resource.address} {role} = {value} cannot be followed ({kind})", path=path)
            return
        if kind in LISTENER_RULE_TYPES:
            return  # listener rules exist only on Application Load Balancers
        if kind in LISTENER_TYPES:
            lb_type = wiring.lb_type(role)
            if isinstance(lb_type, Unknown):
                yield self.unproven(
                    resource,
                    f"{resource.address} {role} names listener {value}, which is right for a Network Load Balancer "
                    f"and wrong for an Application Load Balancer; the load balancer type is not known ({lb_type})",
                    path=path,
                )
            elif lb_type == "application":
                yield self._alb_listener(resource, role, str(value), path)
            return
        if not isinstance(value, Ref):
            return
        if kind in LB_TYPES + TARGET_GROUP_TYPES and value.attribute in ("arn", "id"):
            yield self._not_a_rule(resource, role, str(value), kind, path)
        else:  # e.g. an SSM parameter or remote state output that holds the ARN
            yield self.unproven(
                resource,
                f"{resource.address} {role} = {value} cannot be followed to a listener rule or listener; it must be "
                "a listener rule ARN (ALB) or a listener ARN (NLB)",
                path=path,
            )

    def _not_a_rule(self, resource, role, shown, kind, path) -> Finding:
        return self.finding(
            resource,
            f"{resource.address} {role} = {shown} is the ARN of a {kind}, not of a listener rule (ALB) or "
            "listener (NLB): point it at the aws_lb_listener_rule (ALB) or aws_lb_listener (NLB) that carries "
            "the traffic",
            path=path,
            fix=f"{role} = aws_lb_listener_rule.prod.arn  # an ALB rule; for an NLB: aws_lb_listener.prod.arn",
        )

    def _alb_listener(self, resource, role, shown, path) -> Finding:
        return self.finding(
            resource,
            f"{resource.address} {role} = {shown} is a listener of an Application Load Balancer; ECS needs the "
            "listener RULE ARN for an ALB (\"Must be RuleArn for ALB or ListenerArn for NLB\"): create an "
            "aws_lb_listener_rule that forwards to the target groups and use its arn",
            path=path,
            fix=f"{role} = aws_lb_listener_rule.prod.arn",
        )

    def _nlb_rule(self, resource, role, shown, path) -> Finding:
        return self.finding(
            resource,
            f"{resource.address} {role} = {shown} is not a listener ARN, but the load balancer is a Network Load "
            "Balancer; ECS needs the listener ARN for an NLB: use the aws_lb_listener's arn",
            path=path,
            fix=f"{role} = aws_lb_listener.prod.arn",
        )


class SameProductionAndTestRule(Rule):
    id = "TFBG111"
    severity = Severity.ERROR
    summary = "test_listener_rule is the same as production_listener_rule"
    resource_types = SERVICE
    source = f'{TROUBLESHOOTING} ("The following rules cannot be used as both production and test listener rules")'

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            production, test = wiring.value("production_listener_rule"), wiring.value("test_listener_rule")
            if production is None or test is None:
                continue
            same = same_object(model, production, test)
            path = wiring.path("test_listener_rule")
            if same is True:
                yield self.finding(
                    resource,
                    f"{resource.address} uses {test} as both production_listener_rule and test_listener_rule; the API "
                    "rejects one rule in both roles: give test traffic its own rule (ALB: another rule or a test "
                    "listener port; NLB: a second listener) or omit test_listener_rule",
                    path=path,
                    fix="test_listener_rule = aws_lb_listener_rule.test.arn  # a rule (ALB) or listener (NLB) of its own",
                )
            elif same is None and (isinstance(production, Unknown) or isinstance(test, Unknown)):
                yield self.unproven(
                    resource,
                    f"{resource.address}: production_listener_rule ({production}) and test_listener_rule ({test}) "
                    "cannot be compared statically; they must differ",
                    path=path,
                )


class DuplicateTargetGroup(Rule):
    id = "TFBG116"
    severity = Severity.ERROR
    summary = "target_group_arn equals alternate_target_group_arn, or a target group repeats across load_balancer blocks"
    resource_types = SERVICE
    source = f'{TROUBLESHOOTING} ("Duplicate targetGroupArn found"; each target group ARN must be unique across all load balancer entries)'

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        entries = load_balancers(resource)
        if isinstance(entries, Unknown):
            return
        seen: list[tuple[object, str]] = []  # (value, path) of the target groups named so far
        for entry in entries:
            for _, value, path in entry.target_groups():
                earlier = next((where for named, where in seen if same_object(model, named, value) is True), None)
                if earlier is None:
                    seen.append((value, path))
                    continue
                yield self.finding(
                    resource,
                    f"{resource.address} names target group {value} at {earlier} and again at {path}; the API "
                    "rejects duplicates (\"Duplicate targetGroupArn found\"): blue/green needs two distinct target "
                    "groups, and each may appear once across the load_balancer blocks",
                    path=path,
                )
