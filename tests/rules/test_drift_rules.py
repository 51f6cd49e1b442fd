"""Group G rules (TFBG7xx) on hand-built models: the logic both loaders' models go through."""

from validator.model import Model, Ref, Resource, Unknown
from validator.rules.drift import ListenerRuleIgnoresForward, NlbListenerIgnoresForward, uncovered_forward_paths


def resource(address, values, ignore=frozenset()):
    kind, name = address.split(".")[-2:]
    return Resource(address=address, type=kind, name=name, values=values, ignore_changes=ignore)


def forward(*arns):
    return [{"type": "forward", "forward": [{"target_group": [{"arn": a, "weight": 1} for a in arns]}]}]


def bg_service(prod, test=None, strategy="BLUE_GREEN", controller=None):
    advanced = {"production_listener_rule": prod, "alternate_target_group_arn": Ref("aws_lb_target_group.green", "arn")}
    if test is not None:
        advanced["test_listener_rule"] = test
    values = {
        "deployment_configuration": [{"strategy": strategy}] if strategy else [],
        "load_balancer": [{"target_group_arn": Ref("aws_lb_target_group.blue", "arn"), "advanced_configuration": [advanced]}],
    }
    if controller:
        values["deployment_controller"] = [{"type": controller}]
    return resource("aws_ecs_service.app", values)


def alb_model(ignore_prod, ignore_test=frozenset({"action.0.forward.0.target_group"}), **service):
    prod = resource("aws_lb_listener_rule.prod", {"action": forward("blue", "green")}, ignore_prod)
    test = resource("aws_lb_listener_rule.test", {"action": forward("green")}, ignore_test)
    model = Model(resources=[prod, test, bg_service(Ref(prod.address, "arn"), Ref(test.address, "arn"), **service)])
    return model, prod, test


def run(rule, model):
    return [f for r in model.resources if r.type in rule.resource_types for f in rule.check(r, model)]


def test_prefixes_and_all_cover_the_forward_target_groups():
    for ignore in ({"action"}, {"action.0"}, {"action.0.forward"}, {"action.0.forward.0.target_group"}, "all"):
        rule = resource("aws_lb_listener_rule.r", {"action": forward("a", "b")}, frozenset(ignore) if ignore != "all" else "all")
        assert uncovered_forward_paths(rule) == [], ignore


def test_sibling_paths_do_not_cover():
    rule = resource("aws_lb_listener_rule.r", {"action": forward("a")}, frozenset({"action.0.forward.0.stickiness", "tags"}))
    assert uncovered_forward_paths(rule) == ["action[0].forward[0].target_group"]


def test_top_level_target_group_arn_needs_ignoring_too():
    values = {"action": [{"type": "forward", "target_group_arn": "arn:tg"}]}
    only_forward = resource("aws_lb_listener_rule.r", values, frozenset({"action.0.forward.0.target_group"}))
    assert uncovered_forward_paths(only_forward) == ["action[0].target_group_arn"]
    assert uncovered_forward_paths(resource("aws_lb_listener_rule.r", values, frozenset({"action"}))) == []


def test_forward_action_after_an_authenticate_action_is_found_at_its_index():
    values = {"action": [{"type": "authenticate-oidc"}, *forward("a")]}
    rule = resource("aws_lb_listener_rule.r", values, frozenset({"action.0.forward.0.target_group"}))
    assert uncovered_forward_paths(rule) == ["action[1].forward[0].target_group"]


def test_unknowable_lifecycle_gives_none():
    assert uncovered_forward_paths(resource("aws_lb_listener_rule.r", {"action": forward("a")}, None)) is None


def test_production_rule_without_ignore_is_warned_once():
    model, prod, _ = alb_model(frozenset())
    findings = run(ListenerRuleIgnoresForward(), model)
    assert [(f.address, f.severity.value) for f in findings] == [(prod.address, "error")]
    assert "production rule of aws_ecs_service.app" in findings[0].message
    assert "action[0].forward[0].target_group" in findings[0].fix


def test_covered_rules_and_rolling_services_are_silent():
    model, _, _ = alb_model(frozenset({"action"}))
    assert run(ListenerRuleIgnoresForward(), model) == []
    model, _, _ = alb_model(frozenset(), strategy="ROLLING")
    assert run(ListenerRuleIgnoresForward(), model) == []
    model, _, _ = alb_model(frozenset(), strategy=None)  # absent strategy = ROLLING
    assert run(ListenerRuleIgnoresForward(), model) == []
    model, _, _ = alb_model(frozenset(), controller="CODE_DEPLOY")
    assert run(ListenerRuleIgnoresForward(), model) == []


def test_unknown_strategy_is_only_info():
    model, _, _ = alb_model(frozenset(), strategy=Unknown("var.strategy"))
    findings = run(ListenerRuleIgnoresForward(), model)
    assert [f.severity.value for f in findings] == ["info"]
    assert findings[0].message.startswith("could not prove")


def test_plan_without_source_is_silent():
    model, _, _ = alb_model(None, ignore_test=None)
    assert run(ListenerRuleIgnoresForward(), model) == []


def test_nlb_listener_as_rule():
    lb = resource("aws_lb.nlb", {"load_balancer_type": "network"})
    prod = resource("aws_lb_listener.prod", {"load_balancer_arn": Ref(lb.address, "arn"), "protocol": "TCP",
                                              "default_action": forward("blue", "green")})
    test = resource("aws_lb_listener.test", {"load_balancer_arn": Ref(lb.address, "arn"), "protocol": "TCP",
                                              "default_action": forward("green")},
                    frozenset({"default_action"}))
    model = Model(resources=[lb, prod, test, bg_service(Ref(prod.address, "arn"), Ref(test.address, "arn"))])
    findings = run(NlbListenerIgnoresForward(), model)
    assert [f.address for f in findings] == [prod.address]
    assert "default_action[0].forward[0].target_group" in findings[0].message
    assert run(ListenerRuleIgnoresForward(), model) == []


def test_alb_listener_named_as_rule_is_left_to_group_a():
    lb = resource("aws_lb.alb", {"load_balancer_type": "application"})
    prod = resource("aws_lb_listener.prod", {"load_balancer_arn": Ref(lb.address, "arn"), "default_action": forward("b")})
    model = Model(resources=[lb, prod, bg_service(Ref(prod.address, "arn"))])
    assert run(NlbListenerIgnoresForward(), model) == []


# --- TFBG705 (module_calls must be filled by the loaders) ----------------------------------------

from validator.model import Location, ModuleCall  # noqa: E402
from validator.rules.drift import AlbModuleRules, is_alb_module_source, module_of_value  # noqa: E402


def test_alb_module_sources():
    assert is_alb_module_source("terraform-aws-modules/alb/aws")
    assert is_alb_module_source("registry.terraform.io/terraform-aws-modules/alb/aws")
    assert is_alb_module_source("git::https://github.com/terraform-aws-modules/terraform-aws-alb.git?ref=v9.9.0")
    assert not is_alb_module_source("terraform-aws-modules/ecs/aws")
    assert not is_alb_module_source("./modules/alb")


def test_module_of_value_is_relative_to_the_referring_module():
    service = resource("module.app.aws_ecs_service.app", {})
    service.module = "module.app"
    assert module_of_value(service, Unknown('module.alb.listener_rules["https/prod"].arn')) == "module.app.module.alb"
    plan_ref = Ref('module.alb["x"].aws_lb_listener_rule.this["prod"]', "arn")
    assert module_of_value(resource("aws_ecs_service.app", {}), plan_ref) == "module.alb"
    assert module_of_value(resource("aws_ecs_service.app", {}), Ref("aws_lb_listener_rule.prod", "arn")) is None


def test_rules_from_the_alb_module_are_reported_at_the_attribute():
    service = bg_service(Unknown('module.alb.listener_rules["https/prod"].arn'), Unknown('module.alb.listener_rules["https/test"].arn'))
    call = ModuleCall("module.alb", "terraform-aws-modules/alb/aws", "~> 9.0", Location("main.tf", 1))
    model = Model(resources=[service], module_calls=[call])
    findings = run(AlbModuleRules(), model)
    assert [f.severity.value for f in findings] == ["info", "info"]
    assert "module.alb" in findings[0].message and "standalone" in findings[0].message
    other = ModuleCall("module.alb", "./modules/alb", None, Location("main.tf", 1))
    assert run(AlbModuleRules(), Model(resources=[service], module_calls=[other])) == []
    rolling = bg_service(Unknown('module.alb.listener_rules["https/prod"].arn'), strategy="ROLLING")
    assert run(AlbModuleRules(), Model(resources=[rolling], module_calls=[call])) == []


def test_codedeploy_listener_from_the_alb_module():
    group = resource("aws_codedeploy_deployment_group.app", {"load_balancer_info": [{"target_group_pair_info": [{
        "prod_traffic_route": [{"listener_arns": [Unknown('module.alb.listeners["http"].arn')]}]}]}]})
    call = ModuleCall("module.alb", "terraform-aws-modules/alb/aws", None, Location("main.tf", 1))
    findings = run(AlbModuleRules(), Model(resources=[group], module_calls=[call]))
    assert len(findings) == 1 and "production listener" in findings[0].message


def test_alb_listener_with_unknown_strategy_says_nothing():
    lb = resource("aws_lb.alb", {"load_balancer_type": "application"})
    prod = resource("aws_lb_listener.prod", {"load_balancer_arn": Ref(lb.address, "arn"), "default_action": forward("b")})
    model = Model(resources=[lb, prod, bg_service(Ref(prod.address, "arn"), strategy=Unknown("var.strategy"))])
    assert run(NlbListenerIgnoresForward(), model) == []


def test_listener_of_unknown_load_balancer_type_is_only_info():
    prod = resource("aws_lb_listener.prod", {"load_balancer_arn": Unknown("var.lb_arn"), "default_action": forward("b")})
    model = Model(resources=[prod, bg_service(Ref(prod.address, "arn"))])
    assert [f.severity.value for f in run(NlbListenerIgnoresForward(), model)] == ["info"]


def test_listener_of_a_load_balancer_managed_elsewhere_is_told_by_its_protocol():
    prod = resource("aws_lb_listener.prod", {"load_balancer_arn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/x",
                                              "protocol": "TCP", "default_action": forward("b")})
    model = Model(resources=[prod, bg_service(Ref(prod.address, "arn"))])
    assert [f.severity.value for f in run(NlbListenerIgnoresForward(), model)] == ["error"]
