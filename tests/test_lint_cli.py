"""`ereje lint` on the command line: formats, --fail-on, errors, the stability section."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli.cli import main as engine_main
from engine.cli.lint_cli import register

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lint"


def lint(capsys: pytest.CaptureFixture[str], fixture: str, *args: str) -> tuple[int, str, str]:
    code = engine_main(
        ["lint", "--policies", str(FIXTURES / fixture), "--as-of", "2024-06-01", *args], extra=[register]
    )
    out, err = capsys.readouterr()
    return code, out, err


def test_text_names_file_line_severity_kind_and_clause(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "conflict-trigger")
    assert code == 0 and "[conflict" not in out
    assert "1 finding(s) the declared outcome order settles are not shown (conflict 1)" in out
    code, out, _ = lint(capsys, "conflict-trigger", "--show-settled")
    line = next(x for x in out.splitlines() if "[conflict" in x)
    assert re.match(
        r"^conflict-trigger/T/clauses/clauses\.yaml:\d+: info \[conflict, settled\] c\.2 ", line
    ), line
    assert "settled: the outcome order of 'd' (a > b > none) puts 'a' before 'b'" in out
    assert "witness (decided on 2024-06-01)" in out and "T 'd' → a, citing c.1 (ground)" in out


def test_json_is_the_whole_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "hierarchy-trigger", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["format"] == "ereje-lint/1" and data["as_of"] == "2024-06-01"
    conflict = next(f for f in data["findings"] if f["kind"] == "hierarchy_conflict")
    assert conflict["clauses"] == ["L:p.4", "H:art.1", "C:art.39.3"]
    assert conflict["witness"]["case"] == {"employer": "private", "accredited": True}
    assert data["counts"]["by_severity"]["error"] == 1


def test_html_is_one_self_contained_page(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "hierarchy-trigger", "--format", "html", "--fail-on", "none")
    assert code == 0 and out.startswith("<!doctype html>")
    assert "<style>" in out and "hierarchy_conflict" in out and "C:art.39.3" in out
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", out)  # nothing fetched from elsewhere
    assert "<script src" not in out and "<link" not in out


@pytest.mark.parametrize(
    ("fixture", "fail_on", "expected"),
    [
        ("hierarchy-trigger", "error", 1),
        ("conflict-trigger", "error", 0),
        ("conflict-trigger", "warning", 0),  # its only finding is settled by the outcome order
        ("dead-trigger", "warning", 1),
        ("unused-clean", "warning", 0),  # nothing at all
        ("hierarchy-trigger", None, 1),  # fails on errors by default
        ("hierarchy-trigger", "none", 0),  # only reports
        ("conflict-trigger", None, 0),
    ],
)
def test_fail_on(
    capsys: pytest.CaptureFixture[str], fixture: str, fail_on: str | None, expected: int
) -> None:
    code, _, err = lint(capsys, fixture, *(["--fail-on", fail_on] if fail_on else []))
    assert code == expected, err
    if expected:
        assert f"--fail-on {fail_on or 'error'}" in err


def test_unknown_act_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "conflict-trigger", "--act", "NOPE")
    assert code == 2 and "NOPE" in err and "T" in err


def test_an_act_given_bare_is_refused_with_the_command_to_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "conflict-trigger", "T")
    assert code == 2 and "ereje lint --act T" in err


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, err = lint(capsys, "conflict-trigger", "--format", "html", "--output", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_stability_figures_beside_the_findings(capsys: pytest.CaptureFixture[str]) -> None:
    stability = Path(__file__).resolve().parents[1] / "engine" / "tools" / "stability.py"
    code, out, _ = lint(capsys, "conflict-trigger", "--format", "json")
    data = json.loads(out)
    assert code == 0
    if stability.is_file():
        assert data["stability"]["available"] is True
        assert data["stability"]["figures"]["acts"][0]["act"] == "T"
        assert all(f["clause_changes"] == 0 for f in data["findings"] if f["clause"])  # adoption only
    else:
        assert data["stability"]["available"] is False and "not present" in data["stability"]["note"]


def test_the_ereje_script_has_the_command() -> None:
    script = Path(sys.executable).with_name("ereje")
    out = subprocess.run([str(script), "lint", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "--fail-on {error,warning,none}" in out.stdout


def test_lint_runs_on_a_draft(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent / "policies"
    code = engine_main(
        [
            "lint",
            "--act",
            "U1300000624",
            "--edition",
            "draft:draft-hypothetical-reserve-terms",
            "--policies",
            str(root),
            "--format",
            "json",
        ],
        extra=[register],
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert [a["edition"] for a in data["acts"]] == ["U1300000624@draft-hypothetical-reserve-terms"]
    assert any("DRAFT" in n for n in data["acts"][0]["notes"])
    assert {f["edition"] for f in data["findings"] if f["edition"]} == {
        "U1300000624@draft-hypothetical-reserve-terms"
    }
    code = engine_main(
        ["lint", "--act", "U1300000624", "--edition", "draft:nope", "--policies", str(root)], extra=[register]
    )
    assert code == 2 and "no draft 'nope'" in capsys.readouterr().err
