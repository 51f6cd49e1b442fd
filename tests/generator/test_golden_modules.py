"""modules/ holds canonical renders; each must equal a fresh render of its recorded answers.

After a template change: `python -m generator.regen_modules`, review the diff, commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.answers import build
from generator.canonical import CANONICAL
from generator.render import ANSWERS_FILE, render
from tests.generator.hclview import module_dir_files

MODULES = Path(__file__).resolve().parents[2] / "modules"


def test_every_canonical_module_is_committed_and_nothing_else():
    assert sorted(p.name for p in MODULES.iterdir() if p.is_dir()) == sorted(CANONICAL)


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_module_equals_a_fresh_render(name):
    on_disk = {
        path: data
        for path, data in module_dir_files(MODULES / name).items()
        # Terraform's and archive_file's working files, if someone ran terraform in an example.
        if not path.startswith((".build/", "examples/complete/.terraform")) and not path.endswith(".terraform.lock.hcl")
    }
    fresh = render(build({"name": name, **CANONICAL[name]}))
    assert sorted(on_disk) == sorted(fresh), "file set differs: run python -m generator.regen_modules"
    for path in fresh:
        assert on_disk[path] == fresh[path], f"{name}/{path} is stale: run python -m generator.regen_modules"


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_recorded_answers_match_the_canonical_table(name):
    recorded = json.loads((MODULES / name / ANSWERS_FILE).read_text())["answers"]
    assert build(recorded) == build({"name": name, **CANONICAL[name]})
