"""`tfbg new`: collect answers (defaults < --answers file < options < prompts), render, write."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from generator.answers import (
    APPSPEC_HOOKS,
    CONTROLLERS,
    FIELDS,
    LIFECYCLE_STAGES,
    PAUSE_STAGES,
    STRATEGIES,
    TEST_TRAFFIC,
    Answers,
    build_labelled,
    coerce,
)
from generator.answers_file import load_answers_file
from generator.errors import UserError, fail
from generator.render import render
from generator.writer import check_target, describe, write_module

# Option name per answer key (every answer has one).
OPTION_NAMES = {key: "--" + key.replace("_", "-") for key in FIELDS}
OPTION_NAMES.update(
    bake_time_in_minutes="--bake-time",
    step_bake_time_in_minutes="--step-bake-time",
    canary_bake_time_in_minutes="--canary-bake-time",
)


def stdin_is_interactive() -> bool:
    return sys.stdin.isatty()


def new(
    name: str = typer.Argument(..., help="Module name: also the default service name and the resource name prefix."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Directory to create (default: ./NAME)."),
    answers_file: Optional[Path] = typer.Option(
        None, "--answers", help="Replay answers: a recorded .tfbg-answers.json or a plain JSON object of answers."
    ),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt; unanswered questions take defaults."),
    force: bool = typer.Option(
        False, "--force", help="Replace a module tfbg wrote: only files it wrote and nobody changed (see tfbg update)."
    ),
    strategy: Optional[str] = typer.Option(None, help="blue-green | linear | canary. (default: blue-green)"),
    bake_time: Optional[str] = typer.Option(
        None, "--bake-time", help="Minutes both revisions run after the production shift (0-1440). (default: 5)"
    ),
    step_percent: Optional[str] = typer.Option(None, help="linear: percent per step (3.0-100.0, multiples of 0.1). (default: 10)"),
    step_bake_time: Optional[str] = typer.Option(None, "--step-bake-time", help="linear: minutes after each step (0-1440). (default: 6)"),
    canary_percent: Optional[str] = typer.Option(None, help="canary: first share (0.1-100.0, multiples of 0.1). (default: 5)"),
    canary_bake_time: Optional[str] = typer.Option(
        None, "--canary-bake-time", help="canary: minutes before the rest moves (0-1440). (default: 10)"
    ),
    load_balancer: Optional[str] = typer.Option(
        None, help="alb | nlb | service-connect (no load balancer: Service Connect shifts the traffic). (default: alb)"
    ),
    test_traffic: Optional[str] = typer.Option(
        None, help="listener (separate test listener) | header (ALB only: header on the production listener) | none. (default: listener)"
    ),
    test_header_name: Optional[str] = typer.Option(None, help="header mode: header name. (default: x-tfbg-test)"),
    test_header_value: Optional[str] = typer.Option(
        None, help="header mode: a secret value (16-128 characters) baked in as the default. (default: none, a required module input)"
    ),
    listener_rule_priority: Optional[str] = typer.Option(None, help="ALB: production rule priority (2-50000). (default: 100)"),
    production_listener_port: Optional[str] = typer.Option(None, help="NLB: production listener port. (default: 80)"),
    test_listener_port: Optional[str] = typer.Option(None, help="NLB: test listener port. (default: 8080)"),
    hooks: Optional[str] = typer.Option(
        None,
        help="Comma-separated lifecycle stages to hook with a Lambda function (--controller codedeploy: AppSpec "
        "hooks such as AfterAllowTestTraffic), or 'none'. (default: none)",
    ),
    alarm_rollback: Optional[bool] = typer.Option(
        None, "--alarm-rollback/--no-alarm-rollback", help="Roll back on CloudWatch alarms. (default: no)"
    ),
    circuit_breaker: Optional[bool] = typer.Option(
        None, "--circuit-breaker/--no-circuit-breaker", help="Roll back with the deployment circuit breaker. (default: yes)"
    ),
    launch_type: Optional[str] = typer.Option(None, help="FARGATE | EC2 (awsvpc). (default: FARGATE)"),
    desired_count: Optional[str] = typer.Option(None, help="Number of tasks. (default: 2)"),
    container_name: Optional[str] = typer.Option(None, help="Container that receives traffic. (default: app)"),
    container_port: Optional[str] = typer.Option(None, help="Its port. (default: 8080)"),
    least_privilege: Optional[bool] = typer.Option(
        None,
        "--least-privilege/--managed-policy",
        help="Infrastructure role: inline policy scoped to this module's resources, or the AWS managed policy. "
        "(default: managed policy)",
    ),
    controller: Optional[str] = typer.Option(
        None,
        help="ecs (ECS runs the deployment) | codedeploy (CodeDeploy blue/green: --strategy all-at-once, canary or "
        "linear; --hooks takes appspec hooks) | external (task sets and weights driven by terraform apply). (default: ecs)",
    ),
    external_deployer: Optional[bool] = typer.Option(
        None,
        "--external-deployer/--terraform-deployer",
        help="external: a deployer outside Terraform owns the task sets and listener weights, or Terraform drives "
        "the canary. (default: terraform)",
    ),
    autoscaling: Optional[bool] = typer.Option(
        None, "--autoscaling/--no-autoscaling",
        help="Application Auto Scaling (CPU, memory, ALB requests) owns desired_count. (default: yes)",
    ),
    wait_for_steady_state: Optional[bool] = typer.Option(
        None, "--wait-for-steady-state/--no-wait-for-steady-state",
        help="terraform apply waits for each deployment to finish. (default: yes; no with pause hooks)",
    ),
    pause_hooks: Optional[str] = typer.Option(
        None, help=f"Comma-separated stages to pause at for approval, or 'none' ({', '.join(PAUSE_STAGES)}). (default: none)"
    ),
    target_group_alarms: Optional[bool] = typer.Option(
        None, "--target-group-alarms/--no-target-group-alarms",
        help="ALB: 5xx and latency alarms on the new revision's target group roll a deployment back. (default: no)",
    ),
) -> None:
    """Generate a Terraform module for an ECS service with blue/green, linear or canary deployments."""
    given = given_answers(locals())
    try:
        check_name(name)
        target = out if out is not None else Path(name)
        check_target(target, force=force)
        values: dict[str, Any] = {}
        labels: dict[str, str] = {}
        if answers_file is not None:
            recorded, where = load_answers_file(answers_file)
            recorded.pop("name", None)  # NAME on the command line wins
            values.update(recorded)
            labels.update(where)
        add_options(values, labels, given)
        values["name"] = name
        labels["name"] = "NAME"
        answers = build_labelled(values, labels)
        interactive = answers_file is None and not no_input and stdin_is_interactive()
        if interactive:
            answers = prompt_for(answers, asked=set(key for key, value in given.items() if value is not None))
        check_applicable(answers, given)
        files = render(answers)
        if interactive and not confirm_summary(answers, target, files):
            typer.echo("tfbg: nothing written", err=True)
            raise typer.Exit(code=1)
        write_module(target, files, force=force)
    except UserError as error:
        fail(str(error))
    except OSError as error:  # e.g. an unreadable file in a directory --force inspects
        fail(describe(target, error))
    route = "Service Connect" if answers.load_balancer == "service-connect" else answers.load_balancer.upper()
    typer.echo(f"tfbg: wrote {len(files)} files to {target}/ ({summary(answers)}, {route})")


def summary(answers: Answers) -> str:
    if answers.controller == "codedeploy":
        return f"CodeDeploy {'all-at-once' if answers.strategy == 'blue-green' else answers.strategy}"
    if answers.controller == "external":
        return "EXTERNAL, external deployer" if answers.external_deployer else "EXTERNAL canary"
    return answers.strategy


_NEW_PARAMETERS = inspect.signature(new, eval_str=True).parameters
# Answer key -> the name of its parameter in new() (and update()): every answer with an option.
ANSWER_PARAMS = {
    key: param
    for key in FIELDS
    if key != "name" and (param := OPTION_NAMES[key][2:].replace("-", "_")) in _NEW_PARAMETERS
}
# The options themselves, shared by `tfbg update`, so both commands take the same answer options.
ANSWER_OPTIONS = [_NEW_PARAMETERS[param] for param in ANSWER_PARAMS.values()]
ANSWER_HELP = {key: _NEW_PARAMETERS[param].default.help for key, param in ANSWER_PARAMS.items()}


def given_answers(options: dict[str, Any]) -> dict[str, Any]:
    """Answer key -> the value of its option (None when not given), from a command's parameters."""
    given = {key: options[param] for key, param in ANSWER_PARAMS.items()}
    for key in ("hooks", "pause_hooks"):  # lists of stages, where 'none' means the empty list
        value = given.get(key)
        given[key] = [] if isinstance(value, str) and value.strip().lower() == "none" else value
    return given


def add_options(values: dict[str, Any], labels: dict[str, str], given: dict[str, Any]) -> None:
    for key, value in given.items():
        if value is not None:
            values[key] = value
            labels[key] = OPTION_NAMES[key]


def check_applicable(answers: Answers, given: dict[str, Any]) -> None:
    """An option given on the command line that has no effect with the other answers (a question
    that would not be asked) is an error, not silently ignored."""
    relevant = set(relevant_questions(answers))
    for key, value in given.items():
        if value is not None and key not in relevant:
            raise UserError(
                f"{OPTION_NAMES[key]}: does not apply to this module ({summary(answers)}, "
                f"{answers.load_balancer.upper()}, test traffic {answers.test_traffic}); remove it"
            )


def check_name(name: str) -> None:
    """NAME is checked before anything else: '' or '.' must never be read as a directory."""
    try:
        coerce("name", name)
    except ValueError as error:
        raise UserError(f"NAME: {error}") from None


def confirm_summary(answers: Answers, target: Path, files: dict[str, bytes]) -> bool:
    """Show the answers that shape the module, then ask before writing."""
    typer.echo("")
    typer.echo(f"Module {answers.name}: {len(files)} files into {target}/")
    for key in relevant_questions(answers):
        value = getattr(answers, key)
        if isinstance(value, tuple):
            value = ", ".join(value) or "none"
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, float):
            value = f"{value:g}"
        typer.echo(f"  {PROMPTS[key].split(' (')[0].split(',')[0].rstrip('?')}: {value}")
    return typer.confirm("Write the module?", default=True)


def relevant_questions(answers: Answers) -> list[str]:
    """The questions that matter for the answers so far, in the order they are asked."""
    if answers.controller == "codedeploy":
        return ["controller", *codedeploy_questions(answers)]
    if answers.controller == "external":
        return ["controller", *external_questions(answers)]
    return ["controller", *ecs_questions(answers)]


def _listener_questions(answers: Answers) -> list[str]:
    keys = ["load_balancer", "test_traffic", "production_listener_port"]
    if answers.test_traffic == "listener":
        keys.append("test_listener_port")
    return keys


_TASK_QUESTIONS = ["launch_type", "desired_count", "container_name", "container_port"]


def codedeploy_questions(answers: Answers) -> list[str]:
    keys = ["strategy", "bake_time_in_minutes"]
    if answers.strategy == "linear":
        keys += ["step_percent", "step_bake_time_in_minutes"]
    if answers.strategy == "canary":
        keys += ["canary_percent", "canary_bake_time_in_minutes"]
    return keys + _listener_questions(answers) + ["hooks", "alarm_rollback", *_TASK_QUESTIONS, "least_privilege"]


def external_questions(answers: Answers) -> list[str]:
    return ["external_deployer", *_listener_questions(answers), *_TASK_QUESTIONS]


def ecs_questions(answers: Answers) -> list[str]:
    keys = ["strategy", "bake_time_in_minutes"]
    if answers.strategy == "linear":
        keys += ["step_percent", "step_bake_time_in_minutes"]
    if answers.strategy == "canary":
        keys += ["canary_percent", "canary_bake_time_in_minutes"]
    keys += ["load_balancer", "test_traffic"]
    if answers.load_balancer == "alb":
        keys.append("listener_rule_priority")
        if answers.test_traffic == "header":
            keys += ["test_header_name", "test_header_value"]
    elif answers.load_balancer == "service-connect":
        keys += ["test_header_name", "test_header_value"]
    else:
        keys.append("production_listener_port")
        if answers.test_traffic == "listener":
            keys.append("test_listener_port")
    # Alarm rollback before the circuit breaker: "no circuit breaker" is valid only once alarms are
    # chosen, so asked the other way round an alarms-only rollback could never be answered.
    keys += [
        "hooks",
        "pause_hooks",
        "alarm_rollback",
        "circuit_breaker",
    ]
    if answers.load_balancer == "alb":
        keys.append("target_group_alarms")
    keys += [
        "wait_for_steady_state",
        "autoscaling",
        "launch_type",
        "desired_count",
        "container_name",
        "container_port",
        "least_privilege",
    ]
    return keys


# Prompts whose wording depends on the controller.
CODEDEPLOY_PROMPTS = {
    "strategy": "CodeDeploy traffic shift (all-at-once | linear | canary)",
    "bake_time_in_minutes": "Termination wait after the last shift, minutes (0-2880)",
    "step_percent": "Linear: whole percent of traffic per step (3-99)",
    "step_bake_time_in_minutes": "Linear: minutes between steps (1-1440)",
    "canary_percent": "Canary: whole percent of traffic for the canary (1-99)",
    "canary_bake_time_in_minutes": "Canary: minutes before the rest moves (1-1440)",
    "hooks": f"AppSpec hooks, comma-separated or 'none' ({', '.join(APPSPEC_HOOKS)})",
    "alarm_rollback": "Stop and roll back on CloudWatch alarms (the module creates two)?",
    "least_privilege": "Least-privilege inline policy instead of AWSCodeDeployRoleForECS?",
}

PROMPTS = {
    "controller": f"Deployment controller ({' | '.join(CONTROLLERS)})",
    "external_deployer": "Does a deployer outside Terraform (a pipeline) own the task sets and weights?",
    "strategy": f"Deployment strategy ({' | '.join(STRATEGIES)})",
    "bake_time_in_minutes": "Bake time after the production shift, minutes (0-1440)",
    "step_percent": "Linear: percent of traffic per step (3.0-100.0)",
    "step_bake_time_in_minutes": "Linear: minutes to wait after each step (0-1440)",
    "canary_percent": "Canary: percent of traffic for the canary (0.1-100.0)",
    "canary_bake_time_in_minutes": "Canary: minutes before the rest moves (0-1440)",
    "load_balancer": "Load balancer (alb | nlb | service-connect)",
    "test_traffic": "Test traffic",  # choices depend on the load balancer, see _ask
    "test_header_name": "Test header name",
    "test_header_value": "Test header value (a secret of 16+ characters; empty: a required module input)",
    "listener_rule_priority": "Production listener rule priority (2-50000)",
    "production_listener_port": "Production listener port",
    "test_listener_port": "Test listener port",
    "hooks": f"Lifecycle hooks, comma-separated or 'none' ({', '.join(LIFECYCLE_STAGES)})",
    "circuit_breaker": "Roll back with the deployment circuit breaker?",
    "alarm_rollback": "Roll back on CloudWatch alarms?",
    "launch_type": "Launch type (FARGATE | EC2)",
    "desired_count": "Desired task count",
    "container_name": "Container name",
    "container_port": "Container port",
    "least_privilege": "Least-privilege inline policy instead of the AWS managed policy?",
    "pause_hooks": f"Pause for approval at, comma-separated or 'none' ({', '.join(PAUSE_STAGES)})",
    "target_group_alarms": "Roll back on 5xx and latency alarms of the new revision's target group?",
    "wait_for_steady_state": "Should terraform apply wait for each deployment to finish?",
    "autoscaling": "Application Auto Scaling for the task count?",
}


def prompt_for(answers: Answers, *, asked: set[str]) -> Answers:
    """Ask every relevant question not answered by an option; each has the current value as default.
    An invalid answer is explained and asked again."""
    values = {**answers.to_json(), "controller": answers.controller, "external_deployer": answers.external_deployer}
    typer.echo("Enter keeps the [default]; ? explains a question.")
    index = 0
    while index < len(relevant_questions(Answers(**_typed(values)))):
        key = relevant_questions(Answers(**_typed(values)))[index]
        index += 1
        if key in asked:
            continue
        if key == "test_traffic":
            choices = _test_choices(values)
            if values[key] not in choices:
                values[key] = choices[0]
        # A rejected reply must not become the default of the repeated question (Enter would repeat it).
        previous = values[key]
        while True:
            try:
                values[key] = _ask(key, previous, values)
                if key == "pause_hooks" and values[key] and "wait_for_steady_state" not in asked:
                    # As for options: a pause holds the deployment, so apply stops waiting for it.
                    values["wait_for_steady_state"] = False
                build_labelled(values, {})
                break
            except _HelpWanted:
                typer.echo(f"  {explain(key)}")
            except UserError as error:
                values[key] = previous
                typer.echo(f"  {str(error).split(': ', 1)[-1]}", err=True)
            except ValueError as error:
                typer.echo(f"  {error}", err=True)
    return build_labelled(values, {})


def _test_choices(values: dict[str, Any]) -> tuple[str, ...]:
    if values.get("controller", "ecs") != "ecs":
        return ("listener", "none")  # CodeDeploy and the EXTERNAL kind: a test listener or none
    return TEST_TRAFFIC[values["load_balancer"]]


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "hooks": tuple(values["hooks"]), "pause_hooks": tuple(values.get("pause_hooks", ()))}


def _ask(key: str, current: Any, values: dict[str, Any]) -> Any:
    text = PROMPTS[key]
    if values.get("controller") == "codedeploy":
        text = CODEDEPLOY_PROMPTS.get(key, text)
    if key == "test_traffic":
        text = f"Test traffic ({' | '.join(_test_choices(values))})"
    if FIELDS[key].kind is bool:
        # A prompt rather than typer.confirm, which cannot take "?".
        reply = _reply(f"{text} [{'Y/n' if current else 'y/N'}]", "y" if current else "n", show_default=False)
        return coerce(key, reply)
    if key in ("hooks", "pause_hooks"):
        reply = _reply(text, ",".join(current) if current else "none")
        return [] if reply.strip().lower() == "none" else list(coerce(key, reply))
    default = current if not isinstance(current, float) else f"{current:g}"
    return coerce(key, _reply(text, str(default)))


class _HelpWanted(Exception):
    """The user typed '?' at a prompt."""


def _reply(text: str, default: str, **options: Any) -> str:
    reply = typer.prompt(text, default=default, **options)
    if reply.strip() == "?":
        raise _HelpWanted
    return reply


def explain(key: str) -> str:
    """What a question means: its option's help, and the option that answers it without a prompt."""
    return f"{ANSWER_HELP.get(key, PROMPTS[key])} Option: {OPTION_NAMES[key]}."

