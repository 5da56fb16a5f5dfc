"""Try a case through the test client: the form generated from each case schema, every shipped
example decided through it, invalid input next to its field, JSON, rows, dates, drafts."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from htmlform import element_ids, form_fields

from web.pages.schemaform import field_id

ACT = "U1300000624"
ELIGIBLE = "enrollment/eligible-nominee.json"


def library(app: Any) -> Any:
    return app.extensions["ereje.policies"].snapshot.library


def examples() -> list[dict[str, Any]]:
    from engine.loader import load_act
    from engine.tools.casegen import example_cases

    out = []
    root = Path(__file__).resolve().parents[2] / "policies"
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        act, _ = load_act(directory, root)
        if act is None:
            continue
        out.extend({**e, "act": act.id} for e in example_cases(act))
    return out


EXAMPLES = examples()


def outcome_of(html: str) -> str | None:
    m = re.search(r'data-outcome="([^"]+)"', html)
    return m.group(1) if m else None


def cited(html: str, which: str = "decided") -> list[str]:
    """The clauses listed as having decided the case (or, `which="considered"`, as considered)."""
    marker = f'<ul class="citations {which}">'
    if marker not in html:
        return []
    section = html[html.index(marker) :]
    section = section[: section.index("</ul>")]
    return re.findall(r'<a class="cite" href="[^"]*">([^<]+)</a>', section)


def submit(client: Any, url: str, fields: list[tuple[str, str]], **extra: str) -> str:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    for name, value in extra.items():
        data[name] = [value]
    resp = client.post(url, data=data)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


# ---- the form --------------------------------------------------------------------------------------


def test_index_lists_every_decision(app: Any, en_client: Any) -> None:
    html = en_client.get("/try").get_data(as_text=True)
    for act in library(app).acts.values():
        for name in act.decisions:
            assert f'href="/try/{act.id}/{name}"' in html


def _leaves(schema: dict[str, Any], node: Any, pointer: str, out: list[str]) -> None:
    from web.pages.schemaform import _kind, _resolve

    node = _resolve(node, schema)
    kind = _kind(node, schema)
    if kind == "object":
        for name, sub in (node.get("properties") or {}).items():
            _leaves(schema, sub, f"{pointer}/{name}", out)
    elif kind == "rows":
        out.append(pointer + "/")  # a container of rows
    else:
        out.append(pointer)


@pytest.mark.parametrize(
    "act_id,question",
    [(a, q) for a in ("U1300000624", "KZ-HEALTH-CODE-2020", "KZ-HEALTH-DSM-303-2020")
     for q in {"U1300000624": ["acting_duties", "appointment", "enrollment", "exclusion", "route",
                               "schedule", "submission"]}.get(a, ["budget_funded_education_abroad"])],
)
def test_the_form_has_a_field_for_every_fact_of_the_case_schema(
    app: Any, en_client: Any, act_id: str, question: str
) -> None:
    spec = library(app).act(act_id).decisions[question]
    html = en_client.get(f"/try/{act_id}/{question}").get_data(as_text=True)
    leaves: list[str] = []
    _leaves(spec.case_schema, spec.case_schema, "", leaves)
    assert leaves
    ids = element_ids(html)
    for leaf in leaves:
        if leaf.endswith("/"):
            assert f'data-rows="{leaf[:-1]}"' in html, leaf
        else:
            assert f'name="f:{leaf}"' in html, leaf
            assert field_id(leaf) in ids or f'data-rows="{leaf}"' in html


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e['act']}:{e['file']}" for e in EXAMPLES])
def test_every_shipped_example_decided_through_the_form(app: Any, en_client: Any, example: dict[str, Any]) -> None:
    """The form shows the example; what a browser submits from it is the same case, and the
    page's answer is the engine's."""
    url = f"/try/{example['act']}/{example['question']}"
    html = en_client.get(url, query_string={"example": example["file"]}).get_data(as_text=True)
    fields = form_fields(html)
    assert ("as_of", example["as_of"].strftime("%d.%m.%Y")) in fields
    page = submit(en_client, url, fields, action="decide")
    # the case read back from the form is the example's case
    shown = re.search(r'<textarea id="case_json" name="case_json"[^>]*>(.*?)</textarea>', page, re.S)
    assert shown is not None
    import html as htmlmod

    assert json.loads(htmlmod.unescape(shown.group(1))) == example["case"]
    decision = library(app).decide(
        example["question"], example["case"], as_of=example["as_of"], act_id=example["act"], lang="en"
    )
    assert outcome_of(page) == decision.outcome
    assert cited(page) == [c.clause for c in decision.clauses if c.role != "not_triggered"]
    considered = cited(page, "considered")
    assert {c.clause for c in decision.clauses if c.role == "not_triggered"} <= set(considered)
    assert not set(considered) & set(cited(page))


def test_outcome_citations_facts_and_trace(en_client: Any) -> None:
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(en_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    page = submit(en_client, url, fields, action="decide")
    assert outcome_of(page) == "eligible"
    assert "May be enrolled" in page
    # cited clauses link to their stable address, as of the decision date
    assert f'<a class="cite" href="/acts/{ACT}/clauses/rules.8.1?as_of=2025-06-01">rules.8.1</a>' in page
    assert "satisfied" in page and "not triggered" in page
    assert "<code>/employee/service_years</code>" in page  # facts used
    assert "How it was worked out" in page  # the trace
    assert "employee.service_years &gt;= target_position.requirements.min_service_years" in page
    assert "Decided under U1300000624@U2500000853" in page  # the engine's warning on the uncertain date


def test_trying_a_case_is_logged(app: Any, en_client: Any) -> None:
    store = app.extensions["ereje.store"]
    before = store.ids()
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(en_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    assert outcome_of(submit(en_client, url, fields, action="decide")) == "eligible"
    (new,) = store.ids() - before
    record = store.get(new)
    assert (record.caller, record.outcome, record.question) == ("anonymous", "eligible", "enrollment")
    assert record.client["via"] == "/try" and record.case["employee"]


# ---- invalid input next to its field -------------------------------------------------------------


def _replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(n == name for n, _ in fields), name
    return [(n, value if n == name else v) for n, v in fields]


def test_invalid_input_is_shown_next_to_its_field(en_client: Any, kk_client: Any) -> None:
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(en_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    fields = _replace(fields, "f:/employee/body", "")  # required, left empty
    fields = _replace(fields, "f:/employee/service_years", "many")
    fields = _replace(fields, "f:/employee/sanctions/0/imposed_on", "30.02.2023")
    page = submit(en_client, url, fields, action="decide")
    assert outcome_of(page) is None
    assert 'id="errors"' in page
    for pointer, message in (
        ("/employee/body", "Required."),
        ("/employee/service_years", "Expected a number."),
        ("/employee/sanctions/0/imposed_on", "Not a date: write it as DD.MM.YYYY."),
    ):
        fid = field_id(pointer)
        error = re.search(rf'<div class="field-error" id="{fid}-e" role="alert">(.*?)</div>', page, re.S)
        assert error is not None, pointer
        assert message in error.group(1)
        assert re.search(rf'id="{fid}"[^>]*aria-invalid="true"', page) or re.search(
            rf'aria-invalid="true"[^>]*id="{fid}"', page
        ) or f'id="{fid}" name="f:{pointer}" value="' in page
        assert re.search(rf'<a href="#{fid}">[^<]+</a>: [^<]+ <code class="ptr">{pointer}</code>', page)  # summary → field
    assert 'value="many"' in page  # what was typed is kept
    # in Kazakh and Russian, in those languages only, dates as the field asks for them
    page = submit(kk_client, url, fields, action="decide")
    assert "Міндетті өріс." in page and "Күтілгені: сан." in page and "КК.АА.ЖЖЖЖ түрінде" in page
    assert "required property" not in page and "is not of type" not in page
    page = submit(kk_client, url + "?lang=ru", fields, action="decide")
    assert "Обязательное поле." in page and "Ожидается: число." in page and "ДД.ММ.ГГГГ" in page


def test_an_invalid_decision_date_hides_no_other_error(kk_client: Any) -> None:
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(kk_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    fields = _replace(fields, "f:/employee/body", "")
    fields = _replace(fields, "f:/employee/service_years", "many")
    page = submit(kk_client, url, _replace(fields, "as_of", "31.02.2025"), action="decide")
    assert outcome_of(page) is None
    assert 'id="as_of-e"' in page and 'value="31.02.2025"' in page
    summary = page[page.index('id="errors"') :]
    summary = summary[: summary.index("</div>")]
    assert summary.count("<li>") == 3  # the date, the missing body, the bad number: all at once
    for pointer in ("/employee/body", "/employee/service_years"):
        assert f'id="{field_id(pointer)}-e"' in page


def test_missing_fact_the_answer_depends_on(en_client: Any) -> None:
    """The engine refuses a case whose missing optional fact could change the outcome, naming it."""
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(en_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    fields = _replace(fields, "f:/employee/attestation/decision", "")
    page = submit(en_client, url, fields, action="decide")
    assert outcome_of(page) is None
    assert 'id="errors"' in page
    assert field_id("/employee/attestation") in page or field_id("/employee/attestation/decision") in page


def test_unreadable_decision_date(en_client: Any) -> None:
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(en_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    page = submit(en_client, url, _replace(fields, "as_of", "2025-13-01"), action="decide")
    assert outcome_of(page) is None
    assert 'id="as_of-e"' in page and 'value="2025-13-01"' in page


def test_a_date_before_the_first_edition_is_refused_with_the_clauses_missing(en_client: Any) -> None:
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(en_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    page = submit(en_client, url, _replace(fields, "as_of", "01.06.2020"), action="decide")
    assert outcome_of(page) is None
    assert "No encoded edition decides this on that date" in page
    assert "does not encode clause(s) rules.1, rules.4" in page


def test_deciding_under_the_draft(en_client: Any) -> None:
    url = f"/try/{ACT}/appointment"
    html = en_client.get(url).get_data(as_text=True)
    assert 'value="draft:draft-hypothetical-reserve-terms"' in html
    case = next(e for e in EXAMPLES if e["file"] == "appointment/appointable.json")["case"]
    spec_fields = [("case_json", json.dumps(case)), ("mode", "json"), ("as_of", "02.02.2026")]
    page_now = submit(en_client, url, spec_fields, action="decide")
    page_draft = submit(en_client, url, spec_fields, action="decide", edition="draft:draft-hypothetical-reserve-terms")
    assert "Decided under the DRAFT draft-hypothetical-reserve-terms" in page_draft
    # enrolled 30.09.2025: on 02.02.2026 appointable (three months), too early under the draft (six)
    assert outcome_of(page_now) == "appointable"
    assert outcome_of(page_draft) == "too_early"


# ---- JSON ------------------------------------------------------------------------------------------


def test_json_alternative(app: Any, en_client: Any) -> None:
    url = f"/try/{ACT}/enrollment"
    case = next(e for e in EXAMPLES if e["file"] == ELIGIBLE)["case"]
    page = submit(en_client, url, [("mode", "json"), ("case_json", json.dumps(case)), ("as_of", "2025-06-01")])
    assert outcome_of(page) == "eligible"
    # the form below is filled from the JSON
    assert 'name="f:/employee/service_years" value="14"' in page
    page = submit(en_client, url, [("mode", "json"), ("case_json", "{not json"), ("as_of", "2025-06-01")])
    assert outcome_of(page) is None and "The text is not valid JSON" in page
    bad = json.loads(json.dumps(case))
    bad["employee"]["body"] = "ministry"
    page = submit(en_client, url, [("mode", "json"), ("case_json", json.dumps(bad)), ("as_of", "2025-06-01")])
    assert f'<a href="#{field_id("/employee/body")}">Special state body</a>' in page
    assert "Not one of the allowed values." in page
    deep = "[" * 100 + "]" * 100
    page = submit(en_client, url, [("mode", "json"), ("case_json", deep), ("as_of", "2025-06-01")])
    assert "nested deeper" in page
    page = submit(en_client, url, [("mode", "json"), ("case_json", '{"a": NaN}'), ("as_of", "2025-06-01")])
    assert "not a JSON number" in page


# ---- rows without JavaScript -----------------------------------------------------------------------


def test_rows_are_added_and_removed_without_javascript(en_client: Any) -> None:
    url = f"/try/{ACT}/enrollment"
    fields = form_fields(en_client.get(url, query_string={"example": ELIGIBLE}).get_data(as_text=True))
    assert ("r:/employee/sanctions/0", "1") in fields
    assert not any(n.startswith("r:/employee/sanctions/1") for n, _ in fields)
    page = submit(en_client, url, fields, action="add:/employee/sanctions")
    assert outcome_of(page) is None  # adding a row decides nothing
    added = form_fields(page)
    assert ("r:/employee/sanctions/1", "1") in added
    assert ("f:/employee/sanctions/0/kind", '"remark"') in added  # the first row is kept
    page = submit(en_client, url, added, action="remove:/employee/sanctions/0")
    kept = form_fields(page)
    assert ("r:/employee/sanctions/0", "1") in kept and not any(n.startswith("r:/employee/sanctions/1") for n, _ in kept)
    assert ("f:/employee/sanctions/0/kind", "") in kept  # the empty row moved up
    # rows with gaps in their indices (as the script leaves them) are read in order
    gappy = [(n.replace("/sanctions/0", "/sanctions/7"), v) for n, v in fields]
    page = submit(en_client, url, gappy, action="decide")
    assert outcome_of(page) == "eligible"


# ---- permalinks ------------------------------------------------------------------------------------


def test_a_tried_case_has_a_link_that_reproduces_it(app: Any, en_client: Any, kk_client: Any) -> None:
    import html as htmlmod

    url = f"/try/{ACT}/appointment"
    examples = [e for e in EXAMPLES if e["question"] == "appointment"]
    for example in examples:
        fields = form_fields(en_client.get(url, query_string={"example": example["file"]}).get_data(as_text=True))
        page = submit(en_client, url, fields, action="decide")
        found = re.search(r'<a id="permalink" href="([^"]+)"', page)
        assert found is not None
        link = htmlmod.unescape(found.group(1))
        assert len(link) < 4000  # under gunicorn's request-line limit
        again = kk_client.get(link)  # another reader, another language: the same case decided again
        assert again.status_code == 200
        assert outcome_of(again.get_data(as_text=True)) == outcome_of(page)
        assert cited(again.get_data(as_text=True)) == cited(page)
    # a damaged link says so and decides nothing
    page = en_client.get(url, query_string={"c": "eJzLSM3JyVcozy_KSQEAGgQEXQ" + "x"}).get_data(as_text=True)
    assert 'id="bad-link"' in page and outcome_of(page) is None
    page = en_client.get(url, query_string={"c": "not base64!"}).get_data(as_text=True)
    assert 'id="bad-link"' in page


def test_a_link_never_inflates_beyond_its_bound() -> None:
    import base64
    import datetime as dt
    import os
    import zlib

    from web.pages.tryit import MAX_LINK, permalink, read_permalink

    # a small token that inflates past the bound is refused
    bomb = base64.urlsafe_b64encode(zlib.compress(b'{"case":"' + b"a" * 1_000_000 + b'"}', 9)).decode()
    assert len(bomb) <= MAX_LINK
    assert read_permalink(bomb.rstrip("=")) is None
    day = dt.date(2025, 6, 1)
    token = permalink({"employee": {"name": "Ә"}}, day, "")
    assert token is not None
    assert read_permalink(token) == {"case": {"employee": {"name": "Ә"}}, "as_of": "2025-06-01"}
    assert permalink({"x": base64.b64encode(os.urandom(4000)).decode()}, day, "") is None


def test_the_form_speaks_the_readers_language(kk_client: Any) -> None:
    url = f"/try/{ACT}/enrollment?example={ELIGIBLE}"
    kk = kk_client.get(url).get_data(as_text=True)
    ru = kk_client.get(url + "&lang=ru").get_data(as_text=True)
    en = kk_client.get(url + "&lang=en").get_data(as_text=True)
    fid = field_id("/employee/sanctions/0/kind")
    for page, title, choice, help_text in (
        (kk, "Жазаның түрі", "Қатаң сөгіс", "Тәртіптік жазаның түрі"),
        (ru, "Вид взыскания", "Строгий выговор", "Вид дисциплинарного взыскания"),
        (en, "Kind of sanction", "Severe reprimand", "Kind of disciplinary sanction"),
    ):
        assert re.search(rf'<label for="{fid}">{title}', page)
        assert f">{choice}</option>" in page
        assert f'<p class="hint" id="{fid}-d">{help_text}</p>' in page  # in the page's language, not marked en
    assert "severe reprimand" not in kk and "Kind of disciplinary sanction" not in kk
