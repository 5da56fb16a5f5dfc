"""`ereje lint` on the command line: formats, --fail-on, errors, the stability section, and each
finding's sentence in kk, ru and en (a catalogue message: stable code and params in the JSON)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine import i18n
from engine.cli.cli import main as engine_main
from engine.cli.lint_cli import register
from engine.tools.lint.model import Finding

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lint"


def lint(capsys: pytest.CaptureFixture[str], fixture: str, *args: str) -> tuple[int, str, str]:
    code = engine_main(
        ["lint", "--policies", str(FIXTURES / fixture), "--as-of", "2024-06-01", *args], extra=[register]
    )
    out, err = capsys.readouterr()
    return code, out, err


def test_text_names_file_line_severity_kind_and_clause(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "conflict-trigger", "--lang", "en")
    assert code == 0 and "[conflict" not in out
    assert "1 finding(s) the declared outcome order settles are not shown (conflict 1)" in out
    code, out, _ = lint(capsys, "conflict-trigger", "--show-settled", "--lang", "en")
    line = next(x for x in out.splitlines() if "[conflict" in x)
    assert re.match(
        r"^conflict-trigger/T/clauses/clauses\.yaml:\d+: info \[conflict, settled\] c\.2 ", line
    ), line
    assert "settled: the outcome order of 'd' (a > b > none) puts 'a' before 'b'" in out
    assert "witness (decided on 2024-06-01)" in out and "T 'd' → a, citing c.1 (ground)" in out


def test_json_is_the_whole_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "hierarchy-trigger", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["format"] == "ereje-lint/1" and data["as_of"] == "2024-06-01"
    conflict = next(f for f in data["findings"] if f["kind"] == "hierarchy_conflict")
    assert conflict["clauses"] == ["L:p.4", "H:art.1", "C:art.39.3"]
    assert conflict["witness"]["case"] == {"employer": "private", "accredited": True}
    assert data["counts"]["by_severity"]["error"] == 1


def test_html_is_one_self_contained_page(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "hierarchy-trigger", "--format", "html", "--fail-on", "none")
    assert code == 0 and out.startswith("<!doctype html>")
    assert "<style>" in out and "hierarchy_conflict" in out and "C:art.39.3" in out
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", out)  # nothing fetched from elsewhere
    assert "<script src" not in out and "<link" not in out


@pytest.mark.parametrize(
    ("fixture", "fail_on", "expected"),
    [
        ("hierarchy-trigger", "error", 1),
        ("conflict-trigger", "error", 0),
        ("conflict-trigger", "warning", 0),  # its only finding is settled by the outcome order
        ("dead-trigger", "warning", 1),
        ("unused-clean", "warning", 0),  # nothing at all
        ("hierarchy-trigger", None, 1),  # fails on errors by default
        ("hierarchy-trigger", "none", 0),  # only reports
        ("conflict-trigger", None, 0),
    ],
)
def test_fail_on(
    capsys: pytest.CaptureFixture[str], fixture: str, fail_on: str | None, expected: int
) -> None:
    code, _, err = lint(capsys, fixture, *(["--fail-on", fail_on] if fail_on else []))
    assert code == expected, err
    if expected:
        assert f"--fail-on {fail_on or 'error'}" in err


def test_unknown_act_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "conflict-trigger", "--act", "NOPE")
    assert code == 2 and "NOPE" in err and "T" in err


def test_an_act_given_bare_is_refused_with_the_command_to_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "conflict-trigger", "T")
    assert code == 2 and "ereje lint --act T" in err


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, err = lint(capsys, "conflict-trigger", "--format", "html", "--output", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_stability_figures_beside_the_findings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "conflict-trigger", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["stability"]["available"] is True
    assert data["stability"]["figures"]["acts"][0]["act"] == "T"
    assert all(f["clause_changes"] == 0 for f in data["findings"] if f["clause"])  # adoption only


@pytest.mark.parametrize("lang", ("kk", "ru", "en"))
def test_a_failed_stability_section_says_why_in_the_language_asked(capsys, monkeypatch, lang: str) -> None:
    import engine.tools.lint.report as report

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("no history")

    monkeypatch.setattr(report, "stability", broken)
    note = i18n.text("lint.report.stability_failed", lang, source="engine.tools.stability.stability",
                     error="RuntimeError: no history")
    _, out, _ = lint(capsys, "conflict-trigger", "--format", "json", "--fail-on", "none", "--lang", lang)
    assert json.loads(out)["stability"] == {"available": False, "note": note}
    _, out, _ = lint(capsys, "conflict-trigger", "--fail-on", "none", "--lang", lang)
    assert i18n.text("lint.report.stability_unavailable", lang, note=note) in out
    _, out, _ = lint(capsys, "conflict-trigger", "--format", "html", "--fail-on", "none", "--lang", lang)
    assert f"<p>{html.escape(note)}</p>" in out


def test_the_ereje_script_has_the_command() -> None:
    script = Path(sys.executable).with_name("ereje")
    out = subprocess.run([str(script), "lint", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "--fail-on {error,warning,none}" in out.stdout


def test_lint_runs_on_a_draft(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent / "policies"
    code = engine_main(
        [
            "lint",
            "--act",
            "U1300000624",
            "--edition",
            "draft:draft-hypothetical-reserve-terms",
            "--policies",
            str(root),
            "--format",
            "json",
            "--lang",
            "en",
        ],
        extra=[register],
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert [a["edition"] for a in data["acts"]] == ["U1300000624@draft-hypothetical-reserve-terms"]
    assert any("DRAFT" in n for n in data["acts"][0]["notes"])
    assert {f["edition"] for f in data["findings"] if f["edition"]} == {
        "U1300000624@draft-hypothetical-reserve-terms"
    }
    code = engine_main(
        ["lint", "--act", "U1300000624", "--edition", "draft:nope", "--policies", str(root)], extra=[register]
    )
    assert code == 2 and "no draft 'nope'" in capsys.readouterr().err


# -- the findings' languages ---------------------------------------------------------------
def _findings(capsys: pytest.CaptureFixture[str], fixture: str, lang: str) -> list[dict]:
    _, out, _ = lint(capsys, fixture, "--format", "json", "--show-settled", "--fail-on", "none", "--lang", lang)
    data = json.loads(out)
    assert data["lang"] == lang
    return data["findings"]


TRIGGERS = sorted(p.name for p in FIXTURES.iterdir() if p.name.endswith("-trigger"))


@pytest.mark.parametrize("fixture", TRIGGERS)
def test_json_keeps_code_and_params_whatever_the_language(capsys, fixture: str) -> None:
    said = {lang: _findings(capsys, fixture, lang) for lang in ("kk", "ru", "en")}
    assert said["kk"], "the fixture has findings"
    machine = [[(f["kind"], f["code"], json.dumps(f["params"], sort_keys=True)) for f in said[lang]]
               for lang in said]
    assert machine[0] == machine[1] == machine[2]
    for kk, ru, en in zip(said["kk"], said["ru"], said["en"], strict=True):
        if kk["code"].startswith("lint.msg."):
            assert len({kk["message"], ru["message"], en["message"]}) == 3, kk["code"]
            assert kk["message"] == _render(kk["code"], kk["params"], "kk")
            assert ru["message"] == _render(ru["code"], ru["params"], "ru")


def _render(code: str, params: dict, lang: str) -> str:
    def value(v):
        return _render(v["code"], v["params"], lang) if isinstance(v, dict) and "code" in v else v

    return i18n.text(code, lang, **{k: value(v) for k, v in params.items()})


def test_conflict_is_said_in_each_language(capsys) -> None:
    found = {lang: next(f for f in _findings(capsys, "conflict-trigger", lang) if f["kind"] == "conflict")
             for lang in ("kk", "ru", "en")}
    assert found["kk"]["code"] == "lint.msg.conflict"
    assert found["kk"]["params"] == {"decision": "d", "winner": "c.1", "winner_outcome": "a",
                                     "silenced": "c.2", "silenced_outcome": "b"}
    assert found["kk"]["message"].startswith("«d»: бір жағдай үшін c.1 нормасы «a», ал c.2 нормасы «b»")
    assert found["ru"]["message"].startswith("«d»: для одного случая норма c.1 даёт «a», а норма c.2 — «b»")
    assert found["en"]["message"].startswith("'d': c.1 gives 'a' and c.2 gives 'b' for the same case")


def test_text_report_speaks_kazakh_by_default_and_the_language_asked(capsys) -> None:
    _, kk, _ = lint(capsys, "hierarchy-trigger", "--fail-on", "none")
    _, ru, _ = lint(capsys, "hierarchy-trigger", "--fail-on", "none", "--lang", "ru")
    _, en, _ = lint(capsys, "hierarchy-trigger", "--fail-on", "none", "--lang", "en")
    assert "нәтижесін береді (жоққа шығарады)" in kk
    assert "(отказывает), тогда как" in ru
    assert "(denies) where" in en
    _, html, _ = lint(capsys, "hierarchy-trigger", "--fail-on", "none", "--format", "html", "--lang", "ru")
    assert "<p lang='ru'>По «" in html


def test_an_unknown_language_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        lint(capsys, "conflict-trigger", "--lang", "de")
    assert exc.value.code == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err
    with pytest.raises(i18n.UnknownLanguage):
        Finding("conflict", "warning", "A", i18n.say("lint.msg.unused_fact", decision="d", fact="x")).text("de")


def test_a_nested_message_and_a_plain_string() -> None:
    f = Finding("dead_statement", "warning", "A",
                i18n.say("lint.msg.dead_statement", statement=i18n.say("lint.stmt.require"), clause="c.1",
                         decision="d"))
    assert f.message == "the requirement of c.1 for 'd' fires for no case of the domain"
    assert f.text("kk") == "«d» шешімі үшін c.1 нормасының талабы қарастырылатын жағдайлардың бірде-біріне қолданылмайды"
    assert f.text("ru") == "требование нормы c.1 для решения «d» не срабатывает ни для одного случая области"
    assert f.to_dict("ru")["params"]["statement"] == {"code": "lint.stmt.require", "params": {}}
    plain = Finding("bound", "info", "A", "an English sentence")
    assert plain.text("kk") == "an English sentence" and plain.code == "lint.bound"


# -- the report's frame, the settled reason and the notes in each language ------------------------
LANGS = ("kk", "ru", "en")
SETTLED = {"decision": "d", "order": "a > b > none", "winner_outcome": "a", "silenced_outcome": "b"}


@pytest.mark.parametrize("lang", LANGS)
def test_text_frame_is_said_in_the_language_asked(capsys, lang: str) -> None:
    _, out, _ = lint(capsys, "conflict-trigger", "--show-settled", "--fail-on", "none", "--lang", lang)
    t = i18n.text
    assert out.startswith(t("lint.report.head", lang, day="2024-06-01", budget="200,000") + "\n")
    reason = t("lint.settled.outcome_order", lang, **SETTLED)
    assert "    " + t("lint.report.settled", lang, reason=reason) + "\n" in out
    assert "    " + t("lint.report.witness", lang, day="2024-06-01") + ":\n" in out
    assert "      " + t("lint.report.answer", lang, act="T", question="d", outcome="a", citations="c.1 (ground)") in out
    # The machine tokens are the same in every language: place, severity, kind, clause.
    tag = t("lint.report.settled_tag", lang)
    assert re.search(rf"^conflict-trigger/T/clauses/clauses\.yaml:\d+: info \[conflict, {re.escape(tag)}\] c\.2 ", out, re.M)
    _, hidden, _ = lint(capsys, "conflict-trigger", "--lang", lang)
    assert t("lint.report.settled_hidden", lang, count=1, kinds="conflict 1") in hidden
    if lang != "en":
        assert "settled" not in hidden.replace("--show-settled", "") and "witness" not in out


def test_settled_reason_and_note_in_json_keep_their_code(capsys) -> None:
    said = {}
    for lang in LANGS:
        _, out, _ = lint(capsys, "conflict-trigger", "--format", "json", "--show-settled", "--fail-on", "none",
                         "--lang", lang)
        said[lang] = json.loads(out)
        conflict = next(f for f in said[lang]["findings"] if f["kind"] == "conflict")
        assert conflict["settled_reason"] == {"code": "lint.settled.outcome_order", "params": SETTLED}
        assert conflict["settled"] == i18n.text("lint.settled.outcome_order", lang, **SETTLED)
        _, out, _ = lint(capsys, "conflict-trigger", "--format", "json", "--fail-on", "none", "--lang", lang)
        hidden = json.loads(out)["settled_not_shown"]
        assert hidden == {"count": 1, "by_kind": {"conflict": 1}, "note": i18n.text("lint.report.settled_note", lang)}


@pytest.mark.parametrize("lang", LANGS)
def test_html_frame_is_said_in_the_language_asked(capsys, lang: str) -> None:
    _, out, _ = lint(capsys, "hierarchy-trigger", "--format", "html", "--fail-on", "none", "--lang", lang)
    t = i18n.text
    assert f"<html lang='{lang}'>" in out
    for key in ("lint.report.html_h", "lint.report.acts_h", "lint.report.summary_h", "lint.report.findings_h",
                "lint.report.stability_h", "lint.report.notes_h", "lint.report.col_edition"):
        assert f">{t(key, lang)}<" in out, key
    assert t("lint.report.witness", lang, day="2024-06-01") in out
    assert html.escape(t("lint.hierarchy_conflict", lang)) in out  # the kind's definition, from the catalogue
    assert "hierarchy_conflict" in out and "C:art.39.3" in out  # kinds and clause ids as they are


@pytest.fixture(scope="module")
def draft_json() -> dict[str, str]:
    """`ereje lint` of the main act's draft, JSON in each language: one lint (the solver's
    seconds), written three times, as `ereje lint --format json --lang L` writes it."""
    import datetime as dt

    from engine import load_library
    from engine.tools.lint import lint_library
    from engine.tools.lint.report import render_json

    library = load_library(Path(__file__).resolve().parent.parent / "policies")
    edition = "U1300000624@draft-hypothetical-reserve-terms"
    report = lint_library(library, ["U1300000624"], as_of=dt.date(2026, 1, 1),
                          editions={"U1300000624": edition})
    return {lang: render_json(report, lang=lang) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_per_act_notes_are_said_in_the_language_asked(draft_json: dict[str, str], lang: str) -> None:
    edition = "U1300000624@draft-hypothetical-reserve-terms"
    data = json.loads(draft_json[lang])
    assert data["acts"][0]["edition"] == edition
    assert i18n.text("lint.note.draft", lang, edition=edition) in data["acts"][0]["notes"]


BOUNDS = {"k": 3, "first": "2000-01-01", "last": "2077-12-31"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_checks_notes_are_said_in_the_language_asked(capsys, lang: str) -> None:
    _, out, _ = lint(capsys, "hierarchy-clean", "--format", "json", "--fail-on", "none", "--lang", lang)
    notes = {a["act"]: a["notes"] for a in json.loads(out)["acts"]}
    t = i18n.text
    assert t("lint.note.hierarchy_no_conflict", lang, act="L", higher="H", decision="d", size=2) in notes["L"]
    proved = t("lint.note.solver_proved", lang, decision="d", bounds=t("lint.bounds", lang, **BOUNDS), queries=4,
               seconds="SECONDS")
    pattern = re.escape(proved).replace("SECONDS", r"\d+(\.\d+)?")  # the time taken varies
    assert any(re.fullmatch(pattern, n) for n in notes["H"]), notes["H"]
    if lang != "en":
        assert not any("proved" in n or "conflict" in n for ns in notes.values() for n in ns)


def test_matters_yaml_problems_are_findings_with_a_code(capsys, tmp_path: Path) -> None:
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "hierarchy-trigger", tree)
    (tree / "L" / "matters.yaml").write_text(
        "matters:\n  - decision: d\n    outcomes: {yes: grants, no: denies}\n"
        "  - decision: nope\n    outcomes: {yes: grants}\n"
    )
    said = {}
    for lang in LANGS:
        engine_main(["lint", "--policies", str(tree), "--as-of", "2024-06-01", "--format", "json",
                     "--fail-on", "none", "--lang", lang], extra=[register])
        data = json.loads(capsys.readouterr().out)
        said[lang] = [f for f in data["findings"] if f["code"] == "lint.msg.matters_not_decision"]
    assert len(said["kk"]) == 1
    params = said["kk"][0]["params"]
    assert params == {"file": str(tree / "L" / "matters.yaml"), "index": 1, "decision": "nope", "act": "L"}
    for lang in LANGS:
        assert said[lang][0]["kind"] == "hierarchy_note" and said[lang][0]["params"] == params
        assert said[lang][0]["message"] == i18n.text("lint.msg.matters_not_decision", lang, **params)
