"""Terraform provider version constraints, with Terraform's own semantics.

Terraform reads `required_providers { x = { version = "..." } }` with apparentlymart/go-versions in
"ruby style" (`constraints.ParseRubyStyleMulti`, `versions.MeetingConstraints`):
- comma-separated parts, all of which must hold; each part is `[op] version`, op one of
  `=` `!=` `>` `>=` `<` `<=` `~>`; no op means `=`; a `v` prefix is an error;
- missing minor/patch numbers are zero (`>= 6.4` is `>= 6.4.0`);
- `~> X.Y.Z` allows `>= X.Y.Z, < X.(Y+1).0`; `~> X.Y` and `~> X` allow `>= X.Y.0, < (X+1).0.0`
  (this is where Python's `packaging` differs: its `~=` needs two segments and never admits `~> X`);
- only released versions are selected, unless the constraints name one exact pre-release;
- the constraints of every module on the same provider are intersected.

`lowest_admitted` answers the one question the rules ask: the oldest version Terraform may install.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering


class ConstraintError(ValueError):
    """A version constraint Terraform itself would reject."""


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int = 0
    patch: int = 0
    prerelease: str = ""

    @classmethod
    def parse(cls, text: str) -> "Version":
        match = _VERSION.fullmatch(text.strip())
        if not match:
            raise ConstraintError(f"not a version: {text!r}")
        major, minor, patch, pre = match.group("major", "minor", "patch", "pre")
        return cls(int(major), int(minor or 0), int(patch or 0), pre or "")

    def _key(self) -> tuple:
        # Semantic-version precedence: a pre-release sorts before its release; numeric identifiers
        # sort numerically and before alphanumeric ones.
        if not self.prerelease:
            return (self.major, self.minor, self.patch, 1, ())
        identifiers = tuple(
            (0, int(part), "") if part.isdigit() else (1, 0, part) for part in self.prerelease.split(".")
        )
        return (self.major, self.minor, self.patch, 0, identifiers)

    def __lt__(self, other: "Version") -> bool:
        return self._key() < other._key()

    def release(self) -> "Version":
        return Version(self.major, self.minor, self.patch)

    def next_patch(self) -> "Version":
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        return f"{text}-{self.prerelease}" if self.prerelease else text


_VERSION = re.compile(
    r"(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?"
)
_PART = re.compile(r"\s*(?P<op>!=|>=|<=|~>|=|>|<)?\s*(?P<version>\S+)\s*")


@dataclass(frozen=True)
class Bound:
    version: Version
    inclusive: bool


def parse(constraint: str) -> list[tuple[str, Version, int]]:
    """Parts of one constraint string as (operator, version, number of numeric segments given)."""
    parts = []
    for raw in constraint.split(","):
        if not raw.strip():
            raise ConstraintError(f"empty part in {constraint!r}")
        match = _PART.fullmatch(raw)
        if not match:
            raise ConstraintError(f"cannot read {raw.strip()!r} in {constraint!r}")
        operator = match.group("op") or "="
        text = match.group("version")
        if text.startswith("v"):
            raise ConstraintError(f'a "v" prefix is not allowed: {raw.strip()!r}')
        numbers = _VERSION.fullmatch(text)
        if not numbers:
            raise ConstraintError(f"not a version: {text!r} in {constraint!r}")
        segments = sum(1 for name in ("major", "minor", "patch") if numbers.group(name) is not None)
        parts.append((operator, Version.parse(text), segments))
    return parts


def lowest_admitted(constraints: list[str]) -> Version | None:
    """The oldest version all constraints admit (None: they admit nothing).

    Versions are compared as triples, so the answer may be a version that was never released
    (`> 6.3.0` gives 6.3.1); for "does the constraint admit something older than X" that is exact.
    """
    lower: Bound | None = None
    upper: Bound | None = None
    excluded: set[Version] = set()
    exact: set[Version] = set()
    for constraint in constraints:
        for operator, version, segments in parse(constraint):
            if operator == "=":
                exact.add(version)
                lower = _tighter_lower(lower, Bound(version, True))
                upper = _tighter_upper(upper, Bound(version, True))
            elif operator == "!=":
                excluded.add(version)
            elif operator in (">", ">="):
                lower = _tighter_lower(lower, Bound(version, operator == ">="))
            elif operator in ("<", "<="):
                upper = _tighter_upper(upper, Bound(version, operator == "<="))
            else:  # "~>"
                if segments == 3:
                    ceiling = Version(version.major, version.minor + 1, 0)
                else:
                    ceiling = Version(version.major + 1, 0, 0)
                lower = _tighter_lower(lower, Bound(version, True))
                upper = _tighter_upper(upper, Bound(ceiling, False))

    def admitted(candidate: Version) -> bool:
        if candidate in excluded:
            return False
        if lower and (candidate < lower.version or (candidate == lower.version and not lower.inclusive)):
            return False
        if upper and (upper.version < candidate or (candidate == upper.version and not upper.inclusive)):
            return False
        return True

    # An exact pre-release is selectable only when named exactly; otherwise releases only.
    prereleases = [v for v in exact if v.prerelease]
    if prereleases:
        return min((v for v in prereleases if admitted(v)), default=None)

    if lower is None:
        candidate = Version(0, 0, 0)
    elif lower.version.prerelease:
        candidate = lower.version.release()  # the release sorts after its own pre-releases
    elif lower.inclusive:
        candidate = lower.version
    else:
        candidate = lower.version.next_patch()
    while candidate in excluded:
        candidate = candidate.next_patch()
    return candidate if admitted(candidate) else None


def _tighter_lower(current: Bound | None, new: Bound) -> Bound:
    if current is None or current.version < new.version:
        return new
    if new.version == current.version and not new.inclusive:
        return new
    return current


def _tighter_upper(current: Bound | None, new: Bound) -> Bound:
    if current is None or new.version < current.version:
        return new
    if new.version == current.version and not new.inclusive:
        return new
    return current
