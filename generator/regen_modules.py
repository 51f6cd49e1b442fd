"""Re-render the canonical modules under modules/ (run from the repository root):

    python -m generator.regen_modules
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.answers import build
from generator.canonical import CANONICAL
from generator.render import render
from generator.writer import recorded_hashes, replace_files, write_module

MODULES_DIR = Path(__file__).resolve().parent.parent / "modules"


def main() -> int:
    for name, answers in CANONICAL.items():
        out = MODULES_DIR / name
        files = render(build({"name": name, **answers}))
        if out.is_dir():
            # The canonical render replaces what the last one wrote; what tests or terraform left there
            # (.build/, .terraform.lock.hcl: git-ignored) stays, as --force would refuse to delete it.
            previous = recorded_hashes(out) or {}
            replace_files(out, files, removes=[path for path in previous if path not in files])
        else:
            write_module(out, files, force=False)
        print(f"modules/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
