"""The clause language's grammar (`grammar/ereje.lark`) and parser (`engine/dsl/parser.py`).

Valid snippets are the act's own rules (policies/U1300000624, wording of No. 853) and small
expressions in the same vocabulary; each asserts the tree it parses to. Invalid snippets assert
the exact line and column of the error inside the rule text (1-based), the message, what was
expected, and the hint from `SYNTAX_HINTS`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.dsl import ast
from engine.dsl.parser import MAX_INT_DIGITS, MAX_RULE_CHARS, SYNTAX_HINTS, RuleSyntaxError, parse_rule

# ---- the act's rules parse ------------------------------------------------------------------

RULE_1 = """\
for enrollment:
  when employee.body not in {"special_state_body", "state_security_service"} then not_applicable
"""

RULE_4 = """\
for enrollment:
  when not target_position.in_presidential_list then not_applicable
"""

RULE_8_1 = """\
define meets_qualification_requirements =
  employee.service_years >= target_position.requirements.min_service_years
  and (all level in target_position.requirements.training where level in employee.training)

for enrollment:
  require meets_qualification_requirements else ineligible
"""

RULE_8_2 = """\
define attestation_supports_nomination =
  employee.attestation.decision in {"corresponds", "corresponds_recommended_for_reserve",
                                    "corresponds_recommended_for_promotion"}

for enrollment:
  # Persons not subject to attestation are nominated on specific indicators of their
  # service results instead (rules.10.1.part4).
  require attestation_supports_nomination
    unless not employee.subject_to_attestation
    else ineligible
"""

RULE_8_3 = """\
# A sanction is in force on a day from its imposition until it is lifted or expires.
define sanction_in_force(sanction, on_date) =
  sanction.imposed_on on or before on_date
  and (sanction.lifted_on is missing or sanction.lifted_on after on_date)

# The moment the materials are sent; before they are sent, the day asked about.
define sanctions_checked_on =
  if nomination.materials_sent_on is present then nomination.materials_sent_on else decision_date

for enrollment:
  require not (any s in employee.sanctions where sanction_in_force(s, sanctions_checked_on))
    else ineligible
"""

RULE_8_PART4 = """\
define seconded_to_presidential_administration =
  employee.secondment is present and employee.secondment.to = "presidential_administration"

for enrollment:
  when seconded_to_presidential_administration
       and not (nomination.nominated_by = "head_of_administration_subdivision"
                and nomination.agreed_by_first_head_of_seconding_body = true)
    then ineligible
"""

RULE_20 = """\
# An exclusion under 18.3 bars enrolment until one year after its grounds ceased.
define barred_by_sanction_exclusion(spell) =
  "rules.18.3" in spell.grounds
  and (spell.grounds_ceased_on is missing
       or decision_date before spell.grounds_ceased_on + 1 year)

for enrollment:
  require not (any spell in employee.reserve_history where barred_by_sanction_exclusion(spell))
    else ineligible
"""


def expr(text: str) -> ast.Node:
    """The body of `define x = <text>`."""
    program = parse_rule(f"define x = {text}")
    return program.definitions[0].body


def test_rule_1_scope_ground_with_not_in_a_set() -> None:
    program = parse_rule(RULE_1)
    assert program.definitions == []
    [block] = program.blocks
    assert block.decision == "enrollment"
    [stmt] = block.statements
    assert isinstance(stmt, ast.Ground) and stmt.outcome == "not_applicable" and stmt.exception is None
    cond = stmt.condition
    assert isinstance(cond, ast.Binary) and cond.op == "not_in"
    assert isinstance(cond.left, ast.Path) and cond.left.parts == ("employee", "body")
    assert isinstance(cond.right, ast.SetLiteral)
    assert [i.value for i in cond.right.items] == ["special_state_body", "state_security_service"]


def test_rule_4_not_of_a_boolean_fact() -> None:
    [stmt] = parse_rule(RULE_4).blocks[0].statements
    assert isinstance(stmt, ast.Ground)
    assert isinstance(stmt.condition, ast.Unary) and stmt.condition.op == "not"
    assert stmt.condition.operand.parts == ("target_position", "in_presidential_list")


def test_rule_8_1_definition_with_all_quantifier() -> None:
    program = parse_rule(RULE_8_1)
    [definition] = program.definitions
    assert definition.name == "meets_qualification_requirements" and definition.params == ()
    body = definition.body
    assert isinstance(body, ast.Binary) and body.op == "and"
    assert isinstance(body.left, ast.Binary) and body.left.op == ">="
    quant = body.right
    assert isinstance(quant, ast.Quantifier) and quant.kind == "all" and quant.var == "level"
    assert quant.source.parts == ("target_position", "requirements", "training")
    assert isinstance(quant.body, ast.Binary) and quant.body.op == "in"
    [stmt] = program.blocks[0].statements
    assert isinstance(stmt, ast.Require) and stmt.outcome == "ineligible"
    assert isinstance(stmt.condition, ast.Path) and stmt.condition.parts == (
        "meets_qualification_requirements",
    )


def test_rule_8_2_require_with_unless_and_comments() -> None:
    program = parse_rule(RULE_8_2)
    [stmt] = program.blocks[0].statements
    assert isinstance(stmt, ast.Require)
    assert stmt.condition.parts == ("attestation_supports_nomination",)
    assert isinstance(stmt.exception, ast.Unary) and stmt.exception.op == "not"
    assert stmt.exception.operand.parts == ("employee", "subject_to_attestation")
    # The statement starts at `require` on line 8 of the rule (the comments are skipped).
    assert (stmt.span.line, stmt.span.column) == (8, 3)
    assert (stmt.exception.span.line, stmt.exception.span.column) == (9, 12)
    # A set literal may span lines.
    member = program.definitions[0].body
    assert len(member.right.items) == 3 and member.right.span.end_line == 3


def test_rule_8_3_parameters_on_or_before_is_missing_after_if_any() -> None:
    program = parse_rule(RULE_8_3)
    in_force, checked_on = program.definitions
    assert in_force.params == ("sanction", "on_date")
    left, right = in_force.body.left, in_force.body.right
    assert left.op == "on_or_before"
    assert right.op == "or"
    assert isinstance(right.left, ast.Presence) and right.left.present is False
    assert right.right.op == "after"
    cond = checked_on.body
    assert isinstance(cond, ast.Conditional)
    assert isinstance(cond.condition, ast.Presence) and cond.condition.present is True
    assert cond.otherwise.parts == ("decision_date",)
    [stmt] = program.blocks[0].statements
    quant = stmt.condition.operand
    assert isinstance(quant, ast.Quantifier) and quant.kind == "any" and quant.var == "s"
    call = quant.body
    assert isinstance(call, ast.Call) and call.name == "sanction_in_force"
    assert [a.parts for a in call.args] == [("s",), ("sanctions_checked_on",)]


def test_rule_8_part4_boolean_literal_and_string_equality() -> None:
    [stmt] = parse_rule(RULE_8_PART4).blocks[0].statements
    inner = stmt.condition.right.operand  # not ( … and … )
    assert inner.op == "and"
    assert inner.left.op == "=" and inner.left.right.value == "head_of_administration_subdivision"
    assert inner.right.right.value is True and inner.right.right.kind == "bool"


def test_rule_20_string_in_list_and_date_plus_year() -> None:
    program = parse_rule(RULE_20)
    body = program.definitions[0].body
    assert body.left.op == "in" and body.left.left.value == "rules.18.3"
    before = body.right.right
    assert before.op == "before"
    plus = before.right
    assert plus.op == "add" and isinstance(plus.right, ast.Duration)
    assert (plus.right.amount, plus.right.unit) == (1, "years")


# ---- every construct --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("true", True, "bool"),
        ("false", False, "bool"),
        ("42", 42, "int"),
        ("8.10", Decimal("8.10"), "decimal"),
        ("2025-05-04", dt.date(2025, 5, 4), "date"),
        ("2024-02-29", dt.date(2024, 2, 29), "date"),
        ('"rules.18.3"', "rules.18.3", "string"),
        (r'"say \"yes\""', 'say "yes"', "string"),
        ('"Қазақ тілі"', "Қазақ тілі", "string"),
    ],
)
def test_literals(text: str, value: object, kind: str) -> None:
    node = expr(text)
    assert isinstance(node, ast.Literal)
    assert node.value == value and type(node.value) is type(value) and node.kind == kind


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("3 months", 3, "months"),
        ("1 month", 1, "months"),
        ("1 year", 1, "years"),
        ("3 years", 3, "years"),
        ("2 weeks", 2, "weeks"),
        ("1 week", 1, "weeks"),
        ("10 calendar days", 10, "days"),
        ("1 calendar day", 1, "days"),
        ("10 working days", 10, "working_days"),
        ("1 working day", 1, "working_days"),
    ],
)
def test_durations(text: str, amount: int, unit: str) -> None:
    node = expr(text)
    assert isinstance(node, ast.Duration) and (node.amount, node.unit) == (amount, unit)


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("a = b", "="),
        ("a != b", "!="),
        ("a < b", "<"),
        ("a <= b", "<="),
        ("a > b", ">"),
        ("a >= b", ">="),
        ("a in b", "in"),
        ("a not in b", "not_in"),
        ("a before b", "before"),
        ("a after b", "after"),
        ("a on or before b", "on_or_before"),
        ("a on or after b", "on_or_after"),
        ("a + b", "add"),
        ("a - b", "sub"),
        ("a * b", "mul"),
        ("a and b", "and"),
        ("a or b", "or"),
    ],
)
def test_binary_operators(text: str, op: str) -> None:
    node = expr(text)
    assert isinstance(node, ast.Binary) and node.op == op
    assert node.left.parts == ("a",) and node.right.parts == ("b",)


def test_between_within_presence() -> None:
    node = expr("nomination.materials_sent_on between start_of_quarter(d) and end_of_quarter(d)")
    assert isinstance(node, ast.Between)
    assert node.low.name == "start_of_quarter" and node.high.name == "end_of_quarter"
    after = expr("appointed_on within 3 months after employee.reserve.enrolled_on")
    assert isinstance(after, ast.Within) and after.direction == "after"
    assert after.duration.unit == "months" and after.anchor.parts == ("employee", "reserve", "enrolled_on")
    before = expr("sent_on within 10 working days before deadline")
    assert isinstance(before, ast.Within) and before.direction == "before"
    assert before.duration.unit == "working_days"
    assert expr("employee.secondment is present").present is True
    assert expr("employee.secondment is missing").present is False


def test_quantifiers_count_and_nesting() -> None:
    node = expr('count s in employee.sanctions where s.kind = "reprimand"')
    assert isinstance(node, ast.Quantifier) and node.kind == "count"
    nested = expr('any spell in history where (all g in spell.grounds where g != "rules.18.3")')
    assert nested.kind == "any" and nested.body.kind == "all"
    # Unparenthesised, the body of a quantifier runs to the end of the expression.
    greedy = expr("any s in xs where s.a and s.b")
    assert isinstance(greedy, ast.Quantifier) and greedy.body.op == "and"


def test_calls_sets_unary_minus_and_if() -> None:
    call = expr("quarter_start(2025, 3)")
    assert isinstance(call, ast.Call) and [a.value for a in call.args] == [2025, 3]
    assert expr("size(employee.sanctions)").name == "size"
    assert expr("f()").args == []
    assert expr("{}").items == []
    neg = expr("-1")
    assert isinstance(neg, ast.Unary) and neg.op == "neg"
    ite = expr("if a then 1 else 2")
    assert isinstance(ite, ast.Conditional) and ite.then.value == 1 and ite.otherwise.value == 2


def test_precedence() -> None:
    # or < and < not < comparison < + - < * < unary minus
    node = expr("a or b and not c = d + e * -f")
    assert node.op == "or"
    assert node.right.op == "and"
    assert node.right.right.op == "not"
    cmp = node.right.right.operand
    assert cmp.op == "=" and cmp.right.op == "add" and cmp.right.right.op == "mul"
    assert cmp.right.right.right.op == "neg"
    # `between … and …` takes its own `and` first.
    node = expr("x between a and b and c")
    assert node.op == "and" and isinstance(node.left, ast.Between)
    # + and - are left-associative: a - b - c is (a - b) - c.
    node = expr("a - b - c")
    assert node.op == "sub" and node.left.op == "sub"


def test_statements_compute_override_and_several_blocks() -> None:
    program = parse_rule(
        "for schedule:\n"
        "  compute deadline = approved_on + 10 working days\n"
        "for enrollment:\n"
        '  override "rules.14.part2" when president_decision is present\n'
        "  when a then b\n"
    )
    schedule, enrollment = program.blocks
    [compute] = schedule.statements
    assert isinstance(compute, ast.Compute) and compute.name == "deadline"
    assert compute.expr.right.unit == "working_days"
    override, ground = enrollment.statements
    assert isinstance(override, ast.Override) and override.clause == "rules.14.part2"
    assert (override.span.line, override.span.column) == (4, 3)
    assert isinstance(ground, ast.Ground)


def test_names_that_start_like_keywords_are_names() -> None:
    for name in ["in_force", "is_valid", "order", "truex", "iffy", "not_applicable", "before_x", "define_x"]:
        node = expr(f"{name} = 1")
        assert node.left.parts == (name,), name


@pytest.mark.parametrize(
    "text", ["year_of(decision_date)", "day_of_month(decision_date, 10)", "x.days_left", "monthly"]
)
def test_builtins_and_names_starting_with_a_unit_word(text: str) -> None:
    # Units end at a word boundary: year_of, day_of_month, days_left are names, not "year" + "_of".
    node = expr(text)
    assert isinstance(node, ast.Call | ast.Path)
    name = node.name if isinstance(node, ast.Call) else node.parts[-1]
    assert name in {"year_of", "day_of_month", "days_left", "monthly"}
    assert expr("d + 1 year").right.unit == "years"  # and the units still are units


def test_empty_rule_and_comment_only_rule() -> None:
    assert parse_rule("").blocks == [] and parse_rule("").definitions == []
    assert parse_rule("# nothing yet\n").blocks == []


def test_spans_are_positions_inside_the_rule_text() -> None:
    program = parse_rule(RULE_8_1)
    body = program.definitions[0].body
    assert (body.span.line, body.span.column) == (2, 3)
    # end_column is one past the last character (the line is 91 characters long).
    assert (body.span.end_line, body.span.end_column) == (3, 92)
    quant = body.right
    assert (quant.span.line, quant.span.column) == (3, 8)
    assert (quant.source.span.line, quant.source.span.column) == (3, 21)


def test_parsing_does_not_evaluate_calls() -> None:
    # A call is only a node; the checker decides whether the function exists (it does not).
    node = expr('open("/etc/passwd")')
    assert isinstance(node, ast.Call) and node.name == "open"


# ---- invalid rules: position, message, expectation, hint ------------------------------------

EQUALS = "compare with a single '='"
PYTHON = "cannot run Python"
RESERVED = "reserved for durations"

INVALID = [
    # (rule text, line, column, message, expected contains, hint contains)
    (
        'for enrollment:\n  require employee.body == "special_state_body" else ineligible\n',
        2,
        26,
        "unexpected '='",
        None,
        EQUALS,
    ),
    (
        "for enrollment:\n  require a && b else ineligible\n",
        2,
        13,
        "unexpected character '&'",
        None,
        "'and' instead of '&&'",
    ),
    (
        "for enrollment:\n  require a || b else ineligible\n",
        2,
        13,
        "unexpected character '|'",
        None,
        "'or' instead of '||'",
    ),
    (
        "for enrollment:\n  require !a else ineligible\n",
        2,
        11,
        "unexpected character '!'",
        None,
        "'not' instead of '!'",
    ),
    ("import os\n", 1, 1, "unexpected name 'import'", "'define', 'for'", PYTHON),
    ("from os import system\n", 1, 1, "unexpected name 'from'", "'define', 'for'", PYTHON),
    ("for enrollment:\n  require lambda x: x else ineligible\n", 2, 18, "unexpected name 'x'", None, PYTHON),
    ("def f():\n  return 1\n", 1, 1, "unexpected name 'def'", None, PYTHON),
    ("class X:\n", 1, 1, "unexpected name 'class'", None, PYTHON),
    (
        'for enrollment:\n  require __import__("os").system("ls") else ineligible\n',
        2,
        11,
        "unexpected character '_'",
        None,
        "names starting with '_' are not allowed",
    ),
    ("define _hidden = 1\n", 1, 8, "unexpected character '_'", None, "names starting with '_'"),
    ("define DecisionDate = 1\n", 1, 8, "unexpected character 'D'", None, "lower-case snake_case"),
    (
        "for enrollment:\n  when a = 'president' then ineligible\n",
        2,
        12,
        'unexpected character "\'"',
        None,
        "double quotes",
    ),
    ("define day = decision_date\n", 1, 8, "unexpected word 'day'", "a name", RESERVED),
    ("define month = 1\n", 1, 8, "unexpected unit 'month'", "a name", RESERVED),
    (
        "define x = decision_date\nfor enrollment:\n  when years > 3 then ineligible\n",
        3,
        8,
        "unexpected unit 'years'",
        None,
        RESERVED,
    ),
    # Incomplete statements: the position is the end of the rule.
    (
        "for enrollment:\n  require x\n",
        2,
        12,
        "the rule ends too early",
        "'else', 'unless'",
        "a statement is incomplete",
    ),
    (
        "for enrollment:\n  when x then\n",
        2,
        14,
        "the rule ends too early",
        "a name",
        "a statement is incomplete",
    ),
    ("for enrollment:\n", 1, 16, "the rule ends too early", "'compute', 'override', 'require', 'when'", None),
    ("define x = a.b.\n", 1, 16, "the rule ends too early", "a name", None),
    # Literal values are checked while parsing.
    (
        "for enrollment:\n  require decision_date before 2025-02-30 else ineligible\n",
        2,
        32,
        "2025-02-30 is not a calendar date",
        "YYYY-MM-DD that exists",
        None,
    ),
    ("define x = 2025-13-01\n", 1, 12, "2025-13-01 is not a calendar date", None, None),
    ("define x = 2023-02-29\n", 1, 12, "2023-02-29 is not a calendar date", None, None),
    (
        "define x = 1234567890123456789012345678901234567890\n",
        1,
        12,
        "the number 1234567890123456… is too large",
        f"at most {MAX_INT_DIGITS} digits",
        None,
    ),
    ("define x = d + 10000000000000 months\n", 1, 16, "is too large", None, None),
    ("define f(a, b = 1\n", 1, 15, "unexpected '='", "')', ','", None),
    ("define x = 3 mnths\n", 1, 14, "unexpected name 'mnths'", None, None),
    ("define x = decision_date + 2 days\n", 1, 30, "unexpected word 'days'", None, "say which days"),
    ("define x = a\nfor enrollment:\n  require x != else no\n", 3, 16, "unexpected word 'else'", None, None),
]


@pytest.mark.parametrize(("text", "line", "column", "message", "expected", "hint"), INVALID)
def test_invalid_rule(
    text: str, line: int, column: int, message: str, expected: str | None, hint: str | None
) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse_rule(text)
    problem = info.value.problem
    assert (problem.line, problem.column) == (line, column)
    assert message in problem.message
    if expected is not None:
        assert expected in (problem.expected or "")
    if hint is not None:
        assert hint in (problem.hint or "")
    assert str(info.value).startswith(f"{line}:{column}: ")


def test_every_syntax_hint_is_reachable() -> None:
    # SYNTAX_HINTS is data: each of its hints must come out of some invalid rule above.
    produced = set()
    for text, *_ in INVALID:
        try:
            parse_rule(text)
        except RuleSyntaxError as exc:
            produced.add(exc.problem.hint)
    for _pattern, hint in SYNTAX_HINTS:
        assert hint in produced, hint


def test_a_rule_over_the_size_limit_is_refused_before_parsing() -> None:
    text = "# x\n" * (MAX_RULE_CHARS // 4 + 1)
    with pytest.raises(RuleSyntaxError) as info:
        parse_rule(text)
    problem = info.value.problem
    assert (problem.line, problem.column) == (1, 1)
    assert f"over the {MAX_RULE_CHARS:,} limit" in problem.message


def test_deeply_nested_parentheses_are_a_syntax_error_or_parse_not_a_crash() -> None:
    # The LALR parser is not recursive: deep nesting parses; the transformer must cope too.
    depth = 400
    node = expr("(" * depth + "1" + ")" * depth)
    assert isinstance(node, ast.Literal) and node.value == 1


def test_expected_after_define_is_a_name() -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse_rule("define _hidden = 1\n")
    assert info.value.problem.expected == "a name"


def test_days_without_calendar_or_working_says_how_to_write_it() -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse_rule("define deadline = decision_date + 10 days\n")
    problem = info.value.problem
    assert (problem.line, problem.column) == (1, 38)
    assert problem.hint == "say which days: '10 calendar days' or '10 working days' (Kazakhstan's calendar)"


# ---- `applies when` and `compute … only on` -------------------------------------------------


def test_applies_and_compute_only_on_parse_and_unparse() -> None:
    from engine.dsl.printer import unparse

    text = """\
for appointment:
  applies when employee.reserve is present
  compute earliest_appointment_date = employee.reserve.enrolled_on + 3 months
    only on too_early, appointable
  compute plain = 1
"""
    applies, only, plain = parse_rule(text).blocks[0].statements
    assert isinstance(applies, ast.Applies) and isinstance(applies.condition, ast.Presence)
    assert isinstance(only, ast.Compute) and only.outcomes == ("too_early", "appointable")
    assert isinstance(plain, ast.Compute) and plain.outcomes == ()
    assert unparse(applies) == "applies when employee.reserve is present"
    assert unparse(only).endswith("only on too_early, appointable")


@pytest.mark.parametrize("text", ["for x:\n  compute a = 1 only on\n", "for x:\n  applies true\n"])
def test_applies_and_only_on_need_their_parts(text: str) -> None:
    with pytest.raises(RuleSyntaxError):
        parse_rule(text)
