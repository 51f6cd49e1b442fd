"""One Terraform module directory: its files parsed once, its declarations indexed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from validator import progress
from validator.hcl import reads
from validator.hcl.parse import Attribute, Block, ParseFailure, PendingBlock, parse_text
from validator.hcl.references import ModuleChecker, check_module
from validator.hcl.split import TopBlock
from validator.model import Diagnostic, Location


class DeferredParseFailed(BaseException):
    """A deferred resource block did not parse on its own. The directory loader starts again
    without deferring, so that the file is reported (and skipped) exactly as a whole-file parse
    would. A BaseException: no `except Exception` on the way (an evaluator guard) may take it for
    an evaluation error."""


@dataclass(slots=True)
class ResourceDecl:
    mode: str  # "managed" | "data"
    type: str
    name: str
    declared: Block | PendingBlock
    # Set for a deferred block: checks its references when first parsed (into `late_diagnostics`).
    checker: "ModuleChecker | None" = field(default=None, repr=False)
    directory: str = field(default="", repr=False)  # of its module configuration
    late_diagnostics: list[Diagnostic] | None = field(default=None, repr=False)
    _parsed: Block | None = field(default=None, repr=False)
    _names: frozenset[str] | None = field(default=None, repr=False)
    _checked: bool = field(default=False, repr=False)
    # One string per declaration (it keys the evaluation cache of every member of every instance).
    local_address: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        base = f"{self.type}.{self.name}"
        self.local_address = f"data.{base}" if self.mode == "data" else base

    @property
    def file(self) -> str:
        return self.declared.file

    @property
    def line(self) -> int:
        return self.declared.line

    @property
    def block(self) -> Block:
        """The parsed block (a deferred one is parsed now, and again after release())."""
        if isinstance(self.declared, Block):
            return self.declared
        if self._parsed is None:
            parsed = self.declared.parse()
            if parsed is None:
                raise DeferredParseFailed(self.declared.file)
            if not self._checked:
                self._checked = True
                found: list[Diagnostic] = []
                if self.checker is not None and self.late_diagnostics is not None:
                    found = self.checker.check(parsed)
                    self.late_diagnostics.extend(found)
                if FIRST_PARSES is not None:
                    FIRST_PARSES.append((self, found))
            self._parsed = parsed
        return self._parsed

    @property
    def member_names(self) -> frozenset[str]:
        """Its attribute names and nested block types: kept after release(), so that a reference
        to an attribute the block does not set (`.arn`) needs no parse."""
        if self._names is None:
            names = frozenset(member_names(self.block))
            self._names = _NAME_SETS.setdefault(names, names)
        return self._names

    @property
    def parsed_once(self) -> bool:
        return isinstance(self.declared, Block) or self._checked

    def mark_checked(self, names: frozenset[str]) -> None:
        """Parsed and checked in another process (validator/loaders/parallel.py)."""
        if not self.parsed_once:
            self._checked = True
            self._names = names

    def release(self) -> None:
        """Drop a deferred block's syntax tree (the directory loader has evaluated it)."""
        if not isinstance(self.declared, Block):
            self.member_names  # noqa: B018 - computed while the tree is at hand
            self._parsed = None


# Deferred blocks parsed for the first time, with what their reference checks found, in order, while
# validator/loaders/deltas.py records one evaluation (None: nobody is listening).
FIRST_PARSES: list[tuple[ResourceDecl, list[Diagnostic]]] | None = None


# Resources of one type mostly set the same arguments: one frozenset for each distinct set.
_NAME_SETS: dict[frozenset[str], frozenset[str]] = {}


def member_names(block: Block) -> list[str]:
    """Attribute names and nested block types of a body, in order of appearance."""
    names: list[str] = list(block.attributes)
    for nested in block.blocks:
        name = nested.labels[0] if nested.type == "dynamic" and nested.labels else nested.type
        if name not in names:
            names.append(name)
    return names


@dataclass
class ModuleConfig:
    directory: str  # as shown to the user (joined onto the linted path, normalised)
    files: list[str] = field(default_factory=list)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    local_blocks: dict[str, Block] = field(default_factory=dict)  # local name -> its `locals` block
    outputs: dict[str, Block] = field(default_factory=dict)
    resources: dict[tuple[str, str, str], ResourceDecl] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    terraform: list[Block] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: int = 0
    # Deferred resource blocks (load_module_config(defer_resources=True)): what finish() parses,
    # and the diagnostics of their checks, which come after `diagnostics` was handed over.
    deferred: list[ResourceDecl] = field(default_factory=list)
    late_diagnostics: list[Diagnostic] = field(default_factory=list)

    def finish(self) -> None:
        """Parse and check every deferred block that evaluation did not need (a module instance
        with count = 0, a duplicate declaration), so that every file is read as a whole-file parse
        would read it; raises DeferredParseFailed like any deferred parse."""
        for decl in self.deferred:
            if not decl.parsed_once:
                decl.block  # noqa: B018 - parsed for its checks and syntax
                decl.release()


# Parsing costs about 100 bytes of memory per byte of HCL (a 50 MB file: several GiB): larger files
# are refused with one line. Terraform configurations are rarely above 1 MiB a file.
MAX_FILE_BYTES = 8 * 1024 * 1024


def too_large(size: int) -> str:
    return (
        f"file too large to lint ({size / 1048576:.1f} MiB; tfbg parses .tf and .tfvars files up to "
        f"{MAX_FILE_BYTES // 1048576} MiB): split it, or exclude its directory"
    )


# utf-8-sig: Terraform reads a file that an editor saved with a UTF-8 byte order mark.
read_text = reads.read_text


def load_module_config(directory: str, defer_resources: bool = False) -> ModuleConfig:
    """Parse every `*.tf` file of a directory (in name order, as Terraform does).

    A file that does not parse becomes a Diagnostic naming file:line; the others are still used.
    With `defer_resources`, resource and data blocks are parsed when first needed (ResourceDecl.block)
    and the caller must call finish(); not in a directory with override files, which are merged
    into the parsed blocks they name.
    """
    config = ModuleConfig(directory)
    try:
        listing = reads.listdir(directory or ".")
    except OSError as error:
        config.diagnostics.append(
            Diagnostic(f"cannot read directory: {error.strerror}", Location(directory or "."))
        )
        return config
    names = [n for n in listing if n.endswith(".tf")]
    # Terraform reads override files last and merges them into the blocks they name.
    overrides = [n for n in names if _is_override(n)]
    roots: list[Block] = []
    defer = _deferrable if defer_resources and not overrides else None
    for name in [n for n in names if not _is_override(n)] + overrides:
        path = os.path.normpath(os.path.join(directory, name))
        root = _parse_file(config, path, defer)
        if root is None:
            continue
        roots.append(root)
        if name in overrides:
            _merge_overrides(config, root)
        else:
            _index(config, root)
    if len(roots) == len(names):  # a file that did not parse may hold the missing declaration
        config.diagnostics.extend(check_module(config, roots))
        if config.deferred:
            checker = ModuleChecker(config)
            for decl in config.deferred:
                decl.checker, decl.late_diagnostics = checker, config.late_diagnostics
    for name in listing:
        if name.endswith(".tf.json"):
            config.diagnostics.append(
                Diagnostic(
                    "Terraform JSON configuration (*.tf.json) is not read by tfbg; its resources are not checked",
                    Location(os.path.normpath(os.path.join(directory, name))),
                    severity="info",
                )
            )
    return config


def _is_override(name: str) -> bool:
    return name == "override.tf" or name.endswith("_override.tf")


NOT_A_TERRAFORM_FILE = ", not a Terraform file: skipped"


def _deferrable(top: TopBlock) -> bool:
    return top.type in ("resource", "data") and len(top.labels) == 2


def _parse_file(config: ModuleConfig, path: str, defer=None) -> Block | None:
    problem = reads.not_a_file(path)
    if problem is not None:
        config.diagnostics.append(Diagnostic(f"is {problem}{NOT_A_TERRAFORM_FILE}", Location(path)))
        return None
    if not reads.isfile(path):
        return None
    try:
        text = read_text(path, limit=MAX_FILE_BYTES)
    except reads.TooLarge as error:
        config.diagnostics.append(Diagnostic(too_large(error.size), Location(path)))
        return None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        message = "cannot read file: not UTF-8 text (Terraform requires UTF-8)"
        config.diagnostics.append(Diagnostic(message, Location(path, line)))
        return None
    except OSError as error:
        config.diagnostics.append(Diagnostic(f"cannot read file: {error}", Location(path)))
        return None
    config.files.append(path)
    config.lines += text.count("\n") + 1
    progress.file_parsed()
    try:
        return parse_text(text, path, defer)
    except ParseFailure as failure:
        config.diagnostics.append(Diagnostic(f"cannot parse: {failure}", Location(path, failure.line)))
        return None


def _merge_overrides(config: ModuleConfig, root: Block) -> None:
    """Terraform's override files: arguments replace the base block's, nested block types replace
    all base blocks of that type, `lifecycle` merges argument by argument, locals replace by name."""
    for block in root.blocks:
        kind, labels = block.type, block.labels
        base: Block | None = None
        if kind in ("resource", "data") and len(labels) == 2:
            decl = config.resources.get(("managed" if kind == "resource" else "data", *labels))
            base = decl.block if decl else None
        elif kind in ("variable", "output", "module") and len(labels) == 1:
            table = {"variable": config.variables, "output": config.outputs, "module": config.modules}[kind]
            base = table.get(labels[0])
        elif kind == "locals":
            for name, attribute in block.attributes.items():
                config.locals[name] = attribute
                config.local_blocks[name] = block
            continue
        elif kind == "terraform":
            config.terraform.append(block)
            continue
        else:
            continue
        if base is None:
            described = " ".join([kind, *(f'"{label}"' for label in labels)])
            config.diagnostics.append(
                Diagnostic(f"override of {described} has no base declaration to override", Location(block.file, block.line))
            )
            continue
        _merge_block(base, block)


def _merge_block(base: Block, override: Block) -> None:
    base.attributes.update(override.attributes)
    for nested in override.blocks:
        if nested.type == "lifecycle":
            existing = base.blocks_of("lifecycle")
            if existing:
                existing[0].attributes.update(nested.attributes)
                continue
    replaced = {
        (b.labels[0] if b.type == "dynamic" and b.labels else b.type) for b in override.blocks if b.type != "lifecycle"
    }
    base.blocks = [
        b for b in base.blocks if (b.labels[0] if b.type == "dynamic" and b.labels else b.type) not in replaced
    ] + [b for b in override.blocks if b.type != "lifecycle" or not base.blocks_of("lifecycle")]


def _index(config: ModuleConfig, root: Block) -> None:
    for block in root.blocks:
        kind, labels = block.type, block.labels
        if kind in ("resource", "data") and len(labels) == 2:
            mode = "managed" if kind == "resource" else "data"
            decl = ResourceDecl(mode, *labels, block, directory=config.directory)
            if isinstance(block, PendingBlock):
                config.deferred.append(decl)  # a duplicate too: finish() parses it
            _declare(config, config.resources, (mode, *labels), decl, block)
        elif kind == "variable" and len(labels) == 1:
            _declare(config, config.variables, labels[0], block, block)
        elif kind == "output" and len(labels) == 1:
            _declare(config, config.outputs, labels[0], block, block)
        elif kind == "module" and len(labels) == 1:
            _declare(config, config.modules, labels[0], block, block)
        elif kind == "locals":
            for name, attribute in block.attributes.items():
                config.locals[name] = attribute
                config.local_blocks[name] = block
        elif kind == "terraform":
            config.terraform.append(block)


def _declare(config: ModuleConfig, table: dict, key, value, block: Block) -> None:
    """Terraform rejects a second declaration of the same name; the first one is kept."""
    existing = table.get(key)
    if existing is None:
        table[key] = value
        return
    first = existing
    labels = " ".join(f'"{label}"' for label in block.labels)
    config.diagnostics.append(
        Diagnostic(
            f"duplicate {block.type} {labels}: already declared at {first.file}:{first.line}",
            Location(block.file, block.line),
        )
    )
