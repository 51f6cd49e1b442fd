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


def _timeline_facts(model):
    return [
        (t["address"], t["strategy"], t["total"], t["apply"]["verdict"],
         [(s["name"], s["step"], s["minimum"], s["maximum"], s["production"], s["test_new"]) for s in t["stages"]],
         [(h["kind"], h["target"], h["stages"], h["timeout_minutes"], h["on_timeout"]) for h in t["hooks"]])
        for t in to_json(timelines(model))["timelines"]
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_timeline(example, plans):
    assert _timeline_facts(load_plan(plans[example])) == _timeline_facts(load_directory(str(example)))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_wiring(example, plans):
    def edges(model):
        return {(e.source, e.target, e.kind) for e in build_graph(model, with_findings=False).edges}

    assert edges(load_plan(plans[example])) == edges(load_directory(str(example)))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_policy(example, plans):
    scope = Scope(region="us-east-1", account="123456789012")
    from_plan = deployer_policy(load_plan(plans[example]), scope).json()
    assert from_plan == deployer_policy(load_directory(str(example)), scope).json()
