"""Bad plan input: one line naming the file (and line for JSON), never a traceback."""

import io
import json
import sys

import pytest

from validator.errors import InputError
from validator.loaders.plan import load_plan

MINIMAL = {"format_version": "1.0", "planned_values": {"root_module": {"resources": [
    {"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service", "name": "this",
     "values": {"name": "svc"}}]}},
    "resource_changes": [{"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service",
                          "name": "this", "change": {"actions": ["create"], "after": {"name": "svc"}}}]}


def write(tmp_path, data: bytes, name="plan.json"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty file"),
        (b'resource "aws_ecs_service" "this" {\n}\n', ":1:1: not JSON, expected plan JSON (lint .tf files by their"),
        (b'{"format_version": "1.0", "planned_values": {', ":1:"),
        (b"[1, 2]", "top level is not an object"),
        (b'{"foo": 1}', "no format_version"),
        (b'{"format_version": "9.0", "planned_values": {}}', "not supported"),
        (b'{"format_version": "1.0"}', "no planned_values"),
        (b"\xff\xfe\x00\xd8", "not valid UTF-16"),
        (b"\xc3\x28", "not valid UTF-8"),
    ],
)
def test_bad_plan_is_one_clear_line(tmp_path, content, expected):
    path = write(tmp_path, content)
    with pytest.raises(InputError) as error:
        load_plan(path)
    assert expected in str(error.value)
    assert str(error.value).startswith(path)
    assert "\n" not in str(error.value)


def test_truncated_plan_names_the_line(tmp_path):
    text = json.dumps(MINIMAL, indent=2)
    path = write(tmp_path, text[: len(text) // 2].encode())
    with pytest.raises(InputError, match=r"plan\.json:\d+:\d+: not valid JSON"):
        load_plan(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_plan(str(tmp_path / "nope.json"))
    with pytest.raises(InputError, match="is a directory"):
        load_plan(str(tmp_path))


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b""),
                                            ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_encodings(tmp_path, encoding, bom):
    path = write(tmp_path, bom + json.dumps(MINIMAL).encode(encoding))
    assert [r.address for r in load_plan(path).resources] == ["aws_ecs_service.this"]


def test_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(MINIMAL).encode())))
    model = load_plan("-")
    assert model.get("aws_ecs_service.this").location.file == "<stdin>"
