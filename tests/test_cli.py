"""`ereje decide` and friends from the command line, and every kind of bad input.

In-process through `engine.cli.main([...])` with pytest's capsys, plus one run of the installed
`.venv/bin/ereje` in a subprocess. The policies are `tests/fixtures/enrollment/` (the real
enrollment decision and rules of Decree No. 624). A bad case, a bad argument or an unknown
name exits 2 with a readable message on stderr and never a traceback.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine import i18n
from engine.cli.cli import main
from engine.jsonio import MAX_CASE_BYTES

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = str(FIXTURES / "enrollment")
REPO = Path(__file__).resolve().parents[1]
EREJE = REPO / ".venv" / "bin" / "ereje"

CASE: dict[str, Any] = {
    "employee": {
        "body": "special_state_body",
        "service_years": 12,
        "training": ["higher_legal"],
        "subject_to_attestation": True,
        "attestation": {"decision": "corresponds", "date": "2025-03-14"},
        "sanctions": [],
        "reserve_history": [],
    },
    "target_position": {
        "first_head_of_special_state_body": False,
        "in_presidential_list": True,
        "requirements": {"min_service_years": 10, "training": ["higher_legal"]},
    },
    "nomination": {"nominated_by": "first_head_of_special_state_body", "materials_sent_on": "2025-05-20"},
}


def write(tmp_path: Path, content: str | bytes, name: str = "case.json") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def decide(*args: str) -> int:
    return main(["decide", *args, "--policies", POLICIES])


def changed(**changes: Any) -> str:
    """CASE as JSON text with `employee__service_years=…`-style changes."""
    data = json.loads(json.dumps(CASE))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = data
        for p in parents:
            target = target[p]
        if value is DROP:
            del target[last]
        else:
            target[last] = value
    return json.dumps(data)


DROP = object()


def test_decide_prints_one_json_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert decide("enrollment", write(tmp_path, json.dumps(CASE)), "--as-of", "2025-06-01") == 0
    captured = capsys.readouterr()
    decision = json.loads(captured.out)
    assert isinstance(decision["outcome"], str) and decision["outcome"] == "eligible"
    assert isinstance(decision["citations"], list) and all(isinstance(c, str) for c in decision["citations"])
    assert decision["citations"][0] == "rules.1" and "rules.8.1" in decision["citations"]
    assert decision["edition"]["id"] == "U1300000624@U2500000853"
    assert isinstance(decision["policy_hash"], str) and decision["policy_hash"].startswith("sha256:")
    assert decision["as_of"] == "2025-06-01"
    assert "trace" not in decision
    assert captured.err == ""


def test_decide_ineligible_with_english_texts_and_explanation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = write(tmp_path, changed(employee__service_years=9))
    assert decide("enrollment", case, "--as-of", "2025-06-01", "--lang", "en", "--explain") == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["outcome"] == "ineligible"
    assert decision["citations"] == ["rules.8.1"]
    [clause] = decision["clauses"]
    assert clause["lang"] == "en" and clause["role"] == "requirement_not_met"
    assert clause["text"].startswith("1) who meet the qualification requirements")
    assert any(t["clause"] == "rules.8.1" and t["value"] is False for t in decision["trace"])


def test_decide_reads_the_case_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(CASE).encode("utf-8"))))
    assert decide("enrollment", "-", "--as-of", "2025-06-01", "--act", "U1300000624") == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "eligible"


# ---- bad input: exit 2, a readable message, no traceback -----------------------------------

def unread(key: str, lang: str = "en", **fields: Any) -> str:
    """How `ereje decide` says it could not read the case, from the catalogue."""
    return i18n.text("cli.case_not_read", lang, why=i18n.text(key, lang, **fields))


BAD_CASES = [
    # (id, case file content, phrases that must appear on stderr)
    (
        "wrong type",
        changed(employee__service_years="twelve"),
        ["/employee/service_years", "“service_years”: expected a number."],
    ),
    (
        "wrong type boolean",
        changed(employee__subject_to_attestation="yes"),
        ["/employee/subject_to_attestation", "expected yes or no"],
    ),
    (
        "extra field",
        changed(employee__rank="colonel"),
        ["/employee", 'no field "rank"', "this decision does not read it"],
    ),
    ("missing field", changed(nomination=DROP), ["/: “nomination” is missing"]),
    ("enum value", changed(employee__body="army"), ["/employee/body", '"special_state_body", "state_security_service"']),
    (
        "30 February",
        changed(employee__attestation={"decision": "corresponds", "date": "2025-02-30"}),
        ["/employee/attestation/date", "a date is written YYYY-MM-DD and must exist"],
    ),
    (
        "date in another format",
        changed(nomination__materials_sent_on="20.05.2025"),
        ["/nomination/materials_sent_on", "“materials_sent_on”: a date is written YYYY-MM-DD"],
    ),
    (
        "1e400",
        changed(employee__service_years=0).replace('"service_years": 0', '"service_years": 1e400'),
        ["/employee/service_years", "80"],
    ),
    (
        "5000-digit integer",
        changed(employee__service_years=0).replace('"service_years": 0', '"service_years": ' + "9" * 5000),
        [unread("problem.detail.json_number")],
    ),
    ("deeply nested JSON", '{"employee": ' + "[" * 10_000 + "]" * 10_000 + "}", [unread("problem.detail.json_too_deep")]),
    (
        "nested just past the limit",
        '{"employee": ' + "[" * 40 + "]" * 40 + "}",
        [unread("problem.detail.json_nested", limit=32)],
    ),
    ("malformed JSON", '{"employee": {"body": "special_state_body",}', [unread("problem.detail.json_syntax", line=1, column=44)]),
    (
        "NaN",
        changed(employee__service_years=0).replace('"service_years": 0', '"service_years": NaN'),
        [unread("problem.detail.json_number")],
    ),
    ("not an object", "[1, 2, 3]", ["/: “the case”: expected a group of facts."]),
    ("empty file", "", [unread("problem.detail.json_syntax", line=1, column=1)]),
    (
        "missing fact needed",
        changed(employee__attestation=DROP),
        ["the case lacks facts the decision needs (1):", "/employee/attestation", "rules.8.2"],
    ),
]


@pytest.mark.parametrize(
    ("content", "phrases"), [(c, p) for _, c, p in BAD_CASES], ids=[i for i, _, _ in BAD_CASES]
)
def test_bad_case_exits_2_with_a_readable_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, phrases: list[str]
) -> None:
    assert decide("enrollment", write(tmp_path, content), "--as-of", "2025-06-01", "--lang", "en") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    for phrase in phrases:
        assert phrase in captured.err
    assert "Traceback" not in captured.err


def test_case_file_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert decide("enrollment", write(tmp_path, b'{"employee": "\xff\xfe"}'), "--as-of", "2025-06-01") == 2
    assert capsys.readouterr().err == "error: " + unread("cli.case_not_utf8", "kk", byte=14) + "\n"  # kk by default


def test_case_file_over_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    padding = " " * (MAX_CASE_BYTES + 1)
    assert decide("enrollment", write(tmp_path, json.dumps(CASE) + padding), "--as-of", "2025-06-01") == 2
    assert capsys.readouterr().err == "error: " + unread("cli.case_too_large", "kk", limit=MAX_CASE_BYTES) + "\n"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_case_that_cannot_be_read_is_said_in_the_language_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    said = {
        '{"employee": ': unread("problem.detail.json_syntax", lang, line=1, column=14),
        '{"employee": ' + "[" * 40 + "]" * 40 + "}": unread("problem.detail.json_nested", lang, limit=32),
        '{"employee": NaN}': unread("problem.detail.json_number", lang),
        '{"employee": "\\ud800"}': unread("problem.detail.json_surrogate", lang),
        " " * (MAX_CASE_BYTES + 1): unread("cli.case_too_large", lang, limit=MAX_CASE_BYTES),
    }
    for content, expected in said.items():
        assert decide("enrollment", write(tmp_path, content), "--lang", lang) == 2
        assert capsys.readouterr().err == f"error: {expected}\n"
    assert decide("enrollment", str(tmp_path / "nowhere.json"), "--lang", lang) == 2
    missing = i18n.text("cli.case_file_not_found", lang, file=str(tmp_path / "nowhere.json"))
    assert capsys.readouterr().err == f"error: {missing}\n"

    def refused(_path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    case = write(tmp_path, json.dumps(CASE))
    monkeypatch.setattr(Path, "read_bytes", refused)
    assert decide("enrollment", case, "--lang", lang) == 2
    unreadable = i18n.text("cli.case_file_unreadable", lang, file=case, error="Permission denied")
    assert capsys.readouterr().err == f"error: {unreadable}\n"
    if lang != "en":
        assert not any("cannot be read" in x or "The JSON" in x for x in said.values())


@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (
            ["enrolment", "CASE", "--as-of", "2025-06-01"],
            ["unknown question 'enrolment'", "did you mean enrollment?"],
        ),
        (["enrollment", "CASE", "--act", "U1300000625"], ["unknown act 'U1300000625'", "U1300000624"]),
        (["enrollment", "nowhere.json"], [i18n.text("cli.case_file_not_found", "kk", file="nowhere.json")]),
        (
            ["enrollment", "CASE", "--as-of", "2025-05-03"],
            ["U1300000624@U1300000624", "does not encode", "rules.8.1"],
        ),
        (["enrollment", "CASE", "--as-of", "2013-08-27"], ["before the first encoded edition", "rules.8.1"]),
    ],
    ids=["unknown question", "unknown act", "missing case file", "2013 wording", "before the act"],
)
def test_bad_names_and_dates_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], phrases: list[str]
) -> None:
    case = write(tmp_path, json.dumps(CASE))
    assert decide(*[case if a == "CASE" else a for a in args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    for phrase in phrases:
        assert phrase in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "as_of", ["2025-13-01", "2025-02-30", "01.06.2025", "2025-6-1", "tomorrow", "20250601"]
)
def test_invalid_as_of_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], as_of: str) -> None:
    with pytest.raises(SystemExit) as info:
        decide("enrollment", write(tmp_path, json.dumps(CASE)), "--as-of", as_of)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"{as_of!r} is not a date; write YYYY-MM-DD" in err
    assert "Traceback" not in err


def test_broken_policies_exit_1_with_their_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = write(tmp_path, json.dumps(CASE))
    code = main(["decide", "enrollment", case, "--policies", str(FIXTURES / "broken" / "unknown_fact")])
    assert code == 1
    err = capsys.readouterr().err
    assert "unknown fact 'employee.service_yeras'" in err and "run `ereje check`" in err


@pytest.mark.parametrize("command", ["check", "decide", "clauses", "trace"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ereje " + command)


def test_clauses_lists_every_clause_with_kind_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clauses", "--act", "U1300000624", "--policies", POLICIES]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert list(rows) == [
        "rules.1",
        "rules.4",
        "rules.7",
        "rules.8.1",
        "rules.8.2",
        "rules.8.3",
        "rules.10.part5",
        "rules.20",
    ]
    assert all(row[1] == "rule" and row[2] == "yes" for row in rows.values())
    assert rows["rules.8.1"][-1] == "enrollment"


def test_installed_console_script(tmp_path: Path) -> None:
    good = write(tmp_path, json.dumps(CASE), "good.json")
    bad = write(tmp_path, '{"employee": ' + "[" * 10_000 + "]" * 10_000 + "}", "bad.json")
    ok = subprocess.run(
        [str(EREJE), "decide", "enrollment", good, "--as-of", "2025-06-01", "--policies", POLICIES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["outcome"] == "eligible"
    refused = subprocess.run(
        [str(EREJE), "decide", "enrollment", bad, "--as-of", "2025-06-01", "--policies", POLICIES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert unread("problem.detail.json_too_deep", "kk") in refused.stderr and "Traceback" not in refused.stderr


# ---- a refused case in the language asked: the service's words, the same pointers ---------------


@pytest.mark.parametrize("lang", ["kk", "ru", "en", None])
def test_refused_case_is_said_in_the_language_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   lang: str | None) -> None:
    from engine.casemessages import namer_for
    from engine.i18n import text
    from engine.library import load_library

    policies = REPO / "policies"
    example = policies / "U1300000624" / "examples" / "enrollment" / "eligible-nominee.json"
    case = json.loads(example.read_text(encoding="utf-8"))
    case["employee"]["service_years"] = "twelve"
    del case["nomination"]
    argv = ["decide", "enrollment", write(tmp_path, json.dumps(case)), "--as-of", "2025-06-01",
            "--policies", str(policies)]
    assert main(argv + (["--lang", lang] if lang else [])) == 2
    err = capsys.readouterr().err
    said = lang or "kk"  # Kazakh when no language is asked for, as everywhere else
    namer = namer_for(load_library(policies), "enrollment", None)
    expected = [
        "error: " + text("cli.case_invalid", said, count=2),
        "  /: " + text("case.required", said, field=namer.name("/nomination", said)),
        "  /employee/service_years: "
        + text("case.type", said, field=namer.name("/employee/service_years", said), expected=text("type.number", said)),
    ]
    assert sorted(err.splitlines()) == sorted(expected)
    assert namer.name("/employee/service_years", said) != "service_years"  # the field's own title


def test_decide_says_a_refused_case_without_the_service() -> None:
    """`ereje decide` and the core's case messages import nothing of `web` (the console script
    adds the service's own commands, in engine/cli/__init__.py, and nothing else of it)."""
    import ast

    for path in (REPO / "engine" / "cli" / "cli.py", REPO / "engine" / "casemessages.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in names if m == "web" or m.startswith("web.")], path
