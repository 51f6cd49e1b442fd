"""Benchmark: `tfbg lint DIR` on a generated monorepo of N blue/green services (bench/gen_services.py),
cold (--no-cache), a first run with an empty cache, warm (the same tree again, from the result
cache), with one file changed since the last run (from the declaration cache) and against checkov,
each tool in its own process, measured by /usr/bin/time -v (wall seconds, user+system seconds, peak
resident memory) and, for tools that fork workers, the peak of the whole process tree's summed
proportional set size (bench/tree_memory.py). Runs alternate between the tools (A B A B ...) so that
a machine whose speed drifts affects both alike; the medians are reported.

    python bench/dir_bench.py --services 1000 [--shape root|modules] [--runs 3]
        [--checkov /path/to/checkov] [--checkov-runs 1] [--limit SECONDS]

checkov: `pip install checkov==3.3.30` into its own virtual environment; it runs as
`checkov -d DIR --framework terraform --skip-download -o json --quiet`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tree_memory import PeakSampler

HERE = Path(__file__).resolve().parent


def measure(command: list[str], limit: float, env: dict | None = None) -> dict:
    """One run under /usr/bin/time -v: wall and cpu seconds, peak MiB of the largest process and of
    the whole tree (tree_mib), exit code (-1: stopped at the limit, the time is then a lower bound)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        timed = ["/usr/bin/time", "-v", "-o", report.name, *command]
        process = subprocess.Popen(timed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        with PeakSampler(process.pid) as sampler:
            try:
                code = process.wait(timeout=limit or None)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                return {"wall": limit, "cpu": float("nan"), "peak_mib": float("nan"), "tree_mib": float("nan"), "exit": -1}
        text = report.read()
    field = lambda name: re.search(rf"{re.escape(name)}: (.+)", text).group(1).strip()  # noqa: E731
    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return {"wall": wall, "cpu": cpu, "peak_mib": int(field("Maximum resident set size (kbytes)")) / 1024, "tree_mib": sampler.peak_mib, "exit": code}


def median(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in ("wall", "cpu", "peak_mib", "tree_mib")} | {"exit": runs[-1]["exit"], "runs": len(runs)}


def _empty_cache(cache: Path) -> None:
    """Results and declarations gone; the parser's tables stay (a first run on a machine that has
    linted before)."""
    for kind in ("results", "declarations"):
        shutil.rmtree(cache / "tfbg" / kind, ignore_errors=True)


def _change_one_file(tree: Path) -> None:
    """One more replica for the first service of the middle services file (a different file each
    time is not needed: the value differs from every earlier run's)."""
    files = sorted(tree.rglob("*.tf"))
    path = files[len(files) // 2]
    text = path.read_text()
    changed = re.sub(r"desired_count(\s*)= (\d+)", lambda m: f"desired_count{m.group(1)}= {int(m.group(2)) + 1}", text, count=1)
    if changed == text:
        raise SystemExit(f"{path}: no desired_count to change")
    path.write_text(changed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--shape", choices=("root", "modules"), default="root")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tfbg", default=shutil.which("tfbg") or str(Path(sys.executable).parent / "tfbg"))
    parser.add_argument("--checkov", help="checkov executable (optional)")
    parser.add_argument("--checkov-runs", type=int, default=1)
    parser.add_argument("--limit", type=float, default=0, help="stop a run after this many seconds (0: no limit)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tfbg-dir-bench-"))
    tree = work / "services"
    subprocess.run([sys.executable, str(HERE / "gen_services.py"), str(tree), "--services", str(args.services), "--shape", args.shape], check=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"), CHECKPOINT_DISABLE="1")
    env.pop("TFBG_NO_CACHE", None)
    lint = [args.tfbg, "lint", str(tree), "-f", "json"]
    # "first": a first run with an empty cache (it keeps results and declarations); "warm": nothing
    # changed since the last run; "changed": one service's desired_count changed in one file since
    # the last run (the result cache cannot answer; the declaration cache holds the last run's).
    tools = {"tfbg cold": lint + ["--no-cache"], "tfbg first": lint, "tfbg warm": lint, "tfbg changed": lint}
    prepare = {"tfbg first": lambda: _empty_cache(work / "cache"), "tfbg changed": lambda: _change_one_file(tree)}
    if args.checkov:
        tools["checkov"] = [args.checkov, "-d", str(tree), "--framework", "terraform", "--skip-download", "-o", "json", "--quiet"]
    subprocess.run(lint, stdout=subprocess.DEVNULL, env=env)  # primes the cache for the warm runs
    results: dict[str, list[dict]] = {name: [] for name in tools}
    for round_ in range(max(args.runs, args.checkov_runs)):
        for name, command in tools.items():
            if round_ < (args.checkov_runs if name == "checkov" else args.runs):
                prepare.get(name, lambda: None)()
                results[name].append(measure(command, args.limit, env))
                print(f"{name:10} run {round_ + 1}: {results[name][-1]}", file=sys.stderr)
    summary = {name: median(runs) for name, runs in results.items()}
    report = {"services": args.services, "shape": args.shape, "results": summary}
    cold, warm = summary["tfbg cold"], summary["tfbg warm"]
    report["cold_over_warm"] = round(cold["wall"] / warm["wall"], 1)
    report["changed_over_cold"] = round(summary["tfbg changed"]["wall"] / cold["wall"], 3)
    report["first_over_cold"] = round(summary["tfbg first"]["wall"] / cold["wall"], 3)
    if "checkov" in summary:
        checkov = summary["checkov"]
        report["tfbg_vs_checkov"] = {
            "time": round(cold["wall"] / checkov["wall"], 3),
            "memory": round(cold["peak_mib"] / checkov["peak_mib"], 3),
            "memory_whole_tree": round(cold["tree_mib"] / checkov["tree_mib"], 3),
        }
        if checkov["exit"] == -1:
            report["tfbg_vs_checkov"]["note"] = "checkov was stopped at the limit: its time is a lower bound"
    print(json.dumps(report, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
