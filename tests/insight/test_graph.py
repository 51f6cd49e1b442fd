"""tfbg graph: the wiring read from real configurations, lint findings on the edges they concern,
and every format (SVG parsed as XML, Mermaid, DOT)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from insight.graph import build_graph
from insight.graph_svg import render_svg
from insight.graph_text import dot, mermaid
from validator.loaders.hcl import load_directory

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p for p in (ROOT / "modules").iterdir() if (p / "main.tf").is_file())
FIXTURES = ROOT / "tests" / "rules" / "fixtures"
SVG = "{http://www.w3.org/2000/svg}"


def _kinds(graph):
    return {edge.kind for edge in graph.edges}


def test_hook_module_wiring():
    graph = build_graph(load_directory(str(ROOT / "modules" / "bluegreen-alb-hook")))
    edges = {(e.source, e.target, e.kind) for e in graph.edges}
    service = "aws_ecs_service.this"
    assert (service, "aws_lb_target_group.blue", "primary") in edges
    assert (service, "aws_lb_target_group.green", "alternate") in edges
    assert (service, "aws_lb_listener_rule.production", "production") in edges
    assert (service, "aws_lb_listener_rule.test", "test") in edges
    assert ("aws_lb_listener_rule.production", "aws_lb_target_group.green", "forward") in edges
    assert (service, "aws_iam_role.infrastructure", "role") in edges
    assert (service, "aws_lambda_function.post_test_traffic_shift", "hook") in edges
    assert ("aws_iam_role.hook_invoke", "aws_lambda_function.post_test_traffic_shift", "invoke") in edges
    weights = {e.label for e in graph.edges if e.source == "aws_lb_listener_rule.production"}
    assert weights == {"weight 100", "weight 0"}
    rule = graph.nodes["aws_lb_listener_rule.production"]
    assert "priority 100" in rule.details and "path pattern /*" in rule.details
    # The listener comes from a variable without default: drawn as outside the configuration.
    assert graph.nodes["var.production_listener_arn"].external
    # What the roles are allowed, proven by the IAM evaluator.
    assert any("12/12 allowed" in line for line in graph.nodes["aws_iam_role.infrastructure"].details)
    assert not any(e.dangling for e in graph.edges)


def test_alternate_target_group_nothing_forwards_to_is_dangling_with_its_finding():
    graph = build_graph(load_directory(str(FIXTURES / "TFBG113" / "fail_alternate_on_neither_rule")))
    dangling = [e for e in graph.edges if e.dangling]
    assert [e.target for e in dangling] == ["aws_lb_target_group.green"]
    concerned = [e for e in graph.edges if any(graph.findings[i].rule_id == "TFBG113" for i in e.findings)]
    assert concerned and all("aws_lb_target_group.green" in (e.source, e.target) for e in concerned)
    root = ET.fromstring(render_svg(graph))
    paths = root.findall(f".//{SVG}path[@class='edge dangling']")
    assert [p.get("data-target") for p in paths] == ["aws_lb_target_group.green"]


def test_unknown_forward_targets_are_not_drawn_as_dangling():
    """A plan whose listener forwards to target groups it cannot name: "not known", never "nothing"."""
    from validator.model import Model, Ref, Resource, Unknown

    model = Model(kind="plan")
    model.add(Resource("aws_lb_target_group.a", "aws_lb_target_group", "a"))
    model.add(Resource("aws_lb_listener.l", "aws_lb_listener", "l", values={"default_action": [
        {"type": "forward", "forward": [{"target_group": [{"arn": Unknown("known after apply"), "weight": 1}]}]}]}))
    model.add(Resource("aws_ecs_service.s", "aws_ecs_service", "s", values={
        "deployment_controller": [{"type": "EXTERNAL"}]}))
    model.add(Resource("aws_ecs_task_set.t", "aws_ecs_task_set", "t", values={
        "service": Ref("aws_ecs_service.s", "id"),
        "load_balancer": [{"target_group_arn": Ref("aws_lb_target_group.a", "arn")}]}))
    graph = build_graph(model, with_findings=False)
    assert not any(e.dangling for e in graph.edges)
    assert "whether a rule forwards here is not known statically" in graph.nodes["aws_lb_target_group.a"].details


def test_finding_on_the_edge_between_service_and_test_rule():
    graph = build_graph(load_directory(str(ROOT / "modules" / "bluegreen-alb-hook")))
    (finding_index,) = [i for i, f in enumerate(graph.findings) if f.rule_id == "TFBG120"]
    holders = [e for e in graph.edges if finding_index in e.findings]
    assert holders and {holders[0].source, holders[0].target} & {"aws_lb_listener_rule.test"}


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_svg_parses_and_shows_nodes_and_edges(module):
    graph = build_graph(load_directory(str(module)))
    root = ET.fromstring(render_svg(graph))
    nodes = {g.get("data-address") for g in root.findall(f".//{SVG}g[@class='node']")}
    assert nodes == set(graph.nodes)
    edges = [(p.get("data-source"), p.get("data-target")) for p in root.findall(f".//{SVG}path")
             if (p.get("class") or "").startswith("edge")]
    assert edges == [(e.source, e.target) for e in graph.edges]
    kinds = {graph.nodes[n].kind for n in nodes}
    assert {"listener", "target_group", "service"} <= kinds or {"rule", "target_group", "service"} <= kinds
    assert not any(e.dangling for e in graph.edges)  # every canonical module forwards to its target groups


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_mermaid_and_dot_carry_every_edge(module):
    graph = build_graph(load_directory(str(module)))
    text = mermaid(graph)
    assert text.startswith("flowchart LR\n")
    arrows = [line for line in text.splitlines() if re.match(r"\s+n\d+ -(-|\.)", line)]
    assert len(arrows) == len(graph.edges)
    graphviz = dot(graph)
    assert graphviz.startswith("digraph tfbg {") and graphviz.rstrip().endswith("}")
    assert graphviz.count(" -> ") == len(graph.edges)
    assert graphviz.count("{") == graphviz.count("}")
