"""The one explicit list of rules. A rule runs only if it is listed here (no import side effects).

Ids: TFBG + three digits; the hundreds digit is the catalogue group (1 deployment/wiring, 2 IAM,
3 hooks, 4 controller, 5 CodeDeploy, 6 EXTERNAL, 7 drift, 8 forwarding, 9 Service Connect).
Severity is not encoded in the id.
"""

from __future__ import annotations

from validator.rules import deployment
from validator.rules import iam
from validator.rules import iam_principals
from validator.rules import hooks
from validator.rules import controller
from validator.rules import codedeploy
from validator.rules import codedeploy_safety
from validator.rules import external
from validator.rules import drift
from validator.rules import forwarding
from validator.rules import service_connect
from validator.rules import plan_changes
from validator.rules.base import Rule

ALL_RULES: list[Rule] = [
    *deployment.RULES,
    *iam.RULES,
    *iam_principals.RULES,
    *hooks.RULES,
    *controller.RULES,
    *codedeploy.RULES,
    *codedeploy_safety.RULES,
    *external.RULES,
    *drift.RULES,
    *forwarding.RULES,
    *service_connect.RULES,
    # Rules that compare a plan's before and after; their ids keep their catalogue group.
    *plan_changes.RULES,
]


def rules_by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in ALL_RULES}
