"""Fuzz the answers file through `tfbg new --answers` and `tfbg update`: never a crash, never a hang,
and nothing written anywhere but the target directory."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.answers import DEFAULTS
from generator.cli import app
from generator.render import ANSWERS_FILE, render
from tests.fuzz.guard import check_cli_result, snapshot, within_time
from tests.fuzz.mutate import json_values, mutated_json, mutated_text

RECORD = json.loads(render(DEFAULTS)[ANSWERS_FILE])
ANSWER_KEYS = sorted(RECORD["answers"]) + ["answers", "template", "files", "id", "version"]

answers_documents = st.one_of(
    mutated_json(RECORD, ANSWER_KEYS).map(lambda d: json.dumps(d).encode()),
    mutated_json(RECORD["answers"], ANSWER_KEYS).map(lambda d: json.dumps(d).encode()),
    mutated_text(json.dumps(RECORD, indent=2)).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    json_values().map(lambda d: json.dumps(d).encode()),
    st.binary(max_size=100),
)


def invoke(args: list[str], cwd: Path):
    import os

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return within_time(lambda: CliRunner().invoke(app, args))
    finally:
        os.chdir(previous)


@given(answers_documents)
def test_new_with_any_answers_file_writes_only_its_target(data):
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "answers.json").write_bytes(data)
        before = snapshot(root)
        result = invoke(["new", "svc", "--answers", "answers.json", "--out", "out/svc"], root)
        check_cli_result(result)
        after = snapshot(root)
        assert {k: v for k, v in after.items() if not k.startswith("out")} == before
        if result.exit_code != 0:
            assert after == before  # nothing half-written


@given(answers_documents)
def test_update_with_any_recorded_answers_file_changes_only_the_module(data):
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        assert invoke(["new", "svc", "--no-input"], root).exit_code == 0
        (root / "svc" / ANSWERS_FILE).write_bytes(data)
        (root / "notes.txt").write_text("outside the module\n")
        before = snapshot(root)
        result = invoke(["update", "svc"], root)
        check_cli_result(result)
        after = snapshot(root)
        assert {k: v for k, v in after.items() if not k.startswith("svc")} == {
            k: v for k, v in before.items() if not k.startswith("svc")
        }
        if result.exit_code == 2:
            assert after == before
