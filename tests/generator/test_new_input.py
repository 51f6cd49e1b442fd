"""`tfbg new`: names and targets that are not usable, and the interactive questions (?, summary, reach)."""

from __future__ import annotations

import json
import os
import re

import pytest

from generator import new_cli
from generator.render import ANSWERS_FILE
from tests.generator.test_cli import assert_one_line_failure, run


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", " "])
def test_a_name_that_is_not_valid_is_named_as_such_never_advice_to_force(workdir, name):
    (workdir / "keep.tf").write_text("# mine\n")  # the current directory is not empty
    result = run(name)
    assert_one_line_failure(result, f"NAME: {name!r} is not a valid name")
    assert "--force" not in result.stderr
    assert sorted(p.name for p in workdir.iterdir()) == ["keep.tf"]


def test_out_below_a_regular_file_is_not_a_directory(workdir):
    (workdir / "file.txt").write_text("x")
    assert_one_line_failure(run("svc", "--out", "file.txt/svc"), "file.txt: not a directory")
    assert_one_line_failure(run("svc", "--out", "file.txt/a/b"), "file.txt: not a directory")
    assert sorted(p.name for p in workdir.iterdir()) == ["file.txt"]


def test_an_unwritable_target_is_permission_denied_naming_the_path(workdir, monkeypatch):
    (workdir / "locked").mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if str(path).endswith("locked") else real_access(path, mode))
    assert_one_line_failure(run("svc", "--out", "locked/svc"), "locked: permission denied")
    assert list((workdir / "locked").iterdir()) == []


def test_permission_denied_while_writing_names_the_path(workdir, monkeypatch):
    import tempfile

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(dir))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    assert_one_line_failure(run("svc"), f"{workdir}: permission denied")
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--step-percent", "20"], "--step-percent: does not apply to this module (blue-green, ALB, test traffic listener)"),
        (["--strategy", "linear", "--canary-percent", "20"], "--canary-percent: does not apply to this module (linear,"),
        (["--strategy", "canary", "--step-bake-time", "3"], "--step-bake-time: does not apply to this module (canary,"),
        (["--load-balancer", "nlb", "--listener-rule-priority", "5"], "--listener-rule-priority: does not apply to this module (blue-green, NLB,"),
        (["--production-listener-port", "443"], "--production-listener-port: does not apply to this module (blue-green, ALB,"),
        (["--load-balancer", "nlb", "--test-traffic", "none", "--test-listener-port", "9000"], "--test-listener-port: does not apply"),
        (["--test-header-name", "x-canary"], "--test-header-name: does not apply to this module (blue-green, ALB, test traffic listener)"),
        (["--controller", "codedeploy", "--listener-rule-priority", "5"], "--listener-rule-priority: does not apply to this module (CodeDeploy"),
    ],
)
def test_an_option_that_does_not_apply_is_an_error(workdir, args, message):
    assert_one_line_failure(run("svc", *args), message)
    assert list(workdir.iterdir()) == []


def interactive(monkeypatch):
    monkeypatch.setattr(new_cli, "stdin_is_interactive", lambda: True)


def recorded(workdir):
    return json.loads((workdir / "svc" / ANSWERS_FILE).read_text())["answers"]


def test_question_mark_explains_the_question_and_asks_again(workdir, monkeypatch):
    interactive(monkeypatch)
    result = run("svc", input="\n?\nlinear\n" + "\n" * 30)  # controller: Enter keeps ecs
    assert result.exit_code == 0, result.stderr
    assert "? explains a question" in result.stdout
    assert "blue-green | linear | canary." in result.stdout and "Option: --strategy." in result.stdout
    assert result.stdout.count("Deployment strategy (blue-green | linear | canary) [blue-green]:") == 2
    assert recorded(workdir)["strategy"] == "linear"


def test_question_mark_works_at_a_yes_no_question(workdir, monkeypatch):
    interactive(monkeypatch)
    # controller, strategy, bake, LB, test traffic, priority, hooks, pause hooks, then alarms: ? then y
    result = run("svc", input="\n" * 8 + "?\ny\n" + "\n" * 30)
    assert result.exit_code == 0, result.stderr
    assert "Roll back on CloudWatch alarms. (default: no) Option: --alarm-rollback." in result.stdout
    assert recorded(workdir)["alarm_rollback"] is True


def test_alarm_only_rollback_is_reachable_without_flags(workdir, monkeypatch):
    interactive(monkeypatch)
    # controller, strategy, bake, LB, test traffic, priority, hooks, pause hooks, alarms: yes, circuit breaker: no
    result = run("svc", input="\n" * 8 + "y\nn\n" + "\n" * 30)
    assert result.exit_code == 0, result.stderr
    answers = recorded(workdir)
    assert (answers["alarm_rollback"], answers["circuit_breaker"]) == (True, False)


@pytest.mark.parametrize(
    "replies, expected",
    [
        (["canary", "", "7.5", "", "nlb", "none", "443"], {"strategy": "canary", "canary_percent": 7.5, "test_traffic": "none", "production_listener_port": 443}),
        (["", "", "", "header", "", "x-try", "s3cret-s3cret-s3cret"], {"test_traffic": "header", "test_header_name": "x-try", "test_header_value": "s3cret-s3cret-s3cret"}),
        (["", "", "", "none"], {"test_traffic": "none"}),
        (["", "", "nlb", "listener", "", "9443"], {"load_balancer": "nlb", "test_listener_port": 9443}),
    ],
    ids=["canary nlb no test", "alb header", "alb no test", "nlb test listener"],
)
def test_every_choice_is_reachable_by_prompts(workdir, monkeypatch, replies, expected):
    interactive(monkeypatch)
    result = run("svc", input="\n".join(["", *replies]) + "\n" * 30)  # controller: Enter keeps ecs
    assert result.exit_code == 0, result.stderr
    answers = recorded(workdir)
    assert {key: answers[key] for key in expected} == expected


def test_a_summary_is_shown_before_writing_and_declining_writes_nothing(workdir, monkeypatch):
    interactive(monkeypatch)
    replies = ["", "linear", "", "20", ""] + [""] * 15 + ["n"]  # 20 questions, then the summary
    result = run("svc", input="\n".join(replies) + "\n")
    assert result.exit_code == 1
    assert re.search(r"\nModule svc: \d+ files into svc/\n", result.stdout)
    assert "  Deployment strategy: linear\n" in result.stdout and "  Linear: percent of traffic per step: 20\n" in result.stdout
    assert "Write the module? [Y/n]" in result.stdout
    assert "tfbg: nothing written" in result.stderr
    assert list(workdir.iterdir()) == []
