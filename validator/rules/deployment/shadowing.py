"""TFBG120: a test listener rule that can never match, because the production rule on the same
listener is evaluated first (lower priority number) and matches every request the test rule matches."""

from __future__ import annotations

from typing import Iterable

from validator.findings import Finding, Severity
from validator.model import Model, Resource, Unknown, to_number
from validator.rules.base import Rule
from validator.rules.deployment.conditions import conditions_of, rule_covers
from validator.rules.deployment.wiring import wirings
from validator.rules.helpers import LISTENER_RULE_TYPES, same_object

SERVICE = ("aws_ecs_service",)


class ShadowedTestRule(Rule):
    id = "TFBG120"
    severity = Severity.ERROR  # docs/severity.md: ALB evaluates rules by priority (documented)
    summary = "test listener rule is shadowed by the production rule evaluated before it (never matches)"
    resource_types = SERVICE
    source = (
        "ELB user guide load-balancer-listeners.html#listener-rules ('Rules are evaluated in priority order, from the "
        "lowest value to the highest value'); Pulumi awsx-next AlbServiceRoute docs (test rule before production) [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            production, test = wiring.resource("production_listener_rule"), wiring.resource("test_listener_rule")
            if not (isinstance(production, Resource) and isinstance(test, Resource)):
                continue
            if production.type not in LISTENER_RULE_TYPES or test.type not in LISTENER_RULE_TYPES:
                continue  # NLB: separate listeners, no rules to shadow one another
            if production.address == test.address:
                continue  # TFBG111
            yield from self._compare(resource, production, test, model)

    def _compare(self, service: Resource, production: Resource, test: Resource, model: Model) -> Iterable[Finding]:
        same_listener = _same_listener(model, production, test)
        if same_listener is False:
            return  # a separate test listener (port) is the documented way
        conditions_p, conditions_t = conditions_of(production.get("condition")), conditions_of(test.get("condition"))
        covers = None if conditions_p is None or conditions_t is None else rule_covers(conditions_p, conditions_t)
        if covers is False:
            return  # the test rule matches requests the production rule does not
        priority_p, priority_t = to_number(production.get("priority")), to_number(test.get("priority"))
        if priority_p is not None and priority_t is not None:
            if priority_t < priority_p:
                return  # the test rule is evaluated first
            if priority_t == priority_p and same_listener is True:
                yield self.finding(
                    test,
                    f"{test.address} (test_listener_rule of {service.address}) and {production.address} (production "
                    f"rule) both have priority {priority_t:g} on the same listener; Elastic Load Balancing rejects a "
                    "priority already in use, and the test rule must come first anyway: give it a lower priority "
                    "number plus a distinguishing condition, or move it to a separate test listener",
                    path="priority",
                    related=[service.address, production.address],
                )
                return
            if covers is True and same_listener is True:
                yield self.finding(
                    test,
                    f"{test.address} (test_listener_rule of {service.address}, priority {priority_t:g}) never matches: "
                    f"{production.address} (production rule, priority {priority_p:g}) on the same listener is "
                    "evaluated first and matches every request the test rule matches, so test traffic reaches "
                    "production: give the test rule a lower priority number than the production rule plus a "
                    "distinguishing condition (e.g. an http_header), or move it to a separate test listener port",
                    path="priority",
                    related=[service.address, production.address],
                    fix=(
                        "priority = 1  # below the production rule's\ncondition {\n  http_header {\n"
                        '    http_header_name = "X-Test"\n    values           = ["true"]\n  }\n}'
                    ),
                )
                return
        if priority_p is not None and priority_p == priority_t:
            # Equal priorities cannot share a listener (Elastic Load Balancing rejects a priority in use, so
            # the apply fails before anything is shadowed): the rules are on separate listeners.
            return
        unknowns = []
        if priority_p is None or priority_t is None:
            unknowns.append("the rule priorities")
        if covers is None:
            unknowns.append("their conditions")
        if same_listener is None:
            unknowns.append("whether they share a listener")
        yield self.unproven(
            test,
            f"{test.address} (test_listener_rule of {service.address}) may be shadowed by {production.address}: "
            f"{' and '.join(unknowns)} cannot be told statically; the test rule must be evaluated before any "
            "production rule that matches its requests",
            path="priority",
        )


def _same_listener(model: Model, production: Resource, test: Resource) -> bool | None:
    a, b = production.get("listener_arn"), test.get("listener_arn")
    if isinstance(a, Unknown) and isinstance(b, Unknown) and a.why and a.why == b.why:
        # The same unresolved expression (say var.listener_arn) in one module is the same value.
        return True if production.module == test.module else None
    return same_object(model, a, b)
