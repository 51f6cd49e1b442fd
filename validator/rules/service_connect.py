"""Group I, ids TFBG9xx: Service Connect (catalogue R-75..R-76)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.helpers import is_non_rolling, is_true, strategy_of

SERVICE = ("aws_ecs_service",)
SC = "service_connect_configuration.0"
SC_BLUE_GREEN = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-blue-green.html"
DEFAULT_TEST_HEADER = "x-amzn-ecs-blue-green-test"


def client_aliases(service: Resource) -> Iterator[tuple[str, Any]]:
    """(path, client_alias) of each Service Connect service entry that has a client alias.

    Yields ("", Unknown) once when the entries cannot be known statically.
    """
    entries = service.get(f"{SC}.service")
    if isinstance(entries, (Ref, Unknown)):
        yield "", Unknown(f"service_connect_configuration.service of {service.address}")
        return
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            yield "", Unknown(f"service_connect_configuration.service of {service.address}")
            continue
        aliases = entry.get("client_alias")
        if isinstance(aliases, (Ref, Unknown)):
            yield "", Unknown(f"client_alias of {service.address}")
        elif isinstance(aliases, list) and aliases and isinstance(aliases[0], dict):
            yield f"{SC}.service.{index}.client_alias.0", aliases[0]


class ServiceConnectDefaultTestHeader(Rule):
    id = "TFBG901"
    severity = Severity.INFO
    summary = "Service Connect blue/green without test_traffic_rules: test traffic uses the default header"
    resource_types = SERVICE
    source = SC_BLUE_GREEN

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        enabled = is_true(resource.get(f"{SC}.enabled"))
        if enabled is False:
            return
        # Only client aliases without test_traffic_rules (or that cannot be read) concern this rule.
        lacking = [(path, alias) for path, alias in client_aliases(resource)
                   if isinstance(alias, Unknown) or is_absent(alias.get("test_traffic_rules"))]
        if not lacking:
            return
        strategy = strategy_of(resource)
        non_rolling = is_non_rolling(strategy)
        if non_rolling is False:
            return
        if non_rolling is None or enabled is None:
            yield self.unproven(resource, f"whether {resource.address} deploys with Service Connect blue/green "
                                f"(strategy {strategy}, enabled) is not known statically", path=SC)
            return
        for path, alias in lacking:
            if isinstance(alias, Unknown):
                yield self.unproven(resource, f"the Service Connect client aliases of {resource.address} are not "
                                    "known statically", path=SC)
                continue
            yield self.finding(
                resource,
                f"{resource.address} deploys with {strategy} over Service Connect, and its client alias "
                f"(port {alias.get('port')}) has no test_traffic_rules: ECS sends test traffic to the new "
                f"revision only for requests carrying the default header {DEFAULT_TEST_HEADER}. Make sure "
                "your test clients send it, or declare your own header rule.",
                path=path,
                fix='test_traffic_rules {\n  header {\n    name = "x-test-header"\n'
                    '    value {\n      exact = "test-value"\n    }\n  }\n}',
            )


class RollingServiceTestTrafficRules(Rule):
    id = "TFBG902"
    severity = Severity.INFO
    summary = "test_traffic_rules on a ROLLING service have no effect"
    resource_types = SERVICE
    source = SC_BLUE_GREEN + " [inferred: test traffic exists only in blue/green-style deployments]"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        with_rules = []
        for path, alias in client_aliases(resource):
            if isinstance(alias, Unknown):
                continue
            rules = alias.get("test_traffic_rules")
            if not is_absent(rules) and not isinstance(rules, Unknown):
                with_rules.append(f"{path}.test_traffic_rules.0" if isinstance(rules, list) else f"{path}.test_traffic_rules")
        if not with_rules:
            return
        strategy = strategy_of(resource)
        non_rolling = is_non_rolling(strategy)
        if non_rolling is None:
            yield self.unproven(resource, f"the deployment strategy of {resource.address} is not known statically "
                                f"({strategy}; test_traffic_rules act only in BLUE_GREEN, LINEAR and CANARY "
                                "deployments)", path=with_rules[0])
            return
        if non_rolling:
            return
        deploys = f'strategy "{strategy}"' if strategy else "the default ROLLING strategy (no strategy set)"
        for path in with_rules:
            yield self.finding(
                resource,
                f"{resource.address} declares Service Connect test_traffic_rules but deploys with {deploys}: "
                "rolling deployments have no test traffic, so the rules do nothing. Remove them, or set "
                "deployment_configuration.strategy to BLUE_GREEN, LINEAR or CANARY.",
                path=path,
                fix='deployment_configuration {\n  strategy             = "BLUE_GREEN"\n  bake_time_in_minutes = 5\n}',
            )


RULES: list[Rule] = [
    ServiceConnectDefaultTestHeader(),
    RollingServiceTestTrafficRules(),
]
