"""Group A, ids TFBG1xx: ECS-native strategy configuration and load balancer / listener / target group wiring (catalogue R-01..R-23)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
