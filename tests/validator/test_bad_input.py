"""Bad input to `tfbg lint` (issue 9 part 3): one clear line naming file and line or entry, exit 2,
never a hang, a traceback or a false finding."""

from __future__ import annotations

import copy
import json
import os
import socket
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from tests.fuzz.guard import within_time

# A plan of a service with a Lambda hook whose function ARN is known only after apply: planned_values
# omits the unknown hook_target_arn, resource_changes' after_unknown says it is unknown.
HOOK = {"lifecycle_stages": ["PRE_SCALE_UP"], "role_arn": "arn:aws:iam::123456789012:role/hook"}
SERVICE_VALUES = {"name": "svc", "deployment_configuration": [{"strategy": "BLUE_GREEN", "lifecycle_hook": [HOOK]}]}
PLAN = {
    "format_version": "1.2",
    "planned_values": {"root_module": {"resources": [
        {"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service", "name": "this",
         "values": SERVICE_VALUES},
    ]}},
    "resource_changes": [
        {"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service", "name": "this",
         "change": {"actions": ["create"], "after": SERVICE_VALUES,
                    "after_unknown": {"deployment_configuration": [{"lifecycle_hook": [{"hook_target_arn": True}]}]}}},
    ],
}


def lint(*args: str):
    return CliRunner().invoke(app, ["lint", *args])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tfbg: error: "), result.stderr
    return lines[0]


def write_plan(tmp_path: Path, plan: dict) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return str(path)


def test_the_complete_plan_has_no_hook_finding(tmp_path):
    result = lint(write_plan(tmp_path, PLAN), "--format", "json")
    assert "TFBG304" not in result.stdout, result.stdout


def without_changes(plan):
    plan = copy.deepcopy(plan)
    del plan["resource_changes"]
    return plan


def with_changes(value):
    def change(plan):
        plan = copy.deepcopy(plan)
        plan["resource_changes"] = value(plan["resource_changes"]) if callable(value) else value
        return plan

    return change


PLAN_CASES = [
    (without_changes, "/resource_changes is missing although planned_values has resources"),
    (with_changes(None), "/resource_changes is null although planned_values has resources"),
    (with_changes({"aws_ecs_service.this": {}}), "/resource_changes is an object, expected an array"),
    (with_changes("x"), "/resource_changes is a string, expected an array"),
    (with_changes(lambda rc: [*rc, 7]), "/resource_changes/1: is a number, expected an object"),
    (with_changes(lambda rc: [{**rc[0], "change": None}]), '/resource_changes/0 (aws_ecs_service.this): has no "change" object'),
    (with_changes(lambda rc: [{**rc[0], "change": {"after": {}}}]), "/resource_changes/0 (aws_ecs_service.this): change.actions is not"),
    (with_changes(lambda rc: [{k: v for k, v in rc[0].items() if k != "address"}]), '/resource_changes/0: has no "address" string'),
    (with_changes(lambda rc: [{**rc[0], "type": 3}]), '/resource_changes/0 (aws_ecs_service.this): has no "type" string'),
]


@pytest.mark.parametrize("mutate, message", PLAN_CASES, ids=[m[:45] for _, m in PLAN_CASES])
def test_a_plan_with_broken_resource_changes_is_an_input_error_not_a_false_finding(tmp_path, mutate, message):
    path = write_plan(tmp_path, mutate(PLAN))
    result = lint(path)
    line = one_error_line(result)
    assert line.startswith(f"tfbg: error: {path}: ") and message in line, line
    assert "TFBG304" not in result.stdout


def test_a_plan_without_resources_needs_no_resource_changes(tmp_path):
    plan = {"format_version": "1.2", "planned_values": {"root_module": {}}}
    assert lint(write_plan(tmp_path, plan)).exit_code == 0


MAIN_TF = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'


def special_entries(directory: Path) -> dict[str, str]:
    """name -> what lint must call it."""
    os.mkfifo(directory / "pipe.tf")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(directory / "sock.tf"))
    server.close()
    (directory / "gone.tf").symlink_to("missing.tf")
    (directory / "loop.tf").symlink_to("loop.tf")
    (directory / "to_pipe.tf").symlink_to("pipe.tf")
    return {
        "pipe.tf": "is a FIFO (named pipe), not a Terraform file: skipped",
        "sock.tf": "is a socket, not a Terraform file: skipped",
        "gone.tf": "is a symlink to 'missing.tf', which does not exist, not a Terraform file: skipped",
        "loop.tf": "is a symlink loop, not a Terraform file: skipped",
        "to_pipe.tf": "is a symlink to a FIFO (named pipe), not a Terraform file: skipped",
    }


def test_fifos_sockets_and_broken_symlinks_named_tf_are_named_and_skipped_never_read(tmp_path):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    expected = special_entries(tmp_path)
    result = within_time(lambda: lint(str(tmp_path), "--format", "json"), 30)  # reading pipe.tf blocks forever
    assert result.exit_code == 2, result.stdout
    findings = json.loads(result.stdout)["findings"]
    messages = {Path(f["file"]).name: f["message"] for f in findings if f["rule"] == "TFBG002"}
    assert messages == expected


def test_recursive_root_discovery_never_opens_them(tmp_path):
    """`lint -r` scans each directory's *.tf text for module sources (and, with --var, variable
    names) before the lint: that scan too must pass special entries over unopened."""
    service = tmp_path / "envs" / "prod"
    service.mkdir(parents=True)
    (service / "main.tf").write_text(MAIN_TF + 'variable "x" {\n  default = "a"\n}\n')
    expected = special_entries(service)
    result = within_time(lambda: lint("-r", str(tmp_path), "--var", "x=b", "--format", "json"), 30)
    assert result.exit_code == 2, result.stdout
    findings = json.loads(result.stdout)["findings"]
    assert {Path(f["file"]).name: f["message"] for f in findings if f["rule"] == "TFBG002"} == expected


def test_a_directory_holding_only_such_entries_says_so(tmp_path):
    special_entries(tmp_path)
    result = lint(str(tmp_path))
    assert result.exit_code == 2
    assert "no *.tf file in this directory could be read (each one is named on its own line); nothing was checked" in result.stdout
    assert result.stdout.count("not a Terraform file: skipped") == 5


def test_a_fifo_var_file_is_one_line(tmp_path):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    os.mkfifo(tmp_path / "prod.tfvars")
    line = one_error_line(lint(str(tmp_path), "--var-file", str(tmp_path / "prod.tfvars")))
    assert line.endswith("prod.tfvars: var file is a FIFO (named pipe), not a file")


def test_an_automatic_tfvars_fifo_is_named_and_skipped(tmp_path):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    os.mkfifo(tmp_path / "terraform.tfvars")
    result = lint(str(tmp_path))
    assert result.exit_code == 2
    assert "terraform.tfvars: TFBG002 error is a FIFO (named pipe), not a variables file: skipped" in result.stdout


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))


SERVICE = """
resource "aws_ecs_service" "this" {
  name = "svc"
  deployment_configuration {
    strategy = "LINEAR"
  }
}
"""


def test_a_module_that_calls_its_own_directory_is_one_error_and_findings_are_not_repeated(tmp_path):
    write(tmp_path, {"main.tf": 'module "a" {\n  source = "./"\n}\n' + SERVICE})
    result = lint(str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    findings = json.loads(result.stdout)["findings"]
    cycle = [f for f in findings if f["rule"] == "TFBG002"]
    assert [f["message"] for f in cycle] == [
        "module.a calls its own directory (source './'); Terraform cannot load a module cycle"
    ]
    assert cycle[0]["line"] == 1
    assert not any("module.a.module.a" in json.dumps(f) for f in findings)
    addresses = [f.get("address") for f in findings if f["rule"] != "TFBG002"]
    assert all(a is None or a.count("module.a") <= 1 for a in addresses), addresses


def test_a_module_cycle_through_two_directories_is_named(tmp_path):
    write(tmp_path, {
        "main.tf": 'module "a" {\n  source = "./a"\n}\n',
        "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
        "b/main.tf": 'module "a" {\n  source = "../a"\n}\n' + SERVICE,
    })
    result = lint(str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "TFBG002"]
    assert messages == [
        "module cycle: module.a.module.b.module.a calls the directory of module.a (source '../a'); "
        "Terraform cannot load a module cycle"
    ]


def test_the_same_module_called_twice_is_not_a_cycle(tmp_path):
    write(tmp_path, {
        "main.tf": 'module "a" {\n  source = "./m"\n}\nmodule "b" {\n  source = "./m"\n}\n',
        "m/main.tf": SERVICE,
    })
    result = lint(str(tmp_path), "--format", "json")
    assert not [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "TFBG002"]


@pytest.mark.parametrize(
    "text, line",
    [
        ('locals {\n  a = "ok"\n  b = "never closed\n  c = 1\n}\n\nresource "x" "y" {\n}\n', 3),
        ('locals {\n  a = "ok ${var.x\n}\n', 2),
        ('locals {\n  a = <<EOT\nhe"llo\nEOT\n  b = "x\n}\n', 5),
        ('locals {\n  # it"s\n  a = "x ${join(",", ["a"])} y"\n  /* "\n */\n  b = "$${x\n}\n', 6),
    ],
    ids=["plain", "in interpolation", "after heredoc", "after comments and escapes"],
)
def test_an_unterminated_string_is_reported_where_it_opens(tmp_path, text, line):
    (tmp_path / "main.tf").write_text(text)
    result = lint(str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["line"] == line
    assert finding["message"] == (
        "cannot parse: unterminated string: the quoted string that opens on this line is not closed on it"
    )


def test_other_parse_errors_are_not_called_unterminated_strings(tmp_path):
    (tmp_path / "main.tf").write_text('locals {\n  a = "x"\n  b = [\n}\n')
    [finding] = json.loads(lint(str(tmp_path), "--format", "json").stdout)["findings"]
    assert "unterminated" not in finding["message"]
