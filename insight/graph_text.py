"""`tfbg graph --format mermaid|dot`: the graph as text for Mermaid (renders in a pull request
comment or a job summary) and Graphviz."""

from __future__ import annotations

import re

from insight.graph import Edge, Graph, Node
from validator.findings import Severity

SEVERITY_COLOR = {Severity.ERROR: "#cf222e", Severity.WARNING: "#bf8700", Severity.INFO: "#0969da"}
KIND_FILL = {"listener": "#ddf4ff", "rule": "#ddf4ff", "target_group": "#fff8c5", "service": "#dafbe1",
             "codedeploy": "#dafbe1", "task_set": "#dafbe1", "role": "#fbefff", "function": "#ffeff7",
             "pause": "#fff1e5", "dangling": "#ffebe9"}
KIND_NAME = {"listener": "listener", "rule": "listener rule", "target_group": "target group", "service": "ECS service",
             "codedeploy": "CodeDeploy deployment group", "task_set": "task set", "role": "IAM role",
             "function": "hook function", "pause": "pause hook", "dangling": ""}
SEVERITY_MARK = {Severity.ERROR: "✖", Severity.WARNING: "⚠", Severity.INFO: "ℹ"}


def finding_tags(graph: Graph, indexes: list[int]) -> str:
    return " ".join(f"{SEVERITY_MARK[graph.findings[i].severity]} {graph.findings[i].rule_id} [{i + 1}]"
                    for i in indexes)


def node_lines(graph: Graph, node: Node) -> list[str]:
    lines = [node.title]
    kind = KIND_NAME[node.kind] + (" (outside this configuration)" if node.external else "")
    if kind:
        lines.append(kind)
    lines.extend(node.details)
    if node.findings:
        lines.append(finding_tags(graph, node.findings))
    return lines


def edge_label(graph: Graph, edge: Edge) -> str:
    tags = finding_tags(graph, edge.findings)
    return f"{edge.label} {tags}".strip()


def findings_legend(graph: Graph) -> list[str]:
    return [f"[{i + 1}] {f.rule_id} {f.severity.value}: {f.address}: {f.message}" for i, f in enumerate(graph.findings)]


# -- Mermaid ----------------------------------------------------------------------------------------


def _mermaid_id(index: int) -> str:
    return f"n{index}"


def _mermaid_text(value: str) -> str:
    # Mermaid labels in quotes: escape quotes and the characters its parser treats specially.
    return value.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("|", "#124;")


def mermaid(graph: Graph) -> str:
    ids = {node_id: _mermaid_id(i) for i, node_id in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node_id, node in graph.nodes.items():
        label = "<br/>".join(_mermaid_text(line) for line in node_lines(graph, node))
        shape = ('(["', '"])') if node.kind == "dangling" else ('["', '"]')
        lines.append(f"  {ids[node_id]}{shape[0]}{label}{shape[1]}")
        lines.append(f"  style {ids[node_id]} fill:{KIND_FILL[node.kind]},stroke:"
                     f"{'#cf222e' if node.kind == 'dangling' else _node_stroke(graph, node)}"
                     f"{',stroke-dasharray:4 3' if node.external or node.kind == 'dangling' else ''}")
    for index, edge in enumerate(graph.edges):
        arrow = "-.->" if edge.dangling or edge.kind in ("role", "execution") else "-->"
        label = _mermaid_text(edge_label(graph, edge))
        lines.append(f"  {ids[edge.source]} {arrow}|\"{label}\"| {ids[edge.target]}" if label
                     else f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
        worst = graph.worst(edge.findings)
        if edge.dangling or worst is not None:
            color = "#cf222e" if edge.dangling else SEVERITY_COLOR[worst]
            lines.append(f"  linkStyle {index} stroke:{color},stroke-width:3px")
    return "\n".join(lines) + "\n"


def _node_stroke(graph: Graph, node: Node) -> str:
    worst = graph.worst(node.findings)
    return SEVERITY_COLOR[worst] if worst else "#57606a"


def mermaid_markdown(graph: Graph) -> str:
    """A fenced Mermaid block and the findings list under it (for a job summary or a PR comment)."""
    legend = "\n".join(f"- {line}" for line in findings_legend(graph))
    return f"```mermaid\n{mermaid(graph)}```\n" + (f"\n{legend}\n" if legend else "")


# -- DOT --------------------------------------------------------------------------------------------


def _dot_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_label(lines: list[str]) -> str:
    """Left-justified lines (DOT's \\l line ends)."""
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "\\l".join(escaped) + '\\l"'


def dot(graph: Graph) -> str:
    lines = ["digraph tfbg {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    layers: dict[int, list[str]] = {}
    for node_id, node in graph.nodes.items():
        layers.setdefault(node.layer, []).append(node_id)
        style = "rounded,filled,dashed" if node.external or node.kind == "dangling" else "rounded,filled"
        lines.append(f"  {_dot_string(node_id)} [label={_dot_label(node_lines(graph, node))}, "
                     f"fillcolor={_dot_string(KIND_FILL[node.kind])}, color={_dot_string(_node_stroke(graph, node))}, "
                     f"style={_dot_string(style)}];")
    for layer in sorted(layers):
        members = " ".join(_dot_string(n) for n in layers[layer])
        lines.append(f"  {{ rank=same; {members} }}")
    for edge in graph.edges:
        worst = graph.worst(edge.findings)
        color = "#cf222e" if edge.dangling else (SEVERITY_COLOR[worst] if worst else "#57606a")
        style = "dashed" if edge.dangling or edge.kind in ("role", "execution") else "solid"
        width = 2.5 if edge.dangling or worst else 1.2
        lines.append(f"  {_dot_string(edge.source)} -> {_dot_string(edge.target)} "
                     f"[label={_dot_string(edge_label(graph, edge))}, color={_dot_string(color)}, "
                     f"fontcolor={_dot_string(color)}, style={style}, penwidth={width}];")
    for line in findings_legend(graph):
        one_line = re.sub(r"[\r\n]+", " ", line)
        lines.append(f"  // {one_line}")
    lines.append("}")
    return "\n".join(lines) + "\n"
