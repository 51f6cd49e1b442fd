"""One test per semantic of the evaluator (design.md, 'Rules')."""

import json

from validator.iam.evaluate import Answer, Request, Target, evaluate
from validator.iam.policy import Origin, Policy, statements_from_json
from validator.model import Ref, Unknown

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:hook"


def policy(*statements, label="p"):
    parsed = statements_from_json({"Version": "2012-10-17", "Statement": list(statements)}, Origin("aws_iam_role_policy.p", "policy"))
    return Policy(label, Origin("aws_iam_role_policy.p"), statements=parsed)


def answer(policies, action, target=None, **kwargs):
    return evaluate(policies, Request(action, target, **kwargs)).answer


def arn(value):
    return Target(arn=value)


def test_allow_grants_and_absence_does_not():
    p = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": FUNCTION})
    assert answer([p], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.ALLOWED
    assert answer([p], "lambda:GetFunction", arn(FUNCTION)) is Answer.NOT_ALLOWED
    assert answer([], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.NOT_ALLOWED


def test_explicit_deny_wins_over_any_allow():
    allow = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    deny = policy({"Effect": "Deny", "Action": "lambda:Invoke*", "Resource": "*"})
    decision = evaluate([allow, deny], Request("lambda:InvokeFunction", arn(FUNCTION)))
    assert decision.answer is Answer.DENIED
    assert decision.denying and decision.allowing


def test_not_action_allows_everything_else():
    p = policy({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"})
    assert answer([p], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.ALLOWED
    assert answer([p], "iam:PassRole", arn("arn:aws:iam::1:role/x")) is Answer.NOT_ALLOWED


def test_not_resource_excludes_the_listed_resources():
    p = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "NotResource": FUNCTION})
    assert answer([p], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.NOT_ALLOWED
    assert answer([p], "lambda:InvokeFunction", arn(FUNCTION.replace("hook", "other"))) is Answer.ALLOWED


def test_wildcards_star_and_question_mark():
    p = policy({"Effect": "Allow", "Action": "elasticloadbalancing:Describe*", "Resource": "*"})
    q = policy({"Effect": "Allow", "Action": "s3:GetObjec?", "Resource": "arn:aws:s3:::bucket/?.txt"})
    assert answer([p], "elasticloadbalancing:DescribeTargetHealth", Target.everything()) is Answer.ALLOWED
    assert answer([q], "s3:GetObject", arn("arn:aws:s3:::bucket/a.txt")) is Answer.ALLOWED
    assert answer([q], "s3:GetObject", arn("arn:aws:s3:::bucket/ab.txt")) is Answer.NOT_ALLOWED


def test_actions_are_case_insensitive_arns_case_sensitive():
    p = policy({"Effect": "Allow", "Action": "LAMBDA:invokefunction", "Resource": FUNCTION})
    assert answer([p], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.ALLOWED
    assert answer([p], "lambda:InvokeFunction", arn(FUNCTION.replace("hook", "Hook"))) is Answer.NOT_ALLOWED


def test_a_condition_makes_the_grant_conditional():
    p = policy(
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs.amazonaws.com"}},
        }
    )
    role = arn("arn:aws:iam::123456789012:role/infra")
    assert answer([p], "iam:PassRole", role) is Answer.CONDITIONAL
    # A request context that decides the condition decides the grant.
    assert answer([p], "iam:PassRole", role, context=(("iam:PassedToService", "ecs.amazonaws.com"),)) is Answer.ALLOWED
    assert answer([p], "iam:PassRole", role, context=(("iam:PassedToService", "lambda.amazonaws.com"),)) is Answer.NOT_ALLOWED


def test_an_unresolved_value_makes_it_unknown_never_not_allowed():
    unknown_resource = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": Unknown("var.function_arn has no value")})
    unknown_action = policy({"Effect": "Allow", "Action": [Unknown("local.actions")], "Resource": "*"})
    assert answer([unknown_resource], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.UNKNOWN
    assert answer([unknown_action], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.UNKNOWN
    whole = Policy("aws_iam_role_policy.x", Origin("aws_iam_role_policy.x"), unknown="the policy is (unknown)")
    decision = evaluate([whole], Request("lambda:InvokeFunction", arn(FUNCTION)))
    assert decision.answer is Answer.UNKNOWN
    assert "aws_iam_role_policy.x" in decision.unknown[0]


def test_an_unresolved_deny_makes_an_allowed_action_unknown():
    allow = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"})
    deny = policy({"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": [Ref("aws_lambda_function.other", "arn")]})
    target = Target(ref=Ref("aws_lambda_function.hook", "arn"), shape="arn:aws:lambda:*:*:function:hook")
    # Two different objects of the configuration: the Deny does not apply.
    assert answer([allow, deny], "lambda:InvokeFunction", target) is Answer.ALLOWED
    deny_unknown = policy({"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": Unknown("var.x has no value")})
    assert answer([allow, deny_unknown], "lambda:InvokeFunction", target) is Answer.UNKNOWN


def test_reference_targets_match_the_same_reference_not_another_attribute():
    function = Ref("aws_lambda_function.hook", "arn")
    p = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [function]})
    assert answer([p], "lambda:InvokeFunction", Target(ref=function, shape="arn:aws:lambda:*:*:function:hook")) is Answer.ALLOWED
    qualified = Target(ref=Ref("aws_lambda_function.hook", "qualified_arn"), shape="arn:aws:lambda:*:*:function:hook:*")
    assert answer([p], "lambda:InvokeFunction", qualified) is Answer.NOT_ALLOWED


def test_inexact_plan_references_are_not_proof():
    inferred = Ref("aws_lambda_function.hook", "arn", exact=False)  # may be "${...arn}:*"
    p = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [inferred]})
    target = Target(ref=Ref("aws_lambda_function.hook", "arn"), shape="arn:aws:lambda:*:*:function:hook")
    assert answer([p], "lambda:InvokeFunction", target) is Answer.UNKNOWN


def test_wildcard_pattern_covers_a_reference_by_its_shape_including_qualified_arns():
    p = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:*:*:function:*"})
    alias = Target(ref=Ref("aws_lambda_alias.live", "arn"), shape="arn:aws:lambda:*:*:function:hook:live")
    assert answer([p], "lambda:InvokeFunction", alias) is Answer.ALLOWED
    exact = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:*:*:function:hook"})
    assert answer([exact], "lambda:InvokeFunction", alias) is Answer.NOT_ALLOWED


def test_a_literal_arn_may_or_may_not_be_the_referenced_resource():
    literal = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": FUNCTION})
    same_name = Target(ref=Ref("aws_lambda_function.hook", "arn"), shape="arn:aws:lambda:*:*:function:hook")
    other_name = Target(ref=Ref("aws_lambda_function.x", "arn"), shape="arn:aws:lambda:*:*:function:x")
    assert answer([literal], "lambda:InvokeFunction", same_name) is Answer.UNKNOWN
    assert answer([literal], "lambda:InvokeFunction", other_name) is Answer.NOT_ALLOWED


def test_the_same_variable_names_the_same_value():
    listener = Unknown("var.listener_arn has no value")
    p = policy({"Effect": "Allow", "Action": "elasticloadbalancing:ModifyListener", "Resource": [listener]})
    target = Target(expr="var.listener_arn has no value", shape="arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*")
    assert answer([p], "elasticloadbalancing:ModifyListener", target) is Answer.ALLOWED
    other = Target(expr="var.other has no value", shape="arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*")
    assert answer([p], "elasticloadbalancing:ModifyListener", other) is Answer.UNKNOWN


def test_actions_without_resource_level_permissions_need_star():
    scoped = policy({"Effect": "Allow", "Action": "elasticloadbalancing:DescribeRules", "Resource": "arn:aws:elasticloadbalancing:*"})
    assert answer([scoped], "elasticloadbalancing:DescribeRules", Target.everything()) is Answer.NOT_ALLOWED


def test_statement_without_resource_grants_nothing():
    p = policy({"Effect": "Allow", "Action": "lambda:InvokeFunction"})
    assert answer([p], "lambda:InvokeFunction", arn(FUNCTION)) is Answer.NOT_ALLOWED


def test_trust_principals():
    trust = policy({"Effect": "Allow", "Principal": {"Service": ["ecs.amazonaws.com"]}, "Action": "sts:AssumeRole"})
    tasks = policy({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"})
    anyone = policy({"Effect": "Allow", "Principal": "*", "Action": "sts:*"})
    not_ecs = policy({"Effect": "Allow", "NotPrincipal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"})
    ecs = ("Service", "ecs.amazonaws.com")
    assert answer([trust], "sts:AssumeRole", principal=ecs) is Answer.ALLOWED
    assert answer([tasks], "sts:AssumeRole", principal=ecs) is Answer.NOT_ALLOWED
    assert answer([anyone], "sts:AssumeRole", principal=ecs) is Answer.ALLOWED
    assert answer([not_ecs], "sts:AssumeRole", principal=ecs) is Answer.NOT_ALLOWED


def test_trust_with_a_source_account_condition_is_conditional_not_refused():
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        }
    )
    assert answer([trust], "sts:AssumeRole", principal=("Service", "ecs.amazonaws.com")) is Answer.CONDITIONAL


def test_json_policy_parsing_accepts_single_statement_and_strings():
    document = json.loads('{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs.amazonaws.com"}}}')
    parsed = statements_from_json(document, Origin("x"))
    assert len(parsed) == 1 and parsed[0].actions == ["sts:AssumeRole"]
    assert parsed[0].principals == {"Service": ["ecs.amazonaws.com"]}


def _task_set_policy(expression: str, origin: str) -> Policy:
    statement = {"Effect": "Allow", "Action": ["ecs:CreateTaskSet", "ecs:DeleteTaskSet"], "Resource": [Unknown(expression)]}
    parsed = statements_from_json({"Version": "2012-10-17", "Statement": [statement]}, Origin(origin, "policy"))
    return Policy("p", Origin(origin), statements=parsed)


def test_task_sets_derived_from_the_service_arn_are_that_service_s_task_sets():
    derived = '"${replace(aws_ecs_service.app.id, ":service/", ":task-set/")}/*"'
    shape = "arn:aws:ecs:*:*:task-set/main/app/*"
    app = Target(shape=shape, task_sets_of=Ref("aws_ecs_service.app", "arn"))
    worker = Target(shape=shape, task_sets_of=Ref("aws_ecs_service.worker", "arn"))
    p = _task_set_policy(derived, "data.aws_iam_policy_document.p")
    assert answer([p], "ecs:CreateTaskSet", app) is Answer.ALLOWED
    assert answer([p], "ecs:CreateTaskSet", worker) is Answer.NOT_ALLOWED  # another declared service's task sets
    # written inside a module: the expression's address is relative to it
    in_module = _task_set_policy(derived, "module.svc.data.aws_iam_policy_document.p")
    assert answer([in_module], "ecs:DeleteTaskSet", Target(shape=shape, task_sets_of=Ref("module.svc.aws_ecs_service.app", "arn"))) is Answer.ALLOWED
    assert answer([in_module], "ecs:DeleteTaskSet", app) is Answer.NOT_ALLOWED
    # any other construction of the ARN stays "could not prove"
    other = _task_set_policy('"arn:aws:ecs:${var.region}:${var.account}:task-set/main/app/*"', "data.aws_iam_policy_document.p")
    assert answer([other], "ecs:CreateTaskSet", app) is Answer.UNKNOWN
    # the service's own ARN is not one of its task sets (an exact reference), a plan's inferred one may be
    service = policy({"Effect": "Allow", "Action": "ecs:CreateTaskSet", "Resource": [Ref("aws_ecs_service.app", "id")]})
    assert answer([service], "ecs:CreateTaskSet", app) is Answer.NOT_ALLOWED
    inferred = policy({"Effect": "Allow", "Action": "ecs:CreateTaskSet", "Resource": [Ref("aws_ecs_service.app", "id", exact=False)]})
    assert answer([inferred], "ecs:CreateTaskSet", app) is Answer.UNKNOWN


def test_an_ecs_service_id_is_its_arn():
    service = Ref("aws_ecs_service.app", "arn")
    p = policy({"Effect": "Allow", "Action": "ecs:UpdateServicePrimaryTaskSet", "Resource": [Ref("aws_ecs_service.app", "id")]})
    assert answer([p], "ecs:UpdateServicePrimaryTaskSet", Target(ref=service, shape="arn:aws:ecs:*:*:service/main/app")) is Answer.ALLOWED
