"""`tfbg lint -r`: which directories are root modules, and how the report covers several."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from validator.loaders.roots import find_roots, module_sources

FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures"
# A configuration with one error (TFBG203, service-role/ path) and one without any error.
WITH_ERROR = FIXTURES / "TFBG203" / "fail_service_role_path" / "main.tf"
CLEAN = FIXTURES / "TFBG203" / "pass_correct_arns" / "main.tf"


def tfbg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_module_sources_skips_comments_heredocs_and_interpolation() -> None:
    text = '''
# module "commented" { source = "./no" }
/* module "block_comment" {
  source = "./no"
} */
locals {
  doc = <<EOT
module "in_heredoc" {
  source = "./no"
}
EOT
}
module "a" {
  source  = "./modules/a" // trailing comment
  version = "1.0"
  nested = { source = "./no" }
}
module "b" { source = "../shared/b" }
module "c" {
  count  = var.enabled ? 1 : 0
  source = "terraform-aws-modules/ecs/aws//modules/service"
}
resource "aws_s3_object" "o" {
  source = "./files/x.zip"
}
module "d" {
  name   = "${var.a == "x" ? "y" : "z"}"
  source = "./d"
}
'''
    assert module_sources(text) == ["./modules/a", "../shared/b", "terraform-aws-modules/ecs/aws//modules/service", "./d"]


def test_module_sources_with_windows_line_endings() -> None:
    text = 'locals {\r\n  doc = <<EOT\r\nmodule "m" {\r\n  source = "./no"\r\n}\r\nEOT\r\n}\r\nmodule "a" {\r\n  source = "./a"\r\n}\r\n'
    assert module_sources(text) == ["./a"]


def test_a_root_is_a_directory_no_other_found_directory_calls(tmp_path: Path) -> None:
    write(tmp_path / "envs" / "dev" / "main.tf", 'module "svc" {\n  source = "../../modules/svc"\n}\n')
    write(tmp_path / "envs" / "prod" / "main.tf", 'module "svc" {\n  source = "../../modules/svc"\n}\n')
    write(tmp_path / "modules" / "svc" / "main.tf", 'module "inner" {\n  source = "./inner"\n}\n')
    write(tmp_path / "modules" / "svc" / "inner" / "main.tf", "")
    write(tmp_path / "modules" / "unused" / "main.tf", "")  # called by nobody: linted as a root
    write(tmp_path / "envs" / "dev" / ".terraform" / "modules" / "x" / "main.tf", "")
    write(tmp_path / ".github" / "main.tf", "")
    write(tmp_path / "README.md", "")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    roots = [os.path.relpath(root, tmp_path) for root in find_roots(str(tmp_path))]
    assert roots == ["envs/dev", "envs/prod", "modules/unused"]


def test_lint_searches_a_directory_without_tf_files_and_reports_per_root(tmp_path: Path) -> None:
    write(tmp_path / "infra" / "bad" / "main.tf", WITH_ERROR.read_text())
    write(tmp_path / "infra" / "good" / "main.tf", CLEAN.read_text())
    result = tfbg("lint", "--format", "json", "infra", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # the exit code covers every root
    report = json.loads(result.stdout)
    assert report["roots"] == ["infra/bad", "infra/good"]
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["root"]) for f in errors] == [("TFBG203", "infra/bad")]

    text = tfbg("lint", "infra", cwd=tmp_path)
    assert "== infra/bad ==" in text.stdout and "of the 2 root modules linted" in text.stdout

    sarif = json.loads(tfbg("lint", "--format", "sarif", "infra", cwd=tmp_path).stdout)
    roots = {r["properties"]["root"] for r in sarif["runs"][0]["results"] if r["level"] == "error"}
    assert roots == {"infra/bad"}


def test_recursive_also_lints_roots_below_a_directory_with_tf_files(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", CLEAN.read_text())
    write(tmp_path / "examples" / "bad" / "main.tf", WITH_ERROR.read_text())
    assert tfbg("lint", ".", cwd=tmp_path).returncode == 0  # only the directory itself
    result = tfbg("lint", "-r", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout)["roots"] == [".", "examples/bad"]


@pytest.mark.parametrize("recursive", [[], ["-r"]])
def test_no_terraform_below_a_directory_is_an_input_error(tmp_path: Path, recursive: list[str]) -> None:
    write(tmp_path / "docs" / "README.md", "")
    result = tfbg("lint", *recursive, str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"tfbg: error: {tmp_path}: no Terraform files (*.tf) in this directory or below it"


def test_a_module_shared_by_two_roots_is_reported_once_per_root(tmp_path: Path) -> None:
    write(tmp_path / "modules" / "svc" / "main.tf", WITH_ERROR.read_text())
    for env in ("dev", "prod"):
        write(tmp_path / "envs" / env / "main.tf", 'module "svc" {\n  source = "../../modules/svc"\n}\n')
    report = json.loads(tfbg("lint", "--format", "json", ".", cwd=tmp_path).stdout)
    errors = [(f["rule"], f["root"], f["address"]) for f in report["findings"] if f["severity"] == "error"]
    assert errors == [
        ("TFBG203", "envs/dev", "module.svc.aws_iam_role_policy_attachment.ecs_infra"),
        ("TFBG203", "envs/prod", "module.svc.aws_iam_role_policy_attachment.ecs_infra"),
    ]
    junit = tfbg("lint", "--format", "junit", ".", cwd=tmp_path).stdout
    assert "[envs/dev]" in junit and "[envs/prod]" in junit


def test_each_root_gets_the_variables_it_declares(tmp_path: Path) -> None:
    write(tmp_path / "a" / "main.tf", 'variable "image_tag" {\n  type = string\n}\n')
    write(tmp_path / "b" / "main.tf", 'variable "other" {\n  default = 1\n}\n')
    assert tfbg("lint", "-r", ".", "--var", "image_tag=1.2", cwd=tmp_path).returncode == 0
    result = tfbg("lint", "-r", ".", "--var", "typo=1", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "tfbg: error: --var typo: no root module declares a variable 'typo'"


def test_declared_variables_are_read_without_parsing(tmp_path: Path) -> None:
    from validator.loaders.roots import declared_variables

    write(tmp_path / "vars.tf", '# variable "commented" {}\nvariable "a" {\n  default = { variable = "x" }\n}\nvariable "b" {}\n')
    assert declared_variables(str(tmp_path)) == {"a", "b"}
