"""Read `--answers FILE`: a recorded `.tfbg-answers.json` or a plain JSON object of answers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from generator.errors import UserError
from generator.render import KINDS, TemplateKind


def load_answers_file(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the answers and, per key, a label "FILE:LINE: answer 'key'" for error messages."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: answers file is not UTF-8 text") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read answers file ({error.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{path}:{error.lineno}: malformed JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise UserError(f"{path}: malformed JSON: nested too deeply for an answers file") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}:1: expected a JSON object of answers, got {type(data).__name__}")
    if "answers" in data and "template" in data:
        kind = _check_template(path, text, data["template"])
        answers = data["answers"]
        if not isinstance(answers, dict):
            raise UserError(f"{path}:{_line_of(text, 'answers')}: \"answers\" must be a JSON object")
        # The template kind is the controller; records made before the controller answer existed are ECS.
        recorded = answers.get("controller", kind)
        if recorded != kind:
            raise UserError(f"{path}:{_line_of(text, 'controller')}: answer 'controller' is {recorded!r} but the template is {kind!r}")
        answers = {**answers, "controller": kind}
    else:
        answers = data
    labels = {key: f"{path}:{_line_of(text, key)}: answer '{key}'" for key in answers}
    return dict(answers), labels


def _check_template(path: Path, text: str, template: Any) -> str:
    """The recorded template kind, if this tfbg can replay it."""
    line = _line_of(text, "template")
    if not isinstance(template, dict) or not isinstance(template.get("id"), str):
        raise UserError(f"{path}:{line}: \"template\" must be an object with an \"id\"")
    if template["id"] not in KINDS:
        raise UserError(f"{path}:{line}: template {template['id']!r} is unknown (this tfbg has {', '.join(repr(k) for k in KINDS)})")
    known = TemplateKind.load(template["id"])
    version = template.get("version")
    if not isinstance(version, int) or version > known.version:
        raise UserError(
            f"{path}:{line}: recorded with template version {version!r}; this tfbg has version {known.version}, "
            "upgrade tfbg to replay it"
        )
    return known.id


def _line_of(text: str, key: str) -> int:
    """Line of the first `"key":` in the file (1 if not found): good enough to point at an answer."""
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1
