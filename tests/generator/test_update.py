"""`tfbg update DIR`: re-render from the recorded answers and merge three ways, keeping local edits."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import generator
from generator.cli import app
from generator.merge import SEPARATOR, THEIRS, YOURS
from generator.render import ANSWERS_FILE, sha256
from tests.generator.test_cli import assert_one_line_failure, run, tree
from tests.generator.test_force import snapshot


def update(*args: str):
    return CliRunner().invoke(app, ["update", *args])


@pytest.fixture
def module(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run("svc", "--strategy", "canary", "--hooks", "PRE_SCALE_UP").exit_code == 0
    return tmp_path / "svc"


def record(module: Path) -> dict:
    return json.loads((module / ANSWERS_FILE).read_text())


def edit(path: Path, old: str, new: str, *, after: str = "") -> None:
    """Replace the first `old` that follows `after` in the file."""
    text = path.read_text()
    start = text.index(after)
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :])


def test_an_edit_where_the_templates_change_nothing_survives_and_a_changed_answer_reaches_the_files(module):
    edit(module / "variables.tf", 'variable "tags"', '# reviewed by the platform team\nvariable "tags"')
    result = update("svc", "--canary-bake-time", "25")
    assert result.exit_code == 0, result.stderr
    variables = (module / "variables.tf").read_text()
    assert '# reviewed by the platform team\nvariable "tags"' in variables
    assert "  default     = 25\n" in variables.split('variable "canary_bake_time_in_minutes"')[1].split("variable ")[0]
    assert "  merged    variables.tf" in result.stdout
    assert record(module)["answers"]["canary_bake_time_in_minutes"] == 25


def test_an_edit_that_conflicts_is_marked_and_named_with_exit_code_1(module):
    variables = module / "variables.tf"
    edit(variables, "default     = 10", "default     = 12", after='variable "canary_bake_time_in_minutes"')
    result = update("svc", "--canary-bake-time", "30")
    assert result.exit_code == 1
    assert f"tfbg: conflict: {Path('svc') / 'variables.tf'}: 1 conflict(s)" in result.stderr
    merged = variables.read_text()
    assert f"{YOURS}\n  default     = 12\n{SEPARATOR}\n  default     = 30\n{THEIRS}\n" in merged
    # Everything else of the update is applied: README names the new bake time.
    assert "canary_bake_time_in_minutes" in (module / "README.md").read_text()
    assert record(module)["answers"]["canary_bake_time_in_minutes"] == 30


def test_files_the_user_added_are_left_alone(module):
    (module / "extra.tf").write_text("# ours\n")
    (module / "docs").mkdir()
    (module / "docs" / "runbook.md").write_text("steps\n")
    result = update("svc", "--strategy", "linear")
    assert result.exit_code == 0, result.stderr
    assert (module / "extra.tf").read_text() == "# ours\n"
    assert (module / "docs" / "runbook.md").read_text() == "steps\n"
    assert 'strategy             = "LINEAR"' in (module / "main.tf").read_text()


def test_dropped_files_are_removed_only_if_never_edited(module):
    edit(module / "hooks.tf", "resource", "# keep: our hook wiring\nresource")
    result = update("svc", "--hooks", "none")
    assert result.exit_code == 1
    assert not (module / "hook").exists() and not (module / ".gitignore").exists()  # unedited: removed
    assert "# keep: our hook wiring" in (module / "hooks.tf").read_text()  # edited: kept
    assert "svc/hooks.tf: you edited it and the new render no longer has it: kept" in result.stderr
    assert "removed" in result.stdout


def test_dry_run_prints_unified_diffs_and_writes_nothing(module):
    edit(module / "main.tf", "resource \"aws_ecs_service\"", "# mine\nresource \"aws_ecs_service\"")
    before = snapshot(module.parent)
    result = update("svc", "--canary-percent", "20", "--hooks", "none", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert snapshot(module.parent) == before
    assert "--- a/variables.tf\n+++ b/variables.tf\n" in result.stdout
    assert "\n+  default     = 20\n" in result.stdout
    assert "--- a/hooks.tf\n+++ /dev/null\n" in result.stdout
    assert "tfbg: would update svc/:" in result.stdout


def test_dry_run_reports_conflicts_with_exit_code_1_and_writes_nothing(module):
    edit(module / "variables.tf", "default     = 5\n", "default     = 7\n", after='variable "canary_percent"')
    before = snapshot(module.parent)
    result = update("svc", "--canary-percent", "9", "--dry-run")
    assert result.exit_code == 1
    assert "tfbg: would conflict:" in result.stderr and "variables.tf" in result.stderr
    assert snapshot(module.parent) == before


def test_the_answers_file_records_the_new_answers_version_and_the_new_renders_hashes(module):
    assert update("svc", "--bake-time", "11").exit_code == 0
    data = record(module)
    assert data["answers"]["bake_time_in_minutes"] == 11
    assert data["tfbg_version"] == generator.__version__ and data["template"]["id"] == "ecs"
    for path, digest in data["files"].items():
        assert digest == f"sha256:{sha256((module / path).read_bytes())}", path
    # A second update with nothing new changes nothing.
    again = update("svc")
    assert again.exit_code == 0 and "is up to date" in again.stdout


def test_an_edited_module_stays_edited_through_a_second_update(module):
    edit(module / "outputs.tf", "output", "# used by the dashboards\noutput")
    assert update("svc", "--bake-time", "11").exit_code == 0
    assert update("svc", "--bake-time", "12").exit_code == 0
    assert "# used by the dashboards" in (module / "outputs.tf").read_text()
    assert "default     = 12" in (module / "variables.tf").read_text()


def test_a_module_from_an_older_tfbg_merges_against_that_render(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(generator, "__version__", "0.0.9")
    assert run("svc").exit_code == 0
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    readme = tmp_path / "svc" / "README.md"
    assert "tfbg 0.0.9" in readme.read_text()
    readme.write_text(readme.read_text() + "\nOwned by team payments.\n")
    result = update("svc")
    assert result.exit_code == 0, result.stderr
    text = readme.read_text()
    assert f"tfbg {generator.__version__}" in text and "Owned by team payments." in text


def test_without_a_rebuildable_base_every_difference_in_an_edited_file_is_a_conflict(module):
    data = record(module)
    data["template"]["version"] = 0  # rendered by templates this tfbg no longer has
    (module / ANSWERS_FILE).write_text(json.dumps(data))
    edit(module / "main.tf", "resource \"aws_ecs_service\"", "# mine\nresource \"aws_ecs_service\"")
    result = update("svc", "--strategy", "linear")
    assert result.exit_code == 1
    assert "cannot be rebuilt" in result.stderr
    main = (module / "main.tf").read_text()
    assert "# mine" in main and YOURS in main and 'strategy             = "LINEAR"' in main


def test_a_file_the_user_deleted_stays_deleted_unless_the_templates_change_it(module):
    (module / "outputs.tf").unlink()
    (module / "examples" / "complete" / "main.tf").unlink()
    result = update("svc", "--bake-time", "9")
    assert not (module / "outputs.tf").exists()  # the new render has the same outputs.tf
    assert result.exit_code == 0, result.stderr
    (module / "variables.tf").unlink()
    result = update("svc", "--bake-time", "10")
    assert result.exit_code == 1
    assert (module / "variables.tf").is_file() and "you deleted it and the new render changes it: restored" in result.stderr


def test_a_file_of_the_users_where_the_new_render_adds_one_is_merged_with_markers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("svc").exit_code == 0
    (tmp_path / "svc" / "hooks.tf").write_text("# my own hooks\n")
    result = update("svc", "--hooks", "PRE_SCALE_UP")
    assert result.exit_code == 1
    text = (tmp_path / "svc" / "hooks.tf").read_text()
    assert "# my own hooks" in text and YOURS in text and "aws_lambda_function" in text
    assert "a file of yours stands where the new render adds one" in result.stderr


def test_update_never_writes_through_a_symlinked_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("svc").exit_code == 0
    (tmp_path / "outside").mkdir()
    (tmp_path / "svc" / "hook").symlink_to(tmp_path / "outside")
    before = snapshot(tmp_path)
    result = update("svc", "--hooks", "PRE_SCALE_UP")
    assert_one_line_failure(result, "svc/hook: is a symlink or a file where tfbg writes a directory; nothing was changed")
    assert snapshot(tmp_path) == before and list((tmp_path / "outside").iterdir()) == []


def test_update_works_at_a_repository_top_level_and_leaves_everything_else_alone(module, monkeypatch):
    (module / ".git").mkdir()
    (module / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.chdir(module)
    result = update(".", "--bake-time", "3")
    assert result.exit_code == 0, result.stderr
    assert (module / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"


def test_update_with_an_answers_file(module):
    (module.parent / "change.json").write_text('{"strategy": "linear", "step_percent": 25}')
    result = update("svc", "--answers", "change.json")
    assert result.exit_code == 0, result.stderr
    assert record(module)["answers"]["step_percent"] == 25.0


BAD_UPDATES = [
    (["nope"], "nope: not a directory"),
    (["empty"], f"empty: no {ANSWERS_FILE}; not a module tfbg wrote"),
    (["svc", "--strategy", "purple"], "--strategy: unknown strategy 'purple'"),
    (["svc", "--step-percent", "20"], "--step-percent: does not apply to this module (canary, ALB"),
    (["svc", "--answers", "missing.json"], "missing.json: cannot read answers file"),
]


@pytest.mark.parametrize("args, message", BAD_UPDATES, ids=[m[:30] for _, m in BAD_UPDATES])
def test_bad_updates_are_one_line_and_change_nothing(module, args, message):
    (module.parent / "empty").mkdir()
    before = snapshot(module.parent)
    assert_one_line_failure(update(*args), message)
    assert snapshot(module.parent) == before


def test_an_answers_file_that_is_not_a_record_is_refused(module):
    (module / ANSWERS_FILE).write_text('{"strategy": "linear"}')
    assert_one_line_failure(update("svc"), "no \"files\" object of hashes")


def test_a_failure_while_updating_changes_nothing(module, monkeypatch):
    edit(module / "main.tf", "resource \"aws_ecs_service\"", "# mine\nresource \"aws_ecs_service\"")
    before = snapshot(module.parent)
    real_rename = os.rename
    calls = []

    def failing_rename(src, dst):
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(5, "Input/output error")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    assert_one_line_failure(update("svc", "--strategy", "linear"), "svc: cannot write the module (Input/output error)")
    monkeypatch.setattr(os, "rename", real_rename)
    assert snapshot(module.parent) == before
    assert tree(module)  # still the module it was


def test_an_unwritable_module_is_permission_denied_naming_it(module, monkeypatch):
    real_access = os.access
    denied = lambda path, mode: Path(path).name == "svc" and bool(mode & os.W_OK)  # noqa: E731
    monkeypatch.setattr(os, "access", lambda path, mode: False if denied(path, mode) else real_access(path, mode))
    before = snapshot(module.parent)
    assert_one_line_failure(update("svc", "--bake-time", "9"), "svc: permission denied (tfbg cannot create files there)")
    assert snapshot(module.parent) == before


def test_unresolved_conflict_markers_stop_the_next_update(module):
    edit(module / "variables.tf", "default     = 10", "default     = 12", after='variable "canary_bake_time_in_minutes"')
    assert update("svc", "--canary-bake-time", "30").exit_code == 1
    before = snapshot(module.parent)
    assert_one_line_failure(update("svc", "--bake-time", "8"), "svc/variables.tf: has conflict markers from an earlier tfbg update")
    assert snapshot(module.parent) == before
    edit(module / "variables.tf", f"{YOURS}\n  default     = 12\n{SEPARATOR}\n  default     = 30\n{THEIRS}\n", "  default     = 12\n")
    assert update("svc", "--bake-time", "8").exit_code == 0
