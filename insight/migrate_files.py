"""Migration -> the files `tfbg migrate` writes: answers.json, moved.tf, state-commands.sh, CHECKLIST.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

from insight.migrate import HOOK_STAGES, Migration

ECS_MIGRATE = "ECS Developer Guide, migrate-code-deploy-to-ecs-blue-green.html"
ECS_UPDATE = "ECS Developer Guide, update-service-parameters.html"
PROVIDER_CHANGELOG = "hashicorp/aws CHANGELOG.md 6.4.0 (#43434), 6.6.0 (#43552), 6.21.0"
ECS_HOOKS = "ECS Developer Guide, lambda-lifecycle-hooks.html"
APPSPEC_HOOKS = "CodeDeploy User Guide, reference-appspec-file-structure-hooks.html"
TF_MOVED = "Terraform docs, language/modules/develop/refactoring (moved blocks, Terraform >= 1.1); cli/commands/state/mv"
TF_REMOVED = "Terraform docs, language/block/removed and language/state/remove (removed blocks, Terraform >= 1.7)"
INFRA_ROLE = "ECS Developer Guide, AmazonECSInfrastructureRolePolicyForLoadBalancers.md"


def files_for(migrations: list[Migration], source: str, appspecs: list[Path], out: str = ".") -> dict[str, bytes]:
    """The files, keyed by their path in the output directory `out` (named in the checklist's commands)."""
    files: dict[str, bytes] = {}
    single = len(migrations) == 1
    for m in migrations:
        prefix = "" if single else f"{m.name}/"
        answers_path = f"{prefix}answers.json"
        files[answers_path] = (json.dumps(m.answers, indent=2) + "\n").encode()
        files[f"{prefix}moved.tf"] = moved_blocks(m).encode()
        if m.removals:
            files[f"{prefix}removed.tf"] = removed_blocks(m).encode()
        files[f"{prefix}state-commands.sh"] = state_commands(m).encode()
        files[f"{prefix}CHECKLIST.md"] = checklist(m, source, appspecs, f"{out.rstrip('/')}/{answers_path}").encode()
    return files


def moved_blocks(m: Migration) -> str:
    lines = [
        "# Terraform >= 1.1: put this file in the root configuration that calls the new module, next to the",
        f'# module "{m.call}" block, in the same change that deletes the old resource blocks. Terraform then',
        "# moves the state instead of destroying and re-creating the resources. Terraform 1.0: run",
        "# state-commands.sh instead (and do not add this file).",
    ]
    for old, new in m.moves:
        lines += ["", "moved {", f"  from = {old}", f"  to   = {new}", "}"]
    return "\n".join(lines) + "\n"


def removed_blocks(m: Migration) -> str:
    """Terraform >= 1.7 `removed` blocks for what the switch deletes: the same destroys as deleting the
    blocks, but named one by one in the configuration and the plan."""
    lines = [
        "# Terraform >= 1.7: REPLACE each resource block named below with its removed block (a removed block and",
        "# a resource block cannot share an address). destroy = true destroys the object, exactly as deleting",
        "# the block would; set destroy = false to keep the object in AWS and only stop managing it. `from`",
        "# takes no instance keys: it covers every instance of a counted resource. Terraform < 1.7: delete the",
        "# blocks instead (and skip this file); `terraform state rm ADDRESS` keeps an object instead.",
    ]
    seen: list[str] = []
    for address in m.removals:
        plain = re.sub(r"\[[^\]]*\]", "", address)  # module.a["x"].aws_b.c[0] -> module.a.aws_b.c
        if plain not in seen:
            seen.append(plain)
            lines += ["", "removed {", f"  from = {plain}", "", "  lifecycle {", "    destroy = true", "  }", "}"]
    return "\n".join(lines) + "\n"


def state_commands(m: Migration) -> str:
    lines = [
        "#!/bin/sh",
        "# Terraform 1.0 (no moved blocks): run from the root configuration, after adding the module call and",
        "# deleting the old resource blocks, before the first plan. Take a state backup first.",
        "set -eu",
        "terraform state pull > pre-migration.tfstate",
    ]
    lines += [f"terraform state mv '{old}' '{new}'" for old, new in m.moves]
    return "\n".join(lines) + "\n"


def _module_call(m: Migration) -> str:
    inputs = {
        "cluster_arn": "<the cluster's ARN>",
        "task_definition_arn": "<the task definition the service runs NOW (step 2)>",
        "vpc_id": "<the target groups' VPC>",
        "subnet_ids": "<the service's subnets>",
        "security_group_ids": "<the service's security groups>",
    }
    if m.answers.get("load_balancer") == "nlb":
        inputs["load_balancer_arn"] = "<the NLB's ARN>"
    else:
        inputs["production_listener_arn"] = f"<ARN of the production listener {m.listeners.get('production', '')}>".replace(" >", ">")
        if m.answers.get("test_traffic") == "listener":
            inputs["test_listener_arn"] = f"<ARN of the test listener {m.listeners.get('test', '')}>".replace(" >", ">")
    inputs.update(m.inputs)
    inputs["task_definition_arn"] = "<the task definition the service runs NOW (step 2)>"
    if "assign_public_ip" in inputs and m.answers.get("launch_type", "FARGATE") != "FARGATE":
        del inputs["assign_public_ip"]
    width = max(len(k) for k in inputs)
    body = "\n".join(f"  {k.ljust(width)} = {v}" for k, v in inputs.items())
    return f'module "{m.call}" {{\n  source = "./modules/{m.name}"\n\n{body}\n}}'


def checklist(m: Migration, source: str, appspecs: list[Path], answers_path: str) -> str:
    a = m.answers
    out: list[str] = [f"# Moving {m.service.address} from CodeDeploy to ECS-native blue/green", ""]
    out.append(f"Read from `{source}` by `tfbg migrate`. The service `{m.service.address}` "
               + (f"is deployed by `{m.group.address}`." if m.group else "has no deployment group in this configuration."))
    shape = {"blue-green": "BLUE_GREEN (all at once)", "canary": f"CANARY {a.get('canary_percent', 5):g}% then the rest after "
             f"{a.get('canary_bake_time_in_minutes', 10)} minutes", "linear": f"LINEAR {a.get('step_percent', 10):g}% every "
             f"{a.get('step_bake_time_in_minutes', 6)} minutes"}[a["strategy"]]
    out += ["", "## What carries over", "",
            f"- traffic shape: {shape}; bake time {a.get('bake_time_in_minutes', 5)} minutes (was the termination wait)",
            f"- load balancer: {a.get('load_balancer', 'alb').upper()}; production listener {m.listeners.get('production', 'unknown')}"
            + (f"; test listener {m.listeners['test']}" if "test" in m.listeners else "; no test listener"),
            f"- target groups: {', '.join(m.target_groups) or 'new ones created by the module'}",
            f"- rollback: circuit breaker; alarms {', '.join(m.alarms) if m.alarms else '(none)'}"]
    if m.hooks:
        out.append("- hooks (AppSpec -> ECS lifecycle stage): " + "; ".join(f"{h} ({f}) -> {s}" for h, f, s in m.hooks))
    elif appspecs:
        out.append(f"- hooks: none in {', '.join(str(p) for p in appspecs)}")
    else:
        out.append("- hooks: no AppSpec file found beside the configuration; if your pipeline's AppSpec has hooks, map them "
                   "with the table in step 6 and pass --hooks")
    if m.notes:
        out += ["", "## Read first: what could not be carried over as is", ""]
        out += [f"- {note}" for note in sorted(m.notes, key=lambda n: not n.startswith("BLOCKING"))]

    steps: list[tuple[str, str, str]] = []
    steps.append(("Stop CodeDeploy deployments of this service",
                  "Let any deployment in progress finish (or stop it), and turn off what starts new ones (pipelines "
                  "calling `aws deploy create-deployment`, CodePipeline ECS deploy actions). The controller cannot change "
                  "during a deployment.", f"{ECS_MIGRATE} (prerequisites: turn off CodeDeploy automation; no ongoing "
                  f"service deployment); {ECS_UPDATE}"))
    steps.append(("Find what runs now",
                  "CodeDeploy swapped the task definition and the target group after Terraform last set them (the old "
                  "configuration ignores both). `aws ecs describe-services --cluster <cluster> --services "
                  f"{m.service.get('name') if isinstance(m.service.get('name'), str) else '<service>'} --query "
                  "'services[0].[taskDefinition,loadBalancers]'` gives the task definition for `task_definition_arn` and the "
                  "target group serving production: it must become `blue`. If it is not "
                  f"{m.target_groups[0] if m.target_groups else 'the first target group below'}, swap the two target "
                  "group lines in moved.tf / state-commands.sh.",
                  "ECS API DescribeServices; ECS DG deployment-type-bluegreen.html (CodeDeploy alternates the target groups)"))
    steps.append(("Pin the provider",
                  "hashicorp/aws >= 6.21.0 for LINEAR/CANARY (>= 6.6.0 is enough for BLUE_GREEN); anything older than "
                  "6.4.0 replaces the service when deployment_controller changes.", PROVIDER_CHANGELOG))
    steps.append(("Generate the module",
                  f"`tfbg new {m.name} --answers {answers_path} --out modules/{m.name}` (tfbg refuses a non-empty "
                  "directory). Apply the BLOCKING notes above to the generated files before the first plan.",
                  "tfbg README, `tfbg new`"))
    steps.append(("Call it and drop the old blocks",
                  "Add the module call below; delete from your configuration: " + "; ".join(m.delete) + ".\n\n```hcl\n"
                  + _module_call(m) + "\n```", ECS_MIGRATE))
    steps.append(("Move the state, do not re-create",
                  "Terraform >= 1.1: add moved.tf beside the module call. Terraform 1.0: run state-commands.sh. Without "
                  "this the service and target groups are destroyed and created again (downtime)."
                  + (" What moves must not also get a removed block: a removed block destroys or forgets the object."
                     if m.removals else ""), TF_MOVED))
    if m.removals:
        steps.append(("Remove what CodeDeploy used",
                      "Terraform >= 1.7: replace the blocks of " + ", ".join(m.removals) + " with the removed blocks of "
                      "removed.tf (destroy = true: the plan lists each destroy). Keep an object in AWS (destroy = false) "
                      "only while something else still uses it. Older Terraform: deleting the blocks (as the module step above says) does the same.",
                      TF_REMOVED))
    hook_lines = "\n".join(f"   - `{h}` -> `{s}`" for h, s in HOOK_STAGES.items())
    steps.append(("Rewrite the hooks",
                  "ECS does not run AppSpec hooks. A CodeDeploy hook reports with PutLifecycleEventHookExecutionStatus; an "
                  "ECS lifecycle hook returns `hookStatus` (SUCCEEDED, FAILED, IN_PROGRESS with callBackDelay). The module "
                  "ships such a function per stage (hook/handler.py); port your checks into it or its settings. Mapping:\n"
                  + hook_lines, f"{ECS_MIGRATE} ('You must create new lifecycle hooks'); {ECS_HOOKS}; {APPSPEC_HOOKS}"))
    steps.append(("Permissions",
                  "The module creates the ECS infrastructure role (AmazonECSInfrastructureRolePolicyForLoadBalancers) that "
                  "ECS uses to move traffic; the CodeDeploy service role is no longer used and goes with the deployment group.",
                  f"{ECS_MIGRATE} (replace the CodeDeploy IAM role); {INFRA_ROLE}"))
    if a.get("load_balancer", "alb") == "alb":
        steps.append(("Listener rules",
                      "The module adds a production rule (and a test rule) on your listeners at listener_rule_priority, "
                      "forwarding blue 100 / green 0. With a test listener one target group is on the production rule "
                      "and the other on the test rule; without, both are on the production rule. Check that no "
                      "existing rule of the listener takes the same priority or matches first.",
                      f"{ECS_MIGRATE} (target groups associated with listener rules; error 'Both targetGroup and "
                      "alternateTargetGroup must be associated with the productionListenerRule or testListenerRule')"))
    steps.append(("Plan and lint",
                  "`terraform plan -out plan.tfplan && terraform show -json plan.tfplan > plan.json && tfbg lint plan.json "
                  "--source .` The plan must update aws_ecs_service in place (deployment_controller CODE_DEPLOY -> ECS, "
                  "deployment_configuration) and must not replace it or the target groups; it deletes the CodeDeploy "
                  "resources and creates the infrastructure role" + (", listener rules" if a.get("load_balancer", "alb") == "alb" else "")
                  + (" and hook functions" if m.hooks else "") + ".",
                  f"{ECS_UPDATE} (CODE_DEPLOY -> ECS is an allowed transition); tfbg rules TFBG4xx"))
    steps.append(("Apply, then the first native deployment",
                  "`terraform apply`. The next change of `task_definition_arn` is an ECS deployment: watch it with `aws ecs "
                  "list-service-deployments --cluster <cluster> --service <service>` and `aws ecs describe-service-deployments`; "
                  "`terraform apply` waits for it (wait_for_steady_state).",
                  "ECS Developer Guide, service-deployment.html"))
    out += ["", "## Checklist, in order", ""]
    for number, (title, body, cite) in enumerate(steps, 1):
        out += [f"{number}. **{title}.** {body}", f"   Source: {cite}.", ""]
    return "\n".join(out).rstrip() + "\n"
