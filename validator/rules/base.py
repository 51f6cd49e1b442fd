"""The rule contract. One class per rule; metadata on the class; `check` yields findings.

Rules are listed explicitly in `validator/rules/registry.py` (no import side effects).
"""

from __future__ import annotations

from typing import ClassVar, Iterable, Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Resource, unknown_cause

DOCS_BASE = "https://github.com/tfbg/tfbg/blob/main/docs/rules"


class Rule:
    id: ClassVar[str]  # "TFBG" + three digits; the hundreds digit is the group
    severity: ClassVar[Severity]
    summary: ClassVar[str]  # one line
    resource_types: ClassVar[tuple[str, ...]]
    source: ClassVar[str] = ""  # primary source the rule rests on (also in its docs page)
    plan_only: ClassVar[bool] = False  # needs before/after from a plan
    hcl_only: ClassVar[bool] = False  # directory input only (a plan cannot show what it needs)
    # Reads lifecycle.ignore_changes, which plan JSON lacks: on a plan it runs only with --source.
    needs_lifecycle: ClassVar[bool] = False

    @classmethod
    def url(cls) -> str:
        return f"{DOCS_BASE}/{cls.id}.md"

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        resource: Resource,
        message: str,
        *,
        path: str = "",
        fix: str = "",
        related: Iterable[str] = (),
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            rule_id=self.id,
            severity=severity or self.severity,
            message=message,
            address=resource.address,
            location=resource.loc(path),
            fix=fix,
            related=tuple(related),
            url=self.url(),
        )

    def unproven(self, resource: Resource, message: str, *, path: str = "") -> Finding:
        """A point the rule could not prove either way (a value unknown statically): info, never an error.
        The cause of the unknown value at `path` (when the loader recorded one) goes with it."""
        finding = self.finding(resource, f"could not prove: {message}", path=path, severity=Severity.INFO)
        finding.cause = unknown_cause(resource.get(path)) if path else ""
        return finding


def run_rules(rules: Iterable[Rule], model: Model) -> Iterator[Finding]:
    for rule in rules:
        if rule.plan_only and model.kind != "plan":
            continue
        for resource in model.by_type(*rule.resource_types):
            if resource.read_from_aws:
                # A data source reads an object this configuration does not manage: Terraform never
                # writes it, so what a rule checks of a managed resource (its settings, its
                # ignore_changes) does not apply. Rules still follow references to it.
                continue
            yield from rule.check(resource, model)
