"""The Terraform functions the evaluator computes, and value conversions.

A function whose inputs are not all known raises CannotKnow (the call becomes Unknown); a call that
Terraform would reject raises TypeError/ValueError/KeyError/IndexError (the call becomes Invalid).
Functions not listed here always yield Unknown: we never guess.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import math
import re
import urllib.parse
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


# Attributes that every object of the provider has once it exists (never null): a reference to one of
# them is "not null" already before apply (`coalesce(var.role_arn, aws_iam_role.x.arn)`).
NEVER_NULL_ATTRIBUTES = frozenset(
    {"arn", "id", "name", "json", "minified_json", "dns_name", "zone_id", "invoke_arn", "qualified_arn", "unique_id"}
)


def is_set_reference(value: Any) -> bool:
    """A reference to an attribute that is never null (see NEVER_NULL_ATTRIBUTES)."""
    return isinstance(value, Ref) and value.attribute.rsplit(".", 1)[-1] in NEVER_NULL_ATTRIBUTES


def equal_partial(left: Any, right: Any) -> bool | None:
    """`left == right` for values that may hold references or unknowns: None when it depends on them.
    An object with an unknown attribute is still not null, and a list of two is not a list of three."""
    if is_known(left) and is_known(right):
        return _equal(left, right)
    if left is None or right is None:
        other = right if left is None else left
        if isinstance(other, Unknown) or (isinstance(other, Ref) and not is_set_reference(other)):
            return None
        return False
    if isinstance(left, (Ref, Unknown)) or isinstance(right, (Ref, Unknown)):
        return True if isinstance(left, Ref) and left == right else None
    if _kind(left) != _kind(right):
        return False
    if isinstance(left, dict):
        if set(left) != set(right):
            return False
        pairs = [(left[k], right[k]) for k in left]
    elif isinstance(left, list):
        if len(left) != len(right):
            return False
        pairs = list(zip(left, right))
    else:
        return None
    verdicts = [equal_partial(a, b) for a, b in pairs]
    if False in verdicts:
        return False
    return True if all(v is True for v in verdicts) else None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


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
        if is_set_reference(value):
            return value  # the ARN of an object the configuration creates: never null or ""
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
    if isinstance(items, (Ref, Unknown)):
        raise CannotKnow()
    if not isinstance(items, list):
        raise TypeError("contains takes a list or set")
    verdicts = [equal_partial(item, value) for item in items]
    if True in verdicts:
        return True
    if all(v is False for v in verdicts):
        return False
    raise CannotKnow()


def _flatten(items: Any) -> Any:
    if isinstance(items, (Ref, Unknown)):
        raise CannotKnow()
    result: list[Any] = []
    for item in items:
        if is_set_reference(item):
            result.append(item)  # an ARN or id: a string, not a list to flatten
            continue
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
    if isinstance(items, (Ref, Unknown)):
        raise CannotKnow()
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


# -- collections, sets, paths, networks, hashes ------------------------------------------------


def _setproduct(*sets: Any) -> Any:
    if any(isinstance(item, (Ref, Unknown)) for item in sets):
        raise CannotKnow()
    if not sets or not all(isinstance(item, list) for item in sets):
        raise TypeError("setproduct takes lists or sets")
    result: list[list[Any]] = [[]]
    for items in sets:
        result = [row + [item] for row in result for item in items]
        if len(result) > 10000:
            raise ValueError("setproduct too large")
    return result


def _set_operation(operation: str) -> Callable[..., Any]:
    def compute(*sets: Any) -> Any:
        _require_known(*sets)
        if not sets or not all(isinstance(item, list) for item in sets):
            raise TypeError(f"set{operation} takes sets")
        result = list(sets[0])
        for other in sets[1:]:
            if operation == "union":
                result += [item for item in other if item not in result]
            elif operation == "intersection":
                result = [item for item in result if item in other]
            else:
                result = [item for item in result if item not in other]
        return _toset(result)

    return compute


def _all_or_any(decisive: bool) -> Callable[[Any], Any]:
    """alltrue (decisive=False: one false element decides, whatever the others) and anytrue
    (decisive=True: one true element decides)."""

    def compute(items: Any) -> Any:
        if isinstance(items, (Ref, Unknown)):
            raise CannotKnow()
        if any(item is decisive or item == ("true" if decisive else "false") for item in items):
            return decisive
        _require_known(items)
        if not all(isinstance(item, bool) or item in ("true", "false") for item in items):
            raise TypeError("alltrue/anytrue take bools")
        return not decisive

    return compute


def _sort(items: Any) -> Any:
    _require_known(items)
    texts = [to_string(item) for item in items]
    if any(text is None for text in texts):
        raise TypeError("sort takes strings")
    return sorted(texts)  # type: ignore[type-var]


def _formatlist(spec: Any, *args: Any) -> Any:
    _require_known(spec, *args)
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise ValueError("formatlist lists differ in length")
    count = lengths.pop() if lengths else 1
    return [_format(spec, *(a[i] if isinstance(a, list) else a for a in args)) for i in range(count)]


def _chunklist(items: Any, size: Any) -> Any:
    if isinstance(items, (Ref, Unknown)):
        raise CannotKnow()
    _require_known(size)
    step = _integer(size)
    if step < 0:
        raise ValueError("chunklist size")
    if step == 0:
        return [list(items)]
    return [items[i : i + step] for i in range(0, len(items), step)]


def _matchkeys(values: Any, keys: Any, searchset: Any) -> Any:
    _require_known(keys, searchset)
    if isinstance(values, (Ref, Unknown)):
        raise CannotKnow()
    if len(values) != len(keys):
        raise ValueError("matchkeys lengths differ")
    return [value for value, key in zip(values, keys) if key in searchset]


def _transpose(mapping: Any) -> Any:
    _require_known(mapping)
    result: dict[str, list[str]] = {}
    for key in sorted(mapping):
        for item in mapping[key]:
            result.setdefault(item, []).append(key)
    return {key: sorted(items) for key, items in sorted(result.items())}


def _basename(path: str) -> str:
    stripped = path.rstrip("/") or path
    return stripped.rsplit("/", 1)[-1] if stripped != "/" else "/"


def _dirname(path: str) -> str:
    stripped = path.rstrip("/") if path not in ("/", "") else path
    if "/" not in stripped:
        return "."
    head = stripped.rsplit("/", 1)[0]
    return head or "/"


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    network = ipaddress.ip_network(prefix, strict=False)
    new_prefix = network.prefixlen + _integer(newbits)
    if new_prefix > network.max_prefixlen or _integer(netnum) >= 2 ** _integer(newbits) or _integer(netnum) < 0:
        raise ValueError("cidrsubnet out of range")
    size = 2 ** (network.max_prefixlen - new_prefix)
    address = network.network_address + _integer(netnum) * size
    return f"{address}/{new_prefix}"


def _cidrhost(prefix: str, hostnum: Any) -> str:
    network = ipaddress.ip_network(prefix, strict=False)
    number = _integer(hostnum)
    if number < 0:
        number += network.num_addresses
    if not 0 <= number < network.num_addresses:
        raise ValueError("cidrhost out of range")
    return str(network.network_address + number)


def _cidrnetmask(prefix: str) -> str:
    network = ipaddress.ip_network(prefix, strict=False)
    if network.version != 4:
        raise ValueError("cidrnetmask takes an IPv4 prefix")
    return str(network.netmask)


# RE2 (Terraform) and Python's re agree on the common syntax; constructs only one of them has, or
# that mean something else, are not evaluated (the call stays unknown rather than guessed).
_REGEX_DIFFERENT = re.compile(r"\(\?[=!<]|\(\?P=|\\[1-9]|\\[AZzbBGQE]|\[\[:|\\p|\\x\{|\(\?[a-zA-Z]*[sUm]")


def _compile_regex(pattern: str) -> re.Pattern[str]:
    if _REGEX_DIFFERENT.search(pattern):
        raise CannotKnow()
    return re.compile(pattern)


def _regex_result(match: re.Match[str]) -> Any:
    compiled = match.re
    if compiled.groupindex:
        return {name: match.group(name) for name in compiled.groupindex}
    if compiled.groups:
        return list(match.groups())
    return match.group(0)


def _regex(pattern: str, text: str) -> Any:
    match = _compile_regex(pattern).search(text)
    if match is None:
        raise ValueError("pattern does not match")
    return _regex_result(match)


def _regexall(pattern: str, text: str) -> Any:
    return [_regex_result(match) for match in _compile_regex(pattern).finditer(text)]


def _identity(value: Any) -> Any:
    return value


def _hash(name: str) -> Callable[[str], str]:
    return lambda text: hashlib.new(name, text.encode("utf-8")).hexdigest()


# Functions tfbg leaves unknown on purpose, with the reason shown in "could not prove".
UNEVALUATED = {
    "timestamp": "timestamp() changes on every run",
    "uuid": "uuid() changes on every run",
    "bcrypt": "bcrypt() changes on every run",
    "plantimestamp": "plantimestamp() changes on every run",
    "fileexists": "tfbg does not read the file system for fileexists()",
    "fileset": "tfbg does not read the file system for fileset()",
    "filebase64": "tfbg does not read binary files",
    "filemd5": "tfbg does not read binary files",
    "filesha256": "tfbg does not read binary files",
}


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
    "setproduct": _setproduct,
    "setunion": _set_operation("union"),
    "setintersection": _set_operation("intersection"),
    "setsubtract": _set_operation("subtract"),
    "alltrue": _all_or_any(False),
    "anytrue": _all_or_any(True),
    "sort": _sort,
    "formatlist": _formatlist,
    "chunklist": _chunklist,
    "matchkeys": _matchkeys,
    "transpose": _transpose,
    "strcontains": _string_function(lambda s, part: part in s),
    "basename": _string_function(_basename),
    "dirname": _string_function(_dirname),
    "cidrsubnet": _string_function(_cidrsubnet),
    "cidrhost": _string_function(_cidrhost),
    "cidrnetmask": _string_function(_cidrnetmask),
    "regex": _string_function(_regex),
    "regexall": _string_function(_regexall),
    "sensitive": _identity,
    "nonsensitive": _identity,
    "base64encode": _string_function(lambda s: base64.b64encode(s.encode("utf-8")).decode("ascii")),
    "base64decode": _string_function(lambda s: base64.b64decode(s, validate=True).decode("utf-8")),
    "md5": _string_function(_hash("md5")),
    "sha1": _string_function(_hash("sha1")),
    "sha256": _string_function(_hash("sha256")),
    "sha512": _string_function(_hash("sha512")),
    "urlencode": _string_function(lambda s: urllib.parse.quote(s, safe="-._~")),
}


def _succeeds(value: Any) -> bool | None:
    """Would Terraform evaluate this without error? None when it depends on an unknown value.
    A reference succeeds (the object exists; only its attribute waits for apply), as does a
    structure whose only unknown parts are references; an Invalid part anywhere fails the whole."""
    if _contains_invalid(value):
        return False
    if _only_references_unknown(value):
        return True
    return None


def _only_references_unknown(value: Any) -> bool:
    if isinstance(value, Ref):
        return True
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(_only_references_unknown(v) for v in value.values())
    if isinstance(value, list):
        return all(_only_references_unknown(v) for v in value)
    return True


def _try(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    from validator.hcl.evaluate import Invalid

    for arg in arg_nodes:
        value = evaluator.eval(arg)
        verdict = _succeeds(value)
        if verdict is False:
            continue
        if verdict is None:
            # An unknown value might or might not fail when Terraform runs: cannot say which argument wins.
            return evaluator.unknown(node, value)
        return value
    return Invalid(evaluator.text(node))


def _can(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    from validator.hcl.evaluate import Invalid

    if len(arg_nodes) != 1:
        return Invalid(evaluator.text(node))
    value = evaluator.eval(arg_nodes[0])
    verdict = _succeeds(value)
    return verdict if verdict is not None else evaluator.unknown(node, value)


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
        return JsonDocument(evaluator.text(node), value, cause=evaluator.unknown(node, value).cause)
    return evaluator.unknown(node, value)


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
        return evaluator.unknown(node, reason="file() takes one argument")
    path = evaluator.eval(arg_nodes[0])
    reader = getattr(evaluator.scope, "read_file", None)
    if not isinstance(path, str) or reader is None:
        return evaluator.unknown(node, path, reason="the path is not known")
    text = reader(path)
    return evaluator.unknown(node, reason=f"cannot read {path}") if text is None else text


def _templatefile(evaluator: Any, arg_nodes: list[Any], node: Any) -> Any:
    if len(arg_nodes) != 2:
        return evaluator.unknown(node, reason="templatefile() takes two arguments")
    path, variables = evaluator.eval(arg_nodes[0]), evaluator.eval(arg_nodes[1])
    reader = getattr(evaluator.scope, "read_file", None)
    if not isinstance(path, str) or not isinstance(variables, dict) or reader is None:
        return evaluator.unknown(node, path, variables, reason="the path or the variables are not known")
    text = reader(path)
    if text is None:
        return evaluator.unknown(node, reason=f"cannot read {path}")
    # Template variables are the only names a template sees, besides functions.
    return evaluator.__class__(_NoScope(), evaluator.source, variables).template(text, node)


class _NoScope:
    def reference(self, root: str, steps: list[Any], text: str) -> Any:
        return Unknown(text, cause=f"{text}: not a variable of the template")


FUNCTIONS.update(
    {"try": _try, "can": _can, "file": _file, "templatefile": _templatefile, "jsonencode": _jsonencode_lazy}
)
LAZY = frozenset({"try", "can", "file", "templatefile", "jsonencode"})
