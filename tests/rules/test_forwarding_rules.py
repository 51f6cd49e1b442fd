"""Group H rules on hand-built models: references, unknowns and plan shapes."""

from validator.findings import Severity
from validator.model import Location, Model, Ref, Resource, Unknown
from validator.rules import forwarding


def rule_resource(action: dict, address="aws_lb_listener_rule.r") -> Resource:
    return Resource(address, address.split(".")[0], "r", values={"action": [{"type": "forward", **action}]},
                    location=Location("main.tf", 1))


def model_with_target_groups(*names) -> Model:
    model = Model()
    for name in names:
        model.add(Resource(f"aws_lb_target_group.{name}", "aws_lb_target_group", name))
    return model


def tg(name, weight=None):
    return {"arn": Ref(f"aws_lb_target_group.{name}", "arn"), "weight": weight}


def test_same_reference_is_the_same_target_group():
    model = model_with_target_groups("blue")
    resource = rule_resource({"target_group_arn": Ref("aws_lb_target_group.blue", "arn"),
                              "forward": [{"target_group": [tg("blue", 1)]}]})
    assert list(forwarding.TargetGroupArnAndForwardDiffer().check(resource, model)) == []


def test_data_source_and_managed_target_group_may_be_the_same():
    model = model_with_target_groups("blue")
    model.add(Resource("data.aws_lb_target_group.live", "aws_lb_target_group", "live", mode="data"))
    resource = rule_resource({"target_group_arn": Ref("data.aws_lb_target_group.live", "arn"),
                              "forward": [{"target_group": [tg("blue", 1)]}]})
    findings = list(forwarding.TargetGroupArnAndForwardDiffer().check(resource, model))
    assert [f.severity for f in findings] == [Severity.INFO]


def test_plan_empty_top_level_arn_is_absent():
    model = model_with_target_groups("blue", "green")
    resource = rule_resource({"target_group_arn": "", "forward": [{"target_group": [tg("blue", 100), tg("green", 0)]}]})
    assert list(forwarding.TargetGroupArnAndForwardDiffer().check(resource, model)) == []


def test_unknown_weight_is_unproven_and_string_weight_is_read():
    resource = rule_resource({"forward": [{"target_group": [tg("blue", Unknown("var.w")), tg("green", "1000")],
                                           "stickiness": []}]})
    findings = list(forwarding.ForwardLimits().check(resource, Model()))
    assert sorted(f.severity.value for f in findings) == ["error", "info"]


def test_non_forward_action_with_leftover_forward_block_is_ignored():
    resource = Resource("aws_lb_listener_rule.r", "aws_lb_listener_rule", "r", values={"action": [
        {"type": "redirect", "forward": [{"target_group": []}]}]})
    assert list(forwarding.ForwardLimits().check(resource, Model())) == []


def test_listener_protocol_tells_nlb_when_the_load_balancer_is_elsewhere():
    listener = Resource("aws_lb_listener.l", "aws_lb_listener", "l", values={
        "load_balancer_arn": Unknown("var.lb_arn"), "protocol": "TCP",
        "default_action": [{"type": "forward", "forward": [{"target_group": [tg("blue", 1), tg("green", 1)]}]}]})
    rule = forwarding.NetworkLoadBalancerWeightedForward()
    # A commercial (or unknown) partition: AWS launched NLB weighted target groups there.
    assert list(rule.check(listener, Model())) == []
    # A target group in the China partition: whether its API takes the weights is the unknown.
    china = [tg("blue", 1), tg("green", 1)]
    china[0]["arn"] = "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/blue/0123456789abcdef"
    listener.values["default_action"][0]["forward"][0]["target_group"] = china
    findings = list(rule.check(listener, Model()))
    assert [f.severity for f in findings] == [Severity.INFO]
    assert findings[0].message.startswith("could not prove") and "partition aws-cn" in findings[0].message
