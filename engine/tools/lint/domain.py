"""The finite domain a decision's rules define, and cases built from it.

The case schema says what a fact *can* be; the rules say which of its values can make a
difference. For every fact a set of statements reads, the domain holds:

- an enum: one value per class of values the rules cannot tell apart (values that fall in the
  same literal sets of every test); every value when the fact is compared with another fact;
- a boolean: false and true;
- a number: every literal it is compared with, and that literal ± 1 (± 0.5 for decimals);
  0, 1 and 2 when it is compared with another number; the whole range when it has at most seven
  integers; always inside the schema's minimum and maximum;
- a string without enum: every literal it is compared with, and one value equal to none of them
  (two when it is compared with another string), each satisfying the schema's pattern;
- a date: the decision date and every literal date the rules compare it with, each ± 1 day, and
  every such anchor moved by every duration the rules add to a date of the same comparison group
  (± 1 day); with month and quarter edges when it is fed to a calendar built-in;
- an optional fact: also absent; an optional object: absent or present;
- a list: 0 to 2 elements (more when the rules count it against a larger literal), each element
  built the same way from its fields; as multisets, since no rule depends on order.

Facts no statement of the group reads keep one value, the *baseline*. Every case built here is
checked against the decision's case schema before it is used.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ... import timecalc
from ...i18n import Message, say
from .analysis import DDATE, Atom, Fact, Lit, Path, StatementFacts, Union, base_and_shifts


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ABSENT = _Marker("ABSENT")
PRESENT = _Marker("PRESENT")

MAX_LIST = 2
MAX_ELEMENT_DOMAIN = 400  # element values above which lists are built with at most one element
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


# ---- the schema, indexed by fact path -----------------------------------------------------------


@dataclass
class SchemaNode:
    path: Path
    schema: dict[str, Any]
    kind: str  # bool int decimal string date list object
    optional: bool  # may be absent (not required, or nullable)
    pointer: str  # JSON pointer of its schema inside the decision file (after $refs)
    required_in_parent: bool
    enum: list[str] | None = None
    children: list[SchemaNode] = field(default_factory=list)
    items: SchemaNode | None = None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _resolve(schema: dict[str, Any], root: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 32:
        ref = schema["$ref"]
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        schema, pointer = target, "/case_schema" + ref[1:]
        seen += 1
    return schema, pointer


def _kind(schema: dict[str, Any]) -> str:
    if "enum" in schema or isinstance(schema.get("const"), str):
        return "string"
    types = schema.get("type")
    if isinstance(types, list):
        types = next((t for t in types if t != "null"), None)
    return {
        "boolean": "bool",
        "integer": "int",
        "number": "decimal",
        "array": "list",
        "object": "object",
    }.get(types or "", "date" if schema.get("format") == "date" else "string")


def index_schema(case_schema: dict[str, Any]) -> SchemaNode:
    def build(schema: dict[str, Any], path: Path, pointer: str, required: bool) -> SchemaNode:
        schema, pointer = _resolve(schema, case_schema, pointer)
        kind = _kind(schema)
        types = schema.get("type")
        nullable = isinstance(types, list) and "null" in types
        enum = None
        if "enum" in schema:
            enum = [v for v in schema["enum"] if v is not None]
            nullable = nullable or None in schema["enum"]
        elif isinstance(schema.get("const"), str):
            enum = [schema["const"]]
        node = SchemaNode(path, schema, kind, (not required) or nullable, pointer, required, enum)
        if kind == "object":
            req = set(schema.get("required", []))
            for name, sub in (schema.get("properties") or {}).items():
                node.children.append(build(sub, (*path, name), f"{pointer}/properties/{name}", name in req))
        elif kind == "list" and isinstance(schema.get("items"), dict):
            node.items = build(schema["items"], (*path, "*"), f"{pointer}/items", True)
        return node

    return build(case_schema, (), "/case_schema", True)


def walk_schema(node: SchemaNode):
    yield node
    for child in node.children:
        yield from walk_schema(child)
    if node.items is not None:
        yield from walk_schema(node.items)


# ---- what the rules compare ------------------------------------------------------------------


@dataclass
class Profile:
    """The comparisons of a group of statements, arranged per fact."""

    reads: set[Path]
    literals: dict[Path, set[Any]] = field(default_factory=dict)
    tests: dict[Path, list[frozenset[Any]]] = field(default_factory=dict)
    date_bounds: dict[Path, set[dt.date]] = field(default_factory=dict)
    parent: dict[Path, Path] = field(default_factory=dict)  # union-find over compared facts
    durations: dict[Path, set[tuple[int, str]]] = field(default_factory=dict)  # per component root
    calendar_args: set[Path] = field(default_factory=set)
    day_numbers: set[int] = field(default_factory=set)
    year_args: set[Path] = field(default_factory=set)
    max_list: int = MAX_LIST

    def find(self, p: Path) -> Path:
        while self.parent.get(p, p) != p:
            p = self.parent[p]
        return p

    def join(self, a: Path, b: Path) -> None:
        ra, rb = self.find(a), self.find(b)
        self.parent.setdefault(ra, ra)
        self.parent.setdefault(rb, rb)
        if ra != rb:
            self.parent[rb] = ra
            self.durations.setdefault(ra, set()).update(self.durations.pop(rb, set()))

    def members(self, p: Path) -> list[Path]:
        root = self.find(p)
        return [q for q in self.parent if self.find(q) == root]


def profile(facts: list[StatementFacts], decision_date: dt.date, working: Any = None) -> Profile:
    out = Profile(reads=set().union(*(f.reads for f in facts)) if facts else set())
    for f in facts:
        out.calendar_args |= f.calendar_args
        out.day_numbers |= f.day_numbers
        out.year_args |= f.year_args
        for limit in f.count_limits:
            out.max_list = max(out.max_list, min(limit + 1, 4))
        for atom in f.atoms:
            _take_atom(out, atom, working)
    return out


def _take_atom(out: Profile, atom: Atom, working: Any) -> None:
    left, lshifts = base_and_shifts(atom.left)
    right, rshifts = base_and_shifts(atom.right)
    if atom.op in ("in", "not_in"):
        if isinstance(left, Fact) and isinstance(right, Lit) and isinstance(right.value, frozenset):
            out.tests.setdefault(left.path, []).append(right.value)
            out.literals.setdefault(left.path, set()).update(right.value)
        elif isinstance(left, Lit) and isinstance(right, Fact):
            element = (*right.path, "*")
            out.tests.setdefault(element, []).append(frozenset([left.value]))
            out.literals.setdefault(element, set()).add(left.value)
        elif isinstance(left, Fact) and isinstance(right, Fact):
            out.join(left.path, (*right.path, "*"))
        elif isinstance(left, Fact) and isinstance(right, Union):
            for item in right.items:
                b, _ = base_and_shifts(item)
                if isinstance(b, Lit):
                    out.literals.setdefault(left.path, set()).add(b.value)
                    out.tests.setdefault(left.path, []).append(frozenset([b.value]))
                elif isinstance(b, Fact):
                    out.join(left.path, b.path)
        return
    for fact, fshifts, other, oshifts in ((left, lshifts, right, rshifts), (right, rshifts, left, lshifts)):
        if not isinstance(fact, Fact):
            continue
        if isinstance(other, Lit):
            value = other.value
            if isinstance(value, dt.date):
                moved = _apply(value, oshifts, working)
                for bound in _unapply(moved, fshifts, working) if moved else []:
                    out.date_bounds.setdefault(fact.path, set()).add(bound)
            elif not isinstance(value, frozenset):
                out.literals.setdefault(fact.path, set()).add(value)
                out.tests.setdefault(fact.path, []).append(frozenset([value]))
        elif isinstance(other, Fact):
            out.join(fact.path, other.path)
            root = out.find(fact.path)
            out.durations.setdefault(root, set()).update(fshifts + oshifts)
    # A fact compared with a computed value (a built-in, a conditional): its boundaries are not
    # known statically, so month and quarter edges around the anchors are added (dates).
    if isinstance(left, Fact) and not isinstance(right, Fact | Lit):
        out.parent.setdefault(left.path, left.path)
        out.calendar_args.add(left.path)
    if isinstance(right, Fact) and not isinstance(left, Fact | Lit):
        out.parent.setdefault(right.path, right.path)
        out.calendar_args.add(right.path)


def _move(day: dt.date, amount: int, unit: str, working: Any) -> dt.date | None:
    try:
        if unit in ("months", "years"):
            return timecalc.add_months(day, amount * (12 if unit == "years" else 1))
        if unit in ("days", "weeks"):
            return day + dt.timedelta(days=amount * (7 if unit == "weeks" else 1))
        if unit == "working_days" and working is not None:
            if amount >= 0:
                return working.add_working_days(day, amount)
            # the latest day from which `-amount` working days reach `day` or less
            probe = day
            for _ in range(4 * (-amount) + 40):
                probe -= dt.timedelta(days=1)
                if working.add_working_days(probe, -amount) < day:
                    return probe
            return None
    except Exception:  # outside the calendar or the date range: no boundary there
        return None
    return None


def _apply(day: dt.date, shifts: list[tuple[int, str]], working: Any) -> dt.date | None:
    for amount, unit in reversed(shifts):
        moved = _move(day, amount, unit, working)
        if moved is None:
            return None
        day = moved
    return day


def _unapply(day: dt.date, shifts: list[tuple[int, str]], working: Any) -> list[dt.date]:
    """The days X such that X + shifts lands on or next to `day`."""
    for amount, unit in shifts:
        moved = _move(day, -amount, unit, working)
        if moved is None:
            return []
        day = moved
    return [day]


# ---- value domains ---------------------------------------------------------------------------


class Domains:
    """Value domains of a decision's facts for one profile (one group of statements)."""

    def __init__(
        self,
        root: SchemaNode,
        prof: Profile,
        decision_date: dt.date,
        period: tuple[dt.date, dt.date | None],
        working: Any = None,
    ) -> None:
        self.root = root
        self.prof = prof
        self.D = decision_date
        self.period = period
        self.working = working
        self.notes: list[Message | str] = []  # said in the reader's language
        self._relevant = {p[:k] for p in prof.reads for k in range(1, len(p) + 1)}

    def relevant(self, path: Path) -> bool:
        return path in self._relevant

    # -- decision date -----------------------------------------------------------------------
    def decision_dates(self) -> list[dt.date]:
        out = [self.D]
        start, end = self.period
        for b in sorted(self._bounds_of(DDATE)):
            for d in (b - dt.timedelta(days=1), b, b + dt.timedelta(days=1)):
                if start <= d and (end is None or d <= end) and d not in out:
                    out.append(d)
        return out

    def _bounds_of(self, path: Path) -> set[dt.date]:
        out: set[dt.date] = set()
        for member in self.prof.members(path) if path in self.prof.parent else [path]:
            out |= self.prof.date_bounds.get(member, set())
        return out

    # -- scalars -------------------------------------------------------------------------------
    def scalar(self, node: SchemaNode) -> list[Any]:
        p, prof = node.path, self.prof
        grouped = node.path in prof.parent and len(prof.members(p)) > 1
        if node.enum is not None:
            if grouped:
                return list(node.enum)
            tests = prof.tests.get(p, [])
            classes: dict[tuple[bool, ...], Any] = {}
            for v in node.enum:
                classes.setdefault(tuple(v in t for t in tests), v)
            return list(classes.values())
        if node.kind == "bool":
            return [False, True]
        if node.kind in ("int", "decimal"):
            return self._numbers(node, grouped)
        if node.kind == "date":
            return self._dates(node)
        return self._strings(node, grouped)

    def _numbers(self, node: SchemaNode, grouped: bool) -> list[Any]:
        s = node.schema
        lo, hi = s.get("minimum"), s.get("maximum")
        xlo, xhi = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
        integer = node.kind == "int"
        members = self.prof.members(node.path) if grouped else [node.path]
        lits = set()
        for m in members:
            lits |= {v for v in self.prof.literals.get(m, set()) if isinstance(v, int | Decimal | float)}
        cands: list[Any] = []
        if integer and lo is not None and hi is not None and hi - lo <= 6:
            cands = list(range(int(lo), int(hi) + 1))
        if node.path in self.prof.year_args:  # the year of a quarter: the anchors' years and around
            years = {self.D.year} | {d.year for d in self._bounds_of(DDATE)}
            cands.extend(y + k for y in sorted(years) for k in (-1, 0, 1))
        steps = [Decimal(-1), Decimal(0), Decimal(1)] + ([] if integer else [Decimal("-0.5"), Decimal("0.5")])
        for v in sorted(lits):
            cands.extend(Decimal(str(v)) + st for st in steps)
        if grouped or not lits:
            cands.extend([Decimal(0), Decimal(1), Decimal(2)])
        out: list[Any] = []
        for c in cands:
            c = Decimal(c)
            if (lo is not None and c < lo) or (hi is not None and c > hi):
                continue
            if (xlo is not None and c <= xlo) or (xhi is not None and c >= xhi):
                continue
            if integer and c != c.to_integral_value():
                continue
            value: Any = int(c) if c == c.to_integral_value() else c
            if value not in out:
                out.append(value)
        if not out and lo is not None:
            out.append(int(lo) if float(lo).is_integer() else Decimal(str(lo)))
        return out

    def _strings(self, node: SchemaNode, grouped: bool) -> list[Any]:
        members = self.prof.members(node.path) if grouped else [node.path]
        lits: list[str] = []
        for m in members:
            lits.extend(sorted(v for v in self.prof.literals.get(m, set()) if isinstance(v, str)))
        out = [v for v in dict.fromkeys(lits) if _string_ok(node.schema, v)]
        fresh = _fresh_strings(node.schema, set(out) | set(lits), 2 if grouped else 1, lits)
        return out + fresh

    def _dates(self, node: SchemaNode) -> list[dt.date]:
        p = node.path
        anchors = {self.D} | self._bounds_of(p)
        if p in self.prof.parent and DDATE in self.prof.members(p):
            anchors |= set(self.decision_dates())
        durations = self.prof.durations.get(self.prof.find(p), set()) if p in self.prof.parent else set()
        out: set[dt.date] = set()
        one = dt.timedelta(days=1)
        for a in anchors:
            out |= {a - one, a, a + one}
            for amount, unit in durations:
                for sign in (1, -1):
                    moved = _move(a, sign * amount, unit, self.working)
                    if moved is not None:
                        out |= {moved - one, moved, moved + one}
        if any(
            q == p or (p in self.prof.parent and q in self.prof.members(p)) for q in self.prof.calendar_args
        ):
            for a in list(anchors):
                out |= _calendar_edges(a, self.prof.day_numbers)
        return sorted(d for d in out if MIN_DATE <= d <= MAX_DATE)

    # -- whole values ----------------------------------------------------------------------------
    def values(self, node: SchemaNode) -> list[Any]:
        """Every value of `node` (ABSENT excluded) the domain distinguishes."""
        if node.kind == "object":
            parts: list[list[tuple[str, Any]]] = []
            for child in node.children:
                if self.relevant(child.path):
                    vals = self.values(child)
                    opts = ([ABSENT] if child.optional else []) + vals
                else:
                    opts = [ABSENT] if child.optional else [self.baseline(child)]
                parts.append([(child.path[-1], v) for v in opts])
            out = []
            for combo in itertools.product(*parts):
                out.append({k: v for k, v in combo if v is not ABSENT})
                if len(out) > 50_000:
                    self.notes.append(
                        say("lint.note.objects_cut", path=node.dotted, limit=50_000)
                        if node.dotted
                        else say("lint.note.case_objects_cut", limit=50_000)
                    )
                    break
            return out
        if node.kind == "list":
            assert node.items is not None
            # The elements of a list the rules read are varied; a scalar element always is
            # (membership tests such as `"rules.18.3" in spell.grounds` read the list only).
            varied = self.relevant(node.items.path) or (
                node.items.kind not in ("object", "list") and self.relevant(node.path)
            )
            element = self.values(node.items) if varied else [self.baseline(node.items)]
            lo = int(node.schema.get("minItems", 0))
            hi = min(int(node.schema.get("maxItems", self.prof.max_list)), max(self.prof.max_list, lo))
            if len(element) > MAX_ELEMENT_DOMAIN and hi > max(lo, 1):
                self.notes.append(
                    say("lint.note.lists_shortened", path=node.dotted, values=len(element), searched=max(lo, 1),
                        length=hi)
                )
                hi = max(lo, 1)
            lists = []
            for n in range(lo, hi + 1):
                for chosen in itertools.combinations_with_replacement(range(len(element)), n):
                    lists.append([element[i] for i in chosen])
            return lists
        return [_jsonish(v) for v in self.scalar(node)]

    def baseline(self, node: SchemaNode) -> Any:
        """One valid value for a fact the group does not read."""
        s = node.schema
        if node.kind == "object":
            return {c.path[-1]: self.baseline(c) for c in node.children if not c.optional}
        if node.kind == "list":
            assert node.items is not None
            return [self.baseline(node.items) for _ in range(int(s.get("minItems", 0)))]
        if node.enum:
            return node.enum[0]
        if node.kind == "bool":
            return False
        if node.kind in ("int", "decimal"):
            lo = s.get("minimum", s.get("exclusiveMinimum", None))
            value = 0 if lo is None else lo + (1 if "exclusiveMinimum" in s and "minimum" not in s else 0)
            return value
        if node.kind == "date":
            return self.D.isoformat()
        fresh = _fresh_strings(s, set(), 1, [])
        return fresh[0] if fresh else ""


def _jsonish(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _calendar_edges(anchor: dt.date, day_numbers: set[int]) -> set[dt.date]:
    out: set[dt.date] = set()
    one = dt.timedelta(days=1)
    for shift in (-3, -2, -1, 0, 1, 2, 3):
        try:
            month = timecalc.add_months(anchor.replace(day=1), shift)
        except Exception:
            continue
        edges = [month, timecalc.end_of_month(month)]
        for n in day_numbers:
            d = timecalc.day_of_month(month, n)
            if d is not None:
                edges.append(d)
        for e in edges:
            out |= {e - one, e, e + one}
    return out


def _string_ok(schema: dict[str, Any], value: str) -> bool:
    pattern = schema.get("pattern")
    if pattern is not None and not re.search(pattern, value):
        return False
    if len(value) < int(schema.get("minLength", 0)):
        return False
    return len(value) <= int(schema.get("maxLength", 10**9))


def _fresh_strings(schema: dict[str, Any], taken: set[str], n: int, literals: list[str]) -> list[str]:
    """`n` strings that satisfy the schema and differ from every literal the rules name."""
    candidates = ["x", "y", "z", "other", "a", "b", "0", "1", "A"]
    for lit in literals:
        for k in range(len(lit) - 1, -1, -1):
            for ch in "0123456789abcdefghijklmnopqrstuvwxyz":
                candidates.append(lit[:k] + ch + lit[k + 1 :])
            if len(candidates) > 400:
                break
    out: list[str] = []
    min_len = int(schema.get("minLength", 0))
    for c in candidates:
        if len(c) < min_len:
            c = c + "x" * (min_len - len(c))
        if c in taken or c in out or not _string_ok(schema, c):
            continue
        out.append(c)
        if len(out) == n:
            break
    return out


# ---- units: the independently varied parts of a case -------------------------------------------


@dataclass
class Unit:
    """A fact varied as a whole: a leaf or a list outside lists, or an optional object's presence."""

    path: Path  # DDATE for the decision date
    node: SchemaNode | None
    presence: bool = False  # an optional object: ABSENT or PRESENT


def units_of(root: SchemaNode) -> list[Unit]:
    out: list[Unit] = []

    def visit(node: SchemaNode) -> None:
        if node.kind == "object":
            if node.path and node.optional:
                out.append(Unit(node.path, node, presence=True))
            for child in node.children:
                visit(child)
        else:
            out.append(Unit(node.path, node))

    visit(root)
    return out


def unit_values(unit: Unit, domains: Domains) -> list[Any]:
    if unit.path == DDATE:
        return list(domains.decision_dates())
    assert unit.node is not None
    if unit.presence:
        return [ABSENT, PRESENT]
    values = domains.values(unit.node)
    return ([ABSENT] if unit.node.optional else []) + values


def build_case(root: SchemaNode, assignment: dict[Path, Any]) -> dict[str, Any]:
    """The case (a JSON object) an assignment of every unit describes."""
    case: dict[str, Any] = {}

    def visit(node: SchemaNode, target: dict[str, Any]) -> None:
        for child in node.children:
            key = child.path[-1]
            if child.kind == "object":
                if child.optional and assignment.get(child.path, ABSENT) is not PRESENT:
                    continue
                sub: dict[str, Any] = {}
                target[key] = sub
                visit(child, sub)
            else:
                value = assignment.get(child.path, ABSENT)
                if value is not ABSENT:
                    target[key] = value

    visit(root, case)
    return case
