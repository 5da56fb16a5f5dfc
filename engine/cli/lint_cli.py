"""`ereje lint`: the legal-monitoring report of the encoded acts.

Registered on the `ereje` parser through `register(subparsers)` (engine/cli/__init__.py lists it in `extra`).
Exit codes: 0 — report written and no finding at or above `--fail-on` (errors by default: a lint
that reports an error and exits 0 lets CI pass a broken act); 1 — such a finding exists, or the
policies do not load; 2 — bad arguments (unknown act, bad date, bad budget).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from ..i18n import DEFAULT_LANG, LANGS
from ..library import load_library
from .cliopts import (
    DEFAULT_POLICIES,
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_act,
    add_format,
    iso_date,
    refuse_bare_act,
    which_act,
)

FORMATS = ("text", "json", "html")


def _budget(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of cases") from None
    if not 100 <= value <= 50_000_000:
        raise argparse.ArgumentTypeError("the budget is between 100 and 50,000,000 cases")
    return value


def cmd_lint(args: argparse.Namespace) -> int:
    from ..tools.lint import lint_library
    from ..tools.lint.model import RANK
    from ..tools.lint.report import render_html, render_json, render_text
    from ..tools.lint.wording import WordingDataError

    refuse_bare_act(args, "lint")
    library = load_library(args.policies)
    for act in args.acts or []:
        library.act(act)  # an unknown act is a usage error that names the loaded acts
    as_of = args.as_of or dt.date.today()
    editions = _editions(library, args.acts, args.edition)
    try:
        report = lint_library(
            library,
            list(editions) or args.acts or None,
            as_of=as_of,
            budget=args.budget,
            editions=editions,
            show_settled=args.show_settled,
        )
    except WordingDataError as exc:
        raise UsageError(f"engine/tools/data/wording-risks.yaml: {exc}") from None
    renderers: dict[str, Callable[..., str]] = {"text": render_text, "json": render_json, "html": render_html}
    renderer = renderers[args.format]
    text = renderer(report, lang=args.lang)
    if args.output:
        Path(args.output).write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")
        counts = report.counts()["by_severity"]
        print(
            f"wrote {args.output}: {len(report.findings)} finding(s) "
            f"({counts['error']} error, {counts['warning']} warning, {counts['info']} info)",
            file=sys.stderr,
        )
    else:
        print(text)
    if args.fail_on != "none":
        threshold = RANK[args.fail_on]
        reached = [f for f in report.findings if RANK[f.severity] <= threshold]
        if reached:
            print(
                f"lint: {len(reached)} finding(s) at or above '{args.fail_on}' (--fail-on {args.fail_on}; "
                "--fail-on none only reports)",
                file=sys.stderr,
            )
            return EXIT_FAILED
    return EXIT_OK


def _editions(library: object, acts: list[str] | None, spec: str | None) -> dict[str, str]:
    """{act: edition id} for `--edition` (an edition id, amending act, date or draft:<id>)."""
    if spec is None:
        return {}
    acts = acts or []  # no --act: the edition names the act
    from ..tools.selection import select_edition
    act = which_act(library, acts[0] if len(acts) == 1 else None, spec)  # type: ignore[arg-type]
    if len(acts) > 1:
        raise UsageError("--edition names the edition of one act: give at most one ACT")
    return {act: select_edition(library, act, spec).id}  # type: ignore[arg-type]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lint",
        help="legal monitoring: conflicts, gaps, dead rules, wording risks, hierarchy of norms",
        description="Check every encoded act (or the ACTs named) under the edition in force on --as-of: "
        "conflicts between clauses of a decision, cases no clause decides, dead or constant conditions, "
        "unused definitions and facts, cited clauses that cannot influence their decision, wording risks "
        "of the clause texts (engine/tools/data/wording-risks.yaml), and lower acts that deny what a higher act "
        "grants. Witness cases are exact: found by enumerating the finite domain the rules' own literals "
        "and boundaries define and running the compiled decisions (docs/monitoring.md). The stability "
        "figures of `ereje stability` are shown beside the findings.",
    )
    add_act(p, many=True, when_omitted="every act")
    add_format(p, *FORMATS)
    p.add_argument(
        "--lang",
        choices=LANGS,
        default=DEFAULT_LANG,
        help="language of the findings' sentences: kk (default), ru or en; JSON keeps each finding's "
        "code and params whatever the language",
    )
    p.add_argument(
        "--fail-on",
        choices=["error", "warning", "none"],
        default="error",
        help="exit 1 when a finding of this severity or worse exists (default error; none: never)",
    )
    p.add_argument("--as-of", type=iso_date, help="the date whose editions are checked (default: today)")
    p.add_argument(
        "--edition",
        help="check this edition of the act instead of the one in force: an edition id, an amending act, "
        "a date YYYY-MM-DD or draft:<id>",
    )
    p.add_argument(
        "--show-settled",
        action="store_true",
        help="also list the findings the decision's declared outcome order settles (info)",
    )
    p.add_argument(
        "--budget",
        type=_budget,
        default=200_000,
        help="the most cases one search may enumerate (default 200,000); larger domains are noted",
    )
    p.add_argument("--output", "-o", help="write the report to this file instead of standard output")
    p.add_argument("--policies", type=Path, default=DEFAULT_POLICIES, help="policies directory")
    p.set_defaults(func=cmd_lint)
