"""`tfbg migrate`: a CodeDeploy service (fixtures written for these tests) -> answers that `tfbg new` accepts,
state moves onto addresses the rendered module has, a checklist in order; from a directory and from a plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.answers import build
from generator.cli import app
from generator.render import render
from insight.appspec import hooks_in
from insight.migrate import migrations
from validator.loaders.hcl import load_directory
from validator.loaders.plan import load_plan

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str):
    return CliRunner().invoke(app, ["migrate", *args])


def migrate(name: str):
    hooks, _ = hooks_in(FIXTURES / name)
    [found] = migrations(load_directory(str(FIXTURES / name)), hooks)
    return found


def rendered_addresses(answers: dict) -> set[str]:
    files = render(build(answers))
    text = "\n".join(data.decode() for path, data in files.items() if path.endswith(".tf") and "/" not in path)
    return {f"{t}.{n}" for t, n in re.findall(r'^resource "(\w+)" "(\w+)"', text, re.M)}


def test_alb_custom_linear_with_hooks_and_alarms():
    m = migrate("alb_custom_linear")
    assert m.answers == {
        "name": "orders", "strategy": "linear", "circuit_breaker": True, "launch_type": "FARGATE", "desired_count": 4,
        "container_name": "api", "container_port": 8080, "step_percent": 3.0, "step_bake_time_in_minutes": 4,
        "bake_time_in_minutes": 1440, "alarm_rollback": True, "test_traffic": "listener", "load_balancer": "alb",
        "hooks": ["POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"], "listener_rule_priority": 121,
    }
    # The listener's target group serves production: it becomes blue.
    assert m.moves == [("aws_ecs_service.orders", "module.orders.aws_ecs_service.this"),
                       ("aws_lb_target_group.two", "module.orders.aws_lb_target_group.blue"),
                       ("aws_lb_target_group.one", "module.orders.aws_lb_target_group.green")]
    assert m.inputs["production_listener_arn"] == "aws_lb_listener.live.arn"
    assert m.inputs["test_listener_arn"] == "aws_lb_listener.preview.arn"
    assert m.inputs["alarm_names"] == '["orders-5xx", "orders-latency"]'
    notes = "\n".join(m.notes)
    assert "ECS LINEAR moves at least 3" in notes and "exceeds the ECS bake time maximum 1440" in notes
    assert notes.count("BLOCKING") == 3 and "orders-tg-2" in notes
    assert "aws_codepipeline.orders deploys with CodeDeployToECS (stage 'Release', action 'BlueGreen')" in notes
    assert "aws_lb_target_group.one sets health_check interval" in notes
    deleted = "\n".join(m.delete)
    for address in ("aws_codedeploy_deployment_group.orders", "aws_codedeploy_app.orders",
                    "aws_codedeploy_deployment_config.slow", "aws_iam_role.deployer"):
        assert address in deleted


def test_the_answers_render_and_the_moves_land_on_resources_of_the_module():
    for fixture in ("alb_custom_linear", "nlb_all_at_once"):
        m = migrate(fixture)
        addresses = rendered_addresses(m.answers)
        for _, target in m.moves:
            assert target.removeprefix(f"module.{m.call}.") in addresses, (fixture, target)


def test_nlb_listeners_move_into_the_module():
    m = migrate("nlb_all_at_once")
    assert m.answers["load_balancer"] == "nlb" and m.answers["production_listener_port"] == 443
    assert ("aws_lb_listener.prod", "module.ledger.aws_lb_listener.production") in m.moves
    assert not any("BLOCKING" in note for note in m.notes)  # names and ports already fit
    assert any("no terminate_blue_instances_on_deployment_success" in note for note in m.notes)


def test_cli_writes_the_files_into_a_new_directory(tmp_path):
    out = tmp_path / "out"
    result = run(str(FIXTURES / "alb_custom_linear"), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["CHECKLIST.md", "answers.json", "moved.tf", "state-commands.sh"]
    answers = json.loads((out / "answers.json").read_text())
    assert build(answers).strategy == "linear"
    checklist = (out / "CHECKLIST.md").read_text()
    steps = re.findall(r"^(\d+)\. \*\*(.+?)\.\*\*", checklist, re.M)
    assert [int(n) for n, _ in steps] == list(range(1, len(steps) + 1))
    titles = [t for _, t in steps]
    assert titles.index("Stop CodeDeploy deployments of this service") < titles.index("Move the state, do not re-create") \
        < titles.index("Plan and lint")
    assert checklist.count("Source: ") == len(steps)
    assert "moved {\n  from = aws_ecs_service.orders\n  to   = module.orders.aws_ecs_service.this\n}" in (out / "moved.tf").read_text()
    # moved.tf parses as HCL (Terraform 1.0, the harness, predates moved blocks); the script is valid sh
    import subprocess

    import hcl2

    blocks = hcl2.loads((out / "moved.tf").read_text())["moved"]
    assert [(b["from"], b["to"]) for b in blocks] == [
        ("${aws_ecs_service.orders}", "${module.orders.aws_ecs_service.this}"),
        ("${aws_lb_target_group.two}", "${module.orders.aws_lb_target_group.blue}"),
        ("${aws_lb_target_group.one}", "${module.orders.aws_lb_target_group.green}"),
    ]
    subprocess.run(["sh", "-n", str(out / "state-commands.sh")], check=True)
    # the new answers file replays with tfbg new as the checklist says
    module = tmp_path / "modules" / "orders"
    result = CliRunner().invoke(app, ["new", "orders", "--answers", str(out / "answers.json"), "--out", str(module)])
    assert result.exit_code == 0, result.stderr


def test_never_writes_over_an_existing_directory(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    result = run(str(FIXTURES / "alb_custom_linear"), "--out", str(out))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "directory exists and is not empty" in result.stderr
    assert [p.name for p in out.iterdir()] == ["mine.txt"] and (out / "mine.txt").read_text() == "keep"


@pytest.mark.parametrize("make, message", [
    (lambda d: (d / "main.tf").write_text('resource "aws_ecs_service" "x" {\n  name = "x"\n}\n'), "no aws_ecs_service with deployment_controller CODE_DEPLOY"),
    (lambda d: None, "no Terraform files"),
    (lambda d: (d / "main.tf").write_text('resource "aws_codedeploy_deployment_group" "g" {\n  ecs_service {\n'
                                          '    cluster_name = "c"\n    service_name = "web"\n  }\n}\n'),
     "aws_codedeploy_deployment_group.g deploys web, which is declared elsewhere"),
    (lambda d: (d / "main.tf").write_text('resource "aws_ecs_service" "x" {\n'), "main.tf"),
])
def test_bad_input_is_one_line(tmp_path, make, message):
    source = tmp_path / "src"
    source.mkdir()
    make(source)
    result = run(str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_plan_of_the_configuration_gives_the_same_answers(terraform, tmp_path):
    """Any configuration lint can read: the plan JSON of the NLB fixture migrates like its directory."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(terraform.plan(FIXTURES / "nlb_all_at_once")))
    [from_plan] = migrations(load_plan(str(plan)), {})
    from_directory = migrate("nlb_all_at_once")
    assert from_plan.answers == from_directory.answers
    assert from_plan.moves == from_directory.moves


def test_several_services_get_a_directory_each(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for fixture in ("alb_custom_linear", "nlb_all_at_once"):
        (source / f"{fixture}.tf").write_text((FIXTURES / fixture / "main.tf").read_text())
    out = tmp_path / "out"
    result = run(str(source), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        f"{name}/{file}" for name in ("ledger", "orders") for file in ("CHECKLIST.md", "answers.json", "moved.tf", "state-commands.sh")
    ]
    assert f"tfbg new ledger --answers {out}/ledger/answers.json" in (out / "ledger" / "CHECKLIST.md").read_text()
