"""A case's problems for the try page: every one at once, each at its field, in the reader's language.

The engine refuses an invalid case with problems that carry a JSON pointer and jsonschema's
English message. The page needs more than that to speak Kazakh or Russian, so it asks jsonschema
itself for the error objects and reads their structure — the keyword that failed (`validator`),
its value in the schema (`validator_value`) and the instance's path — never the message text:

- `required`: one problem per missing property, at the property's own pointer (so it lands on
  that field, not on the object holding it);
- `additionalProperties`: one per property the schema does not declare;
- `format: date`: "write it as КК.АА.ЖЖЖЖ / ДД.ММ.ГГГГ / DD.MM.YYYY", as the field's placeholder;
- `type`, `enum`, `minimum`, `maximum`, `maxLength`, `maxItems`, `pattern`, `uniqueItems`: their
  own message with the limit from the schema; anything else a general "not valid here".

The problems are worked out from the case alone, so they can be shown even when the decision
date is invalid and nothing is decided: an invalid date never hides the fields' errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.casemessages import TYPE_NAMES  # the names of JSON types, one list for the API and the pages
from engine.i18n import N_, text
from web.pages.schemaform import escape_segment

# Messages chosen by the failing keyword (keys of the `ereje` catalogue).
KEYWORD_MESSAGES = {
    "required": N_("err.required"),
    "additionalProperties": N_("err.additional"),
    "format": N_("err.date_field"),
    "enum": N_("err.enum"),
    "const": N_("err.enum"),
    "minimum": N_("err.minimum"),
    "exclusiveMinimum": N_("err.minimum"),
    "maximum": N_("err.maximum"),
    "exclusiveMaximum": N_("err.maximum"),
    "maxLength": N_("err.max_length"),
    "maxItems": N_("err.max_items"),
    "pattern": N_("err.pattern"),
    "uniqueItems": N_("err.unique"),
}


@dataclass(frozen=True)
class Problem:
    """One problem of the case: where (a JSON pointer) and what (a catalogue key and its fields)."""

    pointer: str
    key: str
    fields: tuple[tuple[str, str], ...] = ()
    engine_message: str | None = None  # the engine's own words, when it is not a schema problem

    def message(self, lang: str) -> str:
        values = dict(self.fields)
        if self.key == "err.type_named":
            names = [text(TYPE_NAMES.get(t, "type.string"), lang) for t in values.pop("types").split(",")]
            values["expected"] = " / ".join(names)
        return text(self.key, lang, **values)

    def to_dict(self, lang: str) -> dict[str, str]:
        out = {"pointer": self.pointer, "message": self.message(lang)}
        if self.engine_message and self.key == "err.other":
            out["engine_message"] = self.engine_message  # the engine's English, shown marked as such
        return out


def _pointer(path: Any) -> str:
    return "".join("/" + escape_segment(str(p)) for p in path)


def schema_problems(schema: dict[str, Any], case: Any) -> list[Problem]:
    """Every problem jsonschema finds in `case`, deepest first, each once."""
    from jsonschema import Draft202012Validator

    from engine.casecheck import FORMATS

    validator = Draft202012Validator(schema, format_checker=FORMATS)
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def add(problem: Problem) -> None:
        if (problem.pointer, problem.key) not in seen:
            seen.add((problem.pointer, problem.key))
            out.append(problem)

    for error in validator.iter_errors(case):
        where = _pointer(error.absolute_path)
        kind, limit, instance = error.validator, error.validator_value, error.instance
        if kind == "required" and isinstance(instance, dict):
            for name in limit:
                if name not in instance:
                    add(Problem(f"{where}/{escape_segment(name)}", N_("err.required")))
        elif kind == "additionalProperties" and isinstance(instance, dict):
            declared = set((error.schema.get("properties") or {}).keys())
            for name in instance:
                if name not in declared:
                    add(Problem(f"{where}/{escape_segment(name)}", N_("err.additional")))
        elif kind == "type":
            types = limit if isinstance(limit, list) else [limit]
            add(Problem(where, N_("err.type_named"), (("types", ",".join(map(str, types))),)))
        elif kind == "format":
            add(Problem(where, N_("err.date_field") if limit == "date" else N_("err.pattern")))
        elif kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "maxLength", "maxItems"):
            add(Problem(where, KEYWORD_MESSAGES[kind], (("limit", str(limit)),)))
        else:
            add(Problem(where, KEYWORD_MESSAGES.get(str(kind), N_("err.other"))))
    return sorted(out, key=lambda p: p.pointer)


def refusal_problems(engine_problems: list[Any]) -> list[Problem]:
    """The engine's refusals of a schema-valid case (a fact the answer needs is missing)."""
    return [
        Problem(
            getattr(p, "pointer", "") or "",
            N_("err.missing") if getattr(p, "pointer", "") else N_("err.other"),
            engine_message=getattr(p, "message", None),
        )
        for p in engine_problems
    ]
