"""Entry point the launcher execs: python tests/harness/standin/__main__.py <aws|archive>."""

import sys
from pathlib import Path

# Run as a script from any working directory (Terraform's): make the repository importable and
# keep this directory off the path.
_ROOT = Path(__file__).resolve().parents[3]
sys.path[0] = str(_ROOT)

from tests.harness.standin.server import serve  # noqa: E402

if __name__ == "__main__":
    serve(sys.argv[1], persistent="--persistent" in sys.argv[2:])
