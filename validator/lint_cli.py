"""`tfbg lint`, `tfbg rules`, `tfbg explain`: placeholders, replaced by the validator implementation."""

import typer


def lint(paths: list[str] = typer.Argument(None)) -> None:
    """Lint Terraform directories or plan JSON files."""
    raise typer.Exit(code=2)


def rules() -> None:
    """List the rules."""


def explain(rule_id: str) -> None:
    """Show a rule's documentation."""
