"""Group E rules (TFBG5xx) on hand-built models: name matching, defaults, unknowns."""

from validator.model import Model, Ref, Resource, Unknown
from validator.rules import codedeploy as cd


def resource(address, values, ignore=frozenset()):
    kind, name = address.split(".")[-2:]
    return Resource(address=address, type=kind, name=name, values=values, ignore_changes=ignore)


def run(rule, model):
    return [f for r in model.resources if r.type in rule.resource_types for f in rule.check(r, model)]


def ids(findings):
    return [(f.rule_id, f.severity.value) for f in findings]


LB = resource("aws_lb.main", {"load_balancer_type": "application"})
NLB = resource("aws_lb.net", {"load_balancer_type": "network"})


def listener(name, lb=LB, default_action=None, ignore=frozenset()):
    action = default_action or [{"type": "forward", "target_group_arn": Ref("aws_lb_target_group.blue", "arn")}]
    return resource(f"aws_lb_listener.{name}", {"load_balancer_arn": Ref(lb.address, "arn"), "default_action": action}, ignore)


def group(**overrides):
    values = {
        "app_name": "app",
        "deployment_config_name": "CodeDeployDefault.ECSAllAtOnce",
        "service_role_arn": Ref("aws_iam_role.codedeploy", "arn"),
        "deployment_style": [{"deployment_type": "BLUE_GREEN", "deployment_option": "WITH_TRAFFIC_CONTROL"}],
        "ecs_service": [{"cluster_name": "main", "service_name": "app"}],
        "load_balancer_info": [{"target_group_pair_info": [{
            "prod_traffic_route": [{"listener_arns": [Ref("aws_lb_listener.prod", "arn")]}],
            "test_traffic_route": [{"listener_arns": [Ref("aws_lb_listener.test", "arn")]}],
            "target_group": [{"name": "blue"}, {"name": "green"}],
        }]}],
    }
    values.update(overrides)
    return resource("aws_codedeploy_deployment_group.app", values)


def base(*extra, **group_overrides):
    return Model(resources=[
        LB,
        resource("aws_codedeploy_app.app", {"name": "app", "compute_platform": "ECS"}),
        resource("aws_lb_target_group.blue", {"name": "blue"}),
        resource("aws_lb_target_group.green", {"name": "green"}),
        resource("aws_ecs_service.app", {"name": "app", "deployment_controller": [{"type": "CODE_DEPLOY"}],
                                         "load_balancer": [{"target_group_arn": Ref("aws_lb_target_group.blue", "arn")}]},
                 frozenset({"task_definition", "load_balancer"})),
        listener("prod", ignore=frozenset({"default_action"})),
        listener("test", ignore=frozenset({"default_action"})),
        group(**group_overrides),
        *extra,
    ])


def all_rules(model):
    return [f for rule in cd.RULES if rule.id != "TFBG510" for f in run(rule, model)]


def test_reference_configuration_is_clean():
    assert all_rules(base()) == []


def test_names_match_literal_names_and_references():
    model = base()
    assert cd.named(model, cd.TARGET_GROUP_TYPES, "blue").address == "aws_lb_target_group.blue"
    assert cd.named(model, cd.TARGET_GROUP_TYPES, Ref("aws_lb_target_group.green", "name")).address == "aws_lb_target_group.green"
    assert cd.named(model, cd.TARGET_GROUP_TYPES, "elsewhere") is None
    assert isinstance(cd.named(model, cd.TARGET_GROUP_TYPES, Unknown("var.x")), Unknown)


def test_service_without_ignores_and_autoscaling_target():
    service = resource("aws_ecs_service.svc", {"name": "svc", "deployment_controller": [{"type": "CODE_DEPLOY"}]},
                       frozenset({"task_definition"}))
    target = resource("aws_appautoscaling_target.svc", {"scalable_dimension": "ecs:service:DesiredCount",
                                                         "resource_id": Unknown('"service/${var.cluster}/${aws_ecs_service.svc.name}"')})
    findings = run(cd.CodeDeployServiceIgnoreChanges(), Model(resources=[service, target]))
    assert ids(findings) == [("TFBG502", "error")]  # ECS rejects the load balancer update: documented
    assert "load_balancer, desired_count" in findings[0].message
    assert "task_definition, load_balancer, desired_count" in findings[0].fix
    service.ignore_changes = frozenset({"task_definition", "load_balancer"})
    only_count = run(cd.CodeDeployServiceIgnoreChanges(), Model(resources=[service, target]))
    assert ids(only_count) == [("TFBG502", "warning")]  # autoscaled capacity set back: inference
    service.ignore_changes = frozenset({"task_definition", "load_balancer", "desired_count"})
    assert run(cd.CodeDeployServiceIgnoreChanges(), Model(resources=[service, target])) == []
    service.ignore_changes = None  # plan without --source
    assert run(cd.CodeDeployServiceIgnoreChanges(), Model(resources=[service, target])) == []


def test_autoscaling_by_literal_resource_id():
    service = resource("aws_ecs_service.svc", {"name": "svc"})
    literal = resource("aws_appautoscaling_target.t", {"scalable_dimension": "ecs:service:DesiredCount", "resource_id": "service/main/svc"})
    other = resource("aws_appautoscaling_target.o", {"scalable_dimension": "ecs:service:DesiredCount", "resource_id": "service/main/other"})
    assert cd.autoscaled(service, Model(resources=[service, literal])) is True
    assert cd.autoscaled(service, Model(resources=[service, other])) is False


def test_app_compute_platform_default_is_server():
    model = base()
    model.resources[1] = resource("aws_codedeploy_app.app", {"name": "app"})
    findings = run(cd.CodeDeployAppComputePlatform(), model)
    assert ids(findings) == [("TFBG503", "error")]
    assert findings[0].address == "aws_codedeploy_app.app"
    assert "aws_codedeploy_deployment_group.app" in findings[0].message


def test_deployment_config_name():
    rule = cd.EcsDeploymentConfigName()
    assert ids(run(rule, base(deployment_config_name=None))) == [("TFBG504", "error")]
    assert ids(run(rule, base(deployment_config_name="CodeDeployDefault.OneAtATime"))) == [("TFBG504", "error")]
    assert run(rule, base(deployment_config_name="CodeDeployDefault.ECSLinear10PercentEvery1Minutes")) == []
    custom = resource("aws_codedeploy_deployment_config.c", {"deployment_config_name": "custom"})
    assert ids(run(rule, base(custom, deployment_config_name="custom"))) == [("TFBG504", "error")]
    custom.values["compute_platform"] = "ECS"
    assert run(rule, base(custom, deployment_config_name="custom")) == []
    assert ids(run(rule, base(deployment_config_name="managed-elsewhere"))) == [("TFBG504", "info")]


def test_deployment_style_defaults():
    rule = cd.EcsDeploymentStyle()
    findings = run(rule, base(deployment_style=[]))
    assert ids(findings) == [("TFBG505", "error")]
    assert "IN_PLACE" in findings[0].message and "WITHOUT_TRAFFIC_CONTROL" in findings[0].message
    half = [{"deployment_type": "BLUE_GREEN"}]
    assert ids(run(rule, base(deployment_style=half))) == [("TFBG505", "error")]


def test_pair_shape():
    rule = cd.TargetGroupPairShape()
    one_tg = base()
    one_tg.resources[-1].values["load_balancer_info"][0]["target_group_pair_info"][0]["target_group"] = [{"name": "blue"}]
    assert ids(run(rule, one_tg)) == [("TFBG506", "error")]
    two_listeners = base()
    route = two_listeners.resources[-1].values["load_balancer_info"][0]["target_group_pair_info"][0]["prod_traffic_route"][0]
    route["listener_arns"] = ["arn:a", "arn:b"]
    assert ids(run(rule, two_listeners)) == [("TFBG506", "error")]
    assert ids(run(rule, base(load_balancer_info=Unknown("dynamic")))) == [("TFBG506", "info")]


def test_nlb_needs_all_at_once():
    model = base(deployment_config_name="CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
    model.resources[5] = listener("prod", lb=NLB, ignore=frozenset({"default_action"}))
    model.resources.append(NLB)
    assert ids(run(cd.NlbAllAtOnce(), model)) == [("TFBG507", "error")]
    assert run(cd.NlbAllAtOnce(), base(deployment_config_name="CodeDeployDefault.ECSLinear10PercentEvery1Minutes")) == []


def test_test_listener_on_another_load_balancer():
    other = resource("aws_lb.other", {})
    model = base(other)
    model.resources[6] = listener("test", lb=other, ignore=frozenset({"default_action"}))
    findings = run(cd.SameLoadBalancer(), model)
    assert ids(findings) == [("TFBG508", "warning")]
    assert "aws_lb.other" in findings[0].message and "aws_lb.main" in findings[0].message


def test_known_listener_arns_compare_by_load_balancer_part():
    a = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/abc/111"
    b = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/abc/222"
    c = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/api/def/333"
    model = Model()
    assert cd.lb_identity(model, a) == cd.lb_identity(model, b) != cd.lb_identity(model, c)


def test_service_target_group_not_in_pair():
    rule = cd.ServiceTargetGroupInPair()
    stray = resource("aws_lb_target_group.stray", {"name": "stray"})
    model = base(stray)
    model.resources[4].values["load_balancer"] = [{"target_group_arn": Ref("aws_lb_target_group.stray", "arn")}]
    findings = run(rule, model)
    assert ids(findings) == [("TFBG509", "warning")]
    assert "aws_lb_target_group.stray" in findings[0].message
    model.resources[4].values["load_balancer"] = [{"target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/blue/abc"}]
    assert run(rule, model) == []


def _trust_document(service):
    document = resource("data.aws_iam_policy_document.trust", {"statement": [
        {"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": [service]}]}]})
    document.mode = "data"
    return document


def test_service_role_is_evaluated_by_the_iam_evaluator():
    rule = cd.CodeDeployServiceRole()
    role = resource("aws_iam_role.codedeploy", {"name": "cd", "assume_role_policy": Ref("data.aws_iam_policy_document.trust", "json")})

    def attachment(arn):
        return resource("aws_iam_role_policy_attachment.cd", {"role": "cd", "policy_arn": arn})

    trusted = _trust_document("codedeploy.amazonaws.com")
    assert run(rule, base(trusted, role, attachment(cd.ECS_ROLE_POLICY))) == []
    # AWSCodeDeployRole's vendored document grants no ecs:* action: the deployment fails.
    ec2 = run(rule, base(trusted, role, attachment(cd.EC2_ROLE_POLICY)))
    assert ids(ec2) == [("TFBG510", "error")] and "AWSCodeDeployRole" in ec2[0].message
    missing = run(rule, base(trusted, role))
    assert ids(missing) == [("TFBG510", "error")] and "ecs:CreateTaskSet" in missing[0].message
    untrusted = run(rule, base(_trust_document("ecs-tasks.amazonaws.com"), role, attachment(cd.ECS_ROLE_POLICY)))
    assert ids(untrusted) == [("TFBG510", "error")] and "sts:AssumeRole" in untrusted[0].message


def test_service_role_inline_policy_granting_everything_needed():
    rule = cd.CodeDeployServiceRole()
    role = resource("aws_iam_role.codedeploy", {"name": "cd", "assume_role_policy": (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",'
        '"Principal":{"Service":"codedeploy.amazonaws.com"}}]}')})
    inline = resource("aws_iam_role_policy.cd", {"role": Ref("aws_iam_role.codedeploy", "id"), "policy": (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:*","elasticloadbalancing:*"],"Resource":"*"}]}')})
    assert run(rule, base(role, inline)) == []
    unknown_role = run(rule, base(service_role_arn=Unknown("var.role_arn")))
    assert ids(unknown_role) == [("TFBG510", "info")]


def test_autoscaling_groups_and_rollback_events():
    assert ids(run(cd.NoAutoScalingGroups(), base(autoscaling_groups=["asg"]))) == [("TFBG511", "warning")]
    enabled = [{"enabled": True, "events": []}]
    assert ids(run(cd.AutoRollbackEvents(), base(auto_rollback_configuration=enabled))) == [("TFBG512", "warning")]
    enabled = [{"enabled": True, "events": ["DEPLOYMENT_FAILURE"]}]
    assert run(cd.AutoRollbackEvents(), base(auto_rollback_configuration=enabled)) == []


def test_route_listeners_and_rules_need_ignores():
    rule = cd.CodeDeployRoutesIgnoreChanges()
    model = base()
    model.resources[5] = listener("prod")
    model = Model(resources=model.resources)
    findings = run(rule, model)
    assert [(f.address, f.rule_id) for f in findings] == [("aws_lb_listener.prod", "TFBG513")]
    assert "default_action" in findings[0].fix
    # A listener whose default action is a fixed response is not rewritten; its forwarding rule is.
    model.resources[5] = listener("prod", default_action=[{"type": "fixed-response"}])
    rule_on_prod = resource("aws_lb_listener_rule.prod", {
        "listener_arn": Ref("aws_lb_listener.prod", "arn"),
        "action": [{"type": "forward", "forward": [{"target_group": [{"arn": Ref("aws_lb_target_group.blue", "arn")}]}]}],
    })
    unrelated = resource("aws_lb_listener_rule.admin", {
        "listener_arn": Ref("aws_lb_listener.prod", "arn"),
        "action": [{"type": "forward", "target_group_arn": Ref("aws_lb_target_group.admin", "arn")}],
    })
    model = Model(resources=[*model.resources, rule_on_prod, unrelated, resource("aws_lb_target_group.admin", {"name": "admin"})])
    assert [f.address for f in run(cd.CodeDeployRoutesIgnoreChanges(), model)] == ["aws_lb_listener_rule.prod"]
