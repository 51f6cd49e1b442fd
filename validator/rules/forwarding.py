"""Group H, ids TFBG8xx: Listener forward sanity (catalogue R-72..R-74)."""

from __future__ import annotations

from typing import Iterable, Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, get_path, is_absent, to_number
from validator.rules.base import Rule
from validator.rules.helpers import LISTENER_RULE_TYPES as LISTENER_RULES
from validator.rules.helpers import LISTENER_TYPES as LISTENERS
from validator.rules.helpers import forward_actions, forward_groups, listener_lb_type, resolve_resource, same_object


class ForwardLimits(Rule):
    id = "TFBG801"
    severity = Severity.ERROR
    summary = "forward action with 0 or more than 5 target groups, a weight outside 0-999, or stickiness duration outside 1-604800"
    resource_types = LISTENERS + LISTENER_RULES
    source = (
        "internal/service/elbv2/listener_rule.go and listener.go schema (target_group MinItems 1, MaxItems 5, "
        "weight 0-999, stickiness.duration 1-604800); AWS What's New 2019-11-19 (weights 0-999)"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for path, action in forward_actions(resource):
            if isinstance(action, Unknown):
                yield self.unproven(resource, f"{path} of {resource.address} is not known statically", path=path)
                continue
            groups = forward_groups(action)
            if groups is None:
                continue
            forward_path = f"{path}.forward.0"
            if isinstance(groups, Unknown):
                yield self.unproven(resource, f"the target groups of {forward_path} in {resource.address} are "
                                    "not known statically", path=forward_path)
            elif not groups or len(groups) > 5:
                count = len(groups)
                yield self.finding(
                    resource,
                    f"{resource.address} {forward_path} has {count} target_group blocks; a forward action takes "
                    "1 to 5 target groups. Give it between one and five target_group blocks.",
                    path=forward_path,
                    fix="forward {\n  target_group {\n    arn    = aws_lb_target_group.blue.arn\n    weight = 100\n  }\n}",
                )
            if isinstance(groups, list):
                yield from self._weights(resource, forward_path, groups)
            if not isinstance(get_path(action, "forward.0"), dict):
                continue  # no forward block to read stickiness from (already could-not-prove)
            duration_path = f"{forward_path}.stickiness.0.duration"
            duration = resource.get(duration_path)
            if isinstance(duration, (Ref, Unknown)):
                yield self.unproven(resource, f"{duration_path} of {resource.address} is not known statically",
                                    path=duration_path)
            elif not is_absent(duration):
                seconds = to_number(duration)
                if seconds is None or not (1 <= seconds <= 604800) or seconds != int(seconds):
                    yield self.finding(
                        resource,
                        f"{resource.address} {duration_path} is {duration}; target group stickiness lasts 1 to "
                        "604800 seconds (7 days). Set a duration in that range.",
                        path=duration_path,
                        fix="stickiness {\n  enabled  = true\n  duration = 3600\n}",
                    )

    def _weights(self, resource: Resource, forward_path: str, groups: list) -> Iterator[Finding]:
        for index, group in enumerate(groups):
            weight_path = f"{forward_path}.target_group.{index}.weight"
            weight = group.get("weight") if isinstance(group, dict) else group
            if isinstance(weight, (Ref, Unknown)):
                yield self.unproven(resource, f"{weight_path} of {resource.address} is not known statically",
                                    path=weight_path)
                continue
            if is_absent(weight):
                continue  # provider default 1
            number = to_number(weight)
            if number is None or not (0 <= number <= 999) or number != int(number):
                yield self.finding(
                    resource,
                    f"{resource.address} {weight_path} is {weight}; target group weights are whole numbers "
                    "from 0 to 999. Use a weight in that range (ECS blue/green uses 100 and 0).",
                    path=weight_path,
                    fix="weight = 100",
                )


class TargetGroupArnAndForwardDiffer(Rule):
    id = "TFBG802"
    severity = Severity.ERROR
    summary = "action sets target_group_arn and a forward block naming a different target group"
    resource_types = LISTENERS + LISTENER_RULES
    source = (
        "internal/service/elbv2/listener.go plan-time validation (\"You can specify both a top-level target "
        "group ARN ... and ... a target group list with ARNs, only if the ARNs match.\"); ELB API Action"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for path, action in forward_actions(resource):
            if isinstance(action, Unknown):
                continue  # TFBG801 already says it cannot see the actions
            top = action.get("target_group_arn")
            groups = forward_groups(action)
            if is_absent(top) or groups is None:
                continue
            if isinstance(top, Unknown) or isinstance(groups, Unknown):
                yield self.unproven(resource, f"{path} of {resource.address} sets target_group_arn and forward, "
                                    "and whether they name the same target group is not known statically",
                                    path=f"{path}.target_group_arn")
                continue
            verdicts = [same_object(model, top, group.get("arn") if isinstance(group, dict) else Unknown())
                        for group in groups]
            different = [group.get("arn") for group, same in zip(groups, verdicts) if same is False]
            if different:
                names = ", ".join(str(arn) for arn in different)
                yield self.finding(
                    resource,
                    f"{resource.address} {path} sets target_group_arn = {top} and a forward block with "
                    f"{names}; both may be given only when they name the same single target group. Remove "
                    "target_group_arn and keep the forward block (or the other way round).",
                    path=f"{path}.target_group_arn",
                    fix="# delete target_group_arn from this action; its forward block names the target groups",
                    related=[str(arn.address) for arn in different if isinstance(arn, Ref)],
                )
            elif None in verdicts:
                yield self.unproven(resource, f"{path} of {resource.address}: whether target_group_arn and the "
                                    "forward target groups are the same is not known statically",
                                    path=f"{path}.target_group_arn")


class NetworkLoadBalancerWeightedForward(Rule):
    id = "TFBG803"
    severity = Severity.INFO
    summary = "weighted forward to several target groups on a Network Load Balancer listener"
    resource_types = LISTENERS
    source = (
        "https://aws.amazon.com/blogs/networking-and-content-delivery/network-load-balancers-now-support-"
        "weighted-target-groups; provider issue #20163 [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        from validator.rules.drift import ecs_shifted_targets

        if model.memo("drift.ecs_shifted_targets", lambda: ecs_shifted_targets(model)).get(resource.address):
            # The production/test listener of an ECS blue/green service: ECS's documented NLB set-up
            # (nlb-resources-for-blue-green.html) shifts weights on it, so the API accepts them.
            return
        task_set_groups = model.memo(f"{self.id}.task_set_groups", lambda: _task_set_target_groups(model))
        for path, action in forward_actions(resource):
            if isinstance(action, Unknown):
                continue
            groups = resource.get(f"{path}.forward.0.target_group")
            if not isinstance(groups, list) or len(groups) < 2:
                continue
            if resource.ignores(f"{path}.forward.0.target_group") or any(
                _address_of(model, g.get("arn") if isinstance(g, dict) else None) in task_set_groups for g in groups
            ):
                # Weights a deployer shifts (ignore_changes on them), or between ECS task sets' target groups
                # (EXTERNAL canary/blue-green; the canary set may not exist yet): the use AWS launched NLB
                # weighted target groups for (the blog above), not a static split.
                continue
            kind = listener_lb_type(model, resource)
            if not isinstance(kind, str):
                yield self.unproven(resource, f"whether {resource.address} belongs to a Network Load Balancer "
                                    "is not known statically", path=f"{path}.forward.0")
            elif kind == "network":
                yield self.finding(
                    resource,
                    f"{resource.address} is a Network Load Balancer listener whose {path} forwards to "
                    f"{len(groups)} weighted target groups. NLB weighted target groups are a recent API "
                    "feature; older accounts and tools reported \"You cannot specify a target group weight on "
                    "load balancers of type 'network'\". Check that your region supports it before relying on it.",
                    path=f"{path}.forward.0",
                    fix="# if the API rejects the weights, forward to one target group and let ECS shift traffic\n"
                        "forward {\n  target_group {\n    arn = aws_lb_target_group.blue.arn\n  }\n}",
                )


def _address_of(model: Model, value) -> str | None:
    target = resolve_resource(model, value)
    return target.address if isinstance(target, Resource) else None


def _task_set_target_groups(model: Model) -> set[str]:
    groups: set[str] = set()
    for task_set in model.by_type("aws_ecs_task_set"):
        entries = task_set.get("load_balancer")
        for entry in entries if isinstance(entries, list) else []:
            address = _address_of(model, entry.get("target_group_arn") if isinstance(entry, dict) else None)
            if address:
                groups.add(address)
    return groups


RULES: list[Rule] = [
    ForwardLimits(),
    TargetGroupArnAndForwardDiffer(),
    NetworkLoadBalancerWeightedForward(),
]
