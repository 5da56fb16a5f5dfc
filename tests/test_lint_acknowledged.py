"""Acknowledged findings: a drafter accepts a lint finding in the policy file, with a reason
(`acknowledged:` in a clause or decision file); lint shows it apart and `--fail-on` ignores it;
a malformed or misplaced entry is a positioned `ereje check` error; an entry that no longer
matches a finding is noted."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from engine.cli.cli import main as engine_main
from engine.cli.lint_cli import register
from engine.library import check_library, load_library
from engine.tools.lint import lint_library

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lint"
AS_OF = dt.date(2024, 6, 1)
CLAUSE_ACK = """    acknowledged:
      - finding: dead_statement
        reason: "The two bounds come from two acts; the contradiction is reported to the drafters."
      - finding: no_influence
        decision: d
        reason: "Follows from the dead statement acknowledged above."
"""


def _tree(tmp_path: Path, clause_ack: str | None = None, decision_ack: str | None = None) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(FIXTURES / "dead-trigger", root)
    clauses = root / "T" / "clauses" / "clauses.yaml"
    text = clauses.read_text(encoding="utf-8")
    if clause_ack is not None:
        text = text.replace("  - id: c.1\n", "  - id: c.1\n" + clause_ack, 1)
    clauses.write_text(text, encoding="utf-8")
    if decision_ack is not None:
        decision = root / "T" / "decisions" / "d.yaml"
        decision.write_text(decision.read_text(encoding="utf-8") + decision_ack, encoding="utf-8")
    return root


def _kinds(findings: list) -> list[tuple[str, str | None]]:
    return [(f.kind, f.clause) for f in findings]


def test_an_acknowledged_finding_is_shown_apart(tmp_path: Path) -> None:
    before = lint_library(load_library(_tree(tmp_path / "a")), as_of=AS_OF, stability=False)
    assert ("dead_statement", "c.1") in _kinds(before.findings)
    report = lint_library(load_library(_tree(tmp_path / "b", CLAUSE_ACK)), as_of=AS_OF, stability=False)
    assert ("dead_statement", "c.1") not in _kinds(report.findings)
    assert _kinds(report.acknowledged) == [("dead_statement", "c.1"), ("no_influence", "c.1")]
    f = report.acknowledged[0]
    assert f.acknowledged.reason.startswith("The two bounds come from two acts")
    assert f.acknowledged.file.endswith("T/clauses/clauses.yaml") and f.acknowledged.line == 4
    assert report.to_dict()["acknowledged"][0]["acknowledged"]["line"] == 4


def test_fail_on_ignores_acknowledged_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def run(root: Path) -> int:
        return engine_main(
            ["lint", "--policies", str(root), "--as-of", "2024-06-01", "--fail-on", "warning", "--lang", "en"],
            extra=[register],
        )

    assert run(_tree(tmp_path / "a")) == 1
    capsys.readouterr()
    assert run(_tree(tmp_path / "b", CLAUSE_ACK)) == 0
    out = capsys.readouterr().out
    assert "acknowledged in the policy files (2; not counted by --fail-on):" in out
    assert "T/clauses/clauses.yaml:4: The two bounds" in out


def test_a_decision_file_can_acknowledge_and_a_stale_entry_is_noted(tmp_path: Path) -> None:
    ack = """acknowledged:
  - finding: dead_statement
    clause: c.1
    reason: "Accepted for the test: the clause is kept for its text."
  - finding: conflict
    clause: c.2
    reason: "No such finding exists in this fixture any more."
"""
    report = lint_library(load_library(_tree(tmp_path, decision_ack=ack)), as_of=AS_OF, stability=False)
    assert _kinds(report.acknowledged) == [("dead_statement", "c.1")]
    notes = [str(n) for a in report.acts for n in a.notes]  # a Message says itself in English
    assert any(
        re.search(r"T/decisions/d\.yaml:\d+: the acknowledgement of conflict in c\.2 matches no finding", n)
        for n in notes
    ), notes


@pytest.mark.parametrize(
    ("clause_ack", "decision_ack", "where", "phrase"),
    [
        (
            "    acknowledged:\n      - finding: dead_statement\n",
            None,
            ("T/clauses/clauses.yaml", 4),
            "'reason' is a required property",
        ),
        (
            "    acknowledged:\n      - finding: dead_statment\n        reason: a reason long enough\n",
            None,
            ("T/clauses/clauses.yaml", 4),
            "dead_statment",
        ),
        (
            "    acknowledged:\n      - finding: dead_statement\n        clause: c.2\n"
            "        reason: a reason long enough\n",
            None,
            ("T/clauses/clauses.yaml", 5),
            "an acknowledgement under clause c.1 names clause 'c.2'",
        ),
        (
            None,
            "acknowledged:\n  - finding: conflict\n    clause: c.9\n    reason: a reason long enough\n",
            ("T/decisions/d.yaml", None),
            "names clause 'c.9', which 'd' does not use",
        ),
    ],
)
def test_a_bad_entry_is_a_positioned_check_error(
    tmp_path: Path, clause_ack: str | None, decision_ack: str | None, where: tuple, phrase: str
) -> None:
    library, issues = check_library(_tree(tmp_path, clause_ack, decision_ack))
    errors = [i for i in issues if i.severity == "error"]
    assert library is None and len(errors) == 1, [e.render() for e in errors]
    [e] = errors
    assert e.file.endswith(where[0]) and e.line is not None and e.column is not None
    if where[1] is not None:
        assert e.line == where[1]
    assert phrase in e.render()


def test_the_schema_names_every_kind_of_finding() -> None:
    """The kinds a policy file may acknowledge are the kinds lint reports, no more, no fewer."""
    import json

    from engine.tools.lint.model import KINDS

    common = Path(__file__).resolve().parent.parent / "engine" / "schemas" / "common.schema.json"
    schema = json.loads(common.read_text(encoding="utf-8"))
    assert schema["$defs"]["acknowledgements"]["items"]["properties"]["finding"]["enum"] == list(KINDS)
