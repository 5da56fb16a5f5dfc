"""Clause ids rendered as Kazakh, Russian and English legal citations (engine/citation.py).

Every clause id of every shipped act (drafts included) must have a citation form in each
language; the forms of the ids the Rules actually use are spelled out in full below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.citation import LANGS, cite, cite_or_id, parse
from engine.library import load_library

REPO = Path(__file__).resolve().parents[1]

EXPECTED = {
    "rules.8.3": ("8-тармақтың 3) тармақшасы", "подпункт 3) пункта 8", "paragraph 8, subparagraph 3)"),
    "rules.18.7": ("18-тармақтың 7) тармақшасы", "подпункт 7) пункта 18", "paragraph 18, subparagraph 7)"),
    "rules.14.part1": ("14-тармақтың бірінші бөлігі", "часть первая пункта 14", "paragraph 14, part 1"),
    "rules.10.part5": ("10-тармақтың бесінші бөлігі", "часть пятая пункта 10", "paragraph 10, part 5"),
    "rules.10.1.part2": (
        "10-тармақтың 1) тармақшасының екінші абзацы",
        "абзац второй подпункта 1) пункта 10",
        "paragraph 10, subparagraph 1), indent 2",
    ),
    "rules.11": ("11-тармақ", "пункт 11", "paragraph 11"),
    "rules.title": ("Қағидалардың атауы", "наименование Правил", "title of the Rules"),
    "decree.2": ("Жарлықтың 2-тармағы", "пункт 2 Указа", "Decree, paragraph 2"),
    "decree.title": ("Жарлықтың атауы", "наименование Указа", "title of the Decree"),
    "art39.3": ("39-баптың 3-тармағы", "пункт 3 статьи 39", "Article 39, paragraph 3"),
    "art220.6": ("220-баптың 6-тармағы", "пункт 6 статьи 220", "Article 220, paragraph 6"),
    "rules.2.5": ("2-тармақтың 5) тармақшасы", "подпункт 5) пункта 2", "paragraph 2, subparagraph 5)"),
}


@pytest.mark.parametrize("clause_id", sorted(EXPECTED))
def test_citation_forms(clause_id: str) -> None:
    assert tuple(cite(clause_id, lang) for lang in LANGS) == EXPECTED[clause_id]


def _shipped_clause_ids() -> list[tuple[str, str]]:
    library = load_library(REPO / "policies")
    ids = set()
    for act in library.acts.values():
        ids.update((act.id, cid) for cid in act.clauses)
        for edition in library.editions(act.id):
            ids.update((act.id, cid) for cid in edition.versions)
    return sorted(ids)


SHIPPED = _shipped_clause_ids()


def test_the_shipped_acts_have_clauses() -> None:
    assert len({a for a, _ in SHIPPED}) == 4
    assert len(SHIPPED) > 60


@pytest.mark.parametrize(("act", "clause_id"), SHIPPED)
def test_every_shipped_clause_has_a_citation_in_each_language(act: str, clause_id: str) -> None:
    forms = {lang: cite(clause_id, lang) for lang in LANGS}
    assert all(forms.values()), (act, clause_id, forms)
    # The three forms are different texts and none of them is the machine id.
    assert len(set(forms.values())) == 3
    assert clause_id not in forms.values()
    # Two clauses of one act never share a citation.
    same_act = [c for a, c in SHIPPED if a == act and c != clause_id]
    assert forms["kk"] not in {cite(c, "kk") for c in same_act}


@pytest.mark.parametrize("bad", ["rules", "rules.x", "foo.1", "rules.1.2.3", "rules.part1", "art0.1", "rules.1.part11"])
def test_ids_outside_the_scheme_have_no_citation(bad: str) -> None:
    assert parse(bad) is None
    assert cite(bad, "kk") is None
    assert cite_or_id(bad, "kk") == bad


def test_unknown_language_falls_back_to_the_id() -> None:
    assert cite("rules.8.3", "de") is None
    assert cite_or_id("rules.8.3", "de") == "rules.8.3"
    assert cite_or_id("rules.8.3", None) == "8-тармақтың 3) тармақшасы"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [(None, "8-тармақтың 3) тармақшасы"), ("kk", "8-тармақтың 3) тармақшасы"), ("en", "paragraph 8, subparagraph 3)")],
)
def test_every_answer_clause_carries_its_citation(lang: str | None, expected: str) -> None:
    import datetime as dt
    import json

    library = load_library(REPO / "policies")
    case = json.loads(
        (REPO / "policies/U1300000624/examples/enrollment/eligible-nominee.json").read_text(encoding="utf-8")
    )
    answer = library.decide("enrollment", case, as_of=dt.date(2025, 6, 1), lang=lang).to_dict()
    by_clause = {c["clause"]: c["citation"] for c in answer["clauses"]}
    assert by_clause["rules.8.3"] == expected
    assert all(by_clause.values())
