"""Make a large, realistic plan from a real one: the seed plan's root module becomes a module called
with `for_each`, instantiated N times, as Terraform itself writes such a plan (addresses, nested child
modules and instance keys), each instance with its own names as `name = each.key` would give.

    python bench/gen_plan.py SEED.json OUT.json --min-mb 100 [--name NAME_IN_SEED]
"""

from __future__ import annotations

import argparse
import json
import sys


def _prefix_module(module: dict, prefix: str) -> dict:
    """A planned_values module (and its children) moved under `prefix` (`module.svc["k"]`)."""
    moved = dict(module)
    moved["address"] = f"{prefix}.{module['address']}" if module.get("address") else prefix
    moved["resources"] = [_prefix_resource(r, prefix) for r in module.get("resources", [])]
    moved["child_modules"] = [_prefix_module(child, prefix) for child in module.get("child_modules", [])]
    return moved


def _prefix_resource(resource: dict, prefix: str) -> dict:
    moved = dict(resource)
    moved["address"] = f"{prefix}.{resource['address']}"
    inner = resource.get("module_address")
    moved["module_address"] = f"{prefix}.{inner}" if inner else prefix
    return moved


def instance(seed: dict, key: str, seed_name: str | None) -> tuple[dict, list]:
    prefix = f'module.svc["{key}"]'
    planned = seed.get("planned_values", {}).get("root_module", {})
    chunk = {"module": _prefix_module(planned, prefix), "changes": [_prefix_resource(r, prefix) for r in seed.get("resource_changes", [])]}
    if seed_name:  # each instance names its resources after its key, as name = each.key would
        chunk = json.loads(json.dumps(chunk).replace(seed_name, f"{seed_name[:10]}-{key}"))
    return chunk["module"], chunk["changes"]


def generate(seed: dict, min_bytes: int, seed_name: str | None) -> dict:
    root_config = seed.get("configuration", {}).get("root_module", {})
    plan = {
        "format_version": seed.get("format_version", "1.0"),
        "terraform_version": seed.get("terraform_version", ""),
        "planned_values": {"root_module": {"child_modules": []}},
        "resource_changes": [],
        "configuration": {
            "provider_config": seed.get("configuration", {}).get("provider_config", {}),
            "root_module": {"module_calls": {"svc": {"source": "./svc", "for_each_expression": {"references": ["var.services"]}, "module": root_config}}},
        },
    }
    module, changes = instance(seed, "s00000", seed_name)
    per_instance = len(json.dumps(module)) + len(json.dumps(changes))
    for i in range(max(1, -(-min_bytes // per_instance))):
        module, changes = instance(seed, f"s{i:05d}", seed_name)
        plan["planned_values"]["root_module"]["child_modules"].append(module)
        plan["resource_changes"].extend(changes)
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed")
    parser.add_argument("out")
    parser.add_argument("--min-mb", type=float, default=100.0)
    parser.add_argument("--name", default="bluegreen-alb-hook", help="the module name used in the seed's resource names")
    args = parser.parse_args()
    with open(args.seed, encoding="utf-8-sig") as handle:
        seed = json.load(handle)
    plan = generate(seed, int(args.min_mb * 1024 * 1024), args.name)
    with open(args.out, "w") as handle:
        json.dump(plan, handle)
        size = handle.tell()
    print(f"{args.out}: {len(plan['resource_changes'])} resources, {size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
