"""Every example case of every act answers as its index says, through `ereje decide`.

`policies/<act>/examples/examples.yaml` lists {file, question, as_of, outcome, citations, note?};
each entry is decided by the CLI's own `main` (argument parsing, case reading, the library, the
JSON it prints), and the outcome and the citations must match exactly. The index itself is
checked too: every file exists and is listed, every question, outcome and clause exists, and
every outcome of every decision has at least one example.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from engine import Library, PolicyError, load_library
from engine.cli.cli import main
from engine.yamlsafe import load_policy_yaml

REPO = Path(__file__).resolve().parents[1]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
KEYS = {"file", "question", "as_of", "outcome", "citations"}
OPTIONAL = {"note"}


def _acts() -> list[Path]:
    return sorted(p for p in POLICIES.iterdir() if (p / "act.yaml").is_file()) if POLICIES.is_dir() else []


def _index(act_dir: Path) -> tuple[list[Any], str | None]:
    path = act_dir / "examples" / "examples.yaml"
    if not path.is_file():
        return [], None
    loaded, issues = load_policy_yaml(path)
    if loaded is None:
        return [], "; ".join(i.render() for i in issues)
    if not isinstance(loaded.data, list):
        return [], f"{path}: the index is a list of entries"
    return loaded.data, None


def _entries() -> list[Any]:
    params = []
    for act_dir in _acts():
        entries, _ = _index(act_dir)
        for k, entry in enumerate(entries):
            if isinstance(entry, dict):
                name = f"{act_dir.name}:{entry.get('file')}@{entry.get('as_of')}"
            else:
                name = f"{act_dir.name}:entry{k}"
            params.append(pytest.param(act_dir, entry, id=name))
    return params


def _decision_names() -> list[Any]:
    params = []
    for act_dir in _acts():
        for path in sorted((act_dir / "decisions").glob("*.yaml")):
            loaded, _ = load_policy_yaml(path)
            name = loaded.data.get("decision") if loaded and isinstance(loaded.data, dict) else None
            params.append(pytest.param(act_dir, name or path.stem, id=f"{act_dir.name}:{name or path.stem}"))
    return params


@pytest.fixture(scope="module")
def library() -> Library:
    try:
        return load_library(POLICIES)
    except PolicyError as exc:
        errors = [i for i in exc.issues if i.severity == "error"]
        pytest.fail(
            f"the policies under {POLICIES} do not load ({len(errors)} error(s)); run `ereje check`:\n"
            + "\n".join(i.render() for i in errors[:10]),
            pytrace=False,
        )


@pytest.mark.parametrize(("act_dir", "entry"), _entries())
def test_example_is_decided_as_stated(act_dir: Path, entry: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert isinstance(entry, dict), f"an entry is a mapping of {', '.join(sorted(KEYS))}: {entry!r}"
    missing = KEYS - set(entry)
    extra = set(entry) - KEYS - OPTIONAL
    assert not missing and not extra, f"missing keys {sorted(missing)}, unknown keys {sorted(extra)}"
    case = act_dir / "examples" / entry["file"]
    assert case.is_file(), f"no file {case}"
    argv = ["decide", entry["question"], str(case), "--as-of", entry["as_of"], "--act", act_dir.name]
    code = main([*argv, "--policies", str(POLICIES)])
    out, err = capsys.readouterr()
    assert code == 0, f"`ereje {' '.join(argv)}` exited {code}: {err}"
    answer = json.loads(out)
    assert (answer["outcome"], answer["citations"]) == (entry["outcome"], entry["citations"]), (
        f"{entry['file']} on {entry['as_of']}: expected {entry['outcome']} citing {entry['citations']}, "
        f"got {answer['outcome']} citing {answer['citations']}"
    )


@pytest.mark.parametrize("act_dir", _acts(), ids=lambda p: p.name)
def test_examples_index_is_complete(act_dir: Path, library: Library) -> None:
    entries, error = _index(act_dir)
    assert error is None, error
    act = library.act(act_dir.name)
    problems = []
    listed = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        listed.add(entry.get("file"))
        spec = act.decisions.get(entry.get("question"))
        if spec is None:
            problems.append(f"{entry.get('file')}: {entry.get('question')!r} is not a decision of {act.id}")
            continue
        if entry.get("outcome") not in spec.outcome_ids:
            problems.append(f"{entry['file']}: {entry.get('outcome')!r} is not an outcome of {spec.name}")
        problems.extend(
            f"{entry['file']}: {c!r} is not a clause of {act.id}"
            for c in entry.get("citations") or []
            if c not in act.clauses
        )
    folder = act_dir / "examples"
    problems.extend(
        f"{p.relative_to(folder).as_posix()} is not listed in examples.yaml"
        for p in sorted(folder.rglob("*.json"))
        if p.relative_to(folder).as_posix() not in listed
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("act_dir", "question"), _decision_names())
def test_every_outcome_has_an_example(act_dir: Path, question: str, library: Library) -> None:
    entries, error = _index(act_dir)
    assert error is None, error
    spec = library.act(act_dir.name).decisions[question]
    shown = {e.get("outcome") for e in entries if isinstance(e, dict) and e.get("question") == question}
    lacking = [o for o in spec.outcome_ids if o not in shown]
    assert not lacking, (
        f"{question}: no example in {act_dir.name}/examples/examples.yaml with outcome {', '.join(lacking)}"
    )
