"""What the pages show, computed from the engine's policy model (no Flask, no HTML here).

Everything a page needs about an act is derived from the loaded `Library` of the live policy
snapshot: its structure (act.yaml `structure` and `groups`, each clause's `parent`), the
editions and which version of a clause is in force in each, the clause's rule read statement by
statement, its versions over time with the acts that produced them. Ids coming from a URL are
only ever looked up in these structures, never used to build a path.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

# ---- a small cache for expensive views (witness search, lint, traceability) -------------------


class LRU:
    """A thread-safe least-recently-used cache of computed values."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()  # outside the lock: a slow computation must not block other keys
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value

    def forget(self, key: Hashable) -> None:
        """Drop a value that no longer holds (computing it again may give another)."""
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


# ---- texts -------------------------------------------------------------------------------------

UNCERTAIN = "[?]"


def law_text(text: str | None) -> Markup:
    """A clause text, escaped, with every "[?]" (uncertain OCR reading) marked as such."""
    if not text:
        return Markup("")
    parts = str(escape(text)).split(UNCERTAIN)
    mark = Markup('<mark class="uncertain" title="{}">[?]</mark>')
    out = Markup("")
    for k, part in enumerate(parts):
        if k:
            out += mark.format(_uncertain_title())
        out += Markup(part)
    return out


def _uncertain_title() -> str:
    from web.pages.i18n import translate

    try:
        return translate("text.uncertain_title")
    except RuntimeError:  # outside a request (tests of this module)
        return "uncertain reading"


def has_uncertain(texts: dict[str, str | None]) -> bool:
    return any(UNCERTAIN in (t or "") for t in texts.values())


# ---- editions ------------------------------------------------------------------------------------


def in_force_editions(library: Any, act_id: str) -> list[Any]:
    return [e for e in library.editions(act_id) if not e.draft]


def draft_editions(library: Any, act_id: str) -> list[Any]:
    return [e for e in library.editions(act_id) if e.draft]


def edition_by_id(library: Any, act_id: str, edition_id: str) -> Any | None:
    """The edition with exactly this id (or `draft:<amendment>`), else None."""
    for e in library.editions(act_id):
        if edition_id in (e.id, ("draft:" + e.amendment.id) if e.draft else None):
            return e
    return None


def edition_select(edition: Any) -> str:
    """How the pages (and `engine.tools.selection.select_edition`) name an edition."""
    return ("draft:" + edition.amendment.id) if edition.draft else edition.id


@dataclass
class ActState:
    """The act as it stood on a day: the edition in force, or why there is none."""

    day: dt.date | None
    edition: Any | None
    first: Any | None  # the first encoded edition (for "before the first edition")
    chosen_by: str  # "date" | "edition"

    @property
    def before_first(self) -> bool:
        return self.edition is None and self.first is not None


def act_state(library: Any, act_id: str, day: dt.date | None, edition_id: str | None) -> ActState:
    editions = in_force_editions(library, act_id)
    first = editions[0] if editions else None
    if edition_id:
        e = edition_by_id(library, act_id, edition_id)
        if e is not None:
            return ActState(None if e.draft else day, e, first, "edition")
    compiled = library.edition_on(act_id, day) if day else None
    return ActState(day, compiled.edition if compiled else None, first, "date")


def last_amendment(act: Any) -> Any | None:
    """The in-force amending act applied last (the adoption counts when nothing followed)."""
    items = [a for a in act.amendments.values() if a.status == "in_force"]
    if not items:
        return None
    return max(items, key=lambda a: (a.entry_into_force().start, a.signed, a.id))


# ---- structure -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the act's table of clauses: a clause, or a group heading (no text of its own)."""

    id: str
    depth: int
    is_group: bool = False


@dataclass
class Section:
    id: str
    title: dict[str, str]
    stamp: dict[str, str] | None
    depth: int
    rows: list[Row] = field(default_factory=list)


def _ancestors(node: str, parents: dict[str, str | None]) -> list[str]:
    out: list[str] = []
    seen = {node}
    cur = parents.get(node)
    while cur and cur not in seen:
        out.append(cur)
        seen.add(cur)
        cur = parents.get(cur)
    return out


def structure(act: Any) -> list[Section]:
    """The act's sections in display order, each with its clauses and the group headings."""
    raw_sections = [s for s in (act.raw.get("structure") or []) if isinstance(s, dict) and s.get("id")]
    groups = {
        str(gr["id"]): gr for gr in (act.raw.get("groups") or []) if isinstance(gr, dict) and gr.get("id")
    }
    section_parent = {str(s["id"]): s.get("parent") for s in raw_sections}
    parents: dict[str, str | None] = {cid: c.parent for cid, c in act.clauses.items()}
    for gid, gr in groups.items():
        parents.setdefault(gid, gr.get("parent"))
    sections: list[Section] = []
    placed: set[str] = set()
    for s in raw_sections:
        sid = str(s["id"])
        title, stamp = s.get("title"), s.get("approval_stamp")
        section = Section(
            sid,
            title if isinstance(title, dict) else {},
            stamp if isinstance(stamp, dict) else None,
            len(_ancestors(sid, section_parent)),
        )
        shown_groups: set[str] = set()
        for cid in s.get("clauses") or []:
            if cid not in act.clauses:
                continue
            chain = [a for a in _ancestors(cid, parents) if a in groups or a in act.clauses]
            for gid in reversed(chain):
                if gid in groups and gid not in shown_groups:
                    depth = len([a for a in _ancestors(gid, parents) if a in groups or a in act.clauses])
                    section.rows.append(Row(gid, depth, is_group=True))
                    shown_groups.add(gid)
            section.rows.append(Row(cid, len(chain)))
            placed.add(cid)
        sections.append(section)
    rest = [cid for cid in act.clauses if cid not in placed]
    if rest:
        sections.append(Section("", {}, None, 0, [Row(cid, 0) for cid in rest]))
    return sections


def group_ids(act: Any) -> set[str]:
    """The ids of act.yaml `groups`: paragraphs whose text is split into parts."""
    return {str(g["id"]) for g in (act.raw.get("groups") or []) if isinstance(g, dict) and g.get("id")}


def clause_label(cid: str) -> str:
    """A short human label from the clause id: "rules.18.3" → "18.3", "rules.8.part3" → "8 (part 3)"."""
    parts = cid.split(".")
    if len(parts) > 1:
        parts = parts[1:]
    label = ".".join(p for p in parts if not p.startswith("part"))
    part = next((p[4:] for p in parts if p.startswith("part")), None)
    return f"{label} ({part})" if part else label


# ---- versions over time -------------------------------------------------------------------------


@dataclass
class VersionView:
    version: Any
    amendment: Any | None
    start: dt.date | None
    until: dt.date | None
    certain: bool
    explanation: str | None
    draft: bool
    readings: list[dict[str, Any]]


def versions_of(act: Any, clause: Any) -> list[VersionView]:
    """Every version of the clause, in force order, with its period; drafts last."""
    dated: list[VersionView] = []
    drafts: list[VersionView] = []
    for v in clause.versions:
        a = act.amendments.get(v.amendment)
        entry = a.entry_into_force() if a else None
        readings = [r for r in (v.raw.get("readings") or []) if isinstance(r, dict)]
        view = VersionView(
            v,
            a,
            entry.start if entry else None,
            None,
            bool(entry and entry.certain),
            entry.explanation if entry else None,
            bool(a and a.status == "draft"),
            readings,
        )
        (drafts if view.draft else dated).append(view)
    dated.sort(key=lambda x: x.start or dt.date.min)
    for k in range(len(dated) - 1):
        nxt = dated[k + 1].start
        if nxt is not None:
            dated[k].until = nxt - dt.timedelta(days=1)
    return dated + drafts


# ---- rules, read statement by statement ---------------------------------------------------------


@dataclass
class StatementView:
    kind: str  # require | when | compute | override | applies
    condition: str | None = None
    exception: str | None = None
    outcome: str | None = None
    outcome_titles: dict[str, str] = field(default_factory=dict)
    name: str | None = None
    expression: str | None = None
    clause: str | None = None


@dataclass
class BlockView:
    decision: str
    titles: dict[str, str]
    statements: list[StatementView]


@dataclass
class RuleView:
    definitions: list[tuple[str, str]]  # (head, body)
    blocks: list[BlockView]
    source: str


def rule_view(act: Any, version: Any) -> RuleView | None:
    """The version's rule as statements in words (engine.dsl.printer.unparse), or None if none."""
    program = getattr(version, "program", None)
    if program is None or not version.rule_text:
        return None
    from engine.dsl import ast
    from engine.dsl.printer import unparse

    definitions = []
    for d in program.definitions:
        head = f"{d.name}({', '.join(d.params)})" if d.params else d.name
        definitions.append((head, unparse(d.body)))
    blocks = []
    for b in program.blocks:
        spec = act.decisions.get(b.decision)
        titles = {o.id: o.titles for o in spec.outcomes} if spec else {}
        statements = []
        for s in b.statements:
            if isinstance(s, ast.Require):
                statements.append(
                    StatementView(
                        "require",
                        unparse(s.condition),
                        unparse(s.exception) if s.exception is not None else None,
                        s.outcome,
                        titles.get(s.outcome, {}),
                    )
                )
            elif isinstance(s, ast.Ground):
                statements.append(
                    StatementView(
                        "when",
                        unparse(s.condition),
                        unparse(s.exception) if s.exception is not None else None,
                        s.outcome,
                        titles.get(s.outcome, {}),
                    )
                )
            elif isinstance(s, ast.Compute):
                only = f" only on {', '.join(s.outcomes)}" if s.outcomes else ""
                statements.append(StatementView("compute", name=s.name, expression=unparse(s.expr) + only))
            elif isinstance(s, ast.Applies):
                statements.append(StatementView("applies", condition=unparse(s.condition)))
            elif isinstance(s, ast.Override):
                statements.append(StatementView("override", condition=unparse(s.condition), clause=s.clause))
        blocks.append(BlockView(b.decision, spec.titles if spec else {}, statements))
    return RuleView(definitions, blocks, version.rule_text)


def decisions_fed(act: Any, cid: str, version: Any | None) -> list[str]:
    """The decisions the clause feeds: its rule's blocks and the decisions that list it."""
    names: list[str] = []
    program = getattr(version, "program", None)
    if program is not None:
        names.extend(b.decision for b in program.blocks)
    names.extend(name for name, spec in act.decisions.items() if cid in spec.clauses)
    return list(dict.fromkeys(n for n in names if n in act.decisions))


# ---- misc ----------------------------------------------------------------------------------------

# \Z, not $: "$" also matches before a final newline, which must not reach a Location header.
_SAFE_NEXT = re.compile(r"^/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*\Z")


def safe_next(target: str | None) -> str:
    """A local path to go back to after the language switch; anything else becomes "/acts"."""
    if target and _SAFE_NEXT.match(target) and "\\" not in target:
        return target
    return "/acts"
