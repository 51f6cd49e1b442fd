"""`tfbg timeline --format svg`: per deployment, a time axis with the stages as bars (one lane per
stage name, recurring stages in their lane at each step), the traffic weights as a step line, hooks
as markers, the rollback window as a band and terraform apply's timeout as a line.

The axis runs along the minimum schedule (the minima of the shared arithmetic). A stage with no
minimum duration still gets a narrow slot, so the order stays visible; the tick labels give the
minutes, so the picture never claims a duration the configuration does not set.
"""

from __future__ import annotations

from fractions import Fraction

from insight.svg import MONO, document, element, text, text_width
from insight.timeline import Stage, Timeline
from validator.deployment_time import fmt_minutes

WIDTH = 1120
LEFT = 250  # lane labels
RIGHT = 30
PLOT = WIDTH - LEFT - RIGHT
LANE = 24
SLOT = 16  # px for a stage without minimum duration
WEIGHTS = 120  # weights panel height

COLORS = {
    "pre": "#8c959f", "SCALE_UP": "#6e7781", "test": "#8250df", "production": "#0969da", "STEP_BAKE": "#54aeff",
    "TrafficInterval": "#54aeff", "BAKE_TIME": "#1a7f37", "TerminationWait": "#1a7f37", "cleanup": "#afb8c1",
}
PRODUCTION_LINE, TEST_LINE, TIMEOUT_LINE = "#0969da", "#8250df", "#cf222e"


def _color(stage: Stage) -> str:
    name = stage.name
    if name in COLORS:
        return COLORS[name]
    if "TEST" in name.upper():
        return COLORS["test"]
    if "PRODUCTION" in name or name in ("AllowTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"):
        return COLORS["production"]
    if name in ("CLEAN_UP", "End", "KeepOriginal"):
        return COLORS["cleanup"]
    return COLORS["pre"]


def _label(stage: Stage) -> str:
    if stage.name == "STEP_BAKE" and "canary_bake_time_in_minutes" in stage.notes:
        return "canary bake"
    return {"STEP_BAKE": "step bake", "TrafficInterval": "traffic interval"}.get(stage.name, stage.name)


class Axis:
    """Maps minutes of the minimum schedule (and a timeout beyond it) to x."""

    def __init__(self, timeline: Timeline, timeout: Fraction | None):
        stages = timeline.stages
        self.total = sum((s.minimum or Fraction(0) for s in stages), Fraction(0))
        slots = sum(SLOT for s in stages if not s.minimum)
        self.end_minutes = self.total
        self.broken = False
        if timeout is not None and timeout > self.total:
            if timeout <= max(self.total, Fraction(5)) * 6:
                self.end_minutes = timeout
            else:
                self.broken = True  # drawn at the right edge past a break mark
        room = PLOT - slots - (60 if self.broken else 0)
        extra = self.end_minutes - self.total
        self.scale = float(room) / float(self.end_minutes) if self.end_minutes else 0.0
        self.spans: list[tuple[float, float]] = []
        x = float(LEFT)
        for stage in stages:
            width = float(stage.minimum) * self.scale if stage.minimum else SLOT
            self.spans.append((x, x + width))
            x += width
        self.schedule_end = x
        self.axis_end = x + float(extra) * self.scale + (60 if self.broken else 0)

    def x_of(self, minutes: Fraction, stages: list[Stage]) -> float:
        for stage, (start, end) in zip(stages, self.spans):
            if stage.minimum and stage.start <= minutes <= stage.start + stage.minimum:
                return start + float(minutes - stage.start) * self.scale
        if minutes <= self.total:
            # A boundary between slots: the end of the last stage starting at or before it.
            candidates = [end for stage, (_, end) in zip(stages, self.spans) if stage.start + (stage.minimum or 0) <= minutes]
            return candidates[-1] if candidates else float(LEFT)
        if self.broken:
            return self.axis_end
        return self.schedule_end + float(minutes - self.total) * self.scale


def render_svg(timelines: list[Timeline]) -> str:
    body: list[str] = []
    y = 20.0
    if not timelines:
        body.append(text(20, 40, "No ECS service, CodeDeploy deployment group or task set found.", 14))
        y = 70
    for timeline in timelines:
        y = _timeline(body, timeline, y) + 30
    if any(timeline.stages for timeline in timelines):
        y += _legend(body, y)
    return document(WIDTH, y + 10, body, "tfbg timeline")


def _timeline(body: list[str], timeline: Timeline, top: float) -> float:
    body.append(f'<g class="timeline" data-address="{_attr(timeline.address)}">')
    title = f"{timeline.address} — {timeline.owner}" + ("" if timeline.strategy == timeline.owner else f" {timeline.strategy}")
    body.append(text(20, top + 16, title, 16, weight="bold"))
    summary = _summary(timeline)
    line_y = top + 36
    for line in summary:
        body.append(text(20, line_y, line[0], 12, fill=line[1]))
        line_y += 17
    if not timeline.stages:
        for entry in timeline.task_sets:
            scale = "?" if entry["scale_percent"] is None else f"{entry['scale_percent']:g}%"
            weights = "; ".join(f"{w['from']} → {w['target_group']} weight {w['weight']}" for w in entry["weights"])
            body.append(text(40, line_y, f"task set {entry['address']}: scale {scale}, "
                                         f"target groups {', '.join(entry['target_groups']) or '-'}", 12))
            line_y += 17
            if weights:
                body.append(text(60, line_y, f"declared weights: {weights}", 11, fill="#57606a"))
                line_y += 17
        body.append("</g>")
        return line_y
    timeout = timeline.apply.get("timeout_minutes") if timeline.apply.get("wait_for_steady_state") else None
    axis = Axis(timeline, timeout)
    lanes: dict[str, int] = {}
    for stage in timeline.stages:
        lanes.setdefault(_label(stage), len(lanes))
    lanes_top = line_y + 30
    lanes_bottom = lanes_top + LANE * len(lanes)
    weights_top = lanes_bottom + 18
    weights_bottom = weights_top + WEIGHTS
    # Rollback window behind everything.
    last_rollback = max((i for i, s in enumerate(timeline.stages) if s.rollback), default=-1)
    if last_rollback >= 0:
        first = next(i for i, s in enumerate(timeline.stages) if s.rollback)
        x0, x1 = axis.spans[first][0], axis.spans[last_rollback][1]
        body.append(element("rect", x=x0, y=lanes_top - 4, width=x1 - x0, height=weights_bottom - lanes_top + 8,
                            fill="#dafbe1", opacity=0.55, class_="rollback-window"))
        body.append(text(x1 - 4, lanes_top - 7, f"rollback possible until end of {timeline.stages[last_rollback].name}",
                         10, anchor="end", fill="#1a7f37"))
    # Lanes.
    for name, index in lanes.items():
        lane_y = lanes_top + index * LANE
        if index % 2 == 0:
            body.append(element("rect", x=LEFT, y=lane_y, width=axis.axis_end - LEFT, height=LANE, fill="#f6f8fa",
                                opacity=0.6))
        body.append(text(LEFT - 8, lane_y + LANE / 2 + 4, name, 11, anchor="end", family=MONO))
    labelled: set[int] = set()
    for stage, (x0, x1) in zip(timeline.stages, axis.spans):
        lane_y = lanes_top + lanes[_label(stage)] * LANE
        minimum = "?" if stage.minimum is None else fmt_minutes(stage.minimum)
        maximum = "open" if stage.maximum is None else fmt_minutes(stage.maximum)
        tooltip = f"{stage.name}{' #' + str(stage.step) if stage.step else ''}: min {minimum}, max {maximum} min"
        zero = not stage.minimum
        body.append(element("rect", element("title", _esc(tooltip)), x=x0 + (3 if zero else 0.5), y=lane_y + 5,
                            width=max(x1 - x0 - (6 if zero else 1), 4), height=LANE - 10, rx=3,
                            fill=_color(stage), opacity=0.55 if zero else 0.95, class_="stage",
                            data_stage=stage.name, data_step=stage.step))
        if stage.minimum:
            label = f"{fmt_minutes(stage.minimum)} min"
            if text_width(label, 10) < x1 - x0 - 6:
                body.append(text((x0 + x1) / 2, lane_y + LANE / 2 + 4, label, 10, anchor="middle", fill="#ffffff",
                                 weight="bold"))
        if stage.maximum is None and not stage.hooks:  # a hook's label says how long it may hold
            body.append(text(x1 + 2, lane_y + LANE / 2 + 4, "→ open", 9, fill="#57606a"))
        for hook_index in stage.hooks:
            _hook_marker(body, timeline, hook_index, (x0 + x1) / 2, lane_y + LANE / 2, hook_index not in labelled)
            labelled.add(hook_index)
    _weights(body, timeline, axis, weights_top, weights_bottom)
    _ticks(body, timeline, axis, weights_bottom)
    if timeout is not None:
        x = axis.x_of(timeout, timeline.stages)
        body.append(element("line", x1=x, y1=lanes_top - 16, x2=x, y2=weights_bottom + 4, stroke=TIMEOUT_LINE,
                            stroke_width=2, stroke_dasharray="6 4", class_="apply-timeout"))
        body.append(text(x - 4, lanes_top - 20, f"terraform apply timeout {fmt_minutes(timeout)} min", 10,
                         anchor="end", fill=TIMEOUT_LINE, weight="bold"))
        if axis.broken:
            body.append(text(x - 30, weights_bottom + 18, "≈", 14, anchor="middle", fill=TIMEOUT_LINE))
    body.append("</g>")
    return weights_bottom + 40


def _summary(timeline: Timeline) -> list[tuple[str, str]]:
    lines = []
    if timeline.stages:
        total = timeline.total_minimum
        open_ended = ", ".join(dict.fromkeys(timeline.open_ended))
        lines.append((f"at least {'?' if total is None else fmt_minutes(total)} min, at most "
                      f"{fmt_minutes(timeline.total_maximum_bounded)} min"
                      + (f" + {open_ended} (not bounded by the configuration)" if open_ended else ""), "#1f2328"))
    if timeline.apply:
        color = {"times-out": TIMEOUT_LINE, "blocks": TIMEOUT_LINE, "may-time-out": "#9a6700", "fits": "#1a7f37"}.get(
            timeline.apply.get("verdict", ""), "#57606a")
        lines.append(("terraform apply: " + timeline.apply["text"], color))
    for value in list(dict.fromkeys(timeline.unknown))[:3]:
        lines.append((f"not known: {value}", "#8250df"))
    if not timeline.stages:
        lines.extend((note, "#57606a") for note in timeline.notes)
    return [(part, color) for line, color in lines for part in _wrap(line, 150)]


def _wrap(line: str, width: int) -> list[str]:
    parts: list[str] = []
    while len(line) > width:
        cut = line.rfind(" ", 0, width)
        cut = cut if cut > 0 else width
        parts.append(line[:cut])
        line = "    " + line[cut:].lstrip()
    return parts + [line]


def _hook_marker(body: list[str], timeline: Timeline, index: int, x: float, y: float, label: bool) -> None:
    hook = timeline.hooks[index]
    timeout = "?" if hook.timeout is None else fmt_minutes(hook.timeout)
    tip = f"{hook.kind} hook {hook.target}: up to {timeout} min, then {hook.on_timeout}"
    if hook.kind == "PAUSE":
        body.append(element("rect", element("title", _esc(tip)), x=x - 7, y=y - 7, width=14, height=14, rx=2,
                            fill="#ffffff", stroke="#9a6700", stroke_width=2, class_="hook", data_kind="PAUSE"))
        body.append(element("rect", x=x - 3.5, y=y - 4, width=2.2, height=8, fill="#9a6700"))
        body.append(element("rect", x=x + 1.3, y=y - 4, width=2.2, height=8, fill="#9a6700"))
        name = "pause"
    else:
        body.append(element("circle", element("title", _esc(tip)), cx=x, cy=y, r=8, fill="#ffffff",
                            stroke="#bf3989", stroke_width=2, class_="hook", data_kind=hook.kind))
        body.append(text(x, y + 4, "λ", 11, anchor="middle", fill="#bf3989", weight="bold"))
        name = "λ " + (hook.target.split(".")[-1] if hook.target else hook.kind)
    if label:
        limit = f"≤ {timeout} min, then {hook.on_timeout}" if hook.timeout is not None else "no time limit set"
        body.append(text(x + 12, y + 4, f"{name}: {limit}", 10, fill="#6e7781"))


def _weights(body: list[str], timeline: Timeline, axis: Axis, top: float, bottom: float) -> None:
    body.append(element("rect", x=LEFT, y=top, width=axis.axis_end - LEFT, height=bottom - top, fill="none",
                        stroke="#d0d7de"))
    for percent in (0, 50, 100):
        y = bottom - (bottom - top) * percent / 100
        body.append(element("line", x1=LEFT, y1=y, x2=axis.axis_end, y2=y, stroke="#eaeef2"))
        body.append(text(LEFT - 6, y + 4, f"{percent}%", 10, anchor="end", fill="#57606a"))
    body.append(text(LEFT - 48, top + (bottom - top) / 2 - 6, "traffic on", 11, anchor="end"))
    body.append(text(LEFT - 48, top + (bottom - top) / 2 + 8, "new revision", 11, anchor="end"))

    def step_line(values: list[float | None], color: str, dash: str | None, name: str) -> None:
        points = [(px, bottom - (bottom - top) * py / 100) for px, py in _steps(values, axis)]
        body.append(element("polyline", points=" ".join(f"{px:.1f},{py:.1f}" for px, py in points), fill="none",
                            stroke=color, stroke_width=2.5, stroke_dasharray=dash, class_=name))

    production = [None if s.production is None else float(s.production[1]) for s in timeline.stages]
    last_label = -100.0
    for (x, before), (_, after) in zip(_steps(production, axis)[1::2], _steps(production, axis)[2::2]):
        if after != before and x - last_label > 30:
            body.append(text(x + 3, bottom - (bottom - top) * after / 100 - 4, f"{after:g}%", 10,
                             fill=PRODUCTION_LINE, weight="bold"))
            last_label = x
    test = [None if s.test is None else float(s.test) for s in timeline.stages]
    step_line(production, PRODUCTION_LINE, None, "weights-production")
    if any(value is not None for value in test):
        step_line(test, TEST_LINE, "5 4", "weights-test")


def _steps(values: list[float | None], axis: Axis) -> list[tuple[float, float]]:
    """A step line: the value a stage ends with is reached at the end of that stage."""
    points = [(float(LEFT), 0.0)]
    current = 0.0
    for value, (_, end) in zip(values, axis.spans):
        if value is None:
            continue
        if value != current:
            points.append((end, current))
            points.append((end, value))
            current = value
    points.append((axis.schedule_end, current))
    return points


def _ticks(body: list[str], timeline: Timeline, axis: Axis, y: float) -> None:
    body.append(element("line", x1=LEFT, y1=y, x2=axis.axis_end, y2=y, stroke="#57606a"))
    last_x = -100.0
    seen: set[Fraction] = set()
    marks = [(stage.start, start) for stage, (start, _) in zip(timeline.stages, axis.spans)]
    marks.append((axis.total, axis.schedule_end))
    if axis.end_minutes > axis.total and not axis.broken:
        marks.append((axis.end_minutes, axis.x_of(axis.end_minutes, timeline.stages)))
    for minutes, x in marks:
        if minutes in seen or x - last_x < 34:
            continue
        seen.add(minutes)
        last_x = x
        body.append(element("line", x1=x, y1=y, x2=x, y2=y + 5, stroke="#57606a"))
        body.append(text(x, y + 17, f"{fmt_minutes(minutes)}", 10, anchor="middle", fill="#57606a"))
    body.append(text(axis.axis_end, y + 31, "minutes from the start (minimum schedule)", 10, anchor="end",
                     fill="#57606a"))


def _legend(body: list[str], top: float) -> float:
    items = [
        ("rect", "#0969da", "stage (width: minimum minutes)"),
        ("rect-faint", "#8c959f", "stage with no minimum duration"),
        ("lambda", "#bf3989", "Lambda hook"),
        ("pause", "#9a6700", "pause hook"),
        ("line", PRODUCTION_LINE, "production → new"),
        ("dash", TEST_LINE, "test → new"),
        ("band", "#dafbe1", "rollback window"),
        ("timeout", TIMEOUT_LINE, "apply timeout"),
    ]
    x = 20.0
    y = top + 10
    for kind, color, label in items:
        if x + 24 + text_width(label, 11) > WIDTH - 20:
            x, y = 20.0, y + 22
        if kind in ("rect", "rect-faint"):
            body.append(element("rect", x=x, y=y - 9, width=18, height=12, rx=2, fill=color,
                                opacity=0.55 if kind == "rect-faint" else 0.95))
        elif kind == "lambda":
            body.append(element("circle", cx=x + 9, cy=y - 3, r=7, fill="#ffffff", stroke=color, stroke_width=2))
            body.append(text(x + 9, y + 1, "λ", 10, anchor="middle", fill=color, weight="bold"))
        elif kind == "pause":
            body.append(element("rect", x=x + 2, y=y - 10, width=14, height=14, rx=2, fill="#ffffff", stroke=color,
                                stroke_width=2))
        elif kind == "band":
            body.append(element("rect", x=x, y=y - 9, width=18, height=12, fill=color))
        else:
            body.append(element("line", x1=x, y1=y - 3, x2=x + 18, y2=y - 3, stroke=color, stroke_width=2.5,
                                stroke_dasharray={"dash": "5 4", "timeout": "6 4"}.get(kind)))
        body.append(text(x + 24, y + 1, label, 11))
        x += 24 + text_width(label, 11) + 18
    return y - top + 14


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
