"""Lint the command line's targets (directories, plan files, -): one at a time or several at once
(--jobs), each from the result cache when nothing it read has changed.

Several targets run in worker processes, each returning its findings (small) rather than its model
(large); outcomes come back in command-line order, so the report is the same byte for byte whatever
--jobs is. A single target gets the jobs for its own resources instead (validator/loaders/parallel.py:
workers parse and evaluate shares of it; no parsed tree is sent back, it costs as much to send as to
parse, bench/README.md "Parsing"). Workers count into the parent's progress line (validator/progress.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Iterator

from validator import cache_dir, progress, result_cache
from validator.config import Config
from validator.engine import lint as run_lint
from validator.errors import InputError
from validator.findings import Finding
from validator.hcl import reads
from validator.model import Model


@dataclass
class Target:
    path: str
    config: Config
    var_files: list[str]
    variables: dict[str, str]
    source: str | None
    use_cache: bool = True
    # Processes for this one target's resources (validator/loaders/parallel.py): the jobs that lint
    # no other target.
    workers: int = 1


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the one line for an input error (the target was not linted)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def lint_targets(targets: list[Target], jobs: int | None, show_progress: bool) -> Iterator[Outcome]:
    global _tally
    requested = jobs or default_jobs()
    jobs = min(requested, len(targets))
    if jobs == 1:  # one target (or --jobs 1): its resources may use the processes asked for
        for target in targets:
            target.workers = requested
    display = progress.Progress(len(targets), show_progress)
    progress.showing(display)
    try:
        if jobs > 1 and all(t.path != "-" for t in targets) and "fork" in multiprocessing.get_all_start_methods():
            # fork: a worker starts with this process's imports and parser tables, in milliseconds.
            _tally = display.share(len(targets))  # each target's counts, in its own slot
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                for future in [pool.submit(_lint_counted, index, target) for index, target in enumerate(targets)]:
                    outcome = _wait(future, display)
                    display.root_done()
                    yield outcome
        else:
            for target in targets:
                outcome = lint_target(target)
                display.root_done()
                yield outcome
    finally:
        display.close()
        progress.showing(None)
        _tally = None
        if any(target.use_cache for target in targets):
            cache_dir.prune()


# The tally the pool's workers count into: set before the pool forks them, so each inherits it (a
# shared mapping cannot be pickled into a task's arguments).
_tally: progress.Tally | None = None


def _lint_counted(index: int, target: Target) -> Outcome:
    progress.count_into(_tally, index)
    return lint_target(target)


def _wait(future, display: progress.Progress) -> Outcome:
    """The future's outcome, in order, with the progress line redrawn while it is awaited."""
    while True:
        try:
            return future.result(timeout=progress.INTERVAL)
        except TimeoutError:
            display.tick()


def lint_target(target: Target) -> Outcome:
    cacheable = target.use_cache and target.path != "-" and os.path.isdir(target.path)
    key = result_cache.run_key(target.path, target.var_files, target.variables, target.config) if cacheable else ""
    if cacheable:
        cached = result_cache.load(key)
        if cached is not None:
            return Outcome(cached)
    try:
        with reads.recording() as recorded:
            model = _load(target, key)
            findings = run_lint(model, target.config)
    except InputError as error:
        return Outcome(error=str(error))
    except MemoryError:
        return Outcome(error=f"{target.path}: not enough memory to lint it (split the configuration, or lint its modules one at a time)")
    if cacheable:
        result_cache.store(key, recorded, findings)
    return Outcome(findings)


def _load(target: Target, cache_key: str = "") -> Model:
    # A large plan is millions of container objects, all alive until the model is built: the cyclic
    # collector's passes over them found nothing and cost a quarter of the run (100 MB plan: 4.9 s of
    # 19.8 s). Reference counting still frees everything; afterwards the model, alive to the end, is
    # moved out of the collector's sight (gc.freeze) so the rules' passes do not walk it either.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(target.path, target.var_files, target.variables, target.source, target.workers, cache_key)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _read(target: str, var_files: list[str], variables: dict[str, str], source: str | None, workers: int = 1, cache_key: str = "") -> Model:
    if target == "-" or (target.endswith(".json") and not os.path.isdir(target)):
        if target != "-" and not os.path.isfile(target):
            raise InputError(f"{target}: no such file")
        from validator.loaders.plan import load_plan  # imported here: directory runs do not need it
        if source is not None and not os.path.isdir(source):
            raise InputError(f"--source {source}: not a directory")
        return load_plan(target, source=source)
    if not os.path.exists(target):
        raise InputError(f"{target}: no such file or directory")
    if not os.path.isdir(target):
        raise InputError(f"{target}: expected a Terraform directory, a plan .json file or -")
    from validator.loaders.hcl import load_directory

    # The result cache's key: the declaration cache keeps what this directory's load evaluated under it.
    return load_directory(target, var_files=var_files, variables=variables, workers=workers, cache_key=cache_key or None)


