"""`tfbg timeline --format text`: one rich table per deployment, then totals, rollback window, apply."""

from __future__ import annotations

import io
from fractions import Fraction

from rich.console import Console
from rich.table import Table
from rich.text import Text

from insight.timeline import Stage, Timeline
from validator.deployment_time import fmt_minutes

VERDICT_STYLE = {"times-out": "bold red", "blocks": "bold red", "may-time-out": "yellow", "fits": "green",
                 "no-wait": "cyan", "unknown": "magenta", "not-applied": "cyan", "external": "cyan"}


def minutes(value: Fraction | None, missing: str) -> str:
    return missing if value is None else fmt_minutes(value)


def _percent(value: Fraction | None) -> str:
    return "?" if value is None else f"{fmt_minutes(value)}%"


def _weights(stage: Stage) -> str:
    if stage.production is None:
        return "? (unknown)"
    old, new = stage.production
    return f"{_percent(old)} / {_percent(new)}"


def _stage_name(stage: Stage) -> str:
    return f"{stage.name} #{stage.step}" if stage.step else stage.name


def render(timelines: list[Timeline], width: int | None = None, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 140, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=False)
    if not timelines:
        console.print("No ECS service, CodeDeploy deployment group or task set found.")
    for index, timeline in enumerate(timelines):
        if index:
            console.print()
        _one(console, timeline)
    return buffer.getvalue()


def _one(console: Console, timeline: Timeline) -> None:
    title = f"{timeline.address}: {timeline.owner}" + ("" if timeline.strategy == timeline.owner else f" {timeline.strategy}")
    if timeline.service and timeline.service != timeline.address:
        title += f" (service {timeline.service})"
    console.print(Text(title, style="bold"))
    if timeline.stages:
        table = Table(show_edge=True, header_style="bold", pad_edge=False)
        for column, justify in (("stage", "left"), ("starts ≥", "right"), ("min", "right"), ("max", "right"),
                                ("prod old / new", "right"), ("test new", "right"), ("hooks, notes", "left")):
            table.add_column(column, justify=justify, overflow="fold")
        for stage in timeline.stages:
            hooks = [_hook_line(timeline, i) for i in stage.hooks]
            table.add_row(
                _stage_name(stage) + ("" if stage.rollback else " ⊘"),
                fmt_minutes(stage.start),
                minutes(stage.minimum, "?"),
                minutes(stage.maximum, "open"),
                _weights(stage),
                "-" if stage.test is None else _percent(stage.test),
                "\n".join(hooks + stage.notes),
            )
        console.print(table)
        console.print("min/max in minutes; open: not bounded by the configuration; ⊘: no rollback in this stage")
    _summary(console, timeline)


def _hook_line(timeline: Timeline, index: int) -> str:
    hook = timeline.hooks[index]
    what = "PAUSE" if hook.kind == "PAUSE" else f"λ {hook.target or hook.kind}"
    if hook.timeout is None:
        return f"hook {what}: no time limit in the configuration; if it fails: {hook.on_timeout}"
    return f"hook {what}: up to {fmt_minutes(hook.timeout)} min, then {hook.on_timeout}"


def _summary(console: Console, timeline: Timeline) -> None:
    lines: list[tuple[str, str, str]] = []
    if timeline.stages:
        total_min = timeline.total_minimum
        open_ended = ", ".join(dict.fromkeys(timeline.open_ended))
        total = f"at least {minutes(total_min, '? (unknown)')} min"
        if timeline.arithmetic:
            total += f" ({timeline.arithmetic}; TFBG307's arithmetic)"
        total += f"; at most {fmt_minutes(timeline.total_maximum_bounded)} min"
        if open_ended:
            total += f" + {open_ended} (not bounded by the configuration)"
        lines.append(("total", total, ""))
        until_min, until_max = timeline.rollback_until
        if until_min is not None:
            last = max(i for i, stage in enumerate(timeline.stages) if stage.rollback)
            lines.append(("rollback", f"possible until the end of {timeline.stages[last].name}: minute "
                                      f"{fmt_minutes(until_min)} at the earliest, {fmt_minutes(until_max)} at the "
                                      "latest (bounded stages)", ""))
    for task_set in timeline.task_sets:
        weights = ", ".join(f"{w['from']} -> {w['target_group']} weight {w['weight']}" for w in task_set["weights"])
        scale = "?" if task_set["scale_percent"] is None else f"{task_set['scale_percent']:g}%"
        lines.append(("task set", f"{task_set['address']}: scale {scale}, target groups "
                                  f"{', '.join(task_set['target_groups']) or '-'}"
                                  + (f"; declared weights: {weights}" if weights else "")
                                  + f"; wait_until_stable {str(task_set['wait_until_stable']).lower()}"
                                  f" ({task_set['wait_until_stable_timeout']})", ""))
    if timeline.apply:
        apply = timeline.apply
        head = ""
        if apply.get("timeout_minutes") is not None:
            head = (f"wait_for_steady_state = {str(apply.get('wait_for_steady_state')).lower()}, timeout "
                    f"{fmt_minutes(apply['timeout_minutes'])} min ({apply.get('timeout_source')}): ")
        lines.append(("terraform apply", head + apply["text"], VERDICT_STYLE.get(apply.get("verdict", ""), "")))
    for hook in timeline.hooks:
        timing = (f"timeout {fmt_minutes(hook.timeout)} min, then {hook.on_timeout}" if hook.timeout is not None
                  else f"no time limit in the configuration; if it fails: {hook.on_timeout}")
        lines.append(("hook", f"{hook.kind} {hook.target} on {', '.join(hook.stages) or '?'}: {timing}"
                              + (f" ({'; '.join(hook.notes)})" if hook.notes else ""), ""))
    for value in dict.fromkeys(timeline.unknown):
        lines.append(("not known", value, "magenta"))
    for note in timeline.notes:
        lines.append(("note", note, ""))
    for label, text, style in lines:
        console.print(Text.assemble((f"{label}: ", "bold"), (text, style)))
