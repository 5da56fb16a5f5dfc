"""Compare, Traceability and Monitoring through the test client, checked against what the engine's
own tools (engine.tools.diff, engine.tools.impact, engine.tools.trace, engine.tools.stability, engine.tools.lint) report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

ACT = "U1300000624"
DRAFT = "draft:draft-hypothetical-reserve-terms"
CURRENT = "U1300000624@U2500000853"


def page(client: Any, url: str, **query: Any) -> str:
    resp = client.get(url, query_string=query)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def library(app: Any) -> Any:
    return app.extensions["ereje.policies"].snapshot.library


# ---- compare ---------------------------------------------------------------------------------------


def test_compare_the_current_edition_with_the_draft(app: Any, en_client: Any) -> None:
    html = page(en_client, "/compare", act=ACT, **{"from": CURRENT, "to": DRAFT})
    # the word-level change of 14 (part 1), side by side, in both languages
    block = html[html.index('id="chg-rules.14.part1"') :]
    block = block[: block.index("</article>")]
    assert "<del>three</del>" in block and "<ins>five</ins>" in block
    assert "<del>үш</del>" in block and "<ins>бес</ins>" in block
    # the rule change in words, as engine.tools.diff describes it
    from engine.tools.diff import diff_editions
    from engine.tools.selection import select_edition

    lib = library(app)
    act = lib.act(ACT)
    d = diff_editions(act, select_edition(lib, ACT, CURRENT), act, select_edition(lib, ACT, DRAFT))
    for c in d.clauses:
        assert f'id="chg-{c.clause}"' in html
        for r in c.rule:
            assert r.message.replace("'", "&#39;") in html
    assert "the period after spell.enrolled_on changed from 3 years to 5 years" in html
    # decisions affected, with witness cases whose outcome differs and a way to try them
    for dc in d.decisions:
        assert f'id="dc-{dc.decision}"' in html
    witnesses = html[html.index('id="dc-appointment"') :]
    assert "Cases whose outcome differs" in witnesses
    assert 'name="edition" value="draft:draft-hypothetical-reserve-terms"' in witnesses
    # the impact on the act's example cases
    assert "Impact on the act&#39;s example cases" in html
    assert re.search(r"\d+ example cases, \d+ valid; [1-9]\d* change outcome", html)
    assert "DRAFT" in html


def test_compare_defaults_to_the_current_edition_and_the_draft(en_client: Any) -> None:
    html = page(en_client, "/compare")
    assert f'<option value="{CURRENT}" selected>' in html
    assert f'<option value="{DRAFT}" selected>' in html
    assert 'id="chg-rules.14.part1"' in html


def test_compare_two_dates(en_client: Any) -> None:
    html = page(en_client, "/compare", act=ACT, from_date="01.01.2024", to_date="2025-06-01")
    assert "U2300000290" in html and "U2500000853" in html
    assert 'id="chg-rules.18.3"' in html  # the Rules were set out in new wording by No. 853
    # the 2023 edition encodes no rules.* clause: those texts are "added"
    block = html[html.index('id="chg-rules.18.3"') :]
    assert "added" in block[: block.index("</article>")]


def test_compare_refuses_what_cannot_be_compared(en_client: Any) -> None:
    html = page(en_client, "/compare", act=ACT, from_date="01.01.2000", to=DRAFT)
    assert "These editions cannot be compared" in html and "no edition of U1300000624 is in force" in html
    html = page(en_client, "/compare", act=ACT, **{"from": "nonsense", "to": DRAFT})
    assert "unknown edition &#39;nonsense&#39;" in html
    html = page(en_client, "/compare", act=ACT, from_date="2025-02-30", to=DRAFT)
    assert "is not a valid date" in html


def test_compare_in_kazakh(kk_client: Any) -> None:
    html = page(kk_client, "/compare", act=ACT, **{"from": CURRENT, "to": DRAFT})
    assert "Редакцияларды салыстыру" in html and "Өзгерген нормалар" in html


# ---- traceability ----------------------------------------------------------------------------------


def test_traceability_matrix_matches_engine_trace(make_app: Any, results_file: Any) -> None:
    from engine.tools.trace import build_trace, load_results
    from web.pages.common import DEFAULTS

    results = results_file()
    app = make_app(EREJE_TRACE_RESULTS=str(results))
    client = app.test_client()
    client.set_cookie("ereje_lang", "en")
    html = page(client, "/trace", act=ACT)
    trace = build_trace(library(app).act(ACT), Path(DEFAULTS["EREJE_FEATURES"]), load_results(results), results)
    assert trace.scenarios
    rows = re.findall(r'<th scope="row" class="rowhead"><a href="/acts/U1300000624/clauses/([^"]+)">', html)
    assert rows == [c.id for c in trace.clauses]
    # one column per scenario, one mark per (clause, scenario) pair the tags declare
    assert html.count('class="scol"') == len(trace.scenarios)
    marks = len(re.findall(r'<td class="cell cell-[a-z-]+"', html))
    assert marks == sum(len(c.scenarios) for c in trace.clauses) > 0
    assert html.count('<td class="cell cell-passed"') == marks
    gaps = page(client, "/trace", act=ACT, gaps="1")
    gap_rows = re.findall(r'<th scope="row" class="rowhead"><a href="/acts/U1300000624/clauses/([^"]+)">', gaps)
    assert gap_rows == [c.id for c in trace.clauses if c.gate == "failing" or c.problems or (c.kind == "rule" and not c.scenarios)]


def test_traceability_one_feature_file(make_app: Any, results_file: Any) -> None:
    from engine.tools.features import read_features
    from web.pages.common import DEFAULTS

    client = make_app(EREJE_TRACE_RESULTS=str(results_file())).test_client()
    client.set_cookie("ereje_lang", "en")
    scenarios = [s for s in read_features(Path(DEFAULTS["EREJE_FEATURES"])).scenarios
                 if s.act == ACT and s.rel == "exclusion.feature"]
    assert scenarios
    html = page(client, "/trace", act=ACT, feature="exclusion.feature")
    assert html.count('class="scol"') == len(scenarios)
    rows = set(re.findall(r'<th scope="row" class="rowhead"><a href="/acts/U1300000624/clauses/([^"]+)">', html))
    assert rows == {c for s in scenarios for c in s.clauses}
    # a file the trace does not know is ignored, never opened
    everything = page(client, "/trace", act=ACT, feature="../../etc/passwd")
    assert everything.count('class="scol"') > len(scenarios)


def test_traceability_shows_a_failed_scenario_as_a_gap(make_app: Any, results_file: Any) -> None:
    client = make_app(EREJE_TRACE_RESULTS=str(results_file(failed=("rules.18.3",)))).test_client()
    client.set_cookie("ereje_lang", "en")
    html = page(client, "/trace", act=ACT, gaps="1")
    row = html[html.index('<a href="/acts/U1300000624/clauses/rules.18.3">') :]
    row = row[: row.index("</tr>")]
    assert '<td class="cell cell-failed"' in row and "gap" in row
    clause = page(client, f"/acts/{ACT}/clauses/rules.18.3")
    assert '<span class="badge result-failed">failed</span>' in clause
    assert '<span class="badge bad">gap</span>' in clause
    assert "failed in the last run" in clause  # engine.tools.trace's own words


def test_traceability_without_results(make_app: Any, tmp_path: Path) -> None:
    client = make_app(EREJE_TRACE_RESULTS=str(tmp_path / "none.json")).test_client()
    client.set_cookie("ereje_lang", "en")
    assert "No scenario results yet" in page(client, "/trace")
    assert "No scenario results yet" in page(client, f"/acts/{ACT}/clauses/rules.1")


# ---- monitoring ------------------------------------------------------------------------------------


def test_monitoring_stability_and_findings(app: Any, en_client: Any) -> None:
    from engine.tools.lint import lint_library
    from engine.tools.stability import stability

    day = dt.date(2025, 6, 1)
    html = page(en_client, "/monitoring", as_of="01.06.2025")
    lib = library(app)
    report = stability([lib.acts[a] for a in sorted(lib.acts)], ["12m", "24m", "60m"], day, 10)
    for a in report["acts"]:
        row = html[html.index(f'<th scope="row"><a href="/acts/{a["act"]}">') :]
        row = row[: row.index("</tr>")]
        assert f"<td>{a['clause_changes']}</td>" in row
    findings = lint_library(  # the method the service runs (web.lintcache), that of `ereje lint`
        lib, None, as_of=day, budget=20_000, stability=False, method="solver"
    ).findings
    assert findings
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    for severity, n in counts.items():
        assert f"{'note' if severity == 'info' else severity}: {n}</span>" in html
    assert html.count('<tr class="sev-row-') == len(findings)
    errors_only = page(en_client, "/monitoring", as_of="2025-06-01", severity="error")
    assert errors_only.count('<tr class="sev-row-') == counts["error"]
    one_act = page(en_client, "/monitoring", as_of="2025-06-01", act="KZ-HEALTH-DSM-303-2020")
    assert one_act.count('<tr class="sev-row-') == sum(1 for f in findings if f.act == "KZ-HEALTH-DSM-303-2020")


def test_monitoring_in_kazakh(kk_client: Any) -> None:
    html = page(kk_client, "/monitoring", as_of="2025-06-01")
    assert "Тұрақтылық" in html and "Статикалық тексеру" in html
    assert "2025 жылғы 1 маусым" in html
