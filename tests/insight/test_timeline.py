"""tfbg timeline: stages, weights, hooks and totals, read from real configurations (the canonical
modules and the rule fixtures); the totals are TFBG307's arithmetic, not a copy of it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from insight.timeline import timelines, to_json
from insight.timeline_svg import render_svg
from insight.timeline_text import render
from validator.deployment_time import estimate_deployment, traffic_schedule, uses_network_load_balancer
from validator.engine import lint
from validator.loaders.hcl import load_directory
from validator.model import Unknown
from validator.rules.hooks import DeploymentOutlastsUpdateTimeout

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p for p in (ROOT / "modules").iterdir() if (p / "main.tf").is_file())
# Modules whose service deploys with ECS-native BLUE_GREEN / LINEAR / CANARY (the others: CodeDeploy, EXTERNAL).
NATIVE = [m for m in MODULES if 'strategy             = "' in (m / "main.tf").read_text()
          or "strategy =" in (m / "main.tf").read_text()]
FIXTURES = ROOT / "tests" / "rules" / "fixtures"
SVG = "{http://www.w3.org/2000/svg}"


def _native(path: Path):
    model = load_directory(str(path))
    return model, [t for t in timelines(model) if t.owner == "ECS"]


def test_native_modules_are_found():
    assert {m.name for m in NATIVE} >= {"bluegreen-alb-hook", "bluegreen-nlb", "canary-alb", "linear-alb"}


@pytest.mark.parametrize("module", NATIVE, ids=lambda p: p.name)
def test_module_minimum_is_tfbg307_lower_bound(module):
    model, found = _native(module)
    assert found, f"{module.name} has an ECS-native service"
    for timeline in found:
        service = model.get(timeline.address)
        config = service.get("deployment_configuration.0")
        expected = estimate_deployment(timeline.strategy, config, uses_network_load_balancer(service, model))
        assert timeline.total_minimum == expected.minutes == timeline.lower_bound
        assert timeline.arithmetic == expected.arithmetic()


@pytest.mark.parametrize("fixture", sorted((FIXTURES / "TFBG307").glob("fail_*")), ids=lambda p: p.name)
def test_timeline_says_what_tfbg307_says(fixture):
    model = load_directory(str(fixture))
    findings = [f for f in lint(model) if f.rule_id == "TFBG307"]
    assert findings
    for timeline in timelines(model):
        if timeline.owner != "ECS":
            continue
        assert timeline.apply["verdict"] == "times-out"
        assert any(timeline.arithmetic in f.message for f in findings)


def test_phase_minima_sum_to_the_estimate_for_every_shape():
    unknown = Unknown("var.x")
    for strategy in ("BLUE_GREEN", "LINEAR", "CANARY"):
        for nlb in (True, False, None):
            for percent in (None, 3.3, 33, 50, 100, unknown):
                for bake in (None, 0, "7", unknown):
                    block = {"LINEAR": ("linear_configuration", "step_percent", "step_bake_time_in_minutes"),
                             "CANARY": ("canary_configuration", "canary_percent", "canary_bake_time_in_minutes")}
                    config = {"bake_time_in_minutes": bake}
                    if strategy in block:
                        name, key, bake_key = block[strategy]
                        config[name] = [{key: percent, bake_key: bake}]
                    schedule = traffic_schedule(strategy, config, nlb)
                    assert sum(p.minimum for p in schedule.phases) == schedule.estimate.minutes


def test_linear_module_steps_and_weights():
    _, (timeline,) = _native(ROOT / "modules" / "linear-alb")
    shifts = [s for s in timeline.stages if s.name == "PRODUCTION_TRAFFIC_SHIFT"]
    assert [s.production[1] for s in shifts] == [20, 40, 60, 80, 100]
    assert [s.production[0] for s in shifts] == [80, 60, 40, 20, 0]
    assert [s.minimum for s in timeline.stages if s.name == "STEP_BAKE"] == [5, 5, 5, 5]
    # Test traffic moves to the new revision at TEST_TRAFFIC_SHIFT and stays there.
    test_shift = next(i for i, s in enumerate(timeline.stages) if s.name == "TEST_TRAFFIC_SHIFT")
    assert all(s.test is None for s in timeline.stages[:test_shift])
    assert all(s.test == 100 for s in timeline.stages[test_shift:])
    # Rollback is possible until the end of BAKE_TIME, not during CLEAN_UP.
    assert [s.name for s in timeline.stages if not s.rollback] == ["CLEAN_UP"]
    assert timeline.rollback_until == (Fraction(30), Fraction(30))


def test_nlb_adds_ten_minutes_per_shift():
    _, (timeline,) = _native(ROOT / "modules" / "bluegreen-nlb")
    by_name = {s.name: s for s in timeline.stages}
    assert by_name["TEST_TRAFFIC_SHIFT"].minimum == 10
    assert by_name["PRODUCTION_TRAFFIC_SHIFT"].minimum == 10


def test_lambda_hook_default_timeout_bounds_its_stage():
    _, (timeline,) = _native(ROOT / "modules" / "bluegreen-alb-hook")
    (hook,) = timeline.hooks
    assert (hook.kind, hook.timeout, hook.on_timeout) == ("AWS_LAMBDA", 1440, "ROLLBACK")
    stage = next(s for s in timeline.stages if s.name == "POST_TEST_TRAFFIC_SHIFT")
    assert stage.hooks == [0] and stage.maximum == 1440
    assert timeline.apply["verdict"] == "may-time-out"  # 51m timeout < 1440 min the hook may hold


def test_pause_hook_with_wait_blocks_apply():
    model = load_directory(str(next((FIXTURES / "TFBG306").glob("fail_*"))))
    (timeline,) = [t for t in timelines(model) if t.owner == "ECS"]
    assert any(h.kind == "PAUSE" for h in timeline.hooks)
    assert timeline.apply["verdict"] in ("blocks", "times-out")


def test_codedeploy_group_with_custom_linear_config():
    model = load_directory(str(FIXTURES / "TFBG504" / "pass_custom_ecs_config"))
    (timeline,) = [t for t in timelines(model) if t.owner == "CODE_DEPLOY"]
    names = [s.name for s in timeline.stages]
    assert names[:3] == ["BeforeInstall", "Install", "AfterInstall"]
    assert "AllowTraffic" in names and names[-1] == "End"
    assert timeline.apply["verdict"] == "not-applied"
    assert not timeline.stages[0].rollback  # no rollback at BeforeInstall (CodeDeploy UG)


def test_codedeploy_module_reads_its_appspec_hooks():
    model = load_directory(str(ROOT / "modules" / "codedeploy-canary-hooks"))
    (timeline,) = timelines(model)
    assert timeline.owner == "CODE_DEPLOY" and timeline.strategy == "TimeBasedCanary"
    hooked = {timeline.stages[i].name for i, s in enumerate(timeline.stages) if s.hooks}
    assert hooked == {"AfterAllowTestTraffic", "AfterAllowTraffic"}
    assert {h.target for h in timeline.hooks} == {"aws_lambda_function.after_allow_test_traffic",
                                                  "aws_lambda_function.after_allow_traffic"}
    shifts = [s.production for s in timeline.stages if s.name == "AllowTraffic"]
    assert shifts == [(90, 10), (0, 100)]  # CodeDeployDefault.ECSCanary10Percent5Minutes


def test_external_lists_task_sets():
    model = load_directory(str(FIXTURES / "TFBG601" / "pass_external_controller"))
    (timeline,) = timelines(model)
    assert timeline.owner == "EXTERNAL" and timeline.task_sets
    assert timeline.task_sets[0]["address"] == "aws_ecs_task_set.primary"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_json_shape(module):
    document = json.loads(json.dumps(to_json(timelines(load_directory(str(module))))))
    assert document["version"] == 1
    for timeline in document["timelines"]:
        assert {"address", "owner", "strategy", "stages", "hooks", "total", "rollback_window", "apply",
                "unknown", "notes", "task_sets"} <= set(timeline)
        for stage in timeline["stages"]:
            assert {"name", "step", "start", "minimum", "maximum", "production", "test_new", "rollback_possible",
                    "hooks", "notes"} <= set(stage)
        if timeline["stages"]:
            assert timeline["total"]["minimum"] == sum(s["minimum"] for s in timeline["stages"])


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_svg_parses_and_shows_every_stage(module):
    found = timelines(load_directory(str(module)))
    root = ET.fromstring(render_svg(found))
    assert root.tag == f"{SVG}svg"
    bars = root.findall(f".//{SVG}rect[@class='stage']")
    for timeline in found:
        shown = [(bar.get("data-stage"), int(bar.get("data-step"))) for bar in bars]
        assert shown[: len(timeline.stages)] == [(s.name, s.step) for s in timeline.stages]
        if not timeline.stages:  # EXTERNAL: the task sets are listed instead
            assert all(t["address"] in render_svg(found) for t in timeline.task_sets)
            continue
        assert root.findall(f".//{SVG}polyline[@class='weights-production']")
        assert len(root.findall(f".//{SVG}*[@class='hook']")) == sum(len(s.hooks) for s in timeline.stages)
        if timeline.apply.get("wait_for_steady_state"):
            assert root.findall(f".//{SVG}line[@class='apply-timeout']")
        assert root.findall(f".//{SVG}rect[@class='rollback-window']")


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_text_names_stages_totals_and_apply(module):
    found = timelines(load_directory(str(module)))
    out = render(found, width=200)
    for timeline in found:
        for stage in timeline.stages:
            assert stage.name in out
        assert "terraform apply:" in out
        if timeline.stages:
            assert "rollback:" in out and "total: at least" in out
