"""AWS managed policies vendored in data/managed_policies.json (with version and date)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_ARN = re.compile(r"^arn:(?P<partition>[^:]*):iam::aws:policy/(?P<path>(?:[^/]+/)*)(?P<name>[^/]+)$")


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str  # with the `aws` partition
    version: str
    edited: str
    source: str
    document: Any  # decoded JSON, or None when tfbg does not carry the document

    @property
    def path(self) -> str:
        match = _ARN.match(self.arn)
        return match.group("path") if match else ""


@lru_cache(maxsize=1)
def _load() -> dict[str, ManagedPolicy]:
    text = (resources.files("validator.iam") / "data" / "managed_policies.json").read_text()
    policies = {}
    for item in json.loads(text)["policies"]:
        policy = ManagedPolicy(
            item["name"], item["arn"], item["version"], item["edited"], item["source"], item["document"]
        )
        policies[policy.arn] = policy
    return policies


def parse_aws_managed_arn(arn: str) -> tuple[str, str, str] | None:
    """`arn:aws:iam::aws:policy/service-role/X` -> ("aws", "service-role/", "X"); None if not AWS managed."""
    match = _ARN.match(arn)
    if not match:
        return None
    return match.group("partition"), match.group("path"), match.group("name")


_PARTITION_TEMPLATE = re.compile(r'^"arn:\$\{[^}]*partition[^}]*\}:iam::aws:policy/(?P<rest>[^"$%{}]+)"$')


def templated_arn(why: str) -> str | None:
    """`"arn:${data.aws_partition.current.partition}:iam::aws:policy/X"` (a loader's Unknown text) ->
    `arn:aws:iam::aws:policy/X`. Only the partition is unknown there; the policy is named literally."""
    match = _PARTITION_TEMPLATE.match(why.strip())
    return f"arn:aws:iam::aws:policy/{match.group('rest')}" if match else None


def lookup(arn: str) -> ManagedPolicy | None:
    """The vendored policy with exactly this ARN (any partition: aws, aws-cn, aws-us-gov)."""
    parsed = parse_aws_managed_arn(arn)
    if parsed is None:
        return None
    _, path, name = parsed
    return _load().get(f"arn:aws:iam::aws:policy/{path}{name}")


def all_policies() -> list[ManagedPolicy]:
    return list(_load().values())


@dataclass(frozen=True)
class ListedPolicy:
    """One row of the complete list (managed_policy_list.json): every AWS managed policy."""

    name: str
    path: str  # "/", "/service-role/", ...
    version: str  # the default version
    date: str  # the day that version was made

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::aws:policy{self.path}{self.name}"


@lru_cache(maxsize=1)
def listed() -> dict[str, ListedPolicy]:
    """Every AWS managed policy by ARN (`aws` partition), from the vendored complete list."""
    text = (resources.files("validator.iam") / "data" / "managed_policy_list.json").read_text()
    rows = (ListedPolicy(*row) for row in json.loads(text)["policies"])
    return {policy.arn: policy for policy in rows}


@lru_cache(maxsize=1)
def list_source() -> str:
    """Where the complete list comes from (package and version), for messages."""
    text = (resources.files("validator.iam") / "data" / "managed_policy_list.json").read_text()
    return json.loads(text)["source"].split(" (")[0]


@lru_cache(maxsize=1)
def _listed_by_name() -> dict[str, ListedPolicy]:
    return {policy.name: policy for policy in listed().values()}


def listed_by_name(name: str, path: str | None = None) -> ListedPolicy | None:
    """The AWS managed policy called `name` (policy names are unique among AWS managed policies);
    with `path`, only if it is on that path."""
    policy = _listed_by_name().get(name)
    if policy is None or (path is not None and policy.path != path):
        return None
    return policy


@lru_cache(maxsize=1)
def known_arns() -> frozenset[str]:
    """Every AWS managed policy ARN tfbg knows, `aws` partition."""
    return frozenset([*_load(), *listed()])


def closest_known(arn: str) -> str | None:
    """For an AWS managed policy ARN that is in no list: the known ARN it was probably meant to be
    (same name on another path, other letter case, or a small typo); None when it is a real policy
    or nothing is close."""
    found = meant_policy(arn)
    return found[0] if found else None


def meant_policy(arn: str) -> tuple[str, str] | None:
    """(the ARN meant, how it differs: "path" | "case" | "typo") for an AWS managed policy ARN that
    is in no list; None when the ARN is a real AWS managed policy or nothing known is close.

    "path" and "case" are certain (managed policy names are unique, and IAM ARNs are case
    sensitive); "typo" is a guess: a policy AWS published after the vendored list would look like one."""
    import difflib

    parsed = parse_aws_managed_arn(arn)
    if parsed is None:
        return None
    partition, path, name = parsed
    if f"arn:aws:iam::aws:policy/{path}{name}" in known_arns():
        return None
    by_name = {}
    for known in known_arns():
        _, known_path, known_name = parse_aws_managed_arn(known)
        by_name[known_name] = known_path
    lowered = {n.lower(): n for n in by_name}
    if name in by_name:
        candidate, how = name, "path"
    elif name.lower() in lowered:
        candidate, how = lowered[name.lower()], "case"
    else:
        close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.9)
        if not close:
            return None
        candidate, how = close[0], "typo"
    return f"arn:{partition}:iam::aws:policy/{by_name[candidate]}{candidate}", how
