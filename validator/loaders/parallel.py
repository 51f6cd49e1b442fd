"""Evaluate the resources of one directory in several processes (`tfbg lint --jobs N` on one target).

Why: parsing is most of a lint (bench/README.md: 70 %), and resource blocks are parsed when they are
evaluated (validator/hcl/module.py), so dividing the resource declarations between processes divides
the parsing too. A Lark tree costs as much to send between processes as to build, so no tree is sent:
each worker is a fork of the loader taken once the module instances exist (copy-on-write, nothing is
read or parsed again), evaluates its contiguous share of the declarations in order, and sends back
what it added: resources, diagnostics, and the reference checks of the blocks it parsed. The parent
evaluates the first share itself and appends the workers' shares after it in order, so the model is
the one a serial load builds (tests/validator/test_parallel_load.py compares reports byte for byte).
A worker that fails in any way leaves its share to the parent; a deferred block that does not parse
anywhere restarts the load the usual way (module.DeferredParseFailed).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import select
from typing import Any, Callable

from validator import progress
from validator.hcl import reads
from validator.hcl.module import DeferredParseFailed, ModuleConfig, ResourceDecl
from validator.model import Diagnostic, Model

# Below this many resource declarations a fork costs more than it saves.
MIN_DECLARATIONS = 400

Work = tuple[Any, ResourceDecl, bool]  # (module instance, declaration, last instance of its config)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def evaluate(work: list[Work], model: Model, workers: int, add: Callable[..., None], report: Callable[[Model, Diagnostic], None]) -> None:
    """add(*item) for every item of `work`, in `workers` processes, with the model left as if in order."""
    if workers < 2 or len(work) < MIN_DECLARATIONS or not can_fork():
        for item in work:
            add(*item)
        return
    shares = _shares(work, workers)
    configs = _configs(work)
    tally = progress.share(len(shares) - 1)  # the workers' counts, shown on the parent's line
    started = [_start(share, slot, tally, model, configs, add) for slot, share in enumerate(shares[1:])]
    for item in shares[0]:
        add(*item)
    failed = False
    for slot, (child, share) in enumerate(zip(started, shares[1:])):
        payload = _collect(child)
        if payload == "deferred-parse-failed":
            failed = True
        elif failed:
            continue  # the load starts again anyway
        elif payload is None:
            if tally is not None:
                tally.clear(slot)  # counted again below
            for item in share:  # the worker failed: its share is evaluated here
                add(*item)
        else:
            _merge(payload, model, configs, report)
    if failed:
        raise DeferredParseFailed("a deferred block did not parse in a worker")


def _shares(work: list[Work], workers: int) -> list[list[Work]]:
    size, extra = divmod(len(work), workers)
    shares, start = [], 0
    for index in range(workers):
        end = start + size + (1 if index < extra else 0)
        shares.append(work[start:end])
        start = end
    return shares


def _configs(work: list[Work]) -> dict[str, ModuleConfig]:
    configs: dict[str, ModuleConfig] = {}
    for module, _decl, _last in work:
        configs.setdefault(module.config.directory, module.config)
    return configs


def _start(share: list[Work], slot: int, tally, model: Model, configs: dict[str, ModuleConfig], add) -> tuple[int, int] | None:
    """Fork a worker for `share`: (pid, read end of its pipe), or None if it could not be started."""
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid:
        os.close(write_end)
        return pid, read_end
    # The worker: never returns into the caller's code (os._exit), whatever happens, and draws no
    # progress line of its own: it counts into the parent's (validator/progress.py, Tally).
    try:
        progress.count_into(tally, slot)
        os.close(read_end)
        payload = _run(share, model, configs, add)
        with os.fdopen(write_end, "wb") as stream:
            pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def _run(share: list[Work], model: Model, configs: dict[str, ModuleConfig], add) -> Any:
    resources_before, diagnostics_before = len(model.resources), len(model.diagnostics)
    reads_before = reads.recorded_so_far()
    late_before = {directory: len(config.late_diagnostics) for directory, config in configs.items()}
    unchecked = {
        (directory, key): decl
        for directory, config in configs.items()
        for key, decl in config.resources.items()
        if not decl.parsed_once
    }
    try:
        for item in share:
            add(*item)
    except DeferredParseFailed:
        return "deferred-parse-failed"
    except BaseException:  # noqa: BLE001 - any failure: the parent evaluates this share itself
        return None
    checked = {key: decl.member_names for key, decl in unchecked.items() if decl.parsed_once}
    late = {directory: config.late_diagnostics[late_before[directory]:] for directory, config in configs.items()}
    new = model.resources[resources_before:], model.diagnostics[diagnostics_before:], checked, late
    return new + (reads.recorded_since(reads_before),)


def _collect(child: tuple[int, int] | None) -> Any:
    if child is None:
        return None
    pid, read_end = child
    data = bytearray()
    try:
        while True:
            # Wait in short steps so that the parent's progress line keeps showing the workers' counts.
            if not select.select([read_end], [], [], progress.INTERVAL)[0]:
                progress.tick()
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(read_end)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    # Unpickled once the worker has exited: the objects the parent builds from its bytes then never
    # share the machine with the worker's own copy of them (the peak of the two processes together).
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a worker that died or wrote half a payload
        return None


def _merge(payload: Any, model: Model, configs: dict[str, ModuleConfig], report) -> None:
    resources, diagnostics, checked, late, worker_reads = payload  # the worker counted them already
    # What the worker read (templatefile(), file(), modules' files) decides whether the result cache
    # may answer the next run: it is part of this run's record.
    reads.record_all(worker_reads)
    for resource in resources:
        model.add(resource)
    for diagnostic in diagnostics:
        report(model, diagnostic)
    # Blocks the worker parsed were checked there: mark them so that ModuleConfig.finish does not parse
    # them again, and keep the checks' diagnostics (once: the parent may have parsed one of them too).
    for (directory, key), names in checked.items():
        configs[directory].resources[key].mark_checked(names)
    for directory, diagnostics_of_config in late.items():
        kept = configs[directory].late_diagnostics
        for diagnostic in diagnostics_of_config:
            if diagnostic not in kept:
                kept.append(diagnostic)
