"""What every insight command does the same way: read PATH into the model as `tfbg lint` does (a
directory, a plan JSON file, or - for a plan on stdin), and write the result to stdout or, all or
nothing, to -o FILE."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from validator.errors import InputError
from validator.lint_cli import _write_atomically
from validator.model import Model


# The options every insight command takes, declared once.
PATH = typer.Argument(".", help="A Terraform directory, a plan JSON file (terraform show -json), or -.")
OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
VAR_FILE = typer.Option([], "--var-file", help="A .tfvars file for the root module (repeatable).")
VAR = typer.Option([], "--var", help="NAME=VALUE for a root module variable (repeatable).")


def load_model(path: str, var_files: list[str] | None = None, variables: list[str] | None = None) -> Model:
    """The model of one directory or plan; bad input is one line on stderr and exit code 2."""
    parsed: dict[str, str] = {}
    for item in variables or []:
        name, separator, value = item.partition("=")
        if not separator or not name.strip():
            fail(f"--var {item!r}: expected NAME=VALUE")
        parsed[name.strip()] = value
    try:
        model = _read(path, var_files or [], parsed)
    except InputError as error:
        fail(str(error))
    for diagnostic in model.diagnostics:
        if diagnostic.severity == "error":
            # The model is partial: say so once, the drawing is still useful.
            print(f"tfbg: warning: {diagnostic.location}: {diagnostic.message}", file=sys.stderr)
    return model


def _read(target: str, var_files: list[str], variables: dict[str, str]) -> Model:
    """The loaders' public entry points, with the input checks `tfbg lint` makes (lint's own reader
    is private to its CLI and moving with its parallel runner)."""
    if target != "-" and target.endswith((".tf", ".tfvars")) and os.path.isfile(target):
        target = os.path.dirname(target) or "."  # a file stands for its directory, as for lint
    if target == "-" or (target.endswith(".json") and not os.path.isdir(target)):
        if target != "-" and not os.path.isfile(target):
            raise InputError(f"{target}: no such file")
        from validator.loaders.plan import load_plan

        return load_plan(target)
    if not os.path.exists(target):
        raise InputError(f"{target}: no such file or directory")
    if not os.path.isdir(target):
        raise InputError(f"{target}: expected a Terraform directory, a plan .json file or -")
    from validator.loaders.hcl import load_directory

    return load_directory(target, var_files=var_files, variables=variables)


def fail(message: str) -> None:
    print(f"tfbg: error: {message}", file=sys.stderr)
    raise typer.Exit(code=2)


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        _write_atomically(output, text)
