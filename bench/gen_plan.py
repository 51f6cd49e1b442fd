"""Make a large, realistic plan from a real one: the seed plan's root module becomes a module called
with `for_each`, instantiated N times (as Terraform itself writes such a plan).

    python bench/gen_plan.py SEED.json OUT.json --min-mb 100
"""

from __future__ import annotations

import argparse
import copy
import json
import sys


def prefix_resources(resources: list, module_address: str) -> list:
    out = []
    for resource in resources:
        resource = copy.deepcopy(resource)
        resource["address"] = f"{module_address}.{resource['address']}"
        resource["module_address"] = module_address
        out.append(resource)
    return out


def instance_chunk(seed: dict, key: str) -> tuple[dict, list]:
    module_address = f'module.svc["{key}"]'
    planned = seed.get("planned_values", {}).get("root_module", {})
    child = {"address": module_address, "resources": prefix_resources(planned.get("resources", []), module_address)}
    changes = prefix_resources(seed.get("resource_changes", []), module_address)
    return child, changes


def generate(seed: dict, min_bytes: int) -> dict:
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
    one_child, one_changes = instance_chunk(seed, "0")
    per_instance = len(json.dumps(one_child)) + len(json.dumps(one_changes))
    count = max(1, -(-min_bytes // per_instance))
    for i in range(count):
        child, changes = instance_chunk(seed, f"svc{i:05d}")
        plan["planned_values"]["root_module"]["child_modules"].append(child)
        plan["resource_changes"].extend(changes)
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed")
    parser.add_argument("out")
    parser.add_argument("--min-mb", type=float, default=100.0)
    args = parser.parse_args()
    with open(args.seed, encoding="utf-8-sig") as handle:
        seed = json.load(handle)
    plan = generate(seed, int(args.min_mb * 1024 * 1024))
    with open(args.out, "w") as handle:
        json.dump(plan, handle)
        size = handle.tell()
    print(f"{args.out}: {len(plan['resource_changes'])} resources, {size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
