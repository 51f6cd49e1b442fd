"""A directory with one file changed: only the declarations the change can reach are evaluated again.

The result cache (validator/result_cache.py) answers a run when nothing it read has changed. When
something has, the directory is loaded again, but most of its work items (one resource declaration of
one module instance: validator/loaders/deltas.py) see exactly what they saw last time. Parsing and
evaluating them is most of a lint (bench/README.md), so the load keeps each item's delta, with a
digest of everything its evaluation can read, and applies the kept delta when the digest is the same.

What an item's evaluation can read, and so its digest:
- its declaration: file, line and text (a line moved by an edit above it changes its locations);
- the declarations it names (`aws_lb_target_group.blue`, `data.aws_iam_policy_document.x`, found in
  its text), and theirs, transitively: a digest of a declaration covers every declaration it can
  reach (mutual references share one digest, computed over the whole cycle);
- "the rest of the configuration": every variable, locals, module call, output of a called module
  and terraform block of every module directory, the declarations these name (transitively), how
  each directory's references are checked and the root module's variable values. A change there
  makes every item new. Root module outputs are not in it: nothing in the configuration reads them.
- what the last load read from the disk through file() and templatefile(), all of it (a value read
  once, in a local, may serve any declaration), and what the item itself read: checked again before
  its delta is trusted. Kept deltas are used only for the files of the run that wrote these reads.
- a load that meets a reference cycle keeps nothing: where a cycle is cut depends on the order of
  evaluation.

Names are found in the text, not by evaluating it, so the digest covers more than the evaluation
reads (a name in a string or a comment counts too): a change can only make more items new, never a
stale delta trusted. Directories with override files are not cached (their blocks merge across files).

The deltas are kept under the result cache's key (same code, options and target), one entry per
declaring file, in the cache directory's `declarations/`; an entry that cannot be read or is not of
the expected shape is ignored and rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from typing import Any, Iterable

from validator import cache_dir
from validator.hcl import reads
from validator.hcl.module import ModuleConfig
from validator.hcl.parse import Block, PendingBlock
from validator.loaders.deltas import Delta, Work

FORMAT = "tfbg-declarations-1"
ItemKey = tuple[str, str, str, str, str]  # (module instance address, configuration directory, mode, type, name)

# A traversal's first two or three names, as the text shows them (`aws_x.y`, `data.aws_x.y`); spaces
# around the dots are allowed, as the grammar allows them.
_TRAVERSAL = re.compile(r"(?<![\w.])([A-Za-z_][\w-]*)\s*\.\s*([A-Za-z_][\w-]*)(?:\s*\.\s*([A-Za-z_][\w-]*))?")


class DeclarationCache:
    """The kept deltas of one run key, in one entry per declaring file (a change rewrites the
    entries of the files whose items were evaluated again, not the whole directory's)."""

    def __init__(self, key: str, world: str, digests: dict[ItemKey, str], work: list[Work]):
        self.key = key
        self.world = world
        self.digests = digests
        files = sorted({decl.file for _module, decl, _last in work})
        # The rest of the configuration changed, or a file that file()/templatefile() read: no kept
        # delta can be trusted (a value read from a file may be used by any declaration), none is read.
        kept_world = cache_dir.read_entry("declarations", self._entry(""))
        same_world = (
            isinstance(kept_world, dict)
            and kept_world.get("format") == FORMAT
            and kept_world.get("world") == world
            and reads.is_record(kept_world.get("reads"))
            and reads.unchanged(kept_world["reads"])
        )
        # Only the files of the run that wrote those reads: an older entry of a file that run did not
        # have may hold a value read from a file (through a local) that no later run read again.
        kept_files = set(kept_world.get("files") or ()) if same_world else set()
        self.groups: dict[str, dict[ItemKey, tuple[str, Delta]]] = {
            file: _kept(self._entry(file)) if file in kept_files else {} for file in files
        }
        self.files = files
        self.fresh_keys: set[ItemKey] = set()

    def _entry(self, file: str) -> str:
        return hashlib.sha256(f"{self.key}\0{file}".encode()).hexdigest()

    def fresh(self, work: list[Work]) -> dict[int, Delta]:
        """id(item) -> the kept delta, for every item of `work` whose digest and reads are unchanged."""
        found: dict[int, Delta] = {}
        for item in work:
            key = item_key(item)
            kept = self.groups[item[1].file].get(key)
            if kept is not None and kept[0] == self.digests.get(key) and reads.unchanged(kept[1].reads):
                found[id(item)] = kept[1]
                self.fresh_keys.add(key)
        return found

    def store(self, work: list[Work], deltas: list[Delta], file_reads: list[reads.Read]) -> None:
        """Rewrite the entry of each file whose items are not exactly the kept ones; `file_reads`:
        what file()/templatefile() read in this process (workers' reads are in their deltas)."""
        grouped: dict[str, dict[ItemKey, tuple[str, Delta]]] = {}
        for item, delta in zip(work, deltas):
            key = item_key(item)
            digest = self.digests.get(key)
            if digest is not None:
                grouped.setdefault(item[1].file, {})[key] = (digest, delta)
        for file, items in grouped.items():
            if items.keys() == self.groups.get(file, {}).keys() and self.fresh_keys.issuperset(items):
                continue
            entry = self._entry(file)
            cache_dir.write_entry("declarations", entry, {"format": FORMAT, "key": entry, "items": items})
        evaluation_reads = list({repr(read): read for read in [*file_reads, *(r for delta in deltas for r in delta.reads)]}.values())
        world = {"format": FORMAT, "world": self.world, "reads": evaluation_reads, "files": self.files}
        cache_dir.write_entry("declarations", self._entry(""), world)


def open_cache(key: str, configs: dict[str, ModuleConfig], root_directory: str, root_values: dict[str, Any], work: list[Work]) -> DeclarationCache | None:
    """The kept deltas for this run's key and the digests of this run's items (None: not cached)."""
    if any(_is_override(path) for config in configs.values() for path in config.files):
        return None
    declarations = {directory: _declaration_digests(config) for directory, config in configs.items()}
    world = _world_digest(configs, declarations, root_directory, root_values)
    digests: dict[ItemKey, str] = {}
    for item in work:
        module, decl, _last = item
        own = declarations[module.config.directory].get((decl.mode, decl.type, decl.name))
        if own is not None:
            digests[item_key(item)] = hashlib.sha256(f"{world}\0{own}".encode()).hexdigest()
    return DeclarationCache(key, world, digests, work)


def item_key(item: Work) -> ItemKey:
    module, decl, _last = item
    return (module.address, module.config.directory, decl.mode, decl.type, decl.name)


def _kept(entry_key: str) -> dict[ItemKey, tuple[str, Delta]]:
    entry = cache_dir.read_entry("declarations", entry_key)
    if not (isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("key") == entry_key):
        return {}
    items = entry.get("items")
    if not isinstance(items, dict):
        return {}
    return {
        k: v
        for k, v in items.items()
        if isinstance(k, tuple) and isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], Delta)
    }


def _is_override(path: str) -> bool:
    name = os.path.basename(path)
    return name == "override.tf" or name.endswith("_override.tf")


# -- digests -----------------------------------------------------------------------------------


def _declaration_digests(config: ModuleConfig) -> dict[tuple[str, str, str], str]:
    """Each declaration's digest: its own identity and the digests of the declarations it names.
    Strongly connected components (Tarjan) share one digest over all their members."""
    names = _names(config)
    edges = {key: sorted(_named(_text(decl.declared), names) - {key}) for key, decl in config.resources.items()}
    identity = {key: _identity(decl.declared) for key, decl in config.resources.items()}
    digests: dict[tuple[str, str, str], str] = {}
    for component in _components(edges):
        members = set(component)
        digest = hashlib.sha256()
        for key in sorted(component):
            digest.update(identity[key].encode())
        # Components come out after every component they reach: their digests are known.
        for successor in sorted({s for key in component for s in edges[key] if s not in members}):
            digest.update(digests[successor].encode())
        value = digest.hexdigest()
        for key in component:
            digests[key] = value
    return digests


def _world_digest(configs: dict[str, ModuleConfig], declarations: dict[str, dict], root_directory: str, root_values: dict[str, Any]) -> str:
    digest = hashlib.sha256(repr(root_values).encode())
    for directory in sorted(configs):
        config = configs[directory]
        # How deferred blocks' references are checked when parsed: not at all after a syntax error in
        # the directory, not for references beside a *.tf.json file, nor list()/map() before 0.15.
        checker = next((decl.checker for decl in config.deferred if decl.checker is not None), None)
        checks = (checker.skip_references, checker.removed_apply) if checker is not None else None
        digest.update(f"\0{directory}\0{checks}".encode())
        names = _names(config)
        blocks: list[Block] = [*config.variables.values(), *config.modules.values(), *config.terraform]
        blocks += list({id(b): b for b in config.local_blocks.values()}.values())
        if os.path.normpath(directory) != os.path.normpath(root_directory):
            blocks += list(config.outputs.values())
        for block in sorted(blocks, key=lambda b: (b.file, b.line)):
            text = _text(block)
            digest.update(_identity(block, text).encode())
            for key in sorted(_named(text, names)):
                digest.update(declarations[directory][key].encode())
    return digest.hexdigest()


def _names(config: ModuleConfig) -> dict[tuple[str, ...], tuple[str, str, str]]:
    names: dict[tuple[str, ...], tuple[str, str, str]] = {}
    for key in config.resources:
        mode, kind, name = key
        names[("data", kind, name) if mode == "data" else (kind, name)] = key
    return names


def _named(text: str, names: dict[tuple[str, ...], tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    found = set()
    for first, second, third in _TRAVERSAL.findall(text):
        key = names.get((first, second, third) if first == "data" else (first, second))
        if key is not None:
            found.add(key)
    return found


def _identity(block: Block | PendingBlock, text: str | None = None) -> str:
    text = _text(block) if text is None else text
    return f"{block.file}\0{block.line}\0{hashlib.sha256(text.encode()).hexdigest()}"


def _text(block: Block | PendingBlock) -> str:
    if isinstance(block, PendingBlock):
        return block.source[block.top.start : block.top.end]
    if not block.source:  # not read from a file: never the same as last time
        return os.urandom(16).hex()
    return "\n".join(_lines(block.source)[block.line - 1 : block.end_line])  # parsed with its file


@functools.lru_cache(maxsize=16)
def _lines(source: str) -> list[str]:
    return source.split("\n")


def _components(edges: dict[Any, list[Any]]) -> Iterable[list[Any]]:
    """Tarjan's strongly connected components, iteratively; each after every component it reaches."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    on_stack: set[Any] = set()
    stack: list[Any] = []
    counter = 0
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in edges:
                    continue
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges[successor])))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component
