"""`tfbg timeline PATH [--service ADDRESS] [--format text|json|svg] [-o FILE]`."""

from __future__ import annotations

import json
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from insight.cli_common import emit, fail, load_model
from insight.timeline import timelines, to_json


class TimelineFormat(str, Enum):
    text = "text"
    json = "json"
    svg = "svg"


def timeline(
    path: str = typer.Argument(".", help="A Terraform directory, a plan JSON file (terraform show -json), or -."),
    service: Optional[str] = typer.Option(None, "--service", help="Only this service (or deployment group) address."),
    output_format: TimelineFormat = typer.Option(TimelineFormat.text, "--format", "-f", help="text, json or svg."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    var_file: list[str] = typer.Option([], "--var-file", help="A .tfvars file for the root module (repeatable)."),
    var: list[str] = typer.Option([], "--var", help="NAME=VALUE for a root module variable (repeatable)."),
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
