"""The `hcl` filter: values become literals that Terraform reads back unchanged."""

from __future__ import annotations

import pytest

from generator.hcl import hcl
from generator.render import environment, templates_root


@pytest.mark.parametrize(
    "value, literal",
    [
        ("plain", '"plain"'),
        ("${var.secret}", '"$${var.secret}"'),
        ("%{ if true }x%{ endif }", '"%%{ if true }x%%{ endif }"'),
        ("$ and % alone", '"$ and % alone"'),
        ('say "hi"\\', '"say \\"hi\\"\\\\"'),
        ("two\nlines\ttab", '"two\\nlines\\ttab"'),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        (5, "5"),
        (10.0, "10"),
        (12.5, "12.5"),
        (0.1, "0.1"),
        ([], "[]"),
        (["/*", "${x}"], '["/*", "$${x}"]'),
        ({}, "{}"),
        ({"Name": "a", "with space": "${b}"}, '{ Name = "a", "with space" = "$${b}" }'),
    ],
)
def test_literals(value, literal):
    assert hcl(value) == literal


def test_rejects_values_without_a_literal():
    with pytest.raises(TypeError):
        hcl(object())
    with pytest.raises(ValueError):
        hcl(float("nan"))


def test_environment_is_strict_and_does_not_escape_html():
    env = environment(templates_root())
    assert env.from_string("{{ v | hcl }}").render(v="<a & b>") == '"<a & b>"'
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render()
