"""Warm re-runs (validator/result_cache.py): a kept result is used only when every read it came
from still sees the same, and never changes a finding. End to end, `tfbg lint` in a subprocess with
its own cache directory."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.gen_services import write_root

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tree(tmp_path):
    directory = tmp_path / "services"
    directory.mkdir()
    write_root(directory, 3)
    return directory


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("TFBG_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "tfbg" / "results"


def lint(directory, *options):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "lint", str(directory), "-f", "json", *options],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def only_entry(results: Path) -> Path:
    entries = [p for p in results.iterdir() if re.fullmatch(r"[0-9a-f]{64}", p.name)]
    assert len(entries) == 1
    return entries[0]


def test_a_warm_run_is_the_cold_run_and_comes_from_the_cache(tree, cache_home):
    cold = lint(tree, "--no-cache")
    assert not cache_home.exists()  # --no-cache keeps nothing either
    assert lint(tree) == cold  # first run with the cache: computed, then kept
    entry = only_entry(cache_home)
    assert lint(tree) == cold  # served from the cache

    # Proof that the last run was the cache's: an entry altered on disk shows through...
    kept = pickle.loads(entry.read_bytes())
    kept["findings"][0].message = "FROM THE CACHE"
    entry.write_bytes(pickle.dumps(kept))
    assert "FROM THE CACHE" in lint(tree)[1]
    # ...until anything it read changes: a file's bytes, or a directory's names.
    first = sorted(tree.glob("*.tf"))[0]
    first.write_text(first.read_text() + "\n")
    assert lint(tree) == lint(tree, "--no-cache")
    (tree / "extra.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    assert lint(tree) == lint(tree, "--no-cache")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "wrong shape"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rewritten(tree, cache_home, damage):
    cold = lint(tree, "--no-cache")
    lint(tree)
    entry = only_entry(cache_home)
    good = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x80\x05not a pickle at all")
    elif damage == "truncated":  # what a reader would see of a half-written file
        entry.write_bytes(good[: len(good) // 2])
    elif damage == "foreign":  # another key's entry under this name: its findings are not ours
        kept = pickle.loads(good)
        kept["key"] = "0" * 64
        kept["findings"][0].message = "FOREIGN"
        entry.write_bytes(pickle.dumps(kept))
    else:
        entry.write_bytes(pickle.dumps({"format": "tfbg-results-1", "findings": "no"}))
    assert lint(tree) == cold
    rewritten = pickle.loads(only_entry(cache_home).read_bytes())
    assert rewritten["key"] == entry.name and rewritten["findings"]
    assert lint(tree) == cold


def test_options_are_part_of_the_key(tree, cache_home):
    lint(tree)
    assert lint(tree, "--disable", "TFBG205") == lint(tree, "--disable", "TFBG205", "--no-cache")
    assert len([p for p in cache_home.iterdir() if not p.name.startswith(".")]) == 2


def test_the_loader_reads_the_disk_only_through_reads():
    """The cache replays validator/hcl/reads.py's record: a read that bypasses it would let a stale
    result through. Any new file-system access in the HCL loader must go through reads.py."""
    direct = re.compile(r"(?<![\w.])open\(|os\.listdir|os\.scandir|os\.walk|os\.path\.(isfile|isdir|exists|getsize)|os\.stat|(?<!reads)\.read_text\(|\.read_bytes\(|glob")
    offenders = []
    for path in [*sorted((ROOT / "validator" / "hcl").glob("*.py")), ROOT / "validator" / "loaders" / "hcl.py"]:
        if path.name == "reads.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if direct.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_pruning_keeps_the_newest_entries_within_the_limits_and_only_tfbg_s(tmp_path, monkeypatch):
    from validator import cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache_dir.cache_directory.cache_clear()
    try:
        monkeypatch.setattr(cache_dir, "KEEP_ENTRIES", 3)
        names = [f"{number:064x}" for number in range(5)]
        for age, name in enumerate(names):
            cache_dir.write_entry("results", name, {"n": age})
            os.utime(Path(cache_dir.entry_directory("results")) / name, (1000 + age, 1000 + age))
        mine = Path(cache_dir.entry_directory("results")) / "notes.txt"
        mine.write_text("not tfbg's")
        cache_dir.prune()
        kept = sorted(p.name for p in Path(cache_dir.entry_directory("results")).iterdir())
        assert kept == sorted(names[2:]) + ["notes.txt"]
        monkeypatch.setitem(cache_dir.KEEP_BYTES, "results", 1)  # over budget: the newest one stays
        cache_dir.prune()
        assert sorted(p.name for p in Path(cache_dir.entry_directory("results")).iterdir()) == [names[4], "notes.txt"]
    finally:
        cache_dir.cache_directory.cache_clear()
