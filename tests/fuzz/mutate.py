"""Hypothesis strategies that damage valid input: byte edits of text, subtree swaps of JSON."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Characters that matter to HCL, JSON and TOML lexers, plus some that matter to none.
PUNCTUATION = '{}[]()"\'=$%#<>:,.*/\\|&!?-+~`@^;\n\t ' + "\x00\u00e9\u202e\ufeff"
FRAGMENTS = ["${", "%{", "<<EOT\n", "EOT\n", "/*", "*/", "//", '"', "\\", "\n", "}", "{", "[", "]", "null", "true", "1e999"]


def inserted_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(alphabet=PUNCTUATION + "abcxyz019", max_size=12),
        st.sampled_from(FRAGMENTS),
        st.text(max_size=6),  # any unicode
    )


@st.composite
def mutated_text(draw, seed: str) -> str:
    """`seed` with a few edits: delete, duplicate or replace a span, insert text, or truncate."""
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            text = draw(inserted_text())
            continue
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 40)))
        kind = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "truncate"]))
        if kind == "delete":
            text = text[:start] + text[end:]
        elif kind == "duplicate":
            text = text[:end] + text[start:end] + text[end:]
        elif kind == "replace":
            text = text[:start] + draw(inserted_text()) + text[end:]
        elif kind == "insert":
            text = text[:start] + draw(inserted_text()) + text[start:]
        else:
            text = text[:start]
    return text


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**64), 2**64), st.floats(allow_nan=False), st.text(max_size=12)
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)),
        max_leaves=max_leaves,
    )


@st.composite
def mutated_json(draw, seed: Any, keys: list[str] | None = None) -> Any:
    """`seed` with one to three subtrees replaced by random JSON (or removed, for object members).
    `keys`: names worth trying as new members (the names the reader looks for)."""
    value = seed
    for _ in range(draw(st.integers(1, 3))):
        value = _replace_somewhere(draw, value, keys or [])
    return value


def _replace_somewhere(draw, value: Any, keys: list[str]) -> Any:
    descend = isinstance(value, (dict, list)) and value and draw(st.integers(0, 9)) < 8
    if not descend:
        return draw(json_values())
    if isinstance(value, list):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], _replace_somewhere(draw, value[index], keys), *value[index + 1 :]]
    key = draw(st.sampled_from(sorted(value) + keys))
    copy = dict(value)
    if key in copy and draw(st.integers(0, 9)) == 0:
        del copy[key]
    else:
        copy[key] = _replace_somewhere(draw, copy.get(key), keys)
    return copy
