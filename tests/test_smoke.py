from typer.testing import CliRunner

from generator.cli import app


def test_help_lists_commands():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("new", "lint", "rules", "explain"):
        assert command in result.output
