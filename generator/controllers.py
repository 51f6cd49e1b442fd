"""What the CodeDeploy and EXTERNAL controllers allow of the answers (ecs-deployments.md §4, §5), and the
CodeDeploy deployment configuration a traffic shape maps to."""

from __future__ import annotations

from dataclasses import asdict

from generator.answers import APPSPEC_HOOKS, LIFECYCLE_STAGES, Answers, _given
from generator.errors import UserError

# The predefined ECS deployment configurations (CodeDeploy User Guide, deployment-configurations.html,
# "Predefined deployment configurations for an Amazon ECS compute platform"): (strategy, percent, minutes).
PREDEFINED_CONFIGS = {
    ("blue-green", None, None): "CodeDeployDefault.ECSAllAtOnce",
    ("linear", 10, 1): "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
    ("linear", 10, 3): "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
    ("canary", 10, 5): "CodeDeployDefault.ECSCanary10Percent5Minutes",
    ("canary", 10, 15): "CodeDeployDefault.ECSCanary10Percent15Minutes",
}
# CodeDeploy's names for the shapes (TrafficRoutingConfig.type).
TRAFFIC_ROUTING = {"blue-green": "AllAtOnce", "linear": "TimeBasedLinear", "canary": "TimeBasedCanary"}


def traffic_shape(answers: Answers) -> tuple[str, int | None, int | None]:
    """(strategy, percent, interval minutes) of a CodeDeploy module's answers."""
    if answers.strategy == "linear":
        return "linear", int(answers.step_percent), answers.step_bake_time_in_minutes
    if answers.strategy == "canary":
        return "canary", int(answers.canary_percent), answers.canary_bake_time_in_minutes
    return "blue-green", None, None


def predefined_config(answers: Answers) -> str | None:
    """The predefined configuration with exactly this shape, or None (the module then creates one)."""
    return PREDEFINED_CONFIGS.get(traffic_shape(answers))


def _label(labels: dict[str, str], key: str) -> str:
    return labels.get(key, f"answer '{key}'")


def check_codedeploy(answers: Answers, labels: dict[str, str]) -> Answers:
    ecs_stages = [hook for hook in answers.hooks if hook in LIFECYCLE_STAGES]
    if ecs_stages:
        raise UserError(
            f"{_label(labels, 'hooks')}: {ecs_stages[0]} is an ECS lifecycle stage; CodeDeploy runs appspec hooks: "
            f"choose from {', '.join(APPSPEC_HOOKS)}"
        )
    if answers.test_traffic == "header":
        raise UserError(
            f"{_label(labels, 'test_traffic')}: CodeDeploy routes test traffic through a test listener; "
            "choose listener or none"
        )
    if answers.load_balancer == "nlb" and answers.strategy != "blue-green":
        raise UserError(
            f"{_label(labels, 'strategy')}: behind a Network Load Balancer CodeDeploy supports only "
            "CodeDeployDefault.ECSAllAtOnce; choose --strategy all-at-once (ECS DG deployment-type-bluegreen)"
        )
    # CodeDeploy's TimeBasedCanary/TimeBasedLinear take whole percents and whole minutes (API reference).
    for key, interval in (("canary_percent", "canary_bake_time_in_minutes"), ("step_percent", "step_bake_time_in_minutes")):
        if answers.strategy != {"canary_percent": "canary", "step_percent": "linear"}[key]:
            continue
        percent = getattr(answers, key)
        if not float(percent).is_integer() or not 1 <= percent <= 99:
            raise UserError(f"{_label(labels, key)}: CodeDeploy shifts whole percents: give 1 to 99, got {percent:g}")
        if getattr(answers, interval) < 1:
            raise UserError(f"{_label(labels, interval)}: CodeDeploy waits at least 1 minute between shifts")
    if answers.test_traffic == "listener" and answers.production_listener_port == answers.test_listener_port:
        raise UserError(f"{_label(labels, 'test_listener_port')}: the test listener needs a port other than the production listener's")
    return answers


def check_external(answers: Answers, labels: dict[str, str]) -> Answers:
    from generator.external_module import MAX_NAME_LENGTH

    if len(answers.name) > MAX_NAME_LENGTH:
        raise UserError(
            f"{_label(labels, 'name')}: {answers.name!r} is {len(answers.name)} characters; the EXTERNAL kind allows "
            f"{MAX_NAME_LENGTH} (target group names '<name>-primary' are limited to 32)"
        )
    if answers.hooks:
        raise UserError(
            f"{_label(labels, 'hooks')}: with the EXTERNAL controller no service hooks run; the rollout is a sequence "
            "of terraform applies (put your checks between them)"
        )
    if answers.alarm_rollback and _given(labels, "alarm_rollback"):
        raise UserError(
            f"{labels['alarm_rollback']}: with the EXTERNAL controller nothing rolls back on alarms by itself; "
            "watch them between the rollout steps"
        )
    if answers.strategy != "canary" and _given(labels, "strategy"):
        raise UserError(
            f"{labels['strategy']}: the EXTERNAL kind renders a canary rollout driven by module inputs; "
            "leave --strategy out"
        )
    if answers.test_traffic == "header":
        raise UserError(f"{_label(labels, 'test_traffic')}: the EXTERNAL kind has a test listener or none; choose listener or none")
    if answers.test_traffic == "listener" and answers.production_listener_port == answers.test_listener_port:
        raise UserError(f"{_label(labels, 'test_listener_port')}: the test listener needs a port other than the production listener's")
    return Answers(**{**asdict(answers), "strategy": "canary", "alarm_rollback": False})
