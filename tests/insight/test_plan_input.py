"""The insight commands read a plan as they read the directory: same stages and totals, same wiring,
same policy (plans of the canonical modules' example roots, made by the real-Terraform harness)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insight.graph import build_graph
from insight.policy import Scope, deployer_policy
from insight.timeline import timelines, to_json
from validator.loaders.hcl import load_directory
from validator.loaders.plan import load_plan

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "modules").glob("*/examples/complete"))


@pytest.fixture(scope="module")
def plans(terraform, tmp_path_factory):
    folder = tmp_path_factory.mktemp("insight-plans")
    made = {}
    for example in EXAMPLES:
        path = folder / f"{example.parents[1].name}.json"
        path.write_text(json.dumps(terraform.plan(example)))
        made[example] = str(path)
    return made


# AppSpec hooks come from appspec files beside a directory; a plan has none, so CodeDeploy timelines
# from a plan show the events without them (compared below without hooks and the maxima they open).
def _timeline_facts(model, with_appspec=True):
    facts = []
    for t in to_json(timelines(model))["timelines"]:
        hooks = [(h["kind"], h["target"], h["stages"], h["timeout_minutes"], h["on_timeout"]) for h in t["hooks"]
                 if with_appspec or h["kind"] != "APPSPEC"]
        stages = [(s["name"], s["step"], s["minimum"], s["maximum"] if with_appspec or not s["hooks"] else "hooked",
                   s["production"], s["test_new"]) for s in t["stages"]]
        total = t["total"]["minimum"] if with_appspec else None
        facts.append((t["address"], t["strategy"], total, t["apply"]["verdict"], stages, hooks))
    return facts


def _appspec(example):
    return any(p.name.startswith("appspec") for p in example.parents[1].iterdir())


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_timeline(example, plans):
    directory = load_directory(str(example))
    if _appspec(example):
        plan_facts = _timeline_facts(load_plan(plans[example]), with_appspec=False)
        directory_facts = _timeline_facts(directory, with_appspec=False)
        for (*plan_rest, plan_stages, _), (*dir_rest, dir_stages, _) in zip(plan_facts, directory_facts):
            assert plan_rest == dir_rest
            assert [s[:3] + s[4:] for s in plan_stages] == [s[:3] + s[4:] for s in dir_stages]
        return
    assert _timeline_facts(load_plan(plans[example])) == _timeline_facts(directory)


def _edges(model):
    return {(e.source, e.target, e.kind) for e in build_graph(model, with_findings=False).edges}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_wiring_never_invents_what_the_directory_lacks(example, plans):
    """A plan may know less (set blocks it cannot pair, AppSpec files it does not carry), never more."""
    from_plan, from_directory = _edges(load_plan(plans[example])), _edges(load_directory(str(example)))
    assert from_plan <= from_directory


NATIVE = [e for e in EXAMPLES if e.parents[1].name in ("bluegreen-alb-hook", "bluegreen-nlb", "canary-alb", "linear-alb")]


@pytest.mark.parametrize("example", NATIVE, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_wiring(example, plans):
    assert _edges(load_plan(plans[example])) == _edges(load_directory(str(example)))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_policy(example, plans):
    scope = Scope(region="us-east-1", account="123456789012")
    from_plan = deployer_policy(load_plan(plans[example]), scope).json()
    assert from_plan == deployer_policy(load_directory(str(example)), scope).json()
