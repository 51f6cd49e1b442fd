"""`aws_iam_policy_document`: the `json` the real provider computes, from its configuration.

Follows hashicorp/terraform-provider-aws internal/service/iam/policy_model.go and
data_source_policy_document.go: a single-element list collapses to a string and longer lists are
sorted in reverse (policyDecodeConfigStringList); principals are grouped by type; condition values
keep their order and a single value collapses; `&{` becomes `${` in 2012-10-17 documents;
source_policy_documents, the statements, then override_policy_documents are merged by Sid
(IAMPolicyDoc.Merge); `json` is Go's json.MarshalIndent with two spaces, `minified_json` json.Marshal.
"""

from __future__ import annotations

import json
import zlib

DEFAULT_VERSION = "2012-10-17"
_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                   "Principal", "NotPrincipal", "Condition")


class PolicyDocumentError(ValueError):
    pass


def _decode_list(values: list[str]) -> str | list[str]:
    if len(values) == 1:
        return values[0]
    return sorted(values, reverse=True)


def _replace_vars(value, version: str):
    if version != DEFAULT_VERSION:
        return value
    if isinstance(value, list):
        return [v.replace("&{", "${") for v in value]
    return value.replace("&{", "${")


def _principals(blocks: list[dict], version: str):
    if not blocks:
        return None
    grouped: dict[str, object] = {}
    if len(blocks) == 1 and blocks[0]["type"] == "*" and list(blocks[0]["identifiers"] or []) == ["*"]:
        return "*"
    for block in blocks:
        identifiers = _replace_vars(_decode_list(list(block["identifiers"] or [])), version)
        current = grouped.get(block["type"])
        if isinstance(identifiers, list):
            base = [] if current is None else [current] if isinstance(current, str) else current
            grouped[block["type"]] = base + sorted(identifiers, reverse=True)
        elif current is None:
            grouped[block["type"]] = identifiers
        else:
            grouped[block["type"]] = ([current] if isinstance(current, str) else current) + [identifiers]
    return dict(sorted(grouped.items()))


def _conditions(blocks: list[dict], version: str):
    if not blocks:
        return None
    raw: dict[str, dict[str, list[str]]] = {}
    for block in blocks:
        values = _replace_vars(list(block["values"] or []), version)
        raw.setdefault(block["test"], {}).setdefault(block["variable"], []).extend(values)
    return {
        test: {var: values[0] if len(values) == 1 else values for var, values in sorted(variables.items())}
        for test, variables in sorted(raw.items())
    }


def _statement(block: dict, version: str) -> dict:
    stmt: dict[str, object] = {"Sid": block.get("sid") or None, "Effect": block.get("effect") or "Allow"}
    for key, attr in (("Action", "actions"), ("NotAction", "not_actions")):
        if block.get(attr):
            stmt[key] = _decode_list(list(block[attr]))
    for key, attr in (("Resource", "resources"), ("NotResource", "not_resources")):
        if block.get(attr):
            stmt[key] = _replace_vars(_decode_list(list(block[attr])), version)
    stmt["Principal"] = _principals(block.get("principals") or [], version)
    stmt["NotPrincipal"] = _principals(block.get("not_principals") or [], version)
    stmt["Condition"] = _conditions(block.get("condition") or [], version)
    return {k: stmt[k] for k in _STATEMENT_KEYS if stmt.get(k) not in (None, "", [], {})}


def _parse_document(text: str, what: str) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyDocumentError(f"{what}: not valid JSON: {exc}") from exc
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return {
        "Version": doc.get("Version", ""),
        "Id": doc.get("Id", ""),
        "Statement": [{k: s[k] for k in _STATEMENT_KEYS if s.get(k) not in (None, "", [], {})} for s in statements],
    }


def _merge(into: dict, new: dict) -> None:
    if new.get("Id"):
        into["Id"] = new["Id"]
    if new.get("Version", "") > into.get("Version", ""):
        into["Version"] = new["Version"]
    for statement in new["Statement"]:
        sid = statement.get("Sid")
        for i, existing in enumerate(into["Statement"]):
            if sid and existing.get("Sid") == sid:
                into["Statement"][i] = statement
                break
        else:
            into["Statement"].append(statement)


def _go_json(value, indent: bool) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None,
                      separators=(",", ": ") if indent else (",", ":"))
    # Go's encoding/json escapes these for safe embedding in HTML.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def compute(config: dict) -> dict:
    """The data source's state: the configuration with json, minified_json, id and defaults set."""
    version = config.get("version") or DEFAULT_VERSION
    merged = {"Version": "", "Id": "", "Statement": []}
    for i, text in enumerate(config.get("source_policy_documents") or []):
        _merge(merged, _parse_document(text, f"source_policy_documents[{i}]"))
    statements = []
    sids = set()
    for block in config.get("statement") or []:
        statement = _statement(block, version)
        sid = statement.get("Sid")
        if sid and sid in sids:
            raise PolicyDocumentError(f"duplicate Sid ({sid})")
        sids.add(sid)
        statements.append(statement)
    _merge(merged, {"Version": version, "Id": config.get("policy_id") or "", "Statement": statements})
    for i, text in enumerate(config.get("override_policy_documents") or []):
        _merge(merged, _parse_document(text, f"override_policy_documents[{i}]"))
    document = {k: merged[k] for k in ("Version", "Id", "Statement") if merged[k]}
    pretty = _go_json(document, indent=True)
    state = dict(config)
    state["version"] = version
    state["statement"] = [
        {**block, "effect": block.get("effect") or "Allow"} for block in config.get("statement") or []
    ]
    state["json"] = pretty
    state["minified_json"] = _go_json(document, indent=False)
    # create.StringHashcode: the CRC-32 of the JSON, as a decimal string.
    state["id"] = str(zlib.crc32(pretty.encode()))
    return state
