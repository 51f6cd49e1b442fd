"""A directory with a file changed (validator/loaders/declaration_cache.py): the declarations the change
cannot reach come from the cache, the others are evaluated again, and the report is always the one
of a load without the cache."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bench.gen_services import write_modules, write_root
from validator import cache_dir
from validator.engine import lint
from validator.loaders import hcl, parallel
from validator.loaders.hcl import load_directory

REPO = Path(__file__).resolve().parents[2]
KEY = "0" * 64  # the result cache's key in a real run; any fixed string here


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache_dir.cache_directory.cache_clear()
    yield tmp_path / "cache" / "tfbg" / "declarations"
    cache_dir.cache_directory.cache_clear()


@pytest.fixture
def evaluated(monkeypatch):
    """The (module instance address, declaration address) of every item evaluated, not applied."""
    seen: list[tuple[str, str]] = []
    original = hcl.add_resource

    def counting(module, decl, model, last_instance, report=None):
        seen.append((module.address, decl.local_address))
        original(module, decl, model, last_instance, report)

    monkeypatch.setattr(hcl, "add_resource", counting)
    return seen


def report(directory: Path, cached: bool, workers: int = 1) -> tuple:
    model = load_directory(str(directory), workers=workers, cache_key=KEY if cached else None)
    findings = [(f.rule_id, f.severity, f.address, str(f.location), f.message) for f in lint(model)]
    resources = [(r.address, r.values, r.locations, r.ignore_changes, r.count_unknown, r.location) for r in model.resources]
    diagnostics = sorted((d.message, str(d.location), d.severity) for d in model.diagnostics)
    return findings, resources, diagnostics


def same_as_without_cache(directory: Path, workers: int = 1) -> None:
    assert report(directory, True, workers) == report(directory, False), directory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def services(tmp_path) -> Path:
    directory = tmp_path / "services"
    directory.mkdir()
    write_root(directory, 12)
    return directory


def test_an_unchanged_directory_evaluates_nothing_and_one_change_evaluates_its_declaration(services, evaluated):
    cold = report(services, True)
    items = len(evaluated)
    assert items > 90
    evaluated.clear()
    assert report(services, True) == cold and evaluated == []

    path = services / "services_0000.tf"
    head, tail = path.read_text().split('resource "aws_ecs_service" "svc_00000" {')
    path.write_text(head + 'resource "aws_ecs_service" "svc_00000" {' + re.sub(r"desired_count(\s*)= 2", r"desired_count\1= 3", tail, count=1))
    cached = report(services, True)
    assert evaluated == [("", "aws_ecs_service.svc_00000")]  # nothing names it
    assert cached == report(services, False)


def test_a_changed_declaration_evaluates_again_every_declaration_that_names_it(services, evaluated):
    report(services, True)
    evaluated.clear()
    edit(services / "services_0000.tf", 'resource "aws_lb_target_group" "svc_00000_blue" {\n  name        = "', 'resource "aws_lb_target_group" "svc_00000_blue" {\n  name        = "renamed-')
    cached = report(services, True)
    again = {address for _module, address in evaluated}
    assert cached == report(services, False)
    # the target group, the listener rules that forward to it and the service that names it
    assert {"aws_lb_target_group.svc_00000_blue", "aws_ecs_service.svc_00000"} <= again
    assert any(address.startswith("aws_lb_listener_rule.svc_00000") for address in again)
    assert not any("svc_00001" in address for address in again)


def test_a_change_outside_resources_evaluates_everything_again(services, evaluated):
    report(services, True)
    evaluated.clear()
    main = services / "main.tf"
    main.write_text(main.read_text() + '\nlocals {\n  unused = "x"\n}\n')
    assert report(services, True) == report(services, False)
    assert len(evaluated) > 180  # both runs evaluated all


@pytest.mark.parametrize(
    "old, new",
    [
        # a name becomes undeclared, then declared again
        ("resource \"aws_lb_target_group\" \"svc_00001_green\"", "resource \"aws_lb_target_group\" \"svc_00001_gone\""),
        # a line moved by an edit above the declarations
        ("resource \"aws_ecs_task_definition\" \"svc_00000\" {", "\n\nresource \"aws_ecs_task_definition\" \"svc_00000\" {"),
        # a syntax error: the load starts again the usual way
        ("desired_count   = 2", "desired_count   = = 2"),
    ],
)
def test_edits_give_the_report_of_a_load_without_the_cache(services, old, new):
    report(services, True)
    path = services / "services_0000.tf"
    original = path.read_text()
    edit(path, old, new)
    same_as_without_cache(services)
    path.write_text(original)
    same_as_without_cache(services)


def test_a_file_read_by_a_declaration_is_read_again_before_its_delta_is_trusted(tmp_path):
    (tmp_path / "policy.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}')
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = file("${path.module}/policy.json")\n}\n'
    )
    first = report(tmp_path, True)
    (tmp_path / "policy.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}')
    second = report(tmp_path, True)
    assert second == report(tmp_path, False)
    assert second[1] != first[1]


@pytest.mark.parametrize("write", [write_root, write_modules], ids=["one-root", "module-instances"])
def test_changes_evaluated_in_workers_give_the_serial_report(tmp_path, monkeypatch, write):
    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)
    write(tmp_path, 20)
    report(tmp_path, True, workers=2)
    files = sorted(p for p in tmp_path.rglob("*.tf") if "aws_ecs_service" in p.read_text())
    edit(files[0], "desired_count", "# changed\n  desired_count")
    same_as_without_cache(tmp_path, workers=2)
    same_as_without_cache(tmp_path, workers=1)


def test_a_damaged_entry_is_ignored_and_rewritten(services, cache_home, evaluated):
    cold = report(services, True)
    entries = [p for p in cache_home.iterdir() if re.fullmatch(r"[0-9a-f]{64}", p.name)]
    assert entries
    for number, entry in enumerate(entries):
        entry.write_bytes(b"not a pickle" if number % 2 else entry.read_bytes()[:100])
    evaluated.clear()
    assert report(services, True) == cold
    assert len(evaluated) > 90  # nothing was trusted
    evaluated.clear()
    assert report(services, True) == cold and evaluated == []  # and everything was kept again


def _fixture_directories() -> list[Path]:
    directories = sorted({p.parent for p in (REPO / "tests").glob("**/*.tf") if ".terraform" not in p.parts})
    return directories + sorted(p.parent for p in (REPO / "modules").glob("*/examples/complete/main.tf"))


_VALUE = re.compile(r'= "([^"\\$%\n]*)"')


def test_every_fixture_directory_with_a_value_changed_reads_as_without_the_cache(tmp_path):
    """Every .tf directory of the test suite and every canonical module's example, loaded with the
    cache, then with one quoted value of one of its files changed, then with a line inserted at the
    top of that file: each time the report of a load without the cache (or the same input error)."""
    directories = _fixture_directories()
    assert len(directories) > 300
    changed = 0
    for number, source in enumerate(directories):
        copy = tmp_path / f"d{number}"
        shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns(".terraform"))
        try:
            report(copy, True)
        except Exception:  # noqa: BLE001 - an input error: the same one without the cache
            with pytest.raises(Exception):
                report(copy, False)
            continue
        files = sorted(p for p in copy.glob("*.tf") if _VALUE.search(p.read_text()))
        if not files:
            continue
        target = files[number % len(files)]
        text = target.read_text()
        values = list(_VALUE.finditer(text))
        match = values[number % len(values)]
        target.write_text(text[: match.start()] + f'= "{match.group(1)}-changed"' + text[match.end() :])
        same_as_without_cache(copy)
        target.write_text("\n" + target.read_text())
        same_as_without_cache(copy)
        changed += 1
    assert changed > 380  # 391 when written: every directory has a quoted value


def test_declarations_named_through_locals_and_module_outputs_are_followed(tmp_path):
    """A resource read through a local or a called module's output is part of "the rest of the
    configuration": changing it evaluates every declaration again."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(
        'resource "aws_sqs_queue" "inner" {\n  name = "inner"\n}\n\noutput "out" {\n  value = aws_sqs_queue.inner.name\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        'locals {\n  queue = aws_sqs_queue.named.name\n}\n\n'
        'resource "aws_sqs_queue" "named" {\n  name = "first"\n}\n\n'
        'resource "aws_sqs_queue" "by_local" {\n  name = "${local.queue}-copy"\n}\n\n'
        'module "m" {\n  source = "./m"\n}\n\n'
        'resource "aws_sqs_queue" "by_output" {\n  name = "${module.m.out}-copy"\n}\n\n'
        'output "everything" {\n  value = [aws_sqs_queue.by_local.name, aws_sqs_queue.by_output.name]\n}\n'
    )

    def names() -> dict[str, str]:
        cached = report(tmp_path, True)
        assert cached == report(tmp_path, False)
        return {address: values.get("name") for address, values, *_ in cached[1]}

    assert names()["aws_sqs_queue.by_local"] == "first-copy"
    edit(tmp_path / "main.tf", 'name = "first"', 'name = "second"')
    assert names()["aws_sqs_queue.by_local"] == "second-copy"
    edit(tmp_path / "m" / "main.tf", 'name = "inner"', 'name = "changed"')
    assert names()["aws_sqs_queue.by_output"] == "changed-copy"


def test_a_root_output_is_not_read_by_any_declaration(tmp_path, evaluated):
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "a" {\n  name = "a"\n}\n\nresource "aws_sqs_queue" "b" {\n  name = "b"\n}\n\n'
        'output "a" {\n  value = aws_sqs_queue.a.name\n}\n'
    )
    report(tmp_path, True)
    evaluated.clear()
    edit(tmp_path / "main.tf", 'name = "a"', 'name = "a2"')
    assert report(tmp_path, True) == report(tmp_path, False)
    assert evaluated[0] == ("", "aws_sqs_queue.a") and ("", "aws_sqs_queue.b") not in evaluated[:1]
    assert len([item for item in evaluated if item[1] == "aws_sqs_queue.b"]) == 1  # the run without the cache


def test_a_file_read_once_for_many_declarations_is_read_again(tmp_path):
    """A local read by file() is evaluated once, inside the first declaration that uses it; every
    other declaration that uses it must see the file change too."""
    (tmp_path / "name.txt").write_text("first\n")
    (tmp_path / "main.tf").write_text(
        'locals {\n  name = trimspace(file("name.txt"))\n}\n\n'
        'resource "aws_sqs_queue" "a" {\n  name = "${local.name}-a"\n}\n\n'
        'resource "aws_sqs_queue" "b" {\n  name = "${local.name}-b"\n}\n'
    )
    report(tmp_path, True)
    (tmp_path / "name.txt").write_text("second\n")
    cached = report(tmp_path, True)
    assert cached == report(tmp_path, False)
    assert [values["name"] for _address, values, *_ in cached[1]] == ["second-a", "second-b"]


def test_a_tf_json_file_added_or_removed_changes_the_reference_checks(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = aws_s3_bucket.nope.id\n}\n')
    checked = report(tmp_path, True)
    assert any("nope" in message for message, *_ in checked[2])
    (tmp_path / "extra.tf.json").write_text("{}")
    assert report(tmp_path, True) == report(tmp_path, False)
    assert not any("nope" in message for message, *_ in report(tmp_path, True)[2])
    (tmp_path / "extra.tf.json").unlink()
    assert report(tmp_path, True) == checked


CYCLE = (
    'resource "aws_sqs_queue" "b" {\n  name = "b-${length([aws_sqs_queue.app.delay_seconds])}"\n}\n\n'
    'resource "aws_sqs_queue" "app" {\n  name          = "app"\n  delay_seconds = aws_sqs_queue.b.name == "b-1" ? 5 : 0\n}\n'
)
ENTERS_AT_APP = 'resource "aws_sqs_queue" "d" {\n  name = "d-${aws_sqs_queue.app.delay_seconds}"\n}\n'


def test_where_a_reference_cycle_is_cut_follows_the_order_of_a_load_without_the_cache(tmp_path):
    """Terraform rejects a cycle; tfbg cuts it where evaluation first meets it, so a declaration
    added before it (a.tf) changes every value in it: nothing of a load that met a cycle is kept."""
    (tmp_path / "b.tf").write_text(CYCLE)
    report(tmp_path, True)
    (tmp_path / "a.tf").write_text(ENTERS_AT_APP)
    assert report(tmp_path, True) == report(tmp_path, False)


def test_a_reference_cycle_met_by_workers_gives_the_serial_report(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)
    write_root(tmp_path, 4)
    # The parent's share enters the cycle at app; a worker's share would enter it at b.
    (tmp_path / "a.tf").write_text(ENTERS_AT_APP)
    (tmp_path / "zz.tf").write_text(CYCLE)
    serial = report(tmp_path, False, workers=1)
    assert report(tmp_path, False, workers=2) == serial
    assert report(tmp_path, True, workers=2) == serial


def test_a_file_s_entry_from_before_a_run_without_that_file_is_not_trusted(tmp_path):
    """Two files use a local read by file(); both are removed, the read file changes (no run reads
    it), then one file comes back: its kept delta holds the old value and must not be used."""
    (tmp_path / "name.txt").write_text("first\n")
    (tmp_path / "main.tf").write_text('locals {\n  name = trimspace(file("name.txt"))\n}\n\nresource "aws_sqs_queue" "base" {\n  name = "base"\n}\n')
    users = {
        "a.tf": 'resource "aws_sqs_queue" "a" {\n  name = "${local.name}-a"\n}\n',
        "b.tf": 'resource "aws_sqs_queue" "b" {\n  name = "${local.name}-b"\n}\n',
    }
    for name, text in users.items():
        (tmp_path / name).write_text(text)
    report(tmp_path, True)
    for name in users:
        (tmp_path / name).unlink()
    report(tmp_path, True)
    (tmp_path / "name.txt").write_text("second\n")
    report(tmp_path, True)
    (tmp_path / "b.tf").write_text(users["b.tf"])
    cached = report(tmp_path, True)
    assert cached == report(tmp_path, False)
    assert {address: values["name"] for address, values, *_ in cached[1]}["aws_sqs_queue.b"] == "second-b"
