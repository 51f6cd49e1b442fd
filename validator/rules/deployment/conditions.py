"""Does one ALB listener rule's condition set match every request another one matches?

Used by TFBG120 (a test rule shadowed by the production rule). Answers are three-valued: True
(proven), False (not proven: the rule stays silent), None (a value is unknown statically).

ALB semantics (Elastic Load Balancing user guide, "Listener rules" / "Rule condition types"): the
condition blocks of a rule are ANDed; the values inside one block are ORed; `*` matches zero or more
characters and `?` exactly one (`\\*`, `\\?` are literal); path patterns are case-sensitive, host names,
HTTP header values and query strings are not. A rule without conditions matches every request.

The check is sound rather than complete: "covered" is only claimed when every request the narrower
rule matches is certainly matched by the broader one; anything cleverer returns False.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Iterable

from validator.model import Ref, Unknown, is_absent

CONDITION_KINDS = (
    "host_header",
    "http_header",
    "http_request_method",
    "path_pattern",
    "query_string",
    "source_ip",
)


def _known_strings(values: Any) -> list[str] | None:
    if isinstance(values, (Ref, Unknown)) or not isinstance(values, list):
        return None
    if not all(isinstance(v, str) for v in values):
        return None
    return list(values)


def _pattern_regex(pattern: str) -> re.Pattern:
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def covers_value(broad: str, narrow: str, *, case_insensitive: bool = False, path: bool = False) -> bool:
    """Does the pattern `broad` match every string the pattern `narrow` matches?"""
    if case_insensitive:
        broad, narrow = broad.lower(), narrow.lower()
    if broad == narrow or set(broad) == {"*"}:
        return True
    if "\\" in broad or "\\" in narrow:
        return False  # `\*` and `\?` are literal characters: not modelled, so not proven
    if path and broad == "/*":  # every request path starts with "/"
        return True
    if not _has_wildcard(narrow):
        return _pattern_regex(broad).fullmatch(narrow) is not None
    # Both are patterns: a trailing-star prefix covers any pattern that starts with that literal prefix.
    prefix = broad[:-1]
    return broad.endswith("*") and not _has_wildcard(prefix) and narrow.startswith(prefix)


def _kind_of(condition: dict) -> tuple[str, Any] | None:
    """The one condition type a `condition` block sets, with its (first) nested block."""
    present = [(kind, condition.get(kind)) for kind in CONDITION_KINDS if not is_absent(condition.get(kind))]
    if len(present) != 1:
        return None
    kind, blocks = present[0]
    if isinstance(blocks, (Ref, Unknown)) or not isinstance(blocks, list):
        return None
    if kind == "query_string":  # a set of key/value blocks, ORed
        return kind, blocks
    return kind, blocks[0] if blocks and isinstance(blocks[0], dict) else None


def _uses_regex(block: Any) -> bool:
    return isinstance(block, dict) and not is_absent(block.get("regex_values"))


def matches_everything(condition: dict) -> bool | None:
    """A path pattern of "/*" (or "*") or a host header of "*" matches every request."""
    found = _kind_of(condition)
    if found is None:
        return None
    kind, block = found
    if kind not in ("path_pattern", "host_header"):
        return False
    if _uses_regex(block):
        return None
    values = _known_strings(block.get("values") if isinstance(block, dict) else None)
    if values is None:
        return None
    everything = {"*", "/*"} if kind == "path_pattern" else {"*"}
    return any(set(v) == {"*"} or v in everything for v in values)


def _all_covered(broad: list[str], narrow: list[str], **how: bool) -> bool:
    return all(any(covers_value(b, n, **how) for b in broad) for n in narrow)


def condition_covers(broad: dict, narrow: dict) -> bool | None:
    """Does the `broad` condition block match every request the `narrow` one matches?"""
    found_b, found_n = _kind_of(broad), _kind_of(narrow)
    if found_b is None or found_n is None:
        return None
    (kind_b, block_b), (kind_n, block_n) = found_b, found_n
    if kind_b != kind_n:
        return False
    if kind_b == "query_string":
        return _query_covers(block_b, block_n)
    if block_b is None or block_n is None or _uses_regex(block_b) or _uses_regex(block_n):
        return None
    values_b = _known_strings(block_b.get("values"))
    values_n = _known_strings(block_n.get("values"))
    if values_b is None or values_n is None:
        return None
    if kind_b == "path_pattern":
        return _all_covered(values_b, values_n, path=True)
    if kind_b == "host_header":
        return _all_covered(values_b, values_n, case_insensitive=True)
    if kind_b == "http_header":
        name_b, name_n = block_b.get("http_header_name"), block_n.get("http_header_name")
        if not isinstance(name_b, str) or not isinstance(name_n, str):
            return None
        if name_b.lower() != name_n.lower():
            return False
        return _all_covered(values_b, values_n, case_insensitive=True)
    if kind_b == "http_request_method":
        return set(values_n) <= set(values_b)
    if kind_b == "source_ip":
        return _cidrs_covered(values_b, values_n)
    return False


def _query_covers(broad: list, narrow: list) -> bool | None:
    def pairs(blocks: list) -> list[tuple[str | None, str]] | None:
        result = []
        for block in blocks:
            if not isinstance(block, dict):
                return None
            key, value = block.get("key"), block.get("value")
            if isinstance(key, (Ref, Unknown)) or not isinstance(value, str):
                return None
            result.append((None if is_absent(key) else key, value))
        return result

    pairs_b, pairs_n = pairs(broad), pairs(narrow)
    if pairs_b is None or pairs_n is None:
        return None

    def pair_covers(b: tuple[str | None, str], n: tuple[str | None, str]) -> bool:
        # Query string comparison is case-insensitive (ELB QueryStringConditionConfig).
        key_ok = b[0] is None or (n[0] is not None and covers_value(b[0], n[0], case_insensitive=True))
        return key_ok and covers_value(b[1], n[1], case_insensitive=True)

    return all(any(pair_covers(b, n) for b in pairs_b) for n in pairs_n)


def _cidrs_covered(broad: list[str], narrow: list[str]) -> bool | None:
    try:
        nets_b = [ipaddress.ip_network(v, strict=False) for v in broad]
        nets_n = [ipaddress.ip_network(v, strict=False) for v in narrow]
    except ValueError:
        return None
    return all(any(n.version == b.version and n.subnet_of(b) for b in nets_b) for n in nets_n)


def conditions_of(values: Any) -> list[dict] | None:
    """A rule's `condition` blocks, or None when they cannot be read statically."""
    if isinstance(values, (Ref, Unknown)):
        return None
    if is_absent(values):
        return []
    if not isinstance(values, list) or not all(isinstance(c, dict) for c in values):
        return None
    return list(values)


def rule_covers(broad: Iterable[dict], narrow: Iterable[dict]) -> bool | None:
    """Does a rule with conditions `broad` match every request a rule with conditions `narrow`
    matches? Each broad block must match everything or cover one of the narrow blocks."""
    narrow = list(narrow)
    undecided = False
    for condition in broad:
        if matches_everything(condition) is True:
            continue
        answers = [condition_covers(condition, n) for n in narrow]
        if True in answers:
            continue
        if None in answers or matches_everything(condition) is None:
            undecided = True
            continue
        return False
    return None if undecided else True
