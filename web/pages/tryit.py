"""Try a case: pick a decision, fill the form generated from its case schema (or paste JSON),
choose the date, read the outcome, the clauses that decided it, the facts used and the trace.

    /try                                   the decisions of every act
    /try/<act>/<question>                  the form (GET ?example=<file> starts from an example)
    POST /try/<act>/<question>             decide (or add / remove a row without JavaScript)

The page calls the engine directly, with the `Library` of the live snapshot the API uses. Each
decision is written to the decision log before it is shown (`web.pagelog`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup, escape

from web.pagelog import record_try
from web.pages import model, schemaform
from web.pages.common import api, get_act, snapshot, today
from web.pages.i18n import current_lang, parse_user_date, translate
from web.pages.model import LRU

bp = Blueprint("tryit", __name__)

MAX_JSON_DEPTH = 64
_EXAMPLES = LRU(8)


def _examples(snap: Any, act: Any, question: str) -> list[dict[str, Any]]:
    from engine.casegen import example_cases

    everything = _EXAMPLES.get((snap.version, act.id), lambda: example_cases(act))
    return [e for e in everything if e["question"] == question]


@bp.get("/try")
def index() -> str:
    lib = snapshot().library
    acts = [lib.acts[a] for a in sorted(lib.acts) if lib.acts[a].decisions]
    return render_template("try_index.html", acts=acts)


def _spec(lib: Any, act: Any, question: str, edition: Any | None) -> Any:
    specs = (edition.decisions if edition is not None and edition.decisions else None) or act.decisions
    spec = specs.get(question)
    if spec is None:
        abort(404)
    return spec


def _edition(lib: Any, act_id: str, value: str | None) -> tuple[Any | None, str]:
    """The edition named in the form (any edition of the act, drafts too), or None: the one in
    force on the date."""
    value = (value or "").strip()
    if not value:
        return None, ""
    edition = model.edition_by_id(lib, act_id, value)
    return (edition, value) if edition is not None else (None, "")


def _parse_json(text: str) -> tuple[Any, str | None]:
    from engine.casecheck import depth_of

    if not text.strip():
        return None, "empty"
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        return None, str(exc)
    if depth_of(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        return None, f"nested deeper than {MAX_JSON_DEPTH} levels"
    try:  # "\ud800" is valid JSON syntax but no text: the page could not show it
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return None, "a string holds a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)"
    return value, None


# The engine's case problems are in English; in Kazakh the page says what kind of problem it is
# and keeps the engine's own words beside it.
_MESSAGES = [
    (re.compile(r"is a required property"), "err.required"),
    (re.compile(r"is not a valid date"), "err.date"),
    (re.compile(r"is not of type"), "err.type"),
    (re.compile(r"is not one of"), "err.enum"),
    (re.compile(r"is (less|greater) than"), "err.range"),
    (re.compile(r"Additional properties are not allowed"), "err.additional"),
    (re.compile(r"is too long"), "err.too_long"),
    (re.compile(r"does not match"), "err.pattern"),
    (re.compile(r"^not valid JSON"), "err.json"),
    (re.compile(r"missing"), "err.missing"),
]


def err_text(message: str) -> Markup:
    lang = current_lang()
    if lang != "en":
        for rx, key in _MESSAGES:
            if rx.search(message):
                return Markup('{} <span class="engine-msg" lang="en">({})</span>').format(
                    translate(key, lang), message
                )
    return Markup('<span lang="en">{}</span>').format(escape(message))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


@bp.route("/try/<act_id>/<question>", methods=["GET", "POST"])
def decision(act_id: str, question: str) -> str:
    snap = snapshot()
    lib = snap.library
    act = get_act(lib, act_id)
    if question not in act.decisions and not any(
        question in (e.decisions or {}) for e in model.draft_editions(lib, act_id)
    ):
        abort(404)
    values = request.values
    edition, edition_value = _edition(lib, act_id, values.get("edition"))
    spec = _spec(lib, act, question, edition)
    schema = spec.case_schema
    examples = _examples(snap, act, question)
    lang = current_lang()

    raw_date = values.get("as_of", "")
    day = parse_user_date(raw_date) if raw_date.strip() else None
    date_error = bool(raw_date.strip()) and day is None

    case: Any = None
    problems: list[dict[str, str]] = []
    problems_title: str | None = None
    result: dict[str, Any] | None = None
    edition_error: str | None = None
    json_error: str | None = None
    example = None
    mode = values.get("mode", "form") if request.method == "POST" else "form"
    case_json = ""

    if request.method == "GET":
        wanted = values.get("example")
        example = next((e for e in examples if e["file"] == wanted), None)
        if example is not None:
            case = example["case"]
            day = day or example["as_of"]
        day = day or today()
    else:
        if mode == "json":
            case_json = values.get("case_json", "")
            case, json_error = _parse_json(case_json)
        else:
            read = schemaform.read_form(schema, request.form)
            case, problems = read.case, list(read.problems)
        action = values.get("action", "decide")
        if action.startswith(("add:", "remove:")) and mode == "form":
            case = schemaform.apply_row_action(case, action)
            day = day or today()
        elif json_error is None and not date_error:
            day = day or today()
            result, problems_title, edition_error = _decide(
                lib, act_id, question, case, day, lang, edition, problems
            )
        else:
            day = day or today()

    form = schemaform.build_form(schema, case if isinstance(case, dict) else {})
    errors = schemaform.field_errors(form, problems)
    if case is not None and mode == "form":
        case_json = json.dumps(case, ensure_ascii=False, indent=2)
    elif case is None and not case_json:
        case_json = json.dumps({}, indent=2)
    return render_template(
        "try.html",
        act=act,
        spec=spec,
        question=question,
        editions=lib.editions(act_id),
        edition_value=edition_value,
        edition=edition,
        day=day,
        raw_date=raw_date if date_error else "",
        date_error=date_error,
        examples=examples,
        example=example,
        form=form,
        errors=errors,
        problems_title=problems_title,
        result=result,
        edition_error=edition_error,
        json_error=json_error,
        mode=mode,
        case_json=case_json,
        choice_value=schemaform.choice_value,
        edition_select=model.edition_select,
        law_text=model.law_text,
        err_text=err_text,
    )


def _decide(
    lib: Any,
    act_id: str,
    question: str,
    case: Any,
    day: dt.date,
    lang: str,
    edition: Any | None,
    problems: list[dict[str, str]],
) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """Decide; on a refusal, add the engine's problems to `problems` (they carry JSON pointers)."""
    from engine import CaseError, EditionError

    if problems:  # the form itself could not be read: say so before deciding anything
        return None, None, None
    try:
        decision = lib.decide(
            question,
            case,
            as_of=day,
            act_id=act_id,
            lang=lang,
            explain=True,
            edition_id=edition.id if edition is not None else None,
        )
    except CaseError as exc:
        problems.extend(p.to_dict() for p in exc.problems)
        return None, exc.title, None
    except EditionError as exc:
        return None, None, str(exc)
    result = decision.to_dict()
    record_try(api(), act_id, question, case, day, lang, result)
    return result, None, None
