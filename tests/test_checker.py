"""The checker (`ereje check`): every kind of policy error, positioned in the YAML file.

Each case is a deliberately broken copy of a small piece of the real act, under
`tests/fixtures/broken/<case>/U1300000624/`: the clauses rules.1 and 8.1-8.3 with their real
texts and rules, the enrollment decision with a trimmed case schema, and one mistake (the
fixture's first comment line names it). `tests/fixtures/broken/base/` is the same tree without
a mistake, so every error below is caused by the one change. Positions are 1-based
line:column inside the YAML file; for a rule they point at the offending token inside the
`rule: |` block, mapped back into the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.cli.cli import main
from engine.errors import PolicyIssue
from engine.library import check_library
from engine.yamlsafe import MAX_POLICY_FILE_BYTES, load_policy_yaml

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
REPO = Path(__file__).resolve().parents[1]
CLAUSES = "U1300000624/clauses/rules.yaml"
DECISION = "U1300000624/decisions/enrollment.yaml"


def errors_of(root: Path) -> list[PolicyIssue]:
    library, issues = check_library(root)
    errors = [i for i in issues if i.severity == "error"]
    assert (library is None) == bool(errors)
    return errors


def the_error(case: str) -> PolicyIssue:
    errors = errors_of(BROKEN / case)
    assert len(errors) == 1, "\n".join(e.render() for e in errors)
    return errors[0]


def text_at(issue: PolicyIssue, root: Path = BROKEN) -> str:
    """The file's text from the issue's line and column on (what the position points at)."""
    assert issue.line is not None and issue.column is not None
    lines = (root / issue.file).read_text(encoding="utf-8").splitlines()
    return lines[issue.line - 1][issue.column - 1 :]


def test_the_base_fixture_is_clean() -> None:
    # Every broken case is this tree plus one mistake: without it there is nothing to report.
    assert errors_of(BROKEN / "base") == []


# (case, file, line, column, clause, text at the position, phrases of message/expected/hint)
POSITIONED = [
    (
        "unknown_fact",
        CLAUSES,
        35,
        13,
        "rules.8.1",
        "employee.service_yeras >=",
        ["unknown fact 'employee.service_yeras'", "did you mean 'service_years'?", "service_years, training"],
    ),
    (
        "date_compared_with_number",
        CLAUSES,
        85,
        13,
        "rules.8.3",
        "sanction.imposed_on <= 2025",
        ["cannot compare a date with a", "integer", "inside definition sanction_in_force"],
    ),
    (
        "enum_typo",
        CLAUSES,
        57,
        62,
        "rules.8.2",
        '"corresponds_recomended_for_reserve"',
        [
            '"corresponds_recomended_for_reserve" is not a value this fact can take',
            "did you mean 'corresponds_recommended_for_reserve'",
            '"does_not_correspond"',
        ],
    ),
    (
        "unknown_definition",
        CLAUSES,
        39,
        21,
        "rules.8.1",
        "meets_qualification_requirement else",
        [
            "unknown name 'meets_qualification_requirement'",
            "did you mean 'meets_qualification_requirements'?",
            "a fact of the case schema, a definition, or decision_date",
        ],
    ),
    (
        "duplicate_definition",
        CLAUSES,
        56,
        11,
        "rules.8.2",
        "define meets_qualification_requirements =",
        ["'meets_qualification_requirements' is already defined by clause rules.8.1", "rename one"],
    ),
    (
        "decision_cites_missing_clause",
        DECISION,
        12,
        53,
        None,
        "rules.8.4]",
        ["decision cites clause 'rules.8.4', which does not exist", "did you mean rules.8.3"],
    ),
    (
        "block_for_unknown_decision",
        CLAUSES,
        16,
        11,
        "rules.1",
        "for enrolment:",
        ["'for enrolment:' names no decision of this act", "did you mean enrollment?"],
    ),
    (
        "clause_not_listed",
        CLAUSES,
        92,
        11,
        "rules.8.3",
        "for enrollment:",
        ["clause rules.8.3 contributes to 'enrollment'", "does not list it", "add rules.8.3 to the clauses"],
    ),
    (
        "override_missing_clause",
        CLAUSES,
        66,
        13,
        "rules.8.2",
        'override "rules.8.9"',
        ["override names clause 'rules.8.9', which does not exist", "did you mean rules.8.3"],
    ),
    (
        "override_cycle",
        CLAUSES,
        40,
        13,
        "rules.8.1",
        'override "rules.8.2"',
        ["overrides in 'enrollment' form a cycle: rules.8.1 → rules.8.2 → rules.8.3 → rules.8.1", "one-way"],
    ),
    (
        "outcome_not_in_decision",
        CLAUSES,
        39,
        13,
        "rules.8.1",
        "require meets_qualification_requirements else not_eligible",
        [
            "'not_eligible' is not an outcome of this decision",
            "did you mean 'ineligible'",
            "ineligible, not_applicable",
        ],
    ),
    (
        "amendment_without_file",
        CLAUSES,
        47,
        20,
        "rules.8.2",
        "U2500000835",
        ["version cites amendment 'U2500000835', which has no file in amendments/", "U2500000853"],
    ),
    (
        "rule_not_block",
        CLAUSES,
        15,
        15,
        "rules.1",
        '"for enrollment: when',
        ["a rule must be written as a literal block (rule: |)", "write 'rule: |'"],
    ),
    (
        "syntax_python",
        CLAUSES,
        36,
        13,
        "rules.8.1",
        "&& (all level",
        ["unexpected character '&'", "write 'and' instead of '&&'"],
    ),
    (
        "nonexistent_date",
        CLAUSES,
        90,
        95,
        "rules.8.3",
        "2025-02-30",
        ["2025-02-30 is not a calendar date", "YYYY-MM-DD that exists"],
    ),
    (
        "malformed_yaml",
        DECISION,
        5,
        16,
        None,
        ": the Presidential personnel reserve",
        ["malformed YAML: mapping values are not allowed", "check indentation and quoting"],
    ),
]


@pytest.mark.parametrize(
    ("case", "file", "line", "column", "clause", "points_at", "phrases"),
    POSITIONED,
    ids=[p[0] for p in POSITIONED],
)
def test_error_names_file_line_column_clause_and_fix(
    case: str, file: str, line: int, column: int, clause: str | None, points_at: str, phrases: list[str]
) -> None:
    issue = the_error(case)
    assert (issue.file, issue.line, issue.column, issue.clause) == (f"{case}/{file}", line, column, clause)
    assert text_at(issue).startswith(points_at)
    rendered = issue.render()
    assert rendered.startswith(f"{case}/{file}:{line}:{column}: error")
    for phrase in phrases:
        assert phrase in rendered


def test_unknown_functions_are_refused_each_with_its_own_hint() -> None:
    errors = errors_of(BROKEN / "unknown_function")
    by_position = {(e.line, e.column): e for e in errors}
    assert set(by_position) == {(39, 58), (93, 60)}
    python = by_position[(39, 58)]
    assert python.clause == "rules.8.1"
    assert text_at(python).startswith('open("case.json")')
    assert python.message == "unknown function 'open'"
    assert "cannot call Python" in (python.hint or "")
    assert "start_of_quarter" in (python.expected or "")  # the built-ins are listed
    typo = by_position[(93, 60)]
    assert typo.clause == "rules.8.3"
    assert typo.message == "unknown function 'sanction_in_forse'"
    assert typo.hint == "did you mean 'sanction_in_force'?"


def test_definition_cycle_is_reported_at_the_definition_with_its_path() -> None:
    errors = errors_of(BROKEN / "definition_cycle")
    cycle = "sanctions_checked_on → sending_date → sanctions_checked_on"
    first = errors[0]
    assert (first.file, first.line, first.column, first.clause) == (
        f"definition_cycle/{CLAUSES}",
        89,
        11,
        "rules.8.3",
    )
    assert text_at(first).startswith("define sanctions_checked_on =")
    assert first.message == f"definitions refer to each other in a cycle: {cycle}"
    # Every report is about this cycle (the use inside `sending_date` may be named too).
    assert all("cycle" in e.message and "sending_date" in e.message for e in errors)


def test_a_statement_may_not_give_the_default_outcome() -> None:
    issue = the_error("default_outcome_in_rule")
    assert (issue.line, issue.column, issue.clause) == (39, 13, "rules.8.1")
    assert text_at(issue).startswith("when meets_qualification_requirements then eligible")
    assert "'eligible'" in issue.message


def test_giving_the_default_outcome_is_explained_as_such() -> None:
    issue = the_error("default_outcome_in_rule")
    assert "default" in issue.message
    assert "is not an outcome of this decision" not in issue.message


def test_schema_violation_missing_key() -> None:
    errors = errors_of(BROKEN / "schema_missing_key")
    schema = [e for e in errors if e.code == "schema"]
    assert len(schema) == 1
    issue = schema[0]
    assert (issue.file, issue.line, issue.column) == (f"schema_missing_key/{CLAUSES}", 25, 9)
    assert text_at(issue).startswith("amendment: U2500000853")  # the version that lacks 'change'
    assert issue.message == "/clauses/1/versions/0: 'change' is a required property"


def test_unquoted_8_10_is_a_float_and_the_hint_says_quote_it() -> None:
    schema = [e for e in errors_of(BROKEN / "unquoted_number") if e.code == "schema"]
    assert len(schema) == 1
    issue = schema[0]
    assert (issue.file, issue.line, issue.column) == (f"unquoted_number/{CLAUSES}", 23, 24)
    assert text_at(issue).startswith("8.10]")
    assert "8.1 is not of type 'string'" in issue.message  # the trailing zero is already lost
    assert issue.expected == "string"
    assert "quote it" in (issue.hint or "")


@pytest.mark.parametrize("case", ["schema_missing_key", "unquoted_number", "duplicate_key", "yaml_alias"])
def test_an_invalid_clause_file_does_not_cascade_into_missing_clauses(case: str) -> None:
    errors = errors_of(BROKEN / case)
    assert not [e for e in errors if "does not exist" in e.message], "\n".join(e.render() for e in errors)


def test_duplicate_key() -> None:
    issue = next(e for e in errors_of(BROKEN / "duplicate_key") if e.code == "yaml")
    assert (issue.file, issue.line, issue.column) == (f"duplicate_key/{CLAUSES}", 55, 9)
    assert text_at(issue) == "kind: declarative"
    assert issue.message == "duplicate key 'kind'"
    assert issue.hint == "the first 'kind' is at line 54"


def test_yaml_bomb_is_refused_without_expanding_it() -> None:
    errors = errors_of(BROKEN / "yaml_bomb")
    assert len(errors) == 1
    issue = errors[0]
    assert issue.file == "yaml_bomb/U1300000624/act.yaml"
    assert issue.code == "yaml"
    assert "aliases (*name) are not allowed" in issue.message
    assert issue.line in (15, 16)  # the first anchored list or its first alias


def test_yaml_alias_is_refused() -> None:
    issue = next(e for e in errors_of(BROKEN / "yaml_alias") if e.code == "yaml")
    assert issue.file == f"yaml_alias/{CLAUSES}"
    assert "aliases (*name) are not allowed" in issue.message
    assert issue.hint == "write the value out in full"


def test_yaml_alias_is_reported_where_it_is_used() -> None:
    issue = next(e for e in errors_of(BROKEN / "yaml_alias") if e.code == "yaml")
    assert (issue.line, issue.column) == (56, 17)
    assert text_at(issue).startswith("*why")


def test_a_folded_rule_block_is_refused() -> None:
    issue = the_error("folded_rule")
    assert (issue.line, issue.column, issue.clause) == (82, 15, "rules.8.3")
    assert "literal block (rule: |)" in issue.message


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(BROKEN / "base", root)
    clauses = root / CLAUSES
    padding = "# padding\n" * (MAX_POLICY_FILE_BYTES // 10 + 1)
    clauses.write_text(clauses.read_text(encoding="utf-8") + padding, encoding="utf-8")
    assert clauses.stat().st_size > MAX_POLICY_FILE_BYTES
    size = [e for e in errors_of(root) if e.code == "size"]
    assert len(size) == 1
    assert size[0].file == f"policies/{CLAUSES}"
    assert f"over the {MAX_POLICY_FILE_BYTES:,}-byte limit" in size[0].message
    # The file is refused unread: no YAML position, no partial model.
    doc, issues = load_policy_yaml(clauses)
    assert doc is None and issues[0].code == "size"


def test_several_type_errors_are_reported_in_one_run() -> None:
    errors = errors_of(BROKEN / "several_type_errors")
    found = {(e.clause, e.line, e.column) for e in errors}
    assert found == {("rules.8.1", 35, 13), ("rules.8.2", 57, 62), ("rules.8.3", 93, 13)}
    messages = " | ".join(e.message for e in errors)
    assert "unknown fact 'employee.service_yeras'" in messages
    assert '"corresponds_recomended_for_reserve" is not a value' in messages
    assert "'inelegible' is not an outcome" in messages


def test_a_syntax_error_does_not_hide_the_type_errors_of_other_clauses() -> None:
    errors = errors_of(BROKEN / "several_errors")
    found = {(e.clause, e.line, e.column) for e in errors}
    assert {
        ("rules.1", 17, 33),  # '==' (syntax)
        (None, 12, 53),  # the decision cites rules.8.4
        ("rules.8.1", 35, 13),  # unknown fact
        ("rules.8.2", 57, 62),  # enum typo
        ("rules.8.3", 93, 13),  # outcome typo
    } <= found


def test_several_errors_across_files_are_reported_together() -> None:
    # What the loader finds is reported in one run, however many files it spans.
    errors = errors_of(BROKEN / "several_errors")
    found = {(e.file, e.line, e.column) for e in errors}
    assert (f"several_errors/{CLAUSES}", 17, 33) in found
    assert (f"several_errors/{DECISION}", 12, 53) in found


# ---- the command -----------------------------------------------------------------------


def test_ereje_check_exits_1_and_prints_every_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BROKEN / "several_type_errors")]) == 1
    err = capsys.readouterr().err
    assert f"several_type_errors/{CLAUSES}:35:13: error in clause rules.8.1: unknown fact" in err
    assert f"several_type_errors/{CLAUSES}:57:62: error in clause rules.8.2:" in err
    assert f"several_type_errors/{CLAUSES}:93:13: error in clause rules.8.3:" in err
    assert "hint: did you mean 'service_years'?" in err
    assert "3 error(s) in" in err
    assert "Traceback" not in err


def test_ereje_check_exits_0_on_a_clean_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "enrollment")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 1 act(s), 8 clauses, 1 decisions checked and compiled")


def test_ereje_check_on_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nowhere")]) == 1
    assert "policies directory not found" in capsys.readouterr().err


def _rule_clauses_without_rules() -> list[str]:
    """Rule clauses of the real act whose rule is not written yet (the rule writers' backlog)."""
    pending = []
    for path in sorted((REPO / "policies").glob("*/clauses/*.yaml")):
        doc, _ = load_policy_yaml(path)
        if doc is None or not isinstance(doc.data, dict):
            continue
        for clause in doc.data.get("clauses", []):
            for version in clause.get("versions", []):
                if version.get("kind") == "rule" and "rule" not in version:
                    pending.append(clause.get("id"))
    return pending


_PENDING = _rule_clauses_without_rules()


@pytest.mark.skipif(
    bool(_PENDING),
    reason=f"{len(_PENDING)} rule clause(s) of policies/ have no rule yet (e.g. {', '.join(map(str, _PENDING[:3]))})",
)
def test_ereje_check_passes_on_the_real_policies(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(REPO / "policies")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.startswith("ok: ")


def test_a_too_long_rule_is_reported_without_its_whole_text(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(BROKEN / "base", root)
    clauses = root / CLAUSES
    text = clauses.read_text(encoding="utf-8")
    long_comment = "          # " + "x" * 20_100 + "\n"
    clauses.write_text(
        text.replace("          for enrollment:\n", long_comment + "          for enrollment:\n", 1),
        encoding="utf-8",
    )
    [issue] = [e for e in errors_of(root) if e.code == "schema"]
    assert (issue.line, issue.column) == (15, 15)
    assert "too long" in issue.message
    assert len(issue.render()) < 1_000


def _edited_base(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(BROKEN / "base", root)
    clauses = root / CLAUSES
    text = clauses.read_text(encoding="utf-8")
    assert text.count(old) == 1
    clauses.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_a_second_block_for_the_same_decision_in_one_rule(tmp_path: Path) -> None:
    root = _edited_base(
        tmp_path,
        "          for enrollment:\n            require meets_qualification_requirements else ineligible\n",
        "          for enrollment:\n            require meets_qualification_requirements else ineligible\n"
        "          for enrollment:\n            require employee.service_years >= 1 else ineligible\n",
    )
    [issue] = errors_of(root)
    assert (issue.file, issue.line, issue.column, issue.clause) == (
        "policies/" + CLAUSES,
        40,
        11,
        "rules.8.1",
    )
    assert issue.message == "a second 'for enrollment:' block in the same rule"
    assert issue.hint == "merge the statements into one block per decision"


def test_two_versions_applying_from_the_same_day(tmp_path: Path) -> None:
    # rules.7 of the act has one version (No. 853); a second one by the same act overlaps it.
    first_version = "    versions:\n      - amendment: U2500000853\n        change: new_wording\n"
    root = tmp_path / "policies"
    shutil.copytree(BROKEN / "base", root)
    clauses = root / CLAUSES
    text = clauses.read_text(encoding="utf-8")
    start = text.index("  - id: rules.1\n")
    end = text.index("  - id: rules.8.1\n")
    entry = text[start:end]
    version = entry[entry.index("      - amendment:") :]
    clauses.write_text(text[:end] + version.rstrip("\n") + "\n\n" + text[end:], encoding="utf-8")
    assert first_version in entry
    errors = [e for e in errors_of(root) if e.code == "history"]
    assert len(errors) == 1
    assert errors[0].clause == "rules.1"
    assert (
        "versions by U2500000853 and U2500000853 both apply from 2025-05-04: their periods overlap"
        in errors[0].message
    )
