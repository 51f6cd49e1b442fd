"""Benchmark: `tfbg lint` on a large plan, against a bare `json.load` of the same file and against checkov.

Ratios in one run on one machine, never absolute timings in tests. Each tool runs in its own process;
peak memory is that process's maximum resident set size.

    python bench/plan_bench.py --seed SEED.json [--min-mb 100] [--checkov PATH] [--runs 3]

The seed is a real plan (for instance a generated module planned by the test harness:
`python bench/make_seed.py`); it is multiplied into a module called with for_each (bench/gen_plan.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "limit = float(sys.argv[1]) or None\n"
    "start = time.perf_counter()\n"
    "try:\n"
    "    code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=limit).returncode\n"
    "except subprocess.TimeoutExpired:\n"
    "    code = -1  # killed at the time limit: the time is a lower bound\n"
    "elapsed = time.perf_counter() - start\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def measure(command: list[str], limit: float = 0) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit code) of one run of `command` in a fresh process; exit code -1 when it
    was stopped at `limit` seconds (then the seconds are a lower bound)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, str(limit), *command], capture_output=True, text=True, check=True)
    seconds, kib, code = out.stdout.split()
    return float(seconds), int(kib) / 1024, int(code)


def best_of(command: list[str], runs: int, limit: float = 0) -> tuple[float, float, int]:
    results = [measure(command, limit) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", required=True)
    parser.add_argument("--min-mb", type=float, default=100.0)
    parser.add_argument("--checkov", default=shutil.which("checkov"), help="checkov executable (optional)")
    parser.add_argument("--tfbg", default=shutil.which("tfbg") or str(Path(sys.executable).parent / "tfbg"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the generated plan here instead of a temporary file")
    parser.add_argument("--limit", type=float, default=0, help="stop a tool after this many seconds (0: no limit)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tfbg-bench-"))
    plan = Path(args.keep) if args.keep else workdir / "plan.json"
    subprocess.run([sys.executable, str(HERE / "gen_plan.py"), args.seed, str(plan), "--min-mb", str(args.min_mb)], check=True)
    size_mb = plan.stat().st_size / 1e6
    with plan.open() as handle:
        resources = len(json.load(handle)["resource_changes"])

    tools = {
        "json.load": [sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1]))", str(plan)],
        "tfbg lint": [args.tfbg, "lint", str(plan), "--format", "json"],
    }
    if args.checkov:
        tools["checkov"] = [args.checkov, "-f", str(plan), "--framework", "terraform_plan", "-o", "json", "--quiet"]

    results = {}
    for name, command in tools.items():
        runs = 1 if name == "checkov" else args.runs
        results[name] = best_of(command, runs, args.limit)
        seconds, mib, code = results[name]
        note = f"(stopped at the {args.limit:.0f} s limit: a lower bound)" if code == -1 else f"(best of {runs})"
        print(f"{name:10} {seconds:8.2f} s {mib:9.0f} MiB  exit {code}  {note}", file=sys.stderr)

    base_s, base_m, _ = results["json.load"]
    lint_s, lint_m, _ = results["tfbg lint"]
    report = {
        "plan_mb": round(size_mb, 1),
        "resources": resources,
        "results": {k: {"seconds": round(v[0], 2), "peak_mib": round(v[1]), "exit": v[2]} for k, v in results.items()},
        "tfbg_vs_json_load": {"time": round(lint_s / base_s, 2), "memory": round(lint_m / base_m, 2)},
    }
    if "checkov" in results:
        chk_s, chk_m, _ = results["checkov"]
        report["tfbg_vs_checkov"] = {"time": round(lint_s / chk_s, 3), "memory": round(lint_m / chk_m, 3)}
        if results["checkov"][2] == -1:
            report["tfbg_vs_checkov"]["note"] = "checkov was stopped at the limit: the time ratio is an upper bound"
    print(json.dumps(report, indent=2))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    main()
