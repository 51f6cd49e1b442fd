"""Usage errors are one line and exit code 2, like every other bad input (run as a user runs tfbg)."""

import subprocess
import sys

import pytest


def tfbg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["new", "--bogus"], "No such option: --bogus"),
        (["new"], "Missing argument"),
        (["lint", "--format", "xml", "."], "'xml' is not one of"),
        (["bogus"], "No such command 'bogus'"),
    ],
)
def test_usage_error_is_one_line(args, expected):
    result = tfbg(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tfbg: error: ") and expected in lines[0], result.stderr


def test_help_is_not_an_error():
    result = tfbg("--help")
    assert result.returncode == 0 and "lint" in result.stdout


LONG_OPTIONS = {
    "new": ["--listener-rule-priority", "--production-listener-port", "--no-alarm-rollback", "--no-circuit-breaker"],
    "lint": ["--fail-on", "--var-file", "--source", "--disable"],
}


@pytest.mark.parametrize("command", sorted(LONG_OPTIONS))
def test_help_on_an_80_column_terminal_shows_every_option_name_in_full(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = tfbg(command, "--help")
    assert result.returncode == 0 and "…" not in result.stdout
    for option in LONG_OPTIONS[command]:
        assert option in result.stdout, option


def test_version():
    import generator

    result = tfbg("--version")
    assert result.returncode == 0 and result.stdout == f"tfbg {generator.__version__}\n"


@pytest.mark.parametrize("args", [["-h"], ["new", "-h"], ["update", "-h"], ["lint", "-h"]])
def test_short_help_option(args):
    result = tfbg(*args)
    assert result.returncode == 0 and result.stdout.startswith("Usage: ") and result.stderr == ""
