"""The Russian working translation: every clause text has one, marked unofficial, gaps kept."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from engine.library import load_library

REPO = Path(__file__).resolve().parents[1]
LIBRARY = load_library(REPO / "policies")


def _versions() -> list[tuple[str, str, str, dict[str, str]]]:
    out = []
    for act in LIBRARY.acts.values():
        for edition in LIBRARY.editions(act.id):
            for cid, version in edition.versions.items():
                if version.texts:
                    out.append((act.id, cid, version.amendment, dict(version.texts)))
    return sorted({(a, c, m): (a, c, m, t) for a, c, m, t in out}.values())


VERSIONS = _versions()


def test_there_are_texts_to_check() -> None:
    assert len(VERSIONS) > 65


@pytest.mark.parametrize(("act", "clause", "amendment", "texts"), VERSIONS, ids=lambda v: str(v)[:40])
def test_every_text_has_a_russian_working_translation(act: str, clause: str, amendment: str, texts: dict) -> None:
    ru = texts.get("ru")
    assert ru and re.search("[а-яё]", ru), (act, clause, amendment)
    source = texts.get("kk") or texts["en"]
    # An uncertain reading of the source stays marked in the translation.
    assert ru.count("[?]") == source.count("[?]"), (clause, ru)
    # Numbering survives: "8." and "3)" open the Russian text as they open the source.
    number = re.match(r"^(?:\[[^\]]*\] )?(\d+[.)])", source)
    if number:
        assert re.match(r"^(?:\[[^\]]*\] )?" + re.escape(number.group(1)), ru), (clause, ru)


@pytest.mark.parametrize("act_id", sorted(LIBRARY.acts))
def test_russian_is_never_presented_as_official(act_id: str) -> None:
    info = LIBRARY.act(act_id).languages["ru"]
    assert info["status"] in {"unofficial", "paraphrase"}
    assert "adilet" in info["note"]


def test_the_act_names_its_official_russian_text() -> None:
    note = LIBRARY.act("U1300000624").languages["ru"]["note"]
    assert "https://adilet.zan.kz/rus/docs/U1300000624" in note


def test_a_decision_in_russian_cites_russian_texts() -> None:
    case = json.loads(
        (REPO / "policies/U1300000624/examples/enrollment/eligible-nominee.json").read_text(encoding="utf-8")
    )
    answer = LIBRARY.decide("enrollment", case, as_of=dt.date(2025, 6, 1), lang="ru").to_dict()
    cited = {c["clause"]: c for c in answer["clauses"]}
    assert cited["rules.8.3"]["lang"] == "ru"
    assert cited["rules.8.3"]["language_status"] == "unofficial"
    assert cited["rules.8.3"]["text"].startswith("3) не имевших дисциплинарных взысканий")
    assert cited["rules.8.3"]["citation"] == "подпункт 3) пункта 8"
