"""The `tfbg` command: wiring only. Each command's options and behaviour live with its half."""

from __future__ import annotations

import functools
import sys

import typer

import generator
from validator.lint_cli import explain, lint, rules


def _print_version(value: bool) -> None:
    if value:
        print(f"tfbg {generator.__version__}")
        raise typer.Exit()


def _options(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print tfbg's version and exit."
    ),
) -> None:
    """Generate and lint Terraform modules for Amazon ECS blue/green, linear and canary deployments."""


def _typer() -> typer.Typer:
    application = typer.Typer(
        name="tfbg",
        help="Generate and lint Terraform modules for Amazon ECS blue/green, linear and canary deployments.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        # Plain click help: rich's option table truncates long option names ("--listener-rule-pri…")
        # on an 80-column terminal.
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(_options)
    return application


def _add_lint_commands(application: typer.Typer) -> None:
    # Short summaries for `tfbg --help` (click cuts a longer first sentence off at 45 characters).
    application.command("lint", short_help="Lint Terraform directories or plan JSON files.")(lint)
    application.command("rules", short_help="List the rules: id, severity, summary.")(rules)
    application.command("explain", short_help="Show a rule's documentation.")(explain)


LINT_COMMANDS = ("lint", "rules", "explain")


@functools.lru_cache(maxsize=None)
def _full_app() -> typer.Typer:
    from generator.new_cli import new
    from generator.update_cli import update
    from insight.graph_cli import graph
    from insight.migrate_cli import migrate
    from insight.policy_cli import policy
    from insight.timeline_cli import timeline

    application = _typer()
    application.command("new", short_help="Generate a Terraform module for an ECS service.")(new)
    application.command("update", short_help="Re-render a module, keeping local edits.")(update)
    _add_lint_commands(application)
    application.command("timeline", short_help="Show each ECS deployment stage by stage.")(timeline)
    application.command("graph", short_help="Draw listeners, rules, target groups, roles, hooks.")(graph)
    application.command("policy", short_help="Least-privilege IAM policy for terraform apply.")(policy)
    application.command("migrate", short_help="From CodeDeploy blue/green to ECS-native: answers and checklist.")(migrate)
    return application


def __getattr__(name: str):
    # `app` (every command) is built on first use: `tfbg lint` in pre-commit and CI should not
    # import the generator (Jinja2, templates); it runs from an app of the lint commands alone.
    if name == "app":
        return _full_app()
    raise AttributeError(name)


def _application(argv: list[str]) -> typer.Typer:
    if argv and argv[0] in LINT_COMMANDS:
        lint_only = _typer()
        _add_lint_commands(lint_only)
        return lint_only
    return _full_app()


def _is(error: BaseException, class_name: str) -> bool:
    # typer vendors click (typer._click) in recent releases and imports it in older ones: match
    # click's exception classes by name rather than import a private module.
    return any(cls.__name__ == class_name for cls in type(error).__mro__)


def main() -> None:
    """Run tfbg. A usage error (unknown option, missing argument) is one line and exit code 2,
    like every other bad input, instead of click's usage block."""
    try:
        code = _application(sys.argv[1:])(standalone_mode=False)
    except Exception as error:
        if _is(error, "UsageError"):
            ctx = getattr(error, "ctx", None)
            command = ctx.command_path if ctx is not None else "tfbg"
            print(f"tfbg: error: {error.format_message()} (see '{command} --help')", file=sys.stderr)
            code = 2
        elif _is(error, "Abort"):  # Ctrl-C or end of input at a prompt
            if sys.stderr.isatty():  # the cursor is still on the prompt's line
                print(file=sys.stderr)
            print("tfbg: aborted", file=sys.stderr)
            code = 130
        else:
            raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
