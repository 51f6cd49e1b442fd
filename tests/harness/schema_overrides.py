"""Schema facts the CDK for Terraform bindings do not carry, added by gen_schema.py.

cdktf keeps "computed" of an optional argument, defaults and ForceNew only in comments of its
TypeScript source, which the packages do not ship. Without them an unset optional+computed
argument would plan as null instead of unknown, and no change would force a replacement.

1. Generic rules, true of every type in aws 6.x: `id` (when configurable), `tags_all` and the
   top-level `region` argument are optional AND computed (tftags.TagsSchemaComputed; the
   region attribute the provider injects into every resource and data source; SDKv2's `id`).
2. Per-type facts read from the provider's source, hashicorp/terraform-provider-aws
   (6.2x): internal/service/ecs/service.go (resourceService), internal/service/ecs/task_set.go
   (resourceTaskSet),
   internal/service/elbv2/listener_rule.go (resourceListenerRule), internal/service/elbv2/listener.go
   (resourceListener),
   internal/service/elbv2/target_group.go (resourceTargetGroup). Keys are dotted paths through
   blocks; values: computed (optional+computed), force_new (a change plans a replacement),
   default (planned when unset, as SDKv2 does), max_items.
"""

from __future__ import annotations

GENERIC_COMPUTED = ("id", "tags_all", "region")

AWS: dict[str, dict[str, dict]] = {
    "aws_ecs_service": {
        "availability_zone_rebalancing": {"computed": True},
        "cluster": {"computed": True, "force_new": True},
        "deployment_configuration.bake_time_in_minutes": {"computed": True},
        "deployment_configuration.strategy": {"computed": True},
        "deployment_configuration.linear_configuration.step_bake_time_in_minutes": {"computed": True},
        "deployment_configuration.linear_configuration.step_percent": {"computed": True},
        "deployment_configuration.canary_configuration.canary_bake_time_in_minutes": {"computed": True},
        "deployment_configuration.canary_configuration.canary_percent": {"computed": True},
        "deployment_controller.type": {"default": "ECS"},
        "deployment_maximum_percent": {"default": 200},
        "deployment_minimum_healthy_percent": {"default": 100},
        "enable_ecs_managed_tags": {"default": False},
        "enable_execute_command": {"default": False},
        "iam_role": {"computed": True, "force_new": True},
        "launch_type": {"computed": True, "force_new": True},
        "name": {"force_new": True},
        "network_configuration.assign_public_ip": {"default": False},
        "ordered_placement_strategy": {"max_items": 5},
        "placement_constraints": {"max_items": 10},
        "platform_version": {"computed": True},
        "scheduling_strategy": {"default": "REPLICA", "force_new": True},
        "service_connect_configuration.namespace": {"computed": True},
        "service_connect_configuration.log_configuration.options": {"computed": True},
        "service_connect_configuration.service.discovery_name": {"computed": True},
        "service_connect_configuration.service.client_alias.dns_name": {"computed": True},
    },
    "aws_lb_listener_rule": {
        "action.order": {"computed": True},
        "action.authenticate_cognito.on_unauthenticated_request": {"computed": True},
        "action.authenticate_cognito.scope": {"default": "openid"},
        "action.authenticate_cognito.session_cookie_name": {"default": "AWSELBAuthSessionCookie"},
        "action.authenticate_cognito.session_timeout": {"default": 604800},
        "action.authenticate_oidc.on_unauthenticated_request": {"computed": True},
        "action.authenticate_oidc.scope": {"default": "openid"},
        "action.authenticate_oidc.session_cookie_name": {"default": "AWSELBAuthSessionCookie"},
        "action.authenticate_oidc.session_timeout": {"default": 604800},
        "action.fixed_response.status_code": {"computed": True},
        "action.forward.stickiness.enabled": {"default": False},
        "action.forward.target_group": {"max_items": 5},
        "action.forward.target_group.weight": {"default": 1},
        "action.redirect.host": {"default": "#{host}"},
        "action.redirect.path": {"default": "/#{path}"},
        "action.redirect.port": {"default": "#{port}"},
        "action.redirect.protocol": {"default": "#{protocol}"},
        "action.redirect.query": {"default": "#{query}"},
        "listener_arn": {"force_new": True},
        "priority": {"computed": True},
        "transform": {"max_items": 2},
    },
    "aws_ecs_task_set": {
        "capacity_provider_strategy": {"force_new": True},
        "cluster": {"force_new": True},
        "external_id": {"computed": True, "force_new": True},
        "launch_type": {"computed": True, "force_new": True},
        "load_balancer": {"force_new": True},
        "network_configuration": {"force_new": True},
        "network_configuration.assign_public_ip": {"default": False},
        "platform_version": {"computed": True, "force_new": True},
        "scale.unit": {"default": "PERCENT"},
        "service": {"force_new": True},
        "service_registries": {"force_new": True},
        "task_definition": {"force_new": True},
        "wait_until_stable": {"default": False},
        "wait_until_stable_timeout": {"default": "10m"},
    },
    # listener.go is stored only from the 4.x era: taken are the flags it shares with the current
    # listener_rule.go of the same package (actions are built by the same code).
    "aws_lb_listener": {
        "default_action.order": {"computed": True},
        "default_action.fixed_response.status_code": {"computed": True},
        "default_action.forward.target_group": {"max_items": 5},
        "default_action.forward.target_group.weight": {"default": 1},
        "default_action.forward.stickiness.enabled": {"default": False},
        "load_balancer_arn": {"force_new": True},
        "protocol": {"computed": True},
        "ssl_policy": {"computed": True},
    },
    "aws_lb_target_group": {
        "connection_termination": {"computed": True},
        "deregistration_delay": {"default": "300"},  # a nullable int: a string in plans
        "health_check.enabled": {"default": True},
        "health_check.healthy_threshold": {"default": 3},
        "health_check.interval": {"default": 30},
        "health_check.matcher": {"computed": True},
        "health_check.path": {"computed": True},
        "health_check.port": {"default": "traffic-port"},
        "health_check.protocol": {"default": "HTTP"},
        "health_check.timeout": {"computed": True},
        "health_check.unhealthy_threshold": {"default": 3},
        "ip_address_type": {"computed": True, "force_new": True},
        "lambda_multi_value_headers_enabled": {"default": False},
        "load_balancing_algorithm_type": {"computed": True},
        "load_balancing_anomaly_mitigation": {"computed": True},
        "load_balancing_cross_zone_enabled": {"computed": True},
        "name": {"computed": True, "force_new": True},
        "name_prefix": {"computed": True, "force_new": True},
        "port": {"force_new": True},
        "preserve_client_ip": {"computed": True},
        "protocol": {"force_new": True},
        "protocol_version": {"computed": True, "force_new": True},
        "proxy_protocol_v2": {"default": False},
        "slow_start": {"default": 0},
        "stickiness.cookie_duration": {"default": 86400},
        "stickiness.enabled": {"default": True},
        "target_group_health.dns_failover.minimum_healthy_targets_count": {"default": "off"},
        "target_group_health.dns_failover.minimum_healthy_targets_percentage": {"default": "off"},
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets_count": {"default": 1},
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets_percentage": {"default": "off"},
        "target_health_state.unhealthy_draining_interval": {"default": 0},
        "target_type": {"default": "instance", "force_new": True},
        "vpc_id": {"force_new": True},
    },
}

OVERRIDES = {"aws": AWS}


def _target(block: dict, path: str) -> tuple[dict, str]:
    """(spec dict, "attribute"|"block") for a dotted path through nested blocks."""
    *parents, leaf = path.split(".")
    for name in parents:
        block = block["block_types"][name]["block"]
    if leaf in block["attributes"]:
        return block["attributes"][leaf], "attribute"
    return block["block_types"][leaf], "block"


def apply(provider: str, schema: dict) -> None:
    for kind in ("resource_schemas", "data_source_schemas"):
        for block in schema[kind].values():
            for name in GENERIC_COMPUTED:
                spec = block["attributes"].get(name)
                if spec and spec.get("optional"):
                    spec["computed"] = True
    for type_name, facts in OVERRIDES.get(provider, {}).items():
        block = schema["resource_schemas"][type_name]
        for path, fact in facts.items():
            spec, what = _target(block, path)  # KeyError: the fact no longer matches the schema
            if what == "block" and set(fact) - {"max_items", "force_new"}:
                raise ValueError(f"{type_name}.{path}: only max_items and force_new apply to a block")
            spec.update(fact)
            if "default" in fact:
                # Protocol 6 has no legacy type system, so Terraform rejects a planned value for a
                # non-computed argument left null; serving it as optional+computed lets the
                # stand-in plan the default as the real (protocol 5, SDKv2) provider does.
                spec["computed"] = True
