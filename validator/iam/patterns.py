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
    # Likewise the literal suffixes (after the last wildcard of either): a common string ends with both.
    tail = min(_literal_tail(first), _literal_tail(second))
    if tail and first[len(first) - tail :] != second[len(second) - tail :]:
        return False
    # Literal and equal on both sides, the prefix and the tail can only be matched character by
    # character: the search needs just what lies between.
    # (The tail is cut short where it would reach into the prefix.)
    tail = min(tail, len(first) - literal, len(second) - literal)
    return _search(first[literal : len(first) - tail], second[literal : len(second) - tail], segment_only)


def _search(first: str, second: str, segment_only: bool) -> bool:
    """Is (len(first), len(second)) reachable from (0, 0)? State (i, j): first[:i] and second[:j] are
    matched. A `*` of first absorbs a character of second or ends; a `*` of second absorbs a character
    of first (with `segment_only`, never a `:` or `/`) or ends; `?` pairs with any one character.

    Row by row over first, the reachable j of a row kept as the bits of an int: a few int operations
    per character of first instead of a search step per state (the recursive search cost ~190 Python
    frames per pair of ARNs).
    """
    m = len(second)
    stars = 0  # bits j where second[j] is `*`
    questions = 0  # bits j where second[j] is `?`
    by_char: dict[str, int] = {}
    for j, char in enumerate(second):
        if char == "*":
            stars |= 1 << j
        elif char == "?":
            questions |= 1 << j
        else:
            by_char[char] = by_char.get(char, 0) | 1 << j
    literal = ((1 << m) - 1) & ~stars  # bits j < m where second[j] is not `*`
    full = (1 << (m + 1)) - 1
    row = 1  # {(0, 0)}
    for char in first:
        if char == "*":
            # (i, j) -> (i, j + 1) for any j < m, then the star ends: (i + 1, j) for every j reached.
            row = full & ~((row & -row) - 1)
            continue
        row = _close_over_stars(row, stars)
        absorbed = row & stars if not (segment_only and char in ":/") else 0
        matches = literal if char == "?" else by_char.get(char, 0) | questions
        row = absorbed | (row & matches) << 1
        if not row:
            return False
    return bool(_close_over_stars(row, stars) >> m & 1)


def _close_over_stars(row: int, stars: int) -> int:
    """Add (i, j + 1) for every reached (i, j) where second[j] is `*` (the star ends, or absorbs nothing)."""
    while True:
        grown = row | (row & stars) << 1
        if grown == row:
            return row
        row = grown


def _literal_tail(text: str) -> int:
    """How many characters follow the last wildcard (`*` or `?`)."""
    return len(text) - 1 - max(text.rfind("*"), text.rfind("?"))


def _first_wildcard(text: str) -> int:
    positions = [i for i in (text.find("*"), text.find("?")) if i >= 0]
    return min(positions) if positions else len(text)


def has_policy_variable(pattern: str) -> bool:
    return "${" in pattern


def without_policy_variables(pattern: str) -> str:
    """`arn:aws:s3:::b/${aws:username}/*` -> `arn:aws:s3:::b/*/*` (a variable may be any text)."""
    return POLICY_VARIABLE.sub("*", pattern)
