"""The `tfbg` command: wiring only. Each command's options and behaviour live with its half."""

from __future__ import annotations

import typer

from generator.new_cli import new
from validator.lint_cli import explain, lint, rules

app = typer.Typer(
    name="tfbg",
    help="Generate and lint Terraform modules for Amazon ECS blue/green, linear and canary deployments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("new")(new)
app.command("lint")(lint)
app.command("rules")(rules)
app.command("explain")(explain)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
