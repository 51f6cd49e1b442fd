"""`tfbg new`: placeholder, replaced by the generator implementation."""

import typer


def new(name: str = typer.Argument(..., help="Module name")) -> None:
    """Generate a Terraform module for an ECS service with blue/green, linear or canary deployments."""
    raise typer.Exit(code=2)
