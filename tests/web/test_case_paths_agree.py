"""One case, one answer: `ereje decide` and the service decide the same JSON text alike.

Generated cases start from the shipped examples and rewrite their numbers and dates the ways
callers write them: float-valued integers (`2025.0`, `2025e0`), exact decimals, big numbers,
exponents, dates that do not exist. The same bytes go through the CLI's own functions
(`read_case` then `decide_case`) and through the single endpoint; the answers must agree in
everything but the decision id and timestamps, and a refusal on one path must be a refusal
on the other, never a 500. The policy tree is the shipped one with two rules sharpened so
that a float would answer differently (`>= 2.9`) or fail (`span + 0.5 >= 3`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webfixtures import AUTH, POLICIES, cached_loader

from engine import casecodec
from engine.cli import cli
from engine.errors import CaseError, EditionError
from engine.tools.casegen import example_cases

ACT = "U1300000624"
QUESTIONS = ("submission", "schedule", "enrollment")

# Rules of the shipped act, sharpened in the test's copy only.
_SHARPENED = {
    "package.first_head_submission.key_indicators_span >= 3)\n": (
        "package.first_head_submission.key_indicators_span + 0.5 >= 3.5)\n"
    ),
    "employee.service_years >= target_position.requirements.min_service_years": (
        "employee.service_years >= target_position.requirements.min_service_years + 0.9 - 0.9"
        " and employee.service_years >= 2.9"
    ),
}


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("policies")
    shutil.copytree(POLICIES / ACT, root / ACT)
    rules = root / ACT / "clauses" / "rules-ch2.yaml"
    text = rules.read_text(encoding="utf-8")
    for old, new in _SHARPENED.items():
        assert old in text, f"the shipped rule changed: {old!r}"
        text = text.replace(old, new)
    rules.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def examples(policies: Path) -> list[dict[str, Any]]:
    act = cached_loader(policies).act(ACT)
    return [e for e in example_cases(act) if e["question"] in QUESTIONS]


_NUMBERS = st.sampled_from(
    ["{v}", "{v}.0", "{v}.000", "{v}e0", "{v}0e-1", "2.9", "2.90", "2.8999999999999999", "3.5", "0.5",
     "1e30", "123456789012345678901234", "-1", "1e-7", "1e400", "2025.0", "2026.5", "1E3"]
)
_DATES = st.sampled_from(
    ["{v}", "{v}", "2025-02-30", "2025-13-01", "20.05.2025", "2025-1-1", "9999-12-31", "0001-01-01"]
)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [(path, value)]


def _set(case: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        case = case[part]
    case[path[-1]] = value


@st.composite
def cases(draw: st.DrawFn, examples: list[dict[str, Any]]) -> tuple[str, str, str]:
    """(question, as_of, JSON text) from an example with some numbers and dates rewritten."""
    example = draw(st.sampled_from(examples))
    case = json.loads(casecodec.case_text(example["case"]))
    spellings: dict[str, str] = {}
    for path, value in _leaves(case):
        if isinstance(value, bool) or not draw(st.booleans()):
            continue
        if isinstance(value, int | float):
            template = _NUMBERS
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-":
            template = _DATES
        else:
            continue
        marker = f"@@{len(spellings)}@@"
        spelled = draw(template).format(v=value)
        spellings[marker] = spelled if template is _NUMBERS else json.dumps(spelled)
        _set(case, path, marker)
    text = casecodec.case_text(case)
    for marker, spelling in spellings.items():
        text = text.replace(json.dumps(marker), spelling)
    return example["question"], example["as_of"].isoformat(), text


def _by_cli(tmp: Path, policies: Path, question: str, as_of: str, text: str) -> tuple[str, Any]:
    path = tmp / "case.json"
    path.write_text(text, encoding="utf-8")
    args = cli.build_parser().parse_args(
        ["decide", question, str(path), "--as-of", as_of, "--act", ACT, "--policies", str(policies)]
    )
    try:
        case = cli.read_case(args.case)
        decision = cli.decide_case(cached_loader(policies), args, case)
    except CaseError as exc:
        return "refused", sorted(p.pointer for p in exc.problems)
    except EditionError:
        return "refused", ["edition"]
    answer = json.loads(cli.jsonio.dumps(decision))
    answer["case_sha256"] = casecodec.case_digest(case)
    return "decided", answer


def _by_http(client: Any, question: str, as_of: str, text: str) -> tuple[str, Any]:
    resp = client.post(
        f"/v1/decisions/{question}?as_of={as_of}&act={ACT}",
        data=text.encode("utf-8"),
        content_type="application/json",
        headers=AUTH,
    )
    assert resp.status_code < 500, resp.get_data(as_text=True)
    body = json.loads(resp.get_data())
    if resp.status_code == 201:
        return "decided", body
    if body["type"].endswith("/edition-not-in-force"):
        return "refused", ["edition"]
    return "refused", sorted(e["pointer"] for e in body.get("errors") or [{"pointer": ""}])


@pytest.fixture(scope="module")
def module_app(policies: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from webfixtures import write_tokens_file

    from web.app import create_app

    tmp = tmp_path_factory.mktemp("app")
    app = create_app(
        {
            "TESTING": True,
            "EREJE_DATABASE_URL": "sqlite:///" + str(tmp / "log.sqlite3"),
            "EREJE_POLICIES": str(policies),
            "EREJE_POLICY_LOADER": cached_loader,
            "EREJE_TOKENS_FILE": str(write_tokens_file(tmp)),
            "EREJE_TOKENS": None,
            "INSTANCE_PATH": str(tmp / "instance"),
        }
    )
    yield app
    app.extensions["ereje.store"].close()


def test_cli_and_service_answer_alike(
    module_app: Any, policies: Path, examples: list[dict[str, Any]], tmp_path: Path
) -> None:
    client = module_app.test_client()
    seen: set[str] = set()

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(cases(examples))
    def agree(drawn: tuple[str, str, str]) -> None:
        question, as_of, text = drawn
        by_cli = _by_cli(tmp_path, policies, question, as_of, text)
        by_http = _by_http(client, question, as_of, text)
        assert by_cli[0] == by_http[0], (text, by_cli, by_http)
        seen.add(by_cli[0])
        if by_cli[0] == "refused":
            assert by_cli[1] == by_http[1], text
            return
        cli_answer, http_answer = by_cli[1], by_http[1]
        for key, value in cli_answer.items():
            assert http_answer[key] == value, (key, text)

    agree()
    assert seen == {"decided", "refused"}  # the generator reaches both sides


@pytest.mark.parametrize(
    ("question", "path", "spelling", "expected"),
    [
        ("schedule", ("quarter", "calendar_year"), "2025.0", "decided"),
        ("submission", ("quarter", "calendar_year"), "2026.0", "decided"),
        ("submission", ("package", "first_head_submission", "key_indicators_span"), "3.0", "decided"),
        ("submission", ("package", "first_head_submission", "key_indicators_span"), "2.9", "decided"),
        ("schedule", ("quarter", "calendar_year"), "2025.5", "refused"),
    ],
)
def test_the_issue_cases(
    module_app: Any, policies: Path, examples: list[dict[str, Any]], tmp_path: Path,
    question: str, path: tuple[str, ...], spelling: str, expected: str,
) -> None:
    """Float-valued integers decide (as their integer) on both paths; a decimal literal
    compares exactly; a non-integral year is a 422, not a 500."""
    example = next(e for e in examples if e["question"] == question)
    case = json.loads(casecodec.case_text(example["case"]))
    _set(case, path, "@@")
    text = casecodec.case_text(case).replace('"@@"', spelling)
    as_of = example["as_of"].isoformat()
    by_cli = _by_cli(tmp_path, policies, question, as_of, text)
    by_http = _by_http(module_app.test_client(), question, as_of, text)
    assert by_cli[0] == by_http[0] == expected
    if expected == "decided":
        assert {k: by_http[1][k] for k in by_cli[1]} == by_cli[1]


def test_a_float_valued_integer_does_not_fail_its_batch(module_app: Any, examples: list[dict[str, Any]]) -> None:
    example = next(e for e in examples if e["question"] == "schedule")
    lines = []
    for spelling in ("2025.0", "2025", "2025.5", "2.025e3"):
        case = json.loads(casecodec.case_text(example["case"]))
        _set(case, ("quarter", "calendar_year"), "@@")
        lines.append(casecodec.case_text(case, None).replace('"@@"', spelling))
    resp = module_app.test_client().post(
        f"/v1/decisions/schedule/batch?as_of={example['as_of'].isoformat()}&act={ACT}",
        data="\n".join(lines).encode(),
        content_type="application/x-ndjson",
        headers=AUTH,
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    results = resp.get_json()["results"]
    assert [r["status"] for r in results] == [201, 201, 422, 201]
    digests = {r["decision"]["case_sha256"] for r in results if r["status"] == 201}
    assert len(digests) == 1  # 2025.0, 2025 and 2.025e3 are one case
