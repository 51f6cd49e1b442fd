"""What `terraform validate` rejects in one module before any value is known: calls to the functions
Terraform removed (`list()`, `map()`) and references to variables, locals, modules, resources or data
sources that no file of the module declares.

Each becomes one input Diagnostic (TFBG002) at the line, in Terraform's words. Only the syntax is
read: a reference that is merely unknown (a module output, a data source's attribute) is never
reported; names bound by `for` expressions and `dynamic` iterators are not references.
"""

from __future__ import annotations

from typing import Iterator

from lark import Token, Tree

from validator.hcl import reads
from validator.hcl.parse import Block, span
from validator.model import Diagnostic, Location

# hashicorp/terraform internal/lang/funcs/collection.go (ListFunc, MapFunc): what Terraform >= 0.15 says.
REMOVED_FUNCTIONS = {
    "list": 'the "list" function was deprecated in Terraform v0.12 and is no longer available; '
    "use tolist([ ... ]) syntax to write a literal list",
    "map": 'the "map" function was deprecated in Terraform v0.12 and is no longer available; '
    "use tomap({ ... }) syntax to write a literal map",
}

# Roots that are not declarations of the module (each/count/self are scoped; path/terraform built in).
_BUILT_IN_ROOTS = frozenset({"each", "count", "self", "path", "terraform", "ephemeral"})
_TRAVERSALS = frozenset({"get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term"})
# Blocks whose contents are not ordinary expressions of the module (types, scoped data sources,
# addresses) or that Terraform reads in ways this check does not model.
_SKIPPED_TOP_BLOCKS = frozenset({"variable", "terraform", "check", "moved", "import", "removed"})
_NOISE = "new_line_or_comment"
# Keywords that stand bare in their own arguments (provisioner `when = destroy`, `on_failure = continue`).
_BARE_ALLOWED = frozenset({"destroy", "create", "continue", "fail"})
_SKIPPED_ARGUMENTS = frozenset({"provider", "providers"})


class _Declared:
    def __init__(self, config) -> None:
        self.variables = set(config.variables)
        self.locals = set(config.locals)
        self.modules = set(config.modules)
        self.resources = set(config.resources)  # (mode, type, name)
        directory = config.directory or "."
        self.directory = directory if directory.endswith("/") else directory + "/"


def check_module(config, roots: list) -> list[Diagnostic]:
    """Diagnostics for the parsed files (`roots`) of one module directory, whose declarations are in
    `config` (a ModuleConfig). Top-level blocks not parsed yet (parse.PendingBlock) are left to
    ModuleChecker.check when they are."""
    checker = ModuleChecker(config)
    found: list[Diagnostic] = []
    for root in roots:
        for block in root.blocks:
            if isinstance(block, Block):
                found.extend(checker.check(block))
    return found


class ModuleChecker:
    """The checks of one module directory, block by block (a block parsed late is checked then)."""

    def __init__(self, config) -> None:
        # References are left alone where tfbg cannot see every declaration (*.tf.json), and in a
        # directory that declares nothing: not a module anyone runs, but a template read by
        # templatefile() or a fragment (a provider block with `region = region`).
        declares_nothing = not (config.resources or config.modules or config.variables or config.outputs or config.locals)
        self.skip_references = _has_json(config.directory) or declares_nothing
        self.removed_apply = _admits_terraform_015(config)
        self.declared = _Declared(config)
        self.seen: set[tuple] = set()

    def check(self, block: Block) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        if block.type in _SKIPPED_TOP_BLOCKS:
            return found
        for message, line in _check_block(block, self.declared, frozenset(), top=True):
            if self.skip_references and not message.startswith("Call to function"):
                continue
            if not self.removed_apply and message.startswith("Call to function"):
                continue
            key = (block.file, line, message)
            if key not in self.seen:
                self.seen.add(key)
                found.append(Diagnostic(message, Location(block.file, line)))
        return found


def _admits_terraform_015(config) -> bool:
    """Does the module's `required_version` admit Terraform 0.15 or later, which removed list() and
    map()? (0.12-0.14 still ran them, with a deprecation warning.) True when it says nothing."""
    from validator.hcl.evaluate import Evaluator
    from validator.version_constraints import ConstraintError, lowest_admitted

    for block in config.terraform:
        attribute = block.attributes.get("required_version")
        if attribute is None:
            continue
        value = Evaluator(_NoReferences(), block.source).attribute(attribute)
        if not isinstance(value, str):
            continue
        try:
            if lowest_admitted([value, ">= 0.15.0"]) is None:
                return False
        except ConstraintError:
            continue
    return True


class _NoReferences:
    def reference(self, root: str, steps: list, text: str):
        from validator.model import Unknown

        return Unknown(text)


def _has_json(directory: str) -> bool:
    try:
        return any(name.endswith(".tf.json") for name in reads.listdir(directory or "."))
    except OSError:
        return False


def _check_block(block: Block, declared: _Declared, bound: frozenset[str], *, top: bool = False) -> Iterator[tuple[str, int]]:
    if block.type == "lifecycle":
        return  # ignore_changes names attributes, not references
    names = bound
    if block.type == "dynamic" and block.labels:
        iterator = block.attributes.get("iterator")
        name = _bare_identifier(iterator.expr) if iterator is not None else None
        names = bound | {name or block.labels[0]}
    for attribute in block.attributes.values():
        if attribute.name in _SKIPPED_ARGUMENTS:
            continue  # provider configuration addresses (aws.west), in any block that takes them
        if block.type == "dynamic" and attribute.name == "iterator":
            continue
        # A dynamic block's for_each is evaluated outside its iterator's scope.
        scope = bound if block.type == "dynamic" and attribute.name == "for_each" else names
        yield from _check_expression(attribute.expr, declared, scope)
    for nested in block.blocks:
        yield from _check_block(nested, declared, names)


def _bare_identifier(expr) -> str | None:
    node = expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "identifier":
        return str(node.children[0])
    return None


def _line(node: Tree) -> int | None:
    found = span(node)  # the parser keeps positions on tokens only (validator/hcl/parse.py)
    return found[2] if found else None


def _check_expression(node, declared: _Declared, bound: frozenset[str], *, is_base: bool = False) -> Iterator[tuple[str, int]]:
    if not isinstance(node, Tree):
        return
    kind = node.data
    if kind in ("heredoc_template", "heredoc_template_trim"):
        return  # raw template text: its interpolations are not parsed here
    if kind == "string" and _has_directive(node):
        return  # `%{for n in ...}` binds names for the rest of the string: left alone
    if kind in ("for_tuple_expr", "for_object_expr"):
        yield from _check_for(node, declared, bound)
        return
    if kind == "function_call":
        names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        if len(names) == 1 and str(names[0].children[0]) in REMOVED_FUNCTIONS:
            name = str(names[0].children[0])
            yield f'Call to function "{name}" failed: {REMOVED_FUNCTIONS[name]}', _line(node)
    if kind in _TRAVERSALS and not is_base:
        problem = _reference_problem(_chain(node), declared, bound)
        if problem:
            yield problem, _line(node)
    if kind == "expr_term" and not is_base:
        name = _bare_identifier(node)
        if name is not None and name not in bound and name not in _BARE_ALLOWED:
            yield _bare_problem(name), _line(node)
    if kind == "object_elem_key":
        # `{ name = ... }`: a bare identifier key is a name, not a reference.
        if _bare_identifier(node.children[0]) is not None:
            return
    for position, child in enumerate(node.children):
        base = kind in _TRAVERSALS and position == 0
        if kind in ("get_attr", "attr_splat", "full_splat") and isinstance(child, Tree) and child.data == "identifier":
            continue
        yield from _check_expression(child, declared, bound, is_base=base or (is_base and kind == "expr_term"))


def _has_directive(node: Tree) -> bool:
    for part in node.children:
        if isinstance(part, Tree) and part.data == "string_part":
            inner = part.children[0] if part.children else None
            if isinstance(inner, Tree) and inner.data.startswith("template_"):
                return True
    return False


def _check_for(node: Tree, declared: _Declared, bound: frozenset[str]) -> Iterator[tuple[str, int]]:
    parts = [c for c in node.children if isinstance(c, Tree) and c.data != _NOISE]
    intro = parts[0]
    intro_parts = [c for c in intro.children if isinstance(c, Tree) and c.data != _NOISE]
    names = {str(t.children[0]) for t in intro_parts if t.data == "identifier"}
    collection = [t for t in intro_parts if t.data != "identifier"]
    for expression in collection:
        yield from _check_expression(expression, declared, bound)
    inner = bound | names
    for part in parts[1:]:
        yield from _check_expression(part, declared, inner)


def _chain(node) -> tuple[str | None, list[str], bool]:
    """`aws_lb.main[0].arn` -> ("aws_lb", ["main"], False): the root name, the attribute names that
    follow it directly, and whether the chain is still plain (no index or splat met yet)."""
    if isinstance(node, Tree) and node.data == "expr_term":
        children = [c for c in node.children if not (isinstance(c, Tree) and c.data == _NOISE)]
        inner = [c for c in children if isinstance(c, Tree)]
        if len(children) == 1 and inner and inner[0].data == "identifier":
            return str(inner[0].children[0]), [], True
        if len(children) == 1 and len(inner) == 1:
            return _chain(inner[0])
        return None, [], False
    if isinstance(node, Tree) and node.data in _TRAVERSALS:
        root, attributes, plain = _chain(node.children[0])
        operation = node.children[1]
        if plain and isinstance(operation, Tree) and operation.data == "get_attr":
            names = [c for c in operation.children if isinstance(c, Tree) and c.data == "identifier"]
            if names:
                return root, [*attributes, str(names[0].children[0])], True
        return root, attributes, False
    return None, [], False


def _bare_problem(name: str) -> str:
    """Terraform's words for a name that is neither bound nor followed by an attribute."""
    if name in ("var", "local", "module", "data"):
        return f'Invalid reference: the "{name}" object cannot be accessed directly; name one of its attributes ({name}.<name>)'
    return (
        f'Invalid reference: "{name}" is not a name in scope; a reference to a resource type must be followed by at '
        f"least one attribute access, specifying the resource name (a string needs quotes: \"{name}\")"
    )


def _reference_problem(chain: tuple[str | None, list[str], bool], declared: _Declared, bound: frozenset[str]) -> str | None:
    root, attributes, _ = chain
    if root is None or root in bound or root in _BUILT_IN_ROOTS or not attributes:
        return None
    first = attributes[0]
    where = f"any .tf file of {declared.directory}"
    if root == "var":
        if first not in declared.variables:
            return (
                f'Reference to undeclared input variable: an input variable with the name "{first}" has not '
                f"been declared in {where}"
            )
    elif root == "local":
        if first not in declared.locals:
            return f'Reference to undeclared local value: a local value with the name "{first}" has not been declared in {where}'
    elif root == "module":
        if first not in declared.modules:
            return f'Reference to undeclared module: no module call named "{first}" is declared in {where}'
    elif root == "data":
        if len(attributes) >= 2 and ("data", first, attributes[1]) not in declared.resources:
            return (
                f'Reference to undeclared resource: a data resource "{first}" "{attributes[1]}" has not been '
                f"declared in {where}"
            )
    elif ("managed", root, first) not in declared.resources:
        return (
            f'Reference to undeclared resource: a managed resource "{root}" "{first}" has not been declared '
            f"in {where}"
        )
    return None
