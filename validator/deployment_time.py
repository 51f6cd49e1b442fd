"""How long an ECS-native deployment takes at least, and how its traffic moves: ONE arithmetic.

TFBG307 (a deployment that outlasts `timeouts.update`) and `tfbg timeline` both read it, so the
lower bound the rule warns about and the total the timeline draws cannot drift apart.

The arithmetic (catalogue R-37): bake_time_in_minutes + (LINEAR: (ceil(100 / step_percent) - 1) x
step_bake_time_in_minutes, since the step bake is not applied after traffic reaches 100%) or
(CANARY: canary_bake_time_in_minutes) + with an NLB, 10 minutes per TEST_TRAFFIC_SHIFT and per
PRODUCTION_TRAFFIC_SHIFT (which recurs once per traffic step). Hook waits, scale-up and health
checks only add to it.

Sources: API_LinearConfiguration / API_CanaryConfiguration (defaults; step bake not applied after
100%), ECS DG nlb-resources-for-blue-green.html (10 minutes), provider service.go (timeouts 20m).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from validator.model import Model, Ref, Resource, Unknown, is_absent, to_number
from validator.rules.helpers import load_balancers, shifted_lb_type, unresolved

DEFAULT_UPDATE_TIMEOUT_MINUTES = 20  # service.go: schema.DefaultTimeout(20 * time.Minute)
NLB_DELAY_MINUTES = 10  # ECS DG nlb-resources-for-blue-green.html: per TEST_/PRODUCTION_TRAFFIC_SHIFT
LINEAR_DEFAULTS = (10.0, 6)  # API_LinearConfiguration: stepPercent, stepBakeTimeInMinutes
CANARY_DEFAULTS = (5.0, 10)  # API_CanaryConfiguration: canaryPercent, canaryBakeTimeInMinutes

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(h|m|s|ms|us|µs|ns)")
_UNIT_MINUTES = {"h": Fraction(60), "m": Fraction(1), "s": Fraction(1, 60), "ms": Fraction(1, 60_000),
                 "us": Fraction(1, 60_000_000), "µs": Fraction(1, 60_000_000), "ns": Fraction(1, 60_000_000_000)}


def duration_minutes(text: str) -> Fraction | None:
    """Minutes in a Go duration string as Terraform timeouts take it ("60m", "1h30m", "90s"); None if invalid."""
    text = text.strip()
    if not text or text == "0":
        return Fraction(0) if text == "0" else None
    position, total = 0, Fraction(0)
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += Fraction(match.group(1)) * _UNIT_MINUTES[match.group(2)]
        position = match.end()
    return total if position == len(text) else None


def fmt_minutes(value: Fraction) -> str:
    return str(int(value)) if value.denominator == 1 else f"{float(value):g}"


@dataclass
class Estimate:
    """A lower bound of one deployment's duration, with each term explained."""

    terms: list[tuple[Fraction, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # inputs that could only make it longer

    def add(self, minutes: Fraction | int | float, why: str) -> None:
        self.terms.append((Fraction(str(minutes)) if isinstance(minutes, float) else Fraction(minutes), why))

    @property
    def minutes(self) -> Fraction:
        return sum((minutes for minutes, _ in self.terms), Fraction(0))

    def arithmetic(self) -> str:
        shown = " + ".join(f"{fmt_minutes(minutes)} ({why})" for minutes, why in self.terms) or "0"
        return f"{shown} = {fmt_minutes(self.minutes)} min"


@dataclass(frozen=True)
class Phase:
    """One timed piece of the traffic part of a deployment, in order.

    `stage`: TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, STEP_BAKE (the wait between LINEAR steps or
    after the CANARY step; not a hookable ECS stage) or BAKE_TIME. `minimum` counts towards the lower
    bound (the sum of all minima IS `Estimate.minutes`); `maximum` is what the configuration allows it
    to last at most (hooks aside). `production`: the share of production traffic on the new revision
    once this phase is over (None: not known statically). `step`: 1-based traffic step, 0 otherwise.
    """

    stage: str
    minimum: Fraction
    maximum: Fraction
    production: Fraction | None
    step: int = 0
    note: str = ""


@dataclass
class TrafficSchedule:
    """The traffic steps of one deployment, and the lower bound of its duration they imply.

    `production_steps`: the share of production traffic on the new (green) revision after each
    PRODUCTION_TRAFFIC_SHIFT, in order (None inside: not known statically); empty when the number of
    steps is not known. `step_bake`: minutes waited after every step but the last. `bake`: the
    BAKE_TIME after the last step. `nlb_delay`: minutes ECS adds to each traffic shift (0 or 10;
    None when whether the listener is an NLB is not known). `estimate`: the lower bound, term by term.
    """

    strategy: str
    production_steps: list[Fraction | None]
    step_bake: Fraction
    bake: Fraction
    nlb_delay: int | None
    estimate: Estimate
    # What the defaults filled in, for explanations: {"step_percent": "API default 10"}.
    defaults: dict[str, str] = field(default_factory=dict)
    phases: list[Phase] = field(default_factory=list)


def _minutes_value(value: Any, default: int | None, name: str, estimate: Estimate) -> Fraction:
    if isinstance(value, (Ref, Unknown)):
        estimate.unknown.append(name)
        return Fraction(0)
    number = to_number(value)
    if number is None:
        return Fraction(default or 0)
    return Fraction(str(number))


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


def traffic_schedule(strategy: str, config: dict, nlb: bool | None) -> TrafficSchedule:
    """The steps and lower-bound duration of an ECS-native BLUE_GREEN / LINEAR / CANARY deployment
    (`config` is `deployment_configuration[0]`)."""
    estimate = Estimate()
    defaults: dict[str, str] = {}
    bake_value = config.get("bake_time_in_minutes")
    if is_absent(bake_value):
        estimate.add(0, "bake_time_in_minutes not set")
        bake = Fraction(0)
    else:
        bake = _minutes_value(bake_value, 0, "bake_time_in_minutes", estimate)
        estimate.add(bake, "bake_time_in_minutes")
    steps: list[Fraction | None] = [Fraction(100)]
    step_bake = Fraction(0)
    counted_shifts: int | None = None
    if strategy == "LINEAR":
        linear = _first(config.get("linear_configuration"))
        step_value = linear.get("step_percent") if isinstance(linear, dict) else None
        step_bake_value = linear.get("step_bake_time_in_minutes") if isinstance(linear, dict) else None
        if isinstance(step_value, (Ref, Unknown)):
            estimate.unknown.append("step_percent")
            step = None
        else:
            step = to_number(step_value) if not is_absent(step_value) else LINEAR_DEFAULTS[0]
            if is_absent(step_value):
                defaults["step_percent"] = f"API default {LINEAR_DEFAULTS[0]:g}"
        if is_absent(step_bake_value) and not isinstance(step_bake_value, (Ref, Unknown)):
            defaults["step_bake_time_in_minutes"] = f"API default {LINEAR_DEFAULTS[1]}"
        step_bake = _minutes_value(step_bake_value, LINEAR_DEFAULTS[1], "step_bake_time_in_minutes", estimate)
        steps = []
        if step and step > 0:
            percent = Fraction(str(step))
            count = math.ceil(Fraction(100) / percent)
            steps = [min(Fraction(100), percent * (i + 1)) for i in range(count)]
            shown_defaults = "" if isinstance(linear, dict) else ", API defaults"
            estimate.add(
                (count - 1) * step_bake,
                f"LINEAR: (ceil(100/{step:g}) - 1) = {count - 1} steps x step_bake_time_in_minutes "
                f"{fmt_minutes(step_bake)}{shown_defaults}",
            )
    elif strategy == "CANARY":
        canary = _first(config.get("canary_configuration"))
        percent_value = canary.get("canary_percent") if isinstance(canary, dict) else None
        canary_bake_value = canary.get("canary_bake_time_in_minutes") if isinstance(canary, dict) else None
        if unresolved(percent_value):
            estimate.unknown.append("canary_percent")
            steps = [None, Fraction(100)]
            counted_shifts = 1  # a lower bound counts one production shift
        else:
            percent = to_number(percent_value) if not is_absent(percent_value) else CANARY_DEFAULTS[0]
            if is_absent(percent_value):
                defaults["canary_percent"] = f"API default {CANARY_DEFAULTS[0]:g}"
            full = percent is not None and percent >= 100
            steps = [Fraction(100)] if full else [Fraction(str(percent)) if percent is not None else None, Fraction(100)]
        if is_absent(canary_bake_value) and not isinstance(canary_bake_value, (Ref, Unknown)):
            defaults["canary_bake_time_in_minutes"] = f"API default {CANARY_DEFAULTS[1]}"
        step_bake = _minutes_value(canary_bake_value, CANARY_DEFAULTS[1], "canary_bake_time_in_minutes", estimate)
        shown_defaults = "" if isinstance(canary, dict) else ", API default"
        estimate.add(step_bake, f"CANARY: canary_bake_time_in_minutes{shown_defaults}")
    production_shifts = counted_shifts or max(len(steps), 1)
    if nlb:
        estimate.add(
            NLB_DELAY_MINUTES * (1 + production_shifts),
            f"NLB: 10 min x (1 TEST_TRAFFIC_SHIFT + {production_shifts} PRODUCTION_TRAFFIC_SHIFT)",
        )
    nlb_delay = NLB_DELAY_MINUTES if nlb else (0 if nlb is False else None)
    phases = _phases(strategy, steps, step_bake, bake, nlb, production_shifts)
    return TrafficSchedule(strategy, steps, step_bake, bake, nlb_delay, estimate, defaults, phases)


def _phases(strategy: str, steps: list[Fraction | None], step_bake: Fraction, bake: Fraction,
            nlb: bool | None, counted_shifts: int) -> list[Phase]:
    """The estimate's terms laid out in time. Their minima sum to exactly the estimate: a shift the
    estimate does not count (the second CANARY shift when canary_percent is unknown and may be 100)
    gets minimum 0 and its NLB delay as maximum; an unknown NLB gets minimum 0, maximum 10."""
    delay_min = Fraction(NLB_DELAY_MINUTES if nlb else 0)
    delay_max = Fraction(0 if nlb is False else NLB_DELAY_MINUTES)
    nlb_note = "" if nlb is False else ("NLB: +10 min" if nlb else "+10 min if the listener is an NLB")
    phases = [Phase("TEST_TRAFFIC_SHIFT", delay_min, delay_max, Fraction(0), 0, nlb_note)]
    shifts = steps or [None]
    for index, production in enumerate(shifts):
        counted = index < counted_shifts
        phases.append(Phase("PRODUCTION_TRAFFIC_SHIFT", delay_min if counted else Fraction(0), delay_max,
                            production, index + 1,
                            nlb_note if counted else (f"{nlb_note}; only if canary_percent < 100" if nlb_note
                                                      else "only if canary_percent < 100")))
        last = index == len(shifts) - 1
        if strategy == "LINEAR" and not last:
            phases.append(Phase("STEP_BAKE", step_bake, step_bake, production, index + 1, "step_bake_time_in_minutes"))
        if strategy == "CANARY" and (index == 0):
            # TFBG307 counts the canary bake also when canary_percent = 100 (one shift): so does this.
            phases.append(Phase("STEP_BAKE", step_bake, step_bake, production, index + 1, "canary_bake_time_in_minutes"))
    if strategy == "LINEAR" and not steps:
        phases.append(Phase("STEP_BAKE", Fraction(0), step_bake, None, 0,
                            "step_percent not known: the number of step bakes is not known"))
    phases.append(Phase("BAKE_TIME", bake, bake, Fraction(100) if steps else None, 0, "bake_time_in_minutes"))
    return phases


def estimate_deployment(strategy: str, config: dict, nlb: bool | None) -> Estimate:
    """Lower bound of a deployment's duration, per catalogue R-37 (see the module docstring)."""
    return traffic_schedule(strategy, config, nlb).estimate


def uses_network_load_balancer(service: Resource, model: Model) -> bool | None:
    """Does the service's B/G traffic go through an NLB listener? None when that cannot be known."""
    entries = load_balancers(service)
    if isinstance(entries, Unknown):
        return None
    verdicts = []
    for entry in entries:
        if isinstance(entry.advanced, dict):
            kind = shifted_lb_type(model, entry.advanced_value("production_listener_rule"))
            verdicts.append(kind == "network" if isinstance(kind, str) else None)
    if True in verdicts:
        return True
    if None in verdicts:
        return None
    return False


def update_timeout(service: Resource) -> tuple[Fraction | Unknown | None, str]:
    """(minutes, path) of timeouts.update; the provider default when not set. None when unreadable."""
    timeouts = service.get("timeouts")
    if isinstance(timeouts, list):  # HCL shape: a block list
        path, value = "timeouts.0.update", service.get("timeouts.0.update")
    else:  # plan JSON shape of the SDK's timeouts block: an object
        path, value = "timeouts.update", service.get("timeouts.update")
    # A plan read with --source carries the HCL's locations, whose shape may differ from the value's.
    path = next((key for key in ("timeouts.0.update", "timeouts.update") if key in service.locations), path)
    if isinstance(value, (Ref, Unknown)):
        return Unknown("timeouts.update"), path
    if is_absent(value):
        return Fraction(DEFAULT_UPDATE_TIMEOUT_MINUTES), ""
    return duration_minutes(str(value)), path
