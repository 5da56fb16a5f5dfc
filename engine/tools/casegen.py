"""A realistic synthetic corpus of cases, driven by each decision's case schema.

The schema gives the shape and what is valid; three kinds of hints make the values realistic and
put them where the rules draw their lines:

- the act's example cases (`examples/examples.yaml`): for each fact path, the values seen there
  (dates kept as offsets from the example's decision date, so they move with the generated one),
  how often an optional fact is present, how long lists are;
- the rules of the decision in the chosen edition: the periods they use (`3 months`, `1 year`,
  `10 working days`) put dates just before, on and just after `decision date - period`; their
  date, text and number literals are candidate values (a text fact with a pattern takes the
  literals that match it);
- the schema itself: enums, booleans, `minimum`/`maximum`, `minItems`/`maxItems`, patterns.

Every case is checked against the decision's schema before it is written; a generator that
cannot produce a valid case for a decision after some attempts raises `GenerationError`.
Output lines are JSON objects {"question", "as_of", "case"}; the same act, edition, seed and
count give the same lines.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import casecodec
from ..casecheck import CaseValidator
from ..dsl import ast
from ..edition import Edition
from ..errors import ErejeError
from ..policy import Act, DecisionSpec
from ..timecalc import add_months
from ..yamlsafe import load_policy_yaml
from .plausibility import Plausibility, load_plausibility

MAX_ATTEMPTS = 50
EXAMPLE_SHARE = 0.4  # share of cases grown from an example case rather than from the schema alone
PERTURB = 0.12  # chance that a fact of an example-grown case is regenerated
WINDOW_DAYS = 3 * 365  # default span of decision dates after the edition's start


class GenerationError(ErejeError, ValueError):
    """No valid case could be generated for a decision."""


# ---- hints -----------------------------------------------------------------------------------


@dataclass
class PathHints:
    values: list[Any] = field(default_factory=list)  # non-date values seen in examples
    offsets: list[int] = field(default_factory=list)  # date values, as days from the example's as_of
    present: int = 0  # examples where the parent object exists and this fact is present
    absent: int = 0  # … and where it is absent
    lengths: list[int] = field(default_factory=list)  # list lengths seen


@dataclass
class DecisionHints:
    periods: list[tuple[int, str]]  # (amount, unit) of every duration the rules use
    dates: list[dt.date]
    strings: list[str]
    numbers: list[Any]
    paths: dict[str, PathHints]
    examples: list[tuple[dt.date, Any]]  # (as_of, case) of the decision's examples
    orders: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # object path -> (a, b): a <= b


def example_cases(act: Act) -> list[dict[str, Any]]:
    """The act's examples index as {file, question, as_of (date), case, path}; [] when absent."""
    index = Path(act.directory) / "examples" / "examples.yaml"
    if not index.is_file():
        return []
    loaded, _ = load_policy_yaml(index)
    if loaded is None or not isinstance(loaded.data, list):
        return []
    out = []
    for entry in loaded.data:
        if not isinstance(entry, dict) or not {"file", "question", "as_of"} <= set(entry):
            continue
        path = index.parent / str(entry["file"])
        try:
            case = casecodec.decode_case(path.read_bytes())
            as_of = dt.date.fromisoformat(str(entry["as_of"]))
        except (OSError, ValueError):
            continue
        out.append(
            {
                "file": str(entry["file"]),
                "question": str(entry["question"]),
                "as_of": as_of,
                "case": case,
                "path": str(path),
            }
        )
    return out


def _rule_nodes(edition: Edition, decision: str) -> list[ast.Node]:
    """The statements of `decision` and every definition they reach, in this edition."""
    from .rulediff import named_definitions, reached_definitions

    defs = named_definitions(edition)
    nodes: list[ast.Node] = []
    for cid, reached in reached_definitions(edition, decision).items():
        program = edition.versions[cid].program
        if program is not None:
            nodes.extend(s for b in program.blocks if b.decision == decision for s in b.statements)
        nodes.extend(defs[name][1] for name in reached if name in defs)
    return nodes


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 10 and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def decision_hints(
    act: Act, edition: Edition, decision: str, examples: list[dict[str, Any]]
) -> DecisionHints:
    periods: list[tuple[int, str]] = []
    dates: list[dt.date] = []
    strings: list[str] = []
    numbers: list[Any] = []
    for node in _rule_nodes(edition, decision):
        for n in ast.walk(node):
            if isinstance(n, ast.Duration) and (n.amount, n.unit) not in periods:
                periods.append((n.amount, n.unit))
            elif isinstance(n, ast.Literal):
                if n.kind == "date" and n.value not in dates:
                    dates.append(n.value)
                elif n.kind == "string" and n.value not in strings:
                    strings.append(n.value)
                elif n.kind in ("int", "decimal") and n.value not in numbers:
                    numbers.append(n.value)
    paths: dict[str, PathHints] = {}
    mine = [(e["as_of"], e["case"]) for e in examples if e["question"] == decision]

    def visit(value: Any, path: str, as_of: dt.date) -> None:
        hints = paths.setdefault(path, PathHints())
        if isinstance(value, dict):
            for key, sub in value.items():
                visit(sub, f"{path}.{key}" if path else key, as_of)
        elif isinstance(value, list):
            hints.lengths.append(len(value))
            for item in value:
                visit(item, f"{path}[]", as_of)
        elif _is_date(value):
            with contextlib.suppress(ValueError):
                hints.offsets.append((dt.date.fromisoformat(value) - as_of).days)
        else:
            hints.values.append(value)

    for as_of, case in mine:
        visit(case, "", as_of)
    return DecisionHints(periods, dates, strings, numbers, paths, mine, _date_orders(mine))


_END_WORDS = ("end", "ended", "lifted", "ceased", "excluded", "expired", "until", "withdrawn")


def _date_orders(examples: list[tuple[dt.date, Any]]) -> dict[str, set[tuple[str, str]]]:
    """Pairs of date facts of one object that are in the same order in every example (a <= b)."""
    seen: dict[str, dict[tuple[str, str], bool]] = {}

    def visit(value: Any, path: str) -> None:
        if isinstance(value, dict):
            dates = {k: v for k, v in value.items() if _is_date(v)}
            pairs = seen.setdefault(path, {})
            for a in dates:
                for b in dates:
                    if a != b:
                        pairs[(a, b)] = pairs.get((a, b), True) and dates[a] <= dates[b]
            for k, v in value.items():
                visit(v, f"{path}.{k}" if path else k)
        elif isinstance(value, list):
            for item in value:
                visit(item, f"{path}[]")

    for _, case in examples:
        visit(case, "")
    return {path: {pair for pair, ok in pairs.items() if ok} for path, pairs in seen.items()}


def order_dates(obj: dict[str, Any], learned: set[tuple[str, str]]) -> None:
    """Put an object's dates in a plausible order: the pairs learned from the examples, and a
    date named like an end (ended_on, lifted_on, excluded_on…) not before the object's other dates."""
    dates = [k for k, v in obj.items() if _is_date(v)]
    pairs = {(a, b) for a, b in learned if a in obj and b in obj and (b, a) not in learned}
    for b in dates:
        if any(w in b.split("_") for w in _END_WORDS):
            pairs |= {(a, b) for a in dates if a != b and not any(w in a.split("_") for w in _END_WORDS)}
    for _ in range(3):
        for a, b in sorted(pairs):
            if _is_date(obj.get(a)) and _is_date(obj.get(b)) and obj[a] > obj[b]:
                obj[a], obj[b] = obj[b], obj[a]


def _presence(examples: list[tuple[dt.date, Any]], parent: str, name: str) -> float:
    """How often an optional fact is present where its parent object is, in the examples."""
    total = present = 0
    for _, case in examples:
        for obj in objects_at(case, parent):
            total += 1
            present += name in obj
    if total == 0:
        return 0.3
    if present == 0:
        return 0.1
    return min(0.9, max(0.1, present / total))


def objects_at(value: Any, path: str) -> list[dict[str, Any]]:
    nodes = [value]
    if path:
        for part in path.split("."):
            many = part.endswith("[]")
            key = part[:-2] if many else part
            nxt = []
            for n in nodes:
                if isinstance(n, dict) and key in n:
                    v = n[key]
                    if many and isinstance(v, list):
                        nxt.extend(v)
                    elif not many:
                        nxt.append(v)
            nodes = nxt
    return [n for n in nodes if isinstance(n, dict)]


# ---- dates -----------------------------------------------------------------------------------


def shift(day: dt.date, amount: int, unit: str, sign: int = -1) -> dt.date:
    """`day` moved by a period (backwards by default). Working days count as 7/5 calendar days."""
    if unit == "years":
        return add_months(day, sign * 12 * amount)
    if unit == "months":
        return add_months(day, sign * amount)
    if unit == "weeks":
        return day + dt.timedelta(days=sign * 7 * amount)
    if unit == "working_days":
        return day + dt.timedelta(days=sign * (amount * 7 // 5 + 1))
    return day + dt.timedelta(days=sign * amount)


def _shifted(value: Any, delta: dt.timedelta) -> Any:
    if isinstance(value, dict):
        return {k: _shifted(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, delta) for v in value]
    if _is_date(value):
        try:
            return _clamp_date(dt.date.fromisoformat(value) + delta).isoformat()
        except (ValueError, OverflowError):
            return value
    return value


def _clamp_date(day: dt.date) -> dt.date:
    return min(max(day, dt.date(1950, 1, 1)), dt.date(2100, 12, 31))


# ---- the regex generator (patterns of text facts) --------------------------------------------


def from_pattern(pattern: str, rng: random.Random) -> str | None:
    """A string matching a simple regular expression, or None if the pattern is too complex."""
    try:
        import re._constants as c
        import re._parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - older Pythons
        return None
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None

    def gen(items: Any, depth: int = 0) -> str:
        if depth > 20:
            raise ValueError
        out = []
        for op, arg in items:
            if op is c.LITERAL:
                out.append(chr(arg))
            elif op is c.AT:
                continue
            elif op is c.IN:
                choices: list[str] = []
                for iop, iarg in arg:
                    if iop is c.LITERAL:
                        choices.append(chr(iarg))
                    elif iop is c.RANGE:
                        choices.extend(chr(x) for x in range(iarg[0], min(iarg[1], iarg[0] + 50) + 1))
                    elif iop is c.CATEGORY:
                        choices.extend("0123456789" if "DIGIT" in str(iarg) else "abcdefxyz")
                    elif iop is c.NEGATE:
                        raise ValueError
                if not choices:
                    raise ValueError
                out.append(rng.choice(choices))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, high, sub = arg
                high = low + 3 if high is c.MAXREPEAT else high
                for _ in range(rng.randint(low, max(low, min(high, low + 3)))):
                    out.append(gen(sub, depth + 1))
            elif op is c.SUBPATTERN:
                out.append(gen(arg[-1], depth + 1))
            elif op is c.BRANCH:
                out.append(gen(rng.choice(arg[1]), depth + 1))
            elif op is c.ANY:
                out.append("x")
            elif op is c.CATEGORY:
                out.append("7" if "DIGIT" in str(arg) else "a")
            else:
                raise ValueError
        return "".join(out)

    try:
        text = gen(parsed)
    except (ValueError, TypeError):
        return None
    return text if re.fullmatch(pattern, text) else None


# ---- the generator ---------------------------------------------------------------------------


class DecisionGenerator:
    """Cases for one decision under one edition's case schema."""

    def __init__(
        self,
        act: Act,
        edition: Edition,
        spec: DecisionSpec,
        examples: list[dict[str, Any]],
        plausibility: Plausibility | None = None,
    ) -> None:
        self.act = act
        self.edition = edition
        self.spec = spec
        self.schema = spec.case_schema
        self.defs = self.schema.get("$defs", {})
        self.hints = decision_hints(act, edition, spec.name, examples)
        self.validator = CaseValidator(self.schema)
        self.plausibility = plausibility or load_plausibility(act.directory)

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        for _ in range(20):
            if not isinstance(node, dict) or "$ref" not in node:
                break
            ref = node["$ref"]
            target = self.defs.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/$defs/") else {}
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def case(self, rng: random.Random, as_of: dt.date) -> Any:
        return self.case_and_person(rng, as_of)[0]

    def case_and_person(self, rng: random.Random, as_of: dt.date) -> tuple[Any, dict[str, str]]:
        """A valid, plausible case and the birth and hiring days drawn for its person."""
        for _ in range(MAX_ATTEMPTS):
            if self.hints.examples and rng.random() < EXAMPLE_SHARE:
                case = self._from_example(rng, as_of)
            else:
                case = self.value(self.schema, "", rng, as_of, 0)
            self._edition_date(case, rng, as_of)
            person = self.plausibility.apply(self.spec.name, case, as_of, rng)
            if person is not None and self.validator.is_valid(case):
                return case, person
        raise GenerationError(
            f"could not generate a valid, plausible '{self.spec.name}' case in {MAX_ATTEMPTS} attempts "
            f"(schema of {self.edition.id}; assumptions of {self.plausibility.source or 'the defaults'})"
        )

    def fill(self, path: str, rng: random.Random, as_of: dt.date) -> Any:
        """A value for the fact at `path` ("employee.retraining_failed_on") as this generator
        would draw it: what `ereje impact --fill-missing` gives a case that lacks a new fact."""
        node: Any = self.schema
        for part in re.findall(r"[^.\[\]]+(?:\[\])?", path):
            node = self._resolve(node)
            many = part.endswith("[]")
            node = node.get("properties", {}).get(part[:-2] if many else part)
            if node is None:
                raise GenerationError(
                    f"the '{self.spec.name}' schema of {self.edition.id} has no fact {path}"
                )
            if many:
                node = self._resolve(node).get("items", {})
                return [self.value(node, path, rng, as_of, 1)]
        return self.value(node, path, rng, as_of, 1)

    def presence(self, path: str) -> float:
        """How often the generator gives an optional fact at `path` (its share in the examples)."""
        parent, _, name = path.rpartition(".")
        return _presence(self.hints.examples, parent, name)

    def _from_example(self, rng: random.Random, as_of: dt.date) -> Any:
        """An example case moved to `as_of` (its dates keep their distance to the decision date),
        with a few facts regenerated, added or dropped."""
        example_as_of, example = rng.choice(self.hints.examples)
        delta = as_of - example_as_of
        return self._perturb(self.schema, _shifted(example, delta), "", rng, as_of, 0)

    def _perturb(
        self, node: dict[str, Any], value: Any, path: str, rng: random.Random, as_of: dt.date, depth: int
    ) -> Any:
        node = self._resolve(node)
        if depth > 10:
            return value
        if isinstance(value, dict) and "properties" in node:
            out: dict[str, Any] = {}
            required = set(node.get("required", []))
            for name, sub in node["properties"].items():
                sub_path = f"{path}.{name}" if path else name
                if name in value:
                    if name not in required and rng.random() < PERTURB / 2:
                        continue  # drop an optional fact
                    if rng.random() < PERTURB:
                        out[name] = self.value(sub, sub_path, rng, as_of, depth + 1)
                    else:
                        out[name] = self._perturb(sub, value[name], sub_path, rng, as_of, depth + 1)
                elif name in required or rng.random() < PERTURB / 2:
                    out[name] = self.value(sub, sub_path, rng, as_of, depth + 1)
            order_dates(out, self.hints.orders.get(path, set()))
            return out
        if isinstance(value, list) and isinstance(node.get("items"), dict):
            items = [self._perturb(node["items"], v, f"{path}[]", rng, as_of, depth + 1) for v in value]
            if items and rng.random() < PERTURB:
                items.pop(rng.randrange(len(items)))
            if rng.random() < PERTURB and len(items) < int(node.get("maxItems", 8)):
                items.append(self.value(node["items"], f"{path}[]", rng, as_of, depth + 1))
            return items
        if rng.random() < PERTURB:
            return self.value(node, path, rng, as_of, depth)
        return value

    def _edition_date(self, case: Any, rng: random.Random, as_of: dt.date) -> None:
        """A decision whose edition is chosen by a fact date: keep that date inside the edition."""
        path = self.spec.edition_date
        if path == "decision_date" or not isinstance(case, dict):
            return
        parts = path.split(".")
        node: Any = case
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            start = self.edition.start
            span = max(0, (as_of - start).days)
            day = as_of - dt.timedelta(days=rng.randint(0, min(span, 120)))
            if isinstance(node.get(parts[-1]), dict):
                # A calendar quarter selects by its first day: the first quarter beginning in the edition.
                number = (day.month - 1) // 3 + 1
                if dt.date(day.year, 3 * number - 2, 1) < start:
                    number, day = (1, day.replace(year=day.year + 1)) if number == 4 else (number + 1, day)
                node[parts[-1]] = {"calendar_year": day.year, "number": number}
            else:
                node[parts[-1]] = day.isoformat()

    def value(self, node: dict[str, Any], path: str, rng: random.Random, as_of: dt.date, depth: int) -> Any:
        node = self._resolve(node)
        hints = self.hints.paths.get(path, PathHints())
        if "const" in node:
            return node["const"]
        if "enum" in node:
            seen = [v for v in hints.values if v in node["enum"]]
            if seen and rng.random() < 0.5:
                return rng.choice(seen)
            return rng.choice(node["enum"])
        kind = node.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), kind[0])
        if kind == "object" or (kind is None and "properties" in node):
            return self._object(node, path, rng, as_of, depth)
        if kind == "array":
            return self._array(node, path, rng, as_of, depth)
        if kind == "boolean":
            seen = [v for v in hints.values if isinstance(v, bool)]
            if seen and rng.random() < 0.7:
                return rng.choice(seen)
            return rng.random() < 0.5
        if kind in ("number", "integer"):
            return self._number(node, hints, rng, kind == "integer")
        if kind == "string" or kind is None:
            if node.get("format") == "date":
                return self._date(hints, rng, as_of).isoformat()
            return self._string(node, path, hints, rng)
        return None

    def _object(self, node: dict[str, Any], path: str, rng: random.Random, as_of: dt.date, depth: int) -> Any:
        out: dict[str, Any] = {}
        required = set(node.get("required", []))
        for name, sub in node.get("properties", {}).items():
            sub_path = f"{path}.{name}" if path else name
            if name not in required and (
                depth > 8 or rng.random() >= _presence(self.hints.examples, path, name)
            ):
                continue
            out[name] = self.value(sub, sub_path, rng, as_of, depth + 1)
        order_dates(out, self.hints.orders.get(path, set()))
        return out

    def _array(
        self, node: dict[str, Any], path: str, rng: random.Random, as_of: dt.date, depth: int
    ) -> list[Any]:
        hints = self.hints.paths.get(path, PathHints())
        low = int(node.get("minItems", 0))
        high = int(node.get("maxItems", 8))
        if hints.lengths and rng.random() < 0.5:
            n = rng.choice(hints.lengths)
        else:
            n = rng.choices([0, 1, 2, 3], weights=[45, 30, 15, 10])[0]
        n = max(low, min(high, n, 6))
        item = node.get("items", {})
        if not isinstance(item, dict) or depth > 8:
            return []
        return [self.value(item, f"{path}[]", rng, as_of, depth + 1) for _ in range(n)]

    def _number(self, node: dict[str, Any], hints: PathHints, rng: random.Random, integer: bool) -> Any:
        low = node.get("minimum", 0)
        high = node.get("maximum", low + 40)
        low, high = float(low), float(min(float(high), float(low) + 40))
        seen = [v for v in hints.values if isinstance(v, int | float | Decimal) and not isinstance(v, bool)]
        r = rng.random()
        if seen and r < 0.4:
            value = float(rng.choice(seen)) + rng.choice([-1, 0, 0, 1])
        elif self.hints.numbers and r < 0.6:
            value = float(rng.choice(self.hints.numbers)) + rng.choice([-1, 0, 1])
        else:
            value = rng.uniform(low, high)
        value = min(max(value, low), high)
        if integer or rng.random() < 0.8:
            value = round(value)
            value = int(min(max(value, node.get("minimum", value)), node.get("maximum", value)))
            return value
        # A half step, as the case codec reads numbers: an integral one is an int, any other an
        # exact Decimal, never a float (the engine's arithmetic is exact; floats do not mix in).
        halves = round(value * 2)
        return halves // 2 if halves % 2 == 0 else Decimal(halves) / 2

    def _date(self, hints: PathHints, rng: random.Random, as_of: dt.date) -> dt.date:
        r = rng.random()
        if hints.offsets and r < 0.35:
            day = as_of + dt.timedelta(days=rng.choice(hints.offsets))
            if rng.random() < 0.5:
                day += dt.timedelta(days=rng.randint(-20, 20))
        elif self.hints.periods and r < 0.75:
            amount, unit = rng.choice(self.hints.periods)
            day = shift(as_of, amount, unit) + dt.timedelta(days=rng.choice([-2, -1, -1, 0, 0, 1, 1, 2]))
        elif self.hints.dates and r < 0.8:
            day = rng.choice(self.hints.dates) + dt.timedelta(days=rng.choice([-1, 0, 1]))
        elif r < 0.95:
            day = as_of - dt.timedelta(days=rng.randint(0, 5 * 365))
        else:
            day = as_of + dt.timedelta(days=rng.randint(1, 90))
        return _clamp_date(day)

    def _string(self, node: dict[str, Any], path: str, hints: PathHints, rng: random.Random) -> str:
        pattern = node.get("pattern")
        max_len = int(node.get("maxLength", 300))
        min_len = int(node.get("minLength", 0))

        def fits(s: Any) -> bool:
            return (
                isinstance(s, str)
                and min_len <= len(s) <= max_len
                and (pattern is None or re.search(pattern, s) is not None)
            )

        seen = [v for v in hints.values if fits(v)]
        literals = [s for s in self.hints.strings if fits(s)] if pattern else []
        if pattern:
            pool = seen + literals
            if pool and rng.random() < 0.8:
                return rng.choice(pool)
            made = from_pattern(pattern, rng)
            if made is not None and fits(made):
                return made
            if pool:
                return rng.choice(pool)
            return ""  # the validator refuses it; the case is generated again
        # Free text: reuse values seen anywhere under the same property name, so facts compared
        # for equality (a position and the position asked about) sometimes agree.
        name = path.rsplit(".", 1)[-1].removesuffix("[]")
        same_name = [
            v
            for p, h in self.hints.paths.items()
            if p.rsplit(".", 1)[-1].removesuffix("[]") == name
            for v in h.values
            if fits(v)
        ]
        if same_name and rng.random() < 0.85:
            return rng.choice(same_name)
        text = f"{name.replace('_', ' ')} {rng.randint(1, 3)}"
        return text[:max_len] if len(text) >= min_len else text.ljust(min_len, "x")


@dataclass
class Corpus:
    act: Act
    edition: Edition
    decisions: list[str]
    seed: int
    start: dt.date
    end: dt.date
    generators: dict[str, DecisionGenerator]

    def lines(self, n: int) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.seed)
        span = (self.end - self.start).days
        for k in range(n):
            question = self.decisions[k % len(self.decisions)]
            as_of = self.start + dt.timedelta(days=rng.randint(0, max(0, span)))
            case, person = self.generators[question].case_and_person(rng, as_of)
            yield {"question": question, "as_of": as_of.isoformat(), "case": case, "assumed": person}


def corpus_for(
    act: Act,
    edition: Edition,
    decisions: list[str] | None,
    seed: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Corpus:
    """A generator of cases for `decisions` (default: every decision the edition can decide)."""
    from ..edition import decision_specs
    from .selection import missing_clauses

    specs = decision_specs(act, edition)
    if decisions:
        unknown = [d for d in decisions if d not in specs]
        if unknown:
            raise GenerationError(
                f"{act.id} has no decision {', '.join(unknown)}; decisions: {', '.join(sorted(specs))}"
            )
        names = list(decisions)
    else:
        names = sorted(d for d in specs if not missing_clauses(act, edition, d))
        if not names:
            raise GenerationError(f"no decision of {act.id} can be decided under {edition.id}")
    examples = example_cases(act)
    start = start or edition.start
    end = end or edition.end or (start + dt.timedelta(days=WINDOW_DAYS))
    if end < start:
        raise GenerationError(f"the window of decision dates ends ({end}) before it starts ({start})")
    plausibility = load_plausibility(act.directory)
    generators = {
        name: DecisionGenerator(act, edition, specs[name], examples, plausibility) for name in names
    }
    return Corpus(act, edition, names, seed, start, end, generators)


def write_corpus(corpus: Corpus, n: int, out: Any) -> int:
    count = 0
    for line in corpus.lines(n):
        out.write(casecodec.encode_json(line) + "\n")
        count += 1
    return count
