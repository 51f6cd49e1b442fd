"""Group B rules on hand-built models: what they report, where, with which fix; and that whatever cannot
be proven is info, never an error."""

import json

from tests.iam.build import INFRA_POLICY, TRUST_ECS, blue_green_service, data, ecs_doc_trust, findings, model, resource
from validator.findings import Severity
from validator.iam import checks
from validator.iam.actions import check_action, suggestion
from validator.iam.collect import iam_index
from validator.iam.evaluate import Answer
from validator.model import Model, Ref, Unknown
from validator.rules import iam
from validator.rules.registry import rules_by_id

INFRA = Ref("aws_iam_role.ecs_infra", "arn")
HOOK_ROLE = Ref("aws_iam_role.ecs_hook", "arn")
HOOK_FN = Ref("aws_lambda_function.hook", "arn")


def infra_role(**values):
    return resource("aws_iam_role.ecs_infra", {"name": "app-ecs-infra", "assume_role_policy": TRUST_ECS, **values})


def attach(policy_arn=INFRA_POLICY, address="aws_iam_role_policy_attachment.ecs_infra"):
    return resource(address, {"role": Ref("aws_iam_role.ecs_infra", "name"), "policy_arn": policy_arn})


def role_policy(statements, address="aws_iam_role_policy.ecs_infra", role="aws_iam_role.ecs_infra"):
    return resource(address, {"role": Ref(role, "id"), "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})})


def test_rule_ids_follow_the_catalogue_then_the_extras():
    assert [r.id for r in iam.RULES] == [f"TFBG2{n:02d}" for n in range(1, 12)]
    assert rules_by_id()["TFBG202"] is iam.RULES[1]


def test_managed_policy_proves_the_infra_role():
    built = model(infra_role(), attach(), *blue_green_service(infra_role=INFRA))
    for rule in (iam.InfraRoleTrust(), iam.InfraRolePermissions()):
        assert findings(rule, built) == []


def test_missing_actions_are_named_with_their_resources_and_the_fix_grants_exactly_them():
    statements = [{"Effect": "Allow", "Action": ["elasticloadbalancing:Describe*", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"], "Resource": "*"}]
    built = model(infra_role(), role_policy(statements), *blue_green_service(infra_role=INFRA))
    [finding] = findings(iam.InfraRolePermissions(), built)
    assert finding.severity is Severity.ERROR
    assert "aws_iam_role.ecs_infra" in finding.message
    assert (
        "elasticloadbalancing:RegisterTargets, elasticloadbalancing:DeregisterTargets on aws_lb_target_group.blue and aws_lb_target_group.green"
        in finding.message
    )
    assert "ModifyRule" not in finding.message
    # One statement: the same actions on both target groups.
    assert finding.fix.count("statement {") == 1
    assert 'actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]' in finding.fix
    assert "resources = [aws_lb_target_group.blue.arn, aws_lb_target_group.green.arn]" in finding.fix
    assert finding.location == built.get("aws_ecs_service.this").loc("load_balancer.0.advanced_configuration.0.role_arn")


def test_trust_for_ecs_tasks_is_an_error_with_a_hint():
    tasks_trust = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    built = model(infra_role(assume_role_policy=tasks_trust), attach(), *blue_green_service(infra_role=INFRA))
    [finding] = findings(iam.InfraRoleTrust(), built)
    assert finding.severity is Severity.ERROR
    assert "ecs-tasks.amazonaws.com" in finding.message and "ecs.amazonaws.com" in finding.fix


def test_conditional_trust_is_not_called_wrong():
    trust = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ecs.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
                }
            ]
        }
    )
    built = model(infra_role(assume_role_policy=trust), attach(), *blue_green_service(infra_role=INFRA))
    [finding] = findings(iam.InfraRoleTrust(), built)
    assert finding.severity is Severity.INFO
    assert "aws:SourceAccount" in finding.message


def test_unknown_role_or_policy_is_info_never_error():
    built = model(*blue_green_service(infra_role=Unknown("var.infra_role_arn has no value")))
    results = findings(iam.InfraRoleTrust(), built) + findings(iam.InfraRolePermissions(), built)
    assert [f.severity for f in results] == [Severity.INFO]
    unknown_policy = resource("aws_iam_role_policy.ecs_infra", {"role": "app-ecs-infra", "policy": Unknown("jsonencode(...)")})
    built = model(infra_role(), unknown_policy, *blue_green_service(infra_role=INFRA))
    [finding] = findings(iam.InfraRolePermissions(), built)
    assert finding.severity is Severity.INFO and "could not prove" in finding.message


def test_nlb_listener_slot_needs_modify_listener_not_modify_rule():
    lb = resource("aws_lb.nlb", {"name": "app", "load_balancer_type": "network"})
    listener = resource("aws_lb_listener.prod", {"load_balancer_arn": Ref("aws_lb.nlb", "arn"), "port": 80})
    parts = blue_green_service(infra_role=INFRA)
    service = parts[-1]
    advanced = service.values["load_balancer"][0]["advanced_configuration"][0]
    advanced["production_listener_rule"] = Ref("aws_lb_listener.prod", "arn")
    del advanced["test_listener_rule"]
    needs = checks.infra_needs(model(lb, listener, *parts), service, 0)
    actions = [n.action for n in needs]
    assert "elasticloadbalancing:ModifyListener" in actions and "elasticloadbalancing:ModifyRule" not in actions
    # The managed policy's NLB statement covers the listener; an ALB-only grant does not.
    alb_only = [
        {"Effect": "Allow", "Action": "elasticloadbalancing:*", "NotResource": "arn:aws:elasticloadbalancing:*:*:listener/net/*"},
    ]
    built = model(lb, listener, infra_role(), role_policy(alb_only), *parts)
    [finding] = findings(iam.InfraRolePermissions(), built)
    assert "ModifyListener on aws_lb_listener.prod" in finding.message


def test_unknown_listener_slot_missing_modify_rule_is_only_unproven():
    parts = blue_green_service(infra_role=INFRA)
    advanced = parts[-1].values["load_balancer"][0]["advanced_configuration"][0]
    advanced["production_listener_rule"] = Unknown("var.production_listener_rule has no value")
    del advanced["test_listener_rule"]
    no_rules = [{"Effect": "Allow", "NotAction": "elasticloadbalancing:ModifyRule", "Resource": "*"}]
    built = model(infra_role(), role_policy(no_rules), *parts)
    [finding] = findings(iam.InfraRolePermissions(), built)
    assert finding.severity is Severity.INFO  # an NLB listener would need no ModifyRule


def test_plan_shaped_model_with_known_arns_matches_literal_policy_arns():
    tg_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-blue/0123456789abcdef"
    statements = [{"Effect": "Allow", "Action": "elasticloadbalancing:RegisterTargets", "Resource": tg_arn}]
    built = model(infra_role(), role_policy(statements), *blue_green_service(infra_role=INFRA))
    built.kind = "plan"
    built.get("aws_lb_target_group.blue").values["arn"] = tg_arn
    index = iam_index(built)
    [outcome] = [
        o
        for o in checks.evaluate_needs(index, index.role(built.get("aws_iam_role.ecs_infra")), checks.infra_needs(built, built.get("aws_ecs_service.this"), 0))
        if o.need.action == "elasticloadbalancing:RegisterTargets" and "blue" in o.need.variants[0].label
    ]
    assert outcome.answer is Answer.ALLOWED


def test_hook_role_alias_needs_its_qualified_arn():
    alias = resource("aws_lambda_alias.live", {"name": "live", "function_name": Ref("aws_lambda_function.hook", "function_name")})
    function = resource("aws_lambda_function.hook", {"function_name": "app-hook"})
    grant = [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:*:*:function:app-hook"}]
    hook_role = resource("aws_iam_role.ecs_hook", {"name": "app-ecs-hook", "assume_role_policy": TRUST_ECS})
    parts = blue_green_service(infra_role=INFRA, hook_role=HOOK_ROLE, hook_target=Ref("aws_lambda_alias.live", "arn"))
    built = model(alias, function, hook_role, role_policy(grant, "aws_iam_role_policy.hook", "aws_iam_role.ecs_hook"), *parts)
    [finding] = findings(iam.HookRoleInvoke(), built)
    assert "lambda:InvokeFunction on aws_lambda_alias.live" in finding.message
    assert "resources = [aws_lambda_alias.live.arn]" in finding.fix
    qualified = [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:*:*:function:app-hook:*"}]
    built = model(alias, function, hook_role, role_policy(qualified, "aws_iam_role_policy.hook", "aws_iam_role.ecs_hook"), *parts)
    assert findings(iam.HookRoleInvoke(), built) == []


def test_pause_hooks_need_no_role():
    parts = blue_green_service(infra_role=INFRA, hook_role=Unknown("x"), hook_target=Unknown("y"), hook_type="PAUSE")
    built = model(*parts)
    assert findings(iam.HookRoleTrust(), built) == findings(iam.HookTargetNotLambda(), built) == []


def test_hook_target_invoke_arn_is_not_a_function():
    function = resource("aws_lambda_function.hook", {"function_name": "app-hook"})
    built = model(function, *blue_green_service(infra_role=INFRA, hook_role=HOOK_ROLE, hook_target=Ref("aws_lambda_function.hook", "invoke_arn")))
    [finding] = findings(iam.HookTargetNotLambda(), built)
    assert "invoke_arn" in finding.message and finding.severity is Severity.ERROR
    built = model(function, *blue_green_service(infra_role=INFRA, hook_role=HOOK_ROLE, hook_target="arn:aws:lambda:eu-west-1:123456789012:function:hook:live"))
    assert findings(iam.HookTargetNotLambda(), built) == []


def test_wrong_managed_policy_path_keeps_the_partition_template():
    templated = Unknown('"arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForLoadBalancers"')
    built = model(infra_role(), attach(templated))
    [finding] = findings(iam.ManagedPolicyArnTypo(), built)
    assert "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers" in finding.fix


def test_exclusive_conflict_is_judged_on_directories_only():
    built = model(infra_role(managed_policy_arns=[INFRA_POLICY]), attach())
    assert len(findings(iam.ExclusivePolicyConflict(), built)) == 1
    built.kind = "plan"
    assert findings(iam.ExclusivePolicyConflict(), built) == []


def test_wildcard_rule_reports_a_shared_document_once():
    document = data("data.aws_iam_policy_document.broad", {"statement": [{"actions": ["lambda:*"], "resources": ["*"]}]})
    hook_role = resource("aws_iam_role.ecs_hook", {"name": "app-ecs-hook", "assume_role_policy": TRUST_ECS})
    policies = [
        resource(f"aws_iam_role_policy.{name}", {"role": Ref(f"aws_iam_role.{role}", "id"), "policy": Ref("data.aws_iam_policy_document.broad", "json")})
        for name, role in (("a", "ecs_infra"), ("b", "ecs_hook"))
    ]
    built = model(document, infra_role(), hook_role, *policies, *blue_green_service(infra_role=INFRA, hook_role=HOOK_ROLE, hook_target=HOOK_FN))
    results = findings(iam.WildcardActionOnDeploymentRole(), built)
    assert [f.address for f in results] == ["data.aws_iam_policy_document.broad"]


def test_codedeploy_needs_prove_an_inline_policy_role():
    group = resource(
        "aws_codedeploy_deployment_group.this",
        {"service_role_arn": Ref("aws_iam_role.cd", "arn"), "ecs_service": [{"cluster_name": "c", "service_name": "s"}]},
    )
    grant = [{"Effect": "Allow", "Action": ["ecs:*", "elasticloadbalancing:Describe*"], "Resource": "*"}]
    cd = resource("aws_iam_role.cd", {"name": "cd", "assume_role_policy": TRUST_ECS})
    built = model(cd, group, role_policy(grant, "aws_iam_role_policy.cd", "aws_iam_role.cd"))
    index = iam_index(built)
    outcomes = checks.evaluate_needs(index, index.role(cd), checks.codedeploy_needs(built, group))
    assert all(o.answer is Answer.ALLOWED for o in outcomes)
    assert checks.trust_decision(index.role(cd), "codedeploy.amazonaws.com").answer is Answer.NOT_ALLOWED


def test_action_names():
    assert check_action("elasticloadbalancing:ModifyRule") is None
    assert check_action("ELASTICLOADBALANCING:modifyrule") is None
    assert check_action("elasticloadbalancing:Modify*") is None
    assert "names no elasticloadbalancing action" in check_action("elasticloadbalancing:ModifyRules")
    assert "matches no" in check_action("lambda:Invok*Alias")
    assert "not an AWS service prefix" in check_action("elasticloadbalancingv2:DescribeRules")
    assert "service:action" in check_action("InvokeFunction")
    assert check_action("bedrock:SomethingNew") is None  # a service tfbg has no action list for
    assert suggestion("elasticloadbalancing:ModifyRules") == "elasticloadbalancing:ModifyRule"


def test_index_is_built_once_per_model():
    built = Model()
    assert iam_index(built) is iam_index(built)
    assert iam_index(Model()) is not iam_index(built)


def test_permissions_boundary_caps_the_grant():
    boundary = resource("aws_iam_policy.boundary", {"name": "boundary", "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "elasticloadbalancing:Describe*", "Resource": "*"}]})})
    built = model(boundary, infra_role(permissions_boundary=Ref("aws_iam_policy.boundary", "arn")), attach(), *blue_green_service(infra_role=INFRA))
    [finding] = findings(iam.InfraRolePermissions(), built)
    assert finding.severity is Severity.ERROR and "RegisterTargets" in finding.message and "DescribeRules" not in finding.message
    unknown = infra_role(permissions_boundary=Unknown("var.boundary_arn has no value"))
    built = model(unknown, attach(), *blue_green_service(infra_role=INFRA))
    [finding] = findings(iam.InfraRolePermissions(), built)
    assert finding.severity is Severity.INFO
    admin = infra_role(permissions_boundary="arn:aws:iam::aws:policy/PowerUserAccess")
    assert findings(iam.InfraRolePermissions(), model(admin, attach(), *blue_green_service(infra_role=INFRA))) == []
