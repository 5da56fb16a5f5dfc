"""Try a case: pick a decision, fill the form generated from its case schema (or paste JSON),
choose the date, read the outcome, the clauses that decided it, the facts used and the trace.

    /try                                   the decisions of every act
    /try/<act>/<question>                  the form (GET ?example=<file> starts from an example)
    POST /try/<act>/<question>             decide (or add / remove a row without JavaScript)

The page calls the engine directly, with the `Library` of the live snapshot the API uses. Each
decision is written to the decision log before it is shown (`web.pagelog`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from typing import Any

from flask import Blueprint, abort, render_template, request

from engine.casecodec import case_text, encode_json
from engine.edition import decision_specs
from engine.i18n import N_
from web.pagelog import record_try
from web.pages import model, schemaform
from web.pages.caseproblems import Problem, refusal_problems, schema_problems
from web.pages.common import api, get_act, snapshot, today
from web.pages.i18n import current_lang, parse_user_date
from web.pages.model import LRU

bp = Blueprint("tryit", __name__)

_EXAMPLES = LRU(8)


_FIELD_TEXTS = LRU(8)


def _field_texts(snap: Any, act: Any) -> Any:
    """The act's field titles, help and choice labels (policies/<act>/fields.yaml), per snapshot."""
    from engine.fieldtexts import load_field_texts

    return _FIELD_TEXTS.get((snap.version, act.id), lambda: load_field_texts(act.directory))


def _examples(snap: Any, act: Any, question: str) -> list[dict[str, Any]]:
    from engine.tools.casegen import example_cases

    everything = _EXAMPLES.get((snap.version, act.id), lambda: example_cases(act))
    return [e for e in everything if e["question"] == question]


@bp.get("/try")
def index() -> str:
    lib = snapshot().library
    acts = [lib.acts[a] for a in sorted(lib.acts) if lib.acts[a].decisions]
    return render_template("try_index.html", acts=acts)


def _spec(lib: Any, act: Any, question: str, edition: Any | None) -> Any:
    specs = decision_specs(act, edition) if edition is not None else act.decisions
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
    """The pasted case read by the case codec (the service's numbers and limits)."""
    from engine.casecodec import CaseDecodeError, decode_case

    if not text.strip():
        return None, "empty"
    try:
        return decode_case(text), None
    except CaseDecodeError as exc:
        return None, exc.detail




@bp.route("/try/<act_id>/<question>", methods=["GET", "POST"])
def decision(act_id: str, question: str) -> str:
    snap = snapshot()
    lib = snap.library
    act = get_act(lib, act_id)
    if question not in act.decisions and not any(
        question in decision_specs(act, e) for e in model.draft_editions(lib, act_id)
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
    problems: list[Problem] = []
    refusal: str | None = None  # the engine's own words when it refuses a schema-valid case otherwise
    result: dict[str, Any] | None = None
    edition_error: str | None = None
    json_error: str | None = None
    link_error = False
    example = None
    mode = values.get("mode", "form") if request.method == "POST" else "form"
    case_json = ""

    if request.method == "GET":
        wanted = values.get("example")
        example = next((e for e in examples if e["file"] == wanted), None)
        if values.get("c"):
            shared = read_permalink(values["c"])
            if shared is None:
                link_error = True
            else:
                case = shared["case"]
                if not raw_date.strip():
                    day = parse_user_date(shared.get("as_of") or "")
                if not values.get("edition"):
                    edition, edition_value = _edition(lib, act_id, shared.get("edition"))
                    spec = _spec(lib, act, question, edition)
                    schema = spec.case_schema
        elif example is not None:
            case = example["case"]
            day = day or example["as_of"]
        day = day or today()
        if case is not None and not date_error and values.get("c") and not link_error:
            problems = schema_problems(schema, case)
            if not problems:
                result, problems, refusal, edition_error = _decide(lib, act_id, question, case, day, lang, edition)
    else:
        if mode == "json":
            case_json = values.get("case_json", "")
            case, json_error = _parse_json(case_json)
        else:
            read = schemaform.read_form(schema, request.form)
            case = read.case
            problems = [Problem(p["pointer"], N_("err.json"), engine_message=p["message"]) for p in read.problems]
        action = values.get("action", "decide")
        day = day or today()
        if action.startswith(("add:", "remove:")) and mode == "form":
            case = schemaform.apply_row_action(case, action)
        elif json_error is None:
            # Every field's problems at once, whether or not the date can be read.
            problems = problems or schema_problems(schema, case)
            if not problems and not date_error:
                result, problems, refusal, edition_error = _decide(lib, act_id, question, case, day, lang, edition)

    form = schemaform.apply_texts(
        schemaform.build_form(schema, case if isinstance(case, dict) else {}), _field_texts(snap, act), lang
    )
    errors = schemaform.field_errors(form, [p.to_dict(lang) for p in problems])
    if case is not None and mode == "form":
        case_json = case_text(case)
    elif case is None and not case_json:
        case_json = json.dumps({}, indent=2)
    link = None
    if result is not None:
        link = permalink(case, day, edition_value)
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
        refusal=refusal,
        result=result,
        decided=[c for c in (result or {}).get("clauses", []) if c["role"] not in CONSIDERED_ROLES],
        considered=_considered(result, spec),
        edition_error=edition_error,
        json_error=json_error,
        link_error=link_error,
        link=link,
        link_limit=MAX_LINK,
        mode=mode,
        case_json=case_json,
        choice_value=schemaform.choice_value,
        edition_select=model.edition_select,
        law_text=model.law_text,
    )


# A cited clause in one of these roles was looked at but did not make the outcome.
CONSIDERED_ROLES = frozenset({"not_triggered"})


def _considered(result: dict[str, Any] | None, spec: Any) -> list[dict[str, Any]]:
    """The clauses the decision reads that did not decide this case: cited as not triggered, or
    not cited at all (each with its role, None when the engine did not cite it)."""
    if result is None:
        return []
    cited = {c["clause"]: c for c in result.get("clauses", [])}
    out = [c for c in cited.values() if c["role"] in CONSIDERED_ROLES]
    out += [{"clause": c, "role": None, "text": None, "lang": None} for c in spec.clauses if c not in cited]
    return out


# ---- permalinks: the case in the address -------------------------------------------------------

# Gunicorn refuses a request line over 4094 bytes (`limit_request_line`); the link stays under
# it with room for the path and the other parameters. A larger case is kept as JSON instead.
MAX_LINK = 3500
MAX_SHARED_BYTES = 256 * 1024  # what a link may inflate to


def permalink(case: Any, day: dt.date, edition: str | None) -> str | None:
    """`c=` for this case, date and edition: JSON, deflated, base64url; None when too long."""
    shared = {"case": case, "as_of": day.isoformat()}
    if edition:
        shared["edition"] = edition
    raw = encode_json(shared, sort_keys=True).encode()  # decimals exact, as the codec reads them back
    token = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()
    return token if len(token) <= MAX_LINK else None


def read_permalink(token: str) -> dict[str, Any] | None:
    """The case, date and edition of a `c=` token; None if it is not one (damaged, too large)."""
    if len(token) > MAX_LINK or not all(ch.isalnum() or ch in "-_" for ch in token):
        return None
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_SHARED_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            return None
        shared, error = _parse_json(raw.decode("utf-8"))
    except (ValueError, zlib.error, UnicodeDecodeError):
        return None
    if error is not None or not isinstance(shared, dict) or "case" not in shared:
        return None
    if not isinstance(shared.get("as_of", ""), str) or not isinstance(shared.get("edition", ""), str):
        return None
    return shared


def _decide(
    lib: Any,
    act_id: str,
    question: str,
    case: Any,
    day: dt.date,
    lang: str,
    edition: Any | None,
) -> tuple[dict[str, Any] | None, list[Problem], str | None, str | None]:
    """Decide a case the schema admits: the answer, or the engine's refusal as problems (each at
    its pointer), or the edition error."""
    from engine import CaseError, EditionError

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
        return None, refusal_problems(exc.problems), exc.title, None
    except EditionError as exc:
        return None, [], None, str(exc)
    result = decision.to_dict()
    record_try(api(), act_id, question, case, day, lang, result)
    return result, [], None, None
