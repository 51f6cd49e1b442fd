"""Group D, ids TFBG4xx: Deployment controller, circuit breaker, rollback flags, provider versions (catalogue R-40..R-47)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
