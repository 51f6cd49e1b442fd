"""Every generated module passes `tfbg lint` with no error and no warning (infos allowed: they are
checks the linter cannot settle statically, or advice to verify in an account)."""

from __future__ import annotations

from typer.testing import CliRunner

from generator.answers import build
from generator.cli import app
from generator.render import render
from tests.generator.variants import all_kinds


def test_every_variant_lints_clean(tmp_path):
    for label, answers in all_kinds().items():
        for relative, data in render(build(answers)).items():
            path = tmp_path / label / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    dirs = sorted(str(p) for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, ["lint", *dirs, "--fail-on", "warning", "--format", "json"])
    assert result.exit_code == 0, result.stdout + result.stderr
