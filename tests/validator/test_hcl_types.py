"""Type constraints and the conversion Terraform applies to a variable's value (validator/hcl/types.py)."""

import pytest

from validator.hcl.evaluate import Evaluator
from validator.hcl.parse import parse_text
from validator.hcl.types import ConversionError, convert, parse_type
from validator.model import Ref, Unknown


class _Literal:
    def reference(self, root, steps, text):
        return Unknown(text)


def kind(text):
    root = parse_text(f"t = {text}\n", "types.tf")
    parsed = parse_type(root.attributes["t"].expr, Evaluator(_Literal(), root.source).eval)
    assert parsed is not None, text
    return parsed


LISTENER_RULES = """map(object({
  priority = optional(number)
  actions = optional(list(object({
    type = optional(string, "forward")
    forward = optional(object({
      target_group_key = string
      stickiness = optional(object({ enabled = optional(bool, false), duration = optional(number, 60) }), {})
    }))
  })), [])
  conditions = optional(list(object({
    path_pattern = optional(object({ values = list(string) }))
    host_header  = optional(object({ values = list(string) }))
  })), [])
}))"""


def test_optional_attributes_at_every_depth_get_their_default_or_null():
    value = {
        "prod": {
            "priority": "10",  # a string where a number is declared: converted
            "actions": [{"forward": {"target_group_key": "blue", "extra": "dropped"}}],
            "conditions": [{"path_pattern": {"values": ["/*"]}}],
            "unused": True,
        },
        "test": {},
    }
    assert convert(value, kind(LISTENER_RULES)) == {
        "prod": {
            "priority": 10,
            "actions": [
                {
                    "type": "forward",
                    # the default {} is itself converted: its own optional attributes get their defaults
                    "forward": {"target_group_key": "blue", "stickiness": {"enabled": False, "duration": 60}},
                }
            ],
            "conditions": [{"path_pattern": {"values": ["/*"]}, "host_header": None}],
        },
        "test": {"priority": None, "actions": [], "conditions": []},
    }


def test_a_null_optional_attribute_takes_its_default_and_a_null_required_one_stays_null():
    shape = kind('object({ a = optional(string, "d"), b = string })')
    assert convert({"a": None, "b": None}, shape) == {"a": "d", "b": None}


def test_a_missing_required_attribute_is_what_terraform_rejects():
    with pytest.raises(ConversionError, match="attribute 'container_port' is required"):
        convert({"lb": {"container_name": "app"}}, kind("map(object({ container_name = string, container_port = number }))"))


@pytest.mark.parametrize(
    ("constraint", "value", "converted"),
    [
        ("string", 5, "5"),
        ("string", True, "true"),
        ("string", 1.5, "1.5"),
        ("number", "42", 42),
        ("number", "2.5", 2.5),
        ("bool", "true", True),
        ("bool", "false", False),
        ("list(string)", [1, "a"], ["1", "a"]),
        ("set(string)", ["b", "a", "b"], ["a", "b"]),  # distinct, in Terraform's order
        ("set(number)", [3, 1, 3], [1, 3]),
        ("map(number)", {"a": "1"}, {"a": 1}),
        ("tuple([string, number])", [1, "2"], ["1", 2]),
        ("any", {"x": [1]}, {"x": [1]}),
        ("list(any)", [{"a": 1}], [{"a": 1}]),
        ("object({ a = number })", None, None),
        ("map", {"a": 1}, {"a": 1}),  # shorthand for map(any)
        ("set", ["b", "a"], ["a", "b"]),
    ],
)
def test_plain_type_constraints_convert_as_terraform_does(constraint, value, converted):
    assert convert(value, kind(constraint)) == converted


@pytest.mark.parametrize(
    ("constraint", "value"),
    [
        ("number", "abc"),
        ("bool", "yes"),
        ("string", [1]),
        ("list(string)", {"a": "b"}),
        ("map(string)", ["a"]),
        ("object({ a = string })", "text"),
        ("tuple([string])", ["a", "b"]),
    ],
)
def test_values_terraform_refuses_raise(constraint, value):
    with pytest.raises(ConversionError):
        convert(value, kind(constraint))


def test_references_and_unknowns_are_kept_inside_converted_structures():
    arn = Ref("aws_lb_target_group.blue", "arn")
    unknown = Unknown("var.x has no value", cause="var.x: no value")
    shape = kind("object({ arn = string, port = optional(number, 80), tags = map(string) })")
    assert convert({"arn": arn, "tags": unknown}, shape) == {"arn": arn, "port": 80, "tags": unknown}


def test_type_expressions_tfbg_does_not_read_are_none():
    root = parse_text("t = list(string, number)\nu = foo\n", "types.tf")
    literal = Evaluator(_Literal(), root.source).eval
    assert parse_type(root.attributes["t"].expr, literal) is None
    assert parse_type(root.attributes["u"].expr, literal) is None
