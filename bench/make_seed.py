"""Plan a generated module with the test harness (real Terraform, stand-in provider) and write the
plan JSON: the seed that bench/gen_plan.py multiplies into a large plan.

    python bench/make_seed.py OUT.json [MODULE_EXAMPLE_DIR]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness.terraform import TerraformHarness  # noqa: E402 (the harness lives in the tests)


def main() -> None:
    out = Path(sys.argv[1])
    example = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "modules" / "bluegreen-alb-hook" / "examples" / "complete"
    harness = TerraformHarness.create(Path(tempfile.mkdtemp(prefix="tfbg-seed-")))
    try:
        plan = harness.plan(example)
    finally:
        harness.close()
    out.write_text(json.dumps(plan))
    print(f"{out}: {len(plan.get('resource_changes', []))} resources from {example}", file=sys.stderr)


if __name__ == "__main__":
    main()
