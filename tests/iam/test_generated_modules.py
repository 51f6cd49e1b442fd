"""Issue 4, 'done when': every module `tfbg new` generates proves clean under the IAM rules — no
error, no warning and no "could not prove" either (the generator's own lint test allows infos)."""

from __future__ import annotations

from generator.answers import build
from generator.render import render
from tests.generator.variants import matrix
from validator.loaders.hcl import load_directory
from validator.rules import iam
from validator.rules.base import run_rules


def test_every_generated_variant_proves_its_iam(tmp_path):
    unclean = {}
    variants = matrix()
    for label, answers in variants.items():
        for relative, data in render(build(answers)).items():
            path = tmp_path / label / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        model = load_directory(str(tmp_path / label))
        # A Service Connect service without Lambda hooks assumes no role: nothing to prove there.
        creates_roles = build(answers).load_balancer != "service-connect" or build(answers).hooks
        assert any(r.type == "aws_iam_role" for r in model.resources) == bool(creates_roles), label
        found = [f"{f.rule_id} {f.severity.value}: {f.message}" for f in run_rules(iam.RULES, model)]
        if found:
            unclean[label] = found
    assert unclean == {}
    assert any(a.get("least_privilege") for a in variants.values())
