"""Group B, ids TFBG212-TFBG216: broad grants on EVERY role and user the configuration defines, and
trust policies that are not trust policies.

TFBG209 reports Action "*", service wildcards and admin managed policies on the three deployment
roles (infrastructure, hook, CodeDeploy). Delivering a service involves more principals: the role a
CI system assumes through an OIDC provider, CodePipeline and CodeBuild roles, deploy users with access
keys, task roles. These rules ask the same questions of every other `aws_iam_role` and `aws_iam_user`
and say who can act as the principal (its trust policy), because that decides what the grant exposes.

Only grants that are written (statements, attached policies) and known are reported: a policy whose
content is not known statically proves nothing either way and is left to the rules that need it.
Severity is warning: a broad grant breaks no deployment; that it is too much is tfbg's judgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from validator.findings import Finding, Severity
from validator.iam import managed
from validator.iam.collect import Attachment, IamIndex, iam_index, role_matches
from validator.iam.patterns import glob_match
from validator.iam.policy import Origin, Policy, Statement
from validator.model import Model, Ref, Resource, Unknown
from validator.rules.base import Rule
from validator.rules.iam import _deployment_roles

PRINCIPAL_TYPES = ("aws_iam_role", "aws_iam_user")
IAM_USER_GUIDE = "IAM User Guide best-practices.html (grant least privilege), id_roles_use_passrole.html"
_SERVICE_WILDCARD = re.compile(r"^([a-z0-9-]+):\*$", re.IGNORECASE)
_ANY_ROLE = "arn:aws:iam::123456789012:role/any-role-name"


@dataclass(frozen=True)
class Grant:
    kind: str  # "admin" | "iam" | "service" | "passrole"
    what: str  # as shown: 'Action "*" on "*"', 'AWS managed policy AdministratorAccess', ...
    where: str  # the resource that writes or attaches it


def principal_policies(index: IamIndex, model: Model, principal: Resource) -> list[Policy]:
    """The identity policies of a role (the shared IAM index) or a user (collected here: direct
    inline policies and attachments, and those of the groups it is a member of)."""
    if principal.type == "aws_iam_role":
        return list(index.role(principal).permissions)
    return index.memo(f"user_policies:{principal.address}", lambda: _user_policies(index, model, principal))


def _user_policies(index: IamIndex, model: Model, user: Resource) -> list[Policy]:
    policies: list[Policy] = []
    for resource in model.by_type("aws_iam_user_policy"):
        if role_matches(resource.values.get("user"), user):
            policies.append(index.policy_from_value(resource.values.get("policy"), Origin(resource.address, "policy"), resource.address))
    for resource in model.by_type("aws_iam_user_policy_attachment"):
        if role_matches(resource.values.get("user"), user):
            policies.append(index.attached_policy(Attachment(resource.values.get("policy_arn"), Origin(resource.address, "policy_arn"))))
    for resource in model.by_type("aws_iam_policy_attachment"):
        users = resource.values.get("users")
        if isinstance(users, list) and any(role_matches(u, user) for u in users):
            policies.append(index.attached_policy(Attachment(resource.values.get("policy_arn"), Origin(resource.address, "policy_arn"))))
    for group in _groups_of(model, user):
        for resource in model.by_type("aws_iam_group_policy"):
            if role_matches(resource.values.get("group"), group):
                policies.append(index.policy_from_value(resource.values.get("policy"), Origin(resource.address, "policy"), resource.address))
        for resource in model.by_type("aws_iam_group_policy_attachment"):
            if role_matches(resource.values.get("group"), group):
                policies.append(index.attached_policy(Attachment(resource.values.get("policy_arn"), Origin(resource.address, "policy_arn"))))
        for resource in model.by_type("aws_iam_policy_attachment"):
            groups = resource.values.get("groups")
            if isinstance(groups, list) and any(role_matches(g, group) for g in groups):
                policies.append(index.attached_policy(Attachment(resource.values.get("policy_arn"), Origin(resource.address, "policy_arn"))))
    return policies


def _groups_of(model: Model, user: Resource) -> list[Resource]:
    names: list[Any] = []
    for membership in model.by_type("aws_iam_user_group_membership"):
        if role_matches(membership.values.get("user"), user):
            names.extend(membership.values.get("groups") or [])
    for membership in model.by_type("aws_iam_group_membership"):
        users = membership.values.get("users")
        if isinstance(users, list) and any(role_matches(u, user) for u in users):
            names.append(membership.values.get("group"))
    return [g for g in model.by_type("aws_iam_group") if any(role_matches(n, g) for n in names)]


def grants(policies: list[Policy]) -> list[Grant]:
    """The broad grants among known policies, each once."""
    found: list[Grant] = []
    for policy in policies:
        if policy.managed_arn:
            known = managed.lookup(policy.managed_arn) or _listed(policy.managed_arn)
            name = known.name if known else None
            if name == "AdministratorAccess":
                found.append(Grant("admin", "the AWS managed policy AdministratorAccess", policy.origin.address))
                continue
            if name == "PowerUserAccess":
                found.append(Grant("service", "the AWS managed policy PowerUserAccess (every service but IAM and Organizations)", policy.origin.address))
                continue
            if name == "IAMFullAccess":
                found.append(Grant("iam", "the AWS managed policy IAMFullAccess (iam:*)", policy.origin.address))
                continue
        for statement in policy.statements:
            grant = _broad(statement)
            if grant is not None:
                found.append(grant)
    unique: list[Grant] = []
    for grant in found:
        if grant not in unique:
            unique.append(grant)
    return unique


def _boundary_kinds(index: IamIndex, model: Model, principal: Resource) -> set[str] | None:
    """The broad grant kinds the principal's permissions boundary allows; None without a boundary.
    A boundary whose content is not known allows nothing provable."""
    value = principal.values.get("permissions_boundary")
    if value is None:
        return None
    if principal.type == "aws_iam_role":
        boundary = index.role(principal).boundary
    else:
        boundary = index.attached_policy(Attachment(value, Origin(principal.address, "permissions_boundary")))
    if boundary is None:
        return None
    if boundary.unknown:
        return set()
    kinds = {g.kind for g in grants([boundary])}
    if "admin" in kinds:
        kinds |= {"iam", "service", "passrole"}
    if "iam" in kinds:
        kinds.add("passrole")
    return kinds


def _listed(arn: str):
    parsed = managed.parse_aws_managed_arn(arn)
    return managed.listed_by_name(parsed[2], "/" + parsed[1]) if parsed else None


def _on_everything(statement: Statement) -> bool:
    resources = statement.resources
    return isinstance(resources, list) and any(r == "*" for r in resources) and statement.not_resources is None


def _broad(statement: Statement) -> Grant | None:
    if not statement.is_allow or not isinstance(statement.conditions, list) or statement.conditions:
        return None  # a condition scopes the grant (source IP, tags, MFA): not judged here
    where = statement.origin.address
    if not _on_everything(statement):
        if _passes_any_role(statement):
            return Grant("passrole", "iam:PassRole on every role, to any service", where)
        return None
    if isinstance(statement.not_actions, list):
        return Grant("admin", "every action but a NotAction list, on \"*\"", where)
    patterns = [p for p in statement.actions if isinstance(p, str)] if isinstance(statement.actions, list) else []
    if any(p in ("*", "*:*") for p in patterns):
        return Grant("admin", 'Action "*" on "*"', where)
    for pattern in patterns:
        match = _SERVICE_WILDCARD.match(pattern)
        if match and match.group(1).lower() == "iam":
            return Grant("iam", f'"{pattern}" on "*"', where)
    for pattern in patterns:
        if _SERVICE_WILDCARD.match(pattern):
            return Grant("service", f'"{pattern}" on "*"', where)
    if _passes_any_role(statement):
        return Grant("passrole", "iam:PassRole on every role, to any service", where)
    return None


def _passes_any_role(statement: Statement) -> bool:
    patterns = [p for p in statement.actions if isinstance(p, str)] if isinstance(statement.actions, list) else []
    if not any(p not in ("*", "*:*") and not p.lower() == "iam:*" and glob_match(p, "iam:PassRole", ignore_case=True) for p in patterns):
        return False
    resources = statement.resources
    return isinstance(resources, list) and any(isinstance(r, str) and glob_match(r, _ANY_ROLE) for r in resources)


# -- who can act as the principal -------------------------------------------------------------------

_CI_PROVIDERS = {
    "token.actions.githubusercontent.com": "GitHub Actions",
    "gitlab.com": "GitLab CI",
    "app.terraform.io": "HCP Terraform",
    "oidc.circleci.com": "CircleCI",
    "api.bitbucket.org": "Bitbucket Pipelines",
}
_SERVICES = {
    "codebuild.amazonaws.com": "CodeBuild",
    "codepipeline.amazonaws.com": "CodePipeline",
    "codedeploy.amazonaws.com": "CodeDeploy",
    "ecs-tasks.amazonaws.com": "ECS tasks (task role)",
    "ecs.amazonaws.com": "ECS",
    "lambda.amazonaws.com": "Lambda functions",
    "ec2.amazonaws.com": "EC2 instances",
}


def who_can_assume(index: IamIndex, model: Model, principal: Resource) -> str:
    if principal.type == "aws_iam_user":
        return f"the IAM user {_name(principal)} (its access keys or console password)"
    trust = index.role(principal).trust
    if trust is None or trust.unknown:
        return "principals its trust policy names (not known statically)"
    who: list[str] = []
    for statement in trust.statements:
        if not statement.is_allow:
            continue
        if isinstance(statement.principals, Unknown):
            who.append(f"principals not known statically ({statement.principals})")
            continue
        if not isinstance(statement.principals, dict):
            continue
        for kind, values in statement.principals.items():
            if isinstance(values, Unknown):
                who.append(f"{kind} principals not known statically")
                continue
            for value in values:
                who.append(_describe_principal(kind, value, statement, model))
    unique = list(dict.fromkeys(w for w in who if w))
    return ", ".join(unique) if unique else "no one: its trust policy names no principal"


def _describe_principal(kind: str, value: Any, statement: Statement, model: Model) -> str:
    if kind == "*" or value == "*":
        return "ANY AWS principal (Principal \"*\")"
    if kind == "Service":
        return _SERVICES.get(value, value) if isinstance(value, str) else "a service (not known statically)"
    if kind == "Federated":
        provider = _provider_url(value, model)
        ci = next((label for host, label in _CI_PROVIDERS.items() if provider and host in provider), None)
        subjects = _subjects(statement)
        if ci:
            scope = f" for {', '.join(subjects)}" if subjects else " for ANY repository or project (no :sub condition)"
            return f"{ci} through the OIDC provider {provider}{scope}"
        return f"web identities of {provider or value}"
    if kind == "AWS":
        if isinstance(value, str):
            return f"the AWS principal {value}"
        return f"the AWS principal {value.why if isinstance(value, Unknown) else value} (not known statically)"
    return f"{kind} {value}"


def _provider_url(value: Any, model: Model) -> str | None:
    if isinstance(value, Ref):
        target = model.resolve(value)
        if isinstance(target, Resource):
            url = target.values.get("url")
            if isinstance(url, str):
                return url.removeprefix("https://")
        return value.address
    if isinstance(value, str):
        return value.split(":oidc-provider/", 1)[-1]
    return None


def _subjects(statement: Statement) -> list[str]:
    if not isinstance(statement.conditions, list):
        return []
    return [v for c in statement.conditions if c.key.lower().endswith(":sub") for v in c.values if isinstance(v, str)]


def _name(principal: Resource) -> str:
    name = principal.values.get("name")
    return f'"{name}"' if isinstance(name, str) else principal.address


# -- the rules --------------------------------------------------------------------------------------


class _BroadGrantRule(Rule):
    severity = Severity.WARNING
    resource_types = PRINCIPAL_TYPES
    source = IAM_USER_GUIDE + " [inferred severity]"
    kind = ""
    advice = ""

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        index = iam_index(model)
        if resource.address in _deployment_roles(index, model):
            return  # TFBG209 reports broad grants on the infrastructure, hook and CodeDeploy roles
        every = grants(principal_policies(index, model, resource))
        capped = _boundary_kinds(index, model, resource)
        if capped is not None:
            # A permissions boundary caps what the policies grant: only what it also grants broadly counts.
            every = [g for g in every if g.kind in capped]
        found = [g for g in every if g.kind == self.kind]
        covered_by = {"iam": ("admin",), "service": ("admin",), "passrole": ("admin", "iam")}.get(self.kind, ())
        if not found or any(g.kind in covered_by for g in every):
            return  # a broader grant on the same principal is reported by its own rule
        who = who_can_assume(index, model, resource)
        kind = "role" if resource.type == "aws_iam_role" else "user"
        listed = "; ".join(f"{g.what} ({g.where})" for g in found)
        yield self.finding(
            resource,
            f"The {kind} {resource.address} is granted {listed}. Who can act with it: {who}. {self.advice}",
            related=sorted({g.where for g in found} - {resource.address}),
        )


class AdminOnPrincipal(_BroadGrantRule):
    id = "TFBG212"
    summary = 'Role or user granted everything: AdministratorAccess, Action "*" on "*", or NotAction on "*"'
    kind = "admin"
    advice = "Whoever can act with it controls the account; grant only the actions it needs."


class IamWildcardOnPrincipal(_BroadGrantRule):
    id = "TFBG213"
    summary = 'Role or user granted iam:* on "*" (or IAMFullAccess): it can grant itself anything'
    kind = "iam"
    advice = "iam:* lets it create and attach any policy, i.e. become an administrator; grant the IAM actions it needs on the roles it manages."


class ServiceWildcardOnPrincipal(_BroadGrantRule):
    id = "TFBG214"
    summary = 'Role or user granted a whole service ("ecs:*", "elasticloadbalancing:*", ...) on "*", or PowerUserAccess'
    kind = "service"
    advice = "Grant the actions it calls, on the resources it deploys."


class PassAnyRoleOnPrincipal(_BroadGrantRule):
    id = "TFBG215"
    summary = "Role or user allowed iam:PassRole on every role without an iam:PassedToService condition"
    kind = "passrole"
    advice = "It can hand any role of the account to any service (e.g. an admin role to a task it starts); name the roles and the iam:PassedToService."




class TrustPolicyShape(Rule):
    """IAM refuses a role whose trust policy is not one: a statement without `Principal`, or with a
    `Resource` (typically a permissions document passed as assume_role_policy by mistake)."""

    id = "TFBG216"
    severity = Severity.ERROR
    summary = "Role trust policy (assume_role_policy) with a statement that names no Principal or names a Resource"
    resource_types = ("aws_iam_role",)
    source = (
        "IAM User Guide reference_policies_elements_principal.html (a role trust policy must name a Principal), "
        "reference_policies_elements_resource.html; IAM API CreateRole MalformedPolicyDocument ('Has prohibited field "
        "Resource', 'Missing required field Principal')"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        trust = iam_index(model).role(resource).trust
        if trust is None or trust.unknown:
            return
        for statement in trust.statements:
            problems = []
            if statement.principals is None and statement.not_principals is None:
                problems.append("names no Principal")
            if isinstance(statement.resources, list) or isinstance(statement.not_resources, list):
                problems.append("names a Resource, which a trust policy may not")
            if not problems:
                continue
            where = statement.origin.address
            yield self.finding(
                resource,
                f"The trust policy (assume_role_policy) of {resource.address}, from {where}, has a statement that "
                f"{' and '.join(problems)}: IAM rejects it (MalformedPolicyDocument) and the role is not created. "
                "Is a permissions policy passed as the trust policy?",
                path="assume_role_policy",
                fix=(
                    "assume_role_policy = jsonencode({\n"
                    '  Version = "2012-10-17"\n'
                    '  Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", '
                    'Principal = { Service = "<service>.amazonaws.com" } }]\n'
                    "})\n# and attach the permissions with aws_iam_role_policy / aws_iam_role_policy_attachment"
                ),
                related=[where] if where != resource.address else [],
            )
            return


RULES: list[Rule] = [
    AdminOnPrincipal(),
    IamWildcardOnPrincipal(),
    ServiceWildcardOnPrincipal(),
    PassAnyRoleOnPrincipal(),
    TrustPolicyShape(),
]
