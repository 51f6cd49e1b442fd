"""Re-render the canonical modules under modules/ (run from the repository root):

    python -m generator.regen_modules
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.answers import build
from generator.canonical import CANONICAL
from generator.render import render
from generator.writer import write_module

MODULES_DIR = Path(__file__).resolve().parent.parent / "modules"


def main() -> int:
    for name, answers in CANONICAL.items():
        write_module(MODULES_DIR / name, render(build({"name": name, **answers})), force=True)
        print(f"modules/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
