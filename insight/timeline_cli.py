"""`tfbg timeline PATH [--service ADDRESS] [--format text|json|svg] [-o FILE]`."""

from __future__ import annotations

import json
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from insight.cli_common import OUTPUT, PATH, VAR, VAR_FILE, emit, fail, load_model
from insight.timeline import timelines, to_json


class TimelineFormat(str, Enum):
    text = "text"
    json = "json"
    svg = "svg"


def timeline(
    path: str = PATH,
    service: Optional[str] = typer.Option(None, "--service", help="Only this service (or deployment group) address."),
    output_format: TimelineFormat = typer.Option(TimelineFormat.text, "--format", "-f", help="text, json or svg."),
    output: Optional[Path] = OUTPUT,
    var_file: list[str] = VAR_FILE,
    var: list[str] = VAR,
) -> None:
    """Show each ECS deployment stage by stage: traffic weights, hooks, minimum and maximum minutes, the
    rollback window and the terraform apply timeout."""
    model = load_model(path, var_file, var)
    found = timelines(model, service)
    if service and not found:
        fail(f"--service {service}: no ECS service or deployment group with that address (see tfbg timeline {path})")
    if output_format == TimelineFormat.json:
        text = json.dumps(to_json(found), indent=2) + "\n"
    elif output_format == TimelineFormat.svg:
        from insight.timeline_svg import render_svg

        text = render_svg(found)
    else:
        from insight.timeline_text import render

        terminal = output is None and sys.stdout.isatty()
        text = render(found, width=shutil.get_terminal_size().columns if terminal else 140, color=terminal)
    emit(text, output)
