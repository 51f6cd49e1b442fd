"""Which policies apply to which role, collected from the model.

Forms (hashicorp/aws provider): `aws_iam_role` (`assume_role_policy`, `inline_policy` blocks,
`managed_policy_arns`), `aws_iam_role_policy`, `aws_iam_policy` attached by
`aws_iam_role_policy_attachment` or `aws_iam_policy_attachment`, the exclusive resources
`aws_iam_role_policies_exclusive` / `aws_iam_role_policy_attachments_exclusive`, and
`aws_iam_policy_document` data sources (with `source_policy_documents` / `override_policy_documents`),
reached through a Ref to their `json`. Whatever cannot be resolved becomes a Policy with `unknown` set,
so the evaluator answers "could not prove" instead of "not allowed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from validator.iam import managed
from validator.iam.policy import (
    Origin,
    Policy,
    Statement,
    decode_json_policy,
    merge_by_sid,
    statements_from_blocks,
    statements_from_json,
)
from validator.model import JsonDocument, Model, Ref, Resource, Unknown, is_absent

ROLE_TYPES = ("aws_iam_role",)
DOCUMENT_TYPE = "aws_iam_policy_document"


@dataclass
class Attachment:
    """A managed policy ARN attached to a role, and where that is written."""

    value: Any  # str ARN, Ref to aws_iam_policy.arn, or Unknown
    origin: Origin


@dataclass
class RolePolicies:
    role: Resource
    trust: Policy | None
    permissions: list[Policy] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)  # managed_policy_arns and attachment resources
    boundary: Policy | None = None  # permissions_boundary: caps what the permissions grant

    def managed_arns(self) -> list[str]:
        return [a.value for a in self.attachments if isinstance(a.value, str)]


def role_matches(value: Any, role: Resource) -> bool | None:
    """Does an attachment's `role`/`roles`/`role_name` value name this role? None when unknowable."""
    if isinstance(value, Ref):
        base = value.address
        return base == role.address or (
            role.address.startswith(base + "[") and role.index is not None and base.count("[") == 0
        )
    if isinstance(value, Unknown):
        return None
    if isinstance(value, str) and value:
        for key in ("name", "id", "arn"):
            known = role.values.get(key)
            if isinstance(known, str) and known == value:
                return True
        name = role.values.get("name")
        if isinstance(name, str) and value.startswith("arn:") and value.endswith(":role/" + name):
            return True
        if not isinstance(name, str):
            return None  # the role's name is computed (name_prefix) or unknown
        return False
    return False


class IamIndex:
    """Policies per role for one model; build once per model with `iam_index(model)`."""

    def __init__(self, model: Model):
        self.model = model
        self._documents: dict[str, Policy] = {}
        self._building: set[str] = set()
        self._roles: dict[str, RolePolicies] = {}
        self._rendered: dict[str, Resource] | None = None
        self._links: dict[tuple[str, str], _RoleLinks] = {}
        self._memo: dict[str, Any] = {}

    # -- resolving values to policies ---------------------------------------------------------------

    def resolve(self, value: Any) -> Resource | Unknown | None:
        return self.model.resolve(value)

    def _rendered_documents(self) -> dict[str, Resource]:
        if self._rendered is None:
            self._rendered = {}
            for resource in self.model.by_type(DOCUMENT_TYPE):
                rendered = resource.values.get("json")
                if resource.mode == "data" and isinstance(rendered, str) and rendered:
                    self._rendered.setdefault(rendered, resource)
        return self._rendered

    def document(self, resource: Resource) -> Policy:
        """An `aws_iam_policy_document` data source as a policy (merged per provider semantics)."""
        cached = self._documents.get(resource.address)
        if cached is not None:
            return cached
        label = resource.address
        if resource.address in self._building:
            return Policy(label, Origin(resource.address), unknown="the document refers to itself")
        self._building.add(resource.address)
        try:
            policy = self._build_document(resource)
        finally:
            self._building.discard(resource.address)
        self._documents[resource.address] = policy
        return policy

    def _build_document(self, resource: Resource) -> Policy:
        label = resource.address
        origin = Origin(resource.address)
        values = resource.values
        uses_blocks = any(
            not is_absent(values.get(key))
            for key in ("statement", "source_policy_documents", "override_policy_documents", "source_json", "override_json")
        )
        if not uses_blocks:
            # A plan may carry the provider's rendered JSON only; an empty document has no statement.
            rendered = values.get("json")
            if isinstance(rendered, str) and rendered:
                return self._from_decoded(decode_json_policy(rendered), origin, label)
            return Policy(label, origin, statements=[])
        statements: list[Statement] = []
        sources = list(_as_list(values.get("source_policy_documents")))
        if not is_absent(values.get("source_json")):
            sources.insert(0, values.get("source_json"))
        for index, source in enumerate(sources):
            part = self.policy_from_value(source, Origin(resource.address, f"source_policy_documents.{index}"), label)
            if part.unknown:
                return Policy(label, origin, unknown=f"source_policy_documents[{index}]: {part.unknown}")
            statements = merge_by_sid(statements, part.statements)
        if isinstance(values.get("source_policy_documents"), Unknown):
            return Policy(label, origin, unknown=f"source_policy_documents is {values['source_policy_documents']}")
        own = statements_from_blocks(values.get("statement"), resource.address)
        if isinstance(own, Unknown):
            return Policy(label, origin, unknown=f"statement blocks: {own}")
        statements = merge_by_sid(statements, own)
        overrides = list(_as_list(values.get("override_policy_documents")))
        if not is_absent(values.get("override_json")):
            overrides.append(values.get("override_json"))
        if isinstance(values.get("override_policy_documents"), Unknown):
            return Policy(label, origin, unknown=f"override_policy_documents is {values['override_policy_documents']}")
        for index, override in enumerate(overrides):
            part = self.policy_from_value(override, Origin(resource.address, f"override_policy_documents.{index}"), label)
            if part.unknown:
                return Policy(label, origin, unknown=f"override_policy_documents[{index}]: {part.unknown}")
            statements = merge_by_sid(statements, part.statements)
        return Policy(label, origin, statements=statements)

    def policy_from_value(self, value: Any, origin: Origin, label: str) -> Policy:
        """A policy attribute's value (JSON string, JsonDocument from `jsonencode` with references,
        structure, Ref to a document's json) -> Policy."""
        if isinstance(value, str):
            document = self._rendered_documents().get(value)
            if document is not None:
                # A plan carries the rendered JSON where the configuration said `data.x.json`: the
                # statements belong to (and are reported at) that document.
                return self.document(document)
            decoded = decode_json_policy(value)
            return self._from_decoded(decoded, origin, label)
        if isinstance(value, dict):
            return self._from_decoded(value, origin, label)
        if isinstance(value, Ref):
            target = self.resolve(value)
            if isinstance(target, Resource):
                if target.type == DOCUMENT_TYPE and target.mode == "data" and value.attribute in ("json", "minified_json"):
                    return self.document(target)
                if target.type == "aws_iam_policy" and target.mode == "data" and value.attribute == "policy":
                    arn = self._data_policy_arn(target)
                    if arn is not None:
                        return self.attached_policy(Attachment(arn, origin))
                    return Policy(label, origin, unknown=f"{target.address} is read from AWS and names no AWS managed policy tfbg knows")
                if target.type == "aws_iam_policy" and value.attribute == "policy":
                    return self.policy_from_value(target.values.get("policy"), Origin(target.address, "policy"), target.address)
            return Policy(label, origin, unknown=f"{value} is not known before apply")
        if isinstance(value, JsonDocument):
            return self._from_decoded(value.value, origin, label)
        if isinstance(value, Unknown):
            return Policy(label, origin, unknown=f"the policy is {value}")
        if is_absent(value):
            return Policy(label, origin, statements=[])
        return Policy(label, origin, unknown=f"unexpected policy value {value!r}")

    def _from_decoded(self, decoded: Any, origin: Origin, label: str) -> Policy:
        statements = statements_from_json(decoded, origin)
        if isinstance(statements, Unknown):
            return Policy(label, origin, unknown=statements.why)
        return Policy(label, origin, statements=statements)

    def attached_policy(self, attachment: Attachment) -> Policy:
        """The policy a managed-policy ARN (or a Ref to an aws_iam_policy) stands for."""
        value = attachment.value
        label = str(value)
        if isinstance(value, str):
            if "${" in value:
                return Policy(label, attachment.origin, unknown="the policy ARN contains an unresolved interpolation")
            known = managed.lookup(value)
            if known is not None:
                label = f"AWS managed policy {known.name} ({known.version}, {known.edited})"
                if known.document is None:
                    return Policy(label, attachment.origin, unknown="tfbg does not carry this policy's document", managed_arn=value)
                statements = statements_from_json(known.document, attachment.origin)
                assert not isinstance(statements, Unknown)
                return Policy(label, attachment.origin, statements=statements, managed_arn=value)
            if managed.parse_aws_managed_arn(value) is not None:
                return Policy(label, attachment.origin, unknown="an AWS managed policy whose document tfbg does not carry", managed_arn=value)
            target = self.resolve(value)
            if isinstance(target, Resource) and target.type == "aws_iam_policy":
                return self.policy_from_value(target.values.get("policy"), Origin(target.address, "policy"), target.address)
            return Policy(label, attachment.origin, unknown="a policy defined outside this configuration")
        if isinstance(value, Ref):
            target = self.resolve(value)
            if isinstance(target, Resource) and target.type == "aws_iam_policy" and target.mode == "managed":
                return self.policy_from_value(target.values.get("policy"), Origin(target.address, "policy"), target.address)
            if isinstance(target, Resource) and target.type == "aws_iam_policy" and target.mode == "data":
                arn = self._data_policy_arn(target)
                if arn is not None:
                    return self.attached_policy(Attachment(arn, attachment.origin))
                return Policy(
                    label, attachment.origin, unknown=f"{target.address} is read from AWS and names no AWS managed policy tfbg knows"
                )
            return Policy(label, attachment.origin, unknown=f"{value} is not known before apply")
        if isinstance(value, Unknown):
            literal = managed.templated_arn(value.why)
            if literal is not None:
                return self.attached_policy(Attachment(literal, attachment.origin))
        return Policy(label, attachment.origin, unknown=f"the policy ARN is {value}")

    @staticmethod
    def _data_policy_arn(target: Resource) -> str | None:
        """The ARN a `data "aws_iam_policy"` reads: its literal `arn`, or the AWS managed policy its
        `name` (and `path_prefix`) names in the vendored complete list. A name no AWS managed policy
        has is a customer managed policy in the account: None (unknown content)."""
        arn = target.values.get("arn")
        if isinstance(arn, str):
            return arn
        name = target.values.get("name")
        if not isinstance(name, str) or not is_absent(arn):
            return None
        prefix = target.values.get("path_prefix")
        policy = managed.listed_by_name(name)
        if policy is None or not (is_absent(prefix) or (isinstance(prefix, str) and policy.path.startswith(prefix))):
            return None
        return policy.arn

    # -- per role -----------------------------------------------------------------------------------

    def role(self, role: Resource) -> RolePolicies:
        cached = self._roles.get(role.address)
        if cached is None:
            cached = self._collect(role)
            self._roles[role.address] = cached
        return cached

    def _collect(self, role: Resource) -> RolePolicies:
        values = role.values
        trust = None
        if "assume_role_policy" in values:
            trust = self.policy_from_value(
                values.get("assume_role_policy"), Origin(role.address, "assume_role_policy"), f"{role.address} trust policy"
            )
        result = RolePolicies(role, trust)
        inline = values.get("inline_policy")
        if isinstance(inline, Unknown):
            result.permissions.append(Policy(f"{role.address} inline_policy", Origin(role.address, "inline_policy"), unknown=str(inline)))
        for index, block in enumerate(_as_list(inline)):
            if isinstance(block, dict):
                origin = Origin(role.address, f"inline_policy.{index}.policy")
                result.permissions.append(self.policy_from_value(block.get("policy"), origin, f"{role.address} inline_policy[{index}]"))
        arns = values.get("managed_policy_arns")
        if isinstance(arns, Unknown):
            result.attachments.append(Attachment(arns, Origin(role.address, "managed_policy_arns")))
        for index, arn in enumerate(_as_list(arns)):
            result.attachments.append(Attachment(arn, Origin(role.address, f"managed_policy_arns.{index}")))

        exclusive_inline = self._exclusive_names(role, "aws_iam_role_policies_exclusive", "policy_names")
        exclusive_arns = self._exclusive_names(role, "aws_iam_role_policy_attachments_exclusive", "policy_arns")

        for resource in self.linked(role, "aws_iam_role_policy", "role"):
            matches = role_matches(resource.values.get("role"), role)
            label = resource.address
            if matches is None:
                result.permissions.append(Policy(label, Origin(resource.address, "role"), unknown="its role is not known statically"))
                continue
            if not matches:
                continue
            name = resource.values.get("name")
            if exclusive_inline is not None and isinstance(name, str) and name not in exclusive_inline:
                continue  # aws_iam_role_policies_exclusive deletes inline policies it does not list
            result.permissions.append(self.policy_from_value(resource.values.get("policy"), Origin(resource.address, "policy"), label))

        for resource in self.linked(role, "aws_iam_role_policy_attachment", "role"):
            matches = role_matches(resource.values.get("role"), role)
            arn = resource.values.get("policy_arn")
            if matches is None:
                result.attachments.append(Attachment(Unknown(f"{resource.address}: its role is not known statically"), Origin(resource.address, "role")))
                continue
            if matches and not (exclusive_arns is not None and isinstance(arn, str) and arn not in exclusive_arns):
                result.attachments.append(Attachment(arn, Origin(resource.address, "policy_arn")))
        for resource in self.linked(role, "aws_iam_policy_attachment", "roles"):
            roles = resource.values.get("roles")
            if isinstance(roles, Unknown):
                result.attachments.append(Attachment(Unknown(f"{resource.address}: roles is {roles}"), Origin(resource.address, "roles")))
                continue
            states = [role_matches(v, role) for v in _as_list(roles)]
            if any(states):
                result.attachments.append(Attachment(resource.values.get("policy_arn"), Origin(resource.address, "policy_arn")))
            elif None in states:
                result.attachments.append(Attachment(Unknown(f"{resource.address}: a role in roles is not known statically"), Origin(resource.address, "roles")))
        for resource in self.linked(role, "aws_iam_role_policy_attachments_exclusive", "role_name"):
            if role_matches(resource.values.get("role_name"), role):
                arns = resource.values.get("policy_arns")
                if isinstance(arns, Unknown):
                    result.attachments.append(Attachment(arns, Origin(resource.address, "policy_arns")))
                for index, arn in enumerate(_as_list(arns)):
                    if not any(_same_value(arn, a.value) for a in result.attachments):
                        result.attachments.append(Attachment(arn, Origin(resource.address, f"policy_arns.{index}")))

        for attachment in result.attachments:
            result.permissions.append(self.attached_policy(attachment))
        boundary = values.get("permissions_boundary")
        if not is_absent(boundary):
            result.boundary = self.attached_policy(Attachment(boundary, Origin(role.address, "permissions_boundary")))
        return result

    def _exclusive_names(self, role: Resource, resource_type: str, attribute: str) -> set[str] | None:
        for resource in self.linked(role, resource_type, "role_name"):
            if role_matches(resource.values.get("role_name"), role):
                names = resource.values.get(attribute)
                if isinstance(names, list) and all(isinstance(n, str) for n in names):
                    return set(names)
        return None

    def linked(self, role: Resource, resource_type: str, attribute: str) -> list[Resource]:
        """The resources of a type whose `attribute` may name this role, in model order (a superset
        of the matches: callers still apply `role_matches`). Indexed once per type, so collecting
        every role of a large model stays linear."""
        key = (resource_type, attribute)
        links = self._links.get(key)
        if links is None:
            links = self._links[key] = _RoleLinks(self.model.by_type(resource_type), attribute)
        return links.candidates(role)

    def memo(self, key: str, compute):
        """A model-wide result computed once (rules ask the same question for every resource)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def roles(self) -> list[Resource]:
        return list(self.model.by_type(*ROLE_TYPES))


class _RoleLinks:
    """Resources of one type grouped by how their role attribute names a role."""

    def __init__(self, resources: Iterable[Resource], attribute: str):
        self.order: dict[int, int] = {}
        self.by_ref: dict[str, list[Resource]] = {}
        self.by_text: dict[str, list[Resource]] = {}
        self.texts: list[Resource] = []  # every resource naming a role by a string
        self.always: list[Resource] = []  # unknown role values: candidates for every role
        for position, resource in enumerate(resources):
            self.order[id(resource)] = position
            value = resource.values.get(attribute)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Ref):
                    self.by_ref.setdefault(item.address, []).append(resource)
                elif isinstance(item, str) and item:
                    self.texts.append(resource)
                    self.by_text.setdefault(item, []).append(resource)
                    if item.startswith("arn:") and ":role/" in item:
                        self.by_text.setdefault(item.rsplit("/", 1)[-1], []).append(resource)
                elif isinstance(item, Unknown):
                    self.always.append(resource)

    def candidates(self, role: Resource) -> list[Resource]:
        found: dict[int, Resource] = {}
        groups = [self.by_ref.get(role.address, []), self.by_ref.get(re.sub(r"\[[^\]]*\]$", "", role.address), []), self.always]
        name = role.values.get("name")
        if isinstance(name, str):
            groups += [self.by_text.get(name, [])] + [
                self.by_text.get(v, []) for v in (role.values.get("id"), role.values.get("arn")) if isinstance(v, str)
            ]
        else:
            groups.append(self.texts)  # the role's name is not known: any name may be its
        for group in groups:
            for resource in group:
                found[id(resource)] = resource
        return sorted(found.values(), key=lambda r: self.order[id(r)])


def _as_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    if is_absent(value) or isinstance(value, Unknown):
        return []
    return [value]


def _same_value(first: Any, second: Any) -> bool:
    return first == second


_CACHE: dict[int, tuple[Model, IamIndex]] = {}


def iam_index(model: Model) -> IamIndex:
    """The index for this model, built once (rules call this for every resource they check)."""
    entry = _CACHE.get(id(model))
    if entry is not None and entry[0] is model:
        return entry[1]
    if len(_CACHE) >= 2:  # models can be large; keep only the ones being linted
        _CACHE.clear()
    index = IamIndex(model)
    _CACHE[id(model)] = (model, index)
    return index
