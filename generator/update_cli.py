"""`tfbg update DIR`: re-render a module tfbg wrote, keeping local edits (the merge is update.py's)."""

from __future__ import annotations

import difflib
import inspect
import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from generator.answers import build_labelled
from generator.answers_file import load_answers_file
from generator.errors import UserError, fail
from generator.new_cli import ANSWER_OPTIONS, add_options, check_applicable, given_answers, summary
from generator.render import ANSWERS_FILE
from generator.update import Plan, plan_update, read_record
from generator.writer import describe, replace_files


def update(
    directory: Path = typer.Argument(..., metavar="DIR", help="A module directory tfbg wrote (it holds .tfbg-answers.json)."),
    answers_file: Optional[Path] = typer.Option(
        None, "--answers", help="Answers to change: a JSON object of answers (or another module's .tfbg-answers.json)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print a unified diff of every change; write nothing."),
    **options: Any,
) -> None:
    """Re-render a module with its recorded answers (changed by any answer option) and the installed
    templates, merging three ways so local edits are kept. Answer options not given keep their
    recorded values. Exit code 1 when a file has conflicts."""
    given = given_answers(options)
    try:
        if not directory.is_dir():
            raise UserError(f"{directory}: not a directory")
        if not (directory / ANSWERS_FILE).is_file():
            raise UserError(f"{directory}: no {ANSWERS_FILE}; not a module tfbg wrote (tfbg new writes one)")
        recorded, labels = load_answers_file(directory / ANSWERS_FILE)
        record = read_record(directory)
        old = build_labelled(recorded, labels)
        values, new_labels = dict(recorded), dict(labels)
        if answers_file is not None:
            changes, where = load_answers_file(answers_file)
            changes.pop("name", None)  # the module keeps its name (it prefixes every resource)
            values.update(changes)
            new_labels.update(where)
        add_options(values, new_labels, given)
        new = build_labelled(values, new_labels)
        check_applicable(new, given)
        plan = plan_update(directory, record, old, new)
        if dry_run:
            _print_diffs(directory, plan)
        else:
            replace_files(directory, plan.writes, removes=plan.removes)
    except UserError as error:
        fail(str(error))
    except BrokenPipeError:  # `tfbg update --dry-run | head`: stop quietly, as diff does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(code=1) from None
    except OSError as error:
        fail(describe(directory, error))
    _report(directory, plan, new, dry_run)


# The answer options of `tfbg new`, shared: update takes exactly the same ones.
update.__signature__ = inspect.Signature(
    [*list(inspect.signature(update, eval_str=True).parameters.values())[:-1], *ANSWER_OPTIONS]
)


def _print_diffs(directory: Path, plan: Plan) -> None:
    for relative in sorted({*plan.writes, *plan.removes}):
        path = directory / relative
        before = path.read_bytes() if path.is_file() else None
        after = plan.writes.get(relative)
        label_before = f"a/{relative}" if before is not None else "/dev/null"
        label_after = f"b/{relative}" if after is not None else "/dev/null"
        try:
            old_lines = (before or b"").decode("utf-8").splitlines(keepends=True)
            new_lines = (after or b"").decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            typer.echo(f"Binary files {label_before} and {label_after} differ")
            continue
        for line in difflib.unified_diff(old_lines, new_lines, label_before, label_after):
            typer.echo(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n", nl=False)


def _report(directory: Path, plan: Plan, new: Any, dry_run: bool) -> None:
    verb = "would update" if dry_run else "updated"
    counts: dict[str, int] = {}
    for action in plan.actions.values():
        counts[action] = counts.get(action, 0) + 1
    if not plan.changed():
        typer.echo(f"tfbg: {directory}/ is up to date ({summary(new)}, {new.load_balancer.upper()})")
        return
    counted = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    if plan.conflicts:
        counted = ", ".join(filter(None, [counted, f"{len(plan.conflicts)} with conflicts"]))
    typer.echo(f"tfbg: {verb} {directory}/: {counted} ({summary(new)}, {new.load_balancer.upper()})")
    for relative, action in sorted(plan.actions.items()):
        typer.echo(f"  {action:<9} {relative}")
    for relative, why in sorted(plan.conflicts.items()):
        typer.echo(f"tfbg: {'would conflict' if dry_run else 'conflict'}: {directory / relative}: {why}", err=True)
    if plan.conflicts:
        raise typer.Exit(code=1)
