"""`tfbg graph PATH [--format svg|dot|mermaid] [-o FILE]`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from insight.cli_common import OUTPUT, PATH, VAR, VAR_FILE, emit, load_model
from insight.graph import build_graph


class GraphFormat(str, Enum):
    svg = "svg"
    dot = "dot"
    mermaid = "mermaid"
    markdown = "markdown"


def graph(
    path: str = PATH,
    output_format: GraphFormat = typer.Option(GraphFormat.svg, "--format", "-f",
                                              help="svg, dot, mermaid, or markdown (a Mermaid block and the findings)."),
    output: Optional[Path] = OUTPUT,
    no_findings: bool = typer.Option(False, "--no-findings", help="Do not run tfbg lint's rules onto the edges."),
    var_file: list[str] = VAR_FILE,
    var: list[str] = VAR,
) -> None:
    """Draw the wiring of each ECS deployment: listeners, rules, target groups, roles, hooks, and the
    lint findings on the edges they concern."""
    model = load_model(path, var_file, var)
    built = build_graph(model, with_findings=not no_findings)
    from insight import graph_text

    if output_format == GraphFormat.mermaid:
        text = graph_text.mermaid(built)
    elif output_format == GraphFormat.markdown:
        text = graph_text.mermaid_markdown(built)
    elif output_format == GraphFormat.dot:
        text = graph_text.dot(built)
    else:
        from insight.graph_svg import render_svg

        text = render_svg(built, title=f"tfbg graph {path}")
    emit(text, output)
