"""Warm re-runs: the findings of a directory, kept in the user's cache directory with every read
of the file system they came from (validator/hcl/reads.py), and used again only when replaying
those reads sees exactly the same today: the same bytes in every file read, the same names in every
directory listed, the same answer to every "is this a file / a directory?".

The entry's name is a hash of everything else the findings depend on: tfbg's own code and data
(every file of the validator package), the parser's versions, the working directory, the target as
written, --var-file/--var and the configuration. An entry that cannot be read, belongs to another key
or does not have the expected shape is ignored (and rewritten by this run); entries are written to a
temporary file and renamed into place, so a concurrent run never reads half of one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from validator import cache_dir
from validator.config import Config
from validator.findings import Finding
from validator.hcl import reads

FORMAT = "tfbg-results-1"


@functools.lru_cache(maxsize=None)
def code_fingerprint() -> str:
    digest = hashlib.sha256(FORMAT.encode())
    digest.update(sys.version.encode())
    for distribution in ("python-hcl2", "lark"):
        try:
            digest.update(f"{distribution}={metadata.version(distribution)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(distribution.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def run_key(target: str, var_files: list[str], variables: dict[str, str], config: Config) -> str:
    described = repr((
        code_fingerprint(),
        os.getcwd(),
        target,
        list(var_files),
        sorted(variables.items()),
        sorted(config.disabled),
        sorted((rule, severity.value) for rule, severity in config.severity.items()),
        list(config.exclude),
        config.fail_on.value if config.fail_on else None,
        os.path.abspath(config.base_dir),
    ))
    return hashlib.sha256(described.encode()).hexdigest()


def load(key: str) -> list[Finding] | None:
    """The findings of an earlier run with this key, if every read it made still sees the same."""
    entry = cache_dir.read_entry("results", key)
    if not _well_formed(entry, key) or not reads.unchanged(entry["reads"]):
        return None
    return list(entry["findings"])


def _well_formed(entry: Any, key: str) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("format") == FORMAT
        and entry.get("key") == key
        and reads.is_record(entry.get("reads"))
        and isinstance(entry.get("findings"), list)
        and all(isinstance(f, Finding) for f in entry["findings"])
    )


def store(key: str, recorded: list[reads.Read], findings: list[Finding]) -> None:
    cache_dir.write_entry("results", key, {"format": FORMAT, "key": key, "reads": recorded, "findings": findings})
