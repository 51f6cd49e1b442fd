"""`tfbg policy PATH [--format json|hcl] [--partition P] [--region R] [--account A] [-o FILE]`."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from insight.cli_common import OUTPUT, PATH, VAR, VAR_FILE, emit, load_model
from insight.policy import Scope, deployer_policy, to_hcl


class PolicyFormat(str, Enum):
    json = "json"
    hcl = "hcl"


def policy(
    path: str = PATH,
    output_format: PolicyFormat = typer.Option(PolicyFormat.json, "--format", "-f",
                                               help="json (a policy document) or hcl (an aws_iam_policy_document)."),
    output: Optional[Path] = OUTPUT,
    partition: str = typer.Option("aws", "--partition", help="ARN partition (aws, aws-cn, aws-us-gov)."),
    region: str = typer.Option("*", "--region", help="Region in the ARNs (default: any)."),
    account: str = typer.Option("*", "--account", help="Account id in the ARNs (default: any)."),
    var_file: list[str] = VAR_FILE,
    var: list[str] = VAR,
) -> None:
    """Write the least-privilege IAM policy the identity running terraform apply needs for this
    configuration's ECS deployment resources (notes on what could not be scoped go to stderr)."""
    model = load_model(path, var_file, var)
    result = deployer_policy(model, Scope(partition=partition, region=region, account=account))
    for note in result.notes:
        print(f"tfbg: note: {note}", file=sys.stderr)
    if output_format == PolicyFormat.hcl:
        text = to_hcl(result)
    else:
        text = json.dumps(result.json(), indent=2) + "\n"
    emit(text, output)
