"""One directory's resources evaluated in forked workers (validator/loaders/parallel.py) give the
serial load's model and report, byte for byte; a worker that fails leaves its share to the parent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.gen_services import write_modules, write_root
from validator.engine import lint
from validator.loaders import parallel
from validator.loaders.hcl import load_directory

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="workers are forked")


def _report(directory: Path, workers: int) -> tuple:
    model = load_directory(str(directory), workers=workers)
    findings = [(f.rule_id, f.severity, f.address, str(f.location), f.message) for f in lint(model)]
    resources = [(r.address, r.values, r.locations, r.ignore_changes, r.count_unknown) for r in model.resources]
    diagnostics = sorted((d.message, str(d.location), d.severity) for d in model.diagnostics)
    return findings, resources, diagnostics


def _fixture_directories() -> list[Path]:
    directories = sorted({p.parent for p in (REPO / "tests").glob("**/*.tf") if ".terraform" not in p.parts})
    return directories + sorted(p.parent for p in (REPO / "modules").glob("*/examples/complete/main.tf"))


def test_every_fixture_directory_loads_the_same_with_workers(monkeypatch):
    """Every .tf directory of the test suite (the rule fixtures, modules, broken inputs) and every
    canonical module's example, with the share size forced down so that each is divided."""
    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)
    directories = _fixture_directories()
    assert len(directories) > 300
    for directory in directories:
        try:
            serial = _report(directory, 1)
        except Exception as error:  # noqa: BLE001 - an input error must be the same one
            with pytest.raises(type(error)):
                _report(directory, 2)
            continue
        assert _report(directory, 2) == serial, directory
        assert _report(directory, 3) == serial, directory


@pytest.mark.parametrize("write", [write_root, write_modules], ids=["one-root", "module-instances"])
def test_a_generated_monorepo_loads_the_same_with_workers(tmp_path, monkeypatch, write):
    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)
    write(tmp_path, 30)
    assert _report(tmp_path, 2) == _report(tmp_path, 1)


def test_a_worker_that_fails_leaves_its_share_to_the_parent(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)
    write_root(tmp_path, 12)
    serial = _report(tmp_path, 1)
    monkeypatch.setattr(parallel, "_run", lambda *args: os._exit(3))  # dies before it sends anything
    assert _report(tmp_path, 2) == serial


def test_a_syntax_error_in_a_worker_s_share_reads_as_in_a_serial_load(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)
    write_root(tmp_path, 12)
    broken = sorted(tmp_path.glob("services_*.tf"))[-1]  # the last file: the worker's share
    broken.write_text(broken.read_text() + '\nresource "aws_iam_role" "bad" {\n  name = "x" +\n}\n')
    serial = _report(tmp_path, 1)
    assert any("cannot parse" in message for message, _, _ in serial[2])
    assert _report(tmp_path, 2) == serial


def test_the_cli_report_with_both_cores_is_the_serial_one(tmp_path):
    """Above the size where workers pay (here 60 services, 480 resource declarations)."""
    write_root(tmp_path, 60)
    assert sum(1 for _ in tmp_path.glob("*.tf")) > 1
    outputs = []
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "generator.cli", "lint", str(tmp_path), "--no-cache", "-f", "json", "--jobs", jobs],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["findings"]


def test_the_reads_a_worker_makes_are_recorded_for_the_result_cache(tmp_path, monkeypatch):
    """The result cache answers a later run only if every read of this one sees the same: a file
    that only the worker's share reads (file(), templatefile()) must be in the parent's record."""
    from validator.hcl import reads

    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)
    write_root(tmp_path, 12)
    (tmp_path / "policy.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    last = sorted(tmp_path.glob("services_*.tf"))[-1]
    last.write_text(last.read_text() + '\nresource "aws_iam_policy" "late" {\n  policy = file("${path.module}/policy.json")\n}\n')

    def recorded(workers: int) -> set[str]:
        with reads.recording() as seen:
            load_directory(str(tmp_path), workers=workers)
        return {repr(read) for read in seen}

    serial = recorded(1)
    assert any("policy.json" in read for read in serial)
    assert recorded(2) == serial
