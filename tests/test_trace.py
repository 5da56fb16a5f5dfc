"""The traceability chain: feature tags -> scenario runs -> results file -> `ereje trace`.

The reader of `.feature` files is checked on its own and against pytest-bdd's parser on every
real feature file. The whole chain runs end to end in a scratch project: the real features
conftest, shared steps and test module, a small act (tests/fixtures/trace/policies) and
features written for it, run by pytest in a subprocess; then `ereje trace` judges the results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_bdd.parser import FeatureParser

from engine.cli.cli import main
from engine.tools.features import read_feature, read_features

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "trace" / "policies"


# ---- the reader ---------------------------------------------------------------------------------

SAMPLE = '''\
# A comment
@act:U1300000624 @smoke # trailing comment
Feature: Sample
  Some description with @not-a-tag in it.

  Background:
    Given the case:
      """
      {"note": "@clause:rules.99 inside a doc string is data",
       "text": "Scenario: not a scenario either"}
      """

  @clause:rules.1
  @clause:rules.8.1
  Scenario: First
    Given x

  Rule: A rule
    @clause:rules.2
    Scenario Outline: Second <n>
      Given y <n>

      @clause:rules.7
      Examples:
        | n |
        | 1 |

  @act:OTHER
  Scenario: First
    Given z
'''


def test_reader_takes_tags_from_feature_rule_and_scenario() -> None:
    scenarios, problems = read_feature(SAMPLE, "features/sample.feature", "sample.feature")
    assert [(s.line, s.name, s.act, s.clauses) for s in scenarios] == [
        (15, "First", "U1300000624", ("rules.1", "rules.8.1")),
        (20, "Second <n>", "U1300000624", ("rules.2",)),
        (29, "First", "OTHER", ()),
    ]
    assert scenarios[1].outline and scenarios[1].examples_tags == ("clause:rules.7",)
    assert "smoke" in scenarios[0].tags
    assert len(problems) == 2, problems
    assert "features/sample.feature:24: @clause:rules.7 on an Examples block" in problems[0]
    assert "features/sample.feature:29: a second scenario named 'First'" in problems[1]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# language: ru\nФункция: x\n", "only English keywords are read"),
        ('Feature: x\n  Scenario: y\n    Given z\n      """\n      open\n', "never closed"),
        ("Feature: x\n  @clause:rules.1\n", "tags at the end of the file tag nothing"),
        ("Feature: x\n  @clause:rules.1 rules.2\n  Scenario: y\n", "'rules.2' on a tag line is not a tag"),
    ],
)
def test_reader_reports_problems(text: str, problem: str) -> None:
    _, problems = read_feature(text, "f.feature", "f.feature")
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("path", sorted((REPO / "features").glob("*.feature")), ids=lambda p: p.name)
def test_reader_agrees_with_pytest_bdd(path: Path) -> None:
    try:
        feature = FeatureParser(str(path.parent), path.name).parse()
    except Exception as exc:  # the feature's own test reports it
        pytest.skip(f"pytest-bdd cannot parse {path.name}: {exc}")
    theirs = {}
    for s in feature.scenarios.values():
        rule_tags = s.rule.tags if s.rule else set()
        theirs[s.line_number] = (s.name, sorted(s.tags | feature.tags | rule_tags))
    ours = {
        s.line: (s.name, sorted(s.tags))
        for s in read_feature(path.read_text(encoding="utf-8"), path.name, path.name)[0]
    }
    assert ours == theirs


# ---- end to end ---------------------------------------------------------------------------------

FEATURE = """\
@act:U1300000624
Feature: Scope and qualification

  Background:
    Given the case:
      \"\"\"
      {"employee": {"body": "special_state_body", "service_years": 12, "training": ["law"]},
       "target_position": {"requirements": {"min_service_years": 10, "training": ["law"]}}}
      \"\"\"

  @clause:rules.1 @clause:rules.8.1
  Scenario: An employee who meets the requirements
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.8.1" is cited as "satisfied"

  @clause:rules.1
  Scenario: Outside the special state bodies
    Given the fact "/employee/body" is "other"
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "not_applicable"

  @clause:rules.8.1 @boundary
  Scenario Outline: Service of <years> years
    Given the fact "/employee/service_years" is <years>
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"

    Examples:
      | years | outcome    |
      | 9     | ineligible |
      | 10    | eligible   |
"""


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "features" / "steps").mkdir(parents=True)
    for name in ("conftest.py", "test_features.py", "steps/common.py"):
        shutil.copy(REPO / "features" / name, project / "features" / name)
    shutil.copytree(FIXTURE, project / "policies")
    (project / "features" / "scope.feature").write_text(FEATURE, encoding="utf-8")
    (project / "pytest.ini").write_text(
        "[pytest]\naddopts = --strict-markers -p no:cacheprovider\nfilterwarnings = error\n"
        "bdd_features_base_dir = features/\ntestpaths = features\n",
        encoding="utf-8",
    )
    return project


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EREJE_TEST_POLICIES", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _trace(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(
        [
            "trace",
            "--act",
            "U1300000624",
            "--policies",
            str(project / "policies"),
            "--features",
            str(project / "features"),
            "--results",
            str(project / "test-output" / "trace-results.json"),
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    project = _project(tmp_path_factory.mktemp("trace"))
    return project, _pytest(project)


def test_scenarios_run_and_write_results(ran: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    project, run = ran
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads((project / "test-output" / "trace-results.json").read_text())
    assert data["format"] == "ereje-scenario-results/1"
    by_line = {}
    for entry in data["scenarios"]:
        by_line.setdefault(entry["line"], []).append(entry)
    assert sorted(by_line) == [12, 18, 24]
    first = by_line[12][0]
    assert first["act"] == "U1300000624" and first["clauses"] == ["rules.1", "rules.8.1"]
    assert first["result"] == "passed" and first["feature"] == "scope.feature"
    [decision] = first["decisions"]
    assert decision["question"] == "enrollment" and decision["outcome"] == "eligible"
    assert {"clause": "rules.8.1", "role": "satisfied"} in decision["citations"]
    assert sorted(e["example"]["years"] for e in by_line[24]) == ["10", "9"]


def test_trace_passes_with_both_kinds_of_evidence(
    ran: tuple[Path, subprocess.CompletedProcess[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = ran
    code, out, _ = _trace(project, capsys)
    assert code == 0, out
    assert "rules.1  rule  [enrollment]  ok" in out
    assert "decides:          features/scope.feature:18 (ground)" in out.replace(str(project) + "/", "")
    assert "rules.2  declarative" in out
    assert "trace ok" in out
    code, out, _ = _trace(project, capsys, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True
    clause = next(c for c in data["clauses"] if c["id"] == "rules.8.1")
    assert clause["decides"]["role"] == "requirement_not_met"
    assert clause["does_not_decide"]["role"] == "satisfied"
    assert data["summary"]["scenario_results"] == {"passed": 3}


def _copy(ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> Path:
    project = tmp_path / "copy"
    shutil.copytree(ran[0], project)
    return project


def _rewrite_results(project: Path, change) -> None:
    path = project / "test-output" / "trace-results.json"
    data = json.loads(path.read_text())
    data["scenarios"] = [e for e in data["scenarios"] if change(e) is not False]
    path.write_text(json.dumps(data))


def test_trace_fails_without_a_scenario_where_the_clause_does_not_decide(
    ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(ran, tmp_path)
    _rewrite_results(project, lambda e: e["line"] != 12)  # keep only the deciding runs
    code, out, _ = _trace(project, capsys)
    assert code == 1
    assert "rules.1: no passing scenario where it is asked and does not decide" in out
    assert "rules.8.1:" not in out.split("trace FAILED")[1]  # the outline shows both sides of 8.1


def test_trace_fails_when_a_covering_scenario_failed(
    ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(ran, tmp_path)
    _rewrite_results(project, lambda e: e.update(result="failed") if e["line"] == 18 else None)
    code, out, _ = _trace(project, capsys)
    assert code == 1
    assert "scope.feature:18 ('Outside the special state bodies') failed in the last run" in out
    assert "rules.1: no passing scenario where it decides the outcome" in out


def test_trace_fails_on_a_tag_naming_no_clause(
    ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(ran, tmp_path)
    feature = project / "features" / "scope.feature"
    feature.write_text(
        feature.read_text().replace("@clause:rules.1 @clause", "@clause:rules.1 @clause:rules.8.10 @clause")
    )
    code, out, _ = _trace(project, capsys)
    assert code == 1
    assert "tags @clause:rules.8.10, which U1300000624 does not have (did you mean rules.8.1" in out


def test_trace_treats_results_of_a_changed_feature_as_stale(
    ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(ran, tmp_path)
    feature = project / "features" / "scope.feature"
    feature.write_text(feature.read_text() + "\n# edited after the run\n")
    code, out, _ = _trace(project, capsys)
    assert code == 1
    assert "results are stale" in out and "stale   " in out


def test_trace_treats_results_of_changed_policies_as_stale(
    ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(ran, tmp_path)
    decision = project / "policies" / "U1300000624" / "decisions" / "enrollment.yaml"
    decision.write_text(decision.read_text() + "# edited after the run\n")
    code, out, _ = _trace(project, capsys)
    assert code == 1 and "results are stale" in out


def test_trace_without_results_says_to_run_the_tests(
    ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy(ran, tmp_path)
    (project / "test-output" / "trace-results.json").unlink()
    code, _, err = _trace(project, capsys)
    assert code == 1 and "run `make test`" in err


def test_a_broken_feature_or_step_module_fails_only_its_own_tests(
    ran: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    project = _copy(ran, tmp_path)
    features = project / "features"
    (features / "broken.feature").write_text(
        "@act:U1300000624\nFeature: x\n  Scenario: y\n    Given a\n      | a |\n      | b | c |\n"
    )
    (features / "empty.feature").write_text(
        '@act:U1300000624\nFeature: e\n  Scenario: nothing is checked\n    Given the fact "/a" is 1\n'
    )
    (features / "other.feature").write_text(
        "@act:U1300000624 @not_a_marker\nFeature: other\n  Scenario: z\n    Given a domain step\n"
    )
    (features / "steps" / "other.py").write_text("raise ImportError('half-written step module')\n")
    run = _pytest(project)
    assert run.returncode == 1
    out = run.stdout
    assert "PASSED features/test_features.py::test_scope__an_employee_who_meets_the_requirements" in out
    assert "FAILED features/test_features.py::test_broken__feature_file" in out
    assert "FAILED features/test_features.py::test_step_module_loads[other]" in out
    assert "half-written step module" in out
    assert "ERROR features/test_features.py::test_other__z" in out and "@not_a_marker" in out
    assert "ERROR features/test_features.py::test_empty__nothing_is_checked" in out
    assert "has no Then step, so it cannot fail" in out
    assert "FAILED features/test_features.py::test_scope" not in out
    assert "ERROR features/test_features.py::test_scope" not in out


def test_read_features_hashes_every_file(ran: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    index = read_features(ran[0] / "features")
    assert set(index.files) == {"scope.feature"}
    assert all(h.startswith("sha256:") for h in index.files.values())
