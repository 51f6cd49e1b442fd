"""Terraform version-constraint semantics behind TFBG407 (go-versions "ruby style", as Terraform uses it)."""

import pytest

from validator.version_constraints import ConstraintError, Version, lowest_admitted


def lowest(*constraints: str) -> str | None:
    found = lowest_admitted(list(constraints))
    return None if found is None else str(found)


@pytest.mark.parametrize(
    "constraint, expected",
    [
        (">= 6.4", "6.4.0"),
        (">= 6.4.0", "6.4.0"),
        ("> 6.4.0", "6.4.1"),
        ("6.21.0", "6.21.0"),
        ("= 6.21.0", "6.21.0"),
        ("< 7.0", "0.0.0"),
        ("~> 6.21.0", "6.21.0"),
        ("~> 6.21", "6.21.0"),
        ("~> 6", "6.0.0"),
        (">= 6.0, < 7.0", "6.0.0"),
        (">=6.6,!=6.6.0", "6.6.1"),
        (">= 6.6.0, != 6.6.0, != 6.6.1", "6.6.2"),
        (">= 6.4.0-beta1", "6.4.0"),  # releases only: the release sorts after its pre-releases
        ("> 6.4.0-beta1", "6.4.0"),
        ("= 6.4.0-beta1", "6.4.0-beta1"),  # an exact pre-release is selectable
    ],
)
def test_lowest_admitted_single(constraint, expected):
    assert lowest(constraint) == expected


def test_pessimistic_upper_bounds_follow_terraform_not_pep440():
    # ~> X.Y.Z stops before X.(Y+1); ~> X.Y and ~> X stop before (X+1).
    assert lowest("~> 6.20.0", ">= 6.21") is None
    assert lowest("~> 6.20", ">= 6.21") == "6.21.0"
    assert lowest("~> 6", ">= 6.99") == "6.99.0"
    assert lowest("~> 6", ">= 7.0") is None


def test_constraints_of_several_modules_intersect():
    assert lowest(">= 6.0", ">= 6.21.0, < 7.0.0") == "6.21.0"
    assert lowest("~> 5.0", ">= 6.0") is None


def test_no_constraint_admits_everything():
    assert lowest() == "0.0.0"


def test_upper_bound_excludes_everything_below_lower():
    assert lowest(">= 6.4", "< 6.4") is None
    assert lowest("<= 6.4", ">= 6.4") == "6.4.0"
    assert lowest("= 6.4.0", "!= 6.4.0") is None


@pytest.mark.parametrize("bad", ["v6.0", ">= v6.0", "=> 6.0", ">= 6.0,", "six", ">= 6.0 < 7.0", "1.2.3.4"])
def test_constraints_terraform_rejects_raise(bad):
    with pytest.raises(ConstraintError):
        lowest_admitted([bad])


def test_version_ordering_is_semantic():
    assert Version.parse("6.4.0-beta1") < Version.parse("6.4.0")
    assert Version.parse("6.4.0-beta.2") < Version.parse("6.4.0-beta.11")
    assert Version.parse("6.10.0") > Version.parse("6.9.9")
    assert Version.parse("6.4") == Version(6, 4, 0)
