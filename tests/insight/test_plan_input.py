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
from tests.generator.example_inputs import example_inputs, tfvars

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "modules").glob("*/examples/complete"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[Path, str]:
    """Per example, a tfvars file with the inputs a user sets (the network, the test header secret)."""
    folder = tmp_path_factory.mktemp("insight-inputs")
    made = {}
    for example in EXAMPLES:
        path = folder / f"{example.parents[1].name}.tfvars"
        path.write_text(tfvars(example_inputs((example / "main.tf").read_text())))
        made[example] = str(path)
    return made


@pytest.fixture(scope="module")
def plans(terraform, tmp_path_factory, inputs):
    folder = tmp_path_factory.mktemp("insight-plans")
    made = {}
    for example in EXAMPLES:
        path = folder / f"{example.parents[1].name}.json"
        path.write_text(json.dumps(terraform.plan(example, var_file=inputs[example])))
        made[example] = str(path)
    return made


@pytest.fixture(scope="module")
def directories(inputs) -> dict[Path, object]:
    """Per example, the model of the directory with the same inputs as its plan."""
    return {example: load_directory(str(example), var_files=[inputs[example]]) for example in EXAMPLES}


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
def test_plan_and_directory_give_the_same_timeline(example, plans, directories):
    directory = directories[example]
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


def _with_source(plans, example):
    """The plan read with the directory that produced it (`--source`), as `tfbg lint --source` does."""
    return load_plan(plans[example], source=str(example))


# A plan's JSON carries no locals: an expression through `local.x` (the examples' listener, the modules'
# role ARNs) is "known after apply" in the plan alone, an edge from or to a node that says so.
NOT_KNOWN = "known after apply"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_wiring_never_invents_what_the_directory_lacks(example, plans, directories):
    """A plan may know less (set blocks it cannot pair, AppSpec files it does not carry, values through
    locals), never more: each of its edges is the directory's, or the same edge with one end not known."""
    from_plan, from_directory = _edges(load_plan(plans[example])), _edges(directories[example])
    for source, target, kind in from_plan - from_directory:
        # One node per unknown end ("known after apply #2"), never one shared by a listener and a role.
        assert source.startswith(NOT_KNOWN) != target.startswith(NOT_KNOWN), (source, target, kind)
        known = target if source.startswith(NOT_KNOWN) else source
        assert any(kind == k and known in (s, t) for s, t, k in from_directory - from_plan), (source, target, kind)
    assert _edges(_with_source(plans, example)) <= from_directory


NATIVE = [e for e in EXAMPLES if e.parents[1].name in ("bluegreen-alb-hook", "bluegreen-nlb", "canary-alb", "linear-alb")]


@pytest.mark.parametrize("example", NATIVE, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_wiring(example, plans, directories):
    assert _edges(_with_source(plans, example)) == _edges(directories[example])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_plan_and_directory_give_the_same_policy(example, plans, directories):
    scope = Scope(region="us-east-1", account="123456789012")
    from_plan = deployer_policy(_with_source(plans, example), scope).json()
    assert from_plan == deployer_policy(directories[example], scope).json()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parents[1].name)
def test_a_plan_alone_widens_only_what_it_cannot_know(example, plans, directories):
    """Without --source, a statement of the plan's policy may name `*` where the directory names a resource
    (a role or listener reached through a local), never the other way round, never another action."""
    scope = Scope(region="us-east-1", account="123456789012")
    alone = deployer_policy(load_plan(plans[example]), scope)
    directory = deployer_policy(directories[example], scope)
    allowed = {(a, r) for s in alone.statements for a in s.actions for r in s.resources}
    for statement in directory.statements:
        for action in statement.actions:
            for resource in statement.resources:
                assert (action, resource) in allowed or any(
                    a == action and _covers(r, resource) for a, r in allowed), (action, resource)
    assert {a for a, _ in allowed} == {a for s in directory.statements for a in s.actions}


def _covers(pattern: str, arn: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(arn, pattern)
