"""`tfbg lint`, `tfbg rules`, `tfbg explain`: options, input handling, output and exit codes.

Exit codes: 0 nothing at or above --fail-on; 1 findings; 2 usage or input error (a bad path, a
file that does not parse, a bad config), decided after everything that could be checked was.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import Enum
from importlib import metadata
from pathlib import Path
from typing import Optional

import typer

from validator.config import Config, find_config, load_config
from validator.engine import all_rules, exit_code
from validator.errors import InputError
from validator.findings import Finding, Severity
from validator.formatters import Report, renderer
from validator.targets import Target, lint_targets


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"


class Threshold(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class TableFormat(str, Enum):
    table = "table"
    json = "json"



def version() -> str:
    try:
        return metadata.version("tfbg")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _error(message: str) -> None:
    print(f"tfbg: error: {message}", file=sys.stderr)


def lint(
    paths: Optional[list[str]] = typer.Argument(
        None, help="Terraform directories, plan JSON files (terraform show -json), or - for a plan on stdin. Default: ."
    ),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    fail_on: Optional[Threshold] = typer.Option(
        None, "--fail-on", help="Lowest severity that makes the exit code 1 (default: error, or the config's fail_on)."
    ),
    var_file: list[str] = typer.Option([], "--var-file", help="A .tfvars file for the root module (repeatable)."),
    var: list[str] = typer.Option([], "--var", help="NAME=VALUE for a root module variable (repeatable)."),
    config_file: Optional[str] = typer.Option(
        None, "--config", help="Config file (default: the nearest .tfbg.toml, or pyproject.toml with a tool.tfbg table)."
    ),
    source: Optional[str] = typer.Option(
        None, "--source", help="For plan input: the configuration directory, for line numbers and lifecycle blocks."
    ),
    disable: list[str] = typer.Option([], "--disable", help="Rule id not to run (repeatable)."),
    recursive: bool = typer.Option(
        False,
        "--recursive",
        "-r",
        help="Lint every root module below each directory (automatic when a directory holds no .tf file).",
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Neither use nor keep the results of earlier runs (kept in the user's cache directory; also TFBG_NO_CACHE=1)."
    ),
    jobs: Optional[int] = typer.Option(
        None, "--jobs", "-j", min=1, help="Lint this many directories or plans at once, or evaluate one large directory in this many processes (default: the machine's cores)."
    ),
) -> None:
    """Lint Terraform directories or plan JSON files for ECS blue/green, linear and canary deployments."""
    rules = all_rules()
    known = {rule.id for rule in rules}
    input_errors = False

    disable = [rule_id.strip().upper() for rule_id in disable]  # as `tfbg explain` accepts tfbg703
    for rule_id in disable:
        if rule_id not in known:
            _error(f"--disable {rule_id}: not a rule (see `tfbg rules`)")
            raise typer.Exit(code=2)
    variables: dict[str, str] = {}
    for item in var:
        name, separator, value = item.partition("=")
        if not separator or not name.strip():
            _error(f"--var {item!r}: expected NAME=VALUE")
            raise typer.Exit(code=2)
        variables[name.strip()] = value

    explicit_config: Config | None = None
    if config_file is not None:
        try:
            explicit_config = load_config(config_file, known)
        except InputError as error:
            _error(str(error))
            input_errors = True
            explicit_config = Config()

    findings: list[Finding] = []
    thresholds: list[Severity] = []
    configs_seen: dict[str, Config] = {}
    loaded = 0
    work: list[Target] = []
    targets, discovery_failed = _expand_roots(_targets(paths or ["."]), recursive)
    input_errors |= discovery_failed
    per_root = _variables_per_root(targets, variables)
    if per_root is None:
        raise typer.Exit(code=2)
    for target in targets:
        if explicit_config is not None:
            config = explicit_config
        else:
            config, failed = _config_for(target, known, configs_seen)
            input_errors |= failed
        if config.fail_on is not None:
            thresholds.append(config.fail_on)
        use_cache = not no_cache and os.environ.get("TFBG_NO_CACHE", "") in ("", "0")
        config = config.with_disabled(disable)
        work.append(Target(target, config, var_file, per_root.get(target, variables), source, use_cache))
    quiet = output_format != OutputFormat.text or os.environ.get("CI", "").lower() in ("1", "true")
    for target, outcome in zip(work, lint_targets(work, jobs, show_progress=not quiet)):
        if outcome.error is not None:
            _error(outcome.error)
            input_errors = True
            continue
        loaded += 1
        for finding in outcome.findings:
            finding.root = target.path
            findings.append(finding)

    if not loaded:
        # Nothing could be read: a report would only say "no findings" about input never checked.
        raise typer.Exit(code=2)

    # Grouped by root module in the order the roots were found, then by file and line.
    order = {root: index for index, root in enumerate(targets)}
    findings.sort(key=lambda finding: (order.get(finding.root, 0), *finding.sort_key()))
    threshold = Severity(fail_on.value) if fail_on is not None else min(thresholds, key=lambda s: s.rank, default=Severity.ERROR)
    report = Report(
        findings=findings, rules=rules, fail_on=threshold, version=version(), paths=list(paths or ["."]), roots=targets
    )
    rendered = renderer(output_format.value)(report)
    if output is not None:
        _write_atomically(output, rendered)
    else:
        sys.stdout.write(rendered)
    if output is not None or output_format != OutputFormat.text:
        # The report went elsewhere or is not for humans: input errors still reach the terminal.
        for finding in findings:
            if finding.rule_id == "TFBG002" and finding.severity == Severity.ERROR:
                _error(f"{finding.location}: {finding.message}")
    raise typer.Exit(code=exit_code(findings, threshold, input_errors))


def _targets(paths: list[str]) -> list[str]:
    """Each path once; a .tf or .tfvars file stands for its directory (pre-commit passes file names)."""
    result: list[str] = []
    for path in paths:
        if path != "-" and path.endswith((".tf", ".tfvars")) and os.path.isfile(path):
            path = os.path.dirname(path) or "."
        if path not in result:
            result.append(path)
    return result


def _expand_roots(targets: list[str], recursive: bool) -> tuple[list[str], bool]:
    """Each directory that is to be searched (-r, or no .tf file of its own) replaced by the root
    modules below it. A directory below which there is no .tf file at all is an input error."""
    from validator.loaders.roots import find_roots

    result: list[str] = []
    failed = False
    for target in targets:
        if target == "-" or not os.path.isdir(target) or (not recursive and _holds_tf(target)):
            result.append(target)  # a plan, a missing path (reported by the loader), or one module
            continue
        roots = find_roots(target)
        if not roots:
            _error(f"{target}: no Terraform files (*.tf) in this directory or below it")
            failed = True
        result.extend(root for root in roots if root not in result)
    return result, failed


def _variables_per_root(targets: list[str], variables: dict[str, str]) -> dict[str, dict[str, str]] | None:
    """With several root modules, each gets the --var values it declares (a variable of envs/prod is not
    an error for envs/dev); a --var that no root declares is an error, as Terraform's would be. None
    after reporting such an error."""
    directories = [t for t in targets if t != "-" and os.path.isdir(t)]
    if len(directories) < 2 or not variables:
        return {}
    from validator.loaders.roots import declared_variables

    declared = {directory: declared_variables(directory) for directory in directories}
    unused = [name for name in variables if not any(name in names for names in declared.values())]
    if unused:
        _error(f"--var {unused[0]}: no root module declares a variable {unused[0]!r}")
        return None
    return {d: {k: v for k, v in variables.items() if k in names} for d, names in declared.items()}


def _holds_tf(directory: str) -> bool:
    try:
        return any(name.endswith(".tf") for name in os.listdir(directory))
    except OSError:
        return True  # let the loader report why it cannot be read


def _config_for(target: str, known: set[str], seen: dict[str, Config]) -> tuple[Config, bool]:
    found = find_config(target if target != "-" else ".")
    if found is None:
        return Config(), False
    if found in seen:
        return seen[found], False
    try:
        config = load_config(found, known)
    except InputError as error:
        _error(str(error))
        seen[found] = Config()
        return Config(), True
    seen[found] = config
    return config, False


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        # mkstemp creates the file 0600; a report is read by others (CI upload steps): use the umask.
        os.chmod(temporary, 0o666 & ~_current_umask())
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        _error(f"--output {path}: cannot write ({error.strerror})")
        raise typer.Exit(code=2) from None


def rules(
    output_format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """List the rules: id, severity, summary."""
    listed = sorted(all_rules(), key=lambda rule: rule.id)
    if output_format == TableFormat.json:
        document = [
            {
                "id": rule.id,
                "severity": rule.severity.value,
                "summary": rule.summary,
                "resource_types": list(rule.resource_types),
                "plan_only": rule.plan_only,
                "hcl_only": rule.hcl_only,
                "needs_lifecycle": rule.needs_lifecycle,
                "source": rule.source,
                "url": rule.url(),
            }
            for rule in listed
        ]
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    width = max((len(rule.severity.value) for rule in listed), default=7)
    lines = [f"{'ID':<8} {'SEVERITY':<{width}} SUMMARY"]
    for rule in listed:
        flags = (
            " [plan only]" if rule.plan_only
            else " [HCL only]" if rule.hcl_only
            else " [plans: with --source]" if rule.needs_lifecycle
            else ""
        )
        lines.append(f"{rule.id:<8} {rule.severity.value:<{width}} {rule.summary}{flags}")
    sys.stdout.write("\n".join(lines) + "\n")


def docs_directory() -> Path | None:
    """Rule pages: inside an installed wheel (validator/rule_docs), or docs/rules in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "rule_docs", package.parent / "docs" / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def explain(rule_id: str = typer.Argument(..., help="A rule id, e.g. TFBG101.")) -> None:
    """Show a rule's documentation: what it checks, why, how to fix, sources."""
    wanted = rule_id.strip().upper()
    by_id = {rule.id: rule for rule in all_rules()}
    rule = by_id.get(wanted)
    if rule is None:
        _error(f"{rule_id}: not a rule (see `tfbg rules`)")
        raise typer.Exit(code=2)
    directory = docs_directory()
    page = directory / f"{wanted}.md" if directory else None
    if page is not None and page.is_file():
        sys.stdout.write(page.read_text(encoding="utf-8"))
        return
    sys.stdout.write(f"# {rule.id} — {rule.summary}\n\nSeverity: {rule.severity.value}\n\nSee {rule.url()}\n")
