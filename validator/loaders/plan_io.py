"""Reading a `terraform show -json` file: encodings, JSON errors, and what kind of JSON it is.

Every failure is an InputError with one line naming the file (and line/column for JSON syntax).
"""

from __future__ import annotations

import codecs
import gc
import json
import sys
from typing import Any

from validator.errors import InputError

PLAN_HINT = "make one with: terraform plan -out tfplan && terraform show -json tfplan > plan.json"


def read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a plan file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None


def decode(data: bytes, name: str) -> str:
    """UTF-8 with or without BOM, and UTF-16 as PowerShell's `>` writes it (with BOM, or without)."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 2 and data[0] != 0 and data[1] == 0:
        encoding = "utf-16-le"
    elif len(data) >= 2 and data[0] == 0 and data[1] != 0:
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not valid {encoding.upper()} text at byte {error.start}") from None


def parse_json(text: str, name: str) -> Any:
    # The garbage collector has nothing to free while a document is being built, but it walks the
    # growing heap over and over: pausing it makes large plans load several times faster.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{name}:{error.lineno}:{error.colno}"
        if not text.strip():
            raise InputError(f"{name}: empty file, expected plan JSON; {PLAN_HINT}") from None
        if not text.lstrip().startswith(("{", "[")):  # e.g. a .tf file piped to `tfbg lint -`
            raise InputError(
                f"{where}: not JSON, expected plan JSON (lint .tf files by their directory); {PLAN_HINT}"
            ) from None
        raise InputError(f"{where}: not valid JSON ({error.msg}); is the file truncated?") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply to be a Terraform plan") from None
    finally:
        if enabled:
            gc.enable()


def check_plan(document: Any, name: str) -> dict:
    """Refuse what is not a plan, with a message that says what it is instead."""
    if not isinstance(document, dict):
        raise InputError(f"{name}: not a Terraform plan (top level is not an object); {PLAN_HINT}")
    if "format_version" not in document:
        raise InputError(f"{name}: not a Terraform plan (no format_version); {PLAN_HINT}")
    if "values" in document and "planned_values" not in document:
        raise InputError(
            f"{name}: this is Terraform state (terraform show -json of a state), not a plan; {PLAN_HINT}"
        )
    if document.get("errored") is True:
        raise InputError(
            f"{name}: Terraform reported errors while planning, so the plan is incomplete; "
            "fix them and plan again"
        )
    version = str(document["format_version"])
    major = version.split(".", 1)[0]
    if major not in ("0", "1"):
        raise InputError(f"{name}: plan format_version {version} is not supported (0.x and 1.x are)")
    if not any(key in document for key in ("planned_values", "resource_changes", "configuration")):
        raise InputError(f"{name}: not a Terraform plan (no planned_values or resource_changes); {PLAN_HINT}")
    return document


def load_document(path: str) -> dict:
    name = "<stdin>" if path == "-" else path
    return check_plan(parse_json(decode(read_bytes(path), name), name), name)
