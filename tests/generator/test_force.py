"""`tfbg new --force` replaces only what tfbg wrote, and never a directory that holds more than a module."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.generator.test_cli import assert_one_line_failure, run, tree


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def snapshot(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry under root (mode, and content for files): a refusal must leave all of it as it was."""
    entries = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        entries[path.relative_to(root).as_posix()] = (info.st_mode, path.read_bytes() if path.is_file() else None)
    return entries


def test_force_rerenders_an_unedited_module_and_removes_the_files_it_no_longer_renders(workdir):
    assert run("svc", "--hooks", "PRE_SCALE_UP").exit_code == 0
    assert (workdir / "svc" / "hooks.tf").is_file() and (workdir / "svc" / "hook" / "handler.py").is_file()
    inode = (workdir / "svc").stat().st_ino
    result = run("svc", "--hooks", "none", "--force")
    assert result.exit_code == 0, result.stderr
    assert not (workdir / "svc" / "hooks.tf").exists() and not (workdir / "svc" / "hook").exists()
    assert (workdir / "svc").stat().st_ino == inode  # the same directory: a shell inside it stays valid
    assert sorted(p.name for p in workdir.iterdir()) == ["svc"]  # no staging directory left behind
    assert not any(p.name.startswith(".tfbg-staging") for p in (workdir / "svc").iterdir())


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda d: (d / "notes.md").write_text("mine\n"), "not written by tfbg: notes.md"),
        (lambda d: (d / "examples" / "mine").mkdir(), "not written by tfbg: examples/mine/"),
        (lambda d: (d / "main.tf").write_text("# edited\n"), "changed since tfbg wrote them: main.tf"),
        (lambda d: (d / "override.tf").symlink_to("/etc/passwd"), "not written by tfbg: override.tf"),
    ],
    ids=["added file", "added directory", "edited file", "symlink"],
)
def test_force_refuses_a_module_holding_anything_tfbg_did_not_write(workdir, change, named):
    assert run("svc").exit_code == 0
    change(workdir / "svc")
    before = snapshot(workdir)
    assert_one_line_failure(run("svc", "--strategy", "canary", "--force"), named)
    assert snapshot(workdir) == before


def test_force_names_every_file_it_would_lose(workdir):
    assert run("svc").exit_code == 0
    (workdir / "svc" / "a.tf").write_text("a\n")
    (workdir / "svc" / "b.tf").write_text("b\n")
    (workdir / "svc" / "lb.tf").write_text("edited\n")
    result = run("svc", "--force")
    assert_one_line_failure(result, "not written by tfbg: a.tf, b.tf; changed since tfbg wrote them: lb.tf")
    assert "tfbg update svc" in result.stderr


def test_force_refuses_a_directory_without_an_answers_file(workdir):
    (workdir / "out").mkdir()
    (workdir / "out" / "old.txt").write_text("old")
    assert_one_line_failure(run("svc", "--out", "out", "--force"), "out: not a module tfbg wrote")
    assert tree(workdir / "out") == {"old.txt": b"old"}


@pytest.mark.parametrize(
    "out, cwd, reason",
    [
        (".", "repo", "is the current directory"),
        ("..", "repo/sub", "contains the current directory"),
        ("repo", ".", "holds a .git entry (a repository's top level)"),
        ("home", ".", "is your home directory"),
        ("/", ".", "is a filesystem root"),
    ],
)
def test_force_refuses_outright(workdir, monkeypatch, out, cwd, reason):
    (workdir / "repo" / "sub").mkdir(parents=True)
    (workdir / "repo" / ".git").mkdir()
    (workdir / "repo" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (workdir / "repo" / "sub" / "app.tf").write_text("# mine\n")
    (workdir / "home").mkdir()
    before = snapshot(workdir)
    monkeypatch.chdir(workdir / cwd)
    result = run("svc", "--out", out, "--force")
    assert_one_line_failure(result, f"{out}: {reason}; tfbg never replaces it")
    assert snapshot(workdir) == before


def test_force_refuses_a_module_at_a_repository_top_level_even_when_tfbg_wrote_everything_else(workdir):
    assert run("svc").exit_code == 0
    (workdir / "svc" / ".git").write_text("gitdir: ../.git/worktrees/svc\n")  # a worktree's .git file
    before = snapshot(workdir)
    assert_one_line_failure(run("svc", "--force"), "svc: holds a .git entry (a repository's top level)")
    assert snapshot(workdir) == before


def test_force_refuses_the_current_directory_even_when_it_is_the_module(workdir, monkeypatch):
    assert run("svc").exit_code == 0
    monkeypatch.chdir(workdir / "svc")
    before = snapshot(workdir)
    assert_one_line_failure(run("svc", "--out", ".", "--force"), ".: is the current directory")
    assert snapshot(workdir) == before


def test_without_force_a_protected_directory_is_not_offered_force(workdir, monkeypatch):
    (workdir / "app.tf").write_text("# mine\n")
    result = run("svc", "--out", ".")
    assert_one_line_failure(result, ".: is the current directory; tfbg never replaces it")
    assert "--force" not in result.stderr


def test_an_existing_empty_directory_is_written_into_keeping_its_mode_and_inode(workdir):
    (workdir / "out").mkdir()
    os.chmod(workdir / "out", 0o750)
    inode = (workdir / "out").stat().st_ino
    assert run("svc", "--out", "out").exit_code == 0
    assert stat.S_IMODE((workdir / "out").stat().st_mode) == 0o750
    assert (workdir / "out").stat().st_ino == inode
    assert (workdir / "out" / "main.tf").is_file()


def test_the_empty_current_directory_is_written_into(workdir, monkeypatch):
    (workdir / "svc").mkdir()
    monkeypatch.chdir(workdir / "svc")
    result = run("svc", "--out", ".")
    assert result.exit_code == 0, result.stderr
    assert (workdir / "svc" / "main.tf").is_file()


def test_a_failure_while_writing_into_an_existing_directory_undoes_every_step(workdir, monkeypatch):
    assert run("svc", "--hooks", "PRE_SCALE_UP").exit_code == 0
    before = snapshot(workdir)
    real_rename = os.rename
    renames = []

    def failing_rename(src, dst):
        renames.append(dst)
        if len(renames) == 14:  # the old files are aside and some new ones are in place
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    assert_one_line_failure(run("svc", "--strategy", "canary", "--force"), "cannot write the module (No space left")
    monkeypatch.setattr(os, "rename", real_rename)
    assert snapshot(workdir) == before


def test_a_directory_tfbg_did_not_write_is_named_once(workdir):
    assert run("svc").exit_code == 0
    for name in (".terraform/providers/a", ".terraform/modules/modules.json", "examples/complete/.terraform/x"):
        (workdir / "svc" / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / "svc" / name).write_text("{}")
    (workdir / "svc" / ".terraform.lock.hcl").write_text("# lock\n")
    assert_one_line_failure(
        run("svc", "--force"), "not written by tfbg: .terraform.lock.hcl, .terraform/, examples/complete/.terraform/ ("
    )


def test_regen_modules_replaces_the_canonical_renders_and_keeps_what_terraform_left(tmp_path, monkeypatch):
    import shutil

    from generator import regen_modules

    modules = tmp_path / "modules"
    shutil.copytree(regen_modules.MODULES_DIR, modules, ignore=shutil.ignore_patterns(".build", ".terraform*"))
    monkeypatch.setattr(regen_modules, "MODULES_DIR", modules)
    name = sorted(p.name for p in modules.iterdir())[0]
    expected = tree(modules / name)
    (modules / name / ".build").mkdir()
    (modules / name / ".build" / "hook.zip").write_bytes(b"zip")
    (modules / name / "main.tf").write_text("# stale\n")
    assert regen_modules.main() == 0
    assert (modules / name / ".build" / "hook.zip").read_bytes() == b"zip"
    assert {k: v for k, v in tree(modules / name).items() if not k.startswith(".build/")} == expected
