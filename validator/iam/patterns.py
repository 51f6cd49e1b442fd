"""Wildcard matching for IAM patterns (`*` any run of characters, `?` exactly one).

Besides matching a pattern against a known string, the evaluator must answer questions about values
only partly known: a target group whose ARN is `arn:aws:elasticloadbalancing:*:*:targetgroup/blue/*`
before apply. Such a partial value is a *shape*: a pattern whose `*` stand for unknown text.
`covers(pattern, shape)` says every value of the shape matches the pattern; `may_overlap` says some
value could match both.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A character no IAM pattern contains: stands for an unknown stretch of a shape. Only a `*` of the
# pattern can absorb it, which is exactly "the pattern matches whatever the unknown text is".
_UNKNOWN = "\ue000"
POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")


@lru_cache(maxsize=4096)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(f"[^{_UNKNOWN}]")
        else:
            parts.append(re.escape(char))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(parts), flags)


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return _compile(pattern, ignore_case).fullmatch(value) is not None


def covers(pattern: str, shape: str, *, ignore_case: bool = False) -> bool:
    """True when every string the shape stands for matches the pattern."""
    return glob_match(pattern, shape.replace("*", _UNKNOWN), ignore_case=ignore_case)


def may_overlap(first: str, second: str, *, second_is_shape: bool = False) -> bool:
    return _may_overlap(first, second, second_is_shape)


@lru_cache(maxsize=8192)
def _may_overlap(first: str, second: str, second_is_shape: bool) -> bool:
    """True when some string could match both (an over-approximation: never a false False).

    With `second_is_shape`, a `*` of the second stands for one unknown ARN segment, which contains no
    `:` or `/` (a shape that is just `*` is a wholly unknown ARN).
    """
    segment_only = second_is_shape and second != "*"
    # Most pairs differ before the first wildcard of either (another service, region or name): the
    # literal prefixes decide that at once, without the full search.
    literal = min((k for k in (_first_wildcard(first), _first_wildcard(second))), default=0)
    if first[:literal] != second[:literal]:
        return False
    if literal == len(first) == len(second):
        return True

    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if i == len(first) and j == len(second):
            return True
        if i < len(first) and first[i] == "*":
            return go(i + 1, j) or (j < len(second) and go(i, j + 1))
        if j < len(second) and second[j] == "*":
            if go(i, j + 1):
                return True
            return i < len(first) and not (segment_only and first[i] in ":/") and go(i + 1, j)
        if i == len(first) or j == len(second):
            return False
        if first[i] == "?" or second[j] == "?" or first[i] == second[j]:
            return go(i + 1, j + 1)
        return False

    return go(0, 0)


def _first_wildcard(text: str) -> int:
    positions = [i for i in (text.find("*"), text.find("?")) if i >= 0]
    return min(positions) if positions else len(text)


def has_policy_variable(pattern: str) -> bool:
    return "${" in pattern


def without_policy_variables(pattern: str) -> str:
    """`arn:aws:s3:::b/${aws:username}/*` -> `arn:aws:s3:::b/*/*` (a variable may be any text)."""
    return POLICY_VARIABLE.sub("*", pattern)
