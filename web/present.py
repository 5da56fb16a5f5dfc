"""JSON views of the engine's policy model (`engine.policy`) for the /v1/acts endpoints.

Kept apart from the views so the public shape is decided in one place: what a caller sees of an
act is its identity, its languages (with their status — the English text is an unofficial
translation and says so next to every text), its editions (the amending acts and when each took
effect), its decisions with their case schemas, and its clauses with every version's text.
Parsed rules and source positions stay inside.
"""

from __future__ import annotations

from typing import Any

from engine.citation import LANGS as CITATION_LANGS
from engine.citation import cite_or_id


def _language_status(act: Any) -> dict[str, str]:
    return {
        lang: str((info or {}).get("status", "unknown"))
        for lang, info in (getattr(act, "languages", None) or {}).items()
    }


def _text_status(act: Any) -> dict[str, str]:
    """Per language, what the encoded text is when it is not the official publication."""
    return {
        lang: str(info["text_status"])
        for lang, info in (getattr(act, "languages", None) or {}).items()
        if isinstance(info, dict) and info.get("text_status")
    }


def texts(
    version: Any, statuses: dict[str, str], text_statuses: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Each language's text with the language's status, and the text's own status where it is
    not the official publication (a restored text); missing languages are absent."""
    out: dict[str, dict[str, Any]] = {}
    for lang, text in (getattr(version, "texts", None) or {}).items():
        if text is None:
            continue
        out[lang] = {"text": text, "status": statuses.get(lang, "unknown")}
        if text_statuses and lang in text_statuses:
            out[lang]["text_status"] = text_statuses[lang]
    return out


def amendment(a: Any) -> dict[str, Any]:
    entry = a.entry_into_force()
    return {
        "amendment": a.id,
        "number": a.number,
        "signed": a.signed,
        "status": a.status,
        "in_force_from": entry.start,
        "date_certain": entry.certain,
        "explanation": entry.explanation,
    }


def amendments(act: Any) -> list[dict[str, Any]]:
    """The acts that produced the clause versions, in order of entry into force."""
    items = [amendment(a) for a in (getattr(act, "amendments", None) or {}).values()]
    return sorted(items, key=lambda e: (e["in_force_from"], e["amendment"]))


def editions(library: Any, act: Any) -> list[dict[str, Any]]:
    """The engine's editions of the act (periods with one set of versions) and their hashes."""
    return [
        {**c.edition.to_dict(), "policy_hash": c.policy_hash} for c in library.compiled_editions(act.id)
    ]


def clause_version(
    version: Any, statuses: dict[str, str], in_force: dict[str, Any], text_statuses: dict[str, str] | None = None
) -> dict:
    return {
        "amendment": version.amendment,
        "in_force_from": in_force.get(version.amendment),
        "change": version.change,
        "kind": version.kind,
        "texts": texts(version, statuses, text_statuses),
        "text_known": version.text_known,
        "reason": version.reason,
        "notes": version.notes,
        "rule": version.rule_text,
    }


def cited_as(clause_id: str) -> dict[str, str]:
    """The clause as the law cites it, in each language that has a citation form."""
    return {lang: cite_or_id(clause_id, lang) for lang in CITATION_LANGS}


def clause(act: Any, cl: Any) -> dict[str, Any]:
    statuses = _language_status(act)
    in_force = {e["amendment"]: e["in_force_from"] for e in amendments(act)}
    children = [c.id for c in act.clauses.values() if getattr(c, "parent", None) == cl.id]
    return {
        "act": act.id,
        "clause": cl.id,
        "citation": f"{act.id}:{cl.id}",
        "cited_as": cited_as(cl.id),
        "parent": cl.parent,
        "chapter": cl.chapter,
        "children": children,
        "versions": [clause_version(v, statuses, in_force, _text_status(act)) for v in cl.versions],
        "official_pages": _official_pages(act),
    }


def _official_pages(act: Any) -> dict[str, str]:
    """The act's official pages (adilet.zan.kz) as its data records them; empty if none."""
    raw = getattr(act, "raw", None) or {}
    pages = raw.get("official_pages")
    return dict(pages) if isinstance(pages, dict) else {}


def decision_spec(spec: Any) -> dict[str, Any]:
    return {
        "question": spec.name,
        "titles": spec.titles,
        "asks": spec.question,
        "outcomes": [
            {"id": o.id, "default": o.default, "titles": o.titles} for o in spec.outcomes
        ],
        "clauses": list(spec.clauses),
        "edition_date": spec.edition_date,
        "case_schema": spec.case_schema,
        "notes": spec.notes,
    }


def act_summary(library: Any, act: Any) -> dict[str, Any]:
    return {
        "act": act.id,
        "title": act.title,
        "level": act.level,
        "adopted": act.adopted,
        "languages": act.languages,
        "official_pages": _official_pages(act),
        "clauses": len(act.clauses),
        "decisions": list(act.decisions),
        "editions": [e["id"] for e in editions(library, act)],
    }


def act_detail(library: Any, act: Any) -> dict[str, Any]:
    statuses = _language_status(act)
    text_statuses = _text_status(act)
    changes = amendments(act)
    in_force = {e["amendment"]: e["in_force_from"] for e in changes}
    return {
        "act": act.id,
        "title": act.title,
        "level": act.level,
        "adopted": act.adopted,
        "languages": act.languages,
        "official_pages": _official_pages(act),
        "parents": act.parents,
        "editions": editions(library, act),
        "amendments": changes,
        "decisions": {name: decision_spec(spec) for name, spec in act.decisions.items()},
        "clauses": [
            {
                "clause": c.id,
                "cited_as": cited_as(c.id),
                "parent": c.parent,
                "chapter": c.chapter,
                "versions": [clause_version(v, statuses, in_force, text_statuses) for v in c.versions],
            }
            for c in act.clauses.values()
        ],
    }
