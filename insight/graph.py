"""`tfbg graph`: the wiring of each ECS deployment, as nodes and edges read from the model.

Nodes: listeners, listener rules (production/test, priority, conditions), target groups
(primary/alternate), ECS services, CodeDeploy deployment groups, task sets, IAM roles (infrastructure,
hook, CodeDeploy, Lambda execution) with what they are allowed, hook functions. Edges: what forwards
to what, which role is assumed for what, which hook runs where. `tfbg lint`'s findings are put on
the edge they concern (the finding's resource and a related resource, or one its message names), else
on the node. A primary or alternate target group that no rule or listener forwards to gets a
dangling edge to a "no rule forwards here" marker.

Every renderer (Mermaid, DOT, SVG) draws this one structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from validator.engine import lint
from validator.findings import Finding, Severity
from validator.iam.checks import (
    codedeploy_needs,
    evaluate_needs,
    hook_needs,
    infra_needs,
    role_of,
)
from validator.iam.collect import iam_index
from validator.iam.evaluate import Answer
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.codedeploy import (
    DEPLOYMENT_GROUP,
    PROD_LISTENERS,
    TEST_LISTENERS,
    group_service,
    group_target_groups,
    is_ecs_group,
    listener_values,
)
from validator.rules.helpers import (
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    TARGET_GROUP_TYPES,
    controller_of,
    forward_targets,
    load_balancers,
    resolve_resource,
    strategy_of,
)
from validator.rules.hooks import hook_type, lifecycle_hooks

# Layers, left to right: where traffic comes in, to where the deployment's roles and hooks act.
LAYERS = {"listener": 0, "rule": 1, "target_group": 2, "service": 3, "codedeploy": 3, "task_set": 3,
          "function": 4, "pause": 4, "role": 5, "dangling": 1,
          # Service Connect: clients in a namespace reach the service by a client alias; a header rule
          # on that alias sends test traffic to the new revision.
          "namespace": 0, "client_alias": 1, "test_header": 2}


@dataclass
class Node:
    id: str  # the resource address (or a value's text for things outside the configuration)
    kind: str  # listener | rule | target_group | service | codedeploy | task_set | role | function | pause | dangling
    #            | namespace | client_alias | test_header (Service Connect)
    title: str
    details: list[str] = field(default_factory=list)
    external: bool = False  # named by a value, not declared in this configuration
    findings: list[int] = field(default_factory=list)  # indexes into Graph.findings

    @property
    def layer(self) -> int:
        return LAYERS[self.kind]


@dataclass
class Edge:
    source: str
    target: str
    label: str
    kind: str = "wiring"  # forward | primary | alternate | production | test | role | hook | invoke | dangling | ...
    findings: list[int] = field(default_factory=list)

    @property
    def dangling(self) -> bool:
        return self.kind == "dangling"


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _by_ends: dict[tuple[str, str, str], Edge] = field(default_factory=dict, repr=False)

    def node(self, id_: str, kind: str, title: str, details: list[str] | None = None, external: bool = False) -> Node:
        existing = self.nodes.get(id_)
        if existing is None:
            existing = self.nodes[id_] = Node(id_, kind, title, list(details or []), external)
        return existing

    def edge(self, source: str, target: str, label: str, kind: str) -> Edge:
        edge = self._by_ends.get((source, target, kind))
        if edge is not None:
            if label and label not in edge.label.split(", "):
                edge.label = f"{edge.label}, {label}" if edge.label else label
            return edge
        edge = self._by_ends[(source, target, kind)] = Edge(source, target, label, kind)
        self.edges.append(edge)
        return edge

    def worst(self, indexes: list[int]) -> Severity | None:
        severities = [self.findings[i].severity for i in indexes]
        return max(severities, key=lambda s: s.rank, default=None)


# -- building ------------------------------------------------------------------------------------------


NOT_KNOWN = "known after apply"  # the loaders' Unknown for a plan value with no reference to follow


def _short(value: Any) -> str:
    if isinstance(value, Resource):
        return value.address
    if isinstance(value, Ref):
        return value.address
    if isinstance(value, Unknown):
        return value.why.replace(" has no value", "") or "(unknown)"
    return str(value)


def _endpoint(graph: Graph, model: Model, value: Any, kind: str, role: str = "") -> str | None:
    """The node id a value names: the resource's address, or an external node for a value that names
    something outside the configuration (a variable, a literal ARN)."""
    if value is None or is_absent(value):
        return None
    resolved = resolve_resource(model, value)
    if isinstance(resolved, Resource):
        _resource_node(graph, model, resolved, kind)
        return resolved.address
    label = _short(value)
    node_id = label
    if isinstance(value, Unknown) and value.why == NOT_KNOWN:
        # A plan's "known after apply" names no particular thing: one node each, never one shared by a
        # listener and a role that are both unknown.
        node_id = f"{label} #{sum(1 for n in graph.nodes.values() if n.title == label) + 1}"
    node = graph.node(node_id, kind, label, [role] if role and role != kind.replace("_", " ") else [], external=True)
    return node.id


def _endpoint_id(model: Model, value: Any) -> str | None:
    """The node id `_endpoint` would give a value, without adding a node."""
    if value is None or is_absent(value):
        return None
    resolved = resolve_resource(model, value)
    return resolved.address if isinstance(resolved, Resource) else _short(value)


def _conditions(rule: Resource) -> list[str]:
    result = []
    conditions = rule.get("condition")
    if isinstance(conditions, (Ref, Unknown)):
        return ["conditions: not known statically"]
    for condition in conditions or []:
        if not isinstance(condition, dict):
            continue
        for key, value in condition.items():
            if is_absent(value) or not isinstance(value, list) or not value or not isinstance(value[0], dict):
                continue
            block = value[0]
            values = block.get("values")
            if key == "http_header":
                shown = f"header {block.get('http_header_name')} = {_values(values)}"
            elif key == "query_string":
                shown = f"query {_values(block)}"
            else:
                shown = f"{key.replace('_', ' ')} {_values(values)}"
            result.append(shown)
    return result


def _values(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) if not isinstance(v, (Ref, Unknown)) else _short(v) for v in value)
    if isinstance(value, (Ref, Unknown)):
        return _short(value)
    return str(value)


def _resource_node(graph: Graph, model: Model, resource: Resource, kind: str) -> Node:
    if resource.address in graph.nodes:
        return graph.nodes[resource.address]
    details: list[str] = []
    title = resource.address
    if resource.type in LISTENER_RULE_TYPES:
        kind = "rule"
        priority = resource.get("priority")
        details.append(f"priority {_short(priority) if not is_absent(priority) else '(next free)'}")
        details.extend(_conditions(resource))
    elif resource.type in LISTENER_TYPES:
        kind = "listener"
        protocol, port = resource.get("protocol"), resource.get("port")
        if not is_absent(port) or not is_absent(protocol):
            details.append(f"{_short(protocol) if not is_absent(protocol) else ''} :{_short(port) if not is_absent(port) else '?'}".strip())
    elif resource.type in TARGET_GROUP_TYPES:
        kind = "target_group"
        for attribute in ("protocol", "port", "target_type"):
            value = resource.get(attribute)
            if not is_absent(value):
                details.append(f"{attribute.replace('_', ' ')} {_short(value)}")
    elif resource.type == "aws_lambda_function":
        kind = "function"
        timeout = resource.get("timeout")
        details.append(f"Lambda, timeout {_short(timeout) if not is_absent(timeout) else 3} s")
    node = graph.node(resource.address, kind, title, details, external=resource.mode == "data")
    if resource.mode == "data":
        node.details.append("data source: read, not managed here")
    if kind in ("rule", "listener"):
        _forwards(graph, model, resource)
    if kind == "rule":
        listener = resource.get("listener_arn")
        source = _endpoint(graph, model, listener, "listener", "listener")
        if source:
            graph.edge(source, resource.address, "rule", "listener-rule")
    return node


def _forwards(graph: Graph, model: Model, resource: Resource) -> None:
    forwards = forward_targets(resource)
    for target in forwards.targets:
        tg = _endpoint(graph, model, target.arn, "target_group", "target group")
        if tg:
            weight = "forward" if target.weight is None else f"weight {_short(target.weight)}"
            graph.edge(resource.address, tg, weight, "forward")
    if forwards.unknown is not None:
        graph.nodes[resource.address].details.append(f"forward: {forwards.unknown.why} not known statically")


def _role(graph: Graph, model: Model, value: Any, purpose: str, needs: list | None) -> str | None:
    role = role_of(model, value)
    if not isinstance(role, Resource):
        return _endpoint(graph, model, value, "role", purpose)
    node = graph.node(role.address, "role", role.address, [])
    if purpose and purpose not in node.details:
        node.details.insert(0, purpose)
    index = model.memo("insight.iam", lambda: iam_index(model))
    policies = index.role(role)
    allowed = _allowed(policies)
    for line in allowed:
        if line not in node.details:
            node.details.append(line)
    if needs:
        outcomes = evaluate_needs(index, policies, needs)
        granted = sum(1 for o in outcomes if o.answer is Answer.ALLOWED)
        missing = sorted({o.need.action for o in outcomes if o.answer in (Answer.NOT_ALLOWED, Answer.DENIED)})
        unknown = sum(1 for o in outcomes if o.answer in (Answer.UNKNOWN, Answer.CONDITIONAL))
        line = f"needs for {purpose}: {granted}/{len(outcomes)} allowed"
        if missing:
            line += f"; missing {', '.join(a.split(':')[1] for a in missing)}"
        if unknown:
            line += f"; {unknown} not provable"
        node.details.append(line)
    return role.address


def _allowed(policies) -> list[str]:
    lines = []
    for attachment in policies.attachments:
        text = attachment.value if isinstance(attachment.value, str) else _short(attachment.value)
        if ":policy/" in text:  # an ARN, perhaps built with ${data.aws_partition...}: its name says it
            lines.append("policy " + text.rsplit("/", 1)[-1].strip('"'))
        else:
            lines.append(f"policy {text}")
    for policy in policies.permissions:
        if policy.managed_arn:
            continue
        actions: list[str] = []
        for statement in policy.statements:
            if isinstance(statement.actions, list) and statement.is_allow:
                actions.extend(a for a in statement.actions if isinstance(a, str))
        if policy.unknown:
            lines.append(f"{policy.label}: not known statically")
        elif actions:
            by_service: dict[str, list[str]] = {}
            for action in dict.fromkeys(actions):
                service, _, name = action.partition(":")
                by_service.setdefault(service, []).append(name)
            for service, names in by_service.items():
                shown = ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:2])} and {len(names) - 2} more"
                lines.append(f"allows {service}: {shown}")
    return lines


def _service(graph: Graph, model: Model, service: Resource) -> None:
    controller = controller_of(service)
    strategy = strategy_of(service)
    details = [f"controller {_short(controller)}"]
    if controller == "ECS":
        details.append(f"strategy {_short(strategy) if strategy is not None else 'ROLLING'}")
    graph.node(service.address, "service", service.address, details)
    entries = load_balancers(service)
    if isinstance(entries, Unknown):
        graph.nodes[service.address].details.append("load_balancer: not known statically")
        entries = []
    for entry in entries:
        primary = _endpoint(graph, model, entry.target_group, "target_group", "primary target group")
        if primary:
            graph.edge(service.address, primary, "primary", "primary")
        advanced = entry.advanced
        if not isinstance(advanced, dict):
            continue
        alternate = _endpoint(graph, model, entry.advanced_value("alternate_target_group_arn"), "target_group",
                              "alternate target group")
        if alternate:
            graph.edge(service.address, alternate, "alternate", "alternate")
        for key, kind in (("production_listener_rule", "production"), ("test_listener_rule", "test")):
            value = entry.advanced_value(key)
            target = _endpoint(graph, model, value, "rule", f"{kind} listener rule")
            if target:
                graph.edge(service.address, target, f"{kind} rule", kind)
        role = _role(graph, model, entry.advanced_value("role_arn"), "infrastructure role (ELB)",
                     infra_needs(model, service, entry.index))
        if role:
            graph.edge(service.address, role, "assumes for ELB", "role")
    _service_connect(graph, model, service)
    hooks = lifecycle_hooks(service)
    if isinstance(hooks, Unknown):
        graph.nodes[service.address].details.append("lifecycle hooks: not known statically")
        hooks = []
    for index, (path, hook) in enumerate(hooks):
        if not isinstance(hook, dict):
            continue
        stages = hook.get("lifecycle_stages")
        stage_text = ", ".join(s for s in stages if isinstance(s, str)) if isinstance(stages, list) else "stages ?"
        timeout = service.get(f"{path}.timeout_configuration.0.timeout_in_minutes")
        action = service.get(f"{path}.timeout_configuration.0.action")
        timing = f"≤ {_short(timeout) if not is_absent(timeout) else 1440} min → {_short(action) if not is_absent(action) else 'ROLLBACK'}"
        kind = hook_type(hook)
        if kind == "PAUSE":
            node = graph.node(f"{service.address}:pause:{index}", "pause", "pause hook", [stage_text, timing])
            graph.edge(service.address, node.id, f"pause on {stage_text}", "hook")
            continue
        function = _endpoint(graph, model, hook.get("hook_target_arn"), "function", "hook function")
        if function:
            graph.edge(service.address, function, "hook", "hook")
            line = f"{stage_text}: {timing}"
            if line not in graph.nodes[function].details:
                graph.nodes[function].details.append(line)
        role = _role(graph, model, hook.get("role_arn"), "hook role (invokes the hook)",
                     hook_needs(model, service, index))
        if role:
            graph.edge(service.address, role, "assumes for hooks", "role")
            if function:
                graph.edge(role, function, "invokes", "invoke")


def _service_connect(graph: Graph, model: Model, service: Resource) -> None:
    """Service Connect wiring: the namespace its clients are in, each client alias (dns_name:port) they
    call, and each alias's test traffic header rule. ECS shifts the alias's traffic between revisions;
    from the test traffic shift on, a request with the header reaches the new revision only."""
    blocks = service.get("service_connect_configuration")
    if isinstance(blocks, Unknown):
        graph.nodes[service.address].details.append("service_connect_configuration: not known statically")
        return
    for c, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict) or block.get("enabled") is False:
            continue
        namespace = _endpoint(graph, model, block.get("namespace"), "namespace")
        services = block.get("service")
        for s, entry in enumerate(services if isinstance(services, list) else []):
            if not isinstance(entry, dict):
                continue
            aliases = entry.get("client_alias")
            for a, alias in enumerate(aliases if isinstance(aliases, list) else []):
                if not isinstance(alias, dict):
                    continue
                dns_name = alias.get("dns_name")
                dns_text = _short(dns_name) if not is_absent(dns_name) else _short(entry.get("discovery_name"))
                details = [f"port name {_short(entry.get('port_name'))}"]
                node = graph.node(f"{service.address}:service_connect:{c}:{s}:{a}", "client_alias",
                                  f"{dns_text}:{_short(alias.get('port'))}", details)
                if namespace:
                    graph.edge(namespace, node.id, "clients call", "service-connect")
                graph.edge(node.id, service.address, "production traffic", "production")
                _test_headers(graph, service, node.id, alias.get("test_traffic_rules"))


def _test_headers(graph: Graph, service: Resource, alias: str, rules: Any) -> None:
    for r, rule in enumerate(rules if isinstance(rules, list) else []):
        headers = rule.get("header") if isinstance(rule, dict) else None
        for h, header in enumerate(headers if isinstance(headers, list) else []):
            if not isinstance(header, dict):
                continue
            values = header.get("value")
            value = values[0] if isinstance(values, list) and values and isinstance(values[0], dict) else {}
            exact = value.get("exact")
            # The header value is a secret: name where it comes from, never print it.
            shown = "exact value set (not shown)" if isinstance(exact, str) else (
                f"exact value from {_short(exact)}" if isinstance(exact, (Ref, Unknown)) else "value ?")
            node = graph.node(f"{alias}:test:{r}:{h}", "test_header", f"header {_short(header.get('name'))}",
                              [shown])
            graph.edge(alias, node.id, "test traffic", "test")
            graph.edge(node.id, service.address, "new revision only", "test")


def _codedeploy(graph: Graph, model: Model, group: Resource) -> None:
    config = group.get("deployment_config_name")
    graph.node(group.address, "codedeploy", group.address,
               [f"config {_short(config) if not is_absent(config) else 'CodeDeployDefault.OneAtATime (default)'}"])
    service = group_service(group, model)
    if isinstance(service, Resource):
        _service(graph, model, service)
        graph.edge(group.address, service.address, "deploys", "deploys")
    for path, kind in ((PROD_LISTENERS, "production"), (TEST_LISTENERS, "test")):
        values = listener_values(group, path)
        if isinstance(values, Unknown):
            graph.nodes[group.address].details.append(f"{kind} route: not known statically")
            continue
        for value in values:
            listener = _endpoint(graph, model, value, "listener", f"{kind} listener")
            if listener:
                graph.edge(group.address, listener, f"{kind} route", kind)
    groups = group_target_groups(group, model)
    if not isinstance(groups, Unknown):
        for target in groups:
            if isinstance(target, Resource):
                _resource_node(graph, model, target, "target_group")
                graph.edge(group.address, target.address, "target group pair", "pair")
    role = _role(graph, model, group.get("service_role_arn"), "CodeDeploy service role", codedeploy_needs(model, group))
    if role:
        graph.edge(group.address, role, "assumes", "role")
    from insight.timeline import appspec_hooks

    for event, function_name in appspec_hooks(model)[0].items():
        function = next((f for f in model.by_type("aws_lambda_function") if f.get("function_name") == function_name),
                        None)
        if function is not None:
            _resource_node(graph, model, function, "function")
            graph.nodes[function.address].details.append(f"AppSpec hook {event}")
            graph.edge(group.address, function.address, f"AppSpec {event}", "hook")


def _task_set(graph: Graph, model: Model, task_set: Resource) -> None:
    scale = task_set.get("scale.0.value")
    graph.node(task_set.address, "task_set", task_set.address,
               [f"scale {_short(scale) if not is_absent(scale) else '?'}%"])
    service = resolve_resource(model, task_set.get("service"))
    if isinstance(service, Resource):
        _service(graph, model, service)
        graph.edge(task_set.address, service.address, "task set of", "deploys")
    for entry in task_set.get("load_balancer") or []:
        if isinstance(entry, dict):
            target = _endpoint(graph, model, entry.get("target_group_arn"), "target_group", "target group")
            if target:
                graph.edge(task_set.address, target, "registers in", "primary")


def _lambda_roles(graph: Graph, model: Model) -> None:
    """Each hook function's execution role (what the function itself may do)."""
    for node in list(graph.nodes.values()):
        if node.kind != "function" or node.external:
            continue
        function = model.get(node.id)
        if function is None:
            continue
        role = _role(graph, model, function.get("role"), "hook function's execution role", None)
        if role:
            graph.edge(node.id, role, "runs as", "execution")


def _forwards_unknown(model: Model) -> bool:
    """Does some listener or rule of the configuration forward to target groups not known statically?
    Then no target group can be shown as one nothing forwards to."""
    for resource in model.by_type(*LISTENER_TYPES, *LISTENER_RULE_TYPES):
        forwards = forward_targets(resource)
        if forwards.unknown is not None or any(isinstance(t.arn, Unknown) for t in forwards.targets):
            return True
    return False


def _dangling(graph: Graph, model: Model) -> None:
    forwarded = {edge.target for edge in graph.edges if edge.kind == "forward"}
    uncertain = _forwards_unknown(model)
    for edge in list(graph.edges):
        if edge.kind in ("primary", "alternate") and edge.target not in forwarded:
            target = graph.nodes[edge.target]
            if target.external:
                continue  # a target group managed elsewhere may well be forwarded to elsewhere
            if uncertain:
                line = "whether a rule forwards here is not known statically"
                if line not in target.details:
                    target.details.append(line)
                continue
            marker = graph.node(f"{edge.target}:dangling", "dangling", "no rule forwards here",
                                [f"{edge.kind} target group of {edge.source}"])
            graph.edge(marker.id, edge.target, "nothing forwards", "dangling")


_ADDRESS = re.compile(r"(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*(?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?")


def _attach_findings(graph: Graph, findings: list[Finding]) -> None:
    ends: dict[frozenset[str], Edge] = {}
    dangling: dict[str, Edge] = {}  # target group -> its dangling edge
    for edge in graph.edges:
        ends.setdefault(frozenset((edge.source, edge.target)), edge)
        if edge.dangling:
            dangling[edge.target] = edge
    for finding in findings:
        if finding.rule_id == "TFBG002":
            continue  # input problems are about files, not the wiring
        index = len(graph.findings)
        graph.findings.append(finding)
        named = [finding.address, *finding.related, *_ADDRESS.findall(finding.message)]
        others = [n for n in dict.fromkeys(named[1:]) if n != finding.address and n in graph.nodes]
        edge = _edge_between(graph, ends, dangling, finding.address, others)
        if edge is None and finding.rule_id in ("TFBG113", "TFBG112"):
            edge = next((dangling[o] for o in others if o in dangling), None)
        if edge is not None:
            edge.findings.append(index)
        elif finding.address in graph.nodes:
            graph.nodes[finding.address].findings.append(index)
        elif others:
            graph.nodes[others[0]].findings.append(index)
        else:
            graph.findings.pop()  # about something the graph does not draw


def _edge_between(graph: Graph, ends: dict[frozenset[str], Edge], dangling: dict[str, Edge], address: str,
                  others: list[str]) -> Edge | None:
    """The edge joining the finding's resource and one it names; or the dangling edge of a target
    group it names whose marker is about the finding's resource."""
    for other in others:
        edge = ends.get(frozenset((address, other)))
        if edge is not None:
            return edge
        edge = dangling.get(other)
        if edge is not None and address in graph.nodes[edge.source].details[0]:
            return edge
    return None


def build_graph(model: Model, with_findings: bool = True) -> Graph:
    graph = Graph()
    for service in model.by_type("aws_ecs_service"):
        if service.mode == "managed":
            _service(graph, model, service)
    for group in model.by_type(DEPLOYMENT_GROUP):
        if is_ecs_group(group, model):
            _codedeploy(graph, model, group)
    for task_set in model.by_type("aws_ecs_task_set"):
        _task_set(graph, model, task_set)
    # Listeners and rules the services do not name (a CodeDeploy route's rules, an EXTERNAL service's
    # listener) still show what they forward to, when that is a target group of the drawing.
    for resource in model.by_type(*LISTENER_TYPES, *LISTENER_RULE_TYPES):
        if resource.address in graph.nodes or resource.mode != "managed":
            continue
        forwarded = {_endpoint_id(model, target.arn) for target in forward_targets(resource).targets}
        if forwarded & {n for n, node in graph.nodes.items() if node.kind == "target_group"}:
            _resource_node(graph, model, resource, "rule")
    _lambda_roles(graph, model)
    _dangling(graph, model)
    if with_findings:
        _attach_findings(graph, lint(model))
    return graph
