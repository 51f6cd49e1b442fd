"""Group B, ids TFBG2xx: IAM: infrastructure role, hook role, CodeDeploy role (catalogue R-24..R-30 plus issue 4)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
