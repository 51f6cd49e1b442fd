"""`tfbg migrate`: from a CodeDeploy-controlled ECS service (the model of any configuration `tfbg lint` reads)
to the answers of an ECS-native `tfbg new` module, the state moves the switch needs, and an ordered checklist.

Data flows one way: model -> Migration (this module) -> files (migrate_files.py) -> disk (the CLI).
Whatever the model cannot tell (an unknown value, a resource managed elsewhere) becomes a note that names
the exact value, never a guess presented as fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.answers import ANSWER_KEYS, MAX_NAME_LENGTH, NAME_PATTERN
from validator.iam.collect import role_matches
from validator.model import JsonDocument, Model, Ref, Resource, Unknown, is_absent, to_number
from validator.rules.codedeploy import (
    DEPLOYMENT_GROUP,
    PROD_LISTENERS,
    TEST_LISTENERS,
    group_service,
    group_target_groups,
    is_ecs_group,
    listener_values,
    named,
    scaling_targets,
    target_group_names,
)
from validator.rules.helpers import (
    LISTENER_TYPES,
    TARGET_GROUP_TYPES,
    controller_of,
    forward_targets,
    listener_lb_type,
    load_balancers,
    resolve_resource,
    same_object,
)

# Predefined ECS deployment configurations (CodeDeploy User Guide, deployment-configurations.html).
PREDEFINED = {
    "CodeDeployDefault.ECSAllAtOnce": ("AllAtOnce", None, None),
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": ("TimeBasedLinear", 10, 1),
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": ("TimeBasedLinear", 10, 3),
    "CodeDeployDefault.ECSCanary10Percent5Minutes": ("TimeBasedCanary", 10, 5),
    "CodeDeployDefault.ECSCanary10Percent15Minutes": ("TimeBasedCanary", 10, 15),
}

# AppSpec hook -> the ECS lifecycle stage that runs at the same point of a deployment. CodeDeploy: User Guide
# reference-appspec-file-structure-hooks.html ("List of lifecycle event hooks for an Amazon ECS deployment");
# ECS: Developer Guide deployment-lifecycle-hooks.html (the stages) and migrate-code-deploy-to-ecs-blue-green.html.
HOOK_STAGES = {
    "BeforeInstall": "PRE_SCALE_UP",  # before the replacement task set / new revision's tasks exist
    "AfterInstall": "POST_SCALE_UP",  # replacement tasks exist, no traffic yet
    "AfterAllowTestTraffic": "POST_TEST_TRAFFIC_SHIFT",  # test listener reaches the new revision
    "BeforeAllowTraffic": "PRE_PRODUCTION_TRAFFIC_SHIFT",  # before production traffic moves
    "AfterAllowTraffic": "POST_PRODUCTION_TRAFFIC_SHIFT",  # after all production traffic moved
}
# ECS bake time and step ranges (ecs-deployments.md §2.1).
MAX_BAKE_MINUTES = 1440
MIN_STEP_PERCENT = 3


@dataclass
class Migration:
    service: Resource
    group: Resource | None
    name: str  # the answers' name (also the suggested module call name)
    answers: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # what could not be carried over, naming the value
    moves: list[tuple[str, str]] = field(default_factory=list)  # (from address, to address)
    delete: list[str] = field(default_factory=list)  # addresses to delete from the configuration
    removals: list[str] = field(default_factory=list)  # resources the switch destroys (removed blocks, Terraform >= 1.7)
    inputs: dict[str, str] = field(default_factory=dict)  # module input -> HCL expression
    hooks: list[tuple[str, str, str]] = field(default_factory=list)  # (appspec hook, function, ECS stage)
    alarms: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)  # production first, as the config has it
    listeners: dict[str, str] = field(default_factory=dict)  # "production"/"test" -> address or value

    @property
    def call(self) -> str:
        return self.name.replace("-", "_")


def code_deploy_services(model: Model) -> list[Resource]:
    return [r for r in model.by_type("aws_ecs_service") if r.mode == "managed" and controller_of(r) == "CODE_DEPLOY"]


def groups_by_service(model: Model) -> dict[str, Resource]:
    found: dict[str, Resource] = {}
    for group in model.by_type(DEPLOYMENT_GROUP):
        if not is_ecs_group(group, model):
            continue
        service = group_service(group, model)
        if isinstance(service, Resource):
            found.setdefault(service.address, group)
    return found


def migrations(model: Model, appspec_hooks: dict[str, str]) -> list[Migration]:
    """One Migration per CODE_DEPLOY service. `appspec_hooks`: hook -> function name from appspec files."""
    groups = groups_by_service(model)
    return [_migration(model, service, groups.get(service.address), appspec_hooks) for service in code_deploy_services(model)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _describe(value: Any) -> str:
    if isinstance(value, Ref):
        return f"{value.address}.{value.attribute}" if value.attribute else value.address
    if isinstance(value, Unknown):
        return f"unknown ({value.why})"
    return repr(value)


def hcl_expression(value: Any) -> str | None:
    """The HCL for a value of the model: a reference as the expression it was, a literal as a literal;
    None when the model does not know it."""
    if isinstance(value, Ref):
        if value.address.startswith("module."):
            return None  # inside a child module: not an expression the root configuration can write
        return f"{value.address}.{value.attribute}" if value.attribute else value.address
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${") + '"'
    if isinstance(value, list):
        items = [hcl_expression(item) for item in value]
        return None if any(item is None for item in items) else "[" + ", ".join(items) + "]"
    return None


def _answer_name(service: Resource, m_notes: list[str]) -> str:
    raw = _text(service.get("name"))
    if raw and NAME_PATTERN.match(raw) and "--" not in raw and len(raw) <= MAX_NAME_LENGTH:
        return raw
    fallback = re.sub(r"[^a-z0-9-]+", "-", (raw or service.name).lower()).strip("-")
    fallback = re.sub(r"-{2,}", "-", fallback)[:MAX_NAME_LENGTH].strip("-") or "service"
    if not fallback[0].isalpha():
        fallback = ("svc-" + fallback)[:MAX_NAME_LENGTH].strip("-")
    if raw:
        m_notes.append(
            f"BLOCKING: the service is named {raw!r}, which tfbg's name rule does not allow (lower-case, at most "
            f"{MAX_NAME_LENGTH} characters); the answers use {fallback!r}. A different name replaces the ECS service "
            f"(name forces a new resource): after `tfbg new`, set `name = \"{raw}\"` on aws_ecs_service.this in the "
            f"generated main.tf, or rename deliberately with a maintenance window."
        )
    else:
        m_notes.append(
            f"the service's name is {_describe(service.get('name'))}; the answers use {fallback!r}. Make sure the "
            "module's `name` input equals the running service's name, or the service is replaced."
        )
    return fallback


def _migration(model: Model, service: Resource, group: Resource | None, appspec_hooks: dict[str, str]) -> Migration:
    notes: list[str] = []
    name = _answer_name(service, notes)
    m = Migration(service, group, name, {"name": name, "strategy": "blue-green", "circuit_breaker": True}, notes)
    _service_answers(m)
    if group is None:
        notes.append(
            f"no aws_codedeploy_deployment_group in this configuration names {service.address}: the traffic shape, "
            "listeners, rollback alarms and termination wait could not be read; the answers keep tfbg's defaults for them"
        )
    else:
        _traffic_shape(model, m)
        _termination_wait(m)
        _alarms(m)
        _routes(model, m)
        _codedeploy_resources(model, m)
        _module_leftovers(model, m)
    _pipelines(model, m)
    _autoscaling(model, m)
    _hooks(m, appspec_hooks)
    for old, _ in m.moves:
        owner = model.get(old)
        if owner is not None and owner.module and owner.module != service.module:
            notes.append(f"{old} is declared in {owner.module}: the moved block takes it out of that module, which must "
                         f"stop declaring it (and whatever there refers to it must refer to module.{m.call} instead)")
    if service.module:
        notes.append(f"the service is declared inside {service.module}: deleting its resource block means no longer "
                     f"calling that module for this service (or changing the module for every caller); the moves below "
                     f"take it out of {service.module}")
    m.moves.insert(0, (service.address, f"module.{m.call}.aws_ecs_service.this"))
    m.delete.insert(0, f"{service.address} (its resource block: the module declares the service now)")
    return m


def _service_answers(m: Migration) -> None:
    service = m.service
    launch = _text(service.get("launch_type"))
    if launch in ("FARGATE", "EC2"):
        m.answers["launch_type"] = launch
    elif not is_absent(service.get("capacity_provider_strategy")):
        m.notes.append("the service uses capacity_provider_strategy; tfbg's module sets launch_type: edit the generated "
                       "main.tf to keep the capacity providers (changing them on a running service starts a deployment)")
    for variable, path in (("cluster_arn", "cluster"), ("task_definition_arn", "task_definition"),
                           ("subnet_ids", "network_configuration.0.subnets"),
                           ("security_group_ids", "network_configuration.0.security_groups"),
                           ("assign_public_ip", "network_configuration.0.assign_public_ip"),
                           ("health_check_grace_period_seconds", "health_check_grace_period_seconds")):
        value = service.get(path)
        if variable in ("subnet_ids", "security_group_ids") and isinstance(value, str):
            value = [value]  # the provider wants a set; a lone string would not convert
        expression = hcl_expression(value)
        if expression is not None:
            m.inputs[variable] = expression
    if "task_definition_arn" in m.inputs:
        m.notes.append(f"task_definition_arn = {m.inputs['task_definition_arn']} is what Terraform last set; CodeDeploy "
                       "has deployed since (checklist step 2): use the task definition the service runs now, or the first "
                       "apply starts an ECS deployment of the old one")
    count = to_number(service.get("desired_count"))
    if count is not None and count == int(count):
        m.answers["desired_count"] = int(count)
    entries = load_balancers(service)
    if isinstance(entries, Unknown) or not entries:
        m.notes.append(f"the service's load_balancer block could not be read ({_describe(service.get('load_balancer'))}): "
                       "container_name and container_port keep tfbg's defaults")
        return
    entry = entries[0].values if hasattr(entries[0], "values") else entries[0]
    entry = entry if isinstance(entry, dict) else {}
    if _text(entry.get("container_name")):
        m.answers["container_name"] = entry["container_name"]
    port = to_number(entry.get("container_port"))
    if port is not None:
        m.answers["container_port"] = int(port)


def _traffic_shape(model: Model, m: Migration) -> None:
    value = m.group.get("deployment_config_name")
    shape: tuple[str, Any, Any] | None = None
    text = _text(value)
    if text in PREDEFINED:
        shape = PREDEFINED[text]
    elif text is None and is_absent(value):
        m.notes.append("the deployment group sets no deployment_config_name (CodeDeployDefault.OneAtATime, a Server "
                       "configuration): kept as blue-green")
        return
    else:
        config = named(model, ("aws_codedeploy_deployment_config",), value, attribute="deployment_config_name")
        if isinstance(config, Resource):
            routing = config.get("traffic_routing_config.0") or {}
            kind = routing.get("type") if isinstance(routing, dict) else None
            block = {"TimeBasedCanary": "time_based_canary", "TimeBasedLinear": "time_based_linear"}.get(kind or "")
            values = (routing.get(block) or [{}])[0] if block else {}
            shape = (kind or "AllAtOnce", to_number(values.get("percentage")), to_number(values.get("interval")))
        else:
            m.notes.append(f"deployment_config_name is {_describe(value)}, which this configuration does not define: "
                           "set --strategy and its percent and minutes yourself")
            return
    kind, percent, minutes = shape
    if kind == "TimeBasedCanary":
        m.answers.update(strategy="canary", canary_percent=float(percent), canary_bake_time_in_minutes=int(minutes))
    elif kind == "TimeBasedLinear":
        step = float(percent)
        if step < MIN_STEP_PERCENT:
            m.notes.append(f"CodeDeploy moves {percent:g} percent per step; ECS LINEAR moves at least {MIN_STEP_PERCENT}: "
                           f"the answers use {MIN_STEP_PERCENT}")
            step = float(MIN_STEP_PERCENT)
        m.answers.update(strategy="linear", step_percent=step, step_bake_time_in_minutes=int(minutes))
    if text and kind != "AllAtOnce":
        m.notes.append(f"{text}: CodeDeploy's interval of {minutes:g} minutes becomes the ECS "
                       f"{'canary' if kind == 'TimeBasedCanary' else 'step'} bake time; ECS also runs the "
                       "PRE_PRODUCTION_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT hooks once per step")


def _termination_wait(m: Migration) -> None:
    wait = m.group.get("blue_green_deployment_config.0.terminate_blue_instances_on_deployment_success.0")
    if not isinstance(wait, dict):
        m.notes.append("the group sets no terminate_blue_instances_on_deployment_success (the termination wait): the "
                       "answers keep tfbg's bake time of 5 minutes")
        return
    if wait.get("action") == "KEEP_ALIVE":
        m.notes.append("the group keeps the original task set alive (KEEP_ALIVE); ECS always stops the old revision "
                       "after the bake time")
    minutes = to_number(wait.get("termination_wait_time_in_minutes"))
    if minutes is None and is_absent(wait.get("termination_wait_time_in_minutes")):
        # The provider sends nothing and the CodeDeploy API reference names no default: not a number to copy.
        m.notes.append("the group's terminate_blue_instances_on_deployment_success sets no "
                       "termination_wait_time_in_minutes (CodeDeploy's own default applies, which its API reference "
                       "does not state): the answers keep tfbg's bake time of 5 minutes; set --bake-time to the wait "
                       "your deployments show")
        return
    if minutes is None:
        m.notes.append(f"termination_wait_time_in_minutes is {_describe(wait.get('termination_wait_time_in_minutes'))}: "
                       "set --bake-time to the same number of minutes")
        return
    if minutes > MAX_BAKE_MINUTES:
        m.notes.append(f"termination wait {minutes:g} minutes exceeds the ECS bake time maximum {MAX_BAKE_MINUTES}: capped")
        minutes = MAX_BAKE_MINUTES
    m.answers["bake_time_in_minutes"] = int(minutes)


def _alarms(m: Migration) -> None:
    events = m.group.get("auto_rollback_configuration.0.events") or []
    enabled = m.group.get("auto_rollback_configuration.0.enabled")
    config = m.group.get("alarm_configuration.0") or {}
    names = config.get("alarms") if isinstance(config, dict) else None
    on_alarm = enabled is True and isinstance(events, list) and "DEPLOYMENT_STOP_ON_ALARM" in events
    if isinstance(names, list) and names and (on_alarm or config.get("enabled") is True):
        m.answers["alarm_rollback"] = True
        m.alarms = [n if isinstance(n, str) else _describe(n) for n in names]
        m.inputs["alarm_names"] = "[" + ", ".join(f'"{n}"' if isinstance(n, str) else _describe(n) for n in names) + "]"
        if not on_alarm:
            m.notes.append("the group's alarms stop a deployment but did not roll it back (no DEPLOYMENT_STOP_ON_ALARM); "
                           "ECS alarm rollback always rolls back")
    elif isinstance(names, (Ref, Unknown)):
        m.notes.append(f"the group's alarms are {_describe(names)}: pass them as alarm_names and generate with --alarm-rollback")


def _routes(model: Model, m: Migration) -> None:
    prod = listener_values(m.group, PROD_LISTENERS)
    test = listener_values(m.group, TEST_LISTENERS)
    m.answers["test_traffic"] = "listener" if (isinstance(test, Unknown) or test) else "none"
    listener = _managed_listener(model, m, resolve_resource(model, prod[0])) if isinstance(prod, list) and prod else None
    test_listener = _managed_listener(model, m, resolve_resource(model, test[0])) if isinstance(test, list) and test else None
    kind = listener_lb_type(model, listener) if isinstance(listener, Resource) else None
    if kind == "network":
        m.answers["load_balancer"] = "nlb"
    elif kind != "application":
        shown = _describe(prod[0] if isinstance(prod, list) and prod else prod)
        where = (f"is {listener.address}, a data source that reads a listener of an unknown load balancer"
                 if isinstance(listener, Resource) and listener.mode == "data" else "is not in this configuration")
        m.notes.append(f"the production listener ({shown}) {where}: assumed an Application Load Balancer")
    m.answers.setdefault("load_balancer", "alb")
    nlb = m.answers["load_balancer"] == "nlb"
    groups = _pair_target_groups(model, m.group)
    production_tg = None
    if isinstance(listener, Resource) and listener.mode == "managed":
        targets = [resolve_resource(model, t.arn) for t in forward_targets(listener).targets]
        production_tg = next((_managed(model, t) for t in targets if isinstance(t, Resource)), None)
    _route(m, "production", listener, prod, nlb)
    _route(m, "test", test_listener, test, nlb)
    if not nlb:
        _rule_priority(model, m, [r for r in (listener, test_listener) if isinstance(r, Resource)])
    _target_groups(model, m, groups, production_tg)


def _rule_priority(model: Model, m: Migration, listeners: list[Resource]) -> None:
    """The module adds its rules (all paths by default) to your listeners: put them after the rules already
    there, so those keep matching first."""
    taken: list[int] = []
    for rule in model.by_type("aws_lb_listener_rule", "aws_alb_listener_rule"):
        if resolve_resource(model, rule.get("listener_arn")) in listeners:
            priority = to_number(rule.get("priority"))
            if priority is None:
                m.notes.append(f"{rule.address} is on a listener the module adds its rules to, with priority "
                               f"{_describe(rule.get('priority'))}: choose listener_rule_priority so they do not collide")
            else:
                taken.append(int(priority))
    if taken:
        priority = max(max(taken) + 1, 2)
        m.answers["listener_rule_priority"] = priority
        m.notes.append(f"the listeners already have rules with priorities {', '.join(str(p) for p in sorted(set(taken)))}: "
                       f"the module's rules take {priority}, after them (its production rule matches every path "
                       "unless you set path_patterns/host_headers)")


def _route(m: Migration, role: str, listener: Any, values: Any, nlb: bool) -> None:
    """One traffic route's listener: NLB listeners move into the module (it creates them, on the answers'
    ports); an ALB listener stays yours and its ARN becomes the module's input."""
    if isinstance(listener, Resource) and listener.mode == "managed":
        m.listeners[role] = listener.address
        port = to_number(listener.get("port"))
        if nlb:
            if port is not None:
                m.answers[f"{role}_listener_port"] = int(port)
            m.moves.append((listener.address, f"module.{m.call}.aws_lb_listener.{role}"))
            m.delete.append(f"{listener.address} (moved into the module, which creates the NLB listeners)")
        elif not listener.address.startswith(("module.", "data.")):
            m.inputs[f"{role}_listener_arn"] = f"{listener.address}.arn"
    elif isinstance(values, list) and values:
        m.listeners[role] = _describe(values[0])
        expression = hcl_expression(values[0])
        if not nlb and expression:
            m.inputs[f"{role}_listener_arn"] = expression


def _pair_target_groups(model: Model, group: Resource) -> Any:
    """The deployment group's target groups; a name both a data source and a managed target group carry is
    the managed one (the data source only looks it up)."""
    names = target_group_names(group)
    if isinstance(names, Unknown):
        return names
    found: list[Any] = []
    for name, fallback in zip(names, group_target_groups(group, model)):
        managed = [r for r in model.by_type(*TARGET_GROUP_TYPES) if r.mode == "managed" and isinstance(name, str) and r.get("name") == name]
        found.append(managed[0] if len(managed) == 1 else fallback)
    return found


def _managed(model: Model, resource: Resource) -> Resource | None:
    """A target group itself, or for a data source that looks one up (by `arn` = a reference to it, or by
    name), the managed one."""
    if resource.mode == "managed":
        return resource
    by_arn = resolve_resource(model, resource.get("arn")) if isinstance(resource.get("arn"), Ref) else None
    if isinstance(by_arn, Resource) and by_arn.mode == "managed" and by_arn.type in TARGET_GROUP_TYPES:
        return by_arn
    name = _text(resource.get("name"))
    matches = [r for r in model.by_type(*TARGET_GROUP_TYPES) if r.mode == "managed" and r.get("name") == name] if name else []
    return matches[0] if len(matches) == 1 else None


def _managed_listener(model: Model, m: Migration, listener: Any) -> Any:
    """A data.aws_lb_listener that reads a listener this configuration manages stands for that listener:
    its `arn` refers to it, or its load_balancer_arn and port are the managed listener's."""
    if not isinstance(listener, Resource) or listener.mode != "data" or listener.type not in LISTENER_TYPES:
        return listener
    arn = listener.get("arn")
    found = resolve_resource(model, arn) if isinstance(arn, Ref) else None
    managed = [found] if isinstance(found, Resource) and found.mode == "managed" and found.type in LISTENER_TYPES else []
    port = to_number(listener.get("port"))
    if not managed and port is not None and not is_absent(listener.get("load_balancer_arn")):
        managed = [r for r in model.by_type(*LISTENER_TYPES) if r.mode == "managed" and to_number(r.get("port")) == port
                   and same_object(model, r.get("load_balancer_arn"), listener.get("load_balancer_arn"))]
    if len(managed) != 1:
        candidates = [r.address for r in model.by_type(*LISTENER_TYPES) if r.mode == "managed"
                      and port is not None and to_number(r.get("port")) == port]
        if candidates:
            m.notes.append(f"{listener.address} looks a listener up by load_balancer_arn = "
                           f"{_describe(listener.get('load_balancer_arn'))}, which is not known statically; this "
                           f"configuration manages {', '.join(candidates)} on the same port {port:g}: if that is the "
                           f"one, pass its ARN as production/test_listener_arn (and --load-balancer to match)")
        return listener
    m.notes.append(f"{listener.address} reads {managed[0].address}, which this configuration manages: the migration "
                   f"uses {managed[0].address}")
    return managed[0]


def _target_groups(model: Model, m: Migration, groups: Any, production_tg: Resource | None) -> None:
    if isinstance(groups, Unknown) or not isinstance(groups, list) or len(groups) != 2:
        m.notes.append("the deployment group's two target groups could not be read: the module creates new ones")
        return
    resources = [_managed(model, g) for g in groups if isinstance(g, Resource)]
    resources = [g for g in resources if g is not None]
    if len(resources) != 2:
        m.notes.append("a target group of the deployment group is managed outside this configuration: the module "
                       "creates its own two; move the service to them deliberately")
        return
    if production_tg in resources:
        resources.sort(key=lambda g: g is not production_tg)
    m.target_groups = [g.address for g in resources]
    vpc = hcl_expression(resources[0].get("vpc_id"))
    if vpc is not None:
        m.inputs["vpc_id"] = vpc
    port = m.answers.get("container_port", 8080)
    names: list[str] = []
    for colour, group in zip(("blue", "green"), resources):
        # Arguments that force a new target group (provider target_group.go): a difference is a replacement.
        tg_port = to_number(group.get("port"))
        if tg_port is not None and tg_port != port:
            m.notes.append(f"BLOCKING: {group.address} has port {tg_port:g}; the module gives its target groups "
                           f"container_port ({port}), and port forces a new target group. Set `port = {tg_port:g}` on "
                           f"aws_lb_target_group.{colour} in the generated lb.tf.")
        protocol = _text(group.get("protocol"))
        wanted = "HTTP" if m.answers.get("load_balancer", "alb") == "alb" else "TCP"
        if protocol and protocol != wanted:
            m.notes.append(f"BLOCKING: {group.address} uses protocol {protocol}; the module uses {wanted} (protocol forces "
                           f"a new target group): set it on aws_lb_target_group.{colour} in the generated lb.tf.")
        _health_check(m, group, colour)
        m.moves.append((group.address, f"module.{m.call}.aws_lb_target_group.{colour}"))
        m.delete.append(f"{group.address} (moved into the module as {colour})")
        # The module names new groups by prefix; a moved group keeps its name through target_group_names
        # (a name forces a replacement, while the service uses the group).
        actual = hcl_expression(group.get("name"))
        if actual is None:
            m.notes.append(
                f"BLOCKING: the name of {group.address} ({_describe(group.get('name'))}) is not known here; a target "
                "group's name forces its replacement: pass it in target_group_names."
            )
        names.append(actual or '"<its name>"')
    m.inputs["target_group_names"] = "{ blue = %s, green = %s }" % tuple(names)


def _codedeploy_resources(model: Model, m: Migration) -> None:
    """What CodeDeploy used and nothing else does: deleted with the switch. Shared objects (another deployment
    group of this configuration names them) stay."""
    group = m.group
    others = [g for g in model.by_type(DEPLOYMENT_GROUP) if g is not group]

    def shared(resource: Resource, argument: str, attribute: str = "name") -> bool:
        return any(named(model, (resource.type,), g.get(argument), attribute=attribute) is resource for g in others)

    m.delete.append(f"{group.address} (CodeDeploy stops deploying this service)")
    m.removals.append(group.address)
    app = named(model, ("aws_codedeploy_app",), group.get("app_name"))
    config = named(model, ("aws_codedeploy_deployment_config",), group.get("deployment_config_name"), attribute="deployment_config_name")
    for resource, argument, attribute in ((app, "app_name", "name"), (config, "deployment_config_name", "deployment_config_name")):
        if not isinstance(resource, Resource) or resource.mode != "managed":
            continue
        if shared(resource, argument, attribute):
            m.notes.append(f"{resource.address} is also used by another deployment group: keep it")
        else:
            m.delete.append(f"{resource.address} (no other deployment group uses it)")
            m.removals.append(resource.address)
    role = resolve_resource(model, group.get("service_role_arn"))
    if isinstance(role, Resource) and role.type == "aws_iam_role" and role.mode == "managed":
        if any(resolve_resource(model, g.get("service_role_arn")) is role for g in others):
            m.notes.append(f"{role.address} is also the service role of another deployment group: keep it")
            return
        attached = [r.address for r in model.by_type("aws_iam_role_policy", "aws_iam_role_policy_attachment")
                    if r.mode == "managed" and role_matches(r.get("role"), role)]
        users = [r.address for r in model.resources if r.mode == "managed" and r is not group
                 and r.address not in attached and _mentions(r.values, role.address)]
        if users:
            m.notes.append(f"{role.address} is the deployment group's service role, but {', '.join(users)} also "
                           "refer to it: keep it (or move them to another role first)")
            return
        m.delete.append(f"{role.address}{' and ' + ', '.join(attached) if attached else ''} (the CodeDeploy service role)")
        m.removals += [role.address, *attached]


def _module_leftovers(model: Model, m: Migration) -> None:
    """Resources removed from inside a child module: their blocks are the module's. Say what else the
    module declares, so that the user can tell whether the whole module call goes."""
    moved = {old for old, _ in m.moves}
    for module in dict.fromkeys(r.module for r in (model.get(a) for a in m.removals) if r is not None and r.module):
        rest = [r.address for r in model.resources if r.mode == "managed" and r.module == module
                and r.address not in m.removals and r.address not in moved]
        call = re.sub(r"\[[^\]]*\]", "", module)  # removed blocks take no instance keys
        whole = f"delete the module call (Terraform >= 1.7: removed {{ from = {call} }})"
        m.notes.append(
            f"{', '.join(a for a in m.removals if a.startswith(module + '.'))} are declared in {module}: delete their "
            "blocks in that module (a removed block for an address whose block still exists is an error)"
            + (f"; {module} also declares {', '.join(rest)}: if it exists only for CodeDeploy, {whole} instead"
               if rest else f"; that is all it declares: {whole}")
        )


def _mentions(value: Any, address: str) -> bool:
    """Does a value (nested dicts/lists) hold a reference to the resource at `address`?"""
    if isinstance(value, Ref):
        return value.address == address
    if isinstance(value, JsonDocument):  # jsonencode({... Resource = aws_iam_role.x.arn})
        return _mentions(value.value, address)
    if isinstance(value, dict):
        return any(_mentions(v, address) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, address) for v in value)
    return isinstance(value, Unknown) and not isinstance(value, str) and f"{address}." in (value.why or "")


def _pipelines(model: Model, m: Migration) -> None:
    """CodePipeline deploy actions that start CodeDeploy deployments (provider CodeDeployToECS)."""
    for pipeline in model.by_type("aws_codepipeline"):
        for stage in pipeline.get("stage") or []:
            for action in (stage.get("action") or []) if isinstance(stage, dict) else []:
                if isinstance(action, dict) and action.get("provider") == "CodeDeployToECS":
                    m.notes.append(f"BLOCKING: {pipeline.address} deploys with CodeDeployToECS (stage "
                                   f"{stage.get('name')!r}, action {action.get('name')!r}): replace that action (e.g. with "
                                   "the ECS deploy provider, or a terraform apply of task_definition_arn) before step 1 "
                                   "turns CodeDeploy off")


# Health check arguments the generated target groups set (ALB: path and matcher; NLB: protocol TCP).
MODULE_HEALTH_CHECK = {"alb": {"path", "matcher"}, "nlb": {"protocol"}}


def _health_check(m: Migration, group: Resource, colour: str) -> None:
    check = group.get("health_check.0")
    if not isinstance(check, dict):
        return
    kept = MODULE_HEALTH_CHECK[m.answers.get("load_balancer", "alb")]
    extra = sorted(k for k, v in check.items() if k not in kept and not is_absent(v) and k != "enabled")
    if extra:
        m.notes.append(f"{group.address} sets health_check {', '.join(extra)}, which the module does not: the first apply "
                       f"resets them to the defaults (an in-place change) unless you add them to aws_lb_target_group."
                       f"{colour} in the generated lb.tf")


def _hooks(m: Migration, appspec_hooks: dict[str, str]) -> None:
    stages = []
    for hook, function in appspec_hooks.items():
        stage = HOOK_STAGES[hook]
        m.hooks.append((hook, function, stage))
        stages.append(stage)
    if stages:
        m.answers["hooks"] = stages


# Does the ECS kind of `tfbg new` create an Application Auto Scaling target itself (answers.autoscaling)?
MODULE_AUTOSCALES = "autoscaling" in ANSWER_KEYS


def _autoscaling(model: Model, m: Migration) -> None:
    """Application Auto Scaling owns the desired count only when a scalable target names the service
    (resource_id service/<cluster>/<service>, dimension ecs:service:DesiredCount)."""
    service = m.service
    targets, unsure = scaling_targets(service, model)
    if unsure:
        m.notes.append(f"an aws_appautoscaling_target's resource_id is not known statically, so whether it scales "
                       f"{service.address} could not be told: if it does, treat it as below (autoscaled)")
    if not targets:
        if MODULE_AUTOSCALES:
            m.answers["autoscaling"] = False  # the module would otherwise add a scalable target of its own
        if service.ignores("desired_count") and not unsure:
            m.notes.append(f"{service.address} ignores desired_count, but no aws_appautoscaling_target in this "
                           f"configuration scales it: the module sets desired_count = {m.answers.get('desired_count', 2)} "
                           "on every apply; if something outside this configuration sets the count, add desired_count to "
                           "ignore_changes of aws_ecs_service.this in the generated main.tf")
        return
    target = targets[0]
    limits = {k: hcl_expression(target.get(k)) for k in ("min_capacity", "max_capacity")}
    if len(targets) > 1:
        m.notes.append(f"{len(targets)} scalable targets name the service ({', '.join(t.address for t in targets)}); "
                       f"the answers follow {target.address}")
    if MODULE_AUTOSCALES:
        m.answers["autoscaling"] = True
        for key, expression in limits.items():
            if expression is not None:
                m.inputs[f"autoscaling_{key}"] = expression
        m.moves.append((target.address, f"module.{m.call}.aws_appautoscaling_target.this"))
        m.delete.append(f"{target.address} (moved into the module, which scales the service)")
        policies = [p.address for p in model.by_type("aws_appautoscaling_policy")
                    if any(isinstance(p.get(k), Ref) and p.get(k).address == target.address
                           for k in ("resource_id", "service_namespace", "scalable_dimension"))]
        if policies:
            m.notes.append(f"{', '.join(policies)} refer to {target.address}, which moves into the module: point them at "
                           f"the module's target (resource_id \"service/<cluster>/{m.name}\") or use the module's "
                           "autoscaling_cpu_target/autoscaling_memory_target inputs instead")
        return
    # The module sets desired_count on every apply: with a scaler, it must ignore it (as the old one did).
    m.notes.append(
        f"BLOCKING: {target.address} (Application Auto Scaling, min {limits['min_capacity'] or '?'}, max "
        f"{limits['max_capacity'] or '?'}) scales the service: add `desired_count` to lifecycle.ignore_changes of "
        "aws_ecs_service.this in the generated main.tf, or each apply sets the task count back to desired_count. "
        f"Keep {target.address}; its resource_id must keep naming the service (service/<cluster>/{m.name}): where it "
        f"refers to {service.address}, whose block goes, write module.{m.call}.service_name instead"
    )
