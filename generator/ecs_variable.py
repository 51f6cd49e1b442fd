"""A module input as the templates render it (variables.tf and the README's inputs table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REQUIRED = object()


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    description: str
    default: Any = REQUIRED
    # (condition, error_message); Terraform 1.0 wants a sentence: capital first, full stop last.
    validations: tuple[tuple[str, str], ...] = ()
    raw_default: bool = False  # default is already HCL text
    sensitive: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED
