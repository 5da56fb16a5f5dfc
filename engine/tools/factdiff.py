"""The facts a decision reads, from its case schema, and how a decision's own file changed
(outcomes, clauses, facts) between two editions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..policy import DecisionSpec

# ---- schema of the case: the facts a decision reads ------------------------------------------



def _added_removed(old: Sequence[str], new: Sequence[str]) -> tuple[list[str], list[str]]:
    """What `new` has that `old` has not, and the other way round, each in its own order."""
    return [x for x in new if x not in old], [x for x in old if x not in new]

def schema_facts(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every fact path of a case schema ("employee.sanctions[].kind") with its type and constraints."""
    defs = schema.get("$defs", {})
    out: dict[str, dict[str, Any]] = {}

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            merged = {k: v for k, v in node.items() if k != "$ref"}
            target = defs.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/$defs/") else {}
            node = {**target, **merged}
            seen += 1
        return node

    def walk(node: dict[str, Any], path: str, required: bool, depth: int) -> None:
        node = resolve(node)
        if depth > 12:
            return
        info: dict[str, Any] = {
            "type": node.get("type") or ("enum" if "enum" in node else "any"),
            "required": required,
        }
        if "enum" in node:
            info["enum"] = list(node["enum"])
        if node.get("format"):
            info["format"] = node["format"]
        for k in ("minimum", "maximum", "pattern"):
            if k in node:
                info[k] = node[k]
        if path:
            out[path] = info
        if node.get("type") == "object" or "properties" in node:
            req = set(node.get("required", []))
            for name, sub in node.get("properties", {}).items():
                walk(sub, f"{path}.{name}" if path else name, name in req, depth + 1)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[]", True, depth + 1)

    walk(schema, "", True, 0)
    return out


def _fact_text(info: dict[str, Any]) -> str:
    kind = info.get("format") or info.get("type")
    if isinstance(kind, list):
        kind = "/".join(map(str, kind))
    text = str(kind)
    if "enum" in info:
        text = "one of " + ", ".join(map(str, info["enum"]))
    return text + ("" if info.get("required") else ", optional")


def spec_changes(old: DecisionSpec | None, new: DecisionSpec | None) -> list[str]:
    """How a decision's own file changed: outcomes and precedence, clauses, edition date, facts."""
    if old is None and new is not None:
        return [f"new decision (outcomes {', '.join(new.outcome_ids)})"]
    if new is None and old is not None:
        return ["the decision no longer exists"]
    assert old is not None and new is not None
    out: list[str] = []
    if old.outcome_ids != new.outcome_ids:
        added, removed = _added_removed(old.outcome_ids, new.outcome_ids)
        if added:
            out.append("outcome(s) added: " + ", ".join(added))
        if removed:
            out.append("outcome(s) removed: " + ", ".join(removed))
        if not added and not removed:
            out.append(
                f"precedence of outcomes changed: {' > '.join(old.outcome_ids)} → {' > '.join(new.outcome_ids)}"
            )
    if old.default != new.default:
        out.append(f"default outcome changed from {old.default} to {new.default}")
    added_c, removed_c = _added_removed(old.clauses, new.clauses)
    if added_c:
        out.append("clause(s) added: " + ", ".join(added_c))
    if removed_c:
        out.append("clause(s) removed: " + ", ".join(removed_c))
    if old.edition_date != new.edition_date:
        out.append(f"the date selecting the edition changed from {old.edition_date} to {new.edition_date}")
    of, nf = schema_facts(old.case_schema), schema_facts(new.case_schema)
    for path in sorted(set(nf) - set(of)):
        out.append(f"new fact {path} ({_fact_text(nf[path])})")
    for path in sorted(set(of) - set(nf)):
        out.append(f"fact removed: {path}")
    for path in sorted(set(of) & set(nf)):
        a, b = of[path], nf[path]
        if a.get("enum") != b.get("enum") and ("enum" in a or "enum" in b):
            gained = [v for v in b.get("enum", []) if v not in a.get("enum", [])]
            lost = [v for v in a.get("enum", []) if v not in b.get("enum", [])]
            bits = ([f"gains {', '.join(map(str, gained))}"] if gained else []) + (
                [f"loses {', '.join(map(str, lost))}"] if lost else []
            )
            out.append(f"fact {path}: values " + "; ".join(bits or ["reordered"]))
        if a.get("required") != b.get("required"):
            out.append(f"fact {path} is now {'required' if b.get('required') else 'optional'}")
        if (a.get("type"), a.get("format")) != (b.get("type"), b.get("format")):
            out.append(f"fact {path}: type changed from {_fact_text(a)} to {_fact_text(b)}")
        for k in ("minimum", "maximum", "pattern"):
            if a.get(k) != b.get(k):
                out.append(f"fact {path}: {k} changed from {a.get(k)} to {b.get(k)}")
    return out
