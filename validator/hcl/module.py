"""One Terraform module directory: its files parsed once, its declarations indexed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from validator.hcl.parse import Attribute, Block, ParseFailure, parse_text
from validator.model import Diagnostic, Location


@dataclass
class ResourceDecl:
    mode: str  # "managed" | "data"
    type: str
    name: str
    block: Block

    @property
    def local_address(self) -> str:
        base = f"{self.type}.{self.name}"
        return f"data.{base}" if self.mode == "data" else base


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


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def load_module_config(directory: str) -> ModuleConfig:
    """Parse every `*.tf` file of a directory (in name order, as Terraform does).

    A file that does not parse becomes a Diagnostic naming file:line; the others are still used.
    """
    config = ModuleConfig(directory)
    try:
        names = sorted(n for n in os.listdir(directory or ".") if n.endswith(".tf"))
    except OSError as error:
        config.diagnostics.append(
            Diagnostic(f"cannot read directory: {error.strerror}", Location(directory or "."))
        )
        return config
    for name in names:
        path = os.path.normpath(os.path.join(directory, name))
        if not os.path.isfile(path):
            continue
        try:
            text = read_text(path)
        except (OSError, UnicodeDecodeError) as error:
            config.diagnostics.append(Diagnostic(f"cannot read file: {error}", Location(path)))
            continue
        config.files.append(path)
        config.lines += text.count("\n") + 1
        try:
            root = parse_text(text, path)
        except ParseFailure as failure:
            config.diagnostics.append(
                Diagnostic(f"cannot parse: {failure}", Location(path, failure.line))
            )
            continue
        _index(config, root)
    return config


def _index(config: ModuleConfig, root: Block) -> None:
    for block in root.blocks:
        kind, labels = block.type, block.labels
        if kind in ("resource", "data") and len(labels) == 2:
            mode = "managed" if kind == "resource" else "data"
            _declare(config, config.resources, (mode, *labels), ResourceDecl(mode, *labels, block), block)
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
    first = existing.block if isinstance(existing, ResourceDecl) else existing
    labels = " ".join(f'"{label}"' for label in block.labels)
    config.diagnostics.append(
        Diagnostic(
            f"duplicate {block.type} {labels}: already declared at {first.file}:{first.line}",
            Location(block.file, block.line),
        )
    )
