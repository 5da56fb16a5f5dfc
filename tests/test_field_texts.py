"""Every field of every case schema has its title, help and choice labels in kk, ru and en.

The wording lives in policies/<act>/fields.yaml (engine.fieldtexts). This fails when a schema
gains a field, a choice or a description that fields.yaml does not translate (a reworded English
description counts as new), and when fields.yaml keeps an entry no schema has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import load_library
from engine.fieldtexts import FieldTexts, FieldTextsError, load_field_texts, schema_fields
from engine.i18n import LANGS

POLICIES = Path(__file__).resolve().parents[1] / "policies"


@pytest.fixture(scope="module")
def library() -> Any:
    return load_library(POLICIES)


def _schemas(library: Any, act_id: str) -> list[tuple[str, dict[str, Any]]]:
    act = library.act(act_id)
    out = [(name, spec.case_schema) for name, spec in act.decisions.items()]
    for edition in library.editions(act_id):
        for name, spec in (edition.decisions or {}).items():
            out.append((f"{edition.id}:{name}", spec.case_schema))
    return out


def test_every_field_speaks_every_language(library: Any) -> None:
    missing: list[str] = []
    for act_id in library.acts:
        texts = load_field_texts(library.act(act_id).directory)
        used_keys, used_help, used_choices = set(), set(), set()
        for decision, schema in _schemas(library, act_id):
            for f in schema_fields(schema):
                used_keys.add(f.key)
                where = f"{act_id} {decision} {f.key}"
                for lang in LANGS:
                    if not texts.title(f.key, lang):
                        missing.append(f"{where}: no title in {lang}")
                    for c in f.choices:
                        used_choices.add((f.key, str(c)))
                        if not texts.choice(f.key, c, lang):
                            missing.append(f"{where}: no label of choice {c!r} in {lang}")
                if f.description:
                    used_help.add((f.key, f.description))
                    for lang in ("kk", "ru"):
                        if not texts.help(f.key, f.description, lang):
                            missing.append(f"{where}: description {f.description[:50]!r}… not in {lang}")
        if not used_keys:
            continue
        for key, entry in texts.fields.items():
            if key not in used_keys:
                missing.append(f"{act_id}: fields.yaml has {key!r}, which no schema has")
            for english in entry.get("help") or {}:
                if (key, english) not in used_help:
                    missing.append(f"{act_id}: fields.yaml translates {english[:50]!r}… of {key}, no longer a description")
            for value in entry.get("choices") or {}:
                if (key, str(value)) not in used_choices:
                    missing.append(f"{act_id}: fields.yaml labels choice {value!r} of {key}, which is not one")
    assert not missing, "\n".join(missing[:60])


def test_the_titles_are_in_their_languages(library: Any) -> None:
    texts = load_field_texts(library.act("U1300000624").directory)
    assert texts.title("sanction.kind", "kk") == "Жазаның түрі"
    assert texts.title("sanction.kind", "ru") == "Вид взыскания"
    assert texts.choice("sanction.kind", "incomplete_conformity_warning", "ru") == (
        "Предупреждение о неполном служебном соответствии"
    )
    assert texts.help("sanction.kind", "Kind of disciplinary sanction", "en") == "Kind of disciplinary sanction"
    assert texts.help("sanction.kind", "A reworded description", "kk") is None  # never a stale one


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    assert load_field_texts(tmp_path) == FieldTexts()
    (tmp_path / "fields.yaml").write_text("fields:\n  x:\n    title: {kk: a, en: b}\n")
    with pytest.raises(FieldTextsError, match="ru"):
        load_field_texts(tmp_path)
    (tmp_path / "fields.yaml").write_text("fields:\n  x:\n    label: {kk: a}\n")
    with pytest.raises(FieldTextsError, match="title, help and choices"):
        load_field_texts(tmp_path)
