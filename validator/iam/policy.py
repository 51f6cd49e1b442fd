"""Policy statements, parsed from every shape a policy reaches the model in.

A policy arrives as a JSON string (heredoc, `jsonencode` of known values, `file()` read by the loader),
as a structure (a `JsonDocument`'s value: `jsonencode`/JSON heredocs with references, dicts and lists
with Ref leaves), or as
the blocks of an `aws_iam_policy_document` data source. All become `Statement`s. Values that are not
known statically stay in place as `Ref`/`Unknown` leaves, so the evaluator can tell "does not grant"
from "could not prove".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from validator.model import Ref, Unknown, is_absent

Leaf = str | Ref | Unknown


@dataclass(frozen=True)
class Origin:
    """Where a statement (or a policy) is written: a resource and an attribute path in it."""

    address: str
    path: str = ""


@dataclass(frozen=True)
class Condition:
    operator: str  # "StringEquals", "ForAnyValue:StringLike", "ArnLikeIfExists", ...
    key: str
    values: tuple[Leaf, ...]


@dataclass
class Statement:
    effect: str | Ref | Unknown  # "Allow" | "Deny"
    origin: Origin
    sid: str = ""
    actions: list[Leaf] | Unknown | None = None
    not_actions: list[Leaf] | Unknown | None = None
    resources: list[Leaf] | Unknown | None = None
    not_resources: list[Leaf] | Unknown | None = None
    # {"Service": [...], "AWS": [...], "Federated": [...], "*": ["*"]} (Principal: "*" -> {"*": ["*"]})
    principals: dict[str, list[Leaf]] | Unknown | None = None
    not_principals: dict[str, list[Leaf]] | Unknown | None = None
    conditions: list[Condition] | Unknown = field(default_factory=list)

    @property
    def is_allow(self) -> bool:
        return isinstance(self.effect, str) and self.effect.lower() == "allow"

    @property
    def is_deny(self) -> bool:
        return isinstance(self.effect, str) and self.effect.lower() == "deny"


@dataclass
class Policy:
    """A policy document and where it applies from. `unknown` (why) is set when its content cannot be
    determined statically; then `statements` is empty and the evaluator answers "could not prove"."""

    label: str  # how messages name it, e.g. "aws_iam_role_policy.hook_invoke"
    origin: Origin
    statements: list[Statement] = field(default_factory=list)
    unknown: str = ""
    managed_arn: str | None = None  # set for AWS managed policies


def as_leaf_list(value: Any) -> list[Leaf] | Unknown | None:
    """A JSON/HCL value that may be a single string or a list -> list of leaves; absent -> None."""
    if value is None:
        return None
    if isinstance(value, (Ref, Unknown)):
        # A whole list that is unknown (e.g. `resources = var.arns`) is Unknown; a single Ref is one leaf.
        return value if isinstance(value, Unknown) else [value]
    if isinstance(value, list):
        leaves: list[Leaf] = []
        for item in value:
            if isinstance(item, (str, Ref, Unknown)):
                leaves.append(item)
            elif isinstance(item, (int, float, bool)):
                leaves.append(json.dumps(item))
            else:
                leaves.append(Unknown(f"unexpected value {item!r}"))
        return leaves
    if isinstance(value, (str,)):
        return [value]
    return Unknown(f"unexpected value {value!r}")


def _principals_from_json(value: Any) -> dict[str, list[Leaf]] | Unknown | None:
    if value is None:
        return None
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        return {"*": [value]} if value == "*" else {"AWS": [value]}
    if isinstance(value, dict):
        result: dict[str, list[Leaf]] = {}
        for kind, ids in value.items():
            leaves = as_leaf_list(ids)
            if isinstance(leaves, Unknown):
                return leaves
            result[str(kind)] = leaves or []
        return result
    return Unknown(f"unexpected Principal {value!r}")


def _conditions_from_json(value: Any) -> list[Condition] | Unknown:
    if is_absent(value):
        return []
    if not isinstance(value, dict):
        return Unknown(f"Condition is {value!s}")
    conditions: list[Condition] = []
    for operator, pairs in value.items():
        if not isinstance(pairs, dict):
            return Unknown(f"Condition {operator} is {pairs!s}")
        for key, values in pairs.items():
            leaves = as_leaf_list(values)
            if isinstance(leaves, Unknown):
                leaves = [leaves]
            conditions.append(Condition(str(operator), str(key), tuple(leaves or [])))
    return conditions


def statements_from_json(document: Any, origin: Origin) -> list[Statement] | Unknown:
    """Statements of a decoded policy document (a dict; leaves may be Ref/Unknown)."""
    if isinstance(document, Unknown):
        return document
    if not isinstance(document, dict):
        return Unknown("the policy is not a JSON object")
    raw = document.get("Statement")
    if isinstance(raw, (Ref, Unknown)):
        return Unknown(f"Statement is {raw}")
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        return Unknown("the policy has no Statement list")
    statements: list[Statement] = []
    for item in raw:
        if not isinstance(item, dict):
            return Unknown(f"a statement is {item}")
        sid = item.get("Sid")
        statements.append(
            Statement(
                effect=item.get("Effect", Unknown("statement without Effect")),
                origin=origin,
                sid=sid if isinstance(sid, str) else "",
                actions=as_leaf_list(item.get("Action")),
                not_actions=as_leaf_list(item.get("NotAction")),
                resources=as_leaf_list(item.get("Resource")),
                not_resources=as_leaf_list(item.get("NotResource")),
                principals=_principals_from_json(item.get("Principal")),
                not_principals=_principals_from_json(item.get("NotPrincipal")),
                conditions=_conditions_from_json(item.get("Condition")),
            )
        )
    return statements


def decode_json_policy(text: str) -> Any:
    """A policy JSON string -> decoded document, or Unknown(why)."""
    if "${" in text or "%{" in text:
        # A template the loader could not render: its interpolations are unknown.
        return Unknown("the policy text contains an unresolved interpolation")
    try:
        return json.loads(text)
    except ValueError as error:
        return Unknown(f"the policy is not valid JSON ({error.msg} at line {error.lineno})")


def _principals_from_blocks(blocks: Any) -> dict[str, list[Leaf]] | Unknown | None:
    if is_absent(blocks):
        return None
    if isinstance(blocks, Unknown):
        return blocks
    if not isinstance(blocks, list):
        return Unknown(f"principals is {blocks}")
    result: dict[str, list[Leaf]] = {}
    for block in blocks:
        if not isinstance(block, dict):
            return Unknown("principals block is not known")
        kind = block.get("type")
        if not isinstance(kind, str):
            return Unknown(f"principals type is {kind}")
        leaves = as_leaf_list(block.get("identifiers"))
        if isinstance(leaves, Unknown):
            return leaves
        result.setdefault(kind, []).extend(leaves or [])
    return result


def _conditions_from_blocks(blocks: Any) -> list[Condition] | Unknown:
    if is_absent(blocks):
        return []
    if not isinstance(blocks, list):
        return Unknown(f"condition is {blocks}")
    conditions = []
    for block in blocks:
        if not isinstance(block, dict):
            return Unknown("condition block is not known")
        test, variable = block.get("test"), block.get("variable")
        leaves = as_leaf_list(block.get("values"))
        if isinstance(leaves, Unknown):
            leaves = [leaves]
        conditions.append(
            Condition(
                test if isinstance(test, str) else "?",
                variable if isinstance(variable, str) else "?",
                tuple(leaves or []),
            )
        )
    return conditions


def statements_from_blocks(blocks: Any, address: str) -> list[Statement] | Unknown:
    """`statement` blocks of an `aws_iam_policy_document` (plan-JSON shape: list of dicts)."""
    if is_absent(blocks):
        return []
    if isinstance(blocks, Unknown):
        return blocks
    if not isinstance(blocks, list):
        return Unknown(f"statement is {blocks}")
    statements = []
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            return Unknown("a statement block is not known")
        effect = block.get("effect")
        sid = block.get("sid")
        statements.append(
            Statement(
                # The provider's default effect is Allow.
                effect="Allow" if is_absent(effect) else effect,
                origin=Origin(address, f"statement.{index}"),
                sid=sid if isinstance(sid, str) else "",
                actions=_absent_to_none(as_leaf_list(block.get("actions"))),
                not_actions=_absent_to_none(as_leaf_list(block.get("not_actions"))),
                resources=_absent_to_none(as_leaf_list(block.get("resources"))),
                not_resources=_absent_to_none(as_leaf_list(block.get("not_resources"))),
                principals=_principals_from_blocks(block.get("principals")),
                not_principals=_principals_from_blocks(block.get("not_principals")),
                conditions=_conditions_from_blocks(block.get("condition")),
            )
        )
    return statements


def _absent_to_none(value: list[Leaf] | Unknown | None) -> list[Leaf] | Unknown | None:
    # HCL omits what plan JSON writes as [] or null: both mean "not set".
    return None if value == [] else value


def merge_by_sid(base: list[Statement], overriding: list[Statement]) -> list[Statement]:
    """Provider semantics (`aws_iam_policy_document`): a statement with the same non-empty sid replaces
    the earlier one in place; others are appended."""
    merged = list(base)
    for statement in overriding:
        if statement.sid:
            for index, existing in enumerate(merged):
                if existing.sid == statement.sid:
                    merged[index] = statement
                    break
            else:
                merged.append(statement)
        else:
            merged.append(statement)
    return merged
