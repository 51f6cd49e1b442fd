"""The Terraform functions the evaluator computes, and value conversions.

A function whose inputs are not all known raises CannotKnow (the call becomes Unknown); a call that
Terraform would reject raises TypeError/ValueError/KeyError/IndexError (the call becomes Invalid).
Functions not listed here always yield Unknown: we never guess.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

from validator.model import JsonDocument, Ref, Unknown, is_known


class CannotKnow(Exception):
    """An input is Unknown or a Ref, so the result cannot be known statically."""


INVALID = object()


def to_string(value: Any) -> str | None:
    """Terraform's implicit conversion to string (interpolation, tostring); None if not allowed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        return value
    return None


def to_number_strict(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        if math.isnan(number) or math.isinf(number):
            return None
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    return None


def _require_known(*values: Any) -> None:
    for value in values:
        if not is_known(value):
            raise CannotKnow()


def _number(value: Any) -> int | float:
    number = to_number_strict(value)
    if number is None:
        raise TypeError(f"not a number: {value!r}")
    return number


def binary(operator: str, left: Any, right: Any) -> Any:
    if operator == "==":
        return _equal(left, right)
    if operator == "!=":
        return not _equal(left, right)
    if operator in ("&&", "||"):
        if not isinstance(left, bool) or not isinstance(right, bool):
            return INVALID
        return (left and right) if operator == "&&" else (left or right)
    try:
        a, b = _number(left), _number(right)
    except TypeError:
        return INVALID
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if operator == "/":
        if b == 0:
            return INVALID
        result = a / b
        return int(result) if result.is_integer() else result
    if operator == "%":
        return INVALID if b == 0 else math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else int(math.fmod(a, b))
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}.get(operator, INVALID)


def _equal(left: Any, right: Any) -> bool:
    # Terraform compares type and value: 1 == "1" is false, 1 == 1.0 is true.
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    return type(left) is type(right) and left == right


# -- eager functions ---------------------------------------------------------------------------


def _concat(*lists: Any) -> Any:
    result: list[Any] = []
    for item in lists:
        if isinstance(item, (Ref, Unknown)):
            raise CannotKnow()
        if not isinstance(item, list):
            raise TypeError("concat takes lists")
        result.extend(item)
    return result


def _merge(*maps: Any) -> Any:
    result: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if isinstance(item, (Ref, Unknown)):
            raise CannotKnow()
        if not isinstance(item, dict):
            raise TypeError("merge takes maps")
        result.update(item)
    return result


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if isinstance(mapping, (Ref, Unknown)) or isinstance(key, (Ref, Unknown)):
        raise CannotKnow()
    if not isinstance(mapping, dict):
        raise TypeError("lookup takes a map")
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(key)


def _tostring(value: Any) -> Any:
    if value is None:
        return None
    _require_known(value)
    text = to_string(value)
    if text is None:
        raise TypeError("tostring takes a primitive")
    return text


def _tonumber(value: Any) -> Any:
    if value is None:
        return None
    _require_known(value)
    return _number(value)


def _tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    _require_known(value)
    if value in ("true", "false"):
        return value == "true"
    raise TypeError("tobool")


_FORMAT_VERB = re.compile(r"%(%|[-+ #0]*\d*(?:\.\d+)?[sdvqftbeEgGxXo])")


def _format(spec: Any, *args: Any) -> Any:
    _require_known(spec, *args)
    if not isinstance(spec, str):
        raise TypeError("format spec")
    remaining = list(args)

    def substitute(match: re.Match[str]) -> str:
        verb = match.group(1)
        if verb == "%":
            return "%"
        if not remaining:
            raise ValueError("too few arguments")
        value = remaining.pop(0)
        kind = verb[-1]
        if kind in "sv":
            text = to_string(value) if not isinstance(value, (list, dict)) else json.dumps(value)
            if text is None:
                raise TypeError("null in format")
            return ("%" + verb[:-1] + "s") % text
        if kind == "q":
            return json.dumps(to_string(value))
        if kind in "dxXob":
            number = _number(value)
            if kind == "b":
                return format(int(number), "b")
            return ("%" + verb) % int(number)
        if kind in "feEgG":
            return ("%" + verb) % float(_number(value))
        if kind == "t":
            if not isinstance(value, bool):
                raise TypeError("%t takes a bool")
            return "true" if value else "false"
        raise ValueError(verb)

    return _FORMAT_VERB.sub(substitute, spec)


def _join(separator: Any, *lists: Any) -> Any:
    _require_known(separator, *lists)
    items: list[str] = []
    for item in lists:
        if not isinstance(item, list):
            raise TypeError("join takes lists")
        for element in item:
            text = to_string(element)
            if text is None:
                raise TypeError("join takes strings")
            items.append(text)
    return separator.join(items)


def _length(value: Any) -> Any:
    if isinstance(value, (Ref, Unknown)):
        raise CannotKnow()
    if isinstance(value, (list, dict, str)):
        return len(value)
    raise TypeError("length")


def _element(items: Any, index: Any) -> Any:
    if isinstance(items, (Ref, Unknown)) or not is_known(index):
        raise CannotKnow()
    if not isinstance(items, list) or not items:
        raise TypeError("element")
    return items[int(_number(index)) % len(items)]


def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, (Ref, Unknown)):
            raise CannotKnow()
        if value is not None and value != "":
            return value
    raise ValueError("no non-null argument")


def _jsonencode(value: Any) -> Any:
    _require_known(value)
    # Terraform writes object keys sorted, no whitespace.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _jsondecode(value: Any) -> Any:
    if isinstance(value, JsonDocument):
        return value.value  # jsondecode(jsonencode(x)) is x, also when x holds references
    _require_known(value)
    return json.loads(value)


def _keys(value: Any) -> Any:
    if isinstance(value, (Ref, Unknown)):
        raise CannotKnow()
    return sorted(value.keys())


def _values(value: Any) -> Any:
    if isinstance(value, (Ref, Unknown)):
        raise CannotKnow()
    return [value[k] for k in sorted(value.keys())]


def _contains(items: Any, value: Any) -> Any:
    _require_known(items, value)
    return any(_equal(item, value) for item in items)


def _flatten(items: Any) -> Any:
    if isinstance(items, (Ref, Unknown)):
        raise CannotKnow()
    result: list[Any] = []
    for item in items:
        if isinstance(item, (Ref, Unknown)):
            raise CannotKnow()
        result.extend(_flatten(item) if isinstance(item, list) else [item])
    return result


def _distinct(items: Any) -> Any:
    _require_known(items)
    result: list[Any] = []
    for item in items:
        if item not in result:
            result.append(item)
    return result


def _toset(items: Any) -> Any:
    _require_known(items)
    if not isinstance(items, list):
        raise TypeError("toset")
    # Terraform sets of strings iterate in lexical order.
    distinct = _distinct(items)
    try:
        return sorted(distinct)
    except TypeError:
        return distinct


def _tolist(items: Any) -> Any:
    if isinstance(items, (Ref, Unknown)):
        raise CannotKnow()
    if not isinstance(items, list):
        raise TypeError("tolist")
    return items


def _tomap(value: Any) -> Any:
    if isinstance(value, (Ref, Unknown)):
        raise CannotKnow()
    if not isinstance(value, dict):
        raise TypeError("tomap")
    return value


def _compact(items: Any) -> Any:
    _require_known(items)
    return [item for item in items if item not in (None, "")]


def _string_function(function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        _require_known(*args)
        return function(*args)

    return wrapped


def _split(separator: str, text: str) -> list[str]:
    return text.split(separator) if text else []


def _replace(text: str, search: str, replacement: str) -> str:
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        return re.sub(search[1:-1], replacement.replace("$", "\\"), text)
    return text.replace(search, replacement)


def _min(*numbers: Any) -> Any:
    _require_known(*numbers)
    return min(_number(n) for n in numbers)


def _max(*numbers: Any) -> Any:
    _require_known(*numbers)
    return max(_number(n) for n in numbers)


def _integer(value: Any) -> int:
    number = _number(value)
    if number != int(number):
        raise ValueError("not a whole number")
    return int(number)


def _one(items: Any) -> Any:
    _require_known(items)
    if not isinstance(items, list) or len(items) > 1:
        raise TypeError("one takes a list of at most one element")
    return items[0] if items else None


def _range(*args: Any) -> Any:
    _require_known(*args)
    numbers = [_integer(a) for a in args]
    if not 1 <= len(numbers) <= 3:
        raise TypeError("range")
    result = list(range(*numbers))
    if len(result) > 1024:
        raise ValueError("range too long")
    return result


def _zipmap(keys: Any, values: Any) -> Any:
    _require_known(keys)
    if isinstance(values, (Ref, Unknown)):
        raise CannotKnow()
    if len(keys) != len(values):
        raise ValueError("zipmap lengths differ")
    return dict(zip(keys, values))


def _slice(items: Any, start: Any, end: Any) -> Any:
    if isinstance(items, (Ref, Unknown)):
        raise CannotKnow()
    _require_known(start, end)
    low, high = _integer(start), _integer(end)
    if not 0 <= low <= high <= len(items):
        raise IndexError("slice")
    return items[low:high]


def _index(items: Any, value: Any) -> Any:
    _require_known(items, value)
    for position, item in enumerate(items):
        if _equal(item, value):
            return position
    raise ValueError("not in list")


def _coalescelist(*lists: Any) -> Any:
    for item in lists:
        if isinstance(item, (Ref, Unknown)):
            raise CannotKnow()
        if item:
            return item
    raise ValueError("no non-empty list")


def _parseint(text: Any, base: Any) -> Any:
    _require_known(text, base)
    return int(text, _integer(base))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "concat": _concat,
    "merge": _merge,
    "lookup": _lookup,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "format": _format,
    "join": _join,
    "length": _length,
    "element": _element,
    "coalesce": _coalesce,
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "keys": _keys,
    "values": _values,
    "contains": _contains,
    "flatten": _flatten,
    "distinct": _distinct,
    "toset": _toset,
    "tolist": _tolist,
    "tomap": _tomap,
    "compact": _compact,
    "lower": _string_function(lambda s: s.lower()),
    "upper": _string_function(lambda s: s.upper()),
    "trimspace": _string_function(lambda s: s.strip()),
    "split": _string_function(_split),
    "replace": _string_function(_replace),
    "startswith": _string_function(lambda s, p: s.startswith(p)),
    "endswith": _string_function(lambda s, p: s.endswith(p)),
    "substr": _string_function(lambda s, o, n: s[o:] if n == -1 else s[o : o + n]),
    "min": _min,
    "max": _max,
    "abs": _string_function(lambda n: abs(_number(n))),
    "ceil": _string_function(lambda n: math.ceil(_number(n))),
    "floor": _string_function(lambda n: math.floor(_number(n))),
    "signum": _string_function(lambda n: (_number(n) > 0) - (_number(n) < 0)),
    "pow": _string_function(lambda a, b: _number(a) ** _number(b)),
    "parseint": _parseint,
    "sum": _string_function(lambda items: sum(_number(i) for i in items)),
    "one": _one,
    "range": _range,
    "zipmap": _zipmap,
    "slice": _slice,
    "index": _index,
    "reverse": _string_function(lambda items: list(reversed(items))),
    "coalescelist": _coalescelist,
    "trim": _string_function(lambda s, chars: s.strip(chars)),
    "trimprefix": _string_function(lambda s, p: s[len(p):] if p and s.startswith(p) else s),
    "trimsuffix": _string_function(lambda s, p: s[: -len(p)] if p and s.endswith(p) else s),
    "chomp": _string_function(lambda s: s.rstrip("\r\n")),
    "title": _string_function(lambda s: re.sub(r"\b[a-z]", lambda m: m.group(0).upper(), s)),
    "strrev": _string_function(lambda s: s[::-1]),
}


def _try(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    from validator.hcl.evaluate import Invalid

    for arg in arg_nodes:
        value = evaluator.eval(arg)
        if isinstance(value, Invalid):
            continue
        if not is_known(value):
            # An unknown value might or might not fail at apply time: cannot say which branch wins.
            return evaluator.unknown(node)
        return value
    return Invalid(evaluator.text(node))


def _can(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    from validator.hcl.evaluate import Invalid

    if len(arg_nodes) != 1:
        return Invalid(evaluator.text(node))
    value = evaluator.eval(arg_nodes[0])
    if isinstance(value, Invalid):
        return False
    return True if is_known(value) else evaluator.unknown(node)


def _jsonencode_lazy(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    """jsonencode(x): a JSON string when x is known; when x is a structure with references inside,
    a JsonDocument that keeps it (the IAM collector reads policies from it); else Unknown."""
    from validator.hcl.evaluate import Invalid

    if len(arg_nodes) != 1:
        return Invalid(evaluator.text(node))
    value = evaluator.eval(arg_nodes[0])
    if is_known(value):
        return _jsonencode(value)
    if isinstance(value, (dict, list)) and not _contains_invalid(value):
        return JsonDocument(evaluator.text(node), value)
    return evaluator.unknown(node)


def _contains_invalid(value: Any) -> bool:
    from validator.hcl.evaluate import Invalid

    if isinstance(value, Invalid):
        return True
    if isinstance(value, JsonDocument):
        return False  # a nested jsonencode is one (unknown) string leaf
    if isinstance(value, dict):
        return any(_contains_invalid(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_invalid(v) for v in value)
    return False


def _file(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    if len(arg_nodes) != 1:
        return evaluator.unknown(node)
    path = evaluator.eval(arg_nodes[0])
    reader = getattr(evaluator.scope, "read_file", None)
    if not isinstance(path, str) or reader is None:
        return evaluator.unknown(node)
    text = reader(path)
    return evaluator.unknown(node) if text is None else text


def _templatefile(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    if len(arg_nodes) != 2:
        return evaluator.unknown(node)
    path, variables = evaluator.eval(arg_nodes[0]), evaluator.eval(arg_nodes[1])
    reader = getattr(evaluator.scope, "read_file", None)
    if not isinstance(path, str) or not isinstance(variables, dict) or reader is None:
        return evaluator.unknown(node)
    text = reader(path)
    if text is None:
        return evaluator.unknown(node)
    # Template variables are the only names a template sees, besides functions.
    return evaluator.__class__(_NoScope(), evaluator.source, variables).template(text, node)


class _NoScope:
    def reference(self, root: str, steps: list[Any], text: str) -> Any:
        return Unknown(text)


FUNCTIONS.update(
    {"try": _try, "can": _can, "file": _file, "templatefile": _templatefile, "jsonencode": _jsonencode_lazy}
)
LAZY = frozenset({"try", "can", "file", "templatefile", "jsonencode"})
