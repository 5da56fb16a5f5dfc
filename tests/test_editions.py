"""Editions of U1300000624: the known history as data, point-in-time answers, the shipped draft.

Brief §5: the 2013 adoption (in force from signing), No. 290 of 31.07.2023 (decree point 2 lost
force; entry into force not in our sources) and No. 853 of 23.04.2025 (new wording of the title,
point 1 and the whole Rules; in force ten calendar days after a first official publication whose
date is unknown, so from 04.05.2025 at the earliest, with a warning). Recording the publication
date removes the warning and fixes the date: checked on a temporary copy of the policies.
`EREJE_TEST_POLICIES` points these tests at another policy tree (as for the features).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from engine import EditionError, Library, load_library
from engine.cli.cli import main
from engine.tools.selection import select_edition
from engine.yamlsafe import load_policy_yaml

REPO = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
ACT = "U1300000624"
DRAFT = "draft-hypothetical-reserve-terms"
EXAMPLES = POLICIES / ACT / "examples"
D = dt.date


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(POLICIES)


def appointable_case() -> dict:
    return json.loads((EXAMPLES / "appointment" / "appointable.json").read_text(encoding="utf-8"))


# ---- the history as data ---------------------------------------------------------------------


def test_every_known_amending_act_has_its_file(library: Library) -> None:
    act = library.act(ACT)
    in_force = {a.id for a in act.amendments.values() if a.status == "in_force"}
    assert in_force == {"U1300000624", "U2300000290", "U2500000853"}
    assert act.amendments["U2300000290"].signed == D(2023, 7, 31)
    assert act.amendments["U2500000853"].signed == D(2025, 4, 23)
    assert act.amendments["U2500000853"].number == "853"


def test_the_original_adoption_is_in_force_from_signing(library: Library) -> None:
    entry = library.act(ACT).amendments["U1300000624"].entry_into_force()
    assert (entry.start, entry.certain) == (D(2013, 8, 28), True)


def test_no_853_publication_unknown_gives_the_earliest_date_and_uncertainty(library: Library) -> None:
    a = library.act(ACT).amendments["U2500000853"]
    assert a.publication is None
    assert (a.rule, a.days) == ("days_after_publication", 10)
    entry = a.entry_into_force()
    assert entry.start == D(2025, 5, 4)
    assert entry.certain is False
    assert "not recorded" in entry.explanation


def test_editions_in_force_and_their_periods(library: Library) -> None:
    rows = [(e.id, e.start, e.end, e.entry.certain) for e in library.editions(ACT) if not e.draft]
    assert rows == [
        (f"{ACT}@U1300000624", D(2013, 8, 28), D(2023, 7, 30), True),
        (f"{ACT}@U2300000290", D(2023, 7, 31), D(2025, 5, 3), False),
        (f"{ACT}@U2500000853", D(2025, 5, 4), None, False),
    ]


def test_no_rules_clause_is_encoded_before_853(library: Library) -> None:
    for edition in library.editions(ACT):
        if edition.draft or edition.start >= D(2025, 5, 4):
            continue
        assert not [c for c in edition.versions if c.startswith("rules.")], edition.id


# ---- point in time -----------------------------------------------------------------------------


def test_the_day_before_the_earliest_entry_into_force_names_the_missing_clauses(library: Library) -> None:
    with pytest.raises(EditionError) as info:
        library.decide("appointment", appointable_case(), as_of=D(2025, 5, 3), act_id=ACT)
    assert {"rules.14.part1", "rules.14.part2", "rules.19"} <= set(info.value.missing_clauses)
    assert "rules.14.part2" in str(info.value)
    assert "U2300000290" in str(info.value)


def test_before_the_first_edition(library: Library) -> None:
    with pytest.raises(EditionError) as info:
        library.decide("appointment", appointable_case(), as_of=D(2013, 8, 27), act_id=ACT)
    assert "before the first encoded edition" in str(info.value)
    assert "rules.14.part2" in info.value.missing_clauses


def test_from_the_earliest_day_the_answer_warns(library: Library) -> None:
    case = appointable_case()
    case["employee"]["reserve"]["enrolled_on"] = "2025-01-10"
    decision = library.decide("appointment", case, as_of=D(2025, 5, 4), act_id=ACT, lang="en")
    assert decision.outcome == "appointable"
    assert decision.edition["id"] == f"{ACT}@U2500000853"
    warning = next(w for w in decision.warnings if "U2500000853" in w)
    assert "applied from 2025-05-04" in warning
    assert f"falls under the edition {ACT}@U2300000290" in warning
    assert "Recording the publication date" in warning


def _copy_with_publication(tmp_path: Path, published: str) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    path = root / ACT / "amendments" / "U2500000853.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["publication"] = {"date": published, "status": "known", "source": "test: a hypothetical date"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def test_recording_the_publication_date_fixes_the_date_and_removes_the_warning(tmp_path: Path) -> None:
    library = load_library(_copy_with_publication(tmp_path, "2025-04-25"))
    edition = next(e for e in library.editions(ACT) if e.amendment.id == "U2500000853")
    # Ten calendar days run from the day after publication (26.04–05.05); in force from 06.05.
    assert (edition.start, edition.entry.certain) == (D(2025, 5, 6), True)
    case = appointable_case()
    case["employee"]["reserve"]["enrolled_on"] = "2025-01-10"
    decision = library.decide("appointment", case, as_of=D(2025, 5, 6), act_id=ACT)
    assert decision.outcome == "appointable"
    assert not [w for w in decision.warnings if "U2500000853" in w], decision.warnings
    with pytest.raises(EditionError):
        library.decide("appointment", case, as_of=D(2025, 5, 5), act_id=ACT)


def test_cli_decide_on_either_side_of_the_entry_into_force(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    case = appointable_case()
    case["employee"]["reserve"]["enrolled_on"] = "2025-01-10"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    rc = main(["decide", "appointment", str(path), "--as-of", "2025-05-03", "--policies", str(POLICIES)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "rules.14.part2" in err and "2025-05-03" in err
    rc = main(["decide", "appointment", str(path), "--as-of", "2025-05-04", "--policies", str(POLICIES)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["outcome"] == "appointable"
    assert out["edition"]["id"] == f"{ACT}@U2500000853"
    assert out["edition"]["entry_into_force_certain"] is False
    assert any("U2500000853" in w for w in out["warnings"])


# ---- the shipped draft --------------------------------------------------------------------------

DRAFT_DIR = POLICIES / ACT / "drafts" / DRAFT


def test_no_date_selects_the_draft(library: Library) -> None:
    for day in (D(2025, 5, 4), D(2026, 11, 22), D(2099, 1, 1)):
        assert library.edition_on(ACT, day).edition.id == f"{ACT}@U2500000853"
    draft = select_edition(library, ACT, f"draft:{DRAFT}")
    assert draft.draft and draft.amendment.status == "draft"


def test_every_text_of_the_draft_says_it_is_hypothetical() -> None:
    amendment = load_policy_yaml(DRAFT_DIR / "amendment.yaml")[0].data
    assert amendment["status"] == "draft"
    assert "HYPOTHETICAL" in amendment["title"]["en"] and "NOT LAW" in amendment["title"]["en"]
    assert "[гипотетикалық мәтін]" in amendment["title"]["kk"]
    assert all("HYPOTHETICAL" in c["note"] for c in amendment["changes"])
    files = sorted(DRAFT_DIR.rglob("clauses/*.yaml"))
    assert files
    texts = 0
    for path in files:
        for clause in load_policy_yaml(path)[0].data["clauses"]:
            for version in clause["versions"]:
                assert version["amendment"] == DRAFT
                assert version["text"]["en"].startswith("[HYPOTHETICAL TEXT — NOT LAW]"), clause["id"]
                assert version["text"]["kk"].startswith("[гипотетикалық мәтін"), clause["id"]
                assert "HYPOTHETICAL" in version["notes"], clause["id"]
                assert "HYPOTHETICAL" in version["rule"], clause["id"]
                texts += 1
    assert texts >= 3


def test_the_drafts_decision_file_is_the_acts_plus_its_declared_additions() -> None:
    """The draft's exclusion.yaml must not drift from the act's: only rules.18.9 and its fact differ."""
    overlay = DRAFT_DIR / "decisions" / "exclusion.yaml"
    draft = load_policy_yaml(overlay)[0].data
    act = load_policy_yaml(POLICIES / ACT / "decisions" / "exclusion.yaml")[0].data
    assert draft["clauses"][-1] == "rules.18.9"
    assert "retraining_failed_on" in draft["case_schema"]["properties"]["employee"]["properties"]
    draft["clauses"].remove("rules.18.9")
    del draft["case_schema"]["properties"]["employee"]["properties"]["retraining_failed_on"]
    assert draft == act, "the draft's decisions/exclusion.yaml drifted from decisions/exclusion.yaml"


# ---- docs/editions.md lists the date that selects the edition of every decision ----------------


def test_docs_name_the_edition_date_of_every_decision(library: Library) -> None:
    text = (REPO / "docs" / "editions.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| `([a-z_.]+)` \|", text, flags=re.M))
    actual = {name: spec.edition_date for name, spec in library.act(ACT).decisions.items()}
    assert rows == actual, "docs/editions.md: the table of edition dates differs from the decision files"
