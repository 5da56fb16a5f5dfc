"""Every construct of the clause language reaches every part of the engine.

The catalogue is the syntax tree's node classes with their operators (`engine.dsl.ast`:
`UNARY_OPS`, `BINARY_OPS`, `QUANTIFIER_KINDS`, `DURATION_UNITS`) and the built-in functions.
Each has a sample rule below; each sample must parse, type-check and compile (plain and
traced), print back to source that parses to the same print, walk (`ast.children`), and give
the reference interpreter's answer. A construct added to the language without a sample, or a
sample some part of the engine cannot handle, fails here: docs/dsl.md § "Adding an operator"
lists the places to touch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from reference_interpreter import Env, decimal_or_int, definitions_of, run_statements, typed_case

from engine.calendar import WorkingCalendar
from engine.dsl import ast
from engine.dsl.builtins import BUILTINS
from engine.dsl.codegen import compile_decision
from engine.dsl.compiler import Definitions, FunctionCompiler
from engine.dsl.parser import parse_rule
from engine.dsl.printer import unparse
from engine.dsl.types import BOOL, DATE, DECIMAL, INT, LIST, STRING, schema_type

CALENDAR = WorkingCalendar()
DAY = dt.date(2025, 6, 1)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["b", "i", "x", "d", "s", "objs", "tags"],
    "properties": {
        "b": {"type": "boolean"},
        "i": {"type": "integer"},
        "x": {"type": "number"},
        "d": {"type": "string", "format": "date"},
        "s": {"type": "string"},
        "o": {"type": "integer"},  # optional: absent from the case
        "tags": {"type": "array", "items": {"type": "string"}},
        "objs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["w"],
                "properties": {"w": {"type": "integer"}, "at": {"type": "string", "format": "date"}},
            },
        },
    },
}
CASE = {
    "b": True, "i": 3, "x": 2.5, "d": "2025-05-17", "s": "alpha", "tags": ["alpha", "beta"],
    "objs": [{"w": 1, "at": "2025-01-10"}, {"w": 5}],
}
# An argument of each kind, for calls to the built-ins.
ARGUMENT = {INT: "i", DECIMAL: "x", DATE: "d", STRING: "s", BOOL: "b", LIST: "objs"}

SAMPLES = [
    "compute r = 7",
    "compute r = 2.75",
    'compute r = "text"',
    "compute r = 2025-01-31",
    "when true then hit",
    "compute r = i",
    "compute r = d + 2 years",
    "compute r = d + 3 months",
    "compute r = d + 2 weeks",
    "compute r = d - 10 calendar days",
    "compute r = d + 5 working days",
    "when i in {1, 3} then hit",
    "when not b then hit",
    "compute r = -i",
    "when b or i > 9 then hit",
    "when b and i = 3 then hit",
    "compute r = i + 1",
    "compute r = x - i",
    "compute r = i * x",
    'when s in tags then hit',
    'when s not in {"beta"} then hit',
    "when i != 4 then hit",
    "when i < 4 then hit",
    "when x <= 2.5 then hit",
    "when i >= 3 then hit",
    "when d before 2025-06-01 then hit",
    "when d after 2025-01-01 then hit",
    "when d on or before 2025-05-17 then hit",
    "when d on or after 2025-05-18 then hit",
    "when i between 1 and 5 then hit",
    "when d within 3 months after 2025-03-01 then hit",
    "when d within 10 calendar days before 2025-05-20 then hit",
    "when o is missing then hit",
    "when i is present then hit",
    "when any e in objs where (e.w > 2) then hit",
    "when all e in objs where (e.at is present) then hit",
    "compute r = count e in objs where (e.w >= 1)",
    "compute r = if b then i else 0",
    "require i > 5 unless b else hit",
    'override "probe.1" when i = 3',
    "applies when i > 2",
    "compute r = i only on hit",
    *(
        f"compute r = {name}({', '.join(ARGUMENT.get(k, f'<no argument of kind {k}>') for k in builtin.params)})"
        for name, builtin in sorted(BUILTINS.items())
    ),
]
DEFINITIONS = "define plus_one = i + 1\ndefine twice(n) = n * 2\n"
SAMPLES += ["compute r = plus_one", "compute r = twice(i)"]


def _key(node: ast.Node) -> str:
    name = type(node).__name__
    if isinstance(node, ast.Binary | ast.Unary):
        return f"{name}:{node.op}"
    if isinstance(node, ast.Quantifier):
        return f"{name}:{node.kind}"
    if isinstance(node, ast.Duration):
        return f"{name}:{node.unit}"
    if isinstance(node, ast.Call) and node.name in BUILTINS:
        return f"{name}:{node.name}"
    return name


def _catalogue() -> set[str]:
    classes = {
        c.__name__
        for c in vars(ast).values()
        if isinstance(c, type) and issubclass(c, ast.Node) and c is not ast.Node
    }
    return classes | {
        *(f"Unary:{op}" for op in ast.UNARY_OPS),
        *(f"Binary:{op}" for op in ast.BINARY_OPS),
        *(f"Quantifier:{k}" for k in ast.QUANTIFIER_KINDS),
        *(f"Duration:{u}" for u in ast.DURATION_UNITS),
        *(f"Call:{name}" for name in BUILTINS),
    }


def _program(sample: str) -> ast.Program:
    program = parse_rule(f"{DEFINITIONS}for probe:\n  {sample}\n")
    for nid, node in enumerate(ast.walk(program)):
        node.nid = nid
    return program


def test_every_construct_has_a_sample() -> None:
    seen: set[str] = set()
    for sample in SAMPLES:
        for node in ast.walk(_program(sample)):
            seen.update((type(node).__name__, _key(node)))
    missing = _catalogue() - seen
    assert not missing, f"constructs without a sample here (see docs/dsl.md § Adding an operator): {sorted(missing)}"


def test_every_expression_class_has_a_compiler_handler() -> None:
    statements = {
        ast.Require, ast.Ground, ast.Compute, ast.Override, ast.Applies, ast.Block, ast.Definition, ast.Program
    }
    for cls in vars(ast).values():
        if isinstance(cls, type) and issubclass(cls, ast.Node) and cls is not ast.Node and cls not in statements:
            assert hasattr(FunctionCompiler, "_" + cls.__name__.lower()), f"the compiler lacks {cls.__name__}"


def _node_fields(node: ast.Node) -> list[ast.Node]:
    out: list[ast.Node] = []
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, ast.Node):
            out.append(value)
        elif isinstance(value, list | tuple):
            out.extend(v for v in value if isinstance(v, ast.Node))
    return out


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_reaches_every_part_of_the_engine(sample: str) -> None:
    program = _program(sample)
    # walking: `ast.children` (which every tree walk uses) reaches every sub-node
    for node in ast.walk(program):
        assert {id(n) for n in _node_fields(node)} <= {id(n) for n in ast.children(node)}, type(node).__name__
    # type checker and code generator
    definitions = Definitions({d.name: (d, "probe.1") for d in program.definitions})
    compiled, problems = compile_decision(
        "probe", {"hit"}, schema_type(SCHEMA), definitions, [("probe.1", b) for b in program.blocks]
    )
    assert not problems and compiled is not None, [p.message for _, p in problems]
    # printer: canonical source that parses back to the same source
    for node in [*program.definitions, *program.blocks[0].statements]:
        text = unparse(node)
        again = parse_rule(f"{text}\n" if isinstance(node, ast.Definition) else f"for probe:\n  {text}\n")
        again_node = again.definitions[0] if isinstance(node, ast.Definition) else again.blocks[0].statements[0]
        assert unparse(again_node) == text
    # the reference interpreter agrees with the compiled function, plain and traced
    env = Env(typed_case(CASE, SCHEMA), DAY, definitions_of(program), CALENDAR.is_working_day)
    expected = run_statements(program.blocks[0].statements, env)
    for tracer in (None, lambda nid, value: value):
        fn = compiled.plain if tracer is None else compiled.traced
        fired, undetermined, excepted, overrides, values = fn(CASE, DAY, CALENDAR.add_working_days, tracer)
        assert set(fired) == expected.fired and set(undetermined) == expected.undetermined
        assert set(excepted) == expected.excepted and set(overrides) == expected.overrides
        assert {i: decimal_or_int(v) for i, v in values} == {
            i: decimal_or_int(v) for i, v in expected.values.items()
        }
