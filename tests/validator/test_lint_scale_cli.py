"""`tfbg lint` at scale, end to end: --jobs gives the serial report byte for byte, a huge file is one
line and exit 2, the lint commands do not import the generator, progress stays off pipes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from bench.gen_services import write_modules, write_root
from validator import progress
from validator.hcl.module import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[2]


def tfbg(*args, cwd=ROOT):
    result = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_jobs_give_the_serial_report_byte_for_byte(tmp_path, output_format):
    for name, write, services in (("a", write_root, 3), ("b", write_modules, 3), ("c", write_root, 4)):
        (tmp_path / name).mkdir()
        write(tmp_path / name, services)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = \n}\n')
    targets = [str(tmp_path / n) for n in ("a", "missing", "b", "broken", "c")]
    serial = tfbg("lint", *targets, "-f", output_format, "--jobs", "1")
    assert serial[0] == 2 and "missing: no such file or directory" in serial[2]
    assert tfbg("lint", *targets, "-f", output_format, "--jobs", "3") == serial
    assert tfbg("lint", *targets, "-f", output_format) == serial  # default: the machine's cores


def test_a_huge_file_is_one_line_and_exit_2(tmp_path):
    literal = "x" * (MAX_FILE_BYTES + 1)
    (tmp_path / "main.tf").write_text(f'locals {{\n  blob = "{literal}"\n}}\n')
    code, out, err = tfbg("lint", str(tmp_path), "-f", "json")
    assert code == 2
    assert err.count("\n") == 1 and "main.tf: file too large to lint (8.0 MiB" in err
    code, out, err = tfbg("lint", str(tmp_path))
    assert code == 2 and "file too large to lint" in out and err == ""


def test_a_large_literal_below_the_limit_is_linted(tmp_path):
    literal = "x" * (2 * 1024 * 1024)
    (tmp_path / "main.tf").write_text(
        f'resource "aws_sqs_queue" "q" {{\n  name   = "q"\n  policy = "{literal}"\n}}\n'
    )
    code, out, err = tfbg("lint", str(tmp_path))
    assert code == 0, out + err


def test_a_huge_var_file_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "main.tf").write_text('variable "x" {\n  type = string\n}\n')
    (tmp_path / "big.tfvars").write_text('x = "' + "y" * (MAX_FILE_BYTES + 1) + '"\n')
    code, out, err = tfbg("lint", str(tmp_path), "--var-file", str(tmp_path / "big.tfvars"))
    assert code == 2 and err.count("\n") == 1 and "file too large to lint" in err


@pytest.mark.parametrize("command", [["lint", "."], ["rules"], ["explain", "TFBG101"]])
def test_lint_commands_do_not_import_the_generator(tmp_path, command):
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    script = (
        "import sys\n"
        f"sys.argv = ['tfbg', *{command!r}]\n"
        "from generator.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('MODULES', sorted(m for m in sys.modules if m.startswith(('jinja2', 'generator.'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TFBG_NO_CACHE": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "MODULES ['generator.cli']"


def test_new_still_has_the_generator():
    code, out, err = tfbg("new", "--help")
    assert code == 0 and "generator new [OPTIONS]" in out


def test_progress_is_drawn_only_on_a_terminal_after_a_second(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    quiet = progress.Progress(2, enabled=True)  # StringIO is no terminal
    quiet.start -= 5
    quiet.file_parsed()
    quiet.close()
    assert stream.getvalue() == ""

    monkeypatch.setattr(stream, "isatty", lambda: True, raising=False)
    fast = progress.Progress(2, enabled=True)  # under a second: nothing
    fast.file_parsed()
    fast.close()
    assert stream.getvalue() == ""
    slow = progress.Progress(2, enabled=True)
    slow.start -= 5
    slow.file_parsed()
    slow.root_done()
    assert "tfbg: 0/2 linted, 1 files read" in stream.getvalue()
    slow.drawn_at -= 1  # the next draw is due
    for _ in range(100):  # resources are counted, and drawn every hundredth
        slow.resource_evaluated()
    assert "tfbg: 1/2 linted, 1 files read, 100 resources evaluated" in stream.getvalue()
    slow.close()
    assert stream.getvalue().endswith("\r\033[K")
    off = progress.Progress(2, enabled=False)  # machine-readable formats, CI
    off.start -= 5
    before = stream.getvalue()
    off.file_parsed()
    assert stream.getvalue() == before


def test_no_progress_when_output_is_redirected(tmp_path):
    (tmp_path / "a").mkdir()
    write_root(tmp_path / "a", 3)
    code, out, err = tfbg("lint", str(tmp_path / "a"), "--no-cache")
    assert err == ""
