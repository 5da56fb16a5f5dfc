"""The gate of a draft (`ereje trace --edition draft:<id>`): a clause the draft changes passes only
when a passing scenario, decided under the draft's edition, shows its new rule giving an answer
the edition in force does not give.

The results are built here the way features/conftest.py writes them, from real decisions of the
engine, for scenarios of a feature file written to a temporary directory, so each case of the
gate is exercised without running pytest-bdd inside pytest.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from engine.cli.cli import main
from engine.decide import jsonable
from engine.library import Library, load_library
from engine.tools.comparer import Comparer, Side
from engine.tools.draftgate import build_draft_trace, render_draft_text
from engine.tools.features import sha256_hex
from engine.tools.selection import select_edition
from engine.tools.trace import RESULTS_FORMAT

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
ACT = "U1300000624"
DRAFT = "draft:draft-hypothetical-reserve-terms"
EXAMPLE = POLICIES / ACT / "examples" / "appointment" / "appointable.json"  # enrolled 2025-09-30


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(POLICIES)


def _record(library: Library, edition: str | None, day: str) -> dict[str, Any]:
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    d = library.decide("appointment", case, as_of=dt.date.fromisoformat(day), act_id=ACT, edition_id=edition)
    out = {
        "question": "appointment",
        "as_of": day,
        "act": ACT,
        "outcome": d.outcome,
        "citations": [{"clause": c.clause, "role": c.role} for c in d.clauses],
        "values": {n: v["clause"] for n, v in d.values.items()},
        "edition": d.edition["id"],
        "draft": bool(d.edition.get("draft")),
        "policy_hash": d.policy_hash,
        "refused": None,
    }
    if d.edition.get("draft"):
        out["case"] = jsonable(case)
        out["outcome_values"] = {n: v["value"] for n, v in d.values.items()}
    return out


def _gate(
    library: Library, tmp_path: Path, scenarios: list[tuple[str, str | None, str]], hash_: str | None = None
):
    """A feature with one scenario per (clause, edition, day), results for each, and the gate."""
    features = tmp_path / "features"
    features.mkdir(exist_ok=True)
    lines = ["@act:U1300000624", "Feature: draft scenarios", ""]
    entries = []
    for k, (clause, edition, day) in enumerate(scenarios):
        lines += [f"  @clause:{clause}", f"  Scenario: scenario {k}", "    Then nothing", ""]
        entries.append((len(lines) - 2, edition, day))
    text = "\n".join(lines)
    (features / "d.feature").write_text(text, encoding="utf-8")
    digest = sha256_hex(text.encode("utf-8"))
    results = {
        "format": RESULTS_FORMAT,
        "scenarios": [
            {
                "feature": "d.feature",
                "line": line,
                "result": "passed",
                "feature_sha256": digest,
                "decisions": [_record(library, edition, day)],
            }
            for line, edition, day in entries
        ],
    }
    if hash_ is not None:
        for s in results["scenarios"]:
            s["decisions"][0]["policy_hash"] = hash_
    act = library.act(ACT)
    draft = select_edition(library, ACT, DRAFT)
    base = select_edition(library, ACT, "2025-06-01")
    comparer = Comparer(Side(POLICIES, library, act, base), Side(POLICIES, library, act, draft))

    compiled = library.compiled_edition(ACT, draft.id)
    return build_draft_trace(
        act, draft, base, compiled.policy_hash, features, results, comparer.answer_under_old
    )


def _state(trace: Any, clause: str) -> str:
    return next(c.to_dict()["gate"] for c in trace.clauses if c.id == clause)


def test_the_six_month_rule_fails_the_gate_without_a_scenario(library: Library, tmp_path: Path) -> None:
    trace = _gate(library, tmp_path, [])
    assert not trace.ok
    assert _state(trace, "rules.14.part2") == "failing"
    assert _state(trace, "rules.18.8") == "ok"  # text only: the rule in force is unchanged
    assert "rules.14.part2: no passing scenario tagged @clause:rules.14.part2" in "\n".join(trace.failures)
    assert "draft gate FAILED" in render_draft_text(trace)


def test_a_scenario_of_the_act_in_force_does_not_vouch_for_the_draft(
    library: Library, tmp_path: Path
) -> None:
    # Too early under the three-month rule in force: 14.part2 decides, but not under the draft.
    trace = _gate(library, tmp_path, [("rules.14.part2", None, "2025-12-29")])
    assert _state(trace, "rules.14.part2") == "failing"


def test_a_draft_scenario_the_old_rule_answers_alike_shows_nothing(library: Library, tmp_path: Path) -> None:
    # Two months in: too early under three months and under six, same role. (Its earliest date does
    # differ, so the clause's value is checked too: a scenario on 2025-11-30 shows the new date.)
    trace = _gate(library, tmp_path, [("rules.14.part1", DRAFT, "2025-11-30")])
    assert _state(trace, "rules.14.part1") == "failing"
    trace = _gate(library, tmp_path, [("rules.14.part2", DRAFT, "2025-11-30")])
    assert _state(trace, "rules.14.part2") == "ok"  # earliest_appointment_date 2025-12-30 → 2026-03-30


def test_the_six_month_rule_at_work_passes_the_gate(library: Library, tmp_path: Path) -> None:
    trace = _gate(
        library,
        tmp_path,
        [("rules.14.part2", DRAFT, "2026-02-02"), ("rules.14.part1", DRAFT, "2028-10-07")],
    )
    assert _state(trace, "rules.14.part2") == "ok"
    assert _state(trace, "rules.14.part1") == "ok"
    evidence = next(c for c in trace.clauses if c.id == "rules.14.part2").evidence
    assert evidence is not None and evidence.role == "requirement_not_met"


def test_results_made_before_the_draft_changed_are_stale(library: Library, tmp_path: Path) -> None:
    trace = _gate(library, tmp_path, [("rules.14.part2", DRAFT, "2026-02-02")], hash_="sha256:old")
    assert _state(trace, "rules.14.part2") == "failing"
    assert any("before the draft last changed" in p for p in trace.problems)


def test_cli_trace_of_a_draft(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"format": RESULTS_FORMAT, "scenarios": []}), encoding="utf-8")
    argv = ["trace", "--act", ACT, "--edition", DRAFT, "--results", str(results), "--policies", str(POLICIES)]
    assert main([*argv, "--features", str(tmp_path)]) == 1
    assert "rules.14.part2" in capsys.readouterr().out
    assert (
        main(
            ["trace", "--act", ACT, "--edition", "2025-06-01", "--results", str(results), "--policies", str(POLICIES)]
        )
        == 2
    )
    assert "is not a draft" in capsys.readouterr().err
