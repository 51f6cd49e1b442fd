"""Benchmark: `tfbg lint` on a large Terraform directory, against python-hcl2 parsing the same files.

The input is generated: a root module that calls N copies of a canonical module (modules/<name>),
each copy in its own directory, so every file is distinct and parsed. Reported: lines, files,
resources, and seconds for parse-only (python-hcl2's Lark parser, the floor), load_directory and
lint (load + all rules), as lines/s and as ratios in one run on one machine.

    python bench/hcl_bench.py [--copies 30] [--module bluegreen-alb-hook] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from hcl2.api import parses_to_tree  # noqa: E402

from validator.engine import lint  # noqa: E402
from validator.loaders.hcl import load_directory  # noqa: E402

CALL = """module "svc_{i}" {{
  source              = "./svc_{i}"
  name                = "svc-{i}"
  cluster_arn         = "arn:aws:ecs:us-east-1:123456789012:cluster/main"
  task_definition_arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/svc-{i}:1"
  vpc_id              = "vpc-0123456789abcdef0"
  subnet_ids          = ["subnet-1", "subnet-2"]
  security_group_ids  = ["sg-1"]
  production_listener_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/{i}"
  test_listener_arn       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/2/{i}"
}}
"""


def generate(root: Path, module: Path, copies: int) -> None:
    calls = []
    for i in range(copies):
        shutil.copytree(module, root / f"svc_{i}", ignore=shutil.ignore_patterns("examples", "README.md"))
        calls.append(CALL.format(i=i))
    (root / "main.tf").write_text("\n".join(calls))


def timed(function, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--module", default="bluegreen-alb-hook")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        generate(root, HERE.parent / "modules" / args.module, args.copies)
        files = sorted(root.rglob("*.tf"))
        texts = [f.read_text() for f in files]
        lines = sum(t.count("\n") + 1 for t in texts)
        parses_to_tree("a = 1")  # build the parser once, outside the timings

        parse = timed(lambda: [parses_to_tree(t) for t in texts], args.runs)
        load = timed(lambda: load_directory(str(root)), args.runs)
        model = load_directory(str(root))
        full = timed(lambda: lint(load_directory(str(root))), args.runs)

    print(f"input: {len(files)} files, {lines} lines, {len(model.resources)} resources ({args.copies} module copies)")
    print(f"python-hcl2 parse only : {parse:7.2f} s  {lines / parse:8.0f} lines/s")
    print(f"load_directory         : {load:7.2f} s  {lines / load:8.0f} lines/s  ({load / parse:.2f} x parse)")
    print(f"load + lint (all rules): {full:7.2f} s  {lines / full:8.0f} lines/s  ({full / parse:.2f} x parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
