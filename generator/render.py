"""Answers -> the files of a module, in memory. Writing them is writer.py's job.

One template per output file: `templates/<kind>/main.tf.j2` renders `main.tf`; files without `.j2`
are copied byte for byte. The render is deterministic: same answers and templates, same bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

import generator
from generator import codedeploy_module, ecs_module, external_module
from generator.answers import Answers
from generator.hcl import hcl

ANSWERS_FILE = ".tfbg-answers.json"
LAMBDA_RUNTIME = "python3.12"
LAMBDA_HANDLER = "handler.handler"  # templates/ecs/hook/handler.py defines handler(event, context)


def templates_root() -> Path:
    """generator/templates in an installed wheel (force-included), else the checkout's templates/."""
    package_dir = Path(generator.__file__).resolve().parent
    installed = package_dir / "templates"
    if installed.is_dir():
        return installed
    return package_dir.parent / "templates"


@dataclass(frozen=True)
class TemplateKind:
    id: str
    version: int
    root: Path
    include_when: dict[str, str]
    # target path -> a file of another kind (path under templates/), copied verbatim
    copies: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, kind: str) -> TemplateKind:
        root = templates_root() / kind
        meta = tomllib.loads((root / "template.toml").read_text(encoding="utf-8"))
        return cls(meta["id"], int(meta["version"]), root, dict(meta.get("include_when", {})), dict(meta.get("copy", {})))

    def sources(self) -> list[str]:
        """Template-relative paths of every file of this kind, sorted (so renders are deterministic)."""
        return sorted(
            [
                path.relative_to(self.root).as_posix()
                for path in self.root.rglob("*")
                if path.is_file() and path.name != "template.toml" and "__pycache__" not in path.parts
            ]
            + list(self.copies)
        )

    def read(self, source: str) -> bytes:
        if source in self.copies:
            return (self.root.parent / self.copies[source]).read_bytes()
        return (self.root / source).read_bytes()

    def wanted(self, source: str, context: dict[str, Any]) -> bool:
        for pattern, key in self.include_when.items():
            matches = source.startswith(pattern) if pattern.endswith("/") else source == pattern
            if matches and not context[key]:
                return False
        return True


@functools.lru_cache(maxsize=None)
def environment(root: Path) -> jinja2.Environment:
    """One environment per template root, so compiled templates are reused across renders."""
    env = jinja2.Environment(
        # A kind's own templates first; "<other kind>/<file>" includes a template another kind shares.
        loader=jinja2.FileSystemLoader([str(root), str(root.parent)]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["hcl"] = hcl
    return env


def ecs_context(answers: Answers, tfbg_version: str | None = None) -> dict[str, Any]:
    context = ecs_module.context(answers)
    route = "aws_lb_listener_rule" if answers.load_balancer == "alb" else "aws_lb_listener"
    context.update(
        production_route=f"{route}.production",
        test_route=f"{route}.test",
        lambda_runtime=LAMBDA_RUNTIME,
        lambda_handler=LAMBDA_HANDLER,
        tfbg_version=tfbg_version or generator.__version__,
    )
    return context


_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """Collapse runs of blank lines that conditional template sections leave behind."""
    return _BLANK_RUNS.sub("\n\n", text).lstrip("\n")


def codedeploy_context(answers: Answers, tfbg_version: str | None = None) -> dict[str, Any]:
    context = codedeploy_module.context(answers)
    context.update(
        lambda_runtime=LAMBDA_RUNTIME, lambda_handler=LAMBDA_HANDLER, tfbg_version=tfbg_version or generator.__version__
    )
    return context


def external_context(answers: Answers, tfbg_version: str | None = None) -> dict[str, Any]:
    context = external_module.context(answers)
    context.update(tfbg_version=tfbg_version or generator.__version__)
    return context


# Template kind per deployment controller (answers.controller).
KINDS = {"ecs": ecs_context, "codedeploy": codedeploy_context, "external": external_context}


def render(answers: Answers, kind: str | None = None, *, tfbg_version: str | None = None) -> dict[str, bytes]:
    """Every file of the module, keyed by its path relative to the module directory (posix).
    `tfbg_version` rebuilds a render an older tfbg made (`tfbg update`'s merge base)."""
    kind = kind or answers.controller
    template = TemplateKind.load(kind)
    context = KINDS[kind](answers, tfbg_version)
    context.update(template_id=template.id, template_version=template.version)
    env = environment(template.root)
    files: dict[str, bytes] = {}
    for source in template.sources():
        if not template.wanted(source, context):
            continue
        if source.endswith(".j2"):
            text = env.get_template(source).render(context)
            target = source[: -len(".j2")]
            files[target] = _tidy(text).encode("utf-8")
        else:
            files[source] = template.read(source)
    files[ANSWERS_FILE] = answers_record(answers, template, files)
    return files


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def answers_record(answers: Answers, template: TemplateKind, files: dict[str, bytes]) -> bytes:
    record = {
        "tfbg_version": generator.__version__,
        "template": {"id": template.id, "version": template.version},
        "answers": answers.to_json(),
        "files": {path: f"sha256:{sha256(data)}" for path, data in sorted(files.items())},
    }
    return (json.dumps(record, indent=2, sort_keys=False) + "\n").encode("utf-8")
