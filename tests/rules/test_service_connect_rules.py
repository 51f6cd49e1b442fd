"""Group I rules on hand-built models."""

from validator.findings import Severity
from validator.model import Location, Model, Resource, Unknown
from validator.rules import service_connect


def service(strategy, rules, enabled=True) -> Resource:
    alias = {"port": 80, "dns_name": "app", "test_traffic_rules": rules}
    return Resource("aws_ecs_service.app", "aws_ecs_service", "app", location=Location("main.tf", 1), values={
        "deployment_configuration": [{"strategy": strategy}],
        "service_connect_configuration": [{"enabled": enabled, "service": [{"port_name": "http",
                                                                             "client_alias": [alias]}]}]})


def run(rule, resource):
    return list(rule.check(resource, Model()))


def test_unknown_strategy_is_unproven_for_both_rules():
    assert [f.severity for f in run(service_connect.ServiceConnectDefaultTestHeader(),
                                    service(Unknown("var.strategy"), []))] == [Severity.INFO]
    assert [f.severity for f in run(service_connect.RollingServiceTestTrafficRules(),
                                    service(Unknown("var.strategy"), [{"header": []}]))] == [Severity.INFO]


def test_disabled_service_connect_is_silent():
    assert run(service_connect.ServiceConnectDefaultTestHeader(), service("BLUE_GREEN", [], enabled=False)) == []


def test_plan_empty_rules_list_counts_as_absent():
    findings = run(service_connect.ServiceConnectDefaultTestHeader(), service("CANARY", []))
    assert [f.severity for f in findings] == [Severity.INFO]
    assert run(service_connect.RollingServiceTestTrafficRules(), service("", [])) == []
