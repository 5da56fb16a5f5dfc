"""The `ereje` command line.

Exit codes (the same for every command, engine/cli/cliopts.py): 0 success (any decision is a
success), 1 policy errors (`check`), failing gates or findings, 2 bad arguments or bad input.
Errors go to stderr as readable text, never a traceback. The act is named with `--act` in every
command; the options shared by the commands are defined once, in engine/cli/cliopts.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import casecodec, jsonio
from ..casemessages import CaseErrorItem, detail_key, namer_for, unreadable
from ..errors import CaseError, EditionError, ErejeError, PolicyError, UnknownAct, UnknownQuestion
from ..i18n import DEFAULT_LANG, N_, Message, check_lang, say, text
from ..library import Library, check_library, load_library
from .cliopts import (
    DEFAULT_POLICIES,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    acts_of,
    add_act,
    add_format,
    add_policies,
    choose_act,
    iso_date,
    refuse_bare_act,
    which_act,
)

Register = Callable[[argparse._SubParsersAction], None]


__all__ = ["DEFAULT_POLICIES", "UsageError", "build_parser", "iso_date", "main"]


def _library(path: Path) -> Library:
    return load_library(path)


def cmd_check(args: argparse.Namespace) -> int:
    library, issues = check_library(args.path)
    errors = [i for i in issues if i.severity == "error"]
    acts = library.acts if library is not None else {}
    clauses = sum(len(a.clauses) for a in acts.values())
    decisions = sum(len(a.decisions) for a in acts.values())
    if args.format == "json":
        print(
            jsonio.dumps(
                {
                    "path": str(args.path),
                    "ok": not errors,
                    "acts": sorted(acts),
                    "clauses": clauses,
                    "decisions": decisions,
                    "issues": [_issue_dict(i) for i in issues],
                }
            )
        )
        return EXIT_FAILED if errors else EXIT_OK
    for issue in issues:
        print(issue.render(), file=sys.stderr if issue.severity == "error" else sys.stdout)
    if errors:
        print(f"\n{len(errors)} error(s) in {args.path}", file=sys.stderr)
        return EXIT_FAILED
    print(f"ok: {len(acts)} act(s), {clauses} clauses, {decisions} decisions checked and compiled")
    return EXIT_OK


def _issue_dict(issue: object) -> dict[str, object]:
    fields = ("severity", "file", "line", "column", "clause", "message", "expected", "hint", "code")
    out = {f: getattr(issue, f, None) for f in fields}
    out["text"] = issue.render()  # type: ignore[attr-defined]
    return out


class CaseFileError(UsageError):
    """A case file that cannot be opened; `message` says which and why, in any language."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(str(message))


def read_case(source: str) -> object:
    """The case named on the command line (a file, or - for standard input), read by the case
    codec: the same numbers, limits and errors as the service (`CaseDecodeError`), and
    `CaseFileError` for a file that is missing or cannot be read."""
    if source == "-":
        data = sys.stdin.buffer.read(casecodec.MAX_CASE_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise CaseFileError(say("cli.case_file_not_found", file=source))
        if path.stat().st_size > casecodec.MAX_CASE_BYTES:
            raise casecodec.CaseDecodeError(
                casecodec.TOO_LARGE, f"the case file is over {casecodec.MAX_CASE_BYTES:,} bytes",
                title="The case is too large",
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CaseFileError(
                say("cli.case_file_unreadable", file=source, error=exc.strerror or type(exc).__name__)
            ) from None
    return casecodec.decode_case(data)


def unread_case(exc: casecodec.CaseDecodeError) -> Message:
    """Why the case could not be read, from the codec's structured reason (`exc.kind`,
    `exc.reason`, `exc.params`): the service's own sentences where they fit a file too."""
    if exc.kind == casecodec.TOO_LARGE:
        why = say("cli.case_too_large", limit=casecodec.MAX_CASE_BYTES)
    elif exc.kind == casecodec.TOO_DEEP:
        why = (say("problem.detail.json_nested", limit=exc.max_depth) if exc.max_depth is not None
               else say("problem.detail.json_too_deep"))
    else:
        why = unreadable(exc, N_("cli.case_not_utf8"), N_("cli.case_not_json"))
    return say("cli.case_not_read", why=why)


def decide_case(library: Library, args: argparse.Namespace, case: object) -> dict[str, object]:
    """The decision `ereje decide` prints, for a case already read."""
    decision = library.decide(
        args.question,
        case,
        as_of=args.as_of or dt.date.today(),
        act_id=args.act,
        lang=args.lang,
        explain=args.explain,
        edition_id=args.edition,
    )
    languages = library.act(decision.act).languages
    if args.lang is not None and args.lang not in languages:  # never another language in its place
        raise UsageError(f"--lang {args.lang}: {decision.act} has texts in {', '.join(languages)}")
    return decision.to_dict()


# The heading of a refused case at the terminal, by the kind of refusal (the service's detail
# says "listed in errors", a member of its JSON; here the problems follow on their own lines).
_REFUSED = {
    "problem.detail.case_invalid": N_("cli.case_invalid"),
    "problem.detail.case_lacks_facts": N_("cli.case_lacks_facts"),
    "problem.detail.case_out_of_range": N_("cli.case_out_of_range"),
}


def refused_case_text(exc: CaseError, library: Library, args: argparse.Namespace) -> str:
    """A case the decision refused, for a person at a terminal, in `--lang` (Kazakh when not given):
    each problem at its pointer, said from its structure as the service says it."""
    lang = check_lang(args.lang or DEFAULT_LANG)
    namer = namer_for(library, args.question, args.act)
    lines = ["error: " + text(_REFUSED[detail_key(exc.problems)], lang, count=len(exc.problems))]
    lines += [f"  {p.pointer or '/'}: {CaseErrorItem(p, namer).message(lang)}" for p in exc.problems]
    return "\n".join(lines)


def cmd_decide(args: argparse.Namespace) -> int:
    lang = check_lang(args.lang or DEFAULT_LANG)
    try:
        case = read_case(args.case)
    except casecodec.CaseDecodeError as exc:  # said in `--lang`, Kazakh when not given
        print("error: " + unread_case(exc).render(lang), file=sys.stderr)
        return EXIT_USAGE
    except CaseFileError as exc:
        print("error: " + exc.message.render(lang), file=sys.stderr)
        return EXIT_USAGE
    library = _library(args.policies)
    try:
        answer = decide_case(library, args, case)
    except CaseError as exc:
        print(refused_case_text(exc, library, args), file=sys.stderr)
        return EXIT_USAGE
    print(_decision_text(answer) if args.format == "text" else jsonio.dumps(answer))
    return EXIT_OK

def _decision_text(d: dict[str, Any]) -> str:
    """A decision for a person at a terminal: outcome, the clauses cited as the law cites them."""
    edition = d.get("edition") or {}
    lines = [
        f"{d['question']} ({d['act']}, {d['as_of']}): {d['outcome']}"
        + (f" — {d['outcome_title']}" if d.get("outcome_title") else ""),
        f"edition {edition.get('id')}; policy {d['policy_hash']}",
    ]
    for c in d.get("clauses") or []:
        lines.append(f"  {c['role']:<20} {c['citation']}  [{c['clause']}]")
    lines.extend(f"warning: {w}" for w in d.get("warnings") or [])
    return "\n".join(lines)


def cmd_clauses(args: argparse.Namespace) -> int:
    refuse_bare_act(args, "clauses")
    library = _library(args.policies)
    act = library.act(choose_act(library.acts, args.act))
    tested = _tested_clauses(act.id)
    if args.format == "json":
        rows = []
        for cid in act.clauses:
            version = act.current_version(cid)
            rows.append(
                {
                    "clause": cid,
                    "kind": version.kind,
                    "rule": version.program is not None,
                    "scenarios": tested.get(cid, 0),
                    "decisions": sorted({b.decision for b in version.program.blocks}) if version.program else [],
                }
            )
        print(jsonio.dumps({"act": act.id, "clauses": rows}))
        return EXIT_OK
    width = max(len(c) for c in act.clauses)
    print(f"{'clause':<{width}}  kind         rule  tests  decisions")
    for cid in act.clauses:
        version = act.current_version(cid)
        decisions = sorted({b.decision for b in version.program.blocks}) if version.program else []
        has_rule = "yes" if version.program else "no"
        print(
            f"{cid:<{width}}  {version.kind:<11}  {has_rule:<4}  {tested.get(cid, 0):>5}  {', '.join(decisions)}"
        )
    return 0


def _tested_clauses(act_id: str) -> dict[str, int]:
    """Scenarios per clause, read from the features' tags (no test is run here)."""
    from ..tools.features import scenario_index

    counts: dict[str, int] = {}
    for scenario in scenario_index(Path("features")):
        if scenario.act == act_id:
            for cid in scenario.clauses:
                counts[cid] = counts.get(cid, 0) + 1
    return counts


def cmd_trace(args: argparse.Namespace) -> int:
    from ..tools import trace

    refuse_bare_act(args, "trace")
    library = _library(args.policies)
    named = acts_of(args)
    acts = named or sorted(library.acts)
    for act in named:
        library.act(act)  # an unknown act is a usage error, whatever the results say
    try:
        results = trace.load_results(args.results)
    except trace.ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if getattr(args, "edition", None):
        if len(named) > 1:
            raise UsageError("--edition checks one act: name at most one with --act")
        return _trace_draft(library, args, named[0] if named else None, results)
    traces = [trace.build_trace(library.act(a), args.features, results, args.results) for a in acts]
    if args.format == "json":
        data = [t.to_dict() for t in traces]
        print(jsonio.dumps(data[0] if len(named) == 1 else {"acts": data}))
    else:
        print("\n\n".join(trace.render_text(t) for t in traces))
    failing = [t for t in traces if not t.ok]
    if failing and args.format == "json":
        for t in failing:
            print(f"trace failed for {t.act}: {len(t.failures)} problem(s)", file=sys.stderr)
    return EXIT_FAILED if failing else EXIT_OK


def _trace_draft(library: Library, args: argparse.Namespace, act_id: str | None, results: dict) -> int:
    """`ereje trace --edition draft:<id>`: the gate of a draft (engine.tools.draftgate.build_draft_trace)."""
    from ..tools import draftgate
    from ..tools.comparer import Comparer, Side
    from ..tools.selection import select_edition
    act = which_act(library, act_id, args.edition)
    draft = select_edition(library, act, args.edition)
    if not draft.draft:
        raise UsageError(f"{draft.id} is not a draft: `ereje trace` without --edition checks the act")
    base = next(e for e in reversed(library.editions(act)) if not e.draft)
    compiled = library.compiled_edition(act, draft.id)
    a = library.act(act)
    comparer = Comparer(Side(args.policies, library, a, base), Side(args.policies, library, a, draft))

    t = draftgate.build_draft_trace(
        a, draft, base, compiled.policy_hash, args.features, results, comparer.answer_under_old
    )
    print(jsonio.dumps(t.to_dict()) if args.format == "json" else draftgate.render_draft_text(t))
    return 0 if t.ok else 1


def build_parser(extra: Iterable[Register] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ereje",
        description="Declarative policy-as-code for Kazakhstan's regulations.",
        epilog="Every command names the act with --act ID (left out where only one act fits). "
        f"Exit codes: {EXIT_OK} done; {EXIT_FAILED} policy errors, a failing gate or findings "
        f"(lint fails on errors unless --fail-on none); {EXIT_USAGE} bad usage or bad input.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "check",
        help="load, validate, type-check and compile every policy",
        description="Load every act under PATH, validate its files against the schemas, "
        "parse and type-check every rule, and compile it. Reports every "
        "problem with file:line:column. Exit 1 on any error.",
    )
    p.add_argument(
        "path", nargs="?", type=Path, default=DEFAULT_POLICIES, help="policies directory, or one act's folder"
    )
    add_format(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "decide",
        help="decide a question for one case",
        description="Print one JSON decision: outcome, citations, edition, policy_hash, "
        "values, facts, warnings (and the trace with --explain). Exit 0 for "
        "any decision, 2 for a bad case or bad arguments.",
    )
    p.add_argument("question", help="decision name, e.g. enrollment")
    p.add_argument("case", help="case JSON file, or - for standard input")
    add_act(p, when_omitted="the only act that answers the question")
    p.add_argument("--as-of", type=iso_date, help="decision date YYYY-MM-DD (default: today)")
    p.add_argument("--lang", default=None, help="language of the clause texts and citations: kk, ru or en")
    p.add_argument("--explain", action="store_true", help="include the value of every condition")
    p.add_argument(
        "--edition",
        help="decide under this edition whatever the date, e.g. a draft: "
        "draft-hypothetical-reserve-terms or U1300000624@U2500000853",
    )
    add_format(p, "json", "text", default="json")
    add_policies(p, DEFAULT_POLICIES)
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser(
        "clauses",
        help="list an act's clauses with kind, rule and tests",
        description="Every clause id with its kind, whether it has a rule, how many "
        "scenarios cite it, and the decisions it feeds.",
    )
    add_act(p, when_omitted="the only act loaded")
    add_format(p)
    add_policies(p, DEFAULT_POLICIES)
    p.set_defaults(func=cmd_clauses)

    p = sub.add_parser(
        "trace",
        help="the traceability gate: clauses, their scenarios and last results",
        description="For each clause of the act: its kind, its rule, the scenarios tagged "
        "@clause:<id> that cover it and their last result (from the results file the "
        "features write), and for rule clauses a passing scenario where the clause decides "
        "and one where it does not. Exit 1 when a rule clause lacks either, when a scenario "
        "tags a clause that does not exist, when a covering scenario failed, or when there "
        "are no (or only stale) results: run `make test` first.",
    )
    add_act(p, many=True, when_omitted="every act")
    add_format(p)
    p.add_argument(
        "--results",
        type=Path,
        default=Path("test-output/trace-results.json"),
        help="scenario results written by the features (default: test-output/trace-results.json)",
    )
    p.add_argument("--features", type=Path, default=Path("features"), help="directory of .feature files")
    p.add_argument(
        "--edition",
        help="the gate of a draft (draft:<id>): every clause it changes needs a passing scenario showing "
        "its rule deciding under the draft",
    )
    p.add_argument("--policies", type=Path, default=DEFAULT_POLICIES, help="policies directory")
    p.set_defaults(func=cmd_trace)

    for register in extra:
        register(sub)
    return parser


def main(argv: list[str] | None = None, extra: Iterable[Register] = ()) -> int:
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PolicyError as exc:
        for issue in exc.issues:
            print(issue.render(), file=sys.stderr)
        print("the policies have errors; run `ereje check` for the full list", file=sys.stderr)
        return EXIT_FAILED
    except CaseError as exc:
        print(f"error: {exc.title}", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p.pointer or '/'}: {p.message}", file=sys.stderr)
        return EXIT_USAGE
    except (UnknownAct, UnknownQuestion, EditionError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ErejeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # pragma: no cover - `ereje … | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
