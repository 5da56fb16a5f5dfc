"""The edition commands of `ereje`: diff, impact, cases, review, stability, editions.

`register(subparsers)` adds them to the engine's parser (engine/cli/__init__.py composes it). Errors are
the engine's (`ErejeError` subclasses, `UsageError`): `ereje` prints them without a traceback
and exits 2. Editions are named as `engine.tools.selection.select_edition` reads them: an edition id, an
amending act id, a date YYYY-MM-DD (the edition in force on it) or draft:<id>.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import jsonio
from ..edition import Edition
from ..library import Library, load_library
from ..tools.diff import EditionDiff, diff_editions
from ..tools.difftext import render_text as render_diff
from ..tools.selection import parse_day, select_edition
from .cliopts import DEFAULT_POLICIES, UsageError, add_act, add_format, iso_date, refuse_bare_act, which_act
from .progress import CountingWriter
from .progress import bar as progress_bar


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)


def _label(edition: Edition) -> str:
    return ("draft:" + edition.amendment.id) if edition.draft else edition.id


# ---- diff ----------------------------------------------------------------------------------------


def _diff_pair(
    old_lib: Library,
    old_root: Path,
    old: Edition,
    new_lib: Library,
    new_root: Path,
    new: Edition,
    old_label: str,
    new_label: str,
    witnesses: bool,
) -> EditionDiff:
    from ..tools.comparer import Comparer, Side

    act_old, act_new = old_lib.act(old.act), new_lib.act(new.act)
    d = diff_editions(act_old, old, act_new, new, old_label, new_label)
    if witnesses:
        from ..tools.symbolic.exact import exact_diff

        exact_diff(d, Comparer(Side(old_root, old_lib, act_old, old), Side(new_root, new_lib, act_new, new)))
    return d


def _base_pairs(
    base: Library, work: Library, acts: list[str]
) -> tuple[list[tuple[Edition, Edition]], list[str]]:
    """Editions to compare between the base tree and the working tree, and notes."""
    pairs: list[tuple[Edition, Edition]] = []
    notes: list[str] = []
    for act in acts:
        if act not in base.acts:
            notes.append(f"{act} is new: it is not in the base tree")
            continue
        if act not in work.acts:
            notes.append(f"{act} was removed from the working tree")
            continue
        old = {e.id: e for e in base.editions(act)}
        new = {e.id: e for e in work.editions(act)}
        base_current = [e for e in base.editions(act) if not e.draft]
        for eid, edition in new.items():
            if eid in old:
                pairs.append((old[eid], edition))
            elif base_current:
                notes.append(f"{eid} is a new edition: compared with {base_current[-1].id} of the base tree")
                pairs.append((base_current[-1], edition))
            else:
                notes.append(
                    f"{eid} is a new edition and the base tree has no edition in force to compare with"
                )
        notes.extend(f"{eid} was removed" for eid in old if eid not in new)
    return pairs, notes


def cmd_diff(args: argparse.Namespace) -> int:
    from ..tools.htmlreport import diff_page, esc, page
    from ..tools.review import BaseTree

    refuse_bare_act(args, "diff")
    library = load_library(args.policies)
    witnesses = not args.no_witness
    if args.base_ref:
        acts = [which_act(library, args.act)] if args.act else sorted(library.acts)
        with BaseTree(args.base_ref, args.policies) as tree:
            base = load_library(tree.path)
            notes: list[str] = []
            if args.frm or args.to:
                act = which_act(library, args.act, args.to)
                old = select_edition(base, act, args.frm or args.to)
                new = select_edition(library, act, args.to or args.frm)
                pairs = [(old, new)]
            else:
                acts = sorted(set(acts) | ({args.act} if args.act else set(base.acts)))
                pairs, notes = _base_pairs(base, library, acts)
            diffs = [
                _diff_pair(
                    base,
                    tree.path,
                    o,
                    library,
                    args.policies,
                    n,
                    f"{args.base_ref}:{o.id}",
                    f"working tree:{n.id}",
                    witnesses,
                )
                for o, n in pairs
            ]
        diffs = [d for d in diffs if d.clauses or d.decisions] if not (args.frm or args.to) else diffs
        data = {"base_ref": args.base_ref, "notes": notes, "diffs": [d.to_dict() for d in diffs]}
        if args.format == "json":
            _write(jsonio.dumps(data), args.output)
        elif args.format == "html":
            from ..tools.htmlreport import diff_sections

            body = [f"<h1>Policies at {esc(args.base_ref)} → working tree</h1>"]
            body.extend(f'<div class="note">{esc(n)}</div>' for n in notes)
            if not diffs:
                body.append("<p>No edition differs.</p>")
            for d in data["diffs"]:
                body.append(f"<h2>{esc(d['from']['id'])} → {esc(d['to']['id'])}</h2>")
                body.extend(f'<div class="note">{esc(n)}</div>' for n in d.get("notes", []))
                body.append(diff_sections(d, heading_level=3))
            _write(page(f"Policies at {args.base_ref} → working tree", "".join(body)), args.output)
        else:
            parts = [f"Policies at {args.base_ref} → working tree ({args.policies})"]
            parts.extend(f"  note: {n}" for n in notes)
            if not diffs:
                parts.append("no edition differs")
            parts.extend("\n" + render_diff(d, witnesses) for d in diffs)
            _write("\n".join(parts), args.output)
        return 0
    if not args.frm or not args.to:
        raise UsageError(
            "give --from and --to (an edition id, a date YYYY-MM-DD or draft:<id>), or --base-ref REV"
        )
    act = which_act(library, args.act, args.frm, args.to)
    old = select_edition(library, act, args.frm)
    new = select_edition(library, act, args.to)
    d = _diff_pair(library, args.policies, old, library, args.policies, new, args.frm, args.to, witnesses)
    if args.format == "json":
        _write(jsonio.dumps(d.to_dict()), args.output)
    elif args.format == "html":
        _write(diff_page(d.to_dict()), args.output)
    else:
        _write(render_diff(d, witnesses), args.output)
    return 0


# ---- impact --------------------------------------------------------------------------------------


def cmd_impact(args: argparse.Namespace) -> int:
    from ..tools.comparer import Comparer, Side
    from ..tools.impact import Setup, run_impact
    from ..tools.impacttext import render_text

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs is a number of processes, 1 or more")
    library = load_library(args.policies)
    act = which_act(library, args.act, args.frm, args.to)
    old = select_edition(library, act, args.frm)
    new = select_edition(library, act, args.to)
    a = library.act(act)
    fill_seed = args.seed if args.fill_missing else None
    comparer = Comparer(Side(args.policies, library, a, old), Side(args.policies, library, a, new), fill_seed)
    setup = Setup(str(args.policies), str(args.policies), act, old.id, new.id, fill_seed)
    bar = progress_bar("impact", unit="case")
    try:
        corpus = sys.stdin if str(args.corpus) == "-" else args.corpus
        report = run_impact(comparer, setup, corpus, jobs=args.jobs, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if args.format == "json":
        _write(jsonio.dumps(report.to_dict()), args.output)
    else:
        _write(render_text(report), args.output)
    return 0


# ---- cases generate ------------------------------------------------------------------------------


def cmd_cases_generate(args: argparse.Namespace) -> int:
    from ..tools.casegen import corpus_for, write_corpus

    if args.n < 0:
        raise UsageError("--n is a number of cases, 0 or more")
    library = load_library(args.policies)
    act = which_act(library, args.act, args.edition)
    a = library.act(act)
    if args.edition:
        edition = select_edition(library, act, args.edition)
    else:
        current = [e for e in library.editions(act) if not e.draft]
        if not current:
            raise UsageError(f"{act} has no edition in force; name one with --edition")
        edition = current[-1]
    corpus = corpus_for(a, edition, args.decision, args.seed, args.from_date, args.to_date)
    bar = progress_bar("cases", unit="case")
    if args.output is None:
        try:
            write_corpus(corpus, args.n, CountingWriter(sys.stdout, args.n, bar) if bar else sys.stdout)
        finally:
            if bar is not None:
                bar.close()
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as fh:
        try:
            n = write_corpus(corpus, args.n, CountingWriter(fh, args.n, bar) if bar else fh)
        finally:
            if bar is not None:
                bar.close()
    print(
        f"wrote {n} case(s) of {', '.join(corpus.decisions)} under {edition.id} "
        f"(decision dates {corpus.start} – {corpus.end}, seed {args.seed}) to {args.output}",
        file=sys.stderr,
    )
    return 0


# ---- review ----------------------------------------------------------------------------------------


def cmd_review(args: argparse.Namespace) -> int:
    from ..tools.review import BaseTree, build_review

    library = load_library(args.policies)
    act = which_act(library, args.act, args.to, args.frm if not args.base_ref else None)
    new = select_edition(library, act, args.to)

    if args.frm is None:
        if not new.draft:
            raise UsageError("give --from: the edition the reviewed one is compared with")
        args.frm = next(e.id for e in reversed(library.editions(act)) if not e.draft)

    def run(base: Library, base_root: Path) -> dict[str, Any]:
        old = select_edition(base, act, args.frm)
        out = args.output or Path(f"review-{new.amendment.id}")
        return build_review(
            base,
            base_root,
            old,
            library,
            args.policies,
            new,
            out,
            features=args.features,
            results=args.results,
            base_ref=args.base_ref,
            corpus=args.corpus,
            cases=args.cases,
            seed=args.seed,
            jobs=args.jobs,
        )

    if args.base_ref:
        with BaseTree(args.base_ref, args.policies) as tree:
            bundle = run(load_library(tree.path), tree.path)
    else:
        bundle = run(library, args.policies)
    out = args.output or Path(f"review-{new.amendment.id}")
    flips = sum(r["flipped"] for r in bundle["impact"])
    print(
        f"wrote {out / 'review.html'} and {out / 'review.json'}: {bundle['diff']['counts']['changed']} clause(s) "
        f"changed, {bundle['diff']['counts']['decisions_logic_changed']} decision(s) with changed logic, "
        f"{flips} outcome flip(s) across {len(bundle['impact'])} corpus(es)"
    )
    return 0


# ---- stability, editions ------------------------------------------------------------------------


def cmd_stability(args: argparse.Namespace) -> int:
    from ..tools.stability import render_text, stability

    refuse_bare_act(args, "stability")
    library = load_library(args.policies)
    named = args.acts or sorted(library.acts)
    acts = [library.act(a) for a in named]
    if args.top < 1:
        raise UsageError("--top is 1 or more")
    report = stability(acts, args.window, args.as_of, args.top)
    _write(jsonio.dumps(report) if args.format == "json" else render_text(report), args.output)
    return 0


def editions_report(library: Library, act_id: str) -> dict[str, Any]:
    from ..edition import decision_specs
    from ..tools.selection import missing_clauses

    act = library.act(act_id)
    rows = []
    for e in library.editions(act_id):
        specs = decision_specs(act, e)
        decidable = [n for n in sorted(specs) if not missing_clauses(act, e, n)]
        rows.append(
            {
                **e.to_dict(),
                "select": _label(e),
                "clauses": len(e.versions),
                "decidable": decidable,
                "not_decidable": {n: missing_clauses(act, e, n) for n in sorted(specs) if n not in decidable},
            }
        )
    selects = [
        {"decision": s.name, "edition_date": s.edition_date, "why": s.edition_date_why}
        for s in sorted(act.decisions.values(), key=lambda s: s.name)
    ]
    return {"act": act_id, "editions": rows, "edition_selected_by": selects}


def cmd_editions(args: argparse.Namespace) -> int:
    refuse_bare_act(args, "editions")
    library = load_library(args.policies)
    act = which_act(library, args.act)
    report = editions_report(library, act)
    if args.format == "json":
        _write(jsonio.dumps(report), args.output)
        return 0
    out = [f"{act}: {len(report['editions'])} edition(s)"]
    for e in report["editions"]:
        period = f"{e['from']} – {e['until'] or 'now'}" if not e["draft"] else "never in force (draft)"
        certain = "" if e["entry_into_force_certain"] or e["draft"] else "  [entry into force UNCERTAIN]"
        number = f"No. {e['amendment_number']} " if e["amendment_number"] else ""
        out.append("")
        out.append(f"{e['id']}{'  DRAFT — not law' if e['draft'] else ''}")
        out.append(f"  period:    {period}{certain}")
        how = "adopted by" if e["amendment"] == act else "amended by"
        out.append(f"  {how} {number}{e['amendment']}; select with: {e['select']}")
        if e["draft"]:
            out.append("  entry into force: none (a draft is not law; only a tool naming it uses it)")
        else:
            out.append(f"  entry into force: {e['entry_into_force']}")
        out.append(f"  clauses encoded: {e['clauses']}; decides: {', '.join(e['decidable']) or 'nothing'}")
        for name, missing in e["not_decidable"].items():
            shown = ", ".join(missing[:6]) + (f", … ({len(missing)} in all)" if len(missing) > 6 else "")
            out.append(f"  cannot decide {name}: missing {shown}")
    out.append("")
    out.append("The date that selects the edition, per decision:")
    for s in report["edition_selected_by"]:
        out.append(f"  {s['decision']:<14} {s['edition_date']}")
    _write("\n".join(out), args.output)
    return 0


# ---- registration --------------------------------------------------------------------------------


def _edition_arg(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("an edition: an edition id, a date YYYY-MM-DD or draft:<id>")
    return text.strip()


def _checked_day(text: str) -> Any:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _policies(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policies", type=Path, default=DEFAULT_POLICIES, help="policies directory")


EDITION_HELP = "an edition id (U1300000624@U2500000853 or U2500000853), a date YYYY-MM-DD, or draft:<id>"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="semantic diff of two editions (text word by word, rules structurally, witnesses)",
        description="Compare two editions of an act clause by clause: added, removed and reworded "
        "text (word-level, per language); changed rules described from their syntax trees; the "
        "decisions whose feeding clauses changed; and, where the logic changed, witness cases whose "
        "outcome differs. With --base-ref, compare the policy tree at a git revision with the "
        "working tree.",
    )
    add_act(p, when_omitted="the only act holding the editions named; with --base-ref, every act")
    p.add_argument("--from", dest="frm", type=_edition_arg, help=EDITION_HELP)
    p.add_argument("--to", type=_edition_arg, help=EDITION_HELP)
    p.add_argument("--base-ref", help="a git revision: compare its policy tree with the working tree")
    add_format(p, "text", "json", "html")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    p.add_argument("--no-witness", action="store_true", help="skip the search for witness cases")
    _policies(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "impact",
        help="run a corpus under two editions and report the outcomes that flip",
        description="Decide every line of a JSON-lines corpus ({question, as_of, case}) under both "
        "editions and report, per decision, the outcomes that flip grouped by the clauses "
        "responsible, with sample lines. Invalid lines are reported with their line number and "
        "counted; the run goes on. Uses every core (--jobs).",
    )
    p.add_argument("corpus", help="JSON-lines corpus file, or - for standard input")
    p.add_argument("--act", metavar="ID", help="act id (default: the only act holding the editions named)")
    p.add_argument("--from", dest="frm", required=True, type=_edition_arg, help=EDITION_HELP)
    p.add_argument("--to", required=True, type=_edition_arg, help=EDITION_HELP)
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    p.add_argument(
        "--fill-missing",
        action="store_true",
        help="give a case the facts one edition declares and it lacks, drawn as `ereje cases generate` "
        "draws them (docs/casegen.md); without it such a case is counted invalid under that edition",
    )
    p.add_argument("--seed", type=int, default=624, help="random seed of --fill-missing (default 624)")
    add_format(p)
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    _policies(p)
    p.set_defaults(func=cmd_impact)

    p = sub.add_parser("cases", help="synthetic case corpora", description="Synthetic case corpora.")
    cases = p.add_subparsers(dest="cases_command", required=True, metavar="SUBCOMMAND")
    g = cases.add_parser(
        "generate",
        help="write a realistic synthetic corpus (JSON lines) for an act's decisions",
        description="Generate N cases ({question, as_of, case} per line) from each decision's case "
        "schema, with values drawn from the act's examples and dates placed around the periods "
        "and dates of the rules. Every case is checked against its schema. Decisions take turns; "
        "decision dates are spread over the edition's period (or --from-date/--to-date).",
    )
    g.add_argument("--act", metavar="ID", help="act id (default: the only act holding the edition named)")
    g.add_argument("--n", type=int, required=True, help="number of cases")
    g.add_argument("--seed", type=int, default=624, help="random seed (default 624)")
    g.add_argument("--decision", action="append", help="only this decision (repeatable)")
    g.add_argument(
        "--edition",
        type=_edition_arg,
        help="whose case schemas and rules to use (default: the latest edition in force); " + EDITION_HELP,
    )
    g.add_argument(
        "--from-date", type=_checked_day, help="first decision date (default: the edition's start)"
    )
    g.add_argument(
        "--to-date", type=_checked_day, help="last decision date (default: its end, or 3 years on)"
    )
    g.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    _policies(g)
    g.set_defaults(func=cmd_cases_generate)

    p = sub.add_parser(
        "review",
        help="write the review bundle of an amendment (one HTML page and JSON)",
        description="Write DIR/review.html and DIR/review.json: the amendment's provenance, the text "
        "and rule diff, the scenarios added or changed, the traceability status of the changed "
        "clauses, and the impact on the example cases and a generated corpus.",
    )
    p.add_argument("--act", metavar="ID", help="act id (default: the only act holding the editions named)")
    p.add_argument(
        "--from",
        dest="frm",
        type=_edition_arg,
        help=EDITION_HELP + " (default for a draft: the edition in force it amends)",
    )
    p.add_argument("--to", "--edition", dest="to", required=True, type=_edition_arg, help=EDITION_HELP)
    p.add_argument("-o", "--output", type=Path, help="output directory (default: review-<amendment>)")
    p.add_argument(
        "--base-ref",
        help="git revision: --from is read in its policy tree, and the feature files are compared with it",
    )
    p.add_argument("--corpus", type=Path, help="also run this JSON-lines corpus")
    p.add_argument(
        "--cases", type=int, default=1000, help="generated cases for the impact (default 1000; 0: none)"
    )
    p.add_argument("--seed", type=int, default=624, help="seed of the generated cases")
    p.add_argument("--jobs", type=int, default=None, help="worker processes for the impact runs")
    p.add_argument("--features", type=Path, default=Path("features"), help="directory of .feature files")
    p.add_argument(
        "--results",
        type=Path,
        default=Path("test-output/trace-results.json"),
        help="scenario results written by the features",
    )
    _policies(p)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser(
        "stability",
        help="how often acts and clauses changed: per year, over recent windows, most-changed clauses",
        description="Amending acts and clause changes per act, per calendar year and over the last N "
        "months ending --as-of (default: the latest amendment's date), and the most-changed clauses.",
    )
    add_act(p, many=True, when_omitted="every act")
    p.add_argument(
        "--window", action="append", help="trailing window, e.g. 24m or 1y (repeatable; default 24m)"
    )
    p.add_argument(
        "--as-of", type=iso_date, help="end of the trailing windows (default: the latest amendment)"
    )
    p.add_argument("--top", type=int, default=10, help="most-changed clauses listed (default 10)")
    add_format(p)
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    _policies(p)
    p.set_defaults(func=cmd_stability)

    p = sub.add_parser(
        "editions",
        help="list an act's editions: periods, amending act, certainty, drafts",
        description="Every edition of the act (drafts included): the period it applies, the amending "
        "act, whether its entry into force is certain, which decisions it can decide, and the "
        "date that selects the edition for each decision.",
    )
    add_act(p, when_omitted="the only act loaded")
    add_format(p)
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    _policies(p)
    p.set_defaults(func=cmd_editions)


if __name__ == "__main__":  # pragma: no cover - `python -m engine.cli.edition_cli …`
    from .cli import main

    sys.exit(main(extra=[register]))
