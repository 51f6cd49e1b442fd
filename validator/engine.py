"""Run the rules over a model: registry -> findings -> input diagnostics -> suppressions -> config.

Besides the catalogue rules (validator/rules/registry.py), the engine itself reports three things,
under ids of group 0 so that every output format, the docs and `tfbg explain` treat them alike:
TFBG001 an inline ignore that cannot take effect, TFBG002 a problem with the input, TFBG003 a
rule that failed on a resource (a tfbg bug: reported, never silently dropped).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, Iterable

from validator.config import Config
from validator.findings import Finding, Severity
from validator.model import Location, Model, Resource
from validator.rules.base import Rule
from validator.suppress import scan_files


class _CoreRule(Rule):
    """Metadata only: the engine produces these findings itself."""

    resource_types: ClassVar[tuple[str, ...]] = ()

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        return ()


class IgnoreWithoutReason(_CoreRule):
    id = "TFBG001"
    severity = Severity.WARNING
    summary = "Inline ignore comment without a reason, without a rule id, or not above a block or attribute"
    source = "tfbg design: suppressions must say why"


class InputProblem(_CoreRule):
    id = "TFBG002"
    severity = Severity.ERROR
    summary = "Input could not be read completely (parse error, module not on disk, unreadable file)"
    source = "tfbg design: bad input is reported, other files are still checked"


class RuleFailed(_CoreRule):
    id = "TFBG003"
    severity = Severity.ERROR
    summary = "A rule failed on a resource (a tfbg bug): the resource was not fully checked"
    source = "tfbg design: no check is silently skipped"


CORE_RULES: list[Rule] = [IgnoreWithoutReason(), InputProblem(), RuleFailed()]


def all_rules() -> list[Rule]:
    """Core rules and the registry, in id order within each group."""
    from validator.rules.registry import ALL_RULES

    return [*CORE_RULES, *ALL_RULES]


def lint(model: Model, config: Config | None = None, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """All findings for a model, after suppressions and the config, sorted by file and line."""
    config = config or Config()
    if rules is None:
        from validator.rules.registry import ALL_RULES

        rules = ALL_RULES
    findings: list[Finding] = []
    for rule in rules:
        if rule.id in config.disabled or (rule.plan_only and model.kind != "plan"):
            continue
        for resource in model.by_type(*rule.resource_types):  # indexed by type once per model
            if resource.read_from_aws:
                # Terraform never writes what a data source reads: settings and ignore_changes
                # rules do not apply to it. Rules still follow references to it (as unknowns).
                continue
            findings.extend(_run(rule, resource, model))

    findings = _suppress(findings, model, config)
    findings.extend(_diagnostics(model))
    findings = [_override(f, config) for f in findings if not config.excludes(f.location.file)]
    return _one_per_cause(sorted(_unique(findings), key=Finding.sort_key))


def _run(rule: Rule, resource: Resource, model: Model) -> list[Finding]:
    try:
        findings = list(rule.check(resource, model))
    except Exception as error:  # noqa: BLE001 - one rule's bug must not hide every other finding
        return [
            RuleFailed().finding(
                resource,
                f"{rule.id} failed on {resource.address}: {type(error).__name__}: {error}; "
                "the resource was not fully checked (please report this)",
            )
        ]
    if resource.count_unknown:
        return [_instances_unknown(f, resource) for f in findings]
    return findings


def _instances_unknown(finding: Finding, resource: Resource) -> Finding:
    """A resource whose count/for_each is not known statically may exist zero times: what a rule
    finds about it is not proven, so it is reported as "could not prove" (info), never as a defect."""
    if finding.address != resource.address or finding.severity is Severity.INFO:
        return finding
    # Each such finding is a distinct defect (with its own fix) should the resource exist: they are
    # not merged per cause like the checks a value left unproven, so each names the cause itself.
    because = f": {resource.count_cause}" if resource.count_cause else ""
    return replace(
        finding,
        severity=Severity.INFO,
        message=f"could not prove (how many instances of {resource.address} exist is not known statically"
        f"{because}): {finding.message}",
    )


def _one_per_cause(findings: list[Finding]) -> list[Finding]:
    """Each unknown value is reported once: the first "could not prove" finding that waits for a cause
    names it (the exact sub-expression and why) and lists the other checks it leaves unproven; those
    are not repeated. Findings are in output order, so the one kept is stable."""
    by_cause: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.cause and finding.severity is Severity.INFO:
            by_cause.setdefault(finding.cause, []).append(finding)
    result: list[Finding] = []
    for finding in findings:
        group = by_cause.get(finding.cause) if finding.cause and finding.severity is Severity.INFO else None
        if group is None:
            result.append(finding)
            continue
        if group[0] is not finding:
            continue
        others = sorted({f"{f.rule_id} on {f.address}" for f in group[1:]} - {f"{finding.rule_id} on {finding.address}"})
        message = f"{finding.message} [not known: {finding.cause}"
        if others:
            message += f"; the same unknown value leaves unproven: {', '.join(others)}"
        result.append(replace(finding, message=message + "]"))
    return result


def _diagnostics(model: Model) -> list[Finding]:
    rule = InputProblem()
    return [
        Finding(
            rule_id=rule.id,
            severity=Severity(diagnostic.severity),
            message=diagnostic.message,
            address="",
            location=diagnostic.location,
            url=rule.url(),
        )
        for diagnostic in model.diagnostics
    ]


def _suppress(findings: list[Finding], model: Model, config: Config) -> list[Finding]:
    ignores, malformed = scan_files(model.files)
    kept = [
        f
        for f in findings
        if not any(i.covers(f.rule_id, f.location.file, f.location.line) for i in ignores)
    ]
    if IgnoreWithoutReason.id not in config.disabled:
        rule = IgnoreWithoutReason()
        for problem in malformed:
            kept.append(
                Finding(
                    rule_id=rule.id,
                    severity=rule.severity,
                    message=f"tfbg:ignore comment {problem.problem}",
                    address="",
                    location=Location(problem.file, problem.line),
                    fix="Write `# tfbg:ignore TFBG### <why this is safe here>` on the line directly above "
                    "the block or attribute the finding points at.",
                    url=rule.url(),
                )
            )
    return kept


def _override(finding: Finding, config: Config) -> Finding:
    severity = config.severity.get(finding.rule_id)
    if severity is None or severity == finding.severity:
        return finding
    # A "could not prove" note (Rule.unproven) stays a note whatever the rule's severity becomes.
    if finding.severity == Severity.INFO and finding.message.startswith("could not prove"):
        return finding
    return replace(finding, severity=severity)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    result = []
    for finding in findings:
        key = (finding.rule_id, finding.address, finding.location, finding.message)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def exit_code(findings: Iterable[Finding], fail_on: Severity, input_errors: bool = False) -> int:
    """0: nothing at or above fail_on; 1: findings; 2: the input itself was bad."""
    findings = list(findings)
    if input_errors or any(f.rule_id == InputProblem.id and f.severity == Severity.ERROR for f in findings):
        return 2
    if any(f.severity.rank >= fail_on.rank for f in findings):
        return 1
    return 0
