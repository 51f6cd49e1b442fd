"""Findings: what a rule reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from validator.model import Location


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass
class Finding:
    rule_id: str
    severity: Severity
    message: str  # names the resources involved; alone tells the user what to change
    address: str  # the resource the finding is about
    location: Location
    fix: str = ""  # how to fix, shown under the message
    related: tuple[str, ...] = ()  # other resources involved
    url: str = ""
    root: str = ""  # the root module (directory or plan) the finding came from; set by `tfbg lint`
    # "could not prove" findings: the exact unknown sub-expression and why (Unknown.cause); the
    # engine reports each cause once. Not part of the output formats' schema.
    cause: str = ""

    def sort_key(self) -> tuple:
        return (self.location.file, self.location.line or 0, self.rule_id, self.address, self.message)
