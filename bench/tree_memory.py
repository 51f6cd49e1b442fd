"""Peak memory of a whole process tree, for tools that work in several processes.

/usr/bin/time reports the largest single process; a tool that forks workers (tfbg lint on one large
directory, checkov's parallel runners) uses the sum of its processes. Resident sizes cannot simply be
added, since forked workers share pages with their parent: the proportional set size (PSS, Linux's
/proc/PID/smaps_rollup) divides each shared page between the processes that map it, so the sum of the
tree's PSS is the memory the tree takes. Sampled every 20 ms, so a peak shorter than that can be missed.
"""

from __future__ import annotations

import os
import threading


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while the table was read
        children.setdefault(parent, []).append(int(entry))
    return children


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kib(root: int) -> int:
    children, total, pending = _children(), 0, [root]
    while pending:
        pid = pending.pop()
        total += _pss_kib(pid)
        pending.extend(children.get(pid, ()))
    return total


class PeakSampler:
    """with PeakSampler(pid) as sampler: ...; sampler.peak_mib is the largest summed PSS seen."""

    def __init__(self, root: int, interval: float = 0.02) -> None:
        self.root, self.interval, self.peak_mib = root, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_mib = max(self.peak_mib, tree_pss_kib(self.root) / 1024)
