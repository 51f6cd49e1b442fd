"""Issue 10: `tfbg lint` of every CodeDeploy and EXTERNAL variant's directory gives no finding at all, infos
included (their plans: tests/generator/test_terraform_matrix.py). A "could not prove" here would mean a rule
cannot see what the module guarantees: fix the rule or the template, never this list."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from generator.answers import build
from generator.cli import app
from generator.render import render
from tests.generator.variants import codedeploy_matrix, external_matrix


def test_every_codedeploy_and_external_variant_lints_without_any_finding(tmp_path):
    for label, answers in {**codedeploy_matrix(), **external_matrix()}.items():
        for relative, data in render(build(answers)).items():
            path = tmp_path / label / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    dirs = sorted(str(p) for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, ["lint", *dirs, "--fail-on", "info", "--format", "json"])
    findings = json.loads(result.stdout)["findings"]
    assert [f"{f['file']}:{f['line']} {f['rule']} {f['severity']} {f['message']}" for f in findings] == []
    assert result.exit_code == 0
