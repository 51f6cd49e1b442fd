"""Python values -> HCL literals, for the templates' `hcl` filter.

Strings are quoted and escaped so that nothing in them is read as an interpolation (`${` -> `$${`)
or a template directive (`%{` -> `%%{`). JSON (`tojson`) is not HCL: it would leave `${` live.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(text: str) -> str:
    escaped = "".join(_ESCAPES.get(char, char) for char in text)
    escaped = escaped.replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'


def number(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"HCL has no literal for {value!r}")
        # Shortest decimal that round-trips, without exponent or a trailing ".0".
        text = format(Decimal(repr(value)).normalize(), "f")
        return text
    return str(value)


def hcl(value: Any) -> str:
    """Render a value as a single-line HCL literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(hcl(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            key_text = key if IDENTIFIER.match(str(key)) else quote(str(key))
            items.append(f"{key_text} = {hcl(item)}")
        return "{ " + ", ".join(items) + " }"
    raise TypeError(f"no HCL literal for {type(value).__name__}")
