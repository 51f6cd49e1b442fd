"""Splat operators as HCL defines them: an index after an attribute-only splat (`.*`) picks from the
resulting list; after a full splat (`[*]`) it applies to each element."""

from __future__ import annotations

from pathlib import Path

from validator.loaders.hcl import load_directory

CONFIG = '''
locals {
  groups = [{ name = "blue", ports = [80, 81] }, { name = "green", ports = [90, 91] }]
}

resource "aws_lb_target_group" "this" {
  count = 2
  name  = local.groups[count.index].name
}

resource "terraform_data" "x" {
  input = {
    legacy_first    = aws_lb_target_group.this.*.name[0]
    legacy_second   = "${aws_lb_target_group.this.*.name[1]}"
    local_legacy    = local.groups.*.name[1]
    full_each_first = local.groups[*].ports[0]
    legacy_list     = local.groups.*.name
  }
}
'''


def test_index_after_attribute_splat_picks_from_the_list(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    values = load_directory(str(tmp_path)).get("terraform_data.x").values["input"]
    assert values["legacy_first"] == "blue"
    assert values["legacy_second"] == "green"
    assert values["local_legacy"] == "green"
    assert values["full_each_first"] == [80, 90]
    assert values["legacy_list"] == ["blue", "green"]
