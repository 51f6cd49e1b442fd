"""Terraform type constraints (`variable "x" { type = ... }`) and the conversion Terraform applies to
a variable's value: primitives convert (5 -> "5", "true" -> true), collections convert element by
element, objects keep exactly their declared attributes (extra ones are dropped; a missing
`optional(type[, default])` attribute becomes its default, or null), also nested at any depth.

A value Terraform would reject (a required attribute missing, "abc" for a number) becomes Invalid,
naming the variable and the attribute path. Unknown values and references convert to themselves:
their type is checked by Terraform at apply time, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from lark import Tree

from validator.hcl import functions
from validator.model import MISSING, Ref, Unknown

PRIMITIVES = ("string", "number", "bool")


@dataclass(eq=False)
class Attribute:
    type: "Type"
    optional: bool = False
    default: Any = MISSING  # only for optional(type, default)


@dataclass(eq=False)
class Type:
    kind: str  # "any" | "string" | "number" | "bool" | "list" | "set" | "map" | "tuple" | "object"
    element: "Type | None" = None  # list, set, map
    elements: list["Type"] = field(default_factory=list)  # tuple
    attributes: dict[str, Attribute] = field(default_factory=dict)  # object


ANY = Type("any")

_NOISE = "new_line_or_comment"


def _subtrees(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != _NOISE]


def _unwrap(node: Any) -> Any:
    while isinstance(node, Tree) and node.data == "expr_term" and len(_subtrees(node)) == 1:
        node = _subtrees(node)[0]
    return node


def parse_type(node: Any, evaluate: Callable[[Any], Any]) -> Type | None:
    """The type a type-constraint expression denotes; None when it is not one tfbg reads.
    `evaluate` computes `optional()` defaults and quoted object keys (literals only)."""
    node = _unwrap(node)
    if isinstance(node, Tree) and node.data == "identifier":
        name = str(node.children[0])
        if name in ("list", "set", "map"):  # Terraform 0.12 shorthand for list(any) ...
            return Type(name, element=ANY)
        return Type(name) if name in PRIMITIVES or name == "any" else None
    if not (isinstance(node, Tree) and node.data == "function_call"):
        return None
    names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    arguments = [c for c in node.children if isinstance(c, Tree) and c.data == "arguments"]
    if len(names) != 1:
        return None
    name = str(names[0].children[0])
    args = _subtrees(arguments[0]) if arguments else []
    if name in ("list", "set", "map") and len(args) == 1:
        element = parse_type(args[0], evaluate)
        return Type(name, element=element) if element is not None else None
    if name == "tuple" and len(args) == 1:
        inner = _unwrap(args[0])
        if not (isinstance(inner, Tree) and inner.data == "tuple"):
            return None
        elements = [parse_type(child, evaluate) for child in _subtrees(inner)]
        return None if any(e is None for e in elements) else Type("tuple", elements=elements)  # type: ignore[misc]
    if name == "object" and len(args) == 1:
        inner = _unwrap(args[0])
        if not (isinstance(inner, Tree) and inner.data == "object"):
            return None
        attributes: dict[str, Attribute] = {}
        for element in _subtrees(inner):
            key_node, value_node = _subtrees(element)
            key = _object_key(key_node, evaluate)
            attribute = _attribute(value_node, evaluate)
            if not isinstance(key, str) or attribute is None:
                return None
            attributes[key] = attribute
        return Type("object", attributes=attributes)
    return None


def _object_key(key_node: Tree, evaluate: Callable[[Any], Any]) -> Any:
    inner = _unwrap(key_node.children[0])
    if isinstance(inner, Tree) and inner.data in ("identifier", "keyword"):
        return str(inner.children[0])
    return evaluate(inner)


def _attribute(node: Any, evaluate: Callable[[Any], Any]) -> Attribute | None:
    inner = _unwrap(node)
    if isinstance(inner, Tree) and inner.data == "function_call":
        names = [c for c in inner.children if isinstance(c, Tree) and c.data == "identifier"]
        if len(names) == 1 and str(names[0].children[0]) == "optional":
            arguments = [c for c in inner.children if isinstance(c, Tree) and c.data == "arguments"]
            args = _subtrees(arguments[0]) if arguments else []
            if not 1 <= len(args) <= 2:
                return None
            kind = parse_type(args[0], evaluate)
            if kind is None:
                return None
            default = evaluate(args[1]) if len(args) == 2 else MISSING
            return Attribute(kind, optional=True, default=default)
    kind = parse_type(node, evaluate)
    return Attribute(kind) if kind is not None else None


# -- conversion ------------------------------------------------------------------------------


class ConversionError(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)


def convert(value: Any, kind: Type, path: str = "") -> Any:
    """`value` converted to `kind` as Terraform converts a variable's value. Raises ConversionError
    where Terraform would refuse the value ("Invalid value for input variable")."""
    if value is None or kind.kind == "any":
        return value
    if isinstance(value, (Ref, Unknown)):
        return value  # checked by Terraform once known
    if kind.kind in PRIMITIVES:
        return _primitive(value, kind.kind, path)
    if kind.kind in ("list", "set"):
        if not isinstance(value, list):
            raise ConversionError(path, f"a {kind.kind} is required")
        items = [convert(item, kind.element or ANY, f"{path}[{i}]") for i, item in enumerate(value)]
        return _as_set(items) if kind.kind == "set" else items
    if kind.kind == "tuple":
        if not isinstance(value, list) or len(value) != len(kind.elements):
            raise ConversionError(path, f"a tuple of {len(kind.elements)} elements is required")
        return [convert(item, element, f"{path}[{i}]") for i, (item, element) in enumerate(zip(value, kind.elements))]
    if kind.kind == "map":
        if not isinstance(value, dict):
            raise ConversionError(path, "a map is required")
        return {key: convert(item, kind.element or ANY, f"{path}[{key!r}]") for key, item in value.items()}
    if kind.kind == "object":
        if not isinstance(value, dict):
            raise ConversionError(path, "an object is required")
        return _object(value, kind, path)
    return value


def _object(value: dict, kind: Type, path: str) -> dict:
    result: dict[str, Any] = {}
    for name, attribute in kind.attributes.items():
        where = f"{path}.{name}" if path else name
        given = value.get(name)
        if given is None and attribute.optional:
            # Terraform >= 1.3: an absent or null optional attribute takes its default (itself
            # converted, so the default's own optional attributes get their defaults), else null.
            default = attribute.default
            result[name] = None if default is MISSING or default is None else convert(default, attribute.type, where)
        elif name not in value:
            raise ConversionError(path, f"attribute {name!r} is required")
        else:
            result[name] = convert(given, attribute.type, where)
    return result  # attributes the type does not declare are dropped, as Terraform does


def _primitive(value: Any, kind: str, path: str) -> Any:
    if isinstance(value, (dict, list)):
        raise ConversionError(path, f"a {kind} is required")
    if kind == "string":
        text = functions.to_string(value)
        if text is None:
            raise ConversionError(path, "a string is required")
        return text
    if kind == "number":
        number = functions.to_number_strict(value)
        if number is None:
            raise ConversionError(path, f"a number is required, got {value!r}")
        return number
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ConversionError(path, f"a bool is required, got {value!r}")


def _as_set(items: list[Any]) -> list[Any]:
    """A set as the model holds it: distinct elements; strings and numbers in Terraform's order."""
    distinct: list[Any] = []
    for item in items:
        if item not in distinct:
            distinct.append(item)
    if all(isinstance(i, str) for i in distinct) or all(
        isinstance(i, (int, float)) and not isinstance(i, bool) for i in distinct
    ):
        return sorted(distinct)
    return distinct
