"""`tfbg new` through the CLI: good runs, and every kind of bad input (one line, exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import new_cli
from generator.cli import app
from generator.render import ANSWERS_FILE


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, ["new", *args], input=input)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_no_options_renders_the_default_answer_set(workdir):
    result = run("demo")
    assert result.exit_code == 0, result.stderr
    record = json.loads((workdir / "demo" / ANSWERS_FILE).read_text())
    answers = record["answers"]
    assert (answers["strategy"], answers["load_balancer"], answers["test_traffic"]) == ("blue-green", "alb", "listener")
    assert 'strategy             = "BLUE_GREEN"' in (workdir / "demo" / "main.tf").read_text()
    assert "test_listener_rule" in (workdir / "demo" / "main.tf").read_text()


def test_answers_file_replays_a_recorded_module_byte_for_byte(workdir):
    first = run(
        "app", "--strategy", "linear", "--step-percent", "12.5", "--load-balancer", "nlb",
        "--hooks", "post_test_traffic_shift,PRODUCTION_TRAFFIC_SHIFT", "--least-privilege", "--launch-type", "ec2",
    )
    assert first.exit_code == 0, first.stderr
    replay = run("app", "--answers", "app/.tfbg-answers.json", "--out", "again")
    assert replay.exit_code == 0, replay.stderr
    assert tree(workdir / "again") == tree(workdir / "app")


def test_plain_answers_file_and_options_override_it(workdir):
    (workdir / "answers.json").write_text(json.dumps({"strategy": "canary", "canary_percent": 7.5, "bake_time_in_minutes": 1}))
    result = run("svc", "--answers", "answers.json", "--bake-time", "3", "--no-input")
    assert result.exit_code == 0, result.stderr
    answers = json.loads((workdir / "svc" / ANSWERS_FILE).read_text())["answers"]
    assert (answers["strategy"], answers["canary_percent"], answers["bake_time_in_minutes"]) == ("canary", 7.5, 3)


def test_empty_existing_directory_is_used_without_force(workdir):
    (workdir / "out").mkdir()
    assert run("svc", "--out", "out").exit_code == 0


def test_prompts_on_a_terminal_ask_relevant_questions_with_defaults(workdir, monkeypatch):
    monkeypatch.setattr(new_cli, "stdin_is_interactive", lambda: True)
    # controller, strategy, bake, step %, step bake, LB, test traffic, priority, header name, header value, hooks,
    # pause hooks, alarms, circuit breaker, target group alarms, wait, autoscaling, launch type, count,
    # container, port, least privilege; Enter writes the summary
    replies = ["", "linear", "", "2", "33.3", "", "", "header", "", "", "", "pre_scale_up", "", "", "", "", "", "", "",
               "", "", "", "y", ""]
    result = run("svc", input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "must be between 3.0 and 100.0" in result.stderr  # the bad step percent was asked again
    answers = json.loads((workdir / "svc" / ANSWERS_FILE).read_text())["answers"]
    assert answers["strategy"] == "linear"
    assert answers["step_percent"] == 33.3
    assert answers["test_traffic"] == "header"
    assert answers["hooks"] == ["PRE_SCALE_UP"]
    assert answers["least_privilege"] is True


def test_a_rejected_reply_does_not_become_the_default_of_the_repeated_question(workdir, monkeypatch):
    monkeypatch.setattr(new_cli, "stdin_is_interactive", lambda: True)
    # NLB: header test traffic is rejected; Enter then takes the default again, not "header".
    result = run("svc", "--load-balancer", "nlb", input="\n\n\n" + "header\n" + "\n" * 30)  # controller, strategy, bake time
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("Test traffic (listener | none) [listener]: ") == 2
    answers = json.loads((workdir / "svc" / ANSWERS_FILE).read_text())["answers"]
    assert answers["test_traffic"] == "listener"


def test_no_input_never_prompts(workdir, monkeypatch):
    monkeypatch.setattr(new_cli, "stdin_is_interactive", lambda: True)
    result = run("svc", "--strategy", "canary", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["tfbg: wrote 10 files to svc/ (canary, ALB)"]


def test_questions_answered_by_options_are_not_asked(workdir, monkeypatch):
    monkeypatch.setattr(new_cli, "stdin_is_interactive", lambda: True)
    result = run("svc", "--strategy", "canary", "--load-balancer", "nlb", input="\n" * 30)
    assert result.exit_code == 0, result.stderr
    questions = result.stdout.split("\nModule svc:")[0]  # without the summary
    assert "Deployment strategy" not in questions and "Load balancer" not in questions
    assert "Canary: percent of traffic" in questions and "Test listener port" in questions
    assert "Production listener rule priority" not in questions  # an ALB question
    assert "Test traffic (listener | none)" in questions  # no header routing on an NLB


BAD_INPUTS = [
    (["svc", "--strategy", "purple"], "--strategy: unknown strategy 'purple'"),
    (["svc", "--strategy", "linear", "--step-percent", "2.9"], "--step-percent: must be between 3.0 and 100.0"),
    (["svc", "--strategy", "linear", "--step-percent", "10.05"], "--step-percent: must be a multiple of 0.1"),
    (["svc", "--strategy", "linear", "--step-percent", "ten"], "--step-percent: expected a number"),
    (["svc", "--canary-percent", "0"], "--canary-percent: must be between 0.1 and 100.0"),
    (["svc", "--canary-percent", "100.1"], "--canary-percent: must be between 0.1 and 100.0"),
    (["svc", "--bake-time", "1441"], "--bake-time: must be between 0 and 1440"),
    (["svc", "--bake-time", "-1"], "--bake-time: must be between 0 and 1440"),
    (["svc", "--step-bake-time", "2000"], "--step-bake-time: must be between 0 and 1440"),
    (["svc", "--canary-bake-time", "1.5"], "--canary-bake-time: expected a whole number"),
    (["svc", "--hooks", "ROLLBACK"], "--hooks: unknown lifecycle stage 'ROLLBACK'"),
    (["svc", "--load-balancer", "clb"], "--load-balancer: unknown value 'clb'"),
    (["svc", "--load-balancer", "nlb", "--test-traffic", "header"], "--test-traffic: 'header' is not possible with an NLB"),
    (["svc", "--no-circuit-breaker"], "choose at least one rollback safety net"),
    (["svc", "--listener-rule-priority", "1"], "--listener-rule-priority: must be between 2 and 50000"),
    (["svc", "--test-header-name", "bad header"], "--test-header-name: 'bad header' is not a valid HTTP header name"),
    (["svc", "--launch-type", "lambda"], "--launch-type: unknown value 'lambda'"),
    (["svc", "--desired-count", "-2"], "--desired-count: must be between 0 and 5000"),
    (["Service"], "NAME: 'Service' is not a valid name"),
    (["svc-"], "NAME: 'svc-' is not a valid name"),
    (["a--b"], "NAME: 'a--b' is not a valid name"),
    (["1svc"], "NAME: '1svc' is not a valid name"),
    (["a" * 27], "at most 26 are allowed"),
]


@pytest.mark.parametrize("args, message", BAD_INPUTS, ids=[" ".join(a)[:40] for a, _ in BAD_INPUTS])
def test_bad_option_values_fail_with_one_line_and_write_nothing(workdir, args, message):
    assert_one_line_failure(run(*args), message)
    assert list(workdir.iterdir()) == []


def assert_one_line_failure(result, message):
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tfbg: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr and result.exception is None or isinstance(result.exception, SystemExit)


def test_existing_non_empty_directory_without_force(workdir):
    (workdir / "svc").mkdir()
    (workdir / "svc" / "keep.tf").write_text("# mine\n")
    assert_one_line_failure(run("svc"), "svc: directory exists and is not empty (choose a new or empty directory)")
    assert tree(workdir / "svc") == {"keep.tf": b"# mine\n"}


def test_existing_module_without_force_offers_force_and_update(workdir):
    assert run("svc").exit_code == 0
    assert_one_line_failure(
        run("svc"), "svc: directory exists and is not empty (--force replaces a module tfbg wrote; 'tfbg update svc'"
    )


def test_out_is_a_file(workdir):
    (workdir / "svc").write_text("x")
    assert_one_line_failure(run("svc"), "svc: exists and is not a directory")


ANSWER_FILES = [
    ('{"strategy": "linear",\n "step_percent": }\n', "answers.json:2: malformed JSON"),
    ("[1, 2]\n", "answers.json:1: expected a JSON object of answers"),
    ('{\n  "strategy": "linear",\n  "step_percent": 2.5\n}\n', "answers.json:3: answer 'step_percent': must be between 3.0"),
    ('{\n  "stratgy": "linear"\n}\n', "answers.json:2: answer 'stratgy': unknown answer"),
    ('{\n  "hooks": "PRE_SCALE_UP",\n  "alarm_rollback": "maybe"\n}\n', "answers.json:3: answer 'alarm_rollback': expected true or false"),
    ('{"template": {"id": "ecs", "version": 99}, "answers": {}}', "answers.json:1: recorded with template version 99"),
    ('{"template": {"id": "lambda", "version": 1}, "answers": {}}', "answers.json:1: template 'lambda' is unknown"),
    (b"\xff\xfe{}", "answers.json: answers file is not UTF-8 text"),
    ('{"a": ' * 100_000 + "1" + "}" * 100_000, "answers.json: malformed JSON: nested too deeply"),
]


@pytest.mark.parametrize("content, message", ANSWER_FILES, ids=[m.split(": ", 1)[1][:30] for _, m in ANSWER_FILES])
def test_bad_answers_files(workdir, content, message):
    path = workdir / "answers.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert_one_line_failure(run("svc", "--answers", "answers.json"), message)
    assert sorted(p.name for p in workdir.iterdir()) == ["answers.json"]


def test_missing_answers_file(workdir):
    assert_one_line_failure(run("svc", "--answers", "nope.json"), "nope.json: cannot read answers file (No such file or directory)")
    assert list(workdir.iterdir()) == []


def test_failure_while_writing_leaves_nothing_behind(workdir, monkeypatch):
    real_write = Path.write_bytes
    written = []

    def failing_write(self, data):
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    assert_one_line_failure(run("svc"), "svc: cannot write the module (No space left on device)")
    assert list(workdir.iterdir()) == []
    written.clear()
    assert_one_line_failure(run("svc", "--out", "new/parents/svc"), "cannot write the module (No space left on device)")
    assert list(workdir.iterdir()) == []


def test_failure_while_replacing_keeps_the_old_directory(workdir, monkeypatch):
    assert run("svc", "--strategy", "linear").exit_code == 0
    before = tree(workdir / "svc")
    monkeypatch.setattr(Path, "write_bytes", lambda self, data: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    assert_one_line_failure(run("svc", "--force"), "cannot write the module (No space left on device)")
    assert tree(workdir / "svc") == before
    assert sorted(p.name for p in workdir.iterdir()) == ["svc"]


def test_rerender_in_place_from_the_modules_own_answers(workdir):
    assert run("svc", "--strategy", "linear", "--hooks", "PRE_SCALE_UP").exit_code == 0
    before = tree(workdir / "svc")
    result = run("svc", "--answers", "svc/.tfbg-answers.json", "--out", "svc", "--force")
    assert result.exit_code == 0, result.stderr
    assert tree(workdir / "svc") == before


def test_production_options_reach_the_module(workdir):
    result = run("svc", "--load-balancer", "service-connect", "--pause-hooks", "post-scale-up", "--no-autoscaling",
                 "--no-input")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["tfbg: wrote 9 files to svc/ (blue-green, Service Connect)"]
    answers = json.loads((workdir / "svc" / ANSWERS_FILE).read_text())["answers"]
    assert (answers["pause_hooks"], answers["wait_for_steady_state"], answers["autoscaling"]) == (
        ["POST_SCALE_UP"], False, False)
    files = {p.relative_to(workdir / "svc").as_posix() for p in (workdir / "svc").rglob("*") if p.is_file()}
    assert "pause.tf" in files and "lb.tf" not in files and "autoscaling.tf" not in files


def test_waiting_for_a_deployment_with_a_pause_is_refused_in_one_line(workdir):
    result = run("svc", "--pause-hooks", "POST_SCALE_UP", "--wait-for-steady-state", "--no-input")
    assert result.exit_code == 2
    assert result.stderr.startswith("tfbg: error: --wait-for-steady-state: a pause hook holds the deployment")
    assert not (workdir / "svc").exists()
