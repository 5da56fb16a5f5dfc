"""What `check` accepts, the runtime runs: nesting depth and names the compiler makes.

A rule nested as deep as the documented limit compiles, plain and traced (what an explained
decision runs), whatever construct nests; one level deeper is a positioned check error with a
hint, never a traceback. A string literal spelled like a name the compiler makes ("d99",
"h1", "_dd") is only ever a string.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.calendar import WorkingCalendar
from engine.dsl import ast
from engine.dsl.codegen import compile_decision
from engine.dsl.compiler import Definitions
from engine.dsl.parser import MAX_NESTING, RuleSyntaxError, parse_rule
from engine.dsl.types import schema_type

REPO = Path(__file__).resolve().parents[1]
CALENDAR = WorkingCalendar()
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["b", "i", "d", "s", "objs"],
    "properties": {
        "b": {"type": "boolean"},
        "i": {"type": "integer"},
        "d": {"type": "string", "format": "date"},
        "s": {"type": "string"},
        "objs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["w", "k"],
                "properties": {"w": {"type": "integer"}, "k": {"type": "string"}},
            },
        },
    },
}
CASE = {"b": True, "i": 3, "d": "2025-05-17", "s": "d99", "objs": [{"w": 1, "k": "h1"}, {"w": 5, "k": "x"}]}

# One nesting construct each: rule text for `k` levels of it.
NESTINGS = {
    "not": lambda k: "when " + "not " * k + "b then hit",
    "add": lambda k: "when " + "(i + " * k + "1" + ")" * k + " > 2 then hit",
    "if": lambda k: "when " + "(if b then " * k + "i" + " else 0)" * k + " > 2 then hit",
    "call": lambda k: "when " + "start_of_month(" * k + "d" + ")" * k + " before d then hit",
    "and": lambda k: "when " + "(b and " * k + "true" + ")" * k + " then hit",
    "any": lambda k: "when "
    + "".join(f"(any v{n} in objs where " for n in range(k))
    + "v0.w > 0"
    + ")" * k
    + " then hit",
}


def _rule(body: str) -> str:
    return f"for probe:\n  {body}\n"


def _deepest(make: Any) -> int:
    """The largest k whose rule is within the limit."""
    k = 1
    while True:
        try:
            parse_rule(_rule(make(k + 1)))
        except RuleSyntaxError:
            return k
        k += 1


def _compile_and_run(rule: str) -> None:
    program = parse_rule(rule)
    for nid, node in enumerate(ast.walk(program)):
        node.nid = nid
    compiled, problems = compile_decision(
        "probe", {"hit"}, schema_type(SCHEMA), Definitions({}), [("probe.1", b) for b in program.blocks]
    )
    assert not problems and compiled is not None, [p.message for _, p in problems]
    day = dt.date(2025, 6, 1)
    compiled.plain(CASE, day, CALENDAR.add_working_days, None)
    trace: list[Any] = []
    compiled.traced(CASE, day, CALENDAR.add_working_days, lambda n, v: trace.append(v) or v)
    assert trace


@pytest.mark.parametrize("construct", sorted(NESTINGS))
def test_nesting_to_the_limit_compiles_traced_too(construct: str) -> None:
    make = NESTINGS[construct]
    k = _deepest(make)
    assert k >= MAX_NESTING - 8  # the limit is about the rule, not about one construct
    _compile_and_run(_rule(make(k)))


@pytest.mark.parametrize("construct", sorted(NESTINGS))
@pytest.mark.parametrize("extra", [1, 500])
def test_nesting_past_the_limit_is_a_positioned_error(construct: str, extra: int) -> None:
    make = NESTINGS[construct]
    rule = _rule(make(_deepest(make) + extra))
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(rule)
    problem = caught.value.problem
    assert f"deeper than {MAX_NESTING} levels" in problem.message and problem.hint
    assert problem.line == 2 and problem.column > 1


@pytest.mark.parametrize("literal", ["d99", "h1", "b1", "e1", "_dd", "_t", "_wd", "case", "_q1", "_k1"])
def test_a_literal_spelled_like_a_compiler_name_is_a_string(literal: str) -> None:
    rule = _rule(
        f'when any v in objs where (v.k = "{literal}" or (s = "{literal}" and v.w > i)) then hit\n'
        f'  when (count v in objs where (v.k != "{literal}")) > 0 then hit'
    )
    _compile_and_run(rule)


def test_check_reports_a_too_deep_rule_with_file_line_and_clause(tmp_path: Path) -> None:
    """End to end: `ereje check` on a copy of the shipped act with one rule nested too deep."""
    root = tmp_path / "policies"
    shutil.copytree(REPO / "policies" / "U1300000624", root / "U1300000624")
    rules = root / "U1300000624" / "clauses" / "rules-ch2.yaml"
    text = rules.read_text(encoding="utf-8")
    old = "employee.service_years >= target_position.requirements.min_service_years"
    assert old in text
    deep = "(" * 3 + "not " * 300 + "(employee.service_years >= 0)" + ")" * 3
    rules.write_text(text.replace(old, f"{old} and {deep}", 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())", "check", str(root)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"nests deeper than {MAX_NESTING} levels" in done.stderr
    assert "rules-ch2.yaml:" in done.stderr and "in clause rules." in done.stderr
    assert "hint: name an inner part with a definition" in done.stderr
