"""What evaluating one resource declaration of one module instance adds to a directory's load.

The directory loader evaluates its work as a list of (module instance, declaration) items, in order
(validator/loaders/hcl.py). An item's effects are few and can be recorded: the resources it adds to
the model, the diagnostics it reports, the deferred blocks it parses for the first time (with what
their reference checks found) and the files it reads (file(), templatefile()). Recorded as a Delta,
they can be applied to a model in another process (validator/loaders/parallel.py: a worker evaluates
a share of the items and sends their deltas back) or in another run (validator/loaders/
declaration_cache.py: an item whose inputs have not changed is not evaluated again). Applying an
item's delta leaves the model as evaluating the item would, so that the report is the same byte for
byte (tests/validator/test_parallel_load.py, tests/validator/test_declaration_cache.py).

Diagnostics are recorded as reported, before the model drops a repeated one: an item applied from
another run may follow items that no longer report the same line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from validator import progress
from validator.hcl import module as module_configs
from validator.hcl import reads
from validator.hcl.instance import CYCLES_MET
from validator.hcl.module import ModuleConfig
from validator.model import Diagnostic, Model, Resource

Report = Callable[[Model, Diagnostic], None]
# (module instance, declaration, last instance of its configuration): one item of a directory's work.
Work = tuple[Any, Any, bool]
Add = Callable[[Any, Any, bool, Report], None]


@dataclass(slots=True)
class Delta:
    resources: list[Resource]
    diagnostics: list[Diagnostic]
    # Deferred blocks first parsed by this item: (configuration directory, declaration key, member
    # names, what the block's reference checks found).
    parsed: list[tuple[str, tuple[str, str, str], frozenset[str], list[Diagnostic]]]
    reads: list[reads.Read]
    # It met a reference cycle: its values depend on what was evaluated before it (instance.CYCLES_MET).
    cyclic: bool = False


def capture(item: Work, model: Model, add: Add, report: Report) -> Delta:
    """Evaluate `item` into `model` (add(*item, report)) and record what it added."""
    reported: list[Diagnostic] = []

    def recording(target: Model, diagnostic: Diagnostic) -> None:
        reported.append(diagnostic)
        report(target, diagnostic)

    resources_before = len(model.resources)
    reads_before = reads.recorded_so_far()
    if module_configs.FIRST_PARSES is None:
        module_configs.FIRST_PARSES = []
    first_parses = module_configs.FIRST_PARSES
    cycles_before = CYCLES_MET[0]
    add(*item, recording)
    parsed = [(decl.directory, (decl.mode, decl.type, decl.name), decl.member_names, found) for decl, found in first_parses]
    first_parses.clear()  # only this item's
    cyclic = CYCLES_MET[0] != cycles_before
    return Delta(model.resources[resources_before:], reported, parsed, reads.recorded_since(reads_before), cyclic)


def apply(delta: Delta, model: Model, configs: dict[str, ModuleConfig], report: Report, count: bool = True) -> None:
    """Leave `model` and the configurations as evaluating the item that recorded `delta` would.
    `count`: show its resources on the progress line (a worker that sent it counted them already)."""
    reads.record_all(delta.reads)  # what the item read decides whether the result cache may answer
    for resource in delta.resources:
        model.add(resource)
        if count:
            progress.resource_evaluated()
    for diagnostic in delta.diagnostics:
        report(model, diagnostic)
    # Blocks parsed elsewhere were checked there: marked, so that ModuleConfig.finish does not parse
    # them again, and their checks' diagnostics kept once (this process may have parsed one too).
    for directory, key, names, found in delta.parsed:
        config = configs.get(directory)
        decl = config.resources.get(key) if config is not None else None
        if decl is None:  # not declared in this run: nothing to mark
            continue
        decl.mark_checked(names)
        for diagnostic in found:
            if diagnostic not in config.late_diagnostics:
                config.late_diagnostics.append(diagnostic)


def stop() -> None:
    """No more recording of first parses (ModuleConfig.finish parses outside any item)."""
    module_configs.FIRST_PARSES = None
