"""Linear growth, by counting work instead of timing it: a quadratic path (a scan of the model per
resource) cannot come back unnoticed.

The configurations come from the benchmark's generator (bench/gen_services.py): services whose
roles, hooks and CodeDeploy apps are named by reference and by literal ARN, in one root and as
module instances. Four times the services must cost at most about four times the function calls,
for every single function, and four times the resources handed out by Model.by_type.
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

from bench.gen_services import write_modules, write_root
from validator.engine import lint
from validator.loaders.hcl import load_directory
from validator.model import Model

SMALL, LARGE = 6, 24  # multiples of 3: every variant of gen_services equally often
GROWTH = LARGE / SMALL
# Calls a function may make beyond linear growth (a one-time index, the registry). Small: a per-service
# scan of the deployment groups (TFBG517, 2 -> 8 CodeDeploy services) added only 60 calls.
SLACK = 10


def _count(directory) -> tuple[Counter, int]:
    """Python function calls per function (file:line name) and resources handed out by by_type."""
    calls: Counter = Counter()
    handed_out = 0
    original = Model.by_type

    def by_type(self, *types):
        nonlocal handed_out
        found = list(original(self, *types))
        handed_out += len(found)
        return iter(found)

    def profile(frame, event, arg):
        if event == "call":
            code = frame.f_code
            calls[(code.co_filename, code.co_firstlineno, code.co_name)] += 1

    Model.by_type = by_type
    sys.setprofile(profile)
    try:
        findings = lint(load_directory(str(directory)))
    finally:
        sys.setprofile(None)
        Model.by_type = original
    assert findings is not None
    return calls, handed_out


def _count_both(tmp_path, write):
    counts = []
    for name, services in (("small", SMALL), ("large", LARGE)):
        (tmp_path / name).mkdir()
        write(tmp_path / name, services)
        counts.append(_count(tmp_path / name))
    return counts


@pytest.mark.parametrize("write", [write_root, write_modules], ids=["one-root", "module-instances"])
def test_work_grows_linearly_with_services(tmp_path, write):
    (small_calls, small_handed), (large_calls, large_handed) = _count_both(tmp_path, write)

    # Fixed costs (one-time indexes, the registry) may make a function grow by less; a per-resource
    # scan makes it grow by GROWTH squared. The slack (25 % and SLACK calls) covers rounding only.
    superlinear = {
        f"{name} ({file.rsplit('/validator/', 1)[-1]}:{line}): {small_calls[(file, line, name)]} -> {count}"
        for (file, line, name), count in large_calls.items()
        if "/validator/" in file and count > GROWTH * 1.25 * small_calls[(file, line, name)] + SLACK
    }
    assert not superlinear, "work grows faster than the input:\n" + "\n".join(sorted(superlinear))
    assert large_handed <= GROWTH * 1.25 * small_handed + 50
    assert sum(large_calls.values()) <= GROWTH * 1.25 * sum(small_calls.values())


def test_the_count_sees_a_scan_per_resource(tmp_path, monkeypatch):
    """The guard itself: a role lookup that scans every role again (the old role_of) fails it."""
    from validator.iam import checks

    original = checks.role_of

    def scanning_role_of(model, value):
        for role in model.by_type("aws_iam_role"):
            role.values.get("name")
        return original(model, value)

    monkeypatch.setattr(checks, "role_of", scanning_role_of)
    (_, small_handed), (_, large_handed) = _count_both(tmp_path, write_root)
    assert large_handed > GROWTH * 1.25 * small_handed + 50
