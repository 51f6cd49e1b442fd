"""Output formats, one module each: text, json, sarif (2.1.0), junit, github (workflow commands).

Every formatter is `render(report) -> str`; positions were resolved by the loaders, so a formatter
only lays findings out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import import_module
from typing import Callable

from validator.findings import Finding, Severity
from validator.rules.base import Rule

FORMATS = ("text", "json", "sarif", "junit", "github")
_MODULES = {"text": "text", "json": "json_format", "sarif": "sarif", "junit": "junit", "github": "github"}


@dataclass
class Report:
    findings: list[Finding]
    rules: list[Rule]  # every rule that could report (core rules included), for rule metadata
    fail_on: Severity = Severity.ERROR
    version: str = "0"
    paths: list[str] = field(default_factory=list)  # what was linted
    roots: list[str] = field(default_factory=list)  # the root modules (and plans) linted, in order


def renderer(name: str) -> Callable[[Report], str]:
    return import_module(f"validator.formatters.{_MODULES[name]}").render


def display_path(file: str) -> str:
    """A path as the user reads it: relative to the working directory when below it."""
    if not file or not os.path.isabs(file):
        return file
    relative = os.path.relpath(file)
    return file if relative.startswith("..") else relative


def counts(findings: list[Finding]) -> dict[str, int]:
    result = {s.value: 0 for s in Severity}
    for finding in findings:
        result[finding.severity.value] += 1
    return result
