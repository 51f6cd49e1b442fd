"""`tfbg policy`: the least-privilege IAM policy for the identity that runs `terraform apply` on this
configuration's ECS deployment resources.

For every resource the configuration manages (and every data source it reads), the actions of its
type in `policy_actions` are granted on that resource's own ARN where the action supports
resource-level permissions (validator/iam/data/actions.json, from the Service Authorization
Reference), else on "*". iam:PassRole is granted on exactly the roles the configuration passes, one
statement per receiving service, with `iam:PassedToService`. A value that is not known statically
(a name from a variable without default) widens only its own segment of the ARN to "*", and says so.
No action is ever a wildcard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from validator.iam.actions import resource_types
from validator.iam.checks import role_of
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.helpers import resolve_resource
from insight.policy_actions import DATA, MANAGED, NO_PERMISSION

ELB_TAGGING = {"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}


@dataclass(frozen=True)
class Requirement:
    """One call Terraform makes: the action, the resource it is about, and the ARN pattern it acts on
    (None for a PassRole requirement's service, see `service`)."""

    address: str
    action: str
    arn: str
    service: str | None = None  # iam:PassedToService for iam:PassRole


@dataclass
class Statement:
    sid: str
    actions: list[str]
    resources: list[str]
    condition: dict[str, dict[str, str]] | None = None

    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"Sid": self.sid, "Effect": "Allow", "Action": sorted(self.actions),
                                    "Resource": self.resources if len(self.resources) > 1 else self.resources[0]}
        if self.condition:
            document["Condition"] = self.condition
        return document


@dataclass
class DeployerPolicy:
    statements: list[Statement] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)  # resource types the action list does not cover

    def json(self) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": [s.json() for s in self.statements]}


@dataclass
class Scope:
    partition: str = "aws"
    region: str = "*"
    account: str = "*"


class _Builder:
    def __init__(self, model: Model, scope: Scope):
        self.model = model
        self.scope = scope
        self.policy = DeployerPolicy()

    def note(self, text: str) -> None:
        if text not in self.policy.notes:
            self.policy.notes.append(text)

    # -- names and ARNs ------------------------------------------------------------------------------

    def name(self, resource: Resource, attribute: str = "name") -> str:
        value = resource.get(attribute)
        if isinstance(value, str) and value:
            return value
        prefix = resource.get(f"{attribute}_prefix") if attribute == "name" else None
        if isinstance(prefix, str) and prefix:
            return prefix + "*"
        why = value.why if isinstance(value, Unknown) else ("computed by AWS" if is_absent(value) else str(value))
        self.note(f"{resource.address}: {attribute} is not known statically ({why}): its ARN uses * there")
        return "*"

    def base(self, service: str, region: bool = True) -> str:
        return f"arn:{self.scope.partition}:{service}:{self.scope.region if region else ''}:{self.scope.account}"

    def cluster(self, value: Any, owner: Resource) -> str:
        if isinstance(value, str) and value:
            return value.split("cluster/", 1)[1] if "cluster/" in value else value
        resolved = resolve_resource(self.model, value)
        if isinstance(resolved, Resource) and resolved.type == "aws_ecs_cluster":
            return self.name(resolved)
        self.note(f"{owner.address}: the cluster is not known statically ({_show(value)}): its ARN uses * there")
        return "*"

    def roles_by_name(self) -> dict[str, list[Resource]]:
        def build() -> dict[str, list[Resource]]:
            index: dict[str, list[Resource]] = {}
            for role in self.model.by_type("aws_iam_role"):
                name = role.get("name")
                if isinstance(name, str):
                    index.setdefault(name, []).append(role)
            return index

        return self.model.memo("insight.roles_by_name", build)

    def role_arn(self, value: Any, owner: Resource, what: str = "a role it passes") -> str:
        role = role_of(self.model, value)
        if isinstance(role, Resource):
            return self.own_arn(role)
        if isinstance(value, str) and value.startswith("arn:"):
            return value
        if isinstance(value, str) and value:  # a role name (aws_iam_role.x.name / .id, or a literal)
            named = self.roles_by_name().get(value, [])
            return self.own_arn(named[0]) if len(named) == 1 else f"{self.base('iam', region=False)}:role/{value}"
        self.note(f"{owner.address}: {what} is not known statically ({_show(value)}): its ARN is role/*")
        return f"{self.base('iam', region=False)}:role/*"

    def lb(self, value: Any, owner: Resource) -> tuple[str, str]:
        """(kind, name) of the load balancer a value names: app|net, name (or * parts)."""
        if isinstance(value, str):
            match = re.search(r":loadbalancer/(app|net|gwy)/([^/]+)/", value)
            if match:
                return match.group(1), match.group(2)
        resolved = resolve_resource(self.model, value)
        if isinstance(resolved, Resource) and resolved.type in ("aws_lb", "aws_alb"):
            kind = resolved.get("load_balancer_type")
            if is_absent(kind):
                short = "app"  # the provider's default load_balancer_type is "application"
            else:
                short = {"application": "app", "network": "net", "gateway": "gwy"}.get(kind, "*") if isinstance(kind, str) else "*"
            return short, self.name(resolved)
        self.note(f"{owner.address}: its load balancer is not known statically ({_show(value)}): its ARN uses * there")
        return "*", "*"

    def listener_arns(self, value: Any, owner: Resource) -> tuple[str, str]:
        """(listener ARN pattern, pattern of its rules' ARNs) for a listener value."""
        if isinstance(value, str) and ":listener/" in value:
            return value, value.replace(":listener/", ":listener-rule/", 1) + "/*"
        resolved = resolve_resource(self.model, value)
        if isinstance(resolved, Resource) and resolved.type in ("aws_lb_listener", "aws_alb_listener"):
            kind, lb = self.lb(resolved.get("load_balancer_arn"), resolved)
            base = self.base("elasticloadbalancing")
            return f"{base}:listener/{kind}/{lb}/*/*", f"{base}:listener-rule/{kind}/{lb}/*/*/*"
        self.note(f"{owner.address}: its listener is not known statically ({_show(value)}): "
                  "the rule actions are granted on listener-rule/app/*")
        base = self.base("elasticloadbalancing")
        return f"{base}:listener/app/*/*/*", f"{base}:listener-rule/app/*/*/*/*"

    def own_arn(self, resource: Resource) -> str:
        """The ARN (pattern) of the object a managed resource creates."""
        kind = resource.type
        if kind == "aws_iam_role":
            path = resource.get("path")
            return f"{self.base('iam', region=False)}:role{path if isinstance(path, str) and path else '/'}{self.name(resource)}"
        spec = MANAGED[kind]
        if kind in ("aws_lb_listener_rule", "aws_alb_listener_rule"):
            return self.listener_arns(resource.get("listener_arn"), resource)[1]
        if kind in ("aws_lb_listener", "aws_alb_listener"):
            load_balancer = resource.get("load_balancer_arn")
            lb_kind, lb = self.lb(load_balancer, resource)
            return f"{self.base('elasticloadbalancing')}:listener/{lb_kind}/{lb}/*/*"
        if kind in ("aws_iam_role_policy", "aws_iam_role_policy_attachment"):
            return self.role_arn(resource.get("role"), resource, "the role it changes")
        fields = {"partition": self.scope.partition, "region": self.scope.region, "account": self.scope.account}
        if "{cluster}" in spec.arn:
            fields["cluster"] = self.cluster(resource.get("cluster"), resource)
        if "{service}" in spec.arn:
            service = resolve_resource(self.model, resource.get("service"))
            fields["service"] = self.name(service) if isinstance(service, Resource) else "*"
        if "{path}" in spec.arn:
            path = resource.get("path")
            fields["path"] = path if isinstance(path, str) and path else "/"
        if "{lb_kind}" in spec.arn:
            kind_value = resource.get("load_balancer_type")
            fields["lb_kind"] = {"network": "net", "gateway": "gwy"}.get(kind_value if isinstance(kind_value, str) else "",
                                                                          "app")
        for key in re.findall(r"\{(\w+)\}", spec.arn):
            if key not in fields:
                fields[key] = self.name(resource, key)
        return spec.arn.format(**fields)

    def action_arns(self, resource: Resource, action: str) -> list[str]:
        """The ARNs an action acts on for this resource; ["*"] when it supports no resource-level scope."""
        types = resource_types(action)
        if types == []:
            return ["*"]
        kind = resource.type
        if action == "elasticloadbalancing:CreateRule":
            return [self.listener_arns(resource.get("listener_arn"), resource)[0]]
        if action == "elasticloadbalancing:CreateListener":
            lb_kind, lb = self.lb(resource.get("load_balancer_arn"), resource)
            return [f"{self.base('elasticloadbalancing')}:loadbalancer/{lb_kind}/{lb}/*"]
        if MANAGED[kind].arn == "*":
            return ["*"]
        arns = [self.own_arn(resource)]
        spec = MANAGED[kind]
        if spec.also and action not in ELB_TAGGING:
            fields = {"partition": self.scope.partition, "region": self.scope.region, "account": self.scope.account}
            for also in spec.also:
                for key in re.findall(r"\{(\w+)\}", also):
                    if key not in fields:
                        fields[key] = self.cluster(resource.get("cluster"), resource) if key == "cluster" else \
                            self.name(resource, key)
                arns.append(also.format(**fields))
        return arns

    # -- building --------------------------------------------------------------------------------------

    def build(self) -> DeployerPolicy:
        grants: dict[tuple[tuple[str, ...], str | None], set[str]] = {}
        self.kinds: dict[str, str] = {}  # ARN -> the resource type it was first granted for (Sids)
        for resource in self.model.resources:
            if resource.mode == "data":
                self.data_source(resource, grants)
                continue
            spec = MANAGED.get(resource.type)
            if spec is None:
                if resource.type not in self.policy.uncovered:
                    self.policy.uncovered.append(resource.type)
                continue
            if spec.note:
                self.note(f"{resource.type}: {spec.note}")
            for action in spec.actions:
                for arn in self.action_arns(resource, action):
                    self.kinds.setdefault(arn, resource.type)
                    self.policy.requirements.append(Requirement(resource.address, action, arn))
                    grants.setdefault((("*",) if arn == "*" else (arn,), None), set()).add(action)
            for path, service in spec.passes:
                for value in _values_at(resource, path):
                    if path in spec.computed and isinstance(value, Unknown) and self.model.kind == "plan":
                        # Unset and computed, or set to an expression the plan does not show: say so.
                        self.note(f"{resource.address}: {path} is computed and not known from the plan: if the "
                                  f"configuration sets it, also grant iam:PassRole on that role to {service}")
                        continue
                    arn = self.role_arn(value, resource)
                    self.policy.requirements.append(Requirement(resource.address, "iam:PassRole", arn, service))
                    grants.setdefault(((arn,), service), set()).add("iam:PassRole")
        self.policy.statements = _statements(grants, self.kinds)
        if any("has no value" in note for note in self.policy.notes):
            self.note("values from variables without a value widen ARNs: pass them with --var NAME=VALUE or "
                      "--var-file, or run tfbg policy on the root configuration that calls this module")
        if self.policy.uncovered:
            self.note("not covered by the action list (grant them yourself if this configuration manages them): "
                      + ", ".join(sorted(self.policy.uncovered)))
        return self.policy

    def data_source(self, resource: Resource, grants: dict) -> None:
        if resource.type in NO_PERMISSION:
            return
        actions = DATA.get(resource.type)
        if actions is None:
            if f"data.{resource.type}" not in self.policy.uncovered:
                self.policy.uncovered.append(f"data.{resource.type}")
            return
        for action in actions:
            arn = "*"
            if resource_types(action):
                known = resource.get("arn")
                arn = known if isinstance(known, str) and known.startswith("arn:") else "*"
                if arn == "*":
                    self.note(f"{resource.address}: reads an object not named statically: {action} on *")
            self.policy.requirements.append(Requirement(resource.address, action, arn))
            grants.setdefault(((arn,), None), set()).add(action)


def _values_at(resource: Resource, path: str) -> list[Any]:
    """Values at a dotted path in which `*` stands for every list index."""
    current: list[Any] = [resource.values]
    for part in path.split("."):
        following: list[Any] = []
        for value in current:
            if part == "*":
                following.extend(value if isinstance(value, list) else [])
            elif part.isdigit():
                if isinstance(value, list) and int(part) < len(value):
                    following.append(value[int(part)])
            elif isinstance(value, dict) and part in value:
                following.append(value[part])
        current = following
    return [value for value in current if not is_absent(value)]


def _statements(grants: dict[tuple[tuple[str, ...], str | None], set[str]], kinds: dict[str, str]) -> list[Statement]:
    """One statement per set of actions on one resource (actions granted on the same resources merge)."""
    by_actions: dict[tuple[tuple[str, ...], str | None], list[str]] = {}
    for (arns, service), actions in grants.items():
        by_actions.setdefault((tuple(sorted(actions)), service), []).extend(arns)
    statements = []
    used: set[str] = set()
    for (actions, service), arns in sorted(by_actions.items(), key=lambda item: (item[0][1] or "", item[0][0])):
        condition = {"StringEquals": {"iam:PassedToService": service}} if service else None
        sid = _sid(actions, service, arns, used, kinds)
        statements.append(Statement(sid, list(actions), sorted(set(arns)), condition))
    return statements


def _sid(actions: tuple[str, ...], service: str | None, arns: list[str], used: set[str], kinds: dict[str, str]) -> str:
    if service:
        base = "PassRoleTo" + "".join(p.capitalize() for p in re.split(r"[^a-zA-Z0-9]", service.split(".")[0]) if p)
    elif arns == ["*"]:
        base = "DescribeAndList" + _service_names(actions)
    else:
        kind = kinds.get(sorted(arns)[0], "")
        base = "".join(p.capitalize() for p in kind.removeprefix("aws_").split("_")) or _service_names(actions)
        creates = [a for a in actions if a.split(":")[1].startswith(("Create", "Register", "Put"))]
        base = ("Create" if len(creates) == len(actions) else "Manage") + base
    sid, number = base, 2
    while sid in used:
        sid, number = f"{base}{number}", number + 1
    used.add(sid)
    return sid


def _service_names(actions: tuple[str, ...]) -> str:
    services = dict.fromkeys(action.split(":")[0] for action in actions)
    return "".join("".join(p.capitalize() for p in s.split("-")) for s in services)


def _show(value: Any) -> str:
    if isinstance(value, Unknown):
        return value.why or "unknown"
    if isinstance(value, Ref):
        return str(value)
    return repr(value)


def deployer_policy(model: Model, scope: Scope | None = None) -> DeployerPolicy:
    return _Builder(model, scope or Scope()).build()


# -- HCL ----------------------------------------------------------------------------------------------


def to_hcl(policy: DeployerPolicy, name: str = "tfbg_deployer") -> str:
    lines = ["# Least-privilege policy for the identity that runs terraform apply on this configuration.",
             "# Generated by tfbg policy; the action list and its sources: docs/insight.md."]
    lines += [f"# note: {note}" for note in policy.notes]
    lines.append(f'data "aws_iam_policy_document" "{name}" {{')
    for statement in policy.statements:
        lines.append("  statement {")
        lines.append(f'    sid       = "{statement.sid}"')
        lines.append("    actions   = [" + ", ".join(f'"{a}"' for a in sorted(statement.actions)) + "]")
        lines.append("    resources = [" + ", ".join(_hcl_string(r) for r in statement.resources) + "]")
        if statement.condition:
            for test, pairs in statement.condition.items():
                for variable, value in pairs.items():
                    lines += ["    condition {", f'      test     = "{test}"', f'      variable = "{variable}"',
                              f'      values   = ["{value}"]', "    }"]
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _hcl_string(value: str) -> str:
    # HCL interpolates ${...} and %{...}: escape them so an ARN pattern stays literal.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'
