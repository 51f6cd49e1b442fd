"""Fuzz the HCL loader through `tfbg lint DIR`: mutated real modules and random text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.cli import app
from tests.fuzz.guard import check_cli_result, snapshot, within_time
from tests.fuzz.mutate import mutated_text

MODULE = Path(__file__).resolve().parents[2] / "modules" / "bluegreen-alb-hook"
SEEDS = {path.name: path.read_text() for path in sorted(MODULE.glob("*.tf"))}


def lint_directory(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        before = snapshot(root)
        result = within_time(lambda: CliRunner().invoke(app, ["lint", directory, "--format", "json"]))
        check_cli_result(result)
        assert '"rule": "TFBG003"' not in result.stdout, result.stdout  # a rule crashed on this model
        assert snapshot(root) == before  # lint writes nothing


@st.composite
def damaged_module(draw) -> dict[str, str]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    return {**SEEDS, name: draw(mutated_text(SEEDS[name]))}


@given(damaged_module())
def test_a_damaged_module_never_crashes_or_hangs_lint(files):
    lint_directory(files)


@given(st.text(max_size=300))
def test_random_text_as_main_tf_never_crashes_lint(text):
    lint_directory({"main.tf": text})
