"""Module-shaped Terraform: the patterns registry modules are built from (typed object inputs with
optional attributes, dynamic blocks, for_each resources referenced by key, for expressions, try/
coalesce fallbacks, modules installed by `terraform init`), and the causes of what stays unknown.

The configurations below are written for these tests; they follow the shape of the public
terraform-aws-modules ALB and ECS service modules without reproducing their code.
"""

import json
import textwrap

from validator.config import Config
from validator.engine import lint
from validator.loaders.hcl import load_directory
from validator.model import Ref, Unknown


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(root)


LB_MODULE = {
    "modules/lb/variables.tf": """
        variable "target_groups" {
          type = map(object({
            port        = number
            protocol    = optional(string, "HTTP")
            target_type = optional(string, "ip")
          }))
          default = {}
        }

        variable "listeners" {
          type = map(object({
            port = number
            fixed_response = optional(object({
              status_code  = optional(string, "404")
              content_type = optional(string, "text/plain")
            }))
            forward = optional(object({ target_group_key = string }))
            rules = optional(map(object({
              priority = number
              actions = list(object({
                weighted_forward = optional(object({
                  target_groups = list(object({
                    target_group_key = string
                    weight           = optional(number, 1)
                  }))
                  stickiness = optional(object({
                    enabled  = optional(bool, false)
                    duration = optional(number, 3600)
                  }), {})
                }))
                fixed_response = optional(object({ status_code = string }))
              }))
              conditions = list(object({
                path_pattern = optional(object({ values = list(string) }))
                http_header  = optional(object({ http_header_name = string, values = list(string) }))
              }))
            })), {})
          }))
        }
    """,
    "modules/lb/main.tf": """
        resource "aws_lb" "this" {
          name = "lb"
        }

        resource "aws_lb_target_group" "this" {
          for_each    = var.target_groups
          name        = each.key
          port        = each.value.port
          protocol    = each.value.protocol
          target_type = each.value.target_type
        }

        resource "aws_lb_listener" "this" {
          for_each          = var.listeners
          load_balancer_arn = aws_lb.this.arn
          port              = each.value.port

          dynamic "default_action" {
            for_each = each.value.fixed_response != null ? [each.value.fixed_response] : []
            content {
              type = "fixed-response"
              fixed_response {
                status_code  = default_action.value.status_code
                content_type = default_action.value.content_type
              }
            }
          }

          dynamic "default_action" {
            for_each = each.value.forward != null ? [each.value.forward] : []
            content {
              type             = "forward"
              target_group_arn = aws_lb_target_group.this[default_action.value.target_group_key].arn
            }
          }
        }

        locals {
          # every rule of every listener, keyed "<listener>/<rule>"
          rules = merge([
            for listener_key, listener in var.listeners : {
              for rule_key, rule in listener.rules : "${listener_key}/${rule_key}" => merge(rule, { listener_key = listener_key })
            }
          ]...)
        }

        resource "aws_lb_listener_rule" "this" {
          for_each     = local.rules
          listener_arn = aws_lb_listener.this[each.value.listener_key].arn
          priority     = each.value.priority

          dynamic "action" {
            for_each = [for a in each.value.actions : a if a.weighted_forward != null]
            content {
              type = "forward"
              forward {
                dynamic "target_group" {
                  for_each = action.value.weighted_forward.target_groups
                  iterator = tg
                  content {
                    arn    = aws_lb_target_group.this[tg.value.target_group_key].arn
                    weight = tg.value.weight
                  }
                }
                stickiness {
                  enabled  = action.value.weighted_forward.stickiness.enabled
                  duration = action.value.weighted_forward.stickiness.duration
                }
              }
            }
          }

          dynamic "action" {
            for_each = [for a in each.value.actions : a.fixed_response if a.fixed_response != null]
            content {
              type = "fixed-response"
              fixed_response {
                status_code  = action.value.status_code
                content_type = "text/plain"
              }
            }
          }

          dynamic "condition" {
            for_each = each.value.conditions
            content {
              dynamic "path_pattern" {
                for_each = condition.value.path_pattern != null ? [condition.value.path_pattern] : []
                content {
                  values = path_pattern.value.values
                }
              }
              dynamic "http_header" {
                for_each = condition.value.http_header != null ? [condition.value.http_header] : []
                content {
                  http_header_name = http_header.value.http_header_name
                  values           = http_header.value.values
                }
              }
            }
          }
        }

        output "target_groups" {
          value = aws_lb_target_group.this
        }

        output "listener_rules" {
          value = aws_lb_listener_rule.this
        }
    """,
}

SERVICE_MODULE = {
    "modules/service/variables.tf": """
        variable "name" {
          type = string
        }
        variable "desired_count" {
          type    = number
          default = 1
        }
        variable "load_balancer" {
          type = map(object({
            container_name   = string
            container_port   = number
            target_group_arn = string
            advanced_configuration = optional(object({
              alternate_target_group_arn = string
              production_listener_rule   = string
              test_listener_rule         = optional(string)
              role_arn                   = optional(string)
            }))
          }))
          default = null
        }
        variable "deployment" {
          type = object({
            strategy             = optional(string, "ROLLING")
            bake_time_in_minutes = optional(number)
            lifecycle_hooks = optional(map(object({
              target_arn = string
              role_arn   = optional(string)
              stages     = list(string)
            })), {})
          })
          default  = {}
          nullable = false
        }
    """,
    "modules/service/main.tf": """
        locals {
          needs_infrastructure_role = var.load_balancer != null || length(var.deployment.lifecycle_hooks) > 0
          infrastructure_role_arn   = local.needs_infrastructure_role ? try(aws_iam_role.infrastructure[0].arn, null) : null
        }

        resource "aws_iam_role" "infrastructure" {
          count       = local.needs_infrastructure_role ? 1 : 0
          name        = null
          name_prefix = "${var.name}-infra-"
          assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs.amazonaws.com" } }] })
        }

        resource "aws_iam_role_policy_attachment" "infrastructure" {
          count      = local.needs_infrastructure_role ? 1 : 0
          role       = aws_iam_role.infrastructure[0].name
          policy_arn = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
        }

        resource "aws_ecs_service" "this" {
          name          = var.name
          desired_count = var.desired_count

          deployment_configuration {
            strategy             = var.deployment.strategy
            bake_time_in_minutes = var.deployment.bake_time_in_minutes

            dynamic "lifecycle_hook" {
              for_each = var.deployment.lifecycle_hooks
              content {
                hook_target_arn  = lifecycle_hook.value.target_arn
                role_arn         = try(coalesce(lifecycle_hook.value.role_arn, local.infrastructure_role_arn))
                lifecycle_stages = lifecycle_hook.value.stages
              }
            }
          }

          dynamic "load_balancer" {
            for_each = var.load_balancer != null ? var.load_balancer : {}
            content {
              container_name   = load_balancer.value.container_name
              container_port   = load_balancer.value.container_port
              target_group_arn = load_balancer.value.target_group_arn

              dynamic "advanced_configuration" {
                for_each = load_balancer.value.advanced_configuration != null ? [load_balancer.value.advanced_configuration] : []
                content {
                  alternate_target_group_arn = advanced_configuration.value.alternate_target_group_arn
                  production_listener_rule   = advanced_configuration.value.production_listener_rule
                  test_listener_rule         = advanced_configuration.value.test_listener_rule
                  role_arn                   = try(coalesce(advanced_configuration.value.role_arn, local.infrastructure_role_arn))
                }
              }
            }
          }
        }
    """,
}

# The service is declared before the load balancer it reads, and its count reads the load
# balancer's outputs: the loader must build module.lb when the service needs it.
ROOT = {
    "main.tf": """
        module "service" {
          source = "./modules/service"
          count  = length(module.lb.listener_rules) > 0 ? 1 : 0

          name          = "api"
          desired_count = "2"

          deployment = {
            strategy             = "BLUE_GREEN"
            bake_time_in_minutes = "5"
            lifecycle_hooks = {
              check = {
                target_arn = aws_lambda_function.hook.arn
                role_arn   = aws_iam_role.hooks.arn
                stages     = ["POST_TEST_TRAFFIC_SHIFT"]
              }
              fallback = {
                target_arn = aws_lambda_function.hook.arn
                stages     = ["POST_PRODUCTION_TRAFFIC_SHIFT"]
              }
            }
          }

          load_balancer = {
            app = {
              container_name   = "app"
              container_port   = 8080
              target_group_arn = module.lb.target_groups["blue"].arn
              advanced_configuration = {
                alternate_target_group_arn = module.lb.target_groups["green"].arn
                production_listener_rule   = module.lb.listener_rules["http/prod"].arn
                test_listener_rule         = module.lb.listener_rules["http/test"].arn
                ignored_extra              = "dropped by the type"
              }
            }
          }
        }

        module "lb" {
          source = "./modules/lb"

          target_groups = {
            blue  = { port = 8080 }
            green = { port = "8080", target_type = "ip" }
          }

          listeners = {
            http = {
              port           = 80
              fixed_response = {}
              rules = {
                prod = {
                  priority = 2
                  actions = [{
                    weighted_forward = {
                      target_groups = [
                        { target_group_key = "blue", weight = 100 },
                        { target_group_key = "green", weight = 0 },
                      ]
                    }
                  }]
                  conditions = [{ path_pattern = { values = ["/*"] } }]
                }
                test = {
                  priority = 1
                  actions = [{
                    weighted_forward = { target_groups = [{ target_group_key = "green" }] }
                  }]
                  conditions = [{ http_header = { http_header_name = "X-Test", values = ["1"] } }]
                }
                maintenance = {
                  priority   = 3
                  actions    = [{ fixed_response = { status_code = "503" } }]
                  conditions = [{ path_pattern = { values = ["/down"] } }]
                }
              }
            }
          }
        }

        terraform {
          required_providers {
            aws = {
              source  = "hashicorp/aws"
              version = ">= 6.4.0"
            }
          }
        }

        resource "aws_iam_role" "hooks" {
          name = "hooks"
          assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs.amazonaws.com" } }] })
        }

        resource "aws_iam_role_policy" "hooks" {
          role = aws_iam_role.hooks.id
          policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "lambda:InvokeFunction", Resource = aws_lambda_function.hook.arn }]
          })
        }

        resource "aws_lambda_function" "hook" {
          function_name = "hook"
          role          = aws_iam_role.hooks.arn
        }
    """,
}


def _tg(key):
    return Ref(f'module.lb.aws_lb_target_group.this["{key}"]', "arn")


def test_listener_rules_built_from_typed_map_inputs_evaluate_fully(tmp_path):
    model = load_directory(write(tmp_path, {**LB_MODULE, **SERVICE_MODULE, **ROOT}))
    assert not [d for d in model.diagnostics if d.severity == "error"]
    prod = model.get('module.lb.aws_lb_listener_rule.this["http/prod"]')
    assert prod.values["listener_arn"] == Ref('module.lb.aws_lb_listener.this["http"]', "arn")
    assert prod.values["priority"] == 2
    assert prod.values["action"] == [
        {
            "type": "forward",
            "forward": [
                {
                    "target_group": [{"arn": _tg("blue"), "weight": 100}, {"arn": _tg("green"), "weight": 0}],
                    # the stickiness default {} got its own optional defaults
                    "stickiness": [{"enabled": False, "duration": 3600}],
                }
            ],
        }
    ]
    assert prod.values["condition"] == [{"path_pattern": [{"values": ["/*"]}], "http_header": []}]
    test = model.get('module.lb.aws_lb_listener_rule.this["http/test"]')
    assert test.get("action.0.forward.0.target_group") == [{"arn": _tg("green"), "weight": 1}]
    assert test.values["condition"] == [
        {"path_pattern": [], "http_header": [{"http_header_name": "X-Test", "values": ["1"]}]}
    ]
    # a `for` with an `if` filter picks the one fixed-response action
    maintenance = model.get('module.lb.aws_lb_listener_rule.this["http/maintenance"]')
    assert maintenance.values["action"] == [
        {"type": "fixed-response", "fixed_response": [{"status_code": "503", "content_type": "text/plain"}]}
    ]
    listener = model.get('module.lb.aws_lb_listener.this["http"]')
    assert listener.values["default_action"] == [
        {"type": "fixed-response", "fixed_response": [{"status_code": "404", "content_type": "text/plain"}]}
    ]
    green = model.get('module.lb.aws_lb_target_group.this["green"]')
    assert (green.values["port"], green.values["protocol"]) == (8080, "HTTP")


def test_service_load_balancers_and_the_hook_role_with_its_fallback_evaluate_fully(tmp_path):
    model = load_directory(write(tmp_path, {**LB_MODULE, **SERVICE_MODULE, **ROOT}))
    service = model.get("module.service[0].aws_ecs_service.this")
    assert service is not None and not service.count_unknown
    assert service.values["desired_count"] == 2  # "2" converted to the declared number
    infrastructure = Ref("module.service[0].aws_iam_role.infrastructure[0]", "arn")
    assert service.values["load_balancer"] == [
        {
            "container_name": "app",
            "container_port": 8080,
            "target_group_arn": _tg("blue"),
            "advanced_configuration": [
                {
                    "alternate_target_group_arn": _tg("green"),
                    "production_listener_rule": Ref('module.lb.aws_lb_listener_rule.this["http/prod"]', "arn"),
                    "test_listener_rule": Ref('module.lb.aws_lb_listener_rule.this["http/test"]', "arn"),
                    "role_arn": infrastructure,  # role_arn omitted: the module's fallback
                }
            ],
        }
    ]
    hooks = service.get("deployment_configuration.0.lifecycle_hook")
    assert [(h["role_arn"], h["lifecycle_stages"]) for h in hooks] == [
        (Ref("aws_iam_role.hooks", "arn"), ["POST_TEST_TRAFFIC_SHIFT"]),
        (infrastructure, ["POST_PRODUCTION_TRAFFIC_SHIFT"]),
    ]
    assert service.get("deployment_configuration.0.strategy") == "BLUE_GREEN"
    assert service.get("deployment_configuration.0.bake_time_in_minutes") == 5
    # `name = null` next to name_prefix: the attachment's role is the role's computed name
    attachment = model.get("module.service[0].aws_iam_role_policy_attachment.infrastructure[0]")
    assert attachment.values["role"] == Ref("module.service[0].aws_iam_role.infrastructure[0]", "name")


def test_the_module_shaped_configuration_lints_to_the_defects_it_really_has(tmp_path):
    """Every rule sees through the modules: nothing is left "could not prove"; the findings are the
    configuration's real defects: the listener rules inside the module cannot ignore what ECS
    rewrites, and the hook that falls back to the module's infrastructure role cannot invoke its
    function (that role has only the load balancer policy)."""
    findings = lint(load_directory(write(tmp_path, {**LB_MODULE, **SERVICE_MODULE, **ROOT})), Config())
    assert sorted((f.rule_id, f.severity.value, f.address) for f in findings) == [
        ("TFBG205", "error", "module.service[0].aws_ecs_service.this"),
        ("TFBG701", "error", 'module.lb.aws_lb_listener_rule.this["http/prod"]'),
        ("TFBG701", "error", 'module.lb.aws_lb_listener_rule.this["http/test"]'),
    ], [f.message for f in findings]
    (hook,) = [f for f in findings if f.rule_id == "TFBG205"]
    assert "module.service[0].aws_iam_role.infrastructure[0], the role of lifecycle_hook[1]" in hook.message


def test_dynamic_for_each_over_lists_sets_and_maps_with_iterators_and_resource_keys(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "paths" {
                  type    = set(string)
                  default = ["/b", "/a", "/b"]
                }
                resource "aws_lb_listener_rule" "this" {
                  for_each = { prod = 1, test = 2 }
                  priority = each.value
                  dynamic "condition" {
                    for_each = var.paths
                    content {
                      path_pattern {
                        values = [condition.value]
                      }
                    }
                  }
                }
                resource "aws_codedeploy_deployment_group" "this" {
                  deployment_group_name = "dg"
                  dynamic "load_balancer_info" {
                    for_each = [1]
                    content {
                      dynamic "target_group_pair_info" {
                        for_each = aws_lb_listener_rule.this
                        iterator = rule
                        content {
                          prod_traffic_route {
                            listener_arns = [aws_lb_listener_rule.this[rule.key].arn]
                          }
                          target_group {
                            name = "${rule.key}-${load_balancer_info.value}"
                          }
                        }
                      }
                    }
                  }
                }
            """
        },
    )
    model = load_directory(root)
    rule = model.get('aws_lb_listener_rule.this["prod"]')
    assert rule.values["condition"] == [{"path_pattern": [{"values": ["/a"]}]}, {"path_pattern": [{"values": ["/b"]}]}]
    group = model.get("aws_codedeploy_deployment_group.this")
    pairs = group.get("load_balancer_info.0.target_group_pair_info")
    assert [p["prod_traffic_route"][0]["listener_arns"] for p in pairs] == [
        [Ref('aws_lb_listener_rule.this["prod"]', "arn")],
        [Ref('aws_lb_listener_rule.this["test"]', "arn")],
    ]
    assert [p["target_group"][0]["name"] for p in pairs] == ["prod-1", "test-1"]


def test_for_expressions_conditionals_splats_and_fallbacks(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "services" {
                  type = map(object({
                    port    = number
                    public  = optional(bool, false)
                    aliases = optional(list(string), [])
                  }))
                  default = {
                    api = { port = 80, public = true, aliases = ["a", "b"] }
                    job = { port = 81 }
                  }
                }
                resource "aws_lb_target_group" "tg" {
                  count = 2
                  name  = "tg-${count.index}"
                }
                locals {
                  public      = [for name, s in var.services : name if s.public]
                  by_port     = { for name, s in var.services : s.port => name }
                  by_exposure = { for name, s in var.services : (s.public ? "public" : "private") => name... }
                  aliases     = flatten([for name, s in var.services : [for a in s.aliases : "${name}.${a}"]])
                  pairs       = setproduct(["blue", "green"], [80, 443])
                  arns        = aws_lb_target_group.tg[*].arn
                  first       = one([for name, s in var.services : s.port if name == "job"])
                  missing     = try(var.services.nope.port, 8080)
                  optional    = var.services.job.public ? "yes" : null
                  can_read    = can(var.services.api.port)
                  cannot_read = can(var.services.api.nope)
                }
                resource "aws_ssm_parameter" "out" {
                  name  = "out"
                  value = jsonencode({
                    public = local.public, by_port = local.by_port, by_exposure = local.by_exposure,
                    aliases = local.aliases, pairs = local.pairs, first = local.first, missing = local.missing,
                    optional = local.optional, can_read = local.can_read, cannot_read = local.cannot_read
                  })
                  description = local.optional
                  tags        = { arns = length(local.arns) }
                }
                resource "aws_ssm_parameter" "arns" {
                  name   = "arns"
                  type   = "StringList"
                  value  = local.arns[1]
                }
            """
        },
    )
    model = load_directory(root)
    out = model.get("aws_ssm_parameter.out")
    assert json.loads(out.values["value"]) == {
        "public": ["api"],
        "by_port": {"80": "api", "81": "job"},
        "by_exposure": {"public": ["api"], "private": ["job"]},
        "aliases": ["api.a", "api.b"],
        "pairs": [["blue", 80], ["blue", 443], ["green", 80], ["green", 443]],
        "first": 81,
        "missing": 8080,
        "optional": None,
        "can_read": True,
        "cannot_read": False,
    }
    assert out.values["description"] is None  # a conditional yielding null
    assert out.values["tags"] == {"arns": 2}
    assert model.get("aws_ssm_parameter.arns").values["value"] == Ref("aws_lb_target_group.tg[1]", "arn")


def test_registry_and_git_modules_installed_by_terraform_init_at_any_depth(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                module "svc" {
                  for_each = toset(["a", "b"])
                  source   = "example-org/service/aws"
                  version  = "~> 2.0"
                  name     = each.key
                }
            """,
            # what `terraform init` leaves: a registry package with a subdirectory module, a git
            # module inside it, and a local module of the git module
            ".terraform/modules/svc/modules/service/main.tf": """
                variable "name" { type = string }
                module "inner" {
                  source = "git::https://example.com/inner.git//sub?ref=v1"
                  name   = "${var.name}-inner"
                }
            """,
            ".terraform/modules/svc.inner/sub/main.tf": """
                variable "name" { type = string }
                module "leaf" {
                  source = "./leaf"
                  name   = var.name
                }
            """,
            ".terraform/modules/svc.inner/sub/leaf/main.tf": """
                variable "name" { type = string }
                resource "aws_iam_role" "r" {
                  name = var.name
                }
            """,
            ".terraform/modules/modules.json": json.dumps(
                {
                    "Modules": [
                        {"Key": "", "Source": "", "Dir": "."},
                        {
                            "Key": "svc",
                            "Source": "registry.terraform.io/example-org/service/aws//modules/service",
                            "Version": "2.1.0",
                            "Dir": ".terraform/modules/svc/modules/service",
                        },
                        {
                            "Key": "svc.inner",
                            "Source": "git::https://example.com/inner.git//sub?ref=v1",
                            "Dir": ".terraform/modules/svc.inner/sub",
                        },
                        {"Key": "svc.inner.leaf", "Source": "./leaf", "Dir": ".terraform/modules/svc.inner/sub/leaf"},
                    ]
                }
            ),
        },
    )
    model = load_directory(root)
    assert not model.diagnostics
    roles = {r.address: r.values["name"] for r in model.by_type("aws_iam_role")}
    assert roles == {
        'module.svc["a"].module.inner.module.leaf.aws_iam_role.r': "a-inner",
        'module.svc["b"].module.inner.module.leaf.aws_iam_role.r': "b-inner",
    }


# -- what stays unknown says why, once per cause ---------------------------------------------


def test_unknown_values_name_the_exact_sub_expression_and_why(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "strategy" {
                  type = string
                }
                data "aws_ssm_parameter" "image" {
                  name = "/app/image"
                }
                data "aws_availability_zones" "all" {}
                resource "aws_security_group" "sg" {
                  name = "sg"
                }
                resource "aws_subnet" "private" {
                  count = length(data.aws_availability_zones.all.names)
                }
                module "app" {
                  source   = "./app"
                  image    = data.aws_ssm_parameter.image.value
                  sg_rule  = "${aws_security_group.sg.id}/ingress"
                  strategy = var.strategy
                }
            """,
            "app/main.tf": """
                variable "image" { type = string }
                variable "sg_rule" { type = string }
                variable "strategy" { type = string }
                variable "port" { type = number }
                resource "aws_ecs_task_definition" "td" {
                  family                = "app"
                  container_definitions = jsonencode([{ image = "${var.image}:v1", portMappings = [{ containerPort = var.port }] }])
                }
                resource "aws_ecs_service" "this" {
                  name = "x-${var.sg_rule}"
                  deployment_configuration {
                    strategy = upper(var.strategy)
                  }
                }
            """,
        },
    )
    model = load_directory(root)
    service = model.get("module.app.aws_ecs_service.this")
    strategy = service.get("deployment_configuration.0.strategy")
    assert isinstance(strategy, Unknown)
    assert strategy.cause == (
        "var.strategy: a root module variable without default, set by no --var, --var-file or tfvars file"
    )
    assert service.values["name"].cause == "aws_security_group.sg.id: known only after apply (set by the provider)"
    definitions = model.get("module.app.aws_ecs_task_definition.td").values["container_definitions"]
    assert definitions.cause == "data.aws_ssm_parameter.image.value: read by a data source when Terraform runs"
    subnet = model.get("aws_subnet.private")
    assert subnet.count_unknown
    assert subnet.count_cause == "data.aws_availability_zones.all.names: read by a data source when Terraform runs"


def test_variable_without_value_inside_a_module_names_the_call(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": 'module "app" {\n  source = "./app"\n}\n',
            "app/main.tf": 'variable "port" {}\nresource "aws_lb_target_group" "tg" {\n  port = var.port\n}\n',
        },
    )
    port = load_directory(root).get("module.app.aws_lb_target_group.tg").values["port"]
    assert port.cause == "module.app.var.port: the module call module.app does not set it and it has no default"


def test_a_value_terraform_rejects_is_invalid_and_says_which_attribute(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": 'module "app" {\n  source = "./app"\n  lb = { app = { container_name = "app" } }\n}\n',
            "app/main.tf": """
                variable "lb" {
                  type = map(object({ container_name = string, container_port = number }))
                }
                resource "aws_ecs_service" "this" {
                  name = try(var.lb.app.container_name, "fallback")
                }
            """,
        },
    )
    service = load_directory(root).get("module.app.aws_ecs_service.this")
    assert service.values["name"] == "fallback"  # try() moves on, as Terraform would not even get there


UNKNOWN_LB_MODULE = {
    "main.tf": """
        module "alb" {
          source  = "terraform-aws-modules/alb/aws"
          version = "~> 10.0"
        }
        resource "aws_ecs_cluster" "c" {
          name = "c"
        }
        resource "aws_ecs_service" "this" {
          name    = "app"
          cluster = aws_ecs_cluster.c.arn
          deployment_configuration {
            strategy = "BLUE_GREEN"
          }
          load_balancer {
            target_group_arn = module.alb.target_groups["blue"].arn
            container_name   = "app"
            container_port   = 80
            advanced_configuration {
              alternate_target_group_arn = module.alb.target_groups["green"].arn
              production_listener_rule   = module.alb.listener_rules["http/prod"].arn
              test_listener_rule         = module.alb.listener_rules["http/test"].arn
              role_arn                   = aws_iam_role.infra.arn
            }
          }
        }
        resource "aws_iam_role" "infra" {
          name               = "infra"
          assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs.amazonaws.com" } }] })
        }
        resource "aws_iam_role_policy_attachment" "infra" {
          role       = aws_iam_role.infra.name
          policy_arn = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
        }
    """
}


def test_could_not_prove_is_reported_once_per_cause_not_once_per_rule(tmp_path):
    findings = lint(load_directory(write(tmp_path, UNKNOWN_LB_MODULE)), Config())
    unproven = [f for f in findings if f.message.startswith("could not prove")]
    cause = "module.alb: its source is not on disk (run `terraform init`), its outputs are not known"
    assert len([f for f in unproven if cause in f.message]) == 1, [f.message for f in unproven]
    (finding,) = [f for f in unproven if cause in f.message]
    assert f"[not known: {cause}; the same unknown value leaves unproven: " in finding.message
    # every other check it blocks is listed in that one message, none is reported again
    blocked = finding.message.split("leaves unproven: ", 1)[1]
    assert blocked.count("aws_ecs_service.this") >= 2
    assert all(f.cause != cause for f in unproven if f is not finding)


def test_the_debug_dump_shows_values_references_and_each_cause_once(tmp_path):
    from validator.hcl.dump import dump

    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "image" {}
                resource "aws_lb_target_group" "tg" {
                  name = "tg"
                }
                resource "aws_ecs_service" "svc" {
                  name = "svc-${var.image}"
                  load_balancer {
                    target_group_arn = aws_lb_target_group.tg.arn
                  }
                  tags = { image = var.image }
                }
            """
        },
    )
    text = dump(root, ["aws_ecs_service"])
    assert "== aws_ecs_service.svc" in text and "aws_lb_target_group.tg" not in text.split("-- ")[0].replace(
        "<ref aws_lb_target_group.tg.arn>", ""
    )
    assert '"target_group_arn": "<ref aws_lb_target_group.tg.arn>"' in text
    cause = "var.image: a root module variable without default, set by no --var, --var-file or tfvars file"
    assert f"   2  {cause}\n      e.g. aws_ecs_service.svc.name" in text


def test_a_role_the_module_does_not_create_falls_back_to_the_one_given(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "create_role" {
                  type    = bool
                  default = false
                }
                variable "role_arn" {
                  type    = string
                  default = "arn:aws:iam::123456789012:role/given"
                }
                resource "aws_iam_role" "infra" {
                  count = var.create_role ? 1 : 0
                  name  = "infra"
                }
                resource "aws_ecs_service" "this" {
                  name = "svc"
                  load_balancer {
                    advanced_configuration {
                      role_arn = try(aws_iam_role.infra[0].arn, var.role_arn)
                    }
                  }
                }
            """
        },
    )
    service = load_directory(root).get("aws_ecs_service.this")
    assert service.get("load_balancer.0.advanced_configuration.0.role_arn") == "arn:aws:iam::123456789012:role/given"


def test_a_module_call_whose_for_each_reads_its_own_outputs_is_a_cycle_not_a_crash(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                module "loop" {
                  source   = "./m"
                  for_each = module.loop.names
                }
            """,
            "m/main.tf": 'output "names" {\n  value = {}\n}\nresource "aws_ssm_parameter" "p" {\n  name = "p"\n}\n',
        },
    )
    (parameter,) = load_directory(root).resources
    assert parameter.count_unknown
    assert parameter.count_cause == "module.loop: its count or for_each refers to its own outputs (a cycle Terraform rejects)"


def test_defects_of_a_resource_whose_count_is_unknown_each_name_the_cause(tmp_path):
    """Should the service exist, each finding is a defect of its own (with its own fix): they stay
    separate, each saying which unknown value decides whether it exists."""
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "enabled" {
                  type = bool
                }
                resource "aws_ecs_service" "this" {
                  count = var.enabled ? 1 : 0
                  name  = "svc"
                  deployment_configuration {
                    strategy = "BLUE_GREEN"
                  }
                  load_balancer {
                    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/a/1"
                    container_name   = "app"
                    container_port   = 80
                  }
                }
            """
        },
    )
    findings = [f for f in lint(load_directory(root), Config()) if f.address == "aws_ecs_service.this"]
    assert len(findings) >= 2 and all(f.severity.value == "info" for f in findings)
    because = "exist is not known statically: var.enabled: a root module variable without default"
    assert all(because in f.message for f in findings), [f.message for f in findings]


def test_objects_passed_through_a_json_string_keep_their_references(tmp_path):
    """A module that serialises resources into a string attribute (time_sleep triggers) and decodes
    them in an output: the consumer still gets a reference to the right instance."""
    root = write(
        tmp_path,
        {
            "main.tf": """
                resource "aws_ecs_capacity_provider" "this" {
                  for_each = { spot = 1 }
                  name     = "cp-${each.key}"
                }
                resource "time_sleep" "wait" {
                  triggers = {
                    providers = jsonencode(aws_ecs_capacity_provider.this)
                  }
                }
                locals {
                  providers = jsondecode(time_sleep.wait.triggers["providers"])
                }
                resource "aws_ecs_service" "this" {
                  name = "svc"
                  capacity_provider_strategy {
                    capacity_provider = local.providers["spot"].name
                  }
                }
            """
        },
    )
    service = load_directory(root).get("aws_ecs_service.this")
    assert service.get("capacity_provider_strategy.0.capacity_provider") == Ref(
        'aws_ecs_capacity_provider.this["spot"]', "name"
    )


def test_maps_are_iterated_in_key_order_as_terraform_does(tmp_path):
    """dynamic blocks, for expressions and template loops over a map or object follow its keys in
    lexical order, whatever order they were written in (so lifecycle_hook[0] is Terraform's)."""
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "hooks" {
                  type    = map(object({ stage = string }))
                  default = { success = { stage = "POST_SCALE_UP" }, failure = { stage = "TEST_TRAFFIC_SHIFT" } }
                }
                resource "aws_ecs_service" "this" {
                  name = join(",", [for k, v in var.hooks : k])
                  deployment_configuration {
                    dynamic "lifecycle_hook" {
                      for_each = var.hooks
                      content {
                        lifecycle_stages = [lifecycle_hook.value.stage]
                      }
                    }
                  }
                  tags = { order = "%{ for k, v in var.hooks }${k};%{ endfor }" }
                }
            """
        },
    )
    service = load_directory(root).get("aws_ecs_service.this")
    assert service.values["name"] == "failure,success"
    assert [h["lifecycle_stages"] for h in service.get("deployment_configuration.0.lifecycle_hook")] == [
        ["TEST_TRAFFIC_SHIFT"],
        ["POST_SCALE_UP"],
    ]
    assert service.values["tags"] == {"order": "failure;success;"}
