"""Schema-driven walks over object values (dicts decoded from msgpack/JSON)."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from tf.types import Unknown


def _rewrite(block: dict, value, set_attributes: Callable[[dict, dict], None]):
    """Copy of an object value with `set_attributes(block, copy)` applied at every nesting level."""
    if value is None or value is Unknown:
        return value
    out = dict(value)
    set_attributes(block, out)
    for name, nested in block["block_types"].items():
        current = out.get(name)
        if current is None or current is Unknown:
            continue
        if nested["nesting_mode"] == "single":
            out[name] = _rewrite(nested["block"], current, set_attributes)
        else:
            out[name] = [_rewrite(nested["block"], v, set_attributes) for v in current]
    return out


def _unknown_if_computed_null(block: dict, out: dict) -> None:
    for name, spec in block["attributes"].items():
        if spec.get("computed") and out.get(name) is None:
            out[name] = Unknown


def _default_if_null(block: dict, out: dict) -> None:
    for name, spec in block["attributes"].items():
        if "default" in spec and out.get(name) is None:
            out[name] = spec["default"]


def mark_computed_unknown(block: dict, value: dict | None) -> dict | None:
    """Every computed attribute that is null becomes unknown, in nested blocks too.

    This is what the real provider's SDK plans on create: a value the provider will choose
    (an ARN, an id, `action.order` of a listener rule) is not known before apply.
    """
    return _rewrite(block, value, _unknown_if_computed_null)


def apply_defaults(block: dict, value: dict | None) -> dict | None:
    """Unset arguments with a schema default get it, as the real provider's SDK (v2) plans them."""
    return _rewrite(block, value, _default_if_null)


def fill_nulls(block: dict, value: dict, path: str, errors: list[str]) -> dict:
    """Complete a (hand-written) state object: absent attributes null, absent blocks empty.

    Names the schema does not know are reported, so a typo in a test's prior state fails loudly.
    """
    out: dict[str, Any] = {}
    for name in value:
        if name not in block["attributes"] and name not in block["block_types"]:
            errors.append(f"{path}{name}")
    for name in block["attributes"]:
        out[name] = value.get(name)
    for name, nested in block["block_types"].items():
        current = value.get(name)
        if nested["nesting_mode"] == "single":
            out[name] = fill_nulls(nested["block"], current, f"{path}{name}.", errors) if current else None
        else:
            out[name] = [
                fill_nulls(nested["block"], v, f"{path}{name}.{i}.", errors) for i, v in enumerate(current or [])
            ]
    return out


def changed_paths(
    block: dict, before: dict, after: dict, wanted: Callable[[dict], bool], prefix: tuple = ()
) -> Iterator[tuple]:
    """Paths (tuples of names and list indices) of attributes selected by `wanted` whose value changed."""
    for name, spec in block["attributes"].items():
        if wanted(spec) and before.get(name) != after.get(name):
            yield prefix + (name,)
    for name, nested in block["block_types"].items():
        b, a = before.get(name), after.get(name)
        if wanted(nested) and (b or None) != (a or None):  # e.g. a ForceNew block
            yield prefix + (name,)
            continue
        if nested["nesting_mode"] == "single":
            if isinstance(b, dict) and isinstance(a, dict):
                yield from changed_paths(nested["block"], b, a, wanted, prefix + (name,))
        elif nested["nesting_mode"] == "list" and isinstance(b, list) and isinstance(a, list):
            for i, (bv, av) in enumerate(zip(b, a)):
                yield from changed_paths(nested["block"], bv, av, wanted, prefix + (name, i))

