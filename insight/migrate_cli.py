"""`tfbg migrate DIR [--out NEW_DIR]`: wiring only (insight/migrate.py decides, migrate_files.py writes)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from generator.errors import UserError, fail
from generator.writer import check_target, write_module
from insight.appspec import hooks_in
from insight.migrate import migrations
from insight.migrate_files import files_for
from validator.errors import InputError


def migrate(
    source: Path = typer.Argument(..., help="Terraform directory (or plan JSON) with a CodeDeploy-controlled ECS service."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="New directory to write into (default: ./tfbg-migrate)."),
) -> None:
    """Write the answers, state moves and checklist that take a CodeDeploy ECS service to ECS-native blue/green."""
    target = out if out is not None else Path("tfbg-migrate")
    try:
        # Never over the user's files: the directory must be new (or empty); there is no --force.
        check_target(target, force=False)
        model = _load(source)
        hooks, appspecs = hooks_in(source if source.is_dir() else source.parent)
        found = migrations(model, hooks)
        errors = [d for d in model.diagnostics if d.severity == "error"]
        if errors and not found:  # e.g. a file that does not parse may hold the service
            raise UserError(f"{errors[0].location}: {errors[0].message}")
        for migration in found:
            migration.notes += [f"{d.location}: {d.message} (what that file declares is missing here)" for d in errors]
        if not found:
            raise UserError(f"{source}: no aws_ecs_service with deployment_controller CODE_DEPLOY in this configuration"
                            + _orphan_groups(model))
        write_module(target, files_for(found, str(source), appspecs, str(target)), force=False)
    except (UserError, InputError) as error:
        fail(str(error))
    names = ", ".join(m.service.address for m in found)
    typer.echo(f"tfbg: wrote the migration of {names} to {target}/ (start with CHECKLIST.md)")


def _orphan_groups(model) -> str:
    """Deployment groups whose service is declared elsewhere: say so, the user may have the wrong directory."""
    groups = [g for g in model.by_type("aws_codedeploy_deployment_group") if not g.get("ecs_service") in (None, [])]
    if not groups:
        return ""
    service = groups[0].get("ecs_service.0.service_name")
    shown = service if isinstance(service, str) else "a service"
    return (f" ({groups[0].address} deploys {shown}, which is declared elsewhere: run tfbg migrate on the configuration "
            "that declares the service)")


def _load(source: Path):
    if source.is_file() and source.suffix == ".json":
        from validator.loaders.plan import load_plan

        return load_plan(str(source))
    from validator.loaders.hcl import load_directory

    return load_directory(str(source))
