"""Make a large, realistic plan from a real one, in one of two shapes:

- `modules` (default): the seed plan's root module becomes a module called with `for_each`,
  instantiated N times, as Terraform itself writes such a plan (addresses, nested child modules and
  instance keys), each instance with its own names as `name = each.key` would give;
- `root`: the seed is a plan of many services in one root (bench/gen_services.py, planned with
  bench/make_seed.py); its per-service resources (addresses and names containing `svc_`/`svc-`) are
  copied under new names until the size is reached: thousands of services in one root module.

    python bench/gen_plan.py SEED.json OUT.json --min-mb 100 [--name NAME_IN_SEED] [--shape root]
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


def _per_service(items: list, key: str = "address") -> list:
    return [item for item in items if "svc_" in item.get(key, "")]


def generate_root(seed: dict, min_bytes: int) -> dict:
    """Copies of the seed's per-service resources, renamed per copy (c001_svc_00003, c001-svc-00003)."""
    config = seed.get("configuration", {}).get("root_module", {})
    planned = seed.get("planned_values", {}).get("root_module", {})
    per_service = json.dumps({
        "config": _per_service(config.get("resources", [])),
        "planned": _per_service(planned.get("resources", [])),
        "changes": _per_service(seed.get("resource_changes", [])),
    })
    copies = max(1, -(-min_bytes // len(per_service)))
    plan = {
        "format_version": seed.get("format_version", "1.0"),
        "terraform_version": seed.get("terraform_version", ""),
        "planned_values": {"root_module": {"resources": [r for r in planned.get("resources", []) if "svc_" not in r["address"]]}},
        "resource_changes": [r for r in seed.get("resource_changes", []) if "svc_" not in r["address"]],
        "configuration": {
            "provider_config": seed.get("configuration", {}).get("provider_config", {}),
            "root_module": {"resources": [r for r in config.get("resources", []) if "svc_" not in r["address"]]},
        },
    }
    for copy in range(copies):
        chunk = json.loads(per_service.replace("svc_", f"c{copy:03d}_svc_").replace("svc-", f"c{copy:03d}-svc-"))
        plan["configuration"]["root_module"]["resources"].extend(chunk["config"])
        plan["planned_values"]["root_module"]["resources"].extend(chunk["planned"])
        plan["resource_changes"].extend(chunk["changes"])
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed")
    parser.add_argument("out")
    parser.add_argument("--min-mb", type=float, default=100.0)
    parser.add_argument("--name", default="bluegreen-alb-hook", help="the module name used in the seed's resource names")
    parser.add_argument("--shape", choices=("modules", "root"), default="modules")
    args = parser.parse_args()
    with open(args.seed, encoding="utf-8-sig") as handle:
        seed = json.load(handle)
    size = int(args.min_mb * 1024 * 1024)
    plan = generate_root(seed, size) if args.shape == "root" else generate(seed, size, args.name)
    with open(args.out, "w") as handle:
        json.dump(plan, handle)
        size = handle.tell()
    print(f"{args.out}: {len(plan['resource_changes'])} resources, {size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
