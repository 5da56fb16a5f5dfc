"""Hierarchy of norms: a lower act's rule that denies what a higher act grants on the same matter.

- *Higher*: the acts an act declares in `parents` (act.yaml), and theirs, transitively; each must
  stand higher in the order of levels: constitution > code > law > decree of the President >
  decree of the Government > order of a minister.
- *The same matter*: a decision of the lower act and a decision of the higher act with the same
  name (or the pair named in the lower act's `matters.yaml`). A case is put to both by its facts:
  a fact with the same path and the same type in both case schemas is one fact (renamed paths can
  be mapped in `matters.yaml`); the other facts belong to one act only.
- *Grants* and *denies*: each act's `matters.yaml` says which outcomes of the decision grant and
  which deny. A lower act *denies* when its outcome is a denying one given by a clause (a
  statement fired: never by default); the higher act *grants* when its outcome is a granting one.
- The witness is found over the product of both decisions' domains (engine.tools.lint.domain), every
  case run through both acts' compiled functions under the editions in force on the date.

`matters.yaml` is read by the lint only; the engine ignores it (it is not a policy file).
Constitutional principles a by-law must respect (e.g. "by-laws cannot restrict rights") are
declared there as `principles:` and cited beside every finding they bear on, when in force.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...decide import jsonable
from ...edition import decision_specs
from ...i18n import Message, has, say
from ...loader import rule_position
from ...yamlsafe import load_policy_yaml
from .analysis import Analyser, definitions_of
from .checks import answer
from .domain import ABSENT, Domains, SchemaNode, build_case, index_schema, profile, units_of
from .model import Finding, Witness
from .search import Evaluator, Run, quiet_baseline, relevant_units, unit_values

LEVELS = ("constitution", "code", "law", "decree_of_president", "decree_of_government", "ministerial_order")
RANK = {lvl: k for k, lvl in enumerate(LEVELS)}
BYLAWS = frozenset({"decree_of_president", "decree_of_government", "ministerial_order"})
POLARITIES = ("grants", "denies", "neutral")


@dataclass
class Matter:
    decision: str
    outcomes: dict[str, str]
    compare_with: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Matters:
    matters: dict[str, Matter]
    principles: list[dict[str, Any]]
    file: str | None
    problems: list[Message]


def _unreadable(issue: Any) -> Message:
    """A YAML problem of matters.yaml: where it is, and the parser's own words (data, not ours)."""
    place = issue.file + (f":{issue.line}" if issue.line is not None else "")
    return say("lint.msg.matters_unreadable", place=place, problem=issue.message)


def load_matters(act: Any) -> Matters:
    path = Path(act.directory) / "matters.yaml"
    if not path.is_file():
        return Matters({}, [], None, [])
    doc, issues = load_policy_yaml(path, str(path))
    if doc is None:
        return Matters({}, [], str(path), [_unreadable(i) for i in issues])
    data = doc.data if isinstance(doc.data, dict) else {}
    problems = []
    matters: dict[str, Matter] = {}
    for k, item in enumerate(data.get("matters") or []):
        name = item.get("decision")
        spec = act.decisions.get(name)
        if spec is None:
            problems.append(say("lint.msg.matters_not_decision", file=str(path), index=k, decision=str(name),
                                act=act.id))
            continue
        outcomes = item.get("outcomes") or {}
        for outcome, polarity in outcomes.items():
            if outcome not in spec.outcome_ids:
                problems.append(say("lint.msg.matters_not_outcome", file=str(path), index=k, outcome=str(outcome),
                                    decision=name))
            if polarity not in POLARITIES:
                problems.append(say("lint.msg.matters_bad_polarity", file=str(path), index=k, outcome=str(outcome),
                                    polarity=str(polarity), polarities=", ".join(POLARITIES)))
        matters[name] = Matter(name, outcomes, list(item.get("compare_with") or []))
    principles = list(data.get("principles") or [])
    for k, p in enumerate(principles):
        if p.get("clause") not in act.clauses:
            problems.append(say("lint.msg.matters_principle_not_clause", file=str(path), index=k,
                                clause=str(p.get("clause")), act=act.id))
    return Matters(matters, principles, str(path), problems)


def ancestors(library: Any, act_id: str) -> tuple[list[str], list[str]]:
    """Loaded acts above `act_id` (parents, transitively) and parents that are not loaded."""
    acts = library.acts
    seen: list[str] = []
    missing: list[str] = []
    stack = [p["act"] for p in acts[act_id].parents]
    while stack:
        a = stack.pop(0)
        if a in seen or a == act_id:
            continue
        if a not in acts:
            if a not in missing:
                missing.append(a)
            continue
        seen.append(a)
        stack.extend(p["act"] for p in acts[a].parents)
    return seen, missing


class Side:
    """One act's decision on the matter, ready to run."""

    def __init__(self, library: Any, act: Any, ce: Any, spec: Any, as_of: dt.date) -> None:
        self.library, self.act, self.ce, self.spec = library, act, ce, spec
        self.compiled = ce.decisions[spec.name]
        defs = definitions_of(ce.edition.versions)
        analyser = Analyser(defs)
        self.facts = [analyser.statement(s.node) for s in self.compiled.statements]
        self.root: SchemaNode = index_schema(spec.case_schema)
        self.units = units_of(self.root)
        working = library.calendar() if self.compiled.uses_calendar else None
        self.working = working
        self.ev = Evaluator(spec, self.compiled, self.root, working)
        self.domains = Domains(
            self.root, profile(self.facts, as_of, working), as_of, (ce.edition.start, ce.edition.end), working
        )
        self.baseline = quiet_baseline(
            self.ev, self.units, self.domains, as_of, [f.reads for f in self.facts]
        )

    def reads(self) -> set[tuple[str, ...]]:
        return set().union(*(f.reads for f in self.facts)) if self.facts else set()


def _same(a: SchemaNode | None, b: SchemaNode | None) -> bool:
    if a is None or b is None or a.kind != b.kind:
        return False
    if a.kind == "list":
        return _same(a.items, b.items) and _fields_same(a.items, b.items)
    return (a.enum is None and b.enum is None) or (
        a.enum is not None and b.enum is not None and set(a.enum) == set(b.enum)
    )


def _fields_same(a: SchemaNode | None, b: SchemaNode | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.kind != "object":
        return _same(a, b) if a.kind != "list" else True
    fa = {c.path[-1]: c for c in a.children}
    fb = {c.path[-1]: c for c in b.children}
    return set(fa) == set(fb) and all(
        _same(fa[k], fb[k]) or (fa[k].kind == fb[k].kind == "object") for k in fa
    )


def _level(level: str | None) -> Message | str:
    """An act's level in the reader's words ("level.<id>" of the catalogue), else its id."""
    key = f"level.{level}"
    return say(key) if level and has(key, "en") else str(level)


def check_hierarchy(
    library: Any, act_ids: list[str], as_of: dt.date, budget: int
) -> tuple[list[Finding], list[tuple[str, Message]]]:
    findings: list[Finding] = []
    notes: list[tuple[str, Message]] = []
    acts = library.acts
    matters_of: dict[str, Matters] = {a: load_matters(acts[a]) for a in acts}
    for a, m in matters_of.items():
        for p in m.problems:
            findings.append(Finding("hierarchy_note", "warning", a, p, file=m.file))
    for low_id in act_ids:
        low = acts[low_id]
        highs, missing = ancestors(library, low_id)
        for parent_id in missing:
            findings.append(
                Finding(
                    "hierarchy_note",
                    "info",
                    low_id,
                    say("lint.msg.parent_not_encoded", act=low_id, parent=parent_id),
                    file=str(Path(low.directory) / "act.yaml"),
                )
            )
        for high_id in highs:
            high = acts[high_id]
            if RANK.get(high.level, 99) >= RANK.get(low.level, 99):
                findings.append(
                    Finding(
                        "hierarchy_note",
                        "warning",
                        low_id,
                        say("lint.msg.parent_not_higher", act=low_id, level=_level(low.level), parent=high_id,
                            parent_level=_level(high.level)),
                        file=str(Path(low.directory) / "act.yaml"),
                    )
                )
                continue
            for matter in matters_of[low_id].matters.values():
                targets = matter.compare_with or [{"act": high_id, "decision": matter.decision}]
                for target in targets:
                    if target.get("act") != high_id or target.get("decision") not in high.decisions:
                        continue
                    high_matter = matters_of[high_id].matters.get(target["decision"])
                    if high_matter is None:
                        findings.append(
                            Finding(
                                "hierarchy_note",
                                "info",
                                low_id,
                                say("lint.msg.no_polarity", act=high_id, decision=target["decision"]),
                                decision=matter.decision,
                            )
                        )
                        continue
                    f, n = _compare(
                        library, low, matter, high, high_matter, target, as_of, budget, matters_of
                    )
                    findings.extend(f)
                    notes.extend((low_id, x) for x in n)
    return findings, notes


def _compare(
    library: Any,
    low: Any,
    lm: Matter,
    high: Any,
    hm: Matter,
    target: dict[str, Any],
    as_of: dt.date,
    budget: int,
    matters_of: dict[str, Matters],
) -> tuple[list[Finding], list[Message]]:
    notes: list[Message] = []
    lce, hce = library.edition_on(low.id, as_of), library.edition_on(high.id, as_of)
    for act, ce, name in ((low, lce, lm.decision), (high, hce, hm.decision)):
        if ce is None or name not in ce.decisions:
            why = (
                say("lint.why.no_edition", act=act.id)
                if ce is None
                else say("lint.why.not_encoded", act=act.id, decision=name, edition=ce.edition.id)
            )
            return [
                Finding(
                    "hierarchy_note",
                    "info",
                    low.id,
                    say("lint.msg.not_compared", act=low.id, higher=high.id, decision=lm.decision,
                        day=as_of.isoformat(), why=why),
                    decision=lm.decision,
                )
            ], notes
    lspec = decision_specs(low, lce.edition)[lm.decision]
    hspec = decision_specs(high, hce.edition)[hm.decision]
    L = Side(library, low, lce, lspec, as_of)
    H = Side(library, high, hce, hspec, as_of)
    mapping = dict(target.get("facts") or {})  # lower path -> higher path (dotted)
    lunits = {u.path: u for u in L.units}
    hunits = {u.path: u for u in H.units}

    def to_high(path: tuple[str, ...]) -> tuple[str, ...]:
        dotted = ".".join(path)
        return tuple(mapping[dotted].split(".")) if dotted in mapping else path

    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for p, u in lunits.items():
        hp = to_high(p)
        if (
            hp in hunits
            and (u.presence == hunits[hp].presence)
            and (u.presence or _same(u.node, hunits[hp].node))
        ):
            shared[p] = hp
    # Varied units: every unit either side reads.
    lvar = relevant_units(L.units, L.reads(), False)
    hvar = [u for u in relevant_units(H.units, H.reads(), False) if u.path not in shared.values()]
    # A shared unit read only by the higher act still varies once, in the lower act's name.
    lpaths = {u.path for u in lvar}
    for lp, hp in shared.items():
        if lp not in lpaths and any(r[: len(hp)] == hp for r in H.reads()):
            lvar.append(lunits[lp])
            lpaths.add(lp)
    values: list[list[Any]] = []
    for u in lvar:
        vals = unit_values(u, L.domains)
        if u.path in shared:
            hvals = unit_values(hunits[shared[u.path]], H.domains)
            vals = vals + [v for v in hvals if v not in vals]
        values.append(vals)
    hvalues = [unit_values(u, H.domains) for u in hvar]
    size = 1
    for v in values + hvalues:
        size *= max(len(v), 1)
    if size > budget:
        return [
            Finding(
                "bound",
                "info",
                low.id,
                say("lint.msg.hierarchy_bound", act=low.id, higher=high.id, decision=lm.decision, size=size,
                    budget=budget),
                decision=lm.decision,
            )
        ], notes
    import itertools

    lrank_default = lspec.default
    found: tuple[Run, Run] | None = None
    for combo in itertools.product(*values, *hvalues):
        la = dict(L.baseline)
        ha = dict(H.baseline)
        for u, v in zip(lvar, combo[: len(lvar)], strict=True):
            la[u.path] = v
            if u.path in shared:
                ha[shared[u.path]] = v
        for u, v in zip(hvar, combo[len(lvar) :], strict=True):
            ha[u.path] = v
        for lp, hp in shared.items():  # the baseline of a shared fact is the lower act's
            if lp not in lpaths:
                ha[hp] = la.get(lp, ABSENT)
        lcase, hcase = build_case(L.root, la), build_case(H.root, ha)
        if not (L.ev.valid(lcase) and H.ev.valid(hcase)):
            continue
        lr = L.ev.run(lcase, as_of)
        if lr is None or lr.resolution is None:
            continue
        lout = lr.resolution.outcome
        if lm.outcomes.get(lout) != "denies" or lout == lrank_default or not lr.resolution.decisive:
            continue
        hr = H.ev.run(hcase, as_of)
        if hr is None or hr.resolution is None:
            continue
        if hm.outcomes.get(hr.resolution.outcome) != "grants":
            continue
        found = (lr, hr)
        break
    if found is None:
        notes.append(say("lint.note.hierarchy_no_conflict", act=low.id, higher=high.id, decision=lm.decision,
                         size=size))
        return [], notes
    lr, hr = found
    lres, hres = lr.resolution, hr.resolution
    assert lres is not None and hres is not None  # the search kept resolved runs only
    deciding = lres.decisive[0]
    lversion = lce.edition.versions[deciding.clause]
    line, _ = rule_position(lversion, deciding.node.span)
    lanswer = answer(library, low.id, lce.edition.id, lspec.name, jsonable(lr.case), as_of)
    hanswer = answer(library, high.id, hce.edition.id, hspec.name, jsonable(hr.case), as_of)
    hcited = [f"{high.id}:{c['clause']}" for c in hanswer.get("citations", [])]
    lcited = [f"{low.id}:{s.clause}" for s in lres.decisive]
    witness = Witness(copy.deepcopy(jsonable(lr.case)), as_of, [lanswer, hanswer])
    basis, basis_notes = _basis(library, low, as_of, matters_of)
    period = _together(lce.edition, hce.edition)
    fields = {
        "act": low.id, "level": _level(low.level), "clauses": ", ".join(dict.fromkeys(lcited)),
        "outcome": lres.outcome, "higher": high.id, "higher_level": _level(high.level),
        "higher_outcome": hres.outcome, "decision": lm.decision,
    }
    message = (
        say("lint.msg.hierarchy_conflict_basis", **fields, basis=", ".join(b["citation"] for b in basis))
        if basis
        else say("lint.msg.hierarchy_conflict", **fields)
    )
    details: dict[str, Any] = {
        "lower": {
            "act": low.id,
            "level": low.level,
            "edition": lce.edition.id,
            "outcome": lres.outcome,
            "citations": list(dict.fromkeys(lcited)),
        },
        "higher": {
            "act": high.id,
            "level": high.level,
            "edition": hce.edition.id,
            "outcome": hres.outcome,
            "citations": hcited,
        },
        "same_matter": {
            "lower_decision": lspec.name,
            "higher_decision": hspec.name,
            "shared_facts": sorted(".".join(p) for p in shared),
            "mapped": mapping,
        },
        "editions_together": period,
        "basis": basis,
        "basis_notes": basis_notes,
    }
    if hr.case != lr.case:
        details["higher_case"] = copy.deepcopy(jsonable(hr.case))
    return [
        Finding(
            "hierarchy_conflict",
            "error",
            low.id,
            message,
            clause=deciding.clause,
            decision=lm.decision,
            file=lversion.file,
            line=line,
            clauses=list(dict.fromkeys(lcited)) + hcited + [b["citation"] for b in basis],
            witness=witness,
            details=details,
            edition=lce.edition.id,
        )
    ], notes


def _together(a: Any, b: Any) -> dict[str, Any]:
    start = max(a.start, b.start)
    ends = [e for e in (a.end, b.end) if e is not None]
    end = min(ends) if ends else None
    uncertain = [x.id for x in (a, b) if not x.entry.certain]
    return {
        "from": start.isoformat(),
        "until": end.isoformat() if end else None,
        "uncertain_entry_into_force": uncertain,
    }


def _basis(
    library: Any, low: Any, as_of: dt.date, matters_of: dict[str, Matters]
) -> tuple[list[dict], list[Message]]:
    """Principles of higher acts a by-law must respect, in force on the date (or why not, said
    in the reader's language by the report)."""
    if low.level not in BYLAWS:
        return [], []
    out: list[dict] = []
    notes: list[Message] = []
    highs, _ = ancestors(library, low.id)
    for high_id in highs:
        for p in matters_of[high_id].principles:
            if p.get("forbids") != "bylaw_restricting_rights":
                continue
            clause = p["clause"]
            ce = library.edition_on(high_id, as_of)
            version = ce.edition.versions.get(clause) if ce else None
            citation = f"{high_id}:{clause}"
            if version is None or version.change == "lost_force" or not version.text_known:
                why = (
                    say("lint.why.no_edition_in_force")
                    if ce is None
                    else (
                        say("lint.why.lost_force", edition=ce.edition.id)
                        if version is not None and version.change == "lost_force"
                        else say("lint.why.not_in_edition", edition=ce.edition.id)
                    )
                )
                entry = entry_said(ce.edition.entry) if ce else None
                notes.append(
                    say("lint.note.not_in_force_entry", citation=citation, day=as_of.isoformat(), why=why,
                        entry=entry)
                    if entry
                    else say("lint.note.not_in_force", citation=citation, day=as_of.isoformat(), why=why)
                )
                replaced = _last_in_force(library, high_id, clause)
                if replaced:
                    notes.append(replaced)
                continue
            out.append({"citation": citation, "note": p.get("note"), "edition": ce.edition.id})
    return out, notes


def _last_in_force(library: Any, act_id: str, clause: str) -> Message | None:
    for ce in reversed(library._runtimes[act_id].editions):
        v = ce.edition.versions.get(clause)
        if v is not None and v.change != "lost_force" and v.text_known and not ce.edition.draft:
            citation = f"{act_id}:{clause}"
            if ce.edition.end:
                return say("lint.note.in_force_until", citation=citation, edition=ce.edition.id,
                           day=ce.edition.end.isoformat())
            return say("lint.note.in_force_until_today", citation=citation, edition=ce.edition.id)
    return None


def entry_said(entry: Any) -> Message | str:
    """An edition's entry into force explained, in the reader's language when it has a key."""
    return say(entry.reason, **dict(entry.fields)) if entry.reason else entry.explanation


__all__ = ["check_hierarchy", "load_matters"]
