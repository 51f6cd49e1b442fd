"""Load a generated schema and turn it into the protocol-6 GetProviderSchema response.

Terraform 1.0 asks every provider process for the whole schema and converts and validates all
of it: for 2,200 aws types that alone costs about 0.4 s per process, several processes per
command. The harness therefore tells the stand-in (TFBG_HARNESS_TYPES) which types the
configuration under test names, and the stand-in serves only those (and its provider block).
Types outside that list are rejected by Terraform exactly as a type the real provider lacks.
Without the variable the whole schema is served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
TYPES_VARIABLE = "TFBG_HARNESS_TYPES"  # comma-separated; data sources as data.<type>
# A persistent stand-in (reattach mode) serves many commands: it reads each command's context
# ({"types": ..., "cwd": Terraform's working directory}) from this file, which the harness
# rewrites before each command.
CONTEXT_FILE_VARIABLE = "TFBG_HARNESS_CONTEXT_FILE"


def command_context() -> dict:
    path = os.environ.get(CONTEXT_FILE_VARIABLE)
    if not path:
        return {"types": os.environ.get(TYPES_VARIABLE), "cwd": os.getcwd()}
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {"types": None, "cwd": os.getcwd()}
CACHE_VARIABLE = "TFBG_HARNESS_CACHE"


def schema_path(provider: str) -> Path:
    return SCHEMA_DIR / f"{provider}.json.gz"


@lru_cache(maxsize=None)
def load_full(provider: str) -> dict:
    return json.loads(gzip.decompress(schema_path(provider).read_bytes()))


def _wanted_types() -> frozenset[str] | None:
    value = command_context().get("types")
    return None if value is None else frozenset(t for t in value.split(",") if t)


def _subset(full: dict, wanted: frozenset[str] | None) -> dict:
    if wanted is None:
        return full
    return {
        **full,
        "resource_schemas": {n: b for n, b in full["resource_schemas"].items() if n in wanted},
        "data_source_schemas": {n: b for n, b in full["data_source_schemas"].items() if f"data.{n}" in wanted},
    }


def _cache_file(provider: str, wanted: frozenset[str] | None, suffix: str, cache_dir: str | None) -> Path | None:
    cache_dir = cache_dir or os.environ.get(CACHE_VARIABLE)
    if not cache_dir:
        return None
    key = hashlib.sha256(schema_path(provider).read_bytes())
    key.update(",".join(sorted(wanted)).encode() if wanted is not None else b"*all*")
    return Path(cache_dir) / f"{provider}-{key.hexdigest()[:20]}.{suffix}"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # concurrent provider processes may race here


def load(provider: str) -> dict:
    """The schema this process serves (the subset the harness asked for, or all of it)."""
    return _load(provider, _wanted_types())


@lru_cache(maxsize=64)
def _load(provider: str, wanted: frozenset[str] | None) -> dict:
    if wanted is None:
        return load_full(provider)
    cached = _cache_file(provider, wanted, "json", None)
    if cached and cached.exists():
        return json.loads(cached.read_bytes())
    subset = _subset(load_full(provider), wanted)
    if cached:
        _write_atomic(cached, json.dumps(subset).encode())
    return subset


def _attribute(pb, name: str, spec: dict):
    return pb.Schema.Attribute(
        name=name,
        type=json.dumps(spec["type"]).encode(),
        required=spec.get("required", False),
        optional=spec.get("optional", False),
        computed=spec.get("computed", False),
        sensitive=spec.get("sensitive", False),
        description_kind=pb.PLAIN,
    )


def _block(pb, block: dict):
    nesting = {
        "list": pb.Schema.NestedBlock.LIST,
        "set": pb.Schema.NestedBlock.SET,
        "single": pb.Schema.NestedBlock.SINGLE,
    }
    return pb.Schema.Block(
        attributes=[_attribute(pb, n, a) for n, a in block["attributes"].items()],
        block_types=[
            pb.Schema.NestedBlock(
                type_name=n,
                block=_block(pb, b["block"]),
                nesting=nesting[b["nesting_mode"]],
                min_items=b.get("min_items", 0),
                max_items=b.get("max_items", 0),
            )
            for n, b in block["block_types"].items()
        ],
        description_kind=pb.PLAIN,
    )


def build_response(schema: dict) -> bytes:
    from tf.gen import tfplugin_pb2 as pb

    response = pb.GetProviderSchema.Response(
        provider=pb.Schema(block=_block(pb, schema["provider_schema"])),
        provider_meta=pb.Schema(block=pb.Schema.Block()),
        resource_schemas={n: pb.Schema(block=_block(pb, b)) for n, b in schema["resource_schemas"].items()},
        data_source_schemas={n: pb.Schema(block=_block(pb, b)) for n, b in schema["data_source_schemas"].items()},
    )
    return response.SerializeToString()


def response_bytes(provider: str, cache_dir: str | None = None) -> bytes:
    """The serialised GetProviderSchema response, cached on disk by schema digest and type list."""
    wanted = _wanted_types()
    cached = _cache_file(provider, wanted, "pb", cache_dir)
    if cached and cached.exists():
        return cached.read_bytes()
    data = build_response(_load(provider, wanted))
    if cached:
        _write_atomic(cached, data)
    return data
