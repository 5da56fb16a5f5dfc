"""The gettext catalogues: every message the code and the pages use, translated in kk, ru and en.

Also: the committed .mo files are compiled from their .po; the answers speak the asked language
only (Kazakh by default); an unknown language is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from engine import i18n
from engine.cli import catalogues


def test_every_used_message_is_translated_in_every_language_and_compiled() -> None:
    problems = catalogues.problems()
    assert not problems, "\n".join(problems[:40])


def test_extraction_sees_the_code_the_templates_and_the_run_time_keys() -> None:
    used = catalogues.extract()
    where = {w.split(":")[0] for places in used.values() for w in places}
    assert any(w.startswith("web/templates/") for w in where)
    assert "web/pages/messages.py" in where and "engine/library.py" in where
    assert {"nav.acts", "warn.draft", "lint.conflict", "cal.estimated_holiday", "err.required"} <= set(used)


def test_a_catalogue_that_misses_a_string_fails(tmp_path: Path) -> None:
    """The check is real: a template using a key no catalogue has is reported for each language."""
    root = tmp_path
    (root / "web" / "templates").mkdir(parents=True)
    (root / "web" / "templates" / "x.html").write_text('{{ t("nav.acts") }} {{ t("no.such.key") }}')
    found = catalogues.problems(root)
    assert len([p for p in found if "no.such.key" in p and p.startswith(("kk:", "ru:", "en:"))]) == 3


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_answers_speak_one_language(lang: str) -> None:
    from engine import load_library

    lib = load_library(Path("policies"))
    draft = next(e for e in lib.editions("U1300000624") if e.draft)
    case = json.loads(Path("policies/U1300000624/examples/exclusion/retain-no-ground.json").read_text())
    answer = lib.decide("exclusion", case, as_of=dt.date(2026, 6, 1), act_id="U1300000624", lang=lang,
                        edition_id=draft.id)
    spec = lib.act("U1300000624").decisions["exclusion"]
    titles = {o.id: o.titles for o in spec.outcomes}
    assert answer.outcome_title == titles[answer.outcome][lang]
    assert answer.warnings and answer.warnings[0] == i18n.text("warn.draft", lang, amendment=draft.amendment.id)
    if lang != "en":
        assert not re.search(r"\b(the|not law|Decided)\b", " ".join(answer.warnings))


def test_the_default_language_is_kazakh_and_an_unknown_one_is_refused() -> None:
    from engine import load_library

    lib = load_library(Path("policies"))
    spec = lib.act("U1300000624").decisions["exclusion"]
    assert all(set(o.titles) >= {"kk", "ru", "en"} for o in spec.outcomes)
    with pytest.raises(i18n.UnknownLanguage):
        i18n.text("warn.draft", "de", amendment="x")


def test_calendar_notes_in_each_language() -> None:
    from engine.calendar import WorkingCalendar

    notes = WorkingCalendar().notes(dt.date(2026, 2, 2), dt.date(2026, 2, 13))
    assert notes[0].text("en") == notes[0].message
    assert "2026" in notes[0].text("kk") and "расталмаған" in notes[0].text("kk")
    assert "не подтверждены" in notes[0].text("ru")


def test_every_kind_of_lint_finding_is_explained_in_every_language() -> None:
    from engine.tools.lint.model import KINDS

    for kind, definition in KINDS.items():
        assert i18n.text(f"lint.{kind}", "en") == definition  # the English one is the engine's own
        assert i18n.has(f"lint.{kind}", "kk") and i18n.has(f"lint.{kind}", "ru")


def test_an_uncertain_entry_into_force_is_explained_in_each_language() -> None:
    from engine import load_library

    lib = load_library(Path("policies"))
    uncertain = [
        a.entry_into_force() for act in lib.acts.values() for a in act.amendments.values()
        if not a.entry_into_force().certain
    ]
    assert uncertain
    for entry in uncertain:
        assert entry.text("en") == entry.explanation  # the catalogue's English is the engine's own
        assert entry.text("kk") != entry.explanation and entry.text("ru") != entry.explanation
        assert entry.text() == entry.text("kk")
