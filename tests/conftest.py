"""Shared pytest fixtures. Keep minimal: workstream-specific fixtures live beside their tests."""

import pytest

from tests.harness.terraform import TerraformHarness


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch):
    """Tests patch rules and loaders in-process: a result kept by an earlier test must not answer for
    them. tests/validator/test_result_cache.py turns the cache back on where it is the subject."""
    monkeypatch.setenv("TFBG_NO_CACHE", "1")


@pytest.fixture(scope="session")
def terraform(tmp_path_factory):
    """Real Terraform 1.0.3 with the plan-only stand-ins for hashicorp/aws and hashicorp/archive
    (tests/harness/README.md): fmt_check, init, validate, plan(dir, var_file=None, state=None), run."""
    harness = TerraformHarness.create(tmp_path_factory.mktemp("terraform"))
    yield harness
    harness.close()
