"""`ereje impact`, `ereje cases generate`, `ereje review`, `ereje stability`, `ereje editions`.

The exact counts are on `tests/fixtures/editions/corpus.jsonl`, built by hand from the act's
example cases (each line carries a `note` saying what it shows): 14 cases, one blank line, and
three lines that are not valid cases (16: not JSON; 17: no reserve spell; 18: 30 February).
Compared: the edition in force (No. 853) and the HYPOTHETICAL draft (terms 3 → 5 years and 3 → 6
months). Expected, case by case, from the two wordings:
  appointment   lines 1, 2   appointable → too_early (6 months not yet over)        [14.part2]
                line 6       not_in_reserve → appointable (3 years over, not 5)      [14.part1, 18.5]
                lines 3, 4, 5, 7, 8 unchanged
  exclusion     line 10      exclude → retain (3 years over, not 5)                  [14.part1, 18.5]
                line 12      exclude under both, on fewer grounds (18.4 only)
                lines 9, 11  unchanged (line 9 retained on more citations once the pending 18.9
                             is active: a retain answer cites every ground checked)
  acting_duties line 14      not_allowed → allowed (3 years over, not 5)             [17]
                line 13      unchanged
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest

from engine import CaseError, Library, load_library
from engine.casecheck import CaseValidator
from engine.casecodec import encode_json
from engine.cli.cli import main as engine_main
from engine.cli.edition_cli import register
from engine.edition import decision_specs
from engine.tools.casegen import corpus_for, from_pattern, write_corpus
from engine.tools.comparer import Comparer, Side
from engine.tools.impact import ImpactReport, Setup, run_impact
from engine.tools.impacttext import render_text, terminal_progress
from engine.tools.rulediff import reached_definitions
from engine.tools.selection import select_edition
from engine.tools.stability import WindowError, parse_window, stability

REPO = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
FIXTURE = Path(__file__).parent / "fixtures" / "editions" / "corpus.jsonl"
ACT = "U1300000624"
DRAFT = "draft:draft-hypothetical-reserve-terms"


def main(argv: list[str]) -> int:
    return engine_main(argv, extra=[register])


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(POLICIES)


def comparer_for(library: Library, old: str = "2025-06-01", new: str = DRAFT) -> tuple[Comparer, Setup]:
    act = library.act(ACT)
    a, b = select_edition(library, ACT, old), select_edition(library, ACT, new)
    setup = Setup(str(POLICIES), str(POLICIES), ACT, a.id, b.id)
    return Comparer(Side(POLICIES, library, act, a), Side(POLICIES, library, act, b)), setup


def summary(report: ImpactReport) -> dict:
    data = report.to_dict()
    return {
        "lines": data["lines"],
        "invalid": [x["line"] for x in data["invalid_lines"]],
        "flipped": data["flipped"],
        "decisions": {
            d["decision"]: (
                d["cases"],
                d["flipped"],
                d["values_changed"],
                d["citations_changed"],
                d["same"],
                (d["invalid_old"], d["invalid_new"], d["invalid_both"]),
                [(g["from"], g["to"], g["responsible"], g["count"], g["sample_lines"]) for g in d["groups"]],
            )
            for d in data["decisions"]
        },
    }


# Once the draft's pending new ground (rules.18.9) is activated, a `retain` answer under the draft
# also cites 18.9 (checked, not triggered): line 9 keeps its outcome on other citations.
def _complete_draft() -> bool:
    return (
        POLICIES / ACT / "drafts" / "draft-hypothetical-reserve-terms" / "clauses" / "rules-18-9.yaml"
    ).is_file()


EXPECTED = {
    "lines": 17,
    "invalid": [16, 18],  # line 17 is a case, invalid under both schemas: counted under exclusion
    "flipped": 5,
    "decisions": {
        # the five appointments that keep their outcome all move earliest_appointment_date (3 → 6 months)
        "appointment": (
            8,
            3,
            5,
            0,
            0,
            (0, 0, 0),
            [
                ("appointable", "too_early", ["rules.14.part2"], 2, [1, 2]),
                ("not_in_reserve", "appointable", ["rules.14.part1", "rules.18.5"], 1, [6]),
            ],
        ),
        "exclusion": (
            5,
            1,
            0,
            2 if _complete_draft() else 1,
            1 if _complete_draft() else 2,
            (0, 0, 1),
            [("exclude", "retain", ["rules.14.part1", "rules.18.5"], 1, [10])],
        ),
        "acting_duties": (2, 1, 0, 0, 1, (0, 0, 0), [("not_allowed", "allowed", ["rules.17"], 1, [14])]),
    },
}


@pytest.mark.parametrize("jobs", [1, 2])
def test_exact_counts_on_the_fixed_corpus(library: Library, jobs: int) -> None:
    comparer, setup = comparer_for(library)
    report = run_impact(comparer, setup, FIXTURE, jobs=jobs)
    assert summary(report) == EXPECTED
    assert report.jobs == jobs


def test_invalid_lines_are_reported_with_their_number_and_the_run_goes_on(
    library: Library, tmp_path: Path
) -> None:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    good = lines[0]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "\n".join(
            [
                good,
                '{"question": "appointment", "as_of": "2026-02-02"}',
                "[1, 2]",
                '{"question": "nope", "as_of": "2026-02-02", "case": {}}',
                '{"question": "appointment", "as_of": "02.02.2026", "case": {}}',
                '{"question": "appointment", "as_of": "2026-02-02", "case": {"employee": {}}}',
                good,
            ]
        ),
        encoding="utf-8",
    )
    comparer, setup = comparer_for(library)
    data = run_impact(comparer, setup, corpus, jobs=1).to_dict()
    problems = {x["line"]: x["problem"] for x in data["invalid_lines"]}
    assert sorted(problems) == [2, 3, 4, 5]
    assert "missing case" in problems[2]
    assert "JSON object" in problems[3]
    assert "unknown question 'nope'" in problems[4]
    assert "'02.02.2026' is not a valid date" in problems[5]
    # line 6 is a case the schemas refuse: it stays in its decision's count, shown as invalid
    appointment = next(d for d in data["decisions"] if d["decision"] == "appointment")
    assert (appointment["cases"], appointment["invalid_both"]) == (3, 1)
    [(line, problem)] = [(x["line"], x["problem"]) for x in appointment["invalid_samples"]]
    assert line == 6 and "not a valid 'appointment' case under" in problem
    assert "is a required property" in problem
    assert (data["lines"], data["valid"], data["invalid"], data["malformed_lines"]) == (7, 2, 5, 4)
    assert data["totals"]["invalid_under_from"] == data["totals"]["invalid_under_to"] == 1
    [appointment] = data["decisions"]
    assert (appointment["cases"], appointment["flipped"]) == (3, 2)
    assert appointment["groups"][0]["sample_lines"] == [1, 7]


def test_cli_impact(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    argv = ["impact", "--from", "2025-06-01", "--to", DRAFT, str(FIXTURE), "--policies", str(POLICIES)]
    assert main([*argv, "--jobs", "2"]) == 0
    text = capsys.readouterr().out
    assert "17 lines: 15 cases (2 lines not a case); 14 compared" in text
    assert (
        "invalid under U1300000624@U2500000853: 1; invalid under U1300000624@draft-hypothetical-reserve-terms: 1"
        in text.splitlines()[2]
    )
    assert "5 outcomes flip; 5 same outcome with other computed values" in text
    assert "8  value earliest_appointment_date differs  e.g. line 1: 2025-12-30 → 2026-03-30" in text
    assert "appointable → too_early  [rules.14.part2*]" in text
    assert "line 18: as_of '2026-02-30' is not a valid date" in text
    assert main([*argv, "--format", "json", "-o", str(tmp_path / "i.json")]) == 0
    assert json.loads((tmp_path / "i.json").read_text(encoding="utf-8"))["flipped"] == 5
    assert (
        main(["impact", "--from", "U2099999999", "--to", DRAFT, str(FIXTURE), "--policies", str(POLICIES)])
        == 2
    )
    assert "unknown edition" in capsys.readouterr().err
    assert (
        main(
            [
                "impact",
                "--from",
                "2025-06-01",
                "--to",
                DRAFT,
                str(tmp_path / "none.jsonl"),
                "--policies",
                str(POLICIES),
            ]
        )
        == 2
    )
    assert "corpus not found" in capsys.readouterr().err


def test_progress_is_shown_only_on_a_terminal() -> None:
    assert terminal_progress(io.StringIO()) is None

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    report = terminal_progress(stream)
    assert report is not None
    report(1000, 2000)
    report(2000, 2000)
    assert "2,000/2,000 lines" in stream.getvalue() and stream.getvalue().endswith("\n")


def test_a_new_fact_is_dropped_for_the_edition_that_does_not_know_it(library: Library) -> None:
    comparer, _ = comparer_for(library)
    case = json.loads(FIXTURE.read_text(encoding="utf-8").splitlines()[8])["case"]
    case["employee"]["unknown_to_both"] = "x"
    kind, message = comparer.decide(comparer.old, "exclusion", case, dt.date(2026, 11, 2))
    assert kind == "invalid" and "unknown_to_both" in message


# ---- the generator ------------------------------------------------------------------------------


def test_generated_cases_validate_and_are_reproducible(library: Library) -> None:
    act = library.act(ACT)
    edition = select_edition(library, ACT, "2025-06-01")
    lines = list(corpus_for(act, edition, None, 7).lines(700))
    specs = decision_specs(act, edition)
    validators = {name: CaseValidator(spec.case_schema) for name, spec in specs.items()}
    for line in lines:
        assert validators[line["question"]].is_valid(line["case"]), line
        assert edition.start <= dt.date.fromisoformat(line["as_of"])
    assert {line["question"] for line in lines} == {n for n in specs}
    assert lines == list(corpus_for(act, edition, None, 7).lines(700))
    assert lines != list(corpus_for(act, edition, None, 8).lines(700))


def test_generated_cases_reach_every_outcome_of_the_draft_sensitive_decisions(library: Library) -> None:
    act = library.act(ACT)
    edition = select_edition(library, ACT, "2025-06-01")
    outcomes: dict[str, set[str]] = {}
    for line in corpus_for(act, edition, ["appointment", "exclusion", "acting_duties"], 11).lines(900):
        try:
            outcome, _ = library.outcome(
                line["question"], line["case"], as_of=dt.date.fromisoformat(line["as_of"]), act_id=ACT
            )
        except CaseError:  # an undecidable generated case is allowed; it is not counted
            continue
        outcomes.setdefault(line["question"], set()).add(outcome)
    for name in ("appointment", "exclusion", "acting_duties"):
        assert outcomes[name] == set(act.decisions[name].outcome_ids), name


def test_generated_flips_come_only_from_changed_clauses_or_their_readers(
    library: Library, tmp_path: Path
) -> None:
    act = library.act(ACT)
    comparer, setup = comparer_for(library)
    corpus = tmp_path / "g.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for line in corpus_for(act, comparer.old.edition, None, 624).lines(1500):
            fh.write(encode_json(line) + "\n")  # exact decimals, as `ereje corpus` writes
    data = run_impact(comparer, setup, corpus, jobs=2).to_dict()
    assert data["invalid"] == 0 and data["flipped"] > 0
    changed = set(data["changed_clauses"])
    for d in data["decisions"]:
        readers = {
            cid
            for edition in (comparer.old.edition, comparer.new.edition)
            for cid, names in reached_definitions(edition, d["decision"]).items()
            if {"reserve_term_last_day", "minimum_stay_ends_on"} & names
        }
        for g in d["groups"]:
            assert set(g["responsible"]) & (changed | readers), (d["decision"], g)
        if d["decision"] in ("enrollment", "submission", "schedule", "route"):
            assert d["flipped"] == 0, d


def test_cli_cases_generate(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "c.jsonl"
    argv = [
        "cases",
        "generate",
        "--act",
        ACT,
        "--n",
        "40",
        "--seed",
        "3",
        "--decision",
        "exclusion",
        "-o",
        str(out),
        "--policies",
        str(POLICIES),
    ]
    assert main(argv) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 40 and {x["question"] for x in lines} == {"exclusion"}
    assert set(lines[0]) == {"question", "as_of", "case", "assumed"}
    first = out.read_text(encoding="utf-8")
    assert main(argv) == 0
    assert out.read_text(encoding="utf-8") == first
    assert (
        main(
            ["cases", "generate", "--act", ACT, "--n", "5", "--decision", "nope", "--policies", str(POLICIES)]
        )
        == 2
    )
    assert "no decision nope" in capsys.readouterr().err


def test_from_pattern() -> None:
    import random

    rng = random.Random(1)
    for pattern in (r"^rules\.18\.[1-8]$", r"^[A-Z]{2}-\d{3}$", r"^(ab|cd)+x?$"):
        text = from_pattern(pattern, rng)
        assert text is not None and __import__("re").fullmatch(pattern, text), (pattern, text)


# ---- stability ----------------------------------------------------------------------------------


def test_stability_counts(library: Library) -> None:
    act = library.act(ACT)
    report = stability([act], ["24m", "1y"], dt.date(2025, 12, 31))
    [a] = report["acts"]
    amendments = {x["amendment"]: x for x in a["amendments"]}
    assert list(amendments) == ["U2300000290", "U2500000853"]
    assert amendments["U2300000290"]["clauses_changed"] == 1  # decree point 2 lost force
    in_force_rules = [
        cid
        for cid, c in act.clauses.items()
        if cid.startswith("rules.") and any(v.amendment == "U2500000853" for v in c.versions)
    ]
    assert amendments["U2500000853"]["clauses_changed"] == len(in_force_rules) + 2  # + title, point 1
    years = {y["year"]: (y["amendments"], y["clause_changes"]) for y in a["per_year"]}
    assert years[2023] == (1, 1) and years[2024] == (0, 0) and years[2025] == (1, len(in_force_rules) + 2)
    assert years[2013] == (0, 0)  # the adoption is not a change
    w24, w12 = a["windows"]
    assert (w24["from"], w24["to"], w24["amending_acts"]) == ("2024-01-01", "2025-12-31", ["U2500000853"])
    assert (w12["from"], w12["amending_acts"]) == ("2025-01-01", ["U2500000853"])
    assert a["uncertain_entry_into_force"] == ["U2300000290", "U2500000853"]
    assert a["history_gaps"]
    assert a["most_changed"][0]["changes"] == 1
    default = stability([act])
    assert default["as_of"] == "2025-04-23"
    assert default["acts"][0]["windows"][0]["amendments"] == 2  # 24 months back from 2025-04-23


@pytest.mark.parametrize(("text", "months"), [("24m", 24), ("1y", 12), ("18", 18), ("2 years", 24)])
def test_windows(text: str, months: int) -> None:
    assert parse_window(text) == months


def test_bad_window(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(WindowError):
        parse_window("24x")
    assert main(["stability", "--act", ACT, "--window", "0m", "--policies", str(POLICIES)]) == 2
    assert "between 1 month" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # argparse refuses the date itself
        main(["stability", "--act", ACT, "--as-of", "2025-02-30", "--policies", str(POLICIES)])
    assert info.value.code == 2
    assert "'2025-02-30' is not a date" in capsys.readouterr().err


def test_cli_stability_and_editions(capsys: pytest.CaptureFixture) -> None:
    assert (
        main(["stability", "--act", ACT, "--as-of", "2025-12-31", "--window", "24m", "--policies", str(POLICIES)]) == 0
    )
    text = capsys.readouterr().out
    assert "2 amending act(s)" in text and "No. 853 U2500000853" in text and "most-changed clauses" in text
    assert main(["editions", "--act", ACT, "--format", "json", "--policies", str(POLICIES)]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {e["id"]: e for e in data["editions"]}
    assert rows[f"{ACT}@U2500000853"]["entry_into_force_certain"] is False
    assert rows[f"{ACT}@draft-hypothetical-reserve-terms"]["draft"] is True
    assert rows[f"{ACT}@U2300000290"]["decidable"] == []
    assert "rules.14.part2" in rows[f"{ACT}@U2300000290"]["not_decidable"]["appointment"]
    assert main(["editions", "--act", ACT, "--policies", str(POLICIES)]) == 0
    text = capsys.readouterr().out
    assert "DRAFT — not law" in text and "[entry into force UNCERTAIN]" in text


# ---- review -------------------------------------------------------------------------------------


def test_review_bundle(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "review"
    argv = [
        "review",
        "--from",
        "U2500000853",
        "--to",
        DRAFT,
        "-o",
        str(out),
        "--cases",
        "150",
        "--corpus",
        str(FIXTURE),
        "--results",
        str(tmp_path / "no-results.json"),
        "--policies",
        str(POLICIES),
    ]
    assert main(argv) == 0
    assert "review.html" in capsys.readouterr().out
    bundle = json.loads((out / "review.json").read_text(encoding="utf-8"))
    to = bundle["provenance"]["to"]
    assert to["status"] == "DRAFT — not law" and to["amendment"] == "draft-hypothetical-reserve-terms"
    frm = bundle["provenance"]["from"]
    assert frm["number"] == "853" and frm["entry_into_force"]["certain"] is False
    assert (
        frm["entry_into_force"]["applies_from"] == "2025-05-04" and frm["publication"]["status"] == "unknown"
    )
    assert bundle["traceability"]["available"] is False and "make test" in bundle["traceability"]["note"]
    assert bundle["scenarios"]["mode"] == "tags"
    labels = [r["label"] for r in bundle["impact"]]
    # each corpus twice: as written, then with the draft's new fact drawn by the generator
    assert labels == [
        "the act's example cases",
        "the act's example cases, facts one edition lacks generated (seed 624)",
        "150 generated cases (seed 624, U1300000624@U2500000853 schemas)",
        "150 generated cases (seed 624, U1300000624@U2500000853 schemas), facts one edition lacks generated (seed 624)",
        "the corpus given",
        "the corpus given, facts one edition lacks generated (seed 624)",
    ]
    assert bundle["impact"][-2]["flipped"] == 5
    assert bundle["impact"][-1]["fill_missing"] == {"seed": 624}
    assert bundle["reproduce"][-1].endswith("--fill-missing --seed 624")
    assert (out / "corpus-examples.jsonl").is_file() and (out / "corpus-generated.jsonl").is_file()
    page = (out / "review.html").read_text(encoding="utf-8")
    for section in ("1. Provenance", "2. Text and rule diff", "3. Scenarios", "4. Traceability", "5. Impact"):
        assert section in page
    assert "NOT LAW" in page and "changed from 3 months to 6 months" in page
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in page


def test_review_against_a_git_revision_lists_scenarios_added_and_changed(tmp_path: Path) -> None:
    import shutil
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    repo = tmp_path / "repo"
    shutil.copytree(POLICIES, repo / "policies")
    (repo / "features").mkdir()
    feature = repo / "features" / "appointment.feature"
    shutil.copy(REPO / "features" / "appointment.feature", feature)
    git("init", "-q")
    git("add", "policies", "features")
    git("commit", "-q", "-m", "base")
    text = feature.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("Scenario:"))
    name = first.split(":", 1)[1].strip()
    text = text.replace(first, first + "\n    # reviewed against the draft", 1)
    text += (
        "\n  @clause:rules.14.part2\n  Scenario: A new scenario written for the review\n"
        '    When the "appointment" question is decided on 2026-02-02\n    Then the outcome is "appointable"\n'
    )
    feature.write_text(text, encoding="utf-8")
    out = tmp_path / "review"
    argv = [
        "review",
        "--act",
        ACT,
        "--from",
        "U2500000853",
        "--to",
        DRAFT,
        "-o",
        str(out),
        "--cases",
        "0",
        "--base-ref",
        "HEAD",
        "--features",
        str(repo / "features"),
        "--results",
        str(tmp_path / "none.json"),
        "--policies",
        str(repo / "policies"),
    ]
    assert main(argv) == 0
    scenarios = json.loads((out / "review.json").read_text(encoding="utf-8"))["scenarios"]
    assert scenarios["mode"] == "git" and scenarios["base_ref"] == "HEAD"
    [changed] = scenarios["files"]
    assert changed["status"] == "modified" and changed["file"].endswith("features/appointment.feature")
    assert [s["name"] for s in changed["added"]] == ["A new scenario written for the review"]
    assert [s["name"] for s in changed["changed"]] == [name]
    assert changed["removed"] == [] and "+    # reviewed against the draft" in changed["diff"]


def test_workers_started_without_fork_load_the_library_themselves(library: Library) -> None:
    """With another thread running, the pool is started by spawn: each worker loads the library once."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        from engine.tools.impact import _context

        assert _context().get_start_method() == "spawn"
        comparer, setup = comparer_for(library)
        report = run_impact(comparer, setup, FIXTURE, jobs=2)
    finally:
        stop.set()
        thread.join()
    assert summary(report) == EXPECTED


# ---- a draft that adds a required fact: invalid counts, and the facts generated ------------------


@pytest.fixture(scope="module")
def required_fact_policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The policies with the draft's new fact made required: no case written for the act in force
    can be read by the draft."""
    import shutil

    root = tmp_path_factory.mktemp("required-fact") / "policies"
    shutil.copytree(POLICIES, root)
    path = root / ACT / "drafts" / "draft-hypothetical-reserve-terms" / "decisions" / "exclusion.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      required: [reserve, administrative_liability, sanctions, exclusion_reports, transfers,\n                 position_changes]"
    assert old in text
    path.write_text(text.replace(old, old[:-1] + ", retraining_failed_on]"), encoding="utf-8")
    return root


def test_a_new_required_fact_is_counted_invalid_then_filled(
    required_fact_policies: Path, tmp_path: Path
) -> None:
    from engine.tools.impact import build_comparer

    library = load_library(required_fact_policies)
    act = library.act(ACT)
    old, new = select_edition(library, ACT, "2025-06-01"), select_edition(library, ACT, DRAFT)
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        write_corpus(corpus_for(act, old, ["exclusion", "appointment"], 5), 200, fh)
    root = str(required_fact_policies)
    plain = run_impact(
        build_comparer(Setup(root, root, ACT, old.id, new.id)),
        Setup(root, root, ACT, old.id, new.id),
        corpus,
        jobs=1,
    )
    data = plain.to_dict()
    exclusion = next(d for d in data["decisions"] if d["decision"] == "exclusion")
    # every exclusion case is still counted: invalid under the draft, shown as such
    assert exclusion["cases"] == 100 and exclusion["invalid_new"] == 100 and exclusion["flipped"] == 0
    assert data["totals"]["invalid_under_to"] == 100 and data["totals"]["invalid_under_from"] == 0
    assert "retraining_failed_on" in exclusion["invalid_samples"][0]["problem"]
    text = render_text(plain)
    assert f"invalid under {old.id}: 0; invalid under {new.id}: 100" in text.splitlines()[2]
    assert "--fill-missing generates them" in text

    setup = Setup(root, root, ACT, old.id, new.id, 624)
    filled = run_impact(build_comparer(setup), setup, corpus, jobs=2).to_dict()
    exclusion = next(d for d in filled["decisions"] if d["decision"] == "exclusion")
    assert exclusion["cases"] == 100 and exclusion["invalid"] == 0 and exclusion["filled"] == 100
    assert exclusion["flipped"] > 0  # failed retraining while in the reserve excludes under the draft
    group = next(g for g in exclusion["groups"] if "rules.18.9" in g["responsible"])
    sample = group["sample"]
    assert sample["filled"] == ["employee.retraining_failed_on"]
    assert (
        sample["case"]["employee"]["retraining_failed_on"]
        >= sample["case"]["employee"]["reserve"]["enrolled_on"]
    )
    again = run_impact(build_comparer(setup), setup, corpus, jobs=1).to_dict()
    assert again["decisions"] == filled["decisions"]  # the same seed fills the same facts
