"""Group G, ids TFBG7xx: Drift and ownership: ignore_changes, plan updates that undo traffic shifts (catalogue R-66..R-71)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
