"""Provider changes after the release the CDK for Terraform bindings reflect, applied by gen_schema.py.

The newest bindings on PyPI (`cdktf-cdktf-provider-aws==21.22.1`) stop at hashicorp/aws 6.25.0: cdktf
was retired in December 2025. Later provider changes to the types this project uses are taken here
from the provider's own source, each with the pull request and file it comes from. The served
schema's `extended_with` lists them, so nothing claims a change is part of 6.25.0.

What was read (hashicorp/terraform-provider-aws, through the search tool; the repository snapshot is
larger than `fetch` can bring, 932 MB):
- PR #48128 "feat(aws_ecs_service): Add support for ECS service pause hook" (merged 2026-09-17,
  closes issue #48075): `.changelog/48128.txt` and the PR's diff of
  `website/docs/r/ecs_service.html.markdown`. In `deployment_configuration.lifecycle_hook`:
  `target_type` (Optional string: AWS_LAMBDA | PAUSE), `timeout_configuration` (block with
  `action` ROLLBACK | CONTINUE and `timeout_in_minutes`), and `hook_target_arn` and `role_arn`
  change from Required to Optional (still needed for AWS_LAMBDA hooks, which the API checks). The
  data source `aws_ecs_service` gains the same two attributes in its `lifecycle_hook` objects.
  Not established offline: the first release that carries it (the stored CHANGELOG.md and
  version/VERSION are older than the merge).

Facts the documentation diff does not state, and how they are served: `target_type` and both
`timeout_configuration` arguments are served optional only, so an omitted one plans as null (the
lifecycle_hook set of a plan then looks as it did before the PR for Lambda hooks; whether the provider
marks them computed or gives a default was not readable); `timeout_configuration` is served as a list
of at most one block, as the provider's other single blocks are.
"""

from __future__ import annotations

EXTENSIONS = ["hashicorp/terraform-provider-aws PR #48128 (ECS pause hooks; merged 2026-09-17)"]
# The version the test mirror also offers this extended schema as. No real release has it: the first
# release carrying PR #48128 is unknown here, and a module using pause hooks requires "> 6.25.0"
# (the newest release known to lack them). 6.99.0 is deliberately implausible as a real number.
EXTENSION_LABEL = "6.99.0"

_LIFECYCLE_HOOK = ("aws_ecs_service", ("deployment_configuration", "lifecycle_hook"))


def _block(schema: dict, type_name: str, path: tuple[str, ...]) -> dict:
    block = schema["resource_schemas"][type_name]
    for name in path:
        block = block["block_types"][name]["block"]
    return block


def apply(provider: str, schema: dict) -> None:
    if provider != "aws":
        return
    hook = _block(schema, *_LIFECYCLE_HOOK)
    if "target_type" in hook["attributes"]:
        raise ValueError("lifecycle_hook.target_type is already in the bindings: drop PR #48128 from schema_delta.py")
    for name in ("hook_target_arn", "role_arn"):
        hook["attributes"][name] = {"optional": True, "type": "string"}
    hook["attributes"]["target_type"] = {"optional": True, "type": "string"}
    hook["attributes"] = dict(sorted(hook["attributes"].items()))
    hook["block_types"]["timeout_configuration"] = {
        "nesting_mode": "list",
        "max_items": 1,
        "block": {
            "attributes": {
                "action": {"optional": True, "type": "string"},
                "timeout_in_minutes": {"optional": True, "type": "number"},
            },
            "block_types": {},
        },
    }
    data = schema["data_source_schemas"]["aws_ecs_service"]["attributes"]["deployment_configuration"]
    hook_object = data["type"][1][1]["lifecycle_hook"][1][1]
    hook_object["target_type"] = "string"
    hook_object["timeout_configuration"] = ["list", ["object", {"action": "string", "timeout_in_minutes": "number"}]]
    data["type"][1][1]["lifecycle_hook"][1][1] = dict(sorted(hook_object.items()))
    schema["extended_with"] = EXTENSIONS
    schema["extension_label"] = [EXTENSION_LABEL]
    schema["//"] = schema["//"].replace("; do not edit.", " and tests/harness/schema_delta.py; do not edit.")
