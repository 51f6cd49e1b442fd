"""Every generated module lints with no finding at all, infos included (docs/severity.md): a "could
not prove" on a generated module means a rule cannot see something the module guarantees.

One documented exception: a hook on PRE_PRODUCTION_TRAFFIC_SHIFT keeps TFBG308 (info) while the
template's hashicorp/aws constraint admits releases whose SDK may lack the stage (TFBG308's page)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from generator.answers import build
from generator.cli import app
from generator.render import render
from tests.generator.variants import matrix

KNOWN = {"TFBG308"}  # see the module docstring


def test_every_variant_lints_without_any_finding(tmp_path):
    stages_of: dict[str, list[str]] = {}
    for label, answers in matrix().items():
        stages_of[label] = list(answers.get("hooks") or [])
        for relative, data in render(build(answers)).items():
            path = tmp_path / label / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    dirs = sorted(str(p) for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, ["lint", *dirs, "--fail-on", "info", "--format", "json"])
    findings = json.loads(result.stdout)["findings"]
    unexpected = [
        f"{f['file']}:{f['line']} {f['rule']} {f['message']}"
        for f in findings
        if not (f["rule"] in KNOWN and "PRE_PRODUCTION_TRAFFIC_SHIFT" in stages_of[_label(f["root"])])
    ]
    assert unexpected == []


def _label(root: str) -> str:
    return root.rstrip("/").split("/")[-1]
