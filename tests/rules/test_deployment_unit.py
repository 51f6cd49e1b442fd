"""Group A rules (TFBG1xx) on hand-built models: the tricky logic, independent of either loader."""

import pytest

from validator.findings import Severity
from validator.model import Model, Ref, Resource, Unknown
from validator.rules.deployment import RULES
from validator.rules.deployment.conditions import covers_value, rule_covers

RULE = {rule.id: rule for rule in RULES}


def res(address, values):
    kind, name = address.split(".")[-2:]
    return Resource(address=address, type=kind, name=name, values=values)


def path_is(*values):
    return {"path_pattern": [{"values": list(values)}]}


def header(name, *values):
    return {"http_header": [{"http_header_name": name, "values": list(values)}]}


def forward(*targets):
    groups = [{"arn": Ref(f"aws_lb_target_group.{name}", "arn"), "weight": weight} for name, weight in targets]
    return [{"type": "forward", "forward": [{"target_group": groups}]}]


def bg_model(
    *,
    prod_action=None,
    test_action=None,
    prod_conditions=None,
    test_conditions=None,
    prod_priority=1,
    test_priority=2,
    test_listener="front",
    with_test=True,
    lb_type=None,
    prod_ref=Ref("aws_lb_listener_rule.prod", "arn"),
    strategy="BLUE_GREEN",
    extra_service=None,
):
    lb_values = {} if lb_type is None else {"load_balancer_type": lb_type}
    resources = [
        res("aws_lb.main", lb_values),
        res("aws_lb_listener.front", {"load_balancer_arn": Ref("aws_lb.main", "arn"), "default_action": [
            {"type": "fixed-response"}]}),
        res("aws_lb_listener.test", {"load_balancer_arn": Ref("aws_lb.main", "arn"), "default_action": [
            {"type": "fixed-response"}]}),
        res("aws_lb_target_group.blue", {"target_type": "ip", "port": 80, "protocol": "HTTP", "vpc_id": "vpc-1"}),
        res("aws_lb_target_group.green", {"target_type": "ip", "port": 80, "protocol": "HTTP", "vpc_id": "vpc-1"}),
        res("aws_lb_listener_rule.prod", {
            "listener_arn": Ref("aws_lb_listener.front", "arn"),
            "priority": prod_priority,
            "action": prod_action or forward(("blue", 100), ("green", 0)),
            "condition": [path_is("/*")] if prod_conditions is None else prod_conditions,
        }),
        res("aws_lb_listener_rule.test", {
            "listener_arn": Ref(f"aws_lb_listener.{test_listener}", "arn"),
            "priority": test_priority,
            "action": test_action or forward(("green", 100)),
            "condition": [path_is("/*")] if test_conditions is None else test_conditions,
        }),
    ]
    advanced = {
        "alternate_target_group_arn": Ref("aws_lb_target_group.green", "arn"),
        "production_listener_rule": prod_ref,
        "role_arn": Ref("aws_iam_role.infra", "arn"),
    }
    if with_test:
        advanced["test_listener_rule"] = Ref("aws_lb_listener_rule.test", "arn")
    service = {
        "launch_type": "FARGATE",
        "deployment_configuration": [{"strategy": strategy, "bake_time_in_minutes": 5}],
        "load_balancer": [{
            "target_group_arn": Ref("aws_lb_target_group.blue", "arn"),
            "container_name": "app",
            "container_port": 80,
            "advanced_configuration": [advanced],
        }],
        **(extra_service or {}),
    }
    resources.append(res("aws_ecs_service.this", service))
    return Model(resources=resources)


def run(rule_id, model):
    rule = RULE[rule_id]
    return [f for r in model.resources if r.type in rule.resource_types for f in rule.check(r, model)]


def severities(findings):
    return [f.severity for f in findings]


def test_reference_shape_is_clean_for_every_rule_except_the_shadowed_test_rule():
    # The provider's acceptance-test shape: test rule priority 2 after a catch-all production rule on
    # the same listener (facts §7.12) - fine for an API test, a shadowed test rule for real traffic.
    model = bg_model()
    for rule in RULES:
        findings = run(rule.id, model)
        if rule.id == "TFBG120":
            assert severities(findings) == [Severity.ERROR]
            assert findings[0].address == "aws_lb_listener_rule.test"
        else:
            assert findings == [], rule.id


def test_separate_test_listener_is_clean_everywhere():
    model = bg_model(test_listener="test")
    for rule in RULES:
        assert run(rule.id, model) == [], rule.id


# -- TFBG120: condition subsumption --------------------------------------------------------------


@pytest.mark.parametrize(
    "broad, narrow, expected",
    [
        ("/*", "/api/*", True),
        ("*", "/x", True),
        ("/api/*", "/api/v1/*", True),
        ("/api/*", "/*", False),
        ("/a?c", "/a*c", False),  # '?' is one character; '/a*c' also matches '/abbc'
        ("/a?c", "/abc", True),
        ("/[ab]", "/a", False),  # brackets are literal for ALB, not a character class
        ("/api", "/API", False),  # paths are case-sensitive
    ],
)
def test_path_pattern_coverage(broad, narrow, expected):
    assert covers_value(broad, narrow, path=True) is expected


def test_host_headers_compare_case_insensitively():
    broad = [{"host_header": [{"values": ["*.example.com"]}]}]
    assert rule_covers(broad, [{"host_header": [{"values": ["API.Example.com"]}]}]) is True


def test_no_conditions_match_everything_and_extra_conditions_narrow():
    assert rule_covers([], [path_is("/x")]) is True
    assert rule_covers([path_is("/*")], [path_is("/*"), header("X-Test", "1")]) is True
    assert rule_covers([path_is("/*"), header("X-Test", "1")], [path_is("/*")]) is False


def test_header_name_is_case_insensitive_and_values_must_be_covered():
    assert rule_covers([header("x-test", "*")], [header("X-Test", "yes")]) is True
    assert rule_covers([header("X-Test", "yes")], [header("X-Test", "no")]) is False
    assert rule_covers([header("X-Other", "yes")], [header("X-Test", "yes")]) is False


def test_query_string_source_ip_and_method_coverage():
    qs = lambda *pairs: {"query_string": [{"key": k, "value": v} for k, v in pairs]}  # noqa: E731
    assert rule_covers([qs((None, "1"))], [qs(("a", "1"))]) is True
    assert rule_covers([qs(("a", "1"))], [qs((None, "1"))]) is False
    ip = lambda *cidrs: {"source_ip": [{"values": list(cidrs)}]}  # noqa: E731
    assert rule_covers([ip("10.0.0.0/8")], [ip("10.1.0.0/16")]) is True
    assert rule_covers([ip("10.1.0.0/16")], [ip("10.0.0.0/8")]) is False
    method = lambda *m: {"http_request_method": [{"values": list(m)}]}  # noqa: E731
    assert rule_covers([method("GET", "POST")], [method("GET")]) is True


def test_unknown_condition_values_are_undecided():
    assert rule_covers([path_is("/api/*")], [{"path_pattern": [{"values": [Unknown("var.p")]}]}]) is None


def test_narrow_test_rule_evaluated_first_is_fine():
    model = bg_model(test_conditions=[path_is("/*"), header("X-Test", "1")], prod_priority=20, test_priority=10)
    assert run("TFBG120", model) == []


def test_narrow_test_rule_evaluated_after_broad_production_rule_is_shadowed():
    model = bg_model(test_conditions=[path_is("/*"), header("X-Test", "1")], prod_priority=10, test_priority=20)
    [finding] = run("TFBG120", model)
    assert finding.severity == Severity.ERROR
    assert "aws_lb_listener_rule.prod" in finding.message and "priority" in finding.message


def test_production_rule_narrower_than_test_rule_does_not_shadow_it():
    model = bg_model(prod_conditions=[path_is("/api/*")], test_conditions=[path_is("/*")])
    assert run("TFBG120", model) == []


def test_unknown_priority_is_could_not_prove():
    model = bg_model(test_priority=None)
    [finding] = run("TFBG120", model)
    assert finding.severity == Severity.INFO and finding.message.startswith("could not prove")


# -- TFBG110: the kind of ARN ------------------------------------------------------------------


def test_alb_listener_as_production_rule_is_an_error():
    model = bg_model(prod_ref=Ref("aws_lb_listener.front", "arn"))
    [finding] = run("TFBG110", model)
    assert finding.severity == Severity.ERROR and "aws_lb_listener.front" in finding.message


def test_alias_types_and_default_application_type():
    model = bg_model(prod_ref=Ref("aws_alb_listener.front", "arn"))
    for r in model.resources:
        if r.address == "aws_lb_listener.front":
            r.address, r.type = "aws_alb_listener.front", "aws_alb_listener"
    model._by_address = None
    assert severities(run("TFBG110", model)) == [Severity.ERROR]


def test_nlb_listener_is_right_and_literal_arns_are_judged_by_their_form():
    model = bg_model(prod_ref=Ref("aws_lb_listener.front", "arn"), lb_type="network", with_test=False)
    assert run("TFBG110", model) == []
    literal = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2"
    assert severities(run("TFBG110", bg_model(prod_ref=literal))) == [Severity.ERROR]
    nlb_listener = literal.replace("/app/", "/net/")
    assert run("TFBG110", bg_model(prod_ref=nlb_listener)) == []


def test_unknown_lb_type_is_could_not_prove():
    model = bg_model(prod_ref=Ref("aws_lb_listener.front", "arn"), lb_type=Unknown("var.lb_type"))
    assert severities(run("TFBG110", model)) == [Severity.INFO]
    assert severities(run("TFBG110", bg_model(prod_ref=Unknown("var.rule_arn")))) == [Severity.INFO]


# -- TFBG112..TFBG115: forward targets -----------------------------------------------------------


def test_without_test_rule_alb_production_rule_needs_both_target_groups():
    assert run("TFBG112", bg_model(with_test=False)) == []
    model = bg_model(with_test=False, prod_action=forward(("blue", 100)))
    [finding] = run("TFBG112", model)
    assert "alternate_target_group_arn" in finding.message
    assert run("TFBG113", model) == []  # one defect, one rule


def test_top_level_target_group_arn_counts_as_a_forward_target():
    action = [{"type": "forward", "target_group_arn": Ref("aws_lb_target_group.blue", "arn")}]
    model = bg_model(prod_action=action)
    assert run("TFBG113", model) == [] and run("TFBG115", model) == []


def test_target_group_on_neither_rule():
    model = bg_model(prod_action=forward(("blue", 100)), test_action=forward(("blue", 100)))
    [finding] = run("TFBG113", model)
    assert "aws_lb_target_group.green" in finding.message
    assert finding.location == model.get("aws_ecs_service.this").loc(
        "load_balancer.0.advanced_configuration.0.alternate_target_group_arn")


def test_target_group_on_rules_that_cannot_be_read_is_worded_as_could_not_prove():
    model = bg_model()
    model.get("aws_ecs_service.this").values["load_balancer"][0]["advanced_configuration"][0][
        "production_listener_rule"] = Ref("aws_lb_listener_rule.elsewhere", "arn")
    findings = run("TFBG113", model)
    assert findings and all(f.severity == Severity.INFO for f in findings)
    for finding in findings:
        assert " nor " not in finding.message and "((" not in finding.message, finding.message
        assert "must be forwarded to by aws_lb_listener_rule.elsewhere.arn or aws_lb_listener_rule.test.arn" in (
            finding.message)


def test_unexpected_target_group_and_two_serving_weights():
    model = bg_model(prod_action=forward(("blue", 100), ("green", 0), ("other", 0)))
    [finding] = run("TFBG114", model)
    assert finding.address == "aws_lb_listener_rule.prod" and "aws_lb_target_group.other" in finding.message
    model = bg_model(prod_action=forward(("blue", 1), ("green", 1)))
    assert severities(run("TFBG115", model)) == [Severity.ERROR]
    model = bg_model(prod_action=forward(("blue", 100), ("green", Unknown("var.w"))))
    assert severities(run("TFBG115", model)) == [Severity.INFO]


def test_nlb_listener_default_action_is_the_rule():
    model = bg_model(prod_ref=Ref("aws_lb_listener.front", "arn"), lb_type="network", with_test=False)
    listener = model.get("aws_lb_listener.front")
    listener.values["default_action"] = forward(("blue", 100))
    [finding] = run("TFBG113", model)
    assert "aws_lb_target_group.green" in finding.message
    assert run("TFBG112", model) == []
    # TFBG307 budgets the 10-minute NLB delay when apply waits; the info is only for an unknown wait.
    assert run("TFBG123", model) == []
    model.get("aws_ecs_service.this").values["wait_for_steady_state"] = Unknown("var.wait")
    assert severities(run("TFBG123", model)) == [Severity.INFO]


def test_rule_outside_the_configuration_is_could_not_prove_not_an_error():
    model = bg_model(with_test=False, prod_ref=Unknown("var.prod_rule_arn"))
    assert severities(run("TFBG112", model)) == [Severity.INFO]
    for rule_id in ("TFBG113", "TFBG114", "TFBG115", "TFBG120", "TFBG124"):
        assert severities(run(rule_id, model)) in ([], [Severity.INFO]), rule_id


# -- TFBG124: default action bypassing the shifting ---------------------------------------------


def test_default_action_to_primary_bypasses_shifting_when_the_rule_is_narrow():
    model = bg_model(prod_conditions=[{"host_header": [{"values": ["app.example.com"]}]}], test_listener="test")
    model.get("aws_lb_listener.front").values["default_action"] = [
        {"type": "forward", "target_group_arn": Ref("aws_lb_target_group.blue", "arn")}
    ]
    [finding] = run("TFBG124", model)
    assert finding.address == "aws_lb_listener.front" and finding.severity == Severity.WARNING


def test_default_action_never_reached_behind_a_catch_all_rule_is_fine():
    model = bg_model(test_listener="test")
    model.get("aws_lb_listener.front").values["default_action"] = [
        {"type": "forward", "target_group_arn": Ref("aws_lb_target_group.blue", "arn")}
    ]
    assert run("TFBG124", model) == []


# -- strategy shape ------------------------------------------------------------------------------


def test_strategy_rules_on_plan_shaped_values():
    # plan JSON: nullable ints as strings, "" when unset
    service = res("aws_ecs_service.s", {"deployment_configuration": [
        {"strategy": "BLUE_GREEN", "bake_time_in_minutes": "", "linear_configuration": [], "canary_configuration": []}]})
    model = Model(resources=[service])
    assert severities(run("TFBG102", model)) == [Severity.ERROR]
    assert run("TFBG104", model) == [] and run("TFBG105", model) == []
    service.values["deployment_configuration"][0]["bake_time_in_minutes"] = "0"
    assert run("TFBG102", model) == []


def test_percent_multiples_of_a_tenth():
    def model(percent):
        return Model(resources=[res("aws_ecs_service.s", {"deployment_configuration": [
            {"strategy": "LINEAR", "linear_configuration": [{"step_percent": percent}]}]})])
    assert run("TFBG106", model(12.5)) == [] and run("TFBG106", model(0.3)) == [] and run("TFBG106", model(33.3)) == []
    assert severities(run("TFBG106", model(33.33))) == [Severity.ERROR]


def test_controller_and_strategy():
    def model(controller, strategy="LINEAR"):
        return Model(resources=[res("aws_ecs_service.s", {
            "deployment_controller": [{"type": controller}], "deployment_configuration": [{"strategy": strategy}]})])
    assert severities(run("TFBG101", model("CODE_DEPLOY"))) == [Severity.ERROR]
    assert run("TFBG101", model("ECS")) == [] and run("TFBG101", model("EXTERNAL", "ROLLING")) == []
    assert severities(run("TFBG101", model(Unknown("var.c")))) == [Severity.INFO]


def test_awsvpc_from_task_definition_for_target_type():
    model = bg_model()
    service = model.get("aws_ecs_service.this")
    del service.values["launch_type"]
    service.values["task_definition"] = Ref("aws_ecs_task_definition.app", "arn")
    model.add(res("aws_ecs_task_definition.app", {"network_mode": "awsvpc"}))
    model.get("aws_lb_target_group.green").values["target_type"] = "instance"
    [finding] = run("TFBG117", model)
    assert finding.address == "aws_lb_target_group.green"
    model.get("aws_ecs_task_definition.app").values["network_mode"] = "bridge"
    assert run("TFBG117", model) == []


def test_target_groups_that_differ():
    model = bg_model()
    model.get("aws_lb_target_group.green").values["port"] = 8080
    [finding] = run("TFBG118", model)
    assert finding.address == "aws_lb_target_group.green" and "port" in finding.message


def test_same_unresolved_listener_variable_is_the_same_listener():
    model = bg_model(test_priority=20)
    for address in ("aws_lb_listener_rule.prod", "aws_lb_listener_rule.test"):
        model.get(address).values["listener_arn"] = Unknown("var.listener_arn has no value")
    assert severities(run("TFBG120", model)) == [Severity.ERROR]
    model.get("aws_lb_listener_rule.test").values["listener_arn"] = Unknown("var.test_listener_arn has no value")
    assert severities(run("TFBG120", model)) == [Severity.INFO]


def test_listener_protocol_tells_the_load_balancer_type_when_the_load_balancer_is_unknown():
    model = bg_model(prod_ref=Ref("aws_lb_listener.front", "arn"), with_test=False)
    listener = model.get("aws_lb_listener.front")
    listener.values["load_balancer_arn"] = Unknown("var.lb_arn")
    listener.values["protocol"] = "TCP"
    assert run("TFBG110", model) == []
    listener.values["protocol"] = "HTTPS"
    assert severities(run("TFBG110", model)) == [Severity.ERROR]


def test_equal_priorities_on_one_listener_are_reported_once_with_their_own_message():
    [finding] = run("TFBG120", bg_model(prod_priority=10, test_priority=10))
    assert finding.severity == Severity.ERROR and "priority already in use" in finding.message


def test_a_data_source_target_group_may_be_the_managed_one_so_no_error():
    # The primary target group is read by a data source; the production rule forwards to a managed
    # one. They may be the same object: could not prove, never "unexpected target group".
    model = bg_model()
    live = res("data.aws_lb_target_group.live", {})
    live.mode = "data"
    model.add(live)
    model.get("aws_ecs_service.this").values["load_balancer"][0]["target_group_arn"] = Ref(
        "data.aws_lb_target_group.live", "arn")
    assert severities(run("TFBG114", model)) == [Severity.INFO]
    assert Severity.ERROR not in severities(run("TFBG113", model) + run("TFBG116", model))


def test_percent_of_a_block_the_provider_drops_is_not_an_api_error():
    # canary_configuration under strategy LINEAR is never sent (TFBG104 warns): no TFBG106 error.
    def model(strategy):
        return Model(resources=[res("aws_ecs_service.s", {"deployment_configuration": [
            {"strategy": strategy, "canary_configuration": [{"canary_percent": 2.55}]}]})])
    assert run("TFBG106", model("LINEAR")) == []
    assert severities(run("TFBG106", model("CANARY"))) == [Severity.ERROR]
    assert severities(run("TFBG106", model(Unknown("var.strategy")))) == [Severity.INFO]


def test_all_or_none_advanced_configuration_with_a_dynamic_block_is_could_not_prove():
    service = res("aws_ecs_service.s", {"load_balancer": [
        {"target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1",
         "advanced_configuration": Unknown("dynamic block over var.advanced")},
        {"target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/b/1"}]})
    model = Model(resources=[service])
    assert severities(run("TFBG108", model)) == [Severity.INFO]
    service.values["load_balancer"][0]["advanced_configuration"] = [{"role_arn": "arn:aws:iam::1:role/r"}]
    assert severities(run("TFBG108", model)) == [Severity.ERROR]


def test_nlb_delay_note_only_for_strategies_that_shift_traffic():
    model = bg_model(prod_ref=Ref("aws_lb_listener.front", "arn"), lb_type="network", with_test=False,
                     strategy="ROLLING")
    assert run("TFBG123", model) == []


# -- TFBG120 boundaries: what must NOT be called shadowed --------------------------------------


@pytest.mark.parametrize(
    "broad, narrow, how, expected",
    [
        ("*.example.com", "example.com", {"case_insensitive": True}, False),  # '*.' needs the dot
        ("*.example.com", "a.example.com", {"case_insensitive": True}, True),
        ("/api*", "/api/v1/*", {"path": True}, True),
        ("/api/*", "/api*", {"path": True}, False),  # '/api*' also matches '/apix'
        ("/a\\*", "/a\\b", {"path": True}, False),  # '\*' is a literal star, not a wildcard
        ("/a\\*", "/a\\*", {"path": True}, True),
    ],
)
def test_pattern_coverage_boundaries(broad, narrow, how, expected):
    assert covers_value(broad, narrow, **how) is expected


def test_query_strings_compare_case_insensitively_and_methods_must_all_be_covered():
    qs = lambda *pairs: {"query_string": [{"key": k, "value": v} for k, v in pairs]}  # noqa: E731
    assert rule_covers([qs(("Mode", "TEST"))], [qs(("mode", "test"))]) is True
    method = lambda *m: {"http_request_method": [{"values": list(m)}]}  # noqa: E731
    assert rule_covers([method("GET")], [method("GET", "HEAD")]) is False
    ip = lambda *cidrs: {"source_ip": [{"values": list(cidrs)}]}  # noqa: E731
    assert rule_covers([ip("0.0.0.0/0")], [ip("2001:db8::/32")]) is False  # IPv4 never covers IPv6


@pytest.mark.parametrize(
    "prod_conditions, test_conditions, prod_priority, test_priority, expected",
    [
        # The test rule one number before the production rule is evaluated first.
        ([path_is("/*")], [path_is("/*"), header("X-Test", "1")], 10, 9, []),
        # One number after: shadowed.
        ([path_is("/*")], [path_is("/*"), header("X-Test", "1")], 10, 11, [Severity.ERROR]),
        # The production rule needs a header the test rule does not send: no shadowing.
        ([path_is("/*"), header("X-Live", "1")], [path_is("/*")], 1, 2, []),
        # Host-only production rule vs a test rule for another host.
        ([{"host_header": [{"values": ["app.example.com"]}]}],
         [{"host_header": [{"values": ["test.example.com"]}]}], 1, 2, []),
        # Production host wildcard covers the test host: shadowed, whatever the letter case.
        ([{"host_header": [{"values": ["*.Example.com"]}]}],
         [{"host_header": [{"values": ["test.example.COM"]}]}], 1, 2, [Severity.ERROR]),
        # A regex condition is not modelled: could not prove, never a warning.
        ([{"path_pattern": [{"regex_values": ["^/.*"]}]}], [path_is("/x")], 1, 2, [Severity.INFO]),
    ],
)
def test_shadowing_boundaries(prod_conditions, test_conditions, prod_priority, test_priority, expected):
    model = bg_model(prod_conditions=prod_conditions, test_conditions=test_conditions,
                     prod_priority=prod_priority, test_priority=test_priority)
    assert severities(run("TFBG120", model)) == expected


def test_unknown_strategy_with_missing_bake_time_or_percent_is_could_not_prove():
    service = res("aws_ecs_service.s", {"deployment_configuration": [
        {"strategy": Unknown("var.strategy"), "linear_configuration": [{"step_bake_time_in_minutes": 1}]}]})
    model = Model(resources=[service])
    assert severities(run("TFBG102", model)) == [Severity.INFO]
    assert severities(run("TFBG103", model)) == [Severity.INFO]
    service.values["deployment_configuration"][0]["strategy"] = "CANARY"  # the linear block is not sent
    assert run("TFBG102", model) == [] and run("TFBG103", model) == []


def test_literal_target_group_arn_as_production_rule_is_an_error():
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/73e2d6bc24d8a067"
    [finding] = run("TFBG110", bg_model(prod_ref=arn))
    assert finding.severity == Severity.ERROR and "target group" in finding.message
    rule = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7/9683"
    assert run("TFBG110", bg_model(prod_ref=rule)) == []
    lb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"
    [finding] = run("TFBG110", bg_model(prod_ref=lb))
    assert finding.severity == Severity.ERROR and "load balancer" in finding.message
