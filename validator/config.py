"""The lint configuration: `.tfbg.toml`, or `[tool.tfbg]` in pyproject.toml.

    disable = ["TFBG703"]                 # rules not to run
    exclude = ["examples/**", "legacy"]   # paths (relative to the config file) whose findings are dropped
    fail_on = "warning"                   # default for --fail-on
    [severity]                            # severity overrides
    TFBG104 = "error"

Found by walking up from the linted path (stopping at a repository root), or named with --config.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from validator.errors import InputError
from validator.findings import Severity

CONFIG_FILE = ".tfbg.toml"
# Input problems (parse errors, modules not on disk) are always reported: exit code 2 depends on them.
UNDISABLEABLE = frozenset({"TFBG002"})
_KEYS = {"disable", "exclude", "fail_on", "severity"}


@dataclass(frozen=True)
class Config:
    disabled: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    fail_on: Severity | None = None
    base_dir: str = "."  # exclude patterns are relative to this directory
    path: str | None = None  # the file it was read from

    def excludes(self, file: str) -> bool:
        if not self.exclude or not file:
            return False
        relative = os.path.relpath(os.path.abspath(file), os.path.abspath(self.base_dir)).replace(os.sep, "/")
        for pattern in self.exclude:
            pattern = pattern.strip().rstrip("/")
            if pattern.startswith("./"):
                pattern = pattern[2:]
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, pattern + "/*"):
                return True
        return False

    def with_disabled(self, rule_ids: Iterable[str]) -> "Config":
        return replace(self, disabled=self.disabled | frozenset(rule_ids))


def find_config(start: str) -> str | None:
    """The nearest `.tfbg.toml`, or pyproject.toml with a [tool.tfbg] table, from `start` upwards."""
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(directory, CONFIG_FILE)
        if os.path.isfile(candidate):
            return candidate
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject
        parent = os.path.dirname(directory)
        if parent == directory or os.path.exists(os.path.join(directory, ".git")):
            return None
        directory = parent


def _has_tool_table(pyproject: str) -> bool:
    try:
        with open(pyproject, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):  # not ours to judge: skip it
        return False
    return isinstance(data.get("tool"), dict) and "tfbg" in data["tool"]


def load_config(path: str, known_rules: Iterable[str]) -> Config:
    """Read and validate a config file. Raises InputError naming the file and what is wrong."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise InputError(f"{path}: cannot read config ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML ({error})") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start}); TOML files are UTF-8") from None
    if os.path.basename(path) == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("tfbg") if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            raise InputError(f"{path}: has no [tool.tfbg] table")
        where = f"{path} [tool.tfbg]"
    else:
        table, where = data, path
    return parse_config(table, where, known_rules, base_dir=os.path.dirname(os.path.abspath(path)), path=path)


def parse_config(table: dict[str, Any], where: str, known_rules: Iterable[str], *, base_dir: str, path: str | None) -> Config:
    known = set(known_rules)
    unknown_keys = sorted(set(table) - _KEYS)
    if unknown_keys:
        raise InputError(f"{where}: unknown key {unknown_keys[0]!r} (allowed: {', '.join(sorted(_KEYS))})")

    disabled = _string_list(table.get("disable", []), "disable", where)
    for rule_id in disabled:
        _check_rule(rule_id, known, where, "disable")
        if rule_id in UNDISABLEABLE:
            raise InputError(f"{where}: {rule_id} (input errors) cannot be disabled")

    severity: dict[str, Severity] = {}
    overrides = table.get("severity", {})
    if not isinstance(overrides, dict):
        raise InputError(f"{where}: 'severity' must be a table of RULE = \"error|warning|info\"")
    for rule_id, value in overrides.items():
        _check_rule(rule_id, known, where, "severity")
        if rule_id in UNDISABLEABLE:
            raise InputError(f"{where}: the severity of {rule_id} (input errors) cannot be changed")
        severity[rule_id] = _severity(value, f"severity.{rule_id}", where)

    fail_on = table.get("fail_on")
    return Config(
        disabled=frozenset(disabled),
        severity=severity,
        exclude=tuple(_string_list(table.get("exclude", []), "exclude", where)),
        fail_on=_severity(fail_on, "fail_on", where) if fail_on is not None else None,
        base_dir=base_dir,
        path=path,
    )


def _string_list(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {key!r} must be a list of strings")
    return value


def _check_rule(rule_id: str, known: set[str], where: str, key: str) -> None:
    if rule_id not in known:
        raise InputError(f"{where}: {key}: {rule_id!r} is not a rule (see `tfbg rules`)")


def _severity(value: Any, key: str, where: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise InputError(f"{where}: {key} must be \"error\", \"warning\" or \"info\", not {value!r}") from None
