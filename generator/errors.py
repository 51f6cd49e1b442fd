"""User-facing errors: one clear line, exit code 2, no traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer


class UserError(Exception):
    """Bad input from the user. `str(error)` is the whole line shown (name the file and line)."""


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit 2."""
    print(f"tfbg: error: {message}", file=sys.stderr)
    raise typer.Exit(code=2)
