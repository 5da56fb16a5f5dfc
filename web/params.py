"""The decision parameters `as_of`, `act`, `lang`, `explain`: where they come from, what is valid.

Convention: the body is the case; the parameters are query parameters. They may instead be
fields of an envelope body `{"case": {...}, "as_of": ..., "act": ..., "lang": ...,
"explain": ...}` — recognised only when the object has a `case` key and no key outside those
five. For one case a parameter given both ways must agree; in a batch the query gives every
case's defaults and an envelope overrides them for its own case (one date per case).
"""

from __future__ import annotations

import datetime as _dt
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.casecodec import parse_date
from web.problems import Problem, quoted, say

DEFAULT_ZONE = "Asia/Almaty"
ENVELOPE_KEYS = frozenset({"case", "as_of", "act", "lang", "explain"})
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Params:
    as_of: _dt.date
    act: str | None
    lang: str | None
    explain: bool


def zone_of(config: Mapping[str, Any]) -> str:
    """The zone whose calendar date is the default `as_of` (`EREJE_TIMEZONE`)."""
    return config.get("EREJE_TIMEZONE") or DEFAULT_ZONE


def today(zone: str) -> _dt.date:
    """The calendar date now in `zone` (the default decision date)."""
    try:
        from zoneinfo import ZoneInfo

        return _dt.datetime.now(ZoneInfo(zone)).date()
    except Exception:  # no tz database: Kazakhstan is UTC+5 throughout since 2024
        return _dt.datetime.now(_dt.timezone(_dt.timedelta(hours=5))).date()


def _as_of(value: Any) -> _dt.date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise Problem(
            "invalid-parameter",
            say("problem.detail.as_of_format", value=quoted(value)),
            parameter="as_of",
        )
    try:
        return parse_date(value)  # the case codec's one date parser
    except ValueError:
        raise Problem(
            "invalid-parameter",
            say("problem.detail.as_of_no_such_day", value=quoted(value)),
            parameter="as_of",
        ) from None


def _explain(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise Problem(
        "invalid-parameter", say("problem.detail.explain", value=quoted(value)), parameter="explain"
    )


def _text(name: str, pattern: re.Pattern[str] | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if (
            not isinstance(value, str)
            or not value
            or len(value) > 100
            or (pattern is not None and not pattern.match(value))
        ):
            raise Problem(
                "invalid-parameter", say("problem.detail.bad_value", name=name, value=quoted(value)),
                parameter=name,
            )
        return value

    return parse


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "as_of": _as_of,
    "act": _text("act"),
    "lang": _text("lang", _LANG),
    "explain": _explain,
}


def split_envelope(body: Any) -> tuple[Any, dict[str, Any]]:
    """(case, fields) from a body that is either the case or an envelope around it."""
    if isinstance(body, dict) and "case" in body and body.keys() <= ENVELOPE_KEYS:
        return body["case"], {k: v for k, v in body.items() if k != "case"}
    return body, {}


def case_and_params(
    body: Any, query_string: bytes, parsed: Callable[[], Mapping[str, str]], zone: str
) -> tuple[Any, Params]:
    """A single decision's case and parameters, from its body (the case, or an envelope
    around it) and its query (`parsed` is called only when the query must be read again)."""
    case, fields = split_envelope(body)
    if fields:
        return case, resolve(parsed(), fields, zone)
    return case, resolve_query(query_string, parsed, zone)


def resolve(
    query: Mapping[str, str], fields: Mapping[str, Any], zone: str, fields_win: bool = False
) -> Params:
    """Merge query parameters and envelope fields (see the module docstring)."""
    values: dict[str, Any] = {}
    for name, parser in _PARSERS.items():
        given = [parser(v) for v in (query.get(name), fields.get(name)) if v is not None]
        if fields_win and len(given) == 2:
            given = given[1:]
        if len(given) == 2 and given[0] != given[1]:
            raise Problem(
                "invalid-parameter",
                say("problem.detail.given_twice", name=name, query=quoted(query.get(name)),
                    body=quoted(fields.get(name))),
                parameter=name,
            )
        values[name] = given[0] if given else None
    return Params(
        as_of=values["as_of"] if values["as_of"] is not None else today(zone),
        act=values["act"],
        lang=values["lang"],
        explain=bool(values["explain"]),
    )


class QueryMemo:
    """Answers worked out from a query string, remembered per string. Bounded: callers choose
    the strings, so a full memo is emptied rather than grown. Parsing a decision's query is
    most of the work of reading its parameters, and every caller sends the same few."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._known: dict[bytes, Any] = {}

    def get(self, query_string: bytes) -> Any:
        return self._known.get(query_string)

    def keep(self, query_string: bytes, value: Any) -> None:
        if len(self._known) >= self.limit:
            self._known.clear()
        self._known[query_string] = value


# Only query strings that name their date: the result must not depend on the day.
_PARAMS = QueryMemo(256)


def resolve_query(
    query_string: bytes, parsed: Callable[[], Mapping[str, str]], zone: str
) -> Params:
    """`resolve(parsed(), {}, zone)`, remembered per query string once it has parsed
    (`parsed` is called only on a miss: parsing the query is most of the work)."""
    params: Params | None = _PARAMS.get(query_string)
    if params is None:
        query = parsed()
        params = resolve(query, {}, zone)
        if query.get("as_of") is not None:
            _PARAMS.keep(query_string, params)
    return params


@dataclass(frozen=True)
class _Scope:
    questions: frozenset[str]
    langs: frozenset[str]


# Per library (a reload makes a new one): the questions and languages of each act and of all.
_SCOPES: weakref.WeakKeyDictionary[Any, dict[str | None, _Scope]] = weakref.WeakKeyDictionary()


def _scopes(library: Any) -> dict[str | None, _Scope]:
    scopes = _SCOPES.get(library)
    if scopes is None:
        acts = library.acts

        def scope_of(chosen: list[Any]) -> _Scope:
            return _Scope(
                frozenset(name for a in chosen for name in a.decisions),
                frozenset(lang for a in chosen for lang in (a.languages or {})),
            )

        scopes = {act_id: scope_of([act]) for act_id, act in acts.items()}
        scopes[None] = scope_of(list(acts.values()))
        _SCOPES[library] = scopes
    return scopes


def check_question(library: Any, question: str, params: Params) -> None:
    """404 (or 400 for a language) before any work when the request cannot be decided at all."""
    scope = _scopes(library).get(params.act)
    if scope is None:
        raise Problem(
            "unknown-act", say("problem.detail.unknown_act", act=quoted(params.act)), known=sorted(library.acts)
        )
    if question not in scope.questions:
        raise Problem(
            "unknown-question",
            say("problem.detail.unknown_question_in_act", question=quoted(question), act=params.act)
            if params.act
            else say("problem.detail.unknown_question", question=quoted(question)),
            known=sorted(scope.questions),
        )
    if params.lang is not None:
        langs = sorted(scope.langs)
        if params.lang not in scope.langs:
            raise Problem(
                "invalid-parameter",
                say("problem.detail.lang_not_of_act", value=quoted(params.lang), allowed=", ".join(langs)),
                parameter="lang",
            )
