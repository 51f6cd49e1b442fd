"""Facts about provider schemas that the CDK for Terraform bindings do not carry."""

from __future__ import annotations


def apply(provider: str, schema: dict) -> None:
    pass
