"""Every `ereje` command names the act the same way and exits with the same codes.

`--act ID` everywhere (repeatable where a command reads several acts); left out only where one
act fits; an act given bare is refused with the command to type instead. Exit codes: 0 done,
1 policies or subject failed, 2 bad usage or input (engine/cli/cliopts.py, README "Exit codes").
Run in-process on the shipped policies (four acts), so "the only act" is never a given.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import engine.cli
import engine.cli.edition_cli
import engine.cli.lint_cli
import web.commands
from engine.cli.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
POLICIES = str(REPO / "policies")
ACT = "U1300000624"
EXAMPLE = str(REPO / "policies" / ACT / "examples" / "enrollment" / "eligible-nominee.json")
DRAFT = "draft:draft-hypothetical-reserve-terms"
CORPUS = str(REPO / "tests" / "fixtures" / "editions" / "corpus.jsonl")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = engine.cli.main([*argv, "--policies", POLICIES])
    out, err = capsys.readouterr()
    return code, out, err


# Each command that reads one act, with the other arguments it needs.
ONE_ACT = {
    "clauses": ["clauses"],
    "editions": ["editions"],
    "diff": ["diff", "--from", "2025-06-01", "--to", "2025-06-02", "--no-witness"],
    "impact": ["impact", CORPUS, "--from", "2025-06-01", "--to", "2025-06-02", "--jobs", "1"],
    "cases generate": ["cases", "generate", "--n", "1"],
    "decide": ["decide", "enrollment", EXAMPLE, "--as-of", "2025-06-01"],
}
# Each command that reads several acts (every act when none is named).
MANY_ACTS = {
    "trace": ["trace", "--results", "/nonexistent/results.json"],
    "stability": ["stability"],
    "lint": ["lint", "--budget", "100", "--as-of", "2025-06-01", "--fail-on", "none"],
}
# `review` writes a bundle (a corpus run included): checked for its act argument only.
REVIEW = ["review", "--from", "2025-06-01", "--to", "2025-06-02", "--cases", "0", "-o", "/nonexistent/review"]
COMMANDS = {**ONE_ACT, **MANY_ACTS, "review": REVIEW}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_takes_the_act_as_an_option(command: str) -> None:
    parser = build_parser([web.commands.register, engine.cli.edition_cli.register, engine.cli.lint_cli.register])
    words = command.split()
    sub = parser._subparsers._group_actions[0].choices[words[0]]  # type: ignore[union-attr]
    if len(words) > 1:
        sub = sub._subparsers._group_actions[0].choices[words[1]]  # type: ignore[union-attr]
    act = [a for a in sub._actions if "--act" in a.option_strings]
    assert act, f"{command} has no --act"
    assert act[0].metavar == "ID"
    assert not [a for a in sub._actions if a.dest in ("act", "acts") and not a.option_strings]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unknown_act_is_a_usage_error_naming_the_acts(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *COMMANDS[command], "--act", "U0000000000")
    assert code == 2, err
    assert "U0000000000" in err and ACT in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["clauses", "editions", "diff", "trace", "stability", "lint"])
def test_an_act_given_bare_is_refused_with_the_command_to_type(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *COMMANDS[command], ACT)
    assert code == 2
    assert f"ereje {command} --act {ACT}" in err


@pytest.mark.parametrize("command", ["clauses", "editions", "diff", "impact", "cases generate", "review"])
def test_an_omitted_act_among_several_names_what_act_accepts(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *COMMANDS[command])
    assert code == 2
    assert "--act ID" in err
    assert all(a in err for a in ("KZ-HEALTH-CODE-2020", "KZ-HEALTH-CONST-1995", ACT))


def test_the_act_may_be_left_out_where_only_one_fits(capsys: pytest.CaptureFixture[str]) -> None:
    # Only U1300000624 answers `enrollment`; only it has the draft edition.
    code, out, _ = run(capsys, "decide", "enrollment", EXAMPLE, "--as-of", "2025-06-01")
    assert code == 0 and json.loads(out)["act"] == ACT
    code, out, _ = run(capsys, "diff", "--from", "2025-06-01", "--to", DRAFT, "--no-witness", "--format", "json")
    assert code == 0 and json.loads(out)["to"]["draft"] is True


@pytest.mark.parametrize("command", sorted(ONE_ACT))
def test_every_one_act_command_works_with_act(command: str, capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    argv = [*ONE_ACT[command], "--act", ACT]
    if command == "cases generate":
        argv += ["-o", str(tmp_path / "c.jsonl")]
    code, _, err = run(capsys, *argv)
    assert code == 0, err


def test_several_acts_are_named_by_repeating_act(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "stability", "--act", ACT, "--act", "KZ-HEALTH-CODE-2020", "--format", "json"
    )
    assert code == 0, err
    assert {a["act"] for a in json.loads(out)["acts"]} == {ACT, "KZ-HEALTH-CODE-2020"}


# ---- exit codes ---------------------------------------------------------------------------------


def test_check_a_single_act_folder(capsys: pytest.CaptureFixture[str]) -> None:
    for act in sorted(p.name for p in (REPO / "policies").iterdir() if p.is_dir()):
        code = engine.cli.main(["check", str(REPO / "policies" / act)])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert out.startswith("ok: 1 act(s)") and err == ""


def test_check_json_and_failure_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert engine.cli.main(["check", POLICIES, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and ACT in data["acts"] and data["issues"] == []
    broken = str(REPO / "tests" / "fixtures" / "broken" / "unknown_fact")
    assert engine.cli.main(["check", broken, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["issues"][0]["severity"] == "error" and data["issues"][0]["line"]


def test_lint_fails_on_errors_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    lint = REPO / "tests" / "fixtures" / "lint" / "hierarchy-trigger"
    base = ["lint", "--policies", str(lint), "--as-of", "2024-06-01", "--format", "json"]
    assert engine.cli.main(base) == 1
    capsys.readouterr()
    assert engine.cli.main([*base, "--fail-on", "none"]) == 0


def test_bad_usage_and_bad_input_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for argv in (["editions", "--act", ACT, "--format", "yaml"], ["decide", "enrollment", EXAMPLE, "--as-of", "2025-02-30"]):
        with pytest.raises(SystemExit) as info:  # argparse's own usage errors
            run(capsys, *argv)
        assert info.value.code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert run(capsys, "decide", "enrollment", str(bad))[0] == 2
    assert run(capsys, "decide", "no_such_question", EXAMPLE)[0] == 2


def test_decide_refuses_a_language_the_act_has_not(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "decide", "enrollment", EXAMPLE, "--as-of", "2025-06-01", "--lang", "de")
    # refused, never answered in another language; the message names the languages there are
    assert code == 2 and out == "" and "'de'" in err and all(lang in err for lang in ("kk", "ru", "en"))
    code, out, _ = run(capsys, "decide", "enrollment", EXAMPLE, "--as-of", "2025-06-01", "--lang", "ru")
    assert code == 0 and json.loads(out)["clauses"][0]["lang"] == "ru"


def test_decide_text_format_cites_the_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decide", "enrollment", EXAMPLE, "--as-of", "2025-06-01", "--format", "text")
    assert code == 0
    assert out.startswith("enrollment (U1300000624, 2025-06-01): eligible")
    assert "8-тармақтың 3) тармақшасы  [rules.8.3]" in out


def test_clauses_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "clauses", "--act", ACT, "--format", "json")
    rows = {r["clause"]: r for r in json.loads(out)["clauses"]}
    assert code == 0 and rows["rules.8.3"]["rule"] is True and "enrollment" in rows["rules.8.3"]["decisions"]


# ---- progress bars: on a terminal only ----------------------------------------------------------

EREJE = Path(sys.executable).with_name("ereje")


def _generate(tmp_path: Path, stderr_is_terminal: bool) -> bytes:
    argv = [str(EREJE), "cases", "generate", "--act", ACT, "--n", "400", "-o", str(tmp_path / "c.jsonl"),
            "--policies", POLICIES]
    if not stderr_is_terminal:
        return subprocess.run(argv, capture_output=True, timeout=300, check=True).stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stderr=follower, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    return seen


def test_cases_generate_shows_a_bar_on_a_terminal_and_nothing_when_piped(tmp_path: Path) -> None:
    piped = _generate(tmp_path, stderr_is_terminal=False).decode()
    assert "%|" not in piped and piped.startswith("wrote 400 case(s)")
    shown = _generate(tmp_path, stderr_is_terminal=True).decode()
    assert "cases: 100%|" in shown and "400/400" in shown
