"""A refused case's problems said for a person, in the reader's language, from their structure.

The engine refuses a case with problems that carry a JSON pointer, the `kind` of rule broken (a
JSON Schema keyword, `missing`, …), the property a `required` lacks and the rule's values from
the schema (`engine.errors.CaseProblem.params`). Each is said here through the catalogue —
"case.<kind>" — with the field named by its title in the act's fields.yaml in the reader's
language (`engine.fieldtexts`), never by rewording jsonschema's English message. The machine
members of each item, `pointer` and `kind`, are the same in every language.

One home for both shells: the service's problem documents (`web.problems.case_problem`) and the command
line's `ereje decide` say a refused case the same way.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine import casecodec
from engine.errors import CaseProblem
from engine.fieldtexts import FieldTexts, FieldTextsError, key_at, load_field_texts
from engine.i18n import N_, Message, say, text

# The message of each kind of problem (keys of the `ereje` catalogue).
KIND_MESSAGES = {
    "required": N_("case.required"),
    "additionalProperties": N_("case.additional"),
    "type": N_("case.type"),
    "enum": N_("case.enum"),
    "const": N_("case.enum"),
    "minimum": N_("case.minimum"),
    "exclusiveMinimum": N_("case.exclusive_minimum"),
    "maximum": N_("case.maximum"),
    "exclusiveMaximum": N_("case.exclusive_maximum"),
    "minLength": N_("case.min_length"),
    "maxLength": N_("case.max_length"),
    "minItems": N_("case.min_items"),
    "maxItems": N_("case.max_items"),
    "uniqueItems": N_("case.unique"),
    "pattern": N_("case.pattern"),
    "format": N_("case.format_date"),
    "depth": N_("case.depth"),
    "schema": N_("case.schema"),
    "calendar": N_("case.calendar"),
    "evaluation-limit": N_("case.evaluation_limit"),
}
TYPE_NAMES = {
    "string": N_("type.string"),
    "number": N_("type.number"),
    "integer": N_("type.integer"),
    "boolean": N_("type.boolean"),
    "object": N_("type.object"),
    "array": N_("type.array"),
    "null": N_("type.null"),
}


@dataclass(frozen=True)
class FieldNamer:
    """Names a case's fields for a person: the field's title in the reader's language from the
    act's fields.yaml, else the property's own name; the whole case when the pointer is empty."""

    schema: dict[str, Any] | None = None
    texts: FieldTexts = field(default_factory=FieldTexts)

    def name(self, pointer: str, lang: str) -> str:
        if not pointer:
            return text("case.the_case", lang)
        key = key_at(self.schema, pointer) if self.schema else None
        title = self.texts.title(key, lang) if key else None
        return title or pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


@dataclass(frozen=True)
class CaseErrorItem:
    """One item of a refused case's `errors[]`: said when the document is written."""

    problem: CaseProblem
    namer: FieldNamer

    def to_dict(self, lang: str) -> dict[str, Any]:
        p = self.problem
        out: dict[str, Any] = {"pointer": p.pointer, "kind": p.kind or "invalid"}
        if p.field is not None:
            out["field"] = p.field
        out["message"] = self.message(lang)
        return out

    def message(self, lang: str) -> str:
        p = self.problem
        params = dict(p.params)
        field_pointer = f"{p.pointer}/{_escape(p.field)}" if p.field is not None else p.pointer
        values: dict[str, Any] = {"field": self.namer.name(field_pointer, lang)}
        if p.kind == "missing":
            if not p.pointer:
                return text("case.undecidable", lang, clause=p.clause or "—")
            key = N_("case.missing") if p.clause else N_("case.missing_edition_date")
            return text(key, lang, clause=p.clause or "", **values)
        key = KIND_MESSAGES.get(p.kind or "", N_("case.other"))
        if p.kind == "format" and params.get("format") != "date":
            key = N_("case.other")
        if p.kind == "type":
            values["expected"] = " / ".join(
                text(TYPE_NAMES.get(str(t), "type.string"), lang) for t in params.get("expected", ())
            )
        elif p.kind in ("enum", "const"):
            values["allowed"] = ", ".join(_json(v) for v in params.get("allowed", ()))
        elif p.kind == "additionalProperties":
            values["names"] = ", ".join(_json(n) for n in params.get("names", ())) or "—"
        elif "limit" in params:
            values["limit"] = _json(params["limit"])
        elif p.kind == "pattern":
            values["pattern"] = str(params.get("pattern", ""))
        return text(key, lang, **values)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def detail_key(problems: Sequence[CaseProblem]) -> str:
    kinds = {p.kind for p in problems}
    if kinds & {"calendar", "evaluation-limit"}:
        return N_("problem.detail.case_out_of_range")
    if kinds == {"missing"}:
        return N_("problem.detail.case_lacks_facts")
    return N_("problem.detail.case_invalid")


log = logging.getLogger("ereje.case")

# Per library (a reload makes a new one): each act's fields.yaml, read once.
_TEXTS: weakref.WeakKeyDictionary[Any, dict[str, FieldTexts]] = weakref.WeakKeyDictionary()


def field_texts(library: Any, act: Any) -> FieldTexts:
    """The act's field wording, read once per loaded library; none if its file is malformed
    (the fields are then named by their properties, and the log says why)."""
    per_act = _TEXTS.setdefault(library, {})
    texts = per_act.get(act.id)
    if texts is None:
        try:
            texts = load_field_texts(act.directory)
        except FieldTextsError as exc:
            log.error("field texts of %s not used: %s", act.id, exc)
            texts = FieldTexts()
        per_act[act.id] = texts
    return texts


def namer_for(library: Any, question: str | None, act_id: str | None) -> FieldNamer:
    """The field namer of `question`'s case schema in its act (the one act answering it when
    `act_id` is None); a bare namer when the decision cannot be found."""
    if library is None or question is None:
        return FieldNamer()
    if act_id is None:
        owners = library.questions().get(question) or []
        act_id = owners[0] if len(owners) == 1 else None
    act = library.acts.get(act_id) if act_id is not None else None
    spec = act.decisions.get(question) if act is not None else None
    if spec is None:
        return FieldNamer()
    return FieldNamer(spec.case_schema, field_texts(library, act))


def unreadable(exc: casecodec.CaseDecodeError, not_utf8: str, other: str) -> Message:
    """Why the case's JSON could not be read, from the codec's structured reason (`exc.reason`,
    `exc.params`): one wording for the service's body and the command line's file. `not_utf8`
    and `other` name the two sentences that say "the body" or "the file"."""
    where = dict(exc.params)
    if exc.reason == "syntax":
        return say("problem.detail.json_syntax", line=where.get("line"), column=where.get("column"))
    if exc.reason == "utf8":
        return say(not_utf8, byte=where.get("byte"))
    if exc.reason == "surrogate":
        return say("problem.detail.json_surrogate")
    if exc.reason == "number":
        return say("problem.detail.json_number")
    return say(other)
