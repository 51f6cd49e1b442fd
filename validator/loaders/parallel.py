"""Evaluate the resources of one directory in several processes (`tfbg lint --jobs N` on one target).

Why: parsing is most of a lint (bench/README.md: 70 %), and resource blocks are parsed when they are
evaluated (validator/hcl/module.py), so dividing the resource declarations between processes divides
the parsing too. A Lark tree costs as much to send between processes as to build, so no tree is sent:
each worker is a fork of the loader taken once the module instances exist (copy-on-write, nothing is
read or parsed again), evaluates its contiguous share of the declarations in order, and sends back
what each item added (validator/loaders/deltas.py: resources, diagnostics, the reference checks of
the blocks it parsed). The parent evaluates the first share itself and applies the workers' deltas
after it in order, so the model is the one a serial load builds (tests/validator/test_parallel_load.py
compares reports byte for byte).
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
from validator.hcl.module import DeferredParseFailed, ModuleConfig
from validator.loaders import deltas
from validator.loaders.deltas import Delta, Report, Work
from validator.model import Model

# Below this many items to evaluate a fork costs more than it saves.
MIN_DECLARATIONS = 400

Step = Callable[[Work], Delta]


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def evaluate(
    work: list[Work],
    model: Model,
    configs: dict[str, ModuleConfig],
    workers: int,
    step: Step,
    report: Report,
    weights: list[float] | None = None,
    parent_step: Callable[[Work], Delta | None] | None = None,
) -> list[Delta | None]:
    """step(item) for every item of `work` (it evaluates the item into `model` and returns its delta),
    in `workers` processes, with the model left as if in order; the deltas in order. `weights`: what
    each item costs (1: evaluated; less: applied from the declaration cache), to divide the work.
    Workers are started only for MIN_DECLARATIONS items or more to evaluate. `parent_step`: what
    this process does with an item instead (its deltas are not needed: None in the result)."""
    weights = weights or [1.0] * len(work)
    here = parent_step or step
    if not divides(workers, weights):
        return [here(item) for item in work]
    shares = _shares(work, workers, weights)
    tally = progress.share(len(shares) - 1)  # the workers' counts, shown on the parent's line
    started = [_start(share, slot, tally, step) for slot, share in enumerate(shares[1:])]
    result = [here(item) for item in shares[0]]
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
            result += [here(item) for item in share]  # the worker failed: its share is evaluated here
        else:
            for delta in payload:  # the worker counted its resources already
                deltas.apply(delta, model, configs, report, count=False)
            result += payload
    if failed:
        raise DeferredParseFailed("a deferred block did not parse in a worker")
    return result


def divides(workers: int, weights: list[float]) -> bool:
    """Does evaluate() start workers for this work?"""
    return workers >= 2 and sum(1 for weight in weights if weight >= 1) >= MIN_DECLARATIONS and can_fork()


def _shares(work: list[Work], workers: int, weights: list[float]) -> list[list[Work]]:
    """Contiguous shares of about the same weight."""
    total = sum(weights)
    shares: list[list[Work]] = [[] for _ in range(workers)]
    done, index = 0.0, 0
    for item, weight in zip(work, weights):
        while index < workers - 1 and done >= total * (index + 1) / workers:
            index += 1
        shares[index].append(item)
        done += weight
    return shares


def _start(share: list[Work], slot: int, tally, step: Step) -> tuple[int, int] | None:
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
        payload = _run(share, step)
        with os.fdopen(write_end, "wb") as stream:
            pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def _run(share: list[Work], step: Step) -> Any:
    try:
        return [step(item) for item in share]
    except DeferredParseFailed:
        return "deferred-parse-failed"
    except BaseException:  # noqa: BLE001 - any failure: the parent evaluates this share itself
        return None


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
        payload = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a worker that died or wrote half a payload
        return None
    if payload == "deferred-parse-failed" or (isinstance(payload, list) and all(isinstance(d, Delta) for d in payload)):
        return payload
    return None
