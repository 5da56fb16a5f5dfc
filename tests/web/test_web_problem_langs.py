"""Problem documents speak the caller's language; their machine members do not change with it.

The language is the `lang` query parameter (or a decision envelope's `lang`), Kazakh by
default, as for the answers. Each refused case's errors are said from the engine's structured
problems, the field named by its title in the act's fields.yaml.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from webfixtures import AS_OF, AUTH, CASE

from engine import i18n
from web.problems import PROBLEM_BASE

URL = f"/v1/decisions/enrollment?as_of={AS_OF}"
LANGS = ("kk", "ru", "en")


def _with_lang(url: str, lang: str | None) -> str:
    if lang is None:
        return url
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def _problem(resp: Any, status: int, slug: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json(force=True)
    assert body["type"] == PROBLEM_BASE + slug and body["status"] == status
    return body


def _bad_case() -> dict[str, Any]:
    case = copy.deepcopy(CASE)
    case["employee"]["attestation"]["date"] = "2025-02-30"  # no such day
    case["employee"]["service_years"] = "twelve"  # a number is expected
    del case["employee"]["training"]  # required
    case["employee"]["body"] = "ministry"  # not one of the choices
    case["employee"]["shoe_size"] = 44  # the schema has no such fact
    return case


def _by_kind(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["kind"]: e for e in body["errors"]}


EXPECTED_422 = {
    "kk": {
        "format": "«Аттестаттау күні»: күн ЖЖЖЖ-АА-КК түрінде жазылады",
        "required": "«{training}» көрсетілмеген: бұл өріс міндетті.",
        "type": "«{years}»: сан болуы тиіс.",
        "enum": "«{body}»: мына мәндердің бірі болуы тиіс:",
        "additionalProperties": "Жағдай схемасында мұнда \"shoe_size\" өрісі жоқ",
    },
    "ru": {
        "format": "«Дата аттестации»: дата записывается как ГГГГ-ММ-ДД",
        "required": "Не указано «{training}»: это поле обязательно.",
        "type": "«{years}»: ожидается число.",
        "enum": "«{body}»: должно быть одним из значений:",
        "additionalProperties": "В схеме случая здесь нет поля \"shoe_size\"",
    },
    "en": {
        "format": "“Date of the attestation”: a date is written YYYY-MM-DD",
        "required": "“{training}” is missing: the field is required.",
        "type": "“{years}”: expected a number.",
        "enum": "“{body}”: must be one of",
        "additionalProperties": "The case schema has no field \"shoe_size\" here",
    },
}


def _titles(app: Any, lang: str) -> dict[str, str]:
    from engine.fieldtexts import load_field_texts
    from web.policies import get_holder

    with app.app_context():
        act = get_holder().snapshot.library.act("U1300000624")
    texts = load_field_texts(act.directory)
    return {
        name: texts.title(f"employee.{key}", lang) or ""
        for name, key in (("training", "training"), ("years", "service_years"), ("body", "body"))
    }


def test_invalid_case_is_said_in_each_language_with_the_same_machine_members(app, client) -> None:
    machine = None
    for lang in LANGS:
        body = _problem(client.post(_with_lang(URL, lang), json=_bad_case(), headers=AUTH), 422, "invalid-case")
        assert body["title"] == i18n.text("problem.invalid-case", lang)
        assert body["detail"] == i18n.text("problem.detail.case_invalid", lang, count=len(body["errors"]))
        errors = _by_kind(body)
        assert set(errors) >= {"format", "required", "type", "enum", "additionalProperties"}
        titles = _titles(app, lang)
        assert all(titles.values()), titles  # the fields have titles in every language
        for kind, start in EXPECTED_422[lang].items():
            assert start.format(**titles) in errors[kind]["message"], (lang, kind, errors[kind])
        assert errors["required"]["field"] == "training"
        assert errors["format"]["pointer"] == "/employee/attestation/date"
        same = [(e["pointer"], e["kind"], e.get("field")) for e in body["errors"]]
        machine = machine or (body["type"], body["status"], same)
        assert (body["type"], body["status"], same) == machine


def test_kazakh_is_the_default_and_the_envelope_lang_is_followed(client) -> None:
    plain = _problem(client.post(URL, json=_bad_case(), headers=AUTH), 422, "invalid-case")
    assert plain["title"] == i18n.text("problem.invalid-case", "kk") == "Жағдай тексеруден өтпеді"
    envelope = {"case": _bad_case(), "lang": "ru"}
    ru = _problem(client.post(URL, json=envelope, headers=AUTH), 422, "invalid-case")
    assert ru["title"] == "Случай не прошёл проверку"
    assert [e["pointer"] for e in ru["errors"]] == [e["pointer"] for e in plain["errors"]]


@pytest.mark.parametrize("lang", LANGS)
def test_401_in_each_language(client, lang: str) -> None:
    resp = client.post(_with_lang(URL, lang), json=CASE)
    body = _problem(resp, 401, "unauthorized")
    assert body["title"] == i18n.text("problem.unauthorized", lang)
    assert body["detail"] == i18n.text("problem.detail.no_token", lang)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = _problem(client.post(_with_lang(URL, lang), json=CASE, headers={"Authorization": "Bearer nope"}),
                     401, "unauthorized")
    assert wrong["detail"] == {"kk": "Токен жарамсыз.", "ru": "Токен недействителен.",
                               "en": "The token is not valid."}[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_413_in_each_language(make_app, lang: str) -> None:
    c = make_app(MAX_CONTENT_LENGTH=2000).test_client()
    case = copy.deepcopy(CASE)
    case["target_position"]["title"] = "x" * 3000
    body = _problem(c.post(_with_lang(URL, lang), json=case, headers=AUTH), 413, "payload-too-large")
    assert body["title"] == i18n.text("problem.payload-too-large", lang)
    assert body["detail"] == i18n.text("problem.detail.http.413", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_404s_in_each_language(client, lang: str) -> None:
    body = _problem(client.get(_with_lang("/v1/nowhere", lang), headers=AUTH), 404, "not-found")
    assert body["title"] == i18n.text("problem.not-found", lang)
    assert body["detail"] == i18n.text("problem.detail.http.404", lang)
    act = _problem(client.get(_with_lang("/v1/acts/NOPE", lang), headers=AUTH), 404, "unknown-act")
    assert act["detail"] == i18n.text("problem.detail.unknown_act", lang, act='"NOPE"')
    assert act["known"] == ["U1300000624"] or "U1300000624" in act["known"]
    question = _problem(client.post(_with_lang("/v1/decisions/nope", lang), json=CASE, headers=AUTH),
                        404, "unknown-question")
    assert question["title"] == i18n.text("problem.unknown-question", lang)
    assert '"nope"' in question["detail"]


def test_the_titles_differ_by_language(client) -> None:
    titles = {
        lang: _problem(client.get(_with_lang("/v1/nowhere", lang)), 404, "not-found")["title"]
        for lang in LANGS
    }
    assert titles == {"kk": "Мұндай ресурс жоқ", "ru": "Ресурс не найден", "en": "No such resource"}


def test_an_unknown_lang_is_refused_not_replaced(client) -> None:
    body = _problem(client.post(_with_lang(URL, "de"), json=CASE, headers=AUTH), 400, "invalid-parameter")
    assert body["parameter"] == "lang"
    assert body["title"] == i18n.text("problem.invalid-parameter", "kk")  # said in the default
    assert '"de"' in body["detail"]
    with pytest.raises(i18n.UnknownLanguage):
        i18n.text("problem.invalid-parameter", "de")


def test_each_refused_case_of_a_batch_speaks_its_own_envelope_language(client) -> None:
    batch = f"/v1/decisions/enrollment/batch?as_of={AS_OF}"
    cases = [_bad_case(), {"case": _bad_case(), "lang": "ru"}, {"case": _bad_case(), "lang": "en"}]
    resp = client.post(batch, json=cases, headers=AUTH)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    problems = [r["problem"] for r in resp.get_json()["results"]]
    assert [p["title"] for p in problems] == [
        i18n.text("problem.invalid-case", lang) for lang in ("kk", "ru", "en")
    ]
    assert len({json.dumps([(e["pointer"], e["kind"]) for e in p["errors"]]) for p in problems}) == 1
