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
    check_resource_changes(document, name)
    check_shape(document, name)
    return document


def check_resource_changes(document: dict, name: str) -> None:
    """resource_changes is where a plan says which values are unknown until apply (after_unknown):
    without it, or with a broken entry, an unknown value would read as absent and a rule would
    report a false error. Terraform omits the list only when the plan has no resources at all."""
    changes = document.get("resource_changes")
    if changes is None:
        if _has_resources(document.get("planned_values")):
            state = "null" if "resource_changes" in document else "missing"
            raise InputError(
                f"{name}: /resource_changes is {state} although planned_values has resources; the plan JSON "
                f"is incomplete (values known only after apply would look absent); {PLAN_HINT}"
            )
        return
    if not isinstance(changes, list):
        raise InputError(f"{name}: /resource_changes is {_json_type(changes)}, expected an array; {PLAN_HINT}")
    for index, entry in enumerate(changes):
        problem = _malformed_change(entry)
        if problem is not None:
            address = entry.get("address") if isinstance(entry, dict) else None
            named = f" ({address})" if isinstance(address, str) and address else ""
            raise InputError(f"{name}: /resource_changes/{index}{named}: {problem}; the plan JSON is malformed")


def _malformed_change(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return f"is {_json_type(entry)}, expected an object"
    for key in ("address", "type"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            return f"has no \"{key}\" string"
    change = entry.get("change")
    if not isinstance(change, dict):
        return "has no \"change\" object"
    actions = change.get("actions")
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        return "change.actions is not a non-empty array of strings"
    return None


# The members the plan loader reads, and the JSON type each must have (null always means absent).
# A plan that breaks this is reported as one line instead of reaching the loader half-understood.
def _object(members: dict | None = None) -> tuple:
    return ("object", members or {})


def _array(item: Any) -> tuple:
    return ("array", item)


def _map(item: Any) -> tuple:
    return ("map", item)


STRING = ("string", None)


def _values_module() -> tuple:
    resource = _object({"address": STRING, "module_address": STRING, "type": STRING, "name": STRING,
                        "mode": STRING, "values": _object()})
    return _object({"resources": _array(resource), "child_modules": _array(_values_module)})


def _config_module() -> tuple:
    call = _object({"source": STRING, "module": _config_module, "expressions": _object()})
    return _object({
        "resources": _array(_object({"address": STRING, "expressions": _object()})),
        "module_calls": _map(call),
        "outputs": _map(_object({"expression": _object()})),
    })


PLAN_SHAPE = _object({
    "planned_values": _object({"root_module": _values_module}),
    "prior_state": _object({"values": _object({"root_module": _values_module})}),
    "configuration": _object({"root_module": _config_module, "provider_config": _map(_object())}),
    "resource_changes": _array(_object({"module_address": STRING, "mode": STRING, "name": STRING,
                                        "change": _object({"before": _object(), "after": _object()})})),
})


def check_shape(document: dict, name: str) -> None:
    problem = _shape_problem(document, PLAN_SHAPE, "")
    if problem is not None:
        pointer, value, expected = problem
        raise InputError(f"{name}: {pointer} is {_json_type(value)}, expected {expected}; the plan JSON is malformed")


def _shape_problem(value: Any, shape: Any, pointer: str) -> tuple[str, Any, str] | None:
    if callable(shape):  # a module, which holds modules: built when reached
        shape = shape()
    kind, inner = shape
    if value is None:
        return None
    if kind == "string":
        return None if isinstance(value, str) else (pointer, value, "a string")
    if kind in ("object", "map") and not isinstance(value, dict):
        return (pointer, value, "an object")
    if kind == "array" and not isinstance(value, list):
        return (pointer, value, "an array")
    if kind == "object":
        items = ((key, value.get(key), member) for key, member in inner.items())
    elif kind == "map":
        items = ((key, item, inner) for key, item in value.items())
    else:
        items = ((str(index), item, inner) for index, item in enumerate(value))
    for key, item, member in items:
        problem = _shape_problem(item, member, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
        if problem is not None:
            return problem
    return None


def _has_resources(values: Any) -> bool:
    module = values.get("root_module") if isinstance(values, dict) else None
    if not isinstance(module, dict):
        return False
    children = module.get("child_modules")
    return bool(module.get("resources")) or any(
        _has_resources({"root_module": child}) for child in (children if isinstance(children, list) else [])
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {dict: "an object", list: "an array", str: "a string"}.get(type(value), type(value).__name__)


def load_document(path: str) -> dict:
    name = "<stdin>" if path == "-" else path
    return check_plan(parse_json(decode(read_bytes(path), name), name), name)
