"""Fuzz .tfbg.toml (and [tool.tfbg] in pyproject.toml) through `tfbg lint`: one line or a result."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.cli import app
from tests.fuzz.guard import check_cli_result, snapshot, within_time
from tests.fuzz.mutate import mutated_text

VALID = """\
disable = ["TFBG104"]
exclude = ["examples", "legacy/**"]
fail_on = "warning"

[severity]
TFBG703 = "error"
"""
KEYS = ["disable", "exclude", "fail_on", "severity", "tool", "tfbg", "TFBG703", "TFBG002", "error", "warning"]
MAIN_TF = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'


def toml_scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers().map(str),
        st.booleans().map(lambda b: str(b).lower()),
        st.sampled_from(KEYS).map(lambda k: f'"{k}"'),
        st.text(max_size=8).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    )


def toml_value() -> st.SearchStrategy[str]:
    return st.recursive(
        toml_scalar(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
            st.dictionaries(st.sampled_from(KEYS), inner, max_size=3).map(
                lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}"
            ),
        ),
        max_leaves=6,
    )


@st.composite
def toml_documents(draw) -> str:
    lines = [f"{draw(st.sampled_from(KEYS))} = {draw(toml_value())}" for _ in range(draw(st.integers(0, 4)))]
    return "\n".join(lines) + "\n"


configs = st.one_of(toml_documents(), mutated_text(VALID), st.text(max_size=80))


def lint_with(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "main.tf").write_text(MAIN_TF)
        for name, data in files.items():
            (root / name).write_bytes(data)
        before = snapshot(root)
        result = within_time(lambda: CliRunner().invoke(app, ["lint", directory]))
        check_cli_result(result)
        assert snapshot(root) == before


@given(configs)
def test_any_tfbg_toml_is_a_result_or_one_line(text):
    lint_with({".tfbg.toml": text.encode("utf-8", errors="surrogatepass")})


@given(configs)
def test_any_pyproject_tool_table_is_a_result_or_one_line(text):
    lint_with({"pyproject.toml": ("[tool.tfbg]\n" + text).encode("utf-8", errors="surrogatepass")})


@given(st.one_of(toml_documents().map(str.encode), st.binary(max_size=60), st.just(b"[tool.tfbg]\n\xff = 1\n")))
def test_any_pyproject_is_a_result_or_one_line(data):
    lint_with({"pyproject.toml": data})


@given(st.binary(max_size=60))
def test_any_bytes_as_tfbg_toml_are_a_result_or_one_line(data):
    lint_with({".tfbg.toml": data})
