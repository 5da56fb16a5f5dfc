"""The error taxonomy.

Errors are data first, text second: every error carries the fields a tool needs (file, line,
column, clause, JSON pointer) and renders a message a drafter or a caller can act on. Nothing
here prints a traceback; the CLI and the service decide how to present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ErejeError(Exception):
    """Base of every error Ereje raises on purpose."""


@dataclass(frozen=True)
class PolicyIssue:
    """One problem found in a policy file.

    `line` and `column` are 1-based positions inside the YAML file (for a rule, the position
    of the offending DSL token mapped back into the file).
    """

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    clause: str | None = None
    expected: str | None = None
    hint: str | None = None
    severity: str = "error"
    code: str = "policy"

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        head = f"{where}: {self.severity}"
        if self.clause:
            head += f" in clause {self.clause}"
        text = f"{head}: {self.message}"
        if self.expected:
            text += f"\n    expected: {self.expected}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class PolicyError(ErejeError, ValueError):
    """A policy could not be loaded; `issues` lists every problem found, not only the first."""

    def __init__(self, issues: list[PolicyIssue]) -> None:
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        super().__init__(f"{len(errors)} policy error(s)\n" + "\n".join(i.render() for i in errors[:20]))


@dataclass(frozen=True)
class CaseProblem:
    """One reason a case was refused, located by a JSON pointer (RFC 6901) into the case.

    `kind` names the rule the case broke (a JSON Schema keyword such as `required`, `type`,
    `enum`, `format`; `missing` for a fact a rule needs; a codec kind such as `malformed-json`),
    `field` the property a `required` problem lacks and `params` the rule's values (the limit,
    the allowed values, the expected types), so a page or the service can say it in the
    reader's language and place it at its field without reading the English `message`.
    """

    pointer: str
    message: str
    kind: str | None = None
    field: str | None = None
    clause: str | None = None  # the clause that needs the fact, for `missing`
    params: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


class CaseError(ErejeError, ValueError):
    """The case cannot be decided as given: invalid against the schema, or lacking facts."""

    def __init__(self, problems: list[CaseProblem], title: str = "The case is not valid") -> None:
        self.problems = list(problems)
        self.title = title
        super().__init__(title + ": " + "; ".join(f"{p.pointer or '/'}: {p.message}" for p in self.problems))


def _unknown(what: str, name: str, listed: str, known: list[str], hint: str | None) -> str:
    message = f"unknown {what} {name!r}; {listed}: {', '.join(known) or 'none'}"
    return f"{message} ({hint})" if hint else message


class UnknownAct(ErejeError, LookupError):
    """No loaded act has this id."""

    def __init__(self, act_id: str, known: list[str], hint: str | None = None) -> None:
        self.act_id = act_id
        self.known = known
        super().__init__(_unknown("act", act_id, "loaded acts", known, hint))


class UnknownQuestion(ErejeError, LookupError):
    """No decision of that name (in the act, or in any act when none is named)."""

    def __init__(self, question: str, known: list[str], hint: str | None = None) -> None:
        self.question = question
        self.known = known
        super().__init__(_unknown("question", question, "known questions", known, hint))


class EditionError(ErejeError, ValueError):
    """No encoded edition can decide the question on the date asked."""

    def __init__(self, message: str, missing_clauses: list[str] | None = None) -> None:
        self.missing_clauses = missing_clauses or []
        super().__init__(message)


class CalendarError(ErejeError, ValueError):
    """A working-day computation falls outside the calendar's coverage."""


@dataclass
class EvaluationLimit(ErejeError, ArithmeticError):
    """A value left the range Ereje can represent (a date past year 9999, say)."""

    message: str
    clause: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message
