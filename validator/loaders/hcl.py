"""Load a Terraform root module directory into the shared Model (contract section 1 and 6).

Follows local module calls recursively (instances addressed as Terraform does), binds variables
(defaults < terraform.tfvars < *.auto.tfvars < --var-file < --var; Terraform applies -var-file and -var
in command-line order, but the CLI's option parser hands them over as two lists, so here every --var
wins: README, Lint), evaluates locals, outputs and
references lazily, expands count/for_each/dynamic where they are known, and marks what it cannot
know as Unknown or count_unknown. Input problems become Model.diagnostics; other files still load.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from typing import Any, Iterable, Mapping

from validator import progress
from validator.errors import InputError
from validator.hcl import reads
from validator.loaders import declaration_cache, deltas, parallel
from validator.hcl.evaluate import Evaluator
from validator.hcl.instance import (
    NO_KEY,
    Expansion,
    Loader,
    ModuleInstance,
    create_before_destroy,
    expand,
    ignore_changes,
    instance_suffix,
    variable_type,
)
from validator.hcl.module import (
    MAX_FILE_BYTES,
    NOT_A_TERRAFORM_FILE,
    DeferredParseFailed,
    ModuleConfig,
    load_module_config,
    read_text,
    too_large,
)
from validator.hcl.parse import ParseFailure, parse_text
from validator.model import (
    COMPUTED_LOCALLY,
    Diagnostic,
    Location,
    Model,
    ModuleCall,
    ProviderRequirement,
    Resource,
    Unknown,
)

MAX_MODULE_DEPTH = 16


def load_directory(
    path: str,
    *,
    var_files: Iterable[str] = (),
    variables: Mapping[str, str] | None = None,
    workers: int = 1,
    cache_key: str | None = None,
) -> Model:
    """The Model of the root module at `path`. Raises InputError for a path that is no directory
    or a --var-file that cannot be read or parsed; everything else becomes a Diagnostic.

    Resource blocks are parsed when evaluated and their syntax trees dropped once the model has
    their instances (peak memory: the model and a few trees, not every file's tree). If one of them
    does not parse on its own, the directory is loaded again the usual way, whole files at once,
    so that a syntax error is reported, and its file skipped, exactly as before.

    `cache_key` (the result cache's key of this run): evaluate again only the declarations whose
    inputs changed since the run that kept this key (validator/loaders/declaration_cache.py)."""
    # The declaration cache keeps what each evaluation read from the disk (file(), templatefile()).
    with contextlib.nullcontext() if not cache_key or reads.active() else reads.recording():
        try:
            try:
                return _load_directory(path, var_files, variables, defer_resources=True, workers=workers, cache_key=cache_key)
            except _OrderDependent:
                # A reference cycle: where it is cut depends on the order of evaluation, so only the
                # serial order gives the serial report.
                return _load_directory(path, var_files, variables, defer_resources=True, cache_key=cache_key)
        except DeferredParseFailed:
            return _load_directory(path, var_files, variables, defer_resources=False)


class _OrderDependent(Exception):
    """Workers met a reference cycle (validator/hcl/instance.py, CYCLES_MET)."""


def _load_directory(
    path: str,
    var_files: Iterable[str],
    variables: Mapping[str, str] | None,
    *,
    defer_resources: bool,
    workers: int = 1,
    cache_key: str | None = None,
) -> Model:
    root_directory = os.path.normpath(path)
    if not reads.isdir(root_directory):
        raise InputError(f"{path}: not a directory")
    model = Model(kind="hcl")
    configs: dict[str, ModuleConfig] = {}
    loader = Loader(root_directory)

    root_config = _config(root_directory, configs, model, defer_resources)
    if not root_config.files and not model.diagnostics:
        raise InputError(f"{path}: no Terraform files (*.tf) in this directory")
    if not root_config.files and all(d.message.endswith(NOT_A_TERRAFORM_FILE) for d in model.diagnostics):
        model.diagnostics.append(
            Diagnostic("no *.tf file in this directory could be read (each one is named on its own line); nothing was checked", Location(path))
        )
    root_values = _root_variable_values(root_config, root_directory, var_files, variables or {}, model)
    root = ModuleInstance(loader, root_config, "", root_values=root_values)
    instances: list[ModuleInstance] = []
    loader.build_call = _ModuleCalls(configs, model, loader, _installed_modules(root_directory), defer_resources).build
    # The whole instance tree first (calls are built on first use: a call's for_each may read
    # another call's outputs, whatever their order in the files).
    _walk(root, instances)
    last_use = {id(instance.config): index for index, instance in enumerate(instances)}
    for instance in instances:
        _add_providers(instance, model)
    work = [
        (instance, decl, last_use[id(instance.config)] == index)
        for index, instance in enumerate(instances)
        for decl in instance.config.resources.values()
    ]
    _evaluate(work, model, configs, loader, root_values, workers if defer_resources else 1, cache_key if defer_resources else None)
    for config in configs.values():
        config.finish()
        model.diagnostics.extend(config.late_diagnostics)
    # The loader's working state (configurations, instances, the evaluation cache) refers to itself
    # in cycles, and the caller runs this with the cyclic collector off (validator/targets.py) and
    # then freezes what is alive: let go of it here, so reference counting frees it now.
    loader.cache.clear()
    loader.build_call = None  # type: ignore[assignment]
    configs.clear()
    instances.clear()
    return model


def _evaluate(
    work: list,
    model: Model,
    configs: dict[str, ModuleConfig],
    loader: Loader,
    root_values: dict[str, Any],
    workers: int,
    cache_key: str | None,
) -> None:
    """Every work item into the model: from the declaration cache when its inputs are unchanged,
    else evaluated (in `workers` processes when there are many)."""

    def add(module: ModuleInstance, decl, last_instance: bool, report) -> None:
        add_resource(module, decl, model, last_instance, report)

    try:
        cache = declaration_cache.open_cache(cache_key, configs, loader.root_directory, root_values, work) if cache_key else None
        fresh = cache.fresh(work) if cache is not None else {}

        def step(item) -> deltas.Delta:
            kept = fresh.get(id(item))
            if kept is not None:
                deltas.apply(kept, model, configs, _report)
                return kept
            return deltas.capture(item, model, add, _report)

        def evaluate_here(item) -> None:  # without the cache the parent records nothing
            add(*item, _report)

        # An item applied from the cache costs a small fraction of one evaluated (a guess that only
        # divides the work between processes).
        weights = [0.05 if id(item) in fresh else 1.0 for item in work] if fresh else None
        evaluated = parallel.evaluate(work, model, configs, workers, step, _report, weights, None if cache else evaluate_here)
        # Only a worker's share can meet a cycle in another order than a serial load would.
        cyclic = any(delta is not None and delta.cyclic for delta in evaluated)
        if cyclic and parallel.divides(workers, weights or [1.0] * len(work)):
            raise _OrderDependent()
        if cache is not None and len(fresh) < len(work) and not cyclic:
            cache.store(work, evaluated, loader.file_reads)
    finally:
        deltas.stop()


def _config(directory: str, configs: dict[str, ModuleConfig], model: Model, defer_resources: bool = False) -> ModuleConfig:
    if directory not in configs:
        config = load_module_config(directory, defer_resources)
        configs[directory] = config
        model.files.extend(config.files)
        model.diagnostics.extend(config.diagnostics)
    return configs[directory]


# -- variables of the root module ------------------------------------------------------------


def _root_variable_values(
    config: ModuleConfig,
    directory: str,
    var_files: Iterable[str],
    cli_values: Mapping[str, str],
    model: Model,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    automatic = []
    for name in ("terraform.tfvars", "terraform.tfvars.json"):
        automatic.append(os.path.join(directory, name))
    try:
        listing = reads.listdir(directory)
    except OSError:
        listing = []
    automatic += [
        os.path.join(directory, n) for n in listing if n.endswith(".auto.tfvars") or n.endswith(".auto.tfvars.json")
    ]
    for file in automatic:
        problem = reads.not_a_file(file)
        if problem is not None:
            model.diagnostics.append(Diagnostic(f"is {problem}, not a variables file: skipped", Location(file)))
        elif reads.isfile(file):
            file = os.path.normpath(file)
            try:
                values.update(_read_tfvars(file))
            except _VarFileProblem as problem:
                model.diagnostics.append(Diagnostic(problem.message, Location(file, problem.line)))
    for file in var_files:
        problem = reads.not_a_file(file)
        if problem is not None:
            raise InputError(f"{file}: var file is {problem}, not a file")
        if not reads.isfile(file):
            raise InputError(f"{file}: var file not found")
        try:
            values.update(_read_tfvars(file))
        except _VarFileProblem as problem:
            line = f":{problem.line}" if problem.line else ""
            raise InputError(f"{file}{line}: {problem.message}") from None
    for name, raw in cli_values.items():
        declaration = config.variables.get(name)
        if declaration is None:  # Terraform refuses it too ("Value for undeclared variable"); likely a typo
            raise InputError(f"--var {name}: {directory} declares no variable {name!r}")
        kind = variable_type(declaration)
        values[name] = raw if kind in ("string", "any") and not _looks_structured(raw, kind) else _parse_value(raw)
        if kind in ("number", "bool") and isinstance(values[name], str):  # Terraform refuses these too
            raise InputError(f"--var {name}: variable {name!r} is of type {kind}, got {raw!r}")
    return values


def _looks_structured(raw: str, kind: str) -> bool:
    return kind == "any" and raw.strip()[:1] in ("[", "{")


def _parse_value(raw: str) -> Any:
    """A --var value for a non-string variable is an HCL expression (number, bool, list, map)."""
    try:
        root = parse_text(f"v = {raw}\n", "--var")
    except ParseFailure:
        return raw
    attribute = root.attributes.get("v")
    if attribute is None:
        return raw
    value = Evaluator(_Literal(), root.source).eval(attribute.expr)
    return raw if isinstance(value, Unknown) else value


class _Literal:
    """tfvars files and --var values are literal: a reference in them is not a value."""

    def reference(self, root: str, steps: list, text: str) -> Any:
        return Unknown(f"{text} (references are not allowed in variable values)")


class _VarFileProblem(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _read_tfvars(file: str) -> dict[str, Any]:
    try:
        text = read_text(file, limit=MAX_FILE_BYTES)
    except reads.TooLarge as error:
        raise _VarFileProblem(too_large(error.size)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise _VarFileProblem(f"cannot read var file ({error})") from None
    if file.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise _VarFileProblem(f"var file is not valid JSON ({error.msg})", error.lineno) from None
        if not isinstance(data, dict):
            raise _VarFileProblem("a var file must hold a JSON object")
        return data
    try:
        root = parse_text(text, file)
    except ParseFailure as failure:
        raise _VarFileProblem(f"cannot parse var file: {failure}", failure.line) from None
    evaluator = Evaluator(_Literal(), text)
    return {name: evaluator.eval(attribute.expr) for name, attribute in root.attributes.items()}


# -- module tree -----------------------------------------------------------------------------


def _installed_modules(root_directory: str) -> dict[str, str]:
    """Registry/git modules that `terraform init` already put on disk: module key -> directory."""
    manifest = os.path.join(root_directory, ".terraform", "modules", "modules.json")
    try:
        data = json.loads(read_text(manifest))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    result = {}
    for entry in data.get("Modules", []) if isinstance(data, dict) else []:
        key, directory = entry.get("Key"), entry.get("Dir")
        if key and isinstance(directory, str):
            result[key] = os.path.normpath(os.path.join(root_directory, directory))
    return result


def _is_local(source: str) -> bool:
    return source.startswith("./") or source.startswith("../") or source in (".", "..")


def _walk(module: ModuleInstance, instances: list[ModuleInstance]) -> None:
    """Collect a module instance and, recursively, the instances of the modules it calls
    (depth first, in declaration order)."""
    instances.append(module)
    for name in module.config.modules:
        built = module.child(name)
        if not isinstance(built, str):
            for child in built[1].values():
                _walk(child, instances)


class _ModuleCalls:
    """Builds the instances of one module call when first needed (Loader.build_call): finds the
    source on disk (local path, or where `terraform init` put it per .terraform/modules/modules.json)."""

    def __init__(self, configs: dict[str, ModuleConfig], model: Model, loader: Loader, remote: dict[str, str], defer_resources: bool):
        self.configs = configs
        self.model = model
        self.loader = loader
        self.remote = remote
        self.defer_resources = defer_resources

    def build(self, module: ModuleInstance, name: str):
        call = module.config.modules[name]
        source_attribute = call.attributes.get("source")
        source = module.evaluator(call).attribute(source_attribute) if source_attribute else None
        location = Location(call.file, call.line)
        # Diagnostics name the call, not each instance, so a call inside a for_each module is reported once.
        call_path = _without_keys(module.absolute(f"module.{name}"))
        if not isinstance(source, str):
            _report(self.model, Diagnostic(f"{call_path}: module source is not a literal string", location))
            return "its source is not a literal string"
        _record_call(self.model, call_path, source, module.evaluator(call), call, location)
        manifest_key = f"{module.key_path}.{name}" if module.key_path else name
        if _is_local(source):
            directory = os.path.normpath(os.path.join(module.config.directory, source))
        elif manifest_key in self.remote:
            directory = self.remote[manifest_key]
        else:
            message = (
                f"{call_path}: module source {source!r} is not on disk (run `terraform init` to fetch it); "
                "its resources are not checked"
            )
            _report(self.model, Diagnostic(message, location, severity="info"))
            return "its source is not on disk (run `terraform init`), its outputs are not known"
        if not reads.isdir(directory):
            _report(self.model, Diagnostic(f"{call_path}: module source {source!r}: directory {directory} does not exist", location))
            return f"its source directory {directory} does not exist"
        cycle = _cycle(module, directory, call_path)
        if cycle is not None:
            _report(self.model, Diagnostic(f"{cycle} (source {source!r}); Terraform cannot load a module cycle", location))
            return "it is a module cycle"
        if module.depth >= MAX_MODULE_DEPTH:
            _report(self.model, Diagnostic(f"{call_path}: modules nested deeper than {MAX_MODULE_DEPTH} levels (a cycle?)", location))
            return f"modules are nested deeper than {MAX_MODULE_DEPTH} levels"
        config = _config(directory, self.configs, self.model, self.defer_resources)
        if module.expansion_unknown:
            expansion = _unknown(call, module.expansion_cause)
        else:
            expansion = expand(call, module.evaluator(call))
        keys = expansion.keys if expansion.keys is not None else [NO_KEY]
        children: dict[Any, ModuleInstance] = {}
        for key in keys:
            child = ModuleInstance(
                self.loader,
                config,
                module.absolute(f"module.{name}{instance_suffix(key)}"),
                parent=module,
                call=call,
                call_iteration=expansion.iteration(key),
                expansion_unknown=module.expansion_unknown or expansion.keys is None,
                expansion_cause=module.expansion_cause if module.expansion_unknown else expansion.cause,
            )
            child.key_path = manifest_key
            children[key] = child
        return expansion, children


def _cycle(module: ModuleInstance, directory: str, call_path: str) -> str | None:
    """How a call from `module` closes a cycle ("module.a calls its own directory", "module cycle:
    module.a.module.b.module.a calls the directory of module.a"), or None when `directory` is not the
    directory of `module` or of a module above it."""
    real = os.path.realpath(directory)
    above: ModuleInstance | None = module
    while above is not None:
        if os.path.realpath(above.config.directory) == real:
            if above is module:
                return f"{call_path} calls its own directory"
            return f"module cycle: {call_path} calls the directory of {_without_keys(above.address) or 'the root module'}"
        above = above.parent
    return None


def _without_keys(address: str) -> str:
    """`module.svc["a"].module.x` -> `module.svc.module.x`."""
    return re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]', "", address)


def _report(model: Model, diagnostic: Diagnostic) -> None:
    if diagnostic not in model.diagnostics:
        model.diagnostics.append(diagnostic)


def _record_call(model: Model, address: str, source: str, evaluator: Evaluator, call, location: Location) -> None:
    """Model.module_calls: one entry per call path (instances of the same call share it)."""
    if any(existing.address == address for existing in model.module_calls):
        return
    version = evaluator.attribute(call.attributes["version"]) if "version" in call.attributes else None
    model.module_calls.append(
        ModuleCall(address, source, version if isinstance(version, str) else None, location)
    )


def _unknown(call, cause: str) -> Expansion:
    kind = "count" if "count" in call.attributes else "for_each" if "for_each" in call.attributes else ""
    return Expansion(None, kind, cause=cause) if kind else Expansion([NO_KEY])


def add_resource(module: ModuleInstance, decl, model: Model, last_instance: bool, report=None) -> None:
    """The instances of one resource declaration of a module instance. `last_instance`: no instance
    after this one has the same configuration, so the resource's syntax tree can be dropped once it is
    evaluated."""
    report = report or _report
    expansion = module.expansion(decl)
    count_unknown = expansion.keys is None or module.expansion_unknown
    keys = expansion.keys if expansion.keys is not None else [NO_KEY]
    for key in keys:
        address = module.absolute(decl.local_address + instance_suffix(key))
        try:
            values, locations = module.resource_values(decl, key)
            evaluator = module.evaluator(decl.block, expansion.iteration(key))
            lifecycle = ignore_changes(decl.block, evaluator)
            replaced_first = create_before_destroy(decl.block, evaluator)
        except RecursionError:
            report(model, Diagnostic(f"{address}: expressions nested too deeply to evaluate", Location(decl.block.file, decl.block.line)))
            continue
        except Exception as error:  # noqa: BLE001 - an evaluator bug must not hide the other resources
            # Skipped, not added half-evaluated: missing values would look like missing settings.
            report(
                model,
                Diagnostic(
                    f"{address}: tfbg could not evaluate this resource ({type(error).__name__}: {error}); "
                    "it is not checked (please report this)",
                    Location(decl.block.file, decl.block.line),
                ),
            )
            continue
        model.add(
            Resource(
                address=address,
                type=decl.type,
                name=decl.name,
                mode=decl.mode,  # type: ignore[arg-type]
                module=module.address,
                index=key,
                values=values,
                location=Location(decl.block.file, decl.block.line),
                locations=locations,
                ignore_changes=lifecycle,
                create_before_destroy=replaced_first,
                count_unknown=count_unknown,
                reads_remote=decl.mode == "data" and decl.type not in COMPUTED_LOCALLY,  # values: arguments only
                count_cause=(expansion.cause or module.expansion_cause) if count_unknown else "",
            )
        )
        progress.resource_evaluated()
    if last_instance:
        # Its values are in the model (and the loader's cache, for references): the tree can go.
        decl.release()


def _add_providers(module: ModuleInstance, model: Model) -> None:
    for terraform in module.config.terraform:
        for block in terraform.blocks_of("required_providers"):
            evaluator = module.evaluator(block)
            for name, attribute in block.attributes.items():
                value = evaluator.attribute(attribute)
                source, version = None, None
                if isinstance(value, dict):
                    source = value.get("source") if isinstance(value.get("source"), str) else None
                    version = value.get("version") if isinstance(value.get("version"), str) else None
                elif isinstance(value, str):  # Terraform 0.12 form: aws = "~> 5.0"
                    version = value
                model.providers.append(
                    ProviderRequirement(
                        name=name,
                        source=_normalise_source(source or f"hashicorp/{name}"),
                        version_constraint=version,
                        location=Location(block.file, attribute.line),
                        module=module.address,
                    )
                )


def _normalise_source(source: str) -> str:
    parts = source.lower().split("/")
    if len(parts) == 3:  # registry.terraform.io/hashicorp/aws
        parts = parts[1:]
    if len(parts) == 1:
        parts = ["hashicorp", parts[0]]
    return "/".join(parts)
