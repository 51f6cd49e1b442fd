"""TFBG101-TFBG106, TFBG121, TFBG122: the shape of `deployment_configuration` on `aws_ecs_service`."""

from __future__ import annotations

from typing import Iterable

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent, to_number
from validator.rules.base import Rule
from validator.rules.helpers import controller_of, describe, is_non_rolling, load_balancers, strategy_of, unresolved

SERVICE = ("aws_ecs_service",)
CONFIG = "deployment_configuration.0"
# The strategy-specific block, its required percent, and the only strategy the provider sends it with.
STRATEGY_BLOCKS = (
    ("linear_configuration", "step_percent", "LINEAR"),
    ("canary_configuration", "canary_percent", "CANARY"),
)


class StrategyNeedsEcsController(Rule):
    id = "TFBG101"
    severity = Severity.ERROR
    summary = "BLUE_GREEN, LINEAR and CANARY strategies need deployment_controller type ECS"
    resource_types = SERVICE
    source = (
        "ECS DG blue-green-/linear-/canary-deployment-implementation.html "
        '("Set the service deployment controller to ECS"); API_LinearConfiguration.html'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        controller = controller_of(resource)
        non_rolling = is_non_rolling(strategy)
        path = "deployment_controller.0.type"
        if non_rolling is False or controller == "ECS":
            return
        if non_rolling is None and isinstance(controller, str):
            yield self.unproven(
                resource,
                f"{resource.address} has deployment_controller type {describe(controller)} and a strategy "
                f"that is not known statically ({strategy}); strategies other than ROLLING need the ECS controller",
                path=f"{CONFIG}.strategy",
            )
            return
        if not isinstance(controller, str):
            yield self.unproven(
                resource,
                f"{resource.address} uses strategy {describe(strategy)}, which needs deployment_controller "
                f"type ECS, but the controller type is not known statically ({controller})",
                path=path,
            )
            return
        yield self.finding(
            resource,
            f"{resource.address} uses deployment_configuration.strategy {describe(strategy)} with "
            f"deployment_controller type {describe(controller)}; ECS-managed strategies run only under the "
            f'ECS controller: set deployment_controller {{ type = "ECS" }} or use strategy "ROLLING"',
            path=path,
            fix='deployment_controller {\n  type = "ECS"\n}',
        )


class BlueGreenNeedsBakeTime(Rule):
    id = "TFBG102"
    severity = Severity.ERROR
    summary = "strategy BLUE_GREEN without bake_time_in_minutes"
    resource_types = SERVICE
    source = (
        'API API_DeploymentConfiguration.html (bakeTimeInMinutes: "You must provide this parameter when you '
        'use the BLUE_GREEN deployment strategy")'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        bake = resource.get(f"{CONFIG}.bake_time_in_minutes")
        if unresolved(strategy):
            if is_absent(bake):
                yield self.unproven(
                    resource,
                    f"{resource.address} has no bake_time_in_minutes and its strategy is not known statically "
                    f"({strategy}); the API requires bake_time_in_minutes for BLUE_GREEN",
                    path=f"{CONFIG}.strategy",
                )
            return
        if strategy != "BLUE_GREEN":
            return
        if isinstance(bake, (Ref, Unknown)):
            yield self.unproven(
                resource,
                f"{resource.address} uses strategy BLUE_GREEN and bake_time_in_minutes is not known statically "
                f"({bake}); the API requires it for BLUE_GREEN",
                path=f"{CONFIG}.strategy",
            )
            return
        if is_absent(bake):
            yield self.finding(
                resource,
                f"{resource.address} uses strategy BLUE_GREEN without deployment_configuration.bake_time_in_minutes; "
                "the ECS API requires it for BLUE_GREEN: add bake_time_in_minutes (0-1440)",
                path=f"{CONFIG}.strategy",
                fix="deployment_configuration {\n  strategy             = \"BLUE_GREEN\"\n  bake_time_in_minutes = 5\n}",
            )


class StepOrCanaryPercentMissing(Rule):
    id = "TFBG103"
    severity = Severity.ERROR
    summary = "linear_configuration without step_percent, or canary_configuration without canary_percent"
    resource_types = SERVICE
    source = (
        'Provider src internal/service/ecs/service.go expandLinearConfiguration/expandCanaryConfiguration ("step_percent '
        'is required for linear deployment configuration", "canary_percent is required for canary deployment configuration")'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        for block, attribute, wanted in STRATEGY_BLOCKS:
            if strategy is None or (isinstance(strategy, str) and strategy != wanted):
                continue  # the provider only expands the block for its own strategy (TFBG104)
            configuration = resource.get(f"{CONFIG}.{block}")
            if is_absent(configuration) or isinstance(configuration, (Ref, Unknown)):
                continue  # absent: API defaults apply; unknown: Optional+Computed in a plan
            value = resource.get(f"{CONFIG}.{block}.0.{attribute}")
            if isinstance(value, (Ref, Unknown)):
                # A plan shows an omitted Optional+Computed attribute as unknown: it may be missing.
                yield self.unproven(
                    resource,
                    f"{resource.address} deployment_configuration.{block}.{attribute} is not known statically "
                    f"({value}); the provider requires it for strategy {wanted}",
                    path=f"{CONFIG}.{block}.0",
                )
                continue
            if value is None and unresolved(strategy):
                yield self.unproven(
                    resource,
                    f"{resource.address} has deployment_configuration.{block} without {attribute}; the provider "
                    f"requires it if the strategy, not known statically ({strategy}), is {wanted}",
                    path=f"{CONFIG}.{block}.0",
                )
            elif value is None:
                yield self.finding(
                    resource,
                    f"{resource.address} has deployment_configuration.{block} without {attribute}; the provider requires "
                    f'it ("{attribute} is required for {wanted.lower()} deployment configuration"): set {attribute}',
                    path=f"{CONFIG}.{block}.0",
                    fix=f"{block} {{\n  {attribute} = {'10' if wanted == 'LINEAR' else '5'}\n}}",
                )


class ConfigurationForOtherStrategy(Rule):
    id = "TFBG104"
    severity = Severity.WARNING
    summary = "linear_configuration / canary_configuration with a different strategy is silently dropped"
    resource_types = SERVICE
    source = (
        "Provider src internal/service/ecs/service.go (linear/canary configuration only sent for their strategy); "
        'API API_LinearConfiguration.html / API_CanaryConfiguration.html ("only valid when ... strategy set to LINEAR/CANARY")'
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        if not isinstance(strategy, str):
            return  # no strategy: TFBG105; unknown: nothing can be told
        for block, _, wanted in STRATEGY_BLOCKS:
            configuration = resource.get(f"{CONFIG}.{block}")
            if is_absent(configuration) or isinstance(configuration, (Ref, Unknown)) or strategy == wanted:
                continue
            yield self.finding(
                resource,
                f"{resource.address} sets deployment_configuration.{block} but strategy is {describe(strategy)}; "
                f'the provider only sends {block} with strategy "{wanted}" and drops it silently: '
                f'remove the block or set strategy = "{wanted}"',
                path=f"{CONFIG}.{block}.0",
                fix=f'strategy = "{wanted}"  # or remove {block}',
            )


class SettingsWithoutStrategy(Rule):
    id = "TFBG105"
    severity = Severity.WARNING
    summary = "bake time, lifecycle hooks or linear/canary settings without a strategy are not sent on create"
    resource_types = SERVICE
    source = 'Provider src internal/service/ecs/service.go resourceServiceCreate (only sent when strategy != "")'

    SETTINGS = ("bake_time_in_minutes", "lifecycle_hook", "linear_configuration", "canary_configuration")

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        configuration = resource.get("deployment_configuration")
        if is_absent(configuration) or not isinstance(configuration, list):
            return
        strategy = resource.get(f"{CONFIG}.strategy")
        settings = [
            name
            for name in self.SETTINGS
            if not is_absent(resource.get(f"{CONFIG}.{name}"))
            and not isinstance(resource.get(f"{CONFIG}.{name}"), (Ref, Unknown))
        ]
        if not settings:
            return
        named = ", ".join(settings)
        if isinstance(strategy, (Ref, Unknown)):
            yield self.unproven(
                resource,
                f"{resource.address} sets {named} and deployment_configuration.strategy is not known statically "
                f"({strategy}); without a strategy the provider does not send them when it creates the service",
                path=CONFIG,
            )
            return
        if is_absent(strategy):
            yield self.finding(
                resource,
                f"{resource.address} sets deployment_configuration {named} without a strategy; on create the "
                'provider sends none of them: set strategy (e.g. "BLUE_GREEN")',
                path=CONFIG,
                fix=f'strategy = "BLUE_GREEN"  # in deployment_configuration, next to {named}',
            )


class PercentNotMultipleOfTenth(Rule):
    id = "TFBG106"
    severity = Severity.ERROR
    summary = "step_percent / canary_percent is not a multiple of 0.1"
    resource_types = SERVICE
    source = "API API_LinearConfiguration.html / API_CanaryConfiguration.html (multiples of 0.1)"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        for block, attribute, wanted in STRATEGY_BLOCKS:
            if strategy is None or (isinstance(strategy, str) and strategy != wanted):
                continue  # the provider does not send the block (TFBG104, TFBG105): the API never sees it
            path = f"{CONFIG}.{block}.0.{attribute}"
            value = resource.get(path)
            if is_absent(value):
                continue
            if isinstance(value, Unknown):
                continue  # in a plan an omitted Optional+Computed value is unknown too: TFBG103 speaks
            if isinstance(value, Ref):
                if isinstance(resource.get(f"{CONFIG}.{block}"), list):
                    yield self.unproven(
                        resource, f"{resource.address} {block}.{attribute} is not known statically ({value})", path=path
                    )
                continue
            number = to_number(value)
            if number is None:
                continue
            tenths = number * 10
            if abs(tenths - round(tenths)) <= 1e-9:
                continue
            if not isinstance(strategy, str):
                yield self.unproven(
                    resource,
                    f"{resource.address} sets {block}.{attribute} = {value}, which the ECS API rejects (only multiples "
                    f"of 0.1) if the strategy, not known statically ({strategy}), is {wanted}",
                    path=path,
                )
                continue
            yield self.finding(
                resource,
                f"{resource.address} sets {block}.{attribute} = {value}; the ECS API accepts only multiples "
                f"of 0.1: use {round(number, 1)}",
                path=path,
                fix=f"{attribute} = {round(number, 1)}",
            )


class HeadlessStrategy(Rule):
    id = "TFBG121"
    severity = Severity.INFO
    summary = "non-ROLLING strategy without load balancer or Service Connect shifts no traffic (headless)"
    resource_types = SERVICE
    source = "ECS DG blue-green-deployment-implementation.html; provider LINEAR/CANARY acceptance tests (headless)"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        if is_non_rolling(strategy) is not True:
            return
        entries = load_balancers(resource)
        connect = resource.get("service_connect_configuration")
        lattice = resource.get("vpc_lattice_configurations")
        if isinstance(entries, Unknown) or entries:
            return
        if not is_absent(connect) or not is_absent(lattice):
            return
        yield self.finding(
            resource,
            f"{resource.address} uses strategy {describe(strategy)} with no load_balancer and no "
            "service_connect_configuration: ECS replaces tasks with bake time and hooks but shifts no traffic; "
            "add a load_balancer with advanced_configuration (or Service Connect) for managed traffic shifting",
            path=f"{CONFIG}.strategy",
        )


class LatticeBlueGreen(Rule):
    id = "TFBG122"
    severity = Severity.INFO
    summary = "vpc_lattice_configurations with a non-ROLLING strategy: Lattice blue/green is not expressible in Terraform"
    resource_types = SERVICE
    source = "Provider src service.go (vpc_lattice_configurations: role_arn, target_group_arn, port_name only); ECS DG vpc-lattice-resources-for-blue-green.html"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        lattice = resource.get("vpc_lattice_configurations")
        if is_non_rolling(strategy) is not True or is_absent(lattice) or isinstance(lattice, (Ref, Unknown)):
            return
        yield self.finding(
            resource,
            f"{resource.address} combines strategy {describe(strategy)} with vpc_lattice_configurations; the provider "
            "has no alternate target group or listener rule attributes for VPC Lattice, so traffic behind Lattice is "
            "not shifted: shift traffic through a load_balancer with advanced_configuration or Service Connect",
            path="vpc_lattice_configurations.0",
        )
