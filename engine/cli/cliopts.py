"""The options every `ereje` command shares, defined once so that they read the same everywhere.

- The act is always named with `--act ID` (repeatable where a command reads several acts). It
  may be left out where only one act fits: the only act loaded, the only act answering the
  question (`decide`), or the only act holding the editions named (`diff`, `impact`, …). An act
  given as a bare argument, as earlier versions took it, is refused with the exact command to
  type instead.
- `--format text|json` (and `html` where a report is a page) wherever the output is data.
- Exit codes, the same for every command (README, "Exit codes"):

      0  done: any decision, a report written, no finding at or above the failing severity
      1  the policies or the subject failed: policy errors (`check`), a failing gate (`trace`),
         lint findings at or above `--fail-on` (errors by default), a server not running
      2  bad usage or bad input: unknown option, act, question or edition; a bad date; a bad case
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import casecodec
from ..library import DRAFT_PREFIX, Library
from ..tools.selection import DATE_LIKE

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

ACT_METAVAR = "ID"


class UsageError(Exception):
    """Bad arguments: exit 2 with the message."""


def add_act(
    p: argparse.ArgumentParser,
    *,
    many: bool = False,
    when_omitted: str = "the only act that fits",
) -> None:
    """`--act ID` (repeatable with `many`), plus a hidden catch of an act given bare."""
    if many:
        p.add_argument(
            "--act",
            dest="acts",
            action="append",
            metavar=ACT_METAVAR,
            help=f"act id, e.g. U1300000624; repeat for several (default: {when_omitted})",
        )
    else:
        p.add_argument("--act", metavar=ACT_METAVAR, help=f"act id, e.g. U1300000624 (default: {when_omitted})")
    p.add_argument("bare_acts", nargs="*", help=argparse.SUPPRESS)


def refuse_bare_act(args: argparse.Namespace, command: str) -> None:
    """An act written as a bare argument is a usage error that shows the command to type."""
    bare = list(getattr(args, "bare_acts", None) or [])
    if bare:
        named = " ".join(f"--act {a}" for a in bare)
        raise UsageError(f"name the act with --act: ereje {command} {named}")


def acts_of(args: argparse.Namespace) -> list[str]:
    """The acts named with --act (several where the command takes several)."""
    if hasattr(args, "acts"):
        return list(args.acts or [])
    return [args.act] if getattr(args, "act", None) else []


def choose_act(known: Iterable[str], given: str | None, candidates: Sequence[str] | None = None) -> str:
    """The act named, else the only candidate (default: every act loaded); otherwise a usage
    error listing exactly what `--act` accepts."""
    known = sorted(known)
    if given:
        return given
    pool = list(candidates) if candidates is not None else known
    if len(pool) == 1:
        return pool[0]
    listed = ", ".join(known) or "no act"
    raise UsageError(f"name the act with --act ID; the policies hold {listed}")


def add_format(p: argparse.ArgumentParser, *choices: str, default: str = "text") -> None:
    choices = choices or ("text", "json")
    p.add_argument(
        "--format",
        choices=list(choices),
        default=default,
        help=f"output format: {' | '.join(choices)} (default {default})",
    )


def add_policies(p: argparse.ArgumentParser, default: Path) -> None:
    p.add_argument("--policies", type=Path, default=default, help="policies directory")


DEFAULT_POLICIES = Path(os.environ.get("EREJE_POLICIES", "policies"))


def iso_date(text: str) -> dt.date:
    try:
        return casecodec.parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2025-06-01"
        ) from None


def which_act(library: Library, given: str | None, *editions: str | None) -> str:
    """The act named, or the only act, or the only act that has the editions named (by id or
    draft:<id>; a date names no act), or failing that the only one that has any of them."""
    if given:
        library.act(given)  # UnknownAct names the loaded acts
        return given
    acts = sorted(library.acts)
    named = [e for e in editions if e and not DATE_LIKE.match(e)]
    owners = None
    if named and len(acts) > 1:
        owners = [a for a in acts if all(_has_edition(library, a, e) for e in named)] or [
            a for a in acts if any(_has_edition(library, a, e) for e in named)
        ]
    return choose_act(acts, None, owners if owners and len(owners) == 1 else None)


def _has_edition(library: Library, act: str, spec: str) -> bool:
    draft = spec.removeprefix(DRAFT_PREFIX) if spec.startswith(DRAFT_PREFIX) else None
    for e in library.editions(act):
        if draft is not None:
            if e.draft and draft in (e.amendment.id, e.id):
                return True
        elif spec in (e.id, e.amendment.id):
            return True
    return False
