"""The hypothetical draft's new ground (rules.18.9): a new clause with a new fact.

A new clause feeding a decision needs the draft's own decision file (the act's decision plus the
new fact and clause); the draft edition is checked and compiled against it. This runs the draft
in a temporary copy of the policies, diffing it and running the fixed corpus under both editions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

from engine import load_library
from engine.tools.comparer import Comparer, Side
from engine.tools.diff import diff_editions
from engine.tools.impact import Setup, run_impact
from engine.tools.selection import select_edition
from engine.tools.symbolic.exact import exact_diff

REPO = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
FIXTURE = Path(__file__).parent / "fixtures" / "editions" / "corpus.jsonl"
ACT = "U1300000624"
DRAFT_ID = "draft-hypothetical-reserve-terms"


def complete_draft(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    return root


def test_the_new_ground_of_the_complete_draft(tmp_path: Path) -> None:
    root = complete_draft(tmp_path)
    library = load_library(root)
    act = library.act(ACT)
    old = select_edition(library, ACT, "2025-06-01")
    new = select_edition(library, ACT, f"draft:{DRAFT_ID}")
    d = diff_editions(act, old, act, new)
    added = d.clause("rules.18.9")
    assert added is not None and added.status == "added"
    assert [(r.kind, r.message) for r in added.rule] == [
        (
            "definition_added",
            "new definition: define failed_retraining_assessment = employee.retraining_failed_on is present "
            "and during_reserve_stay(employee.retraining_failed_on)",
        ),
        ("statement_added", "new: a ground for 'exclude' in 'exclusion': when failed_retraining_assessment"),
    ]
    exclusion = d.decision("exclusion")
    assert exclusion.spec == [
        "clause(s) added: rules.18.9",
        "new fact employee.retraining_failed_on (date, optional)",
    ]
    comparer = Comparer(Side(root, library, act, old), Side(root, library, act, new))
    exact_diff(d, comparer)
    transitions = {(w.old_outcome, w.new_outcome): w.responsible for w in d.decision("exclusion").witnesses}
    assert transitions[("retain", "exclude")] == ["rules.18.9"]

    # The fixed corpus plus one member who failed the retraining's final assessment while in the reserve.
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    case = json.loads(lines[8])["case"]
    case["employee"]["retraining_failed_on"] = "2026-10-01"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join([*lines, json.dumps({"question": "exclusion", "as_of": "2026-11-02", "case": case})]),
        encoding="utf-8",
    )
    setup = Setup(str(root), str(root), ACT, old.id, new.id)
    data = run_impact(comparer, setup, corpus, jobs=1).to_dict()
    assert (data["flipped"], data["invalid"]) == (6, 3)
    groups = {
        (g["from"], g["to"], tuple(g["responsible"])): g["sample_lines"]
        for x in data["decisions"]
        if x["decision"] == "exclusion"
        for g in x["groups"]
    }
    assert groups[("retain", "exclude", ("rules.18.9",))] == [19]
    # Under the edition in force the fact is unknown: dropped, the member is retained.
    assert (
        library.outcome(
            "exclusion",
            {**case, "employee": {k: v for k, v in case["employee"].items() if k != "retraining_failed_on"}},
            as_of=dt.date(2026, 11, 2),
            act_id=ACT,
        )[0]
        == "retain"
    )
