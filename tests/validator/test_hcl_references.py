"""Input errors `terraform validate` would report: removed functions and undeclared references (TFBG002)."""

from __future__ import annotations

from validator.config import Config
from validator.engine import lint
from validator.loaders.hcl import load_directory


def _diagnostics(tmp_path, text: str, **files: str) -> list[str]:
    (tmp_path / "main.tf").write_text(text)
    for name, content in files.items():
        (tmp_path / name.replace("__", ".")).write_text(content)
    model = load_directory(str(tmp_path))
    return [f"{d.location.line}: {d.message}" for d in model.diagnostics if d.severity == "error"]


def test_removed_list_and_map_are_one_error_each_at_their_line(tmp_path):
    found = _diagnostics(
        tmp_path,
        'locals {\n  a = list("x")\n  b = map("k", "v")\n  c = tolist(["x"])\n}\n',
    )
    assert found == [
        '2: Call to function "list" failed: the "list" function was deprecated in Terraform v0.12 and is no '
        "longer available; use tolist([ ... ]) syntax to write a literal list",
        '3: Call to function "map" failed: the "map" function was deprecated in Terraform v0.12 and is no '
        "longer available; use tomap({ ... }) syntax to write a literal map",
    ]


def test_undeclared_resource_data_variable_local_and_module(tmp_path):
    found = _diagnostics(
        tmp_path,
        'resource "aws_lb" "main" {\n'
        "  name    = var.missing\n"
        "  subnets = [local.nope, aws_subnet.a.id, data.aws_subnet.b.id]\n"
        "  tags    = { x = module.gone.out }\n"
        "}\n",
    )
    assert [f.split(":")[0] for f in found] == ["2", "3", "3", "3", "4"]
    assert 'an input variable with the name "missing"' in found[0]
    assert any('a managed resource "aws_subnet" "a"' in f for f in found)
    assert any('a data resource "aws_subnet" "b"' in f for f in found)
    assert any('a local value with the name "nope"' in f for f in found)
    assert 'no module call named "gone"' in found[4]


def test_the_error_reaches_the_report_as_tfbg002(tmp_path):
    (tmp_path / "main.tf").write_text('output "x" {\n  value = aws_lb.nowhere.arn\n}\n')
    findings = [f for f in lint(load_directory(str(tmp_path)), Config()) if f.rule_id == "TFBG002"]
    assert [(f.severity.value, f.location.line) for f in findings] == [("error", 2)]


def test_scoped_names_and_unknown_values_are_not_errors(tmp_path):
    found = _diagnostics(
        tmp_path,
        'variable "rules" {\n  type = map(object({ port = number }))\n  default = {}\n}\n'
        'resource "aws_lb" "main" {\n'
        "  count = 1\n"
        '  name  = "x-${count.index}-${path.module}-${terraform.workspace}"\n'
        "  tags  = { for k, v in var.rules : k => v.port if v.port > 0 }\n"
        "  subnets = [for s in module.net.subnets : s.id]\n"
        '  dynamic "subnet_mapping" {\n'
        "    for_each = var.rules\n"
        "    iterator = r\n"
        "    content { subnet_id = r.value.port }\n"
        "  }\n"
        '  dynamic "access_logs" {\n'
        "    for_each = var.rules\n"
        "    content { bucket = access_logs.key }\n"
        "  }\n"
        "  provider = aws.west\n"
        "  lifecycle {\n    ignore_changes = [tags]\n  }\n"
        "}\n"
        'resource "aws_lb_listener" "l" {\n'
        "  for_each          = var.rules\n"
        "  load_balancer_arn = aws_lb.main[0].arn\n"
        "  port              = each.value.port\n"
        "  depends_on        = [aws_lb.main]\n"
        "}\n"
        'module "net" {\n  source = "./net"\n  providers = { aws = aws.west }\n}\n'
        'check "health" {\n  data "http" "x" {\n    url = "https://example.com"\n  }\n'
        "  assert {\n    condition     = data.http.x.status_code == 200\n    error_message = \"down\"\n  }\n}\n",
    )
    assert found == [] or all("module source" in f or "directory" in f for f in found), found


def test_a_module_with_json_configuration_has_its_references_left_alone(tmp_path):
    found = _diagnostics(tmp_path, 'output "x" {\n  value = aws_lb.declared_in_json.arn\n}\n', main__tf__json="{}")
    assert not any("undeclared" in f for f in found), found


def test_a_bare_name_is_an_invalid_reference_but_provisioner_keywords_are_not(tmp_path):
    found = _diagnostics(
        tmp_path,
        'resource "aws_ecs_service" "app" {\n'
        "  name        = \"app\"\n"
        "  launch_type = fargate\n"
        '  provisioner "local-exec" {\n'
        "    when       = destroy\n"
        "    on_failure = continue\n"
        '    command    = "true"\n'
        "  }\n"
        "}\n",
    )
    assert len(found) == 1 and found[0].startswith('3: Invalid reference: "fargate" is not a name in scope'), found


def test_the_same_lines_as_terraform_validate(tmp_path, terraform):
    """Real Terraform 1.0.3 on the same file: one tfbg error per `terraform validate` error, same lines."""
    (tmp_path / "main.tf").write_text(
        'locals {\n  names = list("a", "b")\n  tags  = map("k", "v")\n  ok    = [for n in ["a"] : upper(n)]\n}\n'
        'output "lb" {\n  value = aws_lb.nowhere.arn\n}\n'
        'output "v" {\n  value = var.missing\n}\n'
        'output "bare" {\n  value = fargate\n}\n'
    )
    import re

    result = terraform.run(tmp_path, "validate", "-no-color", check=False)
    assert result.returncode != 0
    expected = sorted(int(n) for n in re.findall(r"on main\.tf line (\d+)", result.stderr + result.stdout))
    found = sorted(d.location.line for d in load_directory(str(tmp_path)).diagnostics if d.severity == "error")
    assert found == expected == [2, 3, 7, 10, 13]


def test_removed_functions_are_left_alone_where_required_version_stops_before_0_15(tmp_path):
    found = _diagnostics(
        tmp_path,
        'terraform {\n  required_version = ">= 0.12, < 0.14"\n}\nlocals {\n  a = list("x")\n}\n',
    )
    assert found == []


def test_a_directory_that_declares_nothing_is_a_template_not_a_module(tmp_path):
    found = _diagnostics(tmp_path, 'provider "aws" {\n  region = region\n}\n')
    assert found == []


def test_names_bound_by_template_directives_are_not_references(tmp_path):
    found = _diagnostics(
        tmp_path,
        'variable "names" {\n  type    = list(string)\n  default = ["a"]\n}\n'
        'locals {\n  joined = "%{for n in var.names}${n},%{endfor}"\n'
        '  cond = "%{if length(var.names) > 0}yes%{else}no%{endif}"\n}\n',
    )
    assert found == []
