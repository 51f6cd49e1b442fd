"""What the blue/green roles must be allowed, and the evaluation of those needs against a role.

Kept apart from the rule classes so that other rule groups (CodeDeploy) and the generator's tests can
ask the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validator.iam import targets
from validator.iam.collect import IamIndex, RolePolicies
from validator.iam.evaluate import Answer, Decision, Request, Target, evaluate
from validator.model import Model, Ref, Resource, Unknown

INFRA_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
ELB_DESCRIBE = (
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
)


@dataclass
class Need:
    """An action the role must be allowed on one resource. `variants`: the resource's possible
    readings (exactly one is real); None stands for "not needed in this reading"."""

    action: str
    variants: list[Target | None]
    purpose: str = ""


@dataclass
class Outcome:
    need: Need
    answer: Answer
    decisions: list[Decision] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        seen: list[str] = []
        for decision in self.decisions:
            for reason in decision.unknown:
                if reason not in seen:
                    seen.append(reason)
        return seen


def combine(answers: list[Answer]) -> Answer:
    """One answer for a need whose resource has several possible readings."""
    if all(a is Answer.ALLOWED for a in answers):
        return Answer.ALLOWED
    failing = (Answer.NOT_ALLOWED, Answer.DENIED)
    if all(a in failing for a in answers):
        return Answer.DENIED if Answer.DENIED in answers else Answer.NOT_ALLOWED
    if all(a in (Answer.ALLOWED, Answer.CONDITIONAL) for a in answers):
        return Answer.CONDITIONAL
    return Answer.UNKNOWN


def _both(grant: Answer, boundary: Answer) -> Answer:
    if boundary in (Answer.NOT_ALLOWED, Answer.DENIED):
        return boundary
    if boundary is Answer.UNKNOWN:
        return Answer.UNKNOWN
    return Answer.CONDITIONAL if Answer.CONDITIONAL in (grant, boundary) else Answer.ALLOWED


def evaluate_needs(index: IamIndex, policies: RolePolicies, needs: list[Need]) -> list[Outcome]:
    outcomes = []
    for need in needs:
        answers, decisions = [], []
        for variant in need.variants:
            if variant is None:
                answers.append(Answer.ALLOWED)
                continue
            request = Request(need.action, variant)
            decision = evaluate(policies.permissions, request, index.resolve)
            decisions.append(decision)
            answer = decision.answer
            if policies.boundary is not None and answer in (Answer.ALLOWED, Answer.CONDITIONAL):
                # A permissions boundary caps the grant: both must allow.
                capped = evaluate([policies.boundary], request, index.resolve)
                decisions.append(capped)
                answer = _both(answer, capped.answer)
            answers.append(answer)
        outcomes.append(Outcome(need, combine(answers), decisions))
    return outcomes


def trust_decision(policies: RolePolicies, service: str) -> Decision | None:
    """Can `service` assume the role (sts:AssumeRole)? None when the role has no trust policy in the model."""
    if policies.trust is None:
        return None
    return evaluate([policies.trust], Request("sts:AssumeRole", principal=("Service", service)))


def role_of(model: Model, value: Any) -> Resource | Unknown | None:
    """The aws_iam_role a `role_arn`/`service_role_arn` value names; Unknown/None when it cannot be followed."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (Ref, str)) and value:
        found = model.resolve(value)
        if isinstance(found, Resource) and found.type == "aws_iam_role":
            return found
        if isinstance(value, str) and value.startswith("arn:") and ":role/" in value:
            # A role of this configuration named by its literal ARN; indexed once per model, since
            # an ARN of a role managed elsewhere (a shared hook role) would otherwise scan every role.
            found_by_name = model.memo("iam.roles_by_name", lambda: _roles_by_name(model)).get(value.rsplit("/", 1)[-1])
            if found_by_name is not None:
                return found_by_name
        return found if isinstance(found, Unknown) else None
    return None


def _roles_by_name(model: Model) -> dict[str, Resource]:
    """Known role names -> the first aws_iam_role (in model order) with that name."""
    index: dict[str, Resource] = {}
    for role in model.by_type("aws_iam_role"):
        name = role.values.get("name")
        if isinstance(name, str):
            index.setdefault(name, role)
    return index


# -- what each role needs ---------------------------------------------------------------------------


def infra_needs(model: Model, service: Resource, block_index: int) -> list[Need]:
    """ECS infrastructure role: the 8 ELB actions of the managed policy, on this service's resources."""
    module = service.module
    block = service.get(f"load_balancer.{block_index}") or {}
    advanced = service.get(f"load_balancer.{block_index}.advanced_configuration.0") or {}
    needs = [Need(action, targets.everything(), "read the load balancer state") for action in ELB_DESCRIBE]
    for key, value in (("target_group_arn", block.get("target_group_arn")), ("alternate_target_group_arn", advanced.get("alternate_target_group_arn"))):
        if value is None or value == "":
            continue
        variants: list[Target | None] = list(targets.target_group(model, value, module))
        for action in ("elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"):
            needs.append(Need(action, variants, f"register tasks in the {key.replace('_arn', '').replace('_', ' ')}"))
    for key in ("production_listener_rule", "test_listener_rule"):
        value = advanced.get(key)
        if value is None or value == "":
            continue
        kind = targets.classify_listener_slot(model, value)
        if kind == "rule":
            needs.append(Need("elasticloadbalancing:ModifyRule", list(targets.listener_rule(model, value, module)), f"shift the {key.replace('_', ' ')}"))
            needs.append(Need("elasticloadbalancing:ModifyListener", list(targets.listener_of_rule(model, value, module)), f"update the listener of the {key.replace('_', ' ')}"))
        elif kind == "listener":
            needs.append(Need("elasticloadbalancing:ModifyListener", list(targets.listener(model, value, module)), f"shift the {key.replace('_', ' ')} (an NLB listener)"))
        else:
            # Unknown value: a rule (ALB) or a listener (NLB). ModifyRule is needed only in the first reading.
            rule_variants: list[Target | None] = [*targets.listener_rule(model, value, module), None]
            needs.append(Need("elasticloadbalancing:ModifyRule", rule_variants, f"shift the {key.replace('_', ' ')}"))
            needs.append(Need("elasticloadbalancing:ModifyListener", list(targets.listener(model, value, module)), f"shift the {key.replace('_', ' ')}"))
    return needs


def hook_needs(model: Model, service: Resource, hook_index: int) -> list[Need]:
    value = service.get(f"deployment_configuration.0.lifecycle_hook.{hook_index}.hook_target_arn")
    if value is None or value == "":
        return []
    return [Need("lambda:InvokeFunction", list(targets.lambda_function(model, value, service.module)), "invoke the hook")]


# What CodeDeploy does to the service (AWSCodeDeployRoleForECS), by the resource each action authorizes
# (Service Authorization Reference, ECS: UpdateServicePrimaryTaskSet/DescribeServices on the service,
# CreateTaskSet/DeleteTaskSet on task-set): a role scoped to this service and its task sets is enough.
CODEDEPLOY_SERVICE_ACTIONS = ("ecs:DescribeServices", "ecs:UpdateServicePrimaryTaskSet")
CODEDEPLOY_TASK_SET_ACTIONS = ("ecs:CreateTaskSet", "ecs:DeleteTaskSet")


def codedeploy_needs(model: Model, group: Resource, service: Resource | None = None) -> list[Need]:
    """CodeDeploy service role for ECS blue/green (AWSCodeDeployRoleForECS / ...Limited). `service`: the
    aws_ecs_service the group deploys, when the configuration declares it."""
    cluster, name = group.get("ecs_service.0.cluster_name"), group.get("ecs_service.0.service_name")
    on_service = targets.ecs_service(service, cluster, name, group.module)
    on_task_sets = targets.ecs_task_sets(service, cluster, name, group.module)
    needs = [Need(action, [on_service], "run the ECS blue/green deployment") for action in CODEDEPLOY_SERVICE_ACTIONS]
    needs += [Need(action, [on_task_sets], "run the ECS blue/green deployment") for action in CODEDEPLOY_TASK_SET_ACTIONS]
    needs += [
        Need(action, targets.everything(), "read the load balancer state")
        for action in ("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules")
    ]
    pairs = group.get("load_balancer_info.0.target_group_pair_info.0") or {}
    for route in ("prod_traffic_route", "test_traffic_route"):
        arns = (pairs.get(route) or [{}])[0].get("listener_arns") if isinstance(pairs, dict) else None
        if isinstance(arns, list):
            for arn in arns:
                needs.append(Need("elasticloadbalancing:ModifyListener", list(targets.listener(model, arn, group.module)), f"switch the {route.replace('_', ' ')}"))
    return needs


def is_lambda_hook(hook: Any) -> bool:
    if not isinstance(hook, dict):
        return False
    kind = hook.get("target_type")
    return kind is None or kind == "" or kind == "AWS_LAMBDA"


# -- fix snippets -----------------------------------------------------------------------------------


def group_outcomes(outcomes: list[Outcome]) -> list[tuple[list[str], list[str], list[str]]]:
    """(actions, resource labels, resource HCL) groups: resources that lack the same actions together."""
    by_resource: dict[str, tuple[str, list[str]]] = {}
    for outcome in outcomes:
        variants = [v for v in outcome.need.variants if v is not None] or [Target.everything()]
        hcl = " or ".join(dict.fromkeys(v.hcl or '"*"' for v in variants))
        label = " or ".join(dict.fromkeys(v.label or '"*"' for v in variants))
        _, actions = by_resource.setdefault(hcl, (label, []))
        if outcome.need.action not in actions:
            actions.append(outcome.need.action)
    groups: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
    for hcl, (label, actions) in by_resource.items():
        labels, hcls = groups.setdefault(tuple(actions), ([], []))
        labels.append(label)
        hcls.extend(h for h in hcl.split(" or ") if h not in hcls)
    return [(list(actions), labels, hcls) for actions, (labels, hcls) in groups.items()]


def describe_missing(outcomes: list[Outcome]) -> str:
    """`a, b on X and Y; c on "*"` for a message."""
    parts = []
    for actions, labels, _ in group_outcomes(outcomes):
        parts.append(f"{', '.join(actions)} on {' and '.join(labels)}")
    return "; ".join(parts)


def statement_snippet(outcomes: list[Outcome]) -> str:
    """The smallest aws_iam_policy_document statement blocks that grant the failing needs."""
    blocks = []
    for actions, _, resources in group_outcomes(outcomes):
        action_list = ", ".join(f'"{a}"' for a in actions)
        blocks.append(
            "statement {\n"
            f"  actions   = [{action_list}]\n"
            f"  resources = [{', '.join(resources)}]\n"
            "}"
        )
    return "\n".join(blocks)


def trust_snippet(service: str) -> str:
    return (
        "statement {\n"
        '  actions = ["sts:AssumeRole"]\n'
        "  principals {\n"
        '    type        = "Service"\n'
        f'    identifiers = ["{service}"]\n'
        "  }\n"
        "}"
    )


def describe_targets(outcome: Outcome) -> str:
    labels = []
    for variant in outcome.need.variants:
        if variant is not None and variant.label not in labels:
            labels.append(variant.label)
    return " or ".join(labels) if labels else '"*"'
