"""The committed pictures parse and show what they must; the action list page matches the code; the
three commands behave like tfbg lint on bad input and write -o files whole."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from insight.policy_actions import DATA, MANAGED

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.name for p in (ROOT / "modules").iterdir() if (p / "main.tf").is_file())
SVG = "{http://www.w3.org/2000/svg}"


STAGES = {
    "ECS": {"PRE_SCALE_UP", "TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"},
    "CODE_DEPLOY": {"BeforeInstall", "AllowTestTraffic", "AllowTraffic", "TerminationWait", "End"},
    "EXTERNAL": set(),
}
EDGES = {"ECS": {"primary", "alternate", "forward", "production", "role"},
         "CODE_DEPLOY": {"primary", "forward", "production", "test", "pair", "role", "deploys"},
         "EXTERNAL": {"primary", "forward", "deploys"}}


@pytest.mark.parametrize("module", MODULES)
def test_committed_pictures_exist_parse_and_show_stages_and_edges(module):
    folder = ROOT / "docs" / "img" / module
    document = json.loads((folder / "timeline.json").read_text())
    owner = document["timelines"][0]["owner"]
    timeline = ET.parse(folder / "timeline.svg").getroot()
    stages = {rect.get("data-stage") for rect in timeline.iter(f"{SVG}rect") if rect.get("class") == "stage"}
    assert STAGES[owner] <= stages
    graph = ET.parse(folder / "graph.svg").getroot()
    kinds = {(p.get("data-kind")) for p in graph.iter(f"{SVG}path") if (p.get("class") or "").startswith("edge")}
    assert EDGES[owner] <= kinds
    for entry in document["timelines"]:
        if entry["owner"] == "ECS":
            assert entry["total"]["minimum"] == entry["total"]["lower_bound"]
    assert (folder / "graph.mmd").read_text().startswith("flowchart LR")
    assert (folder / "graph.dot").read_text().startswith("digraph tfbg {")
    assert "terraform apply:" in (folder / "timeline.txt").read_text()


def test_action_list_page_lists_every_action():
    page = (ROOT / "docs" / "insight.md").read_text()
    for resource_type, spec in MANAGED.items():
        rows = [line for line in page.splitlines() if line.startswith("| `aws_")]
        row = next((line for line in rows if f"`{resource_type}`" in line.split("|")[1]), None)
        assert row, resource_type
        for action in spec.actions:
            assert action.split(":")[1] in row, (resource_type, action)
    for data_type, actions in DATA.items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `data.{data_type}`"))
        assert all(action in row for action in actions)


def _tfbg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("command", ["timeline", "graph", "policy"])
def test_bad_path_is_one_line_and_exit_2(command, tmp_path):
    result = _tfbg(command, str(tmp_path / "missing"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "tfbg: error:" in result.stderr and "Traceback" not in result.stderr


def test_unknown_service_is_exit_2():
    result = _tfbg("timeline", "modules/linear-alb", "--service", "aws_ecs_service.nope")
    assert result.returncode == 2 and "--service aws_ecs_service.nope" in result.stderr


@pytest.mark.parametrize("args, check", [
    (("timeline", "modules/canary-alb", "-f", "json"), lambda text: json.loads(text)["version"] == 1),
    (("timeline", "modules/canary-alb", "-f", "svg"), lambda text: ET.fromstring(text).tag == f"{SVG}svg"),
    (("graph", "modules/canary-alb", "-f", "svg"), lambda text: ET.fromstring(text).tag == f"{SVG}svg"),
    (("graph", "modules/canary-alb", "-f", "markdown"), lambda text: text.startswith("```mermaid\n")),
    (("policy", "modules/canary-alb"), lambda text: json.loads(text)["Version"] == "2012-10-17"),
])
def test_output_file(args, check, tmp_path):
    target = tmp_path / "out"
    result = _tfbg(*args, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert check(target.read_text())
