"""`tfbg new --controller codedeploy|external`: options, prompts, answers files and bad input work as for the
ECS kind; the canonical renders lint with no finding at all, from the directory and from the plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import new_cli
from generator.answers import build
from generator.canonical import CANONICAL
from generator.render import ANSWERS_FILE, render
from tests.generator.test_cli import assert_one_line_failure, run, tree, workdir  # noqa: F401 - fixture
from validator.config import Config
from validator.engine import lint
from validator.loaders.hcl import load_directory
from validator.loaders.plan import load_plan

MODULES = Path(__file__).resolve().parents[2] / "modules"
NEW_KINDS = sorted(name for name, answers in CANONICAL.items() if answers.get("controller", "ecs") != "ecs")


def test_both_new_kinds_have_a_canonical_render():
    assert {CANONICAL[name]["controller"] for name in NEW_KINDS} == {"codedeploy", "external"}


@pytest.mark.parametrize("name", NEW_KINDS)
def test_canonical_render_lints_with_no_finding_at_all(name, terraform, tmp_path):
    example = MODULES / name / "examples" / "complete"
    assert lint(load_directory(str(MODULES / name)), Config()) == []
    assert lint(load_directory(str(example)), Config()) == []
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(terraform.plan(example)))
    assert lint(load_plan(str(plan_file), source=str(example)), Config()) == []
    # Without --source the engine's one notice asks for it (a plan has no lifecycle blocks); nothing else.
    without_source = [f"{f.rule_id} {f.message}" for f in lint(load_plan(str(plan_file)), Config())]
    assert [f for f in without_source if not (f.startswith("TFBG002") and "pass --source" in f)] == []


def test_codedeploy_from_options(workdir):
    result = run("svc", "--controller", "codedeploy", "--strategy", "canary", "--canary-percent", "10",
                 "--canary-bake-time", "15", "--hooks", "after-allow-test-traffic", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("(CodeDeploy canary, ALB)")
    answers = json.loads((workdir / "svc" / ANSWERS_FILE).read_text())
    assert answers["template"]["id"] == "codedeploy"
    assert answers["answers"]["hooks"] == ["AfterAllowTestTraffic"] and answers["answers"]["circuit_breaker"] is False
    codedeploy = (workdir / "svc" / "codedeploy.tf").read_text()
    assert 'deployment_config_name = "CodeDeployDefault.ECSCanary10Percent15Minutes"' in codedeploy
    assert "AfterAllowTestTraffic" in (workdir / "svc" / "appspec.yaml").read_text()


def test_the_termination_wait_may_exceed_the_ecs_bake_time(workdir):
    assert run("svc", "--controller", "codedeploy", "--bake-time", "2880", "--no-input").exit_code == 0
    assert "default     = 2880" in (workdir / "svc" / "variables.tf").read_text()


def test_all_at_once_is_the_codedeploy_name_of_blue_green(workdir):
    result = run("svc", "--controller", "codedeploy", "--strategy", "all-at-once", "--load-balancer", "nlb", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert 'deployment_config_name = "CodeDeployDefault.ECSAllAtOnce"' in (workdir / "svc" / "codedeploy.tf").read_text()


@pytest.mark.parametrize("controller", ["codedeploy", "external"])
def test_answers_file_replays_a_module_of_another_kind(workdir, controller):
    assert run("svc", "--controller", controller, "--no-input").exit_code == 0
    result = run("again", "--answers", "svc/" + ANSWERS_FILE, "--out", "again")
    assert result.exit_code == 0, result.stderr
    first, second = tree(workdir / "svc"), tree(workdir / "again")
    assert sorted(first) == sorted(second)
    assert json.loads(second[ANSWERS_FILE])["template"]["id"] == controller


def test_prompts_follow_the_controller(workdir, monkeypatch):
    monkeypatch.setattr(new_cli, "stdin_is_interactive", lambda: True)
    # controller, strategy, termination wait, canary %, canary minutes, LB, test traffic, ports..., hooks, alarms, ...
    replies = ["codedeploy", "canary", "30", "12.5", "12", "3", "", "", "", "", "AfterAllowTraffic", "y"]
    result = run("svc", input="\n".join(replies) + "\n" * 20)
    assert result.exit_code == 0, result.stderr
    assert "CodeDeploy traffic shift (all-at-once | linear | canary)" in result.stdout
    assert "whole percents" in result.stderr  # 12.5 was refused and asked again
    assert "Test traffic (listener | none)" in result.stdout
    assert "circuit breaker" not in result.stdout and "Production listener rule priority" not in result.stdout
    answers = json.loads((workdir / "svc" / ANSWERS_FILE).read_text())["answers"]
    assert (answers["canary_percent"], answers["canary_bake_time_in_minutes"], answers["bake_time_in_minutes"]) == (12, 3, 30)
    assert answers["hooks"] == ["AfterAllowTraffic"] and answers["alarm_rollback"] is True


def test_external_prompts_ask_only_what_the_kind_uses(workdir, monkeypatch):
    monkeypatch.setattr(new_cli, "stdin_is_interactive", lambda: True)
    result = run("svc", "--controller", "external", input="\n" * 20)
    assert result.exit_code == 0, result.stderr
    assert "outside Terraform" in result.stdout
    for absent in ("strategy", "Bake time", "hooks", "alarms", "circuit breaker", "Least-privilege"):
        assert absent not in result.stdout


BAD = [
    (["svc", "--controller", "lambda"], "--controller: unknown value 'lambda'"),
    (["svc", "--controller", "codedeploy", "--hooks", "POST_TEST_TRAFFIC_SHIFT"], "--hooks: POST_TEST_TRAFFIC_SHIFT is an ECS lifecycle stage"),
    (["svc", "--hooks", "AfterInstall"], "--hooks: AfterInstall is a CodeDeploy appspec hook"),
    (["svc", "--controller", "codedeploy", "--test-traffic", "header"], "--test-traffic: CodeDeploy routes test traffic through a test listener"),
    (["svc", "--controller", "codedeploy", "--load-balancer", "nlb", "--strategy", "canary"], "only CodeDeployDefault.ECSAllAtOnce"),
    (["svc", "--controller", "codedeploy", "--strategy", "canary", "--canary-percent", "0.5"], "--canary-percent: CodeDeploy shifts whole percents"),
    (["svc", "--controller", "codedeploy", "--strategy", "linear", "--step-bake-time", "0"], "--step-bake-time: CodeDeploy waits at least 1 minute"),
    (["svc", "--controller", "codedeploy", "--circuit-breaker"], "--circuit-breaker: the deployment circuit breaker works only with the ECS controller"),
    (["svc", "--controller", "external", "--hooks", "PRE_SCALE_UP"], "--hooks: with the EXTERNAL controller no service hooks run"),
    (["svc", "--controller", "external", "--alarm-rollback"], "--alarm-rollback: with the EXTERNAL controller nothing rolls back"),
    (["svc", "--controller", "external", "--strategy", "linear"], "--strategy: the EXTERNAL kind renders a canary rollout"),
    (["svc", "--external-deployer"], "--external-deployer: an external deployer drives task sets"),
    (["a" * 25, "--controller", "external"], "the EXTERNAL kind allows 24"),
    (["svc", "--bake-time", "2000"], "--bake-time: must be between 0 and 1440 minutes, got 2000"),
    (["svc", "--controller", "codedeploy", "--bake-time", "2881"], "termination wait: up to 2880"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_is_one_line_and_writes_nothing(workdir, args, message):
    result = run(*args, "--no-input")
    assert_one_line_failure(result, message)
    assert list(workdir.iterdir()) == []


def test_answers_file_whose_controller_contradicts_its_template(workdir):
    assert run("svc", "--controller", "codedeploy", "--no-input").exit_code == 0
    record = json.loads((workdir / "svc" / ANSWERS_FILE).read_text())
    record["answers"]["controller"] = "external"
    (workdir / "bad.json").write_text(json.dumps(record, indent=2))
    result = run("other", "--answers", "bad.json")
    assert_one_line_failure(result, "answer 'controller' is 'external' but the template is 'codedeploy'")
    assert "bad.json:" in result.stderr


def test_ecs_records_keep_their_shape():
    """Answers of the ECS kind are recorded as before the controller answer existed."""
    record = json.loads(render(build({"name": "svc"}))[ANSWERS_FILE])
    assert "controller" not in record["answers"] and "external_deployer" not in record["answers"]
