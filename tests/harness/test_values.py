"""Schema-driven value walks of the stand-in, on a small hand-made block schema."""

from tf.types import Unknown

from tests.harness.standin import values

BLOCK = {
    "attributes": {
        "name": {"type": "string", "required": True, "force_new": True},
        "arn": {"type": "string", "computed": True},
        "mode": {"type": "string", "optional": True, "computed": True, "default": "A"},
    },
    "block_types": {
        "rule": {"nesting_mode": "list", "block": {
            "attributes": {"order": {"type": "number", "optional": True, "computed": True},
                           "port": {"type": "number", "optional": True, "force_new": True}},
            "block_types": {}}},
        "network": {"nesting_mode": "list", "force_new": True, "block": {
            "attributes": {"subnets": {"type": ["set", "string"], "required": True}}, "block_types": {}}},
    },
}


def test_create_marks_nested_computed_nulls_unknown_and_keeps_set_values():
    planned = values.mark_computed_unknown(BLOCK, values.apply_defaults(BLOCK, {
        "name": "x", "arn": None, "mode": None, "rule": [{"order": None, "port": 80}, {"order": 3, "port": 81}],
        "network": [],
    }))
    assert planned["arn"] is Unknown and planned["mode"] == "A"
    assert planned["rule"][0]["order"] is Unknown and planned["rule"][1]["order"] == 3


def test_changed_paths_finds_force_new_attributes_and_blocks():
    before = {"name": "x", "rule": [{"port": 80}], "network": [{"subnets": ["a"]}]}
    after = {"name": "y", "rule": [{"port": 81}], "network": [{"subnets": ["b"]}]}
    force_new = list(values.changed_paths(BLOCK, before, after, lambda spec: spec.get("force_new", False)))
    assert force_new == [("name",), ("rule", 0, "port"), ("network",)]
    assert list(values.changed_paths(BLOCK, before, before, lambda spec: spec.get("force_new", False))) == []


def test_fill_nulls_completes_state_and_reports_unknown_names():
    errors: list[str] = []
    filled = values.fill_nulls(BLOCK, {"name": "x", "rule": [{"prot": 1}]}, "", errors)
    assert filled["arn"] is None and filled["network"] == [] and filled["rule"][0]["order"] is None
    assert errors == ["rule.0.prot"]
