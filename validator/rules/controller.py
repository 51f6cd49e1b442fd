"""Group D, ids TFBG4xx: Deployment controller, circuit breaker, rollback flags, provider versions (catalogue R-40..R-47).

R-44 (TFBG405, forbidden controller transitions) and R-47 (TFBG408, replacement on controller
change) need a plan's before/after and belong to the plan workstream; their ids stay free here.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable

from validator.findings import Finding, Severity
from validator.model import Location, Model, ProviderRequirement, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.helpers import controller_of, is_true, load_balancers, unresolved
from validator.version_constraints import ConstraintError, Version, lowest_admitted

SERVICE = ("aws_ecs_service",)


class CircuitBreakerWithNonEcsController(Rule):
    id = "TFBG401"
    severity = Severity.WARNING
    summary = "deployment_circuit_breaker on a service whose controller is CODE_DEPLOY or EXTERNAL"
    resource_types = SERVICE
    source = (
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html; "
        "cloudposse/terraform-aws-ecs-alb-service-task PR #165 [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        if is_absent(resource.get("deployment_circuit_breaker")):
            return
        controller = controller_of(resource)
        path = "deployment_circuit_breaker.0"
        if unresolved(controller):
            yield self.unproven(resource, f"{resource.address} has a deployment_circuit_breaker and its "
                                "deployment controller type is not known statically", path=path)
        elif controller in ("CODE_DEPLOY", "EXTERNAL"):
            yield self.finding(
                resource,
                f"{resource.address} uses the {controller} deployment controller, which does not support "
                "deployment_circuit_breaker (only the ECS controller does); the block is not applied and "
                "shows as a perpetual diff. Remove the deployment_circuit_breaker block.",
                path=path,
                fix="# delete the deployment_circuit_breaker block (only the ECS deployment controller uses it)",
            )


class CircuitBreakerWithClassicLoadBalancer(Rule):
    id = "TFBG402"
    severity = Severity.WARNING
    summary = "deployment_circuit_breaker enabled on a service behind a Classic Load Balancer (elb_name)"
    resource_types = SERVICE
    source = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        if is_absent(resource.get("deployment_circuit_breaker")):
            return
        enabled = is_true(resource.get("deployment_circuit_breaker.0.enable"))
        if enabled is False:
            return
        entries = load_balancers(resource)
        if isinstance(entries, Unknown):
            yield self.unproven(resource, f"the load_balancer blocks of {resource.address} are not known "
                                "statically (Classic Load Balancer with circuit breaker?)",
                                path="deployment_circuit_breaker.0")
            return
        classic = [entry.elb_name for entry in entries if entry.elb_name is not None]
        if not classic:
            return
        if enabled is None:
            yield self.unproven(resource, f"{resource.address} is behind a Classic Load Balancer and whether "
                                "deployment_circuit_breaker.enable is true is not known statically",
                                path="deployment_circuit_breaker.0.enable")
            return
        names = ", ".join(str(name) for name in classic)
        yield self.finding(
            resource,
            f"{resource.address} enables deployment_circuit_breaker but is behind a Classic Load Balancer "
            f"(elb_name {names}); the circuit breaker only works for services that are not behind a Classic "
            "Load Balancer. Move the service to an ALB/NLB target group or remove the circuit breaker.",
            path="deployment_circuit_breaker.0.enable",
            fix="# instead of elb_name (or delete deployment_circuit_breaker):\nload_balancer {\n"
                "  target_group_arn = aws_lb_target_group.app.arn\n  container_name   = \"app\"\n"
                "  container_port   = 80\n}",
        )


class SigintRollbackPreconditions(Rule):
    # The catalogue lists R-42 as ERROR. The provider source shows `sigint_rollback` as a plain
    # Optional bool (no RequiredWith/ConflictsWith) that is read only inside the steady-state waiter,
    # so nothing rejects it: it is silently ineffective. That is a WARNING by the catalogue's legend.
    id = "TFBG403"
    severity = Severity.WARNING
    summary = "sigint_rollback = true without wait_for_steady_state = true, or with a controller other than ECS"
    resource_types = SERVICE
    source = (
        "provider doc website/docs/r/ecs_service.html.markdown (sigint_rollback: \"Only applicable when using "
        "ECS deployment controller and requires wait_for_steady_state = true\"); "
        "internal/service/ecs/service.go (read only by waitServiceStable)"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        sigint = is_true(resource.get("sigint_rollback"))
        if sigint is False:
            return
        if sigint is None:
            # Only worth saying when the preconditions are visibly not met.
            if is_true(resource.get("wait_for_steady_state")) is False or controller_of(resource) not in ("ECS",):
                yield self.unproven(resource, f"sigint_rollback of {resource.address} is not known statically",
                                    path="sigint_rollback")
            return
        problems = []
        wait = is_true(resource.get("wait_for_steady_state"))
        if wait is None:
            yield self.unproven(resource, f"wait_for_steady_state of {resource.address} is not known statically "
                                "(sigint_rollback needs it true)", path="sigint_rollback")
            return
        if wait is False:
            problems.append("wait_for_steady_state is not true")
        controller = controller_of(resource)
        if unresolved(controller):
            yield self.unproven(resource, f"the deployment controller of {resource.address} is not known "
                                "statically (sigint_rollback needs ECS)", path="sigint_rollback")
            return
        if controller != "ECS":
            problems.append(f"the deployment controller is {controller}, not ECS")
        if problems:
            yield self.finding(
                resource,
                f"{resource.address} sets sigint_rollback = true but {' and '.join(problems)}; the provider only "
                "rolls back on interrupt while it waits for steady state under the ECS controller, so this "
                "setting does nothing. Set wait_for_steady_state = true (with the ECS controller) or remove "
                "sigint_rollback.",
                path="sigint_rollback",
                fix="wait_for_steady_state = true\nsigint_rollback       = true",
            )


class DaemonWithExternalController(Rule):
    id = "TFBG404"
    severity = Severity.ERROR
    summary = "scheduling_strategy = \"DAEMON\" with the CODE_DEPLOY or EXTERNAL deployment controller"
    resource_types = SERVICE
    source = (
        "provider doc website/docs/r/ecs_service.html.markdown (scheduling_strategy); ECS DG "
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html, "
        "deployment-type-external.html"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = resource.get("scheduling_strategy")
        if isinstance(strategy, (Ref, Unknown)):
            if controller_of(resource) in ("CODE_DEPLOY", "EXTERNAL"):
                yield self.unproven(resource, f"scheduling_strategy of {resource.address} is not known statically",
                                    path="scheduling_strategy")
            return
        if strategy != "DAEMON":
            return
        controller = controller_of(resource)
        if unresolved(controller):
            yield self.unproven(resource, f"{resource.address} uses DAEMON scheduling and its deployment "
                                "controller is not known statically", path="scheduling_strategy")
        elif controller in ("CODE_DEPLOY", "EXTERNAL"):
            yield self.finding(
                resource,
                f"{resource.address} uses scheduling_strategy = \"DAEMON\" with the {controller} deployment "
                "controller, which supports only REPLICA; ECS rejects the service. Use REPLICA or the ECS "
                "controller.",
                path="scheduling_strategy",
                fix='scheduling_strategy = "REPLICA"',
            )


SECOND_TARGET_GROUP_HOME = {
    "CODE_DEPLOY": "# keep one load_balancer block; the second target group goes into the deployment group's\n"
                   "# load_balancer_info.target_group_pair_info",
    "EXTERNAL": "# keep one load_balancer block; each aws_ecs_task_set names its own target group",
}


class LoadBalancerCountForController(Rule):
    id = "TFBG406"
    severity = Severity.ERROR
    summary = "CODE_DEPLOY service without load_balancer, or CODE_DEPLOY/EXTERNAL service with several"
    resource_types = SERVICE
    source = (
        "ECS DG https://docs.aws.amazon.com/AmazonECS/latest/developerguide/update-service-parameters.html; "
        "register-multiple-targetgroups.html (cited in internal/service/ecs/task_set.go)"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        controller = controller_of(resource)
        if unresolved(controller) or controller not in ("CODE_DEPLOY", "EXTERNAL"):
            return
        entries = load_balancers(resource)
        if isinstance(entries, Unknown):
            yield self.unproven(resource, f"the number of load_balancer blocks of {resource.address} "
                                f"({controller} controller) is not known statically", path="load_balancer")
            return
        if controller == "CODE_DEPLOY" and not entries:
            yield self.finding(
                resource,
                f"{resource.address} uses the CODE_DEPLOY deployment controller but has no load_balancer; "
                "CodeDeploy blue/green needs the service behind an ALB or NLB target group. Add one "
                "load_balancer block with the initial (blue) target group.",
                path="deployment_controller.0.type",
                fix="load_balancer {\n  target_group_arn = aws_lb_target_group.blue.arn\n"
                    "  container_name   = \"app\"\n  container_port   = 80\n}",
            )
        elif len(entries) > 1:
            yield self.finding(
                resource,
                f"{resource.address} uses the {controller} deployment controller with {len(entries)} "
                "load_balancer blocks; multiple target groups are supported only with the ECS controller. "
                "Keep exactly one load_balancer block.",
                path="load_balancer.1",
                fix=SECOND_TARGET_GROUP_HOME[controller],
            )


# Features of aws_ecs_service and the first hashicorp/aws release that has them (CHANGELOG.md).
PR_48128 = "the release carrying PR #48128"
NEWEST_WITHOUT_PR_48128 = Version(6, 25, 0)  # its schema (the one the test harness serves) lacks them
# The version is unknown to tfbg; "> 6.25.0" is necessary, the user verifies the rest.
UNRELEASED_FIX = f'version = "> {NEWEST_WITHOUT_PR_48128}"  # at least: the first release you verified has PR #48128'
V6_4, V6_6, V6_11, V6_14, V6_21 = (Version(6, 4), Version(6, 6), Version(6, 11), Version(6, 14), Version(6, 21))


@dataclasses.dataclass(frozen=True)
class FeatureUse:
    what: str  # e.g. 'deployment_configuration.strategy = "LINEAR"'
    needs: Version | None  # None: PR #48128, release unknown
    path: str
    address: str


def feature_uses(service: Resource) -> list[FeatureUse]:
    """The version-gated features a service uses, as far as their values are known."""
    uses: list[FeatureUse] = []

    def use(what: str, needs: Version | None, path: str) -> None:
        uses.append(FeatureUse(what, needs, path, service.address))

    strategy = service.get("deployment_configuration.0.strategy")
    if strategy in ("LINEAR", "CANARY"):
        use(f'deployment_configuration.strategy = "{strategy}"', V6_21, "deployment_configuration.0.strategy")
    elif strategy == "BLUE_GREEN":
        use('deployment_configuration.strategy = "BLUE_GREEN"', V6_4, "deployment_configuration.0.strategy")
    # "ROLLING" is not counted: a plan of an existing service shows the computed default there.
    for block in ("linear_configuration", "canary_configuration"):
        if not is_absent(service.get(f"deployment_configuration.0.{block}")) and not isinstance(
            service.get(f"deployment_configuration.0.{block}"), (Ref, Unknown)
        ):
            use(f"deployment_configuration.{block}", V6_21, f"deployment_configuration.0.{block}")
    bake = service.get("deployment_configuration.0.bake_time_in_minutes")
    if not is_absent(bake) and not isinstance(bake, (Ref, Unknown)):
        use("deployment_configuration.bake_time_in_minutes", V6_4, "deployment_configuration.0.bake_time_in_minutes")
    hooks = service.get("deployment_configuration.0.lifecycle_hook")
    if isinstance(hooks, list) and hooks:
        use("deployment_configuration.lifecycle_hook", V6_4, "deployment_configuration.0.lifecycle_hook.0")
        for index, hook in enumerate(hooks):
            if not isinstance(hook, dict):
                continue
            base = f"deployment_configuration.0.lifecycle_hook.{index}"
            if not is_absent(hook.get("hook_details")):
                use("lifecycle_hook.hook_details", V6_14, f"{base}.hook_details")
            for attribute in ("target_type", "timeout_configuration"):
                if not is_absent(hook.get(attribute)):
                    use(f"lifecycle_hook.{attribute}", None, f"{base}.{attribute}")
    entries = load_balancers(service)
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry.advanced, dict):
            continue  # absent, or not known statically
        use("load_balancer.advanced_configuration", V6_4, entry.advanced_path())
        if entry.advanced_value("test_listener_rule") is None:
            # Before 6.6.0 an omitted test_listener_rule was sent as "" and the API rejected it (#43552).
            use("advanced_configuration without test_listener_rule", V6_6, entry.advanced_path())
    services = service.get("service_connect_configuration.0.service")
    if isinstance(services, list):
        for index, connect_service in enumerate(services):
            aliases = connect_service.get("client_alias") if isinstance(connect_service, dict) else None
            alias = aliases[0] if isinstance(aliases, list) and aliases else None
            if isinstance(alias, dict) and not is_absent(alias.get("test_traffic_rules")) and not isinstance(
                alias.get("test_traffic_rules"), (Ref, Unknown)
            ):
                use("service_connect_configuration.service.client_alias.test_traffic_rules", V6_4,
                    f"service_connect_configuration.0.service.{index}.client_alias.0.test_traffic_rules")
    if is_true(service.get("sigint_rollback")):
        use("sigint_rollback", V6_11, "sigint_rollback")
    return uses


def aws_requirements(model: Model) -> list[ProviderRequirement]:
    return [
        p for p in model.providers
        if p.source.lower().endswith("hashicorp/aws") or (p.name == "aws" and not p.source)
    ]


class ProviderVersionAdmitsMissingFeatures(Rule):
    id = "TFBG407"
    severity = Severity.WARNING
    summary = "hashicorp/aws version constraint admits versions that lack ECS deployment features in use"
    resource_types = SERVICE
    source = "hashicorp/terraform-provider-aws CHANGELOG.md (6.4.0 #43434, 6.6.0 #43558, 6.11.0 #43986, 6.14.0 #44289, 6.21.0 #44842); PR #48128"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        requirements = aws_requirements(model)
        anchor = self._anchor(resource, requirements)
        # One finding per place to fix: the first service (in model order) that uses a gated feature
        # reports for all services that share its anchor.
        groups = model.memo(f"{self.id}.groups", lambda: self._groups(model, requirements))
        reporter, uses = groups.get(anchor, (None, []))
        if reporter is not resource:
            return
        constraints = [p.version_constraint for p in requirements if p.version_constraint]
        try:
            lowest = lowest_admitted(constraints)
        except ConstraintError as error:
            yield self._at(anchor, self.unproven(resource, f"cannot read the hashicorp/aws version constraint: {error}"))
            return
        if lowest is None:
            return  # nothing admitted: terraform init fails on its own
        known = [u for u in uses if u.needs is not None]
        needed = max((u.needs for u in known), default=None)
        lacking = [u for u in known if lowest < u.needs]
        unreleased = [u for u in uses if u.needs is None]
        if constraints:
            admits = "The hashicorp/aws version constraint " + " and ".join(f'"{c}"' for c in constraints) + " admits"
        else:
            admits = "There is no version constraint on hashicorp/aws, so Terraform may install any version, such as"
        if lacking and not constraints:
            lowest = Version(needed.major, needed.minor - 1, 0) if needed.minor else Version(needed.major - 1, 0, 0)
        if lacking:
            by_version: dict[Version, list[str]] = {}
            for u in _unique(lacking):
                by_version.setdefault(u.needs, []).append(f"{u.what} in {u.address}")
            features = "; ".join(f"{version} for {', '.join(whats)}"
                                 for version, whats in sorted(by_version.items(), reverse=True))
            message = (f"{admits} {lowest}, which lacks features this configuration uses (first release: "
                       f"{features}). Require at least {needed}.")
            if unreleased:
                message += (f" Also lifecycle_hook target_type/timeout_configuration need {PR_48128} (not named "
                            "in the CHANGELOG; later than 6.25.0): raise the bound to a version you verified has them.")
            finding = self.finding(resource, message, path=lacking[0].path, related=sorted({u.address for u in uses}),
                                   fix=UNRELEASED_FIX if unreleased else f'version = ">= {needed}"')
            yield self._at(anchor, finding)
        elif unreleased:
            what = ", ".join(sorted({u.what for u in unreleased}))
            if not lowest > NEWEST_WITHOUT_PR_48128:
                finding = self.finding(
                    resource,
                    f"{admits} {lowest}, but {what} ({unreleased[0].address}) exist only in "
                    f"{PR_48128}, which is later than 6.25.0 (the CHANGELOG read does not name the release). "
                    "Raise the lower bound to a provider version you verified has them.",
                    path=unreleased[0].path, related=sorted({u.address for u in uses}),
                    fix=UNRELEASED_FIX,
                )
                yield self._at(anchor, finding)
            else:
                yield self._at(anchor, self.unproven(
                    resource,
                    f"{what} ({unreleased[0].address}) need {PR_48128}; whether hashicorp/aws {lowest} "
                    "(the oldest version the constraint admits) has it is not known to tfbg",
                    path=unreleased[0].path))

    def _groups(self, model: Model, requirements: list[ProviderRequirement]) -> dict:
        groups: dict[Location | None, tuple[Resource, list[FeatureUse]]] = {}
        for service in model.by_type(*SERVICE):
            uses = feature_uses(service)
            if not uses:
                continue
            anchor = self._anchor(service, requirements)
            reporter, collected = groups.get(anchor, (service, []))
            groups[anchor] = (reporter, collected + uses)
        return groups

    @staticmethod
    def _anchor(service: Resource, requirements: list[ProviderRequirement]) -> Location | None:
        """Where to fix: the constraint of the service's own module, else the root's, else any."""
        with_version = [p for p in requirements if p.version_constraint]
        for candidates in ([p for p in with_version if p.module == service.module],
                           [p for p in with_version if p.module == ""], with_version):
            if candidates:
                return candidates[0].location
        return None

    @staticmethod
    def _at(anchor: Location | None, finding: Finding) -> Finding:
        # Without any constraint the finding stays at the feature's own line.
        return dataclasses.replace(finding, location=anchor) if anchor is not None else finding


def _unique(uses: list[FeatureUse]) -> list[FeatureUse]:
    seen: dict[tuple[str, str], FeatureUse] = {}
    for use in uses:
        seen.setdefault((use.what, use.address), use)
    return list(seen.values())


RULES: list[Rule] = [
    CircuitBreakerWithNonEcsController(),
    CircuitBreakerWithClassicLoadBalancer(),
    SigintRollbackPreconditions(),
    DaemonWithExternalController(),
    LoadBalancerCountForController(),
    ProviderVersionAdmitsMissingFeatures(),
]
