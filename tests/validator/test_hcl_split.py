"""Files are parsed one top-level block at a time (validator/hcl/split.py), and resource blocks only
when evaluated (module.py): the trees must be the whole-file parse's, syntax errors reported as
before, every block parsed once, and only a few trees alive at any time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.gen_services import write_modules, write_root
from validator.engine import lint
from validator.hcl import parse
from validator.hcl.parse import ParseFailure, parse_text, span
from validator.hcl.split import split_blocks
from validator.loaders import hcl as hcl_loader
from validator.loaders.hcl import load_directory

REPO = Path(__file__).resolve().parents[2]

TRICKY = r'''
# a comment with a brace {
// another }
/* a block comment
   resource "x" "y" { } */
resource "aws_iam_role" "r" {
  name = "a}b{c"
  policy = <<EOF
{
  "Statement": [{"Effect": "Allow"}]
}
EOF
  trimmed = <<-JSON
    { "a": "${var.x}" }
    JSON
  template = "${var.a == "}" ? "{" : "x"}-%{ if var.b }yes%{ else }no%{ endif }"
  escaped  = "$${not.interpolated} %%{notdirective} \" \\ ${"nested ${var.c}"}"
  object   = { a = { b = "}" } }
  divide   = 4 / 2 # } trailing comment
  for      = [for k, v in var.m : "${k}=${v}" if v != "}"]
  lines    = "a
b"
}

locals { one_line = { x = 1 } }

data "aws_region" "current" {}
terraform
{
  required_version = ">= 1.5"
}
'''


def _whole_file(text: str, file: str, monkeypatch) -> parse.Block:
    with monkeypatch.context() as patch:
        patch.setattr(parse, "split_blocks", lambda _text: None)
        return parse_text(text, file)


def _same(a, b) -> bool:
    if (a.type, a.labels, a.line, a.end_line, a.file) != (b.type, b.labels, b.line, b.end_line, b.file):
        return False
    if list(a.attributes) != list(b.attributes):
        return False
    for name, attribute in a.attributes.items():
        other = b.attributes[name]
        if (attribute.line, attribute.end_line) != (other.line, other.end_line) or attribute.expr != other.expr:
            return False
        if span(attribute.expr) != span(other.expr):
            return False
    return len(a.blocks) == len(b.blocks) and all(_same(x, y) for x, y in zip(a.blocks, b.blocks))


def test_the_scanner_finds_each_top_level_block():
    blocks = split_blocks(TRICKY)
    assert blocks is not None
    assert [(b.type, b.labels) for b in blocks] == [
        ("resource", ("aws_iam_role", "r")),
        ("locals", ()),
        ("data", ("aws_region", "current")),
        ("terraform", ()),
    ]
    assert [b.line for b in blocks] == [6, 25, 27, 28]
    assert all(TRICKY[b.end - 1] == "}" for b in blocks)


@pytest.mark.parametrize("text", [TRICKY, TRICKY.replace("\n", "\r\n")], ids=["lf", "crlf"])
def test_block_by_block_is_the_whole_file_parse(text, monkeypatch):
    assert _same(parse_text(text, "t.tf"), _whole_file(text, "t.tf", monkeypatch))


def test_every_tf_file_of_the_repository_parses_the_same_block_by_block(monkeypatch):
    """The fixtures, the canonical modules and the examples: hundreds of files written the way
    people write Terraform (the scanner was also checked on 3,241 files of 32 public repositories)."""
    files = [p for p in REPO.glob("**/*.tf") if ".venv" not in p.parts and ".terraform" not in p.parts]
    assert len(files) > 200
    split = 0
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        split += split_blocks(text) is not None
        try:
            ours = parse_text(text, str(path))
        except ParseFailure as failure:
            with pytest.raises(ParseFailure) as whole:
                _whole_file(text, str(path), monkeypatch)
            assert (str(failure), failure.line) == (str(whole.value), whole.value.line), path
            continue
        assert _same(ours, _whole_file(text, str(path), monkeypatch)), path
    assert split >= len(files) - 5  # nearly every file takes the fast path


def test_bare_and_empty_labels_are_the_grammar_s():
    blocks = split_blocks('module x {}\nresource "" y {}\nresource"a""b"{}\n')
    assert blocks is not None and [b.labels for b in blocks] == [("x",), ("", "y"), ("a", "b")]
    # ...so the block parsed on its own is the scanner's, and nothing falls back to a whole-file parse
    text = 'module x {\n  source = "./x"\n}\n'
    assert parse.parse_top_block(split_blocks(text)[0], "m.tf", text) is not None


def test_rejecting_a_long_top_level_name_is_linear():
    """A .tfvars file is all top-level attributes. A header pattern that could cut a name into two
    labels in every possible way took 5 s for a 24-character name (and doubled with each character);
    a hang here fails the test instead of stalling the suite."""
    import signal

    def stalled(signum, frame):
        raise AssertionError("split_blocks did not return")

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(20)
    try:
        for name in ("a" * 60, "aws_ecs_service_deployment_circuit_breaker_rollback_enabled"):
            assert split_blocks(f"{name} = true\n") is None
            assert split_blocks(f'resource "a" "b" {{}}\n{name} {name} {name} = 1\n') is None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "text",
    [
        'x = 1\n',  # a top-level attribute (a .tfvars file, or an error in a .tf file)
        'resource "a" "b" {\n  x = "unterminated\n',
        'resource "a" "b" {\n  x = <<EOF\n  no end marker\n}\n',
        'resource "a" /* comment in the header */ "b" {}\n',
        'resource "a\\"q" "b" {}\n',  # an escaped label
        'resource "a" "b" {\n  x = 1\n',  # the block is not closed
        '/* not closed\n',
    ],
)
def test_the_scanner_gives_up_rather_than_guess(text):
    assert split_blocks(text) is None


def test_a_syntax_error_in_a_deferred_block_is_reported_as_a_whole_file_parse_reports_it(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text('variable "name" {\n  default = "x"\n}\n')
    (tmp_path / "broken.tf").write_text(
        'resource "aws_iam_role" "ok" {\n  name = var.name\n}\n\n'
        'resource "aws_iam_role" "bad" {\n  name = var.name +\n}\n'
    )
    (tmp_path / "fine.tf").write_text('resource "aws_iam_role" "other" {\n  name = "y"\n}\n')
    deferred = load_directory(str(tmp_path))
    # The same directory with nothing deferred: the reference behaviour.
    monkeypatch.setattr(hcl_loader, "load_module_config", lambda d, defer_resources=False: _eager(d))
    eager = load_directory(str(tmp_path))
    assert [r.address for r in deferred.resources] == [r.address for r in eager.resources] == ["aws_iam_role.other"]
    assert [(d.message, str(d.location)) for d in deferred.diagnostics] == [(d.message, str(d.location)) for d in eager.diagnostics]
    assert any("broken.tf:7" in str(d.location) for d in deferred.diagnostics)


def _eager(directory):
    from validator.hcl.module import load_module_config

    return load_module_config(directory, defer_resources=False)


def test_references_in_blocks_evaluation_never_needs_are_still_checked(tmp_path, monkeypatch):
    """A module instantiated with count = 0 and a duplicate declaration: their blocks are parsed at
    the end of the load for their checks, as a whole-file parse would have read them."""
    module = tmp_path / "modules" / "unused"
    module.mkdir(parents=True)
    (module / "main.tf").write_text('resource "aws_iam_role" "r" {\n  name = var.undeclared\n}\n')
    (tmp_path / "main.tf").write_text(
        'module "unused" {\n  source = "./modules/unused"\n  count  = 0\n}\n\n'
        'resource "aws_iam_role" "twice" {\n  name = "a"\n}\n\n'
        'resource "aws_iam_role" "twice" {\n  name = local.nowhere\n}\n'
    )
    messages = sorted(f"{d.location}: {d.message}" for d in load_directory(str(tmp_path)).diagnostics)
    assert any("modules/unused/main.tf:2" in m and "undeclared" in m for m in messages), messages
    assert any("main.tf:11" in m and "nowhere" in m for m in messages), messages
    assert any("main.tf:10" in m and "duplicate" in m for m in messages), messages
    monkeypatch.setattr(hcl_loader, "load_module_config", lambda d, defer_resources=False: _eager(d))
    assert messages == sorted(f"{d.location}: {d.message}" for d in load_directory(str(tmp_path)).diagnostics)


@pytest.mark.parametrize("write", [write_root, write_modules], ids=["one-root", "module-instances"])
def test_each_block_is_parsed_once_and_few_trees_are_alive_at_a_time(tmp_path, monkeypatch, write):
    """Bounded memory, counted rather than measured: a resource's tree lives from its first use to
    the end of its evaluation, so the trees alive at once do not grow with the services."""
    from validator.hcl.module import ResourceDecl

    peaks = []
    for services in (6, 24):
        directory = tmp_path / str(services)
        directory.mkdir()
        write(directory, services)
        parses: dict[tuple, int] = {}
        alive: set[int] = set()
        peak = 0
        original_parse, original_release = parse.PendingBlock.parse, ResourceDecl.release

        def counting_parse(self):
            nonlocal peak
            parses[(self.file, self.top.start)] = parses.get((self.file, self.top.start), 0) + 1
            alive.add(id(self))
            peak = max(peak, len(alive))
            return original_parse(self)

        def counting_release(self):
            alive.discard(id(self.declared))
            original_release(self)

        with monkeypatch.context() as patch:
            patch.setattr(parse.PendingBlock, "parse", counting_parse)
            patch.setattr(ResourceDecl, "release", counting_release)
            model = load_directory(str(directory))
        assert lint(model) is not None
        assert parses and set(parses.values()) == {1}, "a block parsed twice"
        peaks.append(peak)
    small, large = peaks
    assert large <= small + 2, f"trees alive at once grow with the input: {small} -> {large}"
