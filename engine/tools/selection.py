"""Choosing an edition the way the CLI and the pages name it: an edition id, an amending act, a date
(the edition in force on it) or `draft:<id>`; and the few facts about an edition a report prints."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from ..casecodec import parse_date
from ..edition import Edition, decision_specs
from ..errors import EditionError, ErejeError
from ..library import DRAFT_PREFIX, Library
from ..policy import Act


class SelectionError(ErejeError, ValueError):
    """An edition named in a form that cannot be read (a malformed date, an empty name)."""


# ---- choosing editions -------------------------------------------------------------------------

DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date, or `SelectionError` saying how to write one."""
    try:
        return parse_date(text)  # the case codec's one date parser
    except ValueError:
        raise SelectionError(
            f"{text!r} is not a valid date: write YYYY-MM-DD with a day that exists, e.g. 2025-06-01"
        ) from None


def select_edition(library: Library, act_id: str, spec: str) -> Edition:
    """The edition `spec` names: an edition id, an amending act id, a date, or draft:<id>."""
    spec = (spec or "").strip()
    editions = library.editions(act_id)  # UnknownAct for an unknown act
    if not spec:
        raise SelectionError("name an edition: an edition id, a date YYYY-MM-DD, or draft:<id>")
    if spec.startswith(DRAFT_PREFIX):
        draft_id = spec[len(DRAFT_PREFIX) :]
        for edition in editions:
            if edition.draft and draft_id in (edition.amendment.id, edition.id):
                return edition
        drafts = [e.amendment.id for e in editions if e.draft]
        raise EditionError(
            f"no draft {draft_id!r} of {act_id}; "
            + (f"drafts: {', '.join(drafts)}" if drafts else "the act has no drafts (policies/<act>/drafts/)")
        )
    if DATE_LIKE.match(spec):
        day = parse_day(spec)
        compiled = library.edition_on(act_id, day)
        if compiled is None:
            first = min((e.start for e in editions if not e.draft), default=None)
            raise EditionError(
                f"no edition of {act_id} is in force on {day.isoformat()}"
                + (f": the first encoded edition applies from {first.isoformat()}" if first else "")
            )
        return compiled.edition
    for edition in editions:
        if spec in (edition.id, edition.amendment.id):
            return edition
    numbered = [e for e in editions if e.amendment.number and spec.lstrip("No. ") == e.amendment.number]
    if len(numbered) == 1:
        return numbered[0]
    known = ", ".join(e.id + (" (draft)" if e.draft else "") for e in editions)
    close = difflib.get_close_matches(
        spec, [e.id for e in editions] + [e.amendment.id for e in editions], n=2
    )
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise EditionError(
        f"unknown edition {spec!r} of {act_id}{hint}; editions: {known}; "
        "or give a date YYYY-MM-DD (the edition in force then) or draft:<id>"
    )


def describe_edition(edition: Edition) -> dict[str, Any]:
    out = edition.to_dict()
    out["label"] = edition.id + (" (DRAFT, not law)" if edition.draft else "")
    return out


def missing_clauses(act: Act, edition: Edition, question: str) -> list[str]:
    """The clauses `question` needs that the edition does not encode (as the compiler decides)."""
    spec = decision_specs(act, edition).get(question)
    if spec is None:
        return []
    return [c for c in spec.clauses if c not in edition.versions or not edition.versions[c].text_known]


def short(text: str, width: int = 140) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
