"""Data sources the stand-ins compute, and what all others return."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path

from tests.harness.standin import policy_document, schema

ACCOUNT_ID = "123456789012"
# Placeholder for computed strings of data sources the stand-in cannot compute (see read_generic).
PLACEHOLDER = "tfbg-standin-unknown"


class DataSourceError(ValueError):
    pass


def _partition(config: dict, provider: dict) -> dict:
    return {**config, "id": "aws", "partition": "aws", "dns_suffix": "amazonaws.com",
            "reverse_dns_prefix": "com.amazonaws"}


def _region(config: dict, provider: dict) -> dict:
    region = config.get("region") or config.get("name") or provider.get("region") or "us-east-1"
    return {**config, "id": region, "name": region, "region": region,
            "endpoint": f"ec2.{region}.amazonaws.com", "description": region}


def _caller_identity(config: dict, provider: dict) -> dict:
    return {**config, "id": ACCOUNT_ID, "account_id": ACCOUNT_ID,
            "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/tfbg-standin", "user_id": "AIDATFBGSTANDIN"}


def _policy_document(config: dict, provider: dict) -> dict:
    try:
        return policy_document.compute(config)
    except policy_document.PolicyDocumentError as exc:
        raise DataSourceError(str(exc)) from exc


AWS = {
    "aws_partition": _partition,
    "aws_region": _region,
    "aws_caller_identity": _caller_identity,
    "aws_iam_policy_document": _policy_document,
}


def _path(value: str) -> Path:
    """A path of the configuration, relative to Terraform's working directory as in the real
    provider (a long-lived stand-in runs elsewhere)."""
    return Path(schema.command_context().get("cwd") or ".", value)


def _archive_members(config: dict) -> list[tuple[str, bytes, int]]:
    """(name in the zip, content, mode) for every input, as the real archive_file collects them."""
    members: list[tuple[str, bytes, int]] = []
    excludes = set(config.get("excludes") or [])
    if config.get("source_content_filename") is not None:
        members.append((config["source_content_filename"], (config.get("source_content") or "").encode(), 0o644))
    for block in config.get("source") or []:
        members.append((block["filename"], block["content"].encode(), 0o644))
    if config.get("source_file"):
        path = _path(config["source_file"])
        members.append((path.name, path.read_bytes(), path.stat().st_mode & 0o777))
    if config.get("source_dir"):
        root = _path(config["source_dir"])
        if not root.is_dir():
            raise DataSourceError(f"source_dir {config['source_dir']} is not a directory")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for filename in sorted(filenames):
                path = Path(dirpath, filename)
                relative = path.relative_to(root).as_posix()
                if relative in excludes or any(relative.startswith(e.rstrip("/") + "/") for e in excludes):
                    continue
                members.append((relative, path.read_bytes(), path.stat().st_mode & 0o777))
    if not members:
        raise DataSourceError("one of source_file, source_dir, source_content_filename or "
                              "source must be set")
    return members


def _archive_file(config: dict, provider: dict) -> dict:
    if config.get("type") != "zip":
        raise DataSourceError(f"archive type not supported: {config.get('type')}")
    output = _path(config["output_path"])
    output.parent.mkdir(parents=True, exist_ok=True)
    mode_override = int(config["output_file_mode"], 8) if config.get("output_file_mode") else None
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content, mode in _archive_members(config):
            # A fixed timestamp, as the real provider uses, so the hashes depend on content only.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | (mode_override if mode_override is not None else mode)) << 16
            zf.writestr(info, content)
    data = output.read_bytes()
    sha1 = hashlib.sha1(data).hexdigest()
    return {
        **config,
        "id": sha1,
        "output_sha": sha1,
        "output_size": len(data),
        "output_md5": hashlib.md5(data).hexdigest(),
        "output_sha256": hashlib.sha256(data).hexdigest(),
        "output_base64sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
        "output_sha512": hashlib.sha512(data).hexdigest(),
        "output_base64sha512": base64.b64encode(hashlib.sha512(data).digest()).decode(),
    }


ARCHIVE = {"archive_file": _archive_file}
COMPUTED = {"aws": AWS, "archive": ARCHIVE}


def read_generic(block: dict, config: dict) -> dict:
    """A data source the stand-in does not model: computed values get type-shaped placeholders.

    Terraform 1.0 rejects unknown values in a data source's result ("Provider produced invalid
    object"), so they cannot be unknown as they would be before apply; nested values stay empty.
    """
    state = dict(config)
    for name, spec in block["attributes"].items():
        if spec.get("computed") and state.get(name) is None:
            state[name] = _placeholder(spec["type"])
    return state


def _placeholder(tf_type):
    if tf_type == "string":
        return PLACEHOLDER
    if tf_type == "number":
        return 0
    if tf_type == "bool":
        return False
    if isinstance(tf_type, list) and tf_type[0] in ("list", "set"):
        return []
    if isinstance(tf_type, list) and tf_type[0] == "map":
        return {}
    return None
