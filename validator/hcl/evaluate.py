"""Evaluate Terraform expressions (python-hcl2 Lark trees) to plan-JSON-shaped values.

What can be known statically is computed: literals, lists, objects, string interpolation, heredocs,
operators, conditionals, `for` expressions and the functions in functions.py. References are handed
to a `Scope` (the loader knows variables, locals, modules and resources). Everything else becomes
`Unknown(<expression text>)`: the evaluator never guesses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

from hcl2.utils import process_escape_sequences
from lark import Token, Tree
from lark.exceptions import LarkError

from validator.hcl import functions
from validator.hcl.parse import parses_to_tree, span
from validator.hcl.template import If, Interpolation, TemplateError, parse_template
from validator.model import JsonDocument, Ref, Unknown, cause_of, is_known


@dataclass(frozen=True)
class Invalid(Unknown):
    """An expression Terraform itself would reject (missing key, bad type). `try()` skips these."""


# A traversal step: ("attr", name), ("index", key) or ("splat", None).
Step = tuple[str, Any]


class Scope(Protocol):
    def reference(self, root: str, steps: list[Step], text: str) -> Any:
        """The value of a reference `root.steps...` (var, local, module, resource, each, ...)."""


_NOISE = "new_line_or_comment"
_MAX_WHY = 160


def _subtrees(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != _NOISE]


class Evaluator:
    """Evaluates expressions written in one source text (for messages: the text of an expression)."""

    def __init__(self, scope: Scope, source: str, names: dict[str, Any] | None = None):
        self.scope = scope
        self.source = source
        # Names bound by `for` expressions and `dynamic` iterators, shadowing the scope.
        self.names: dict[str, Any] = dict(names or {})

    # -- helpers -----------------------------------------------------------------------------

    def text(self, node: Tree | Token) -> str:
        if isinstance(node, Token):
            return str(node)
        found = span(node)
        if found is None:
            return "expression"
        text = self.source[found[0] : found[1]]
        text = " ".join(text.split())
        return text if len(text) <= _MAX_WHY else text[: _MAX_WHY - 3] + "..."

    def unknown(self, node: Tree | Token, *inputs: Any, reason: str = "") -> Unknown:
        """The expression at `node` is not known: because of one of `inputs` (its cause is kept), or
        for `reason` (the expression itself is the cause)."""
        text = self.text(node)
        cause = cause_of(*inputs) or (f"{text}: {reason}" if reason else "")
        return Unknown(text, cause=cause)

    def for_attribute(self, attribute: Any) -> "Evaluator":
        """This evaluator, or one reading the attribute's own file (attributes merged from overrides)."""
        source = getattr(attribute, "source", "") or self.source
        return self if source is self.source else Evaluator(self.scope, source, self.names)

    def attribute(self, attribute: Any) -> Any:
        return self.for_attribute(attribute).eval(attribute.expr)

    def with_names(self, names: dict[str, Any]) -> "Evaluator":
        merged = dict(self.names)
        merged.update(names)
        return Evaluator(self.scope, self.source, merged)

    # -- dispatch ----------------------------------------------------------------------------

    def eval(self, node: Tree | Token) -> Any:
        if isinstance(node, Token):
            return self._token(node)
        method = getattr(self, "_" + node.data, None)
        if method is None:
            return self.unknown(node, reason=f"tfbg does not evaluate this kind of expression ({node.data})")
        return method(node)

    def _token(self, token: Token) -> Any:
        if token.type == "INT_LITERAL":
            return int(token)
        if token.type == "FLOAT_LITERAL":
            return float(token)
        return str(token)

    def _expr_term(self, node: Tree) -> Any:
        inner = _subtrees(node)
        if len(inner) != 1:
            return self.unknown(node, reason="tfbg does not evaluate this expression")
        return self.eval(inner[0])

    def _int_lit(self, node: Tree) -> Any:
        return int(node.children[0])

    def _float_lit(self, node: Tree) -> Any:
        return float(node.children[0])

    def _literal_value(self, node: Tree) -> Any:
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def _template_string(self, node: Tree) -> Any:
        return self.unknown(node, reason="tfbg does not evaluate this template")

    # -- strings and templates ---------------------------------------------------------------

    def _string(self, node: Tree) -> Any:
        parts: list[Any] = []
        for part in node.children:
            if not isinstance(part, Tree):
                continue  # the quotes
            inner = part.children[0]
            if isinstance(inner, Token):
                if inner.type == "STRING_CHARS":
                    parts.append(process_escape_sequences(str(inner)))
                elif inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    parts.append(str(inner)[1:])  # $${x} -> ${x}, %%{x} -> %{x}
                else:
                    parts.append(str(inner))
            elif inner.data == "interpolation":
                parts.append(_Interpolated(self.eval(_subtrees(inner)[0])))
            else:  # %{if}/%{for} directives: the string is a template
                found = _node_span(node)
                if found is None:
                    return self.unknown(node, reason="tfbg cannot read this template")
                raw = self.source[found[0] + 1 : found[1] - 1]  # without the quotes
                return self.template(raw, node, unescape=process_escape_sequences)
        return self._join(parts, node)

    def _join(self, parts: list[Any], node: Tree | Token) -> Any:
        # "${x}" alone is x itself, unconverted (Terraform keeps its type).
        if len(parts) == 1 and isinstance(parts[0], _Interpolated):
            return parts[0].value
        out: list[Any] = []
        first_unknown = None  # the first unknown piece: the cause, as when reading stopped there
        for part in parts:
            if isinstance(part, _Interpolated):
                value = part.value
                if isinstance(value, (Ref, Unknown)):
                    first_unknown = value if first_unknown is None else first_unknown
                    out.append(value)
                    continue
                if not is_known(value):
                    return self.unknown(node, first_unknown if first_unknown is not None else value)
                text = functions.to_string(value)
                if text is None:
                    return self.unknown(node, first_unknown) if first_unknown is not None else Invalid(self.text(node))
                out.append(text)
            else:
                out.append(part)
        if first_unknown is not None:
            unknown = self.unknown(node, first_unknown)
            return Unknown(unknown.why, cause=unknown.cause, parts=tuple(out))
        return "".join(out)

    def _heredoc_template(self, node: Tree) -> Any:
        return self._heredoc(node, trim=False)

    def _heredoc_template_trim(self, node: Tree) -> Any:
        return self._heredoc(node, trim=True)

    def _heredoc(self, node: Tree, trim: bool) -> Any:
        raw = str(node.children[0])
        first_newline = raw.index("\n")
        body = raw[first_newline + 1 :]
        # drop the closing marker line
        body = body[: body.rstrip("\n").rfind("\n") + 1] if "\n" in body.rstrip("\n") else ""
        if trim:
            lines = body.split("\n")
            indents = [len(l) - len(l.lstrip(" \t")) for l in lines if l.strip()]
            cut = min(indents) if indents else 0
            body = "\n".join(l[cut:] for l in lines)
        return self.template(body, node)

    def template(self, body: str, node: Tree | Token, unescape: Any = None) -> Any:
        """A template body (heredoc, templatefile, a quoted string with directives): `${...}`
        interpolations, `%{if}`/`%{for}` directives and `~` strip markers."""
        try:
            nodes = parse_template(body, unescape)
        except TemplateError as error:
            text = self.text(node)
            return Invalid(text, cause=f"{text}: {error} (Terraform rejects it)")
        parts = self._render(nodes, node)
        if isinstance(parts, Unknown):
            return parts
        if parts == [""]:
            return ""
        parts = [p for p in parts if p != ""]
        value = self._join(parts, node)
        if isinstance(value, Unknown) and not isinstance(value, Invalid):
            # A JSON policy with `"${aws_x.y.arn}"` in it: its structure is known even so.
            document = self._json_template(parts, node)
            if document is not None:
                return document
        return value

    def _render(self, nodes: list[Any], node: Tree | Token) -> list[Any] | Unknown:
        """Template nodes -> literal strings and _Interpolated values; Unknown when a directive's
        condition or collection is not known."""
        parts: list[Any] = []
        for item in nodes:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, Interpolation):
                value = self.expression_text(item.expression)
                parts.append(_Interpolated(value, " ".join(item.expression.split())))
            elif isinstance(item, If):
                test = self.expression_text(item.condition)
                if not isinstance(test, bool):
                    if isinstance(test, Invalid) or is_known(test):
                        return test if isinstance(test, Invalid) else Invalid(self.text(node))
                    return self.unknown(node, test)
                inner = self._render(item.then if test else item.otherwise, node)
                if isinstance(inner, Unknown):
                    return inner
                parts.extend(inner)
            else:  # For
                collection = self.expression_text(item.collection)
                if isinstance(collection, dict):
                    pairs = sorted(collection.items())  # maps and objects iterate in key order
                elif isinstance(collection, list):
                    pairs = list(enumerate(collection))
                elif isinstance(collection, Invalid):
                    return collection
                else:
                    return self.unknown(node, collection, reason="the %{for} collection is not a list or map")
                for key, value in pairs:
                    names = item.names
                    bound = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
                    inner = self.with_names(bound)._render(item.body, node)
                    if isinstance(inner, Unknown):
                        return inner
                    parts.extend(inner)
        return parts

    def _json_template(self, parts: list[Any], node: Tree | Token) -> JsonDocument | None:
        """A template that is valid JSON once each unknown interpolation is replaced by a placeholder:
        a JsonDocument whose string leaves made of one whole interpolation are that value (a Ref) and
        whose leaves built partly from unknowns are Unknown. None when it does not fit cleanly
        (not JSON, a placeholder outside a string or in a key, a known value that is no string)."""
        texts: list[str] = []
        holes: list[_Interpolated] = []
        for part in parts:
            if not isinstance(part, _Interpolated):
                if _HOLE_OPEN in part or _HOLE_CLOSE in part:
                    return None
                texts.append(part)
            elif is_known(part.value):
                text = functions.to_string(part.value)
                if text is None:
                    return None
                texts.append(text)
            else:
                texts.append(f"{_HOLE_OPEN}{len(holes)}{_HOLE_CLOSE}")
                holes.append(part)
        text = "".join(texts)
        if not text.lstrip().startswith(("{", "[")):
            return None
        try:
            decoded = json.loads(text)
        except ValueError:  # not JSON, or a placeholder where a JSON value (not a string) stands
            return None
        try:
            structure = _fill_holes(decoded, holes)
        except _HoleInKey:
            return None
        return JsonDocument(self.text(node), structure)

    def expression_text(self, text: str) -> Any:
        """Evaluate an expression given as text (inside a heredoc or template)."""
        source = f"x = {text.strip()}\n"
        try:
            tree = parses_to_tree(source)
        except LarkError:
            return Invalid(" ".join(text.split()))
        attribute = next(c for c in tree.children[0].children if isinstance(c, Tree) and c.data == "attribute")
        return Evaluator(self.scope, source, self.names).eval(attribute.children[2])

    # -- collections -------------------------------------------------------------------------

    def _tuple(self, node: Tree) -> Any:
        return [self.eval(child) for child in _subtrees(node)]

    def _object(self, node: Tree) -> Any:
        result: dict[str, Any] = {}
        for elem in _subtrees(node):
            key_node, value_node = _subtrees(elem)
            key = self._object_key(key_node)
            if not isinstance(key, str):
                return self.unknown(node, key) if not isinstance(key, Invalid) else key
            result[key] = self.eval(value_node)
        return result

    def _object_key(self, key_node: Tree) -> Any:
        inner = key_node.children[0]
        if isinstance(inner, Tree) and inner.data == "keyword":
            return str(inner.children[0])
        # A bare identifier as key is a name, not a reference (`{ a = 1 }`).
        if isinstance(inner, Tree) and inner.data == "expr_term":
            term = _subtrees(inner)
            if len(term) == 1 and term[0].data == "identifier" and len(inner.children) == 1:
                return str(term[0].children[0])
        key = self.eval(inner)
        if isinstance(key, bool):
            return "true" if key else "false"
        if isinstance(key, (int, float)):
            return functions.to_string(key)
        return key

    # -- operators ---------------------------------------------------------------------------

    def _conditional(self, node: Tree) -> Any:
        condition, when_true, when_false = _subtrees(node)
        test = self.eval(condition)
        if isinstance(test, bool):
            return self.eval(when_true if test else when_false)
        if isinstance(test, (Ref, Unknown)):
            # Both branches equal and known: the result does not depend on the condition.
            a, b = self.eval(when_true), self.eval(when_false)
            if is_known(a) and a == b:
                return a
            return self.unknown(node, test)
        return Invalid(self.text(node))

    def _binary_op(self, node: Tree) -> Any:
        left_node, term = _subtrees(node)[:2]
        operator_node, right_node = _subtrees(term)[:2]
        operator = str(operator_node.children[0])
        left = self.eval(left_node)
        # Short-circuit only on known booleans, as Terraform does not short-circuit at all.
        right = self.eval(right_node)
        for side in (left, right):
            if isinstance(side, Invalid):
                return side  # Terraform stops at the error (and try() moves on)
        if not is_known(left) or not is_known(right):
            if operator == "&&" and (left is False or right is False):
                return False
            if operator == "||" and (left is True or right is True):
                return True
            if operator in ("==", "!=") and not isinstance(left, Invalid) and not isinstance(right, Invalid):
                same = functions.equal_partial(left, right)
                if same is not None:
                    return same if operator == "==" else not same
            return self.unknown(node, left, right)
        result = functions.binary(operator, left, right)
        return Invalid(self.text(node)) if result is functions.INVALID else result

    def _unary_op(self, node: Tree) -> Any:
        operator = str(node.children[0])
        value = self.eval(node.children[1])
        if isinstance(value, Invalid):
            return value
        if not is_known(value):
            return self.unknown(node, value)
        if operator == "!" and isinstance(value, bool):
            return not value
        if operator == "-":
            number = functions.to_number_strict(value)
            if number is not None:
                return -number
        return Invalid(self.text(node))

    # -- functions ---------------------------------------------------------------------------

    def _function_call(self, node: Tree) -> Any:
        names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        if len(names) != 1:  # provider::ns::fn
            return self.unknown(node, reason="tfbg does not evaluate provider-defined functions")
        name = str(names[0].children[0])
        arguments_nodes = [c for c in node.children if isinstance(c, Tree) and c.data == "arguments"]
        arg_nodes = _subtrees(arguments_nodes[0]) if arguments_nodes else []
        expand = bool(arguments_nodes) and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in arguments_nodes[0].children
        )
        function = functions.FUNCTIONS.get(name)
        if function is None:
            return self.unknown(node, reason=functions.UNEVALUATED.get(name, f"tfbg does not evaluate {name}()"))
        if name in functions.LAZY:
            return function(self, arg_nodes, node)
        args = [self.eval(a) for a in arg_nodes]
        for arg in args:
            if isinstance(arg, Invalid):
                return arg  # Terraform stops at the error (and try() moves on)
        if expand:
            last = args.pop() if args else None
            if not isinstance(last, list):
                return self.unknown(node, last, reason="the expanded argument is not a list")
            args.extend(last)
        try:
            result = function(*args)
        except functions.CannotKnow:
            return self.unknown(node, *args, reason=f"tfbg does not evaluate {name}() for these arguments")
        except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError, OverflowError, AttributeError):
            # An argument the function rejects (a null string for trimsuffix(), a map for upper()):
            # Terraform stops with an error there, and try() moves on to its fallback.
            return Invalid(self.text(node))
        return result

    # -- for expressions ---------------------------------------------------------------------

    def _for_intro(self, node: Tree) -> tuple[list[str], Any]:
        trees = _subtrees(node)
        names = [str(t.children[0]) for t in trees if t.data == "identifier"]
        collection = self.eval([t for t in trees if t.data != "identifier"][-1])
        return names, collection

    def _iterate(self, node: Tree):
        """(rows, bodies): one evaluator per element kept by the `if` filter; rows is an Unknown
        when the elements (or the filter) are not known."""
        parts = _subtrees(node)
        intro = parts[0]
        condition = parts[-1] if parts[-1].data == "for_cond" else None
        bodies = [p for p in parts[1:] if p is not condition]
        names, collection = self._for_intro(intro)
        if isinstance(collection, dict):
            pairs = sorted(collection.items())  # Terraform iterates maps and objects in key order
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        elif isinstance(collection, Invalid):
            return collection, bodies
        else:
            return self.unknown(node, collection, reason="the collection is not a list, set or map"), bodies
        rows = []
        for key, value in pairs:
            bound = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
            inner = self.with_names(bound)
            if condition is not None:
                keep = inner.eval(_subtrees(condition)[0])
                if not isinstance(keep, bool):
                    if isinstance(keep, Invalid):
                        return keep, bodies
                    return self.unknown(node, keep, reason="the `if` condition is not a bool"), bodies
                if not keep:
                    continue
            rows.append(inner)
        return rows, bodies

    def _for_tuple_expr(self, node: Tree) -> Any:
        rows, bodies = self._iterate(node)
        if isinstance(rows, Unknown):
            return rows
        return [row.eval(bodies[0]) for row in rows]

    def _for_object_expr(self, node: Tree) -> Any:
        rows, bodies = self._iterate(node)
        if isinstance(rows, Unknown):
            return rows
        grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        result: dict[str, Any] = {}
        for row in rows:
            key = row.eval(bodies[0])
            if isinstance(key, (int, float, bool)):
                key = functions.to_string(key)
            if not isinstance(key, str):
                return key if isinstance(key, Invalid) else self.unknown(node, key, reason="a key is not a string")
            value = row.eval(bodies[1])
            if grouping:
                result.setdefault(key, []).append(value)
            else:
                result[key] = value
        return result

    # -- references and traversals -----------------------------------------------------------

    def _identifier(self, node: Tree) -> Any:
        return self._reference(str(node.children[0]), [], node)

    def _get_attr_expr_term(self, node: Tree) -> Any:
        return self._traversal(node)

    _index_expr_term = _get_attr_expr_term
    _attr_splat_expr_term = _get_attr_expr_term
    _full_splat_expr_term = _get_attr_expr_term

    def _traversal(self, node: Tree) -> Any:
        steps: list[Step] = []
        current: Tree = node
        while isinstance(current, Tree) and current.data in (
            "get_attr_expr_term",
            "index_expr_term",
            "attr_splat_expr_term",
            "full_splat_expr_term",
            "expr_term",
        ):
            if current.data == "expr_term":
                inner = current.children
                if len(inner) == 1 and isinstance(inner[0], Tree) and inner[0].data != "identifier":
                    current = inner[0]
                    continue
                break
            base, operation = current.children[0], current.children[1]
            steps[:0] = self._steps(operation)
            if steps and isinstance(steps[0], Invalid):
                return steps[0]
            current = base
        # An attribute-only splat (`.*`) covers only the attribute steps written right after it: in
        # `aws_lb_target_group.this.*.name[0]` the index picks from the list of names (HCL spec,
        # "Splat Operators"), unlike the full splat `[*]`, which carries every following step.
        after: list[Step] = []
        if ("endsplat", None) in steps:
            cut = steps.index(("endsplat", None))
            steps, after = steps[:cut], steps[cut + 1 :]
        if isinstance(current, Tree) and current.data == "expr_term":
            inner = current.children
            if len(inner) == 1 and isinstance(inner[0], Tree) and inner[0].data == "identifier":
                value = self._reference(str(inner[0].children[0]), steps, node)
                return apply_steps(value, after, self.text(node)) if after else value
        value = apply_steps(self.eval(current), steps, self.text(node))
        return apply_steps(value, after, self.text(node)) if after else value

    def _steps(self, operation: Tree) -> list[Any]:
        kind = operation.data
        if kind == "get_attr":
            return [("attr", str(_subtrees(operation)[0].children[0]))]
        if kind == "short_index":
            return [("index", int(operation.children[1]))]
        if kind == "braces_index":
            key = self.eval(_subtrees(operation)[0])
            return [("index", key)]
        if kind in ("attr_splat", "full_splat"):
            steps: list[Any] = [("splat", None)]
            ended = kind != "attr_splat"
            for child in _subtrees(operation):
                if not ended and child.data != "get_attr":
                    # python-hcl2 keeps `[0]` of `.*.name[0]` inside the splat; HCL applies it to the list.
                    steps.append(("endsplat", None))
                    ended = True
                steps.extend(self._steps(child))
            if not ended:
                steps.append(("endsplat", None))  # what follows applies to the resulting list
            return steps
        return [Invalid(kind)]

    def _reference(self, root: str, steps: list[Step], node: Tree) -> Any:
        text = self.text(node)
        if root in self.names:
            return apply_steps(self.names[root], steps, text)
        for _, key in steps:
            if isinstance(key, (Ref, Unknown)):
                return key if isinstance(key, Invalid) else Unknown(text, cause=cause_of(key))
        return self.scope.reference(root, steps, text)


def _node_span(node: Tree) -> tuple[int, int] | None:
    """Where a node stands in its source text (start, end), or None for a node without tokens."""
    found = span(node)
    return (found[0], found[1]) if found else None


@dataclass(frozen=True)
class _Interpolated:
    value: Any
    text: str = ""  # the expression, for messages


# Stand-ins for unknown interpolations while a template is read as JSON (private-use characters:
# valid inside JSON strings, invalid outside them, and not found in real policies).
_HOLE_OPEN, _HOLE_CLOSE = "\ue000", "\ue001"
_HOLE = re.compile(f"{_HOLE_OPEN}(\\d+){_HOLE_CLOSE}")


class _HoleInKey(Exception):
    """An object key built from an unknown value: the document's structure is not known."""


def _fill_holes(value: Any, holes: list[_Interpolated]) -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if _HOLE.search(key):
                raise _HoleInKey()
            result[key] = _fill_holes(item, holes)
        return result
    if isinstance(value, list):
        return [_fill_holes(item, holes) for item in value]
    if not isinstance(value, str) or not _HOLE.search(value):
        return value
    whole = _HOLE.fullmatch(value)
    if whole is not None:
        hole = holes[int(whole.group(1))].value
        # `"${x}"` is x converted to a string: a reference stays itself; anything else is unknown.
        if isinstance(hole, (Ref, Unknown)) and not isinstance(hole, Invalid):
            return hole
    written = _HOLE.sub(lambda m: "${" + holes[int(m.group(1))].text + "}", value)
    inside = [holes[int(m.group(1))].value for m in _HOLE.finditer(value)]
    return Unknown(json.dumps(written, ensure_ascii=False), cause=cause_of(*inside))


def apply_steps(value: Any, steps: list[Step], text: str) -> Any:
    """Follow attribute/index/splat steps through a value."""
    for position, (kind, key) in enumerate(steps):
        if isinstance(value, Ref):
            if kind == "splat" or not isinstance(key, (str, int)) or isinstance(key, bool):
                return Unknown(text, cause=cause_of(key, value))
            attribute = f"{value.attribute}.{key}" if value.attribute else str(key)
            value = Ref(value.address, attribute)
            continue
        if isinstance(value, Unknown):
            return value if isinstance(value, Invalid) else Unknown(text, cause=cause_of(value))
        if kind == "endsplat":
            continue
        if kind == "splat":
            rest, after = steps[position + 1 :], []
            if ("endsplat", None) in rest:
                cut = rest.index(("endsplat", None))
                rest, after = rest[:cut], rest[cut + 1 :]
            if value is None:
                return apply_steps([], after, text) if after else []
            items = value if isinstance(value, list) else [value]
            result = [apply_steps(item, rest, text) for item in items]
            return apply_steps(result, after, text) if after else result
        if isinstance(key, (Ref, Unknown)):
            return key if isinstance(key, Invalid) else Unknown(text, cause=cause_of(key))
        if isinstance(value, dict):
            name = functions.to_string(key) if not isinstance(key, str) else key
            if name not in value:
                return Invalid(text)
            value = value[name]
        elif isinstance(value, list):
            index = functions.to_number_strict(key)
            if not isinstance(index, int) or not 0 <= index < len(value):
                return Invalid(text)
            value = value[index]
        else:
            return Invalid(text)
    return value

