"""Groups A, C, D, H, I (TFBG1xx/3xx/4xx/8xx/9xx): what a finding tells the user is usable.

- Every fix hint the rules give on their failing fixtures is valid HCL (a comment counts), so it can
  be pasted into the configuration.
- Every docs page has the contract's sections, at least one HCL example that parses, and sources.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import hcl2
import pytest

from validator.loaders.hcl import load_directory
from validator.rules.base import run_rules
from validator.rules.registry import ALL_RULES

GROUPS = ("TFBG1", "TFBG3", "TFBG4", "TFBG8", "TFBG9")
RULES = [rule for rule in ALL_RULES if rule.id.startswith(GROUPS) and not rule.plan_only]
FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
SECTIONS = ["Severity", "What it checks", "Why", "How to fix", "Sources"]


def parses_as_hcl(text: str) -> str | None:
    """None when `text` is a valid HCL body, else the parser's complaint."""
    try:
        hcl2.loads(text + "\n")
    except Exception as error:  # the parser raises several lark error types
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None


@lru_cache(maxsize=None)
def fixes_of(case: Path) -> tuple[tuple[str, str], ...]:
    model = load_directory(str(case))
    return tuple((f.rule_id, f.fix) for f in run_rules(RULES, model) if f.fix)


@pytest.mark.parametrize(
    "case",
    sorted(p for group in GROUPS for p in FIXTURES.glob(f"{group}*/fail_*") if p.is_dir()),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_fix_hints_are_valid_hcl(case: Path) -> None:
    bad = [(rule_id, fix, parses_as_hcl(fix)) for rule_id, fix in fixes_of(case) if parses_as_hcl(fix)]
    assert bad == []


def test_the_hcl_check_rejects_prose_and_placeholders() -> None:
    assert parses_as_hcl("Delete the block.")
    assert parses_as_hcl("lifecycle_hook {\n  ...\n}")
    assert parses_as_hcl('# remove it\nweight = 0') is None


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docs_page_has_sections_hcl_example_and_sources(rule) -> None:
    text = (DOCS / f"{rule.id}.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, re.M) == SECTIONS
    fix_section = text.split("## How to fix", 1)[1].split("## Sources", 1)[0]
    examples = re.findall(r"```hcl\n(.*?)```", fix_section, re.S)
    assert examples, f"{rule.id}: no ```hcl example under 'How to fix'"
    assert [parses_as_hcl(example) for example in examples] == [None] * len(examples)
    sources = text.split("## Sources", 1)[1]
    assert re.search(r"https://|internal/service/|CHANGELOG\.md|website/docs/", sources), f"{rule.id}: no source"
