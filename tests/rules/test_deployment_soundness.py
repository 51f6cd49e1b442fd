"""Groups A, C, D, H, I soundness: a value that cannot be known statically never turns into an error
or warning.

Starts from clean configurations (rule fixtures, loaded by the HCL loader) and replaces one value at
a time (a leaf, a block or a whole list) with Unknown, a Ref to nothing, or an odd type; the rules must not crash,
and an Unknown may only ever produce "could not prove" (info).
"""

import copy
from functools import lru_cache
from pathlib import Path

import pytest

from validator.findings import Severity
from validator.loaders.hcl import load_directory
from validator.model import Model, Ref, Unknown
from validator.rules.base import run_rules
from validator.rules import controller, deployment, forwarding, hooks, service_connect

RULES = [*deployment.RULES, *hooks.RULES, *controller.RULES, *forwarding.RULES, *service_connect.RULES]

CLEAN = [
    Path(__file__).parent / "fixtures" / "TFBG120" / "pass_separate_test_listener",
    Path(__file__).parent / "fixtures" / "TFBG113" / "pass_nlb_listeners",
    Path(__file__).parent / "fixtures" / "TFBG307" / "pass_linear_with_long_timeout",
    Path(__file__).parent / "fixtures" / "TFBG304" / "pass_lambda_hook_complete",
    Path(__file__).parent / "fixtures" / "TFBG901" / "pass_blue_green_with_test_traffic_rules",
    Path(__file__).parent / "fixtures" / "TFBG801" / "pass_blue_green_weights_with_stickiness",
]


def leaves(value, path=()):
    """Every path in a value: leaves, and the blocks and lists above them (a dynamic block or a
    for-expression makes a whole list unknown)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, path + (i,))


def replaced(model, address, path, new):
    clone = Model(resources=[copy.deepcopy(r) if r.address == address else r for r in model.resources],
                  providers=model.providers, kind=model.kind, module_calls=model.module_calls)
    target = clone.get(address).values
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return clone


@lru_cache(maxsize=None)
def loaded(directory):
    model = load_directory(str(directory))
    baseline = {(f.rule_id, f.address) for f in run_rules(RULES, model) if f.severity != Severity.INFO}
    return model, baseline


def cases():
    for directory in CLEAN:
        model, _ = loaded(directory)
        for resource in model.resources:
            for path in leaves(resource.values):
                if path:
                    yield pytest.param(directory, resource.address, path, id=f"{directory.name}:{resource.address}:{path}")


@pytest.mark.parametrize("directory, address, path", list(cases()))
def test_unknown_leaf_yields_only_could_not_prove(directory, address, path):
    model, baseline = loaded(directory)
    for new in (Unknown("test"), Ref("aws_nothing.here", "arn")):
        findings = list(run_rules(RULES, replaced(model, address, path, new)))
        new_problems = [f for f in findings if f.severity != Severity.INFO and (f.rule_id, f.address) not in baseline]
        assert new_problems == [], [f.message for f in new_problems]
    for odd in (None, [], "", 7, {"x": 1}):
        list(run_rules(RULES, replaced(model, address, path, odd)))  # must not raise
