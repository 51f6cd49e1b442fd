"""`tfbg graph --format svg`: the graph drawn as plain SVG with a layered layout written here.

Why not a layout library: the layers are known from what a node is (listener, rule, target group,
service, role, hook function), so the only layout work left is the order inside each layer, which a
few barycenter sweeps do well on graphs this size. Graphviz would need a binary on the user's
machine, and the pure-Python Sugiyama implementations add a dependency to solve the part we do not
need solved.
"""

from __future__ import annotations

from insight.graph import Edge, Graph, Node
from insight.graph_text import KIND_FILL, SEVERITY_COLOR, findings_legend, node_lines
from insight.svg import document, element, text, text_width
from validator.findings import Severity

NODE_WIDTH = 250
GAP = 120
ROUTE_TOP = 66  # the first lane of edges routed above the drawing
LEFT = 20
LINE = 14
MAX_CHARS = 40  # detail characters per line at 10 px in NODE_WIDTH


def _wrap(line: str, chars: int) -> list[str]:
    parts: list[str] = []
    while len(line) > chars:
        cut = max(line.rfind(" ", 0, chars), line.rfind(",", 0, chars) + 1, line.rfind(".", 0, chars) + 1)
        cut = cut if cut > chars // 2 else chars
        parts.append(line[:cut].rstrip())
        line = "  " + line[cut:].lstrip()
    return parts + [line]


def _spanning_count(graph: Graph) -> int:
    """How many edges skip a column (each gets a lane above the drawing)."""
    column = {layer: i for i, layer in enumerate(sorted({node.layer for node in graph.nodes.values()}))}
    return sum(1 for edge in graph.edges
               if abs(column[graph.nodes[edge.source].layer] - column[graph.nodes[edge.target].layer]) > 1)


class Layout:
    def __init__(self, graph: Graph, top: float = 70):
        self.graph = graph
        self.top = top
        used = sorted({node.layer for node in graph.nodes.values()})
        self.column = {layer: i for i, layer in enumerate(used)}  # empty layers take no room
        self.layers: dict[int, list[str]] = {self.column[n.layer]: [] for n in graph.nodes.values()}
        for node_id, node in graph.nodes.items():
            self.layers[self.column[node.layer]].append(node_id)
        self._order()
        self.lines = {node_id: self._lines(node) for node_id, node in graph.nodes.items()}
        self.box: dict[str, tuple[float, float, float, float]] = {}
        heights = {c: sum(self._height(n) for n in ids) + 22 * (len(ids) - 1) for c, ids in self.layers.items()}
        self.height = max(heights.values(), default=0)
        for column, ids in self.layers.items():
            y = self.top + (self.height - heights[column]) / 2
            x = LEFT + column * (NODE_WIDTH + GAP)
            for node_id in ids:
                h = self._height(node_id)
                self.box[node_id] = (x, y, NODE_WIDTH, h)
                y += h + 22
        self.width = LEFT * 2 + len(self.layers) * NODE_WIDTH + (len(self.layers) - 1) * GAP

    def _lines(self, node: Node) -> list[tuple[str, int, str]]:
        """(text, size, weight) lines of a node box."""
        raw = node_lines(self.graph, node)
        result = [(part, 12, "bold") for part in _wrap(raw[0], 34)]
        for line in raw[1:]:
            result.extend((part, 10, "normal") for part in _wrap(line, MAX_CHARS))
        return result

    def _height(self, node_id: str) -> float:
        return 12 + LINE * len(self.lines[node_id])

    def _neighbours(self) -> dict[str, list[str]]:
        around: dict[str, list[str]] = {n: [] for n in self.graph.nodes}
        for edge in self.graph.edges:
            around[edge.source].append(edge.target)
            around[edge.target].append(edge.source)
        return around

    def _order(self) -> None:
        """Barycenter sweeps: each node moves towards the mean position of its neighbours."""
        around = self._neighbours()
        columns = sorted(self.layers)
        for sweep in range(6):
            position = {n: i for c in columns for i, n in enumerate(self.layers[c])}
            order = columns if sweep % 2 == 0 else list(reversed(columns))
            for column in order:
                ids = self.layers[column]
                members = set(ids)
                before = {node_id: i for i, node_id in enumerate(ids)}

                def key(node_id: str, members: set[str] = members, before: dict[str, int] = before) -> tuple[float, int]:
                    others = [position[o] for o in around[node_id] if o not in members]
                    mean = sum(others) / len(others) if others else position[node_id]
                    return (mean, before[node_id])

                self.layers[column] = sorted(ids, key=key)
                position.update({n: i for i, n in enumerate(self.layers[column])})


def _point(box: tuple[float, float, float, float], side: str) -> tuple[float, float]:
    x, y, w, h = box
    return (x + w, y + h / 2) if side == "right" else (x, y + h / 2)


def _spanning(edge: Edge, layout: Layout) -> bool:
    source, target = layout.box[edge.source], layout.box[edge.target]
    return abs(source[0] - target[0]) > NODE_WIDTH + GAP


def _routed(edge: Edge, layout: Layout, lane: int) -> tuple[str, tuple[float, float]]:
    """An edge that would cross a column of boxes goes around: out into the gap beside its source, up
    to its own lane above the drawing, across, and down the gap beside its target (gaps hold no box)."""
    source, target = layout.box[edge.source], layout.box[edge.target]
    rightwards = target[0] > source[0]
    x1, y1 = _point(source, "right" if rightwards else "left")
    x2, y2 = _point(target, "left" if rightwards else "right")
    step = 7 * (lane % 6)
    gx1 = x1 + (14 + step if rightwards else -14 - step)
    gx2 = x2 + (-14 - step if rightwards else 14 + step)
    yr = ROUTE_TOP + 13 * lane
    path = f"M{x1:.1f},{y1:.1f} H{gx1:.1f} V{yr:.1f} H{gx2:.1f} V{y2:.1f} H{x2:.1f}"
    return path, ((gx1 + gx2) / 2, yr)


def _curve(edge: Edge, layout: Layout) -> tuple[str, tuple[float, float]]:
    source, target = layout.box[edge.source], layout.box[edge.target]
    if source[0] < target[0]:
        (x1, y1), (x2, y2) = _point(source, "right"), _point(target, "left")
    elif source[0] > target[0]:
        (x1, y1), (x2, y2) = _point(source, "left"), _point(target, "right")
    else:  # same column: a loop out to the right
        (x1, y1), (x2, y2) = _point(source, "right"), _point(target, "right")
        bend = x1 + 50
        path = f"M{x1:.1f},{y1:.1f} C{bend:.1f},{y1:.1f} {bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        return path, (bend - 12, (y1 + y2) / 2)
    dx = (x2 - x1) * 0.5
    path = f"M{x1:.1f},{y1:.1f} C{x1 + dx:.1f},{y1:.1f} {x2 - dx:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    # Labels sit in the gap next to the target, where no box can hide them.
    t = 0.5 if abs(source[0] - target[0]) <= NODE_WIDTH + GAP else 0.84
    return path, _bezier((x1, y1), (x1 + dx, y1), (x2 - dx, y2), (x2, y2), t)


def _bezier(p0, p1, p2, p3, t: float) -> tuple[float, float]:
    u = 1 - t
    x = u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0]
    y = u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1]
    return x, y


def render_svg(graph: Graph, title: str = "tfbg graph") -> str:
    if not graph.nodes:
        return document(640, 80, [text(20, 45, "No ECS service, CodeDeploy deployment group or task set found.", 14)],
                        title)
    layout = Layout(graph, top=ROUTE_TOP + 13 * _spanning_count(graph) + 16)
    body: list[str] = [element("defs", _markers())]
    body.append(text(LEFT, 30, title, 16, weight="bold"))
    body.append(text(LEFT, 50, "traffic flows left to right: listener → rule → target group → service; "
                               "roles and hook functions on the right", 11, fill="#57606a"))
    labels: list[str] = []
    lanes = 0
    for edge in graph.edges:
        if _spanning(edge, layout):
            path, (lx, ly) = _routed(edge, layout, lanes)
            lanes += 1
        else:
            path, (lx, ly) = _curve(edge, layout)
        worst = graph.worst(edge.findings)
        color = "#cf222e" if edge.dangling else (SEVERITY_COLOR[worst] if worst else "#8c959f")
        dash = "6 4" if edge.dangling or edge.kind in ("role", "execution") else None
        marker = "url(#arrow-dangling)" if edge.dangling else (f"url(#arrow-{worst.value})" if worst else "url(#arrow)")
        body.append(element("path", element("title", _esc(f"{edge.source} → {edge.target}: {edge.label}")), d=path,
                            fill="none", stroke=color, stroke_width=3 if (worst or edge.dangling) else 1.4,
                            stroke_dasharray=dash, marker_end=marker, class_="edge dangling" if edge.dangling else "edge",
                            data_source=edge.source, data_target=edge.target, data_kind=edge.kind))
        label = edge.label + "".join(f" [{i + 1}]" for i in edge.findings)
        if label:
            width = text_width(label, 9) + 8
            labels.append(element("rect", x=lx - width / 2, y=ly - 8, width=width, height=14, rx=3, fill="#ffffff",
                                  opacity=0.9, stroke=color if worst or edge.dangling else "none"))
            labels.append(text(lx, ly + 3, label, 9, anchor="middle", fill=color if worst or edge.dangling else "#57606a",
                               weight="bold" if worst or edge.dangling else None))
    for node_id, node in graph.nodes.items():
        body.append(_node(graph, node, layout))
    body.extend(labels)  # above nodes: a label is never hidden
    y = layout.top + layout.height + 30
    legend = findings_legend(graph)
    if legend:
        body.append(text(LEFT, y, "lint findings", 13, weight="bold"))
        y += 18
        for line in legend:
            number = line.split("]", 1)[0] + "]"
            severity = graph.findings[int(number[1:-1]) - 1].severity
            for index, part in enumerate(_wrap(line, int((layout.width - 40) / 6.2))):
                body.append(text(LEFT + (0 if index == 0 else 12), y, part, 11,
                                 fill=SEVERITY_COLOR[severity] if index == 0 else "#1f2328"))
                y += 15
            y += 3
    y += _legend(body, y, layout.width)
    # Edges between boxes of one column loop out to the right of it: room for the last column's loops.
    return document(max(layout.width + 70, 900), y + 10, body, title)


def _node(graph: Graph, node: Node, layout: Layout) -> str:
    x, y, w, h = layout.box[node.id]
    worst = graph.worst(node.findings)
    stroke = "#cf222e" if node.kind == "dangling" else (SEVERITY_COLOR[worst] if worst else "#57606a")
    parts = [element("title", _esc(node.id)),
             element("rect", x=x, y=y, width=w, height=h, rx=8, fill=KIND_FILL[node.kind], stroke=stroke,
                     stroke_width=2.5 if worst or node.kind == "dangling" else 1,
                     stroke_dasharray="5 3" if node.external or node.kind == "dangling" else None)]
    line_y = y + 17
    for content, size, weight in layout.lines[node.id]:
        parts.append(text(x + 9, line_y, content, size, weight=weight if weight == "bold" else None,
                          fill="#1f2328" if weight == "bold" else "#424a53"))
        line_y += LINE
    return element("g", "".join(parts), class_="node", data_kind=node.kind, data_address=node.id)


def _markers() -> str:
    def arrow(name: str, color: str) -> str:
        return element("marker", element("path", d="M0,0 L10,5 L0,10 z", fill=color), id=name, viewBox="0 0 10 10",
                       refX=9, refY=5, markerWidth=10, markerHeight=10, markerUnits="userSpaceOnUse",
                       orient="auto-start-reverse")
    return arrow("arrow", "#8c959f") + arrow("arrow-dangling", "#cf222e") + "".join(
        arrow(f"arrow-{severity.value}", color) for severity, color in SEVERITY_COLOR.items())


def _legend(body: list[str], top: float, width: float) -> float:
    items = [("listener / rule", KIND_FILL["rule"]), ("target group", KIND_FILL["target_group"]),
             ("service / deployment group", KIND_FILL["service"]), ("IAM role", KIND_FILL["role"]),
             ("hook function", KIND_FILL["function"]), ("dangling: nothing forwards", KIND_FILL["dangling"])]
    x, y = float(LEFT), top + 12
    for label, fill in items:
        body.append(element("rect", x=x, y=y - 10, width=16, height=12, rx=3, fill=fill, stroke="#57606a"))
        body.append(text(x + 22, y, label, 11))
        x += 22 + text_width(label, 11) + 20
    x, y = float(LEFT), y + 20
    for label, color in (("error finding", SEVERITY_COLOR[Severity.ERROR]), ("warning finding", SEVERITY_COLOR[Severity.WARNING]),
                         ("info (could not prove)", SEVERITY_COLOR[Severity.INFO])):
        body.append(element("line", x1=x, y1=y - 4, x2=x + 18, y2=y - 4, stroke=color, stroke_width=3))
        body.append(text(x + 24, y, label, 11))
        x += 24 + text_width(label, 11) + 20
    return y - top + 12


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
