"""From configuration values to evaluator targets: what an ARN-valued attribute points at.

A value is a known ARN, a Ref to a resource whose ARN is computed, or Unknown (a variable). For
references the ARN's *shape* follows from the resource type and whatever names are set literally
(`arn:aws:lambda:*:*:function:hook`), so a wildcard policy can be proven to cover it. When the kind is
ambiguous (a listener on a load balancer of unknown type) a value has several *variants*: exactly one
is real, so a requirement holds when it holds for every variant and fails when it fails for all.

Shapes assume the `aws` partition (what hard-coded policy ARNs use); region, account and generated ids
are unknown segments.
"""

from __future__ import annotations

import re
from typing import Any

from validator.iam.evaluate import Target
from validator.model import Model, Ref, Resource, Unknown

ELB = "arn:aws:elasticloadbalancing:*:*:"
LAMBDA = "arn:aws:lambda:*:*:function:"
TARGET_GROUP_TYPES = ("aws_lb_target_group", "aws_alb_target_group")
LISTENER_TYPES = ("aws_lb_listener", "aws_alb_listener")
RULE_TYPES = ("aws_lb_listener_rule", "aws_alb_listener_rule")
LB_TYPES = ("aws_lb", "aws_alb")
_LB_KIND = {"application": "app", "network": "net", "gateway": "gwy"}
_SEGMENT = re.compile(r"^[A-Za-z0-9_.\-]+$")


def _segment(value: Any) -> str:
    """A literal name usable in a shape, or `*` when not known."""
    return value if isinstance(value, str) and _SEGMENT.match(value) else "*"


def hcl_of(value: Any, module: str = "") -> str:
    """How a fix snippet writes this value (relative to `module`)."""
    if isinstance(value, Ref):
        text = str(value)
        if module and text.startswith(module + "."):
            text = text[len(module) + 1 :]
        return text
    if isinstance(value, Unknown):
        return value.why or "<unknown>"
    return f'"{value}"'


def label_of(value: Any) -> str:
    if isinstance(value, Ref):
        return value.address
    if isinstance(value, Unknown):
        return value.why or "an unknown value"
    return str(value)


def _base(value: Any, shape: str, module: str) -> Target:
    if isinstance(value, str) and value:
        return Target(arn=value, shape=value, label=value, hcl=hcl_of(value, module))
    if isinstance(value, Ref):
        return Target(ref=value, shape=shape, label=label_of(value), hcl=hcl_of(value, module))
    why = value.why if isinstance(value, Unknown) else ""
    return Target(expr=why or None, shape=shape, label=label_of(value), hcl=hcl_of(value, module))


def _resolved(model: Model, value: Any) -> Resource | None:
    found = model.resolve(value) if isinstance(value, (Ref, str)) else None
    return found if isinstance(found, Resource) else None


def _known_arn(resource: Resource | None) -> str | None:
    arn = resource.values.get("arn") if resource else None
    return arn if isinstance(arn, str) and arn.startswith("arn:") else None


def _with(target: Target, resource: Resource | None) -> Target:
    """Use the resource's ARN when the model knows it (plans of existing resources)."""
    arn = _known_arn(resource)
    if arn is None:
        return target
    return Target(arn=arn, ref=target.ref, shape=arn, label=target.label, hcl=target.hcl)


def target_group(model: Model, value: Any, module: str = "") -> list[Target]:
    resource = _resolved(model, value)
    name = _segment(resource.values.get("name")) if resource and resource.type in TARGET_GROUP_TYPES else "*"
    return [_with(_base(value, f"{ELB}targetgroup/{name}/*", module), resource)]


def _load_balancer_kinds(model: Model, lb_value: Any) -> tuple[list[str], str]:
    lb = _resolved(model, lb_value)
    if lb is None or lb.type not in LB_TYPES:
        if isinstance(lb_value, str):
            match = re.search(r":loadbalancer/(app|net|gwy)/([^/]+)/", lb_value)
            if match:
                return [match.group(1)], match.group(2)
        return ["app", "net"], "*"
    kind = lb.values.get("load_balancer_type")
    if kind is None or kind == "":
        kinds = ["app"]  # the provider's default is "application"
    elif isinstance(kind, str) and kind in _LB_KIND:
        kinds = [_LB_KIND[kind]]
    else:
        kinds = ["app", "net"]
    return kinds, _segment(lb.values.get("name"))


def listener(model: Model, value: Any, module: str = "") -> list[Target]:
    resource = _resolved(model, value)
    if resource is not None and resource.type in LISTENER_TYPES:
        kinds, lb_name = _load_balancer_kinds(model, resource.values.get("load_balancer_arn"))
    elif isinstance(value, str) and ":listener/" in value:
        return [_base(value, value, module)]
    else:
        kinds, lb_name = ["app", "net"], "*"
    return [_with(_base(value, f"{ELB}listener/{kind}/{lb_name}/*/*", module), resource) for kind in kinds]


def listener_rule(model: Model, value: Any, module: str = "") -> list[Target]:
    resource = _resolved(model, value)
    kinds, lb_name = ["app"], "*"
    if resource is not None and resource.type in RULE_TYPES:
        owner = _resolved(model, resource.values.get("listener_arn"))
        if owner is not None and owner.type in LISTENER_TYPES:
            kinds, lb_name = _load_balancer_kinds(model, owner.values.get("load_balancer_arn"))
    return [_with(_base(value, f"{ELB}listener-rule/{kind}/{lb_name}/*/*/*", module), resource) for kind in kinds]


def listener_of_rule(model: Model, value: Any, module: str = "") -> list[Target]:
    """The listener a listener rule belongs to (for elasticloadbalancing:ModifyListener)."""
    resource = _resolved(model, value)
    if resource is not None and resource.type in RULE_TYPES:
        return listener(model, resource.values.get("listener_arn"), module)
    if isinstance(value, str):
        match = re.match(r"^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule/(.+)/[^/]+$", value)
        if match:
            arn = f"{match.group(1)}listener/{match.group(2)}"
            return [Target(arn=arn, shape=arn, label=arn, hcl=f'"{arn}"')]
    return [Target(shape=f"{ELB}listener/{kind}/*/*/*", label="the rule's listener", hcl='"<listener ARN>"') for kind in ("app", "net")]


def classify_listener_slot(model: Model, value: Any) -> str:
    """What `production_listener_rule`/`test_listener_rule` names: "rule" (ALB), "listener" (NLB) or "unknown"."""
    resource = _resolved(model, value)
    if resource is not None:
        if resource.type in RULE_TYPES:
            return "rule"
        if resource.type in LISTENER_TYPES:
            return "listener"
    if isinstance(value, str):
        if ":listener-rule/" in value:
            return "rule"
        if ":listener/" in value:
            return "listener"
    return "unknown"


def lambda_function(model: Model, value: Any, module: str = "") -> list[Target]:
    """A hook target: function ARN, qualified ARN or alias ARN."""
    resource = _resolved(model, value)
    shape = f"{LAMBDA}*"
    attribute = value.attribute if isinstance(value, Ref) else ""
    if resource is not None and resource.type == "aws_lambda_function":
        name = _segment(resource.values.get("function_name"))
        shape = f"{LAMBDA}{name}:*" if attribute == "qualified_arn" else f"{LAMBDA}{name}"
    elif resource is not None and resource.type == "aws_lambda_alias":
        function = resource.values.get("function_name")
        owner = _resolved(model, function)
        if owner is not None and owner.type == "aws_lambda_function":
            function = owner.values.get("function_name")
        elif isinstance(function, str) and function.startswith("arn:"):
            function = function.rsplit(":", 1)[-1]
        shape = f"{LAMBDA}{_segment(function)}:{_segment(resource.values.get('name'))}"
    elif isinstance(value, str):
        shape = value
    return [_with(_base(value, shape, module), resource)]


def role_target(model: Model, value: Any, module: str = "") -> list[Target]:
    resource = _resolved(model, value)
    name = _segment(resource.values.get("name")) if resource and resource.type == "aws_iam_role" else "*"
    return [_with(_base(value, f"arn:aws:iam::*:role/{name}", module), resource)]


def everything() -> list[Target]:
    return [Target.everything()]


ECS = "arn:aws:ecs:*:*:"


def _ecs_names(service: Resource | None, cluster: Any, name: Any) -> tuple[str, str]:
    """The cluster and service name segments of an ECS service ARN (service/<cluster>/<name>)."""
    if service is not None:
        name = service.values.get("name")
        value = service.values.get("cluster")
        if isinstance(value, str) and value:
            cluster = value.rsplit("/", 1)[-1]  # a cluster ARN or name
    return _segment(cluster), _segment(name)


def ecs_service(service: Resource | None, cluster: Any, name: Any, module: str = "") -> Target:
    """The ECS service a deployment group deploys: its ARN (id) when the configuration declares it."""
    cluster_name, service_name = _ecs_names(service, cluster, name)
    shape = f"{ECS}service/{cluster_name}/{service_name}"
    if service is None:
        return Target(shape=shape, label=f"the ECS service {shape}", hcl=f'"{shape}"')
    return _with(_base(Ref(service.address, "arn"), shape, module), service)


def ecs_task_sets(service: Resource | None, cluster: Any, name: Any, module: str = "") -> Target:
    """Every task set of that service (task-set/<cluster>/<service>/<id>)."""
    cluster_name, service_name = _ecs_names(service, cluster, name)
    shape = f"{ECS}task-set/{cluster_name}/{service_name}/*"
    if service is None:
        return Target(shape=shape, label=f"the task sets {shape}", hcl=f'"{shape}"')
    local = hcl_of(Ref(service.address, "id"), module)
    arn = _known_arn(service)
    if arn is not None and ":service/" in arn:
        shape = arn.replace(":service/", ":task-set/", 1) + "/*"
    return Target(shape=shape, label=f"the task sets of {service.address}", task_sets_of=Ref(service.address, "arn"),
                  hcl=f'"${{replace({local}, ":service/", ":task-set/")}}/*"')
