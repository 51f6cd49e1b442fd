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
    assert [(f.address, f.severity.value) for f in findings] == [(prod.address, "warning")]
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
