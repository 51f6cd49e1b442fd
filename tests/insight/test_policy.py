"""tfbg policy, proven by the project's own IAM evaluator: the policy allows exactly the documented
action list of each resource the configuration manages, on that resource, and nothing else; no
action is a wildcard; iam:PassRole only for the roles passed, only to the service they go to."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from insight.policy import Scope, deployer_policy, to_hcl
from insight.policy_actions import DATA, MANAGED
from validator.iam.actions import check_action, data
from validator.iam.evaluate import Answer, Request, Target, evaluate
from validator.iam.policy import Origin, Policy, statements_from_json
from validator.loaders.hcl import load_directory

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p for p in (ROOT / "modules").iterdir() if (p / "main.tf").is_file())
ROOTS = MODULES + [m / "examples" / "complete" for m in MODULES]
SCOPE = Scope(region="us-east-1", account="123456789012")


def _policy(path):
    model = load_directory(str(path))
    result = deployer_policy(model, SCOPE)
    document = json.loads(json.dumps(result.json()))
    statements = statements_from_json(document, Origin("tfbg policy"))
    return model, result, Policy("tfbg policy", Origin("tfbg policy"), statements)


def _concrete(pattern: str) -> str:
    """A real-looking ARN matching a pattern (a * is an id AWS assigns)."""
    return pattern if pattern == "*" else re.sub(r"\*", "0123456789abcdef", pattern)


def _allowed(policy, action, arn, service=None):
    context = (("iam:PassedToService", service),) if service else ()
    return evaluate([policy], Request(action, Target(arn=arn), context=context)).answer


def test_every_listed_action_exists():
    for spec in MANAGED.values():
        for action in spec.actions:
            assert check_action(action) is None, action
    for actions in DATA.values():
        for action in actions:
            assert check_action(action) is None, action


@pytest.mark.parametrize("path", ROOTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_policy_allows_exactly_the_documented_list(path):
    model, result, policy = _policy(path)
    assert result.statements
    # No wildcard action.
    for statement in result.json()["Statement"]:
        assert all("*" not in action and "?" not in action for action in statement["Action"])
    # Every resource of a listed type requires exactly its type's list.
    for resource in model.resources:
        if resource.mode == "managed" and resource.type in MANAGED:
            required = {r.action for r in result.requirements if r.address == resource.address and r.service is None}
            assert required == set(MANAGED[resource.type].actions), resource.address
    # Each requirement is allowed on its own resource...
    for requirement in result.requirements:
        answer = _allowed(policy, requirement.action, _concrete(requirement.arn), requirement.service)
        assert answer is Answer.ALLOWED, requirement
    # ...and on that resource nothing else of the same service is.
    star = {r.action for r in result.requirements if r.arn == "*"}
    for arn in {r.arn for r in result.requirements if r.arn != "*" and r.service is None}:
        concrete = _concrete(arn)
        expected = {r.action for r in result.requirements if r.service is None and
                    (r.arn == arn or _concrete(r.arn) == concrete)} | star
        prefix = arn.split(":")[2]
        for name in data().names[prefix].values():
            action = f"{prefix}:{name}"
            answer = _allowed(policy, action, concrete)
            if action in expected:
                assert answer is Answer.ALLOWED, (action, arn)
            elif action != "iam:PassRole":
                assert answer is Answer.NOT_ALLOWED, (action, arn)


def test_default_module_scopes_to_its_own_resources():
    _, result, policy = _policy(ROOT / "modules" / "bluegreen-alb-hook" / "examples" / "complete")
    tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bluegreen-alb-hook-blue/0123"
    other_tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/someone-elses/0123"
    assert _allowed(policy, "elasticloadbalancing:DeleteTargetGroup", tg) is Answer.ALLOWED
    assert _allowed(policy, "elasticloadbalancing:DeleteTargetGroup", other_tg) is Answer.NOT_ALLOWED
    service = "arn:aws:ecs:us-east-1:123456789012:service/example/bluegreen-alb-hook"
    assert _allowed(policy, "ecs:UpdateService", service) is Answer.ALLOWED
    assert _allowed(policy, "ecs:UpdateService", service.replace("/example/", "/other/")) is Answer.NOT_ALLOWED
    assert _allowed(policy, "ecs:DeleteCluster", "arn:aws:ecs:us-east-1:123456789012:cluster/example") \
        is Answer.NOT_ALLOWED
    assert _allowed(policy, "elasticloadbalancing:DeleteLoadBalancer", "*") is Answer.NOT_ALLOWED
    infra = "arn:aws:iam::123456789012:role/bluegreen-alb-hook-ecs-infrastructure"
    assert _allowed(policy, "iam:PassRole", infra, "ecs.amazonaws.com") is Answer.ALLOWED
    assert _allowed(policy, "iam:PassRole", infra, "lambda.amazonaws.com") is Answer.NOT_ALLOWED
    assert _allowed(policy, "iam:PassRole", infra) is not Answer.ALLOWED  # without the service: conditional
    other_role = "arn:aws:iam::123456789012:role/admin"
    assert _allowed(policy, "iam:PassRole", other_role, "ecs.amazonaws.com") is Answer.NOT_ALLOWED
    function = "arn:aws:iam::123456789012:role/bluegreen-alb-hook-hook-function"
    assert _allowed(policy, "iam:PassRole", function, "lambda.amazonaws.com") is Answer.ALLOWED
    # Rules: created on the module's listeners only.
    listener = ("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/example/0123456789abcdef/"
                "0123456789abcdef")
    assert _allowed(policy, "elasticloadbalancing:CreateRule", listener) is Answer.ALLOWED
    assert _allowed(policy, "elasticloadbalancing:CreateRule", listener.replace("example", "other")) \
        is Answer.NOT_ALLOWED
    assert result.uncovered == []


def test_hcl_is_a_policy_document_with_the_same_statements():
    _, result, _ = _policy(ROOT / "modules" / "linear-alb")
    text = to_hcl(result)
    assert text.count("statement {") == len(result.statements)
    assert 'data "aws_iam_policy_document" "tfbg_deployer"' in text
    assert "iam:PassedToService" in text
