"""The HCL directory loader: Terraform semantics a rule relies on (contract section 1)."""

import textwrap

import pytest

from validator.errors import InputError
from validator.loaders.hcl import load_directory
from validator.iam.collect import iam_index
from validator.iam.evaluate import Answer, Request, Target, evaluate
from validator.model import JsonDocument, Location, Ref, Unknown


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(root)


def test_references_across_files_resolve_literals_and_keep_computed_attributes_as_refs(tmp_path):
    root = write(
        tmp_path,
        {
            "lb.tf": """
                resource "aws_lb_target_group" "blue" {
                  name = "blue"
                  port = 80
                }
            """,
            "svc.tf": """
                resource "aws_ecs_service" "this" {
                  name = "svc-${aws_lb_target_group.blue.name}"
                  load_balancer {
                    target_group_arn = aws_lb_target_group.blue.arn
                    container_port   = aws_lb_target_group.blue.port
                  }
                }
            """,
        },
    )
    model = load_directory(root)
    service = model.get("aws_ecs_service.this")
    assert service.values["name"] == "svc-blue"
    assert service.get("load_balancer.0.target_group_arn") == Ref("aws_lb_target_group.blue", "arn")
    assert service.get("load_balancer.0.container_port") == 80
    assert model.resolve(service.get("load_balancer.0.target_group_arn")) is model.get("aws_lb_target_group.blue")
    assert sorted(f.rsplit("/", 1)[-1] for f in model.files) == ["lb.tf", "svc.tf"]


def test_locations_of_block_attributes_and_nested_blocks(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                resource "aws_ecs_service" "this" {
                  name = "svc"
                  deployment_configuration {
                    strategy = "LINEAR"
                  }
                }
            """
        },
    )
    service = load_directory(root).get("aws_ecs_service.this")
    file = str(tmp_path / "main.tf")
    assert service.location == Location(file, 1)
    assert service.loc("name") == Location(file, 2)
    assert service.loc("deployment_configuration.0") == Location(file, 3)
    assert service.loc("deployment_configuration.0.strategy") == Location(file, 4)
    assert service.values["deployment_configuration"] == [{"strategy": "LINEAR"}]


def test_module_instances_with_count_and_for_each_are_addressed_as_terraform_does(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                module "svc" {
                  source   = "./modules/svc"
                  for_each = { a = 1, b = 2 }
                  name     = "svc-${each.key}"
                  size     = each.value
                }
                module "pair" {
                  source = "./modules/svc"
                  count  = 2
                  name   = "pair-${count.index}"
                }
                resource "aws_ssm_parameter" "p" {
                  name  = module.svc["b"].role_name
                  value = module.pair[1].role_arn
                  type  = module.pair[0].role_name
                }
            """,
            "modules/svc/main.tf": """
                variable "name" {}
                variable "size" { default = 0 }
                resource "aws_iam_role" "x" {
                  name = var.name
                  description = "size ${var.size}"
                }
                output "role_name" { value = aws_iam_role.x.name }
                output "role_arn" { value = aws_iam_role.x.arn }
            """,
        },
    )
    model = load_directory(root)
    assert sorted((c.address, c.source) for c in model.module_calls) == [
        ("module.pair", "./modules/svc"),
        ("module.svc", "./modules/svc"),
    ]
    addresses = sorted(r.address for r in model.resources)
    assert addresses == [
        'aws_ssm_parameter.p',
        'module.pair[0].aws_iam_role.x',
        'module.pair[1].aws_iam_role.x',
        'module.svc["a"].aws_iam_role.x',
        'module.svc["b"].aws_iam_role.x',
    ]
    role = model.get('module.svc["b"].aws_iam_role.x')
    assert role.module == 'module.svc["b"]'
    assert role.values == {"name": "svc-b", "description": "size 2"}
    assert model.get("module.pair[1].aws_iam_role.x").values["description"] == "size 0"
    parameter = model.get("aws_ssm_parameter.p")
    assert parameter.values["name"] == "svc-b"
    assert parameter.values["value"] == Ref("module.pair[1].aws_iam_role.x", "arn")
    assert parameter.values["type"] == "pair-0"


def test_nested_module_variables_flow_down_two_levels(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": 'module "outer" {\n  source = "./outer"\n  prefix = "p"\n}\n',
            "outer/main.tf": """
                variable "prefix" {}
                module "inner" {
                  source = "../inner"
                  name   = "${var.prefix}-inner"
                }
            """,
            "inner/main.tf": """
                variable "name" {}
                resource "aws_sqs_queue" "q" { name = var.name }
            """,
        },
    )
    model = load_directory(root)
    queue = model.get("module.outer.module.inner.aws_sqs_queue.q")
    assert queue.values["name"] == "p-inner"
    assert [c.address for c in model.module_calls] == ["module.outer", "module.outer.module.inner"]
    assert queue.module == "module.outer.module.inner"
    assert queue.location.file.endswith("inner/main.tf")


def test_resource_count_and_for_each_expand_into_instances(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                locals { colours = toset(["green", "blue"]) }
                resource "aws_lb_target_group" "tg" {
                  for_each = local.colours
                  name     = "tg-${each.value}"
                }
                resource "aws_sqs_queue" "q" {
                  count = 2
                  name  = "q${count.index}"
                }
                resource "aws_ecs_service" "s" {
                  name = aws_sqs_queue.q[1].name
                  load_balancer { target_group_arn = aws_lb_target_group.tg["green"].arn }
                  tags = { all = join(",", aws_sqs_queue.q[*].name) }
                }
            """
        },
    )
    model = load_directory(root)
    assert model.get('aws_lb_target_group.tg["blue"]').values["name"] == "tg-blue"
    assert model.get('aws_lb_target_group.tg["green"]').index == "green"
    assert model.get("aws_sqs_queue.q[1]").index == 1
    service = model.get("aws_ecs_service.s")
    assert service.values["name"] == "q1"
    assert service.get("load_balancer.0.target_group_arn") == Ref('aws_lb_target_group.tg["green"]', "arn")
    assert service.values["tags"] == {"all": "q0,q1"}
    assert not any(r.count_unknown for r in model.resources)


def test_unknown_count_marks_the_resource_and_never_guesses(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "enabled" { type = bool }
                resource "aws_sqs_queue" "q" {
                  count = var.enabled ? 1 : 0
                  name  = "q-${count.index}"
                }
                resource "aws_sns_topic" "t" { name = aws_sqs_queue.q[0].arn }
            """
        },
    )
    model = load_directory(root)
    queue = model.get("aws_sqs_queue.q")
    assert queue.count_unknown is True
    assert isinstance(queue.values["name"], Unknown)
    assert model.get("aws_sns_topic.t").values["name"] == Ref("aws_sqs_queue.q", "arn")


def test_module_with_unknown_for_each_marks_its_resources_count_unknown(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "services" {}
                module "svc" {
                  source   = "./svc"
                  for_each = var.services
                }
            """,
            "svc/main.tf": 'resource "aws_sqs_queue" "q" { name = "x" }\n',
        },
    )
    model = load_directory(root)
    queue = model.get("module.svc.aws_sqs_queue.q")
    assert queue.count_unknown is True
    assert queue.values["name"] == "x"


def test_variable_precedence_default_tfvars_auto_tfvars_var_file_then_var(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "a" { default = "default" }
                variable "b" { default = "default" }
                variable "c" { default = "default" }
                variable "d" { default = "default" }
                variable "e" { default = "default" }
                variable "n" { type = number }
                resource "aws_sqs_queue" "q" {
                  name = join(",", [var.a, var.b, var.c, var.d, var.e])
                  delay_seconds = var.n
                }
            """,
            "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"\n',
            "a.auto.tfvars": 'c = "a.auto"\nd = "a.auto"\ne = "a.auto"\n',
            "b.auto.tfvars.json": '{"d": "b.auto", "e": "b.auto"}',
            "extra.tfvars": 'e = "var-file"\nn = 3\n',
        },
    )
    model = load_directory(root, var_files=[str(tmp_path / "extra.tfvars")])
    assert model.get("aws_sqs_queue.q").values["name"] == "default,tfvars,a.auto,b.auto,var-file"
    model = load_directory(root, var_files=[str(tmp_path / "extra.tfvars")], variables={"e": "cli", "n": "7"})
    queue = model.get("aws_sqs_queue.q")
    assert queue.values["name"].endswith(",cli")
    assert queue.values["delay_seconds"] == 7


def test_bad_auto_tfvars_is_a_diagnostic_at_its_line_and_a_bad_var_file_an_input_error(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": 'variable "a" { default = "x" }\n',
            "broken.auto.tfvars": 'a = "ok"\nb = [\n',
            "broken.tfvars.json": '{"a": ',
        },
    )
    [diagnostic] = load_directory(root).diagnostics
    assert diagnostic.location.file == str(tmp_path / "broken.auto.tfvars")
    assert diagnostic.location.line in (2, 3)
    assert diagnostic.message.startswith("cannot parse var file")
    with pytest.raises(InputError, match=r"broken\.tfvars\.json:1: var file is not valid JSON"):
        load_directory(root, var_files=[str(tmp_path / "broken.tfvars.json")])


def test_variable_without_value_is_unknown(tmp_path):
    root = write(tmp_path, {"main.tf": 'variable "x" {}\nresource "aws_sqs_queue" "q" { name = var.x }\n'})
    name = load_directory(root).get("aws_sqs_queue.q").values["name"]
    assert isinstance(name, Unknown)
    assert "var.x" in name.why


def test_missing_var_file_is_an_input_error(tmp_path):
    root = write(tmp_path, {"main.tf": "\n"})
    with pytest.raises(InputError, match="nope.tfvars"):
        load_directory(root, var_files=[str(tmp_path / "nope.tfvars")])


def test_directory_without_terraform_files_is_an_input_error(tmp_path):
    (tmp_path / "README.md").write_text("not terraform")
    with pytest.raises(InputError, match="no Terraform files"):
        load_directory(str(tmp_path))


def test_not_a_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not a directory"):
        load_directory(str(tmp_path / "missing"))


def test_dynamic_blocks_expand_when_known_and_are_unknown_otherwise(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                variable "rules" {}
                resource "aws_lb_listener_rule" "known" {
                  dynamic "condition" {
                    for_each = ["/a", "/b"]
                    iterator = c
                    content {
                      path_pattern { values = [c.value] }
                    }
                  }
                  condition {
                    host_header { values = ["x"] }
                  }
                }
                resource "aws_lb_listener_rule" "unknown" {
                  dynamic "condition" {
                    for_each = var.rules
                    content {
                      path_pattern { values = [condition.value] }
                    }
                  }
                }
            """
        },
    )
    model = load_directory(root)
    known = model.get("aws_lb_listener_rule.known")
    assert known.values["condition"] == [
        {"path_pattern": [{"values": ["/a"]}]},
        {"path_pattern": [{"values": ["/b"]}]},
        {"host_header": [{"values": ["x"]}]},
    ]
    assert known.loc("condition.1").line == 6  # the content block
    assert known.loc("condition.1.path_pattern.0.values").line == 7
    assert known.loc("condition.2").line == 10
    assert isinstance(model.get("aws_lb_listener_rule.unknown").values["condition"], Unknown)


def test_heredocs_with_interpolation_and_indentation_trimming(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                locals { bucket = "b1" }
                resource "aws_iam_policy" "p" {
                  policy = <<EOF
                {"Resource": "arn:aws:s3:::${local.bucket}/*", "Literal": "$${keep}"}
                EOF
                  description = <<-EOT
                    line one
                      indented
                  EOT
                }
            """
        },
    )
    policy = load_directory(root).get("aws_iam_policy.p")
    assert policy.values["policy"] == '{"Resource": "arn:aws:s3:::b1/*", "Literal": "${keep}"}\n'
    assert policy.values["description"] == "line one\n  indented\n"


def test_jsonencode_of_known_values_is_a_string_and_with_a_reference_a_document(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                resource "aws_iam_role" "r" {
                  name = "r"
                  assume_role_policy = jsonencode({
                    Version   = "2012-10-17"
                    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole" }]
                  })
                  inline = jsonencode({ Resource = aws_sqs_queue.q.arn })
                }
                resource "aws_sqs_queue" "q" {}
            """
        },
    )
    role = load_directory(root).get("aws_iam_role.r")
    assert role.values["assume_role_policy"] == (
        '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow"}],"Version":"2012-10-17"}'
    )
    assert role.values["inline"] == JsonDocument(
        "jsonencode({ Resource = aws_sqs_queue.q.arn })", {"Resource": Ref("aws_sqs_queue.q", "arn")}
    )


POLICY_WITH_REFERENCE = {
    "jsonencode": """
        resource "aws_iam_role_policy" "x" {
          role = aws_iam_role.r.id
          policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "lambda:InvokeFunction", Resource = aws_lambda_function.hook.arn }] })
        }
    """,
    "heredoc": """
        resource "aws_iam_role_policy" "x" {
          role   = aws_iam_role.r.id
          policy = <<-EOF
            {
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "${aws_lambda_function.hook.arn}"}]
            }
          EOF
        }
    """,
    "templatefile": """
        resource "aws_iam_role_policy" "x" {
          role   = aws_iam_role.r.id
          policy = templatefile("${path.module}/invoke.json.tpl", { function_arn = aws_lambda_function.hook.arn })
        }
    """,
}


@pytest.mark.parametrize("form", sorted(POLICY_WITH_REFERENCE))
def test_a_policy_with_a_reference_is_evaluated_by_the_iam_collector(tmp_path, form):
    root = write(
        tmp_path,
        {
            "main.tf": POLICY_WITH_REFERENCE[form]
            + """
                resource "aws_iam_role" "r" { name = "r" }
                resource "aws_lambda_function" "hook" { function_name = "hook" }
                resource "aws_lambda_function" "other" { function_name = "other" }
            """,
            "invoke.json.tpl": '{"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "${function_arn}"}]}\n',
        },
    )
    model = load_directory(root)
    assert isinstance(model.get("aws_iam_role_policy.x").values["policy"], JsonDocument)
    index = iam_index(model)
    permissions = index.role(model.get("aws_iam_role.r")).permissions

    def answer(function):
        target = Target(ref=Ref(f"aws_lambda_function.{function}", "arn"), shape="arn:aws:lambda:*:*:function:*")
        return evaluate(permissions, Request("lambda:InvokeFunction", target), index.resolve).answer

    assert answer("hook") is Answer.ALLOWED
    assert answer("other") is Answer.NOT_ALLOWED


def test_lifecycle_ignore_changes_is_normalised(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                resource "aws_lb_listener_rule" "r" {
                  lifecycle {
                    ignore_changes = [action[0].forward[0].target_group, tags["Owner"], priority]
                  }
                }
                resource "aws_lb_listener_rule" "all" {
                  lifecycle { ignore_changes = all }
                }
                resource "aws_lb_listener_rule" "none" {}
            """
        },
    )
    model = load_directory(root)
    rule = model.get("aws_lb_listener_rule.r")
    assert rule.ignore_changes == frozenset({"action.0.forward.0.target_group", "tags.Owner", "priority"})
    assert rule.ignores("action.0.forward.0.target_group.1.weight") is True
    assert "lifecycle" not in rule.values
    assert model.get("aws_lb_listener_rule.all").ignore_changes == "all"
    assert model.get("aws_lb_listener_rule.none").ignore_changes == frozenset()


def test_locations_of_lifecycle_and_its_ignore_changes(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                resource "aws_lb_listener_rule" "ignores" {
                  priority = 1

                  lifecycle {
                    create_before_destroy = true
                    ignore_changes        = [tags]
                  }
                }
                resource "aws_lb_listener_rule" "lifecycle_only" {
                  lifecycle {
                    create_before_destroy = true
                  }
                }
                resource "aws_lb_listener_rule" "none" {}
            """
        },
    )
    model = load_directory(root)
    file = str(tmp_path / "main.tf")
    ignores = model.get("aws_lb_listener_rule.ignores")
    assert ignores.locations["lifecycle.0"] == Location(file, 4)
    assert ignores.locations["lifecycle.0.ignore_changes"] == Location(file, 6)
    assert "lifecycle" not in ignores.values
    # Where a rule reports a missing ignore: the attribute, else the block, else the resource.
    assert model.get("aws_lb_listener_rule.lifecycle_only").loc("lifecycle.0.ignore_changes") == Location(file, 10)
    assert model.get("aws_lb_listener_rule.none").loc("lifecycle.0.ignore_changes") == Location(file, 14)


def test_a_parse_error_in_one_file_is_a_diagnostic_and_other_files_still_load(tmp_path):
    root = write(
        tmp_path,
        {
            "good.tf": 'resource "aws_sqs_queue" "q" { name = "q" }\n',
            "bad.tf": 'resource "aws_sqs_queue" "r" {\n  name = "r"\n  x = [1,\n}\n',
        },
    )
    model = load_directory(root)
    assert [r.address for r in model.resources] == ["aws_sqs_queue.q"]
    [diagnostic] = model.diagnostics
    assert diagnostic.severity == "error"
    assert diagnostic.location.file == str(tmp_path / "bad.tf")
    assert diagnostic.location.line in (3, 4)
    assert "cannot parse" in diagnostic.message


def test_a_file_with_a_utf8_byte_order_mark_and_crlf_is_read_as_terraform_reads_it(tmp_path):
    (tmp_path / "main.tf").write_bytes(b'\xef\xbb\xbfresource "aws_sqs_queue" "q" {\r\n  name = "q"\r\n}\r\n')
    model = load_directory(str(tmp_path))
    assert model.diagnostics == []
    assert model.get("aws_sqs_queue.q").values["name"] == "q"


def test_a_file_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(tmp_path):
    (tmp_path / "main.tf").write_bytes(b'resource "aws_sqs_queue" "q" {\n  name = "\xff"\n}\n')
    [diagnostic] = load_directory(str(tmp_path)).diagnostics
    assert diagnostic.location.line == 2
    assert diagnostic.message == "cannot read file: not UTF-8 text (Terraform requires UTF-8)"


def test_a_parse_error_quotes_one_line_of_the_unexpected_text(tmp_path):
    root = write(tmp_path, {"main.tf": 'resource "aws_sqs_queue" "q" {\n  name = = var.name\n  delay_seconds = 5\n}\n'})
    [diagnostic] = load_directory(root).diagnostics
    assert diagnostic.location.line == 2
    assert "\\n" not in diagnostic.message and "delay_seconds" not in diagnostic.message
    assert "'= var.name'" in diagnostic.message


def test_remote_module_is_reported_once_as_info_and_skipped(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                module "ecs" {
                  source  = "terraform-aws-modules/ecs/aws"
                  version = "5.0.0"
                }
                resource "aws_sqs_queue" "q" { name = module.ecs.cluster_arn }
            """
        },
    )
    model = load_directory(root)
    [diagnostic] = model.diagnostics
    assert diagnostic.severity == "info"
    assert "module.ecs" in diagnostic.message and "terraform-aws-modules/ecs/aws" in diagnostic.message
    [call] = model.module_calls
    assert (call.address, call.source, call.version) == ("module.ecs", "terraform-aws-modules/ecs/aws", "5.0.0")
    assert diagnostic.location == Location(str(tmp_path / "main.tf"), 1)
    assert isinstance(model.get("aws_sqs_queue.q").values["name"], Unknown)


def test_required_providers_become_model_providers(tmp_path):
    root = write(
        tmp_path,
        {
            "versions.tf": """
                terraform {
                  required_providers {
                    aws = {
                      source  = "registry.terraform.io/hashicorp/aws"
                      version = ">= 6.21.0"
                    }
                    archive = { source = "hashicorp/archive" }
                  }
                }
            """
        },
    )
    providers = {p.name: p for p in load_directory(root).providers}
    assert providers["aws"].source == "hashicorp/aws"
    assert providers["aws"].version_constraint == ">= 6.21.0"
    assert providers["aws"].location.line == 3
    assert providers["archive"].version_constraint is None


def test_data_sources_are_addressed_with_data_prefix(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                data "aws_iam_policy_document" "d" {
                  statement { actions = ["s3:GetObject"] }
                }
                resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }
            """
        },
    )
    model = load_directory(root)
    document = model.get("data.aws_iam_policy_document.d")
    assert document.mode == "data"
    assert document.values == {"statement": [{"actions": ["s3:GetObject"]}]}
    assert model.get("aws_iam_policy.p").values["policy"] == Ref("data.aws_iam_policy_document.d", "json")


def test_reference_cycles_do_not_hang(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                resource "aws_sqs_queue" "a" { name = aws_sqs_queue.b.name }
                resource "aws_sqs_queue" "b" { name = aws_sqs_queue.a.name }
            """
        },
    )
    model = load_directory(root)
    assert model.get("aws_sqs_queue.a").values["name"] == Ref("aws_sqs_queue.b", "name")


def test_duplicate_declarations_are_diagnostics_and_the_first_one_is_kept(tmp_path):
    root = write(
        tmp_path,
        {
            "a.tf": 'resource "aws_sqs_queue" "q" { name = "first" }\n',
            "b.tf": 'resource "aws_sqs_queue" "q" { name = "second" }\n',
        },
    )
    model = load_directory(root)
    assert model.get("aws_sqs_queue.q").values["name"] == "first"
    [diagnostic] = model.diagnostics
    assert diagnostic.location == Location(str(tmp_path / "b.tf"), 1)
    assert diagnostic.message == f'duplicate resource "aws_sqs_queue" "q": already declared at {tmp_path / "a.tf"}:1'


def test_override_files_merge_into_their_base_blocks(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": """
                locals { name = "base" }
                resource "aws_ecs_service" "this" {
                  name          = local.name
                  desired_count = 1
                  deployment_configuration {
                    strategy = "ROLLING"
                  }
                  lifecycle { ignore_changes = [desired_count] }
                }
            """,
            "z_override.tf": """
                locals { name = "overridden" }
                resource "aws_ecs_service" "this" {
                  desired_count = 2
                  deployment_configuration {
                    strategy = "BLUE_GREEN"
                  }
                  lifecycle { create_before_destroy = true }
                }
            """,
        },
    )
    model = load_directory(root)
    assert model.diagnostics == []
    service = model.get("aws_ecs_service.this")
    assert service.values == {
        "name": "overridden",
        "desired_count": 2,
        "deployment_configuration": [{"strategy": "BLUE_GREEN"}],
    }
    assert service.location == Location(str(tmp_path / "main.tf"), 2)
    assert service.loc("desired_count") == Location(str(tmp_path / "z_override.tf"), 3)
    assert service.loc("deployment_configuration.0.strategy") == Location(str(tmp_path / "z_override.tf"), 5)
    assert service.ignore_changes == frozenset({"desired_count"})


def test_override_without_base_and_json_configuration_are_diagnostics(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": "",
            "override.tf": 'resource "aws_sqs_queue" "ghost" { name = "x" }\n',
            "extra.tf.json": '{"resource": {}}',
        },
    )
    diagnostics = {d.location.file.rsplit("/", 1)[-1]: d for d in load_directory(root).diagnostics}
    assert diagnostics["override.tf"].severity == "error"
    assert "no base declaration" in diagnostics["override.tf"].message
    assert diagnostics["extra.tf.json"].severity == "info"


def test_a_remote_module_inside_a_for_each_module_is_reported_once(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": 'module "svc" {\n  source   = "./svc"\n  for_each = toset(["a", "b]"])\n}\n',
            "svc/main.tf": 'module "alb" {\n  source = "terraform-aws-modules/alb/aws"\n}\n',
        },
    )
    model = load_directory(root)
    assert [d.message.split(":")[0] for d in model.diagnostics] == ["module.svc.module.alb"]
    assert [c.address for c in model.module_calls] == ["module.svc", "module.svc.module.alb"]


def test_an_evaluator_failure_skips_that_resource_with_a_diagnostic(tmp_path, monkeypatch):
    from validator.hcl import instance

    root = write(
        tmp_path,
        {"main.tf": 'resource "aws_sqs_queue" "a" { name = "a" }\nresource "aws_sqs_queue" "b" { name = "b" }\n'},
    )
    real = instance.ModuleInstance.resource_values

    def failing(self, decl, key):
        if decl.name == "a":
            raise ValueError("boom")
        return real(self, decl, key)

    monkeypatch.setattr(instance.ModuleInstance, "resource_values", failing)
    model = load_directory(root)
    assert [r.address for r in model.resources] == ["aws_sqs_queue.b"]
    [diagnostic] = model.diagnostics
    assert diagnostic.severity == "error"
    assert diagnostic.location.line == 1
    assert "aws_sqs_queue.a: tfbg could not evaluate this resource (ValueError: boom)" in diagnostic.message


def test_splat_on_a_single_resource_is_a_one_element_list(tmp_path):
    root = write(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "a" { name = "a" }\n'
            'resource "aws_sqs_queue" "b" { name = join(",", aws_sqs_queue.a[*].name) }\n'
        },
    )
    assert load_directory(root).get("aws_sqs_queue.b").values["name"] == "a"


def test_path_module_and_root_are_relative_to_the_root_as_in_terraform_whatever_the_input_path(tmp_path, monkeypatch):
    write(
        tmp_path / "repro1",
        {
            "main.tf": """
                resource "aws_iam_policy" "p" { policy = file("${path.module}/p.json") }
                resource "aws_sqs_queue" "q" { name = "${path.module}|${path.root}|${path.cwd}" }
                module "m" { source = "./modules/m" }
            """,
            "p.json": '{"root": 1}',
            "modules/m/main.tf": """
                resource "aws_iam_policy" "own" { policy = file("${path.module}/q.json") }
                resource "aws_iam_policy" "root" { policy = file("${path.root}/p.json") }
                resource "aws_sqs_queue" "q" { name = "${path.module}|${path.root}" }
            """,
            "modules/m/q.json": '{"module": 1}',
        },
    )
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "repro1")
    for given in ("repro1", "./repro1", absolute):
        model = load_directory(given)
        values = {r.address: r.values.get("policy") or r.values.get("name") for r in model.resources}
        assert values == {
            "aws_iam_policy.p": '{"root": 1}',
            "aws_sqs_queue.q": f".|.|{absolute}",
            "module.m.aws_iam_policy.own": '{"module": 1}',
            "module.m.aws_iam_policy.root": '{"root": 1}',
            "module.m.aws_sqs_queue.q": "modules/m|.",
        }, given
    monkeypatch.chdir(tmp_path / "repro1")
    assert load_directory(".").get("aws_iam_policy.p").values["policy"] == '{"root": 1}'
