"""GET /v1/acts…: what the service knows — acts, their clauses' texts, decisions, editions.

Read from the live snapshot taken once per request. Public by default, as the pages showing
the same texts are; `EREJE_PUBLIC_READ=0` asks for a valid token instead.

Each edition is identified by its `policy_hash`, the one hash decisions record. The ETag is
only a cache validator of the whole policy tree (any file changed), not a policy identity.
"""

from __future__ import annotations

from flask import Blueprint, Response

from web import present
from web.auth import read_access
from web.jsonio import json_response
from web.policies import get_holder
from web.problems import Problem, quoted, say

bp = Blueprint("acts", __name__, url_prefix="/v1/acts")


def _act(act_id: str):  # -> engine.policy.Act
    snap = get_holder().snapshot
    acts = snap.library.acts
    act = acts.get(act_id)
    if act is None:
        raise Problem("unknown-act", say("problem.detail.unknown_act", act=quoted(act_id)), known=sorted(acts))
    return act, snap


def _headers(snap) -> dict[str, str]:
    return {"ETag": f'"{snap.version}"', "Cache-Control": "no-cache"}


@bp.get("")
@read_access
def list_acts() -> Response:
    snap = get_holder().snapshot
    acts = [present.act_summary(snap.library, a) for a in snap.library.acts.values()]
    return json_response({"acts": acts}, headers=_headers(snap))


@bp.get("/<act>")
@read_access
def get_act(act: str) -> Response:
    found, snap = _act(act)
    return json_response(present.act_detail(snap.library, found), headers=_headers(snap))


@bp.get("/<act>/clauses/<clause>")
@read_access
def get_clause(act: str, clause: str) -> Response:
    found, snap = _act(act)
    cl = found.clauses.get(clause)
    if cl is None:
        raise Problem(
            "unknown-clause",
            say("problem.detail.unknown_clause", act=act, clause=quoted(clause)),
            did_you_mean=_close(clause, list(found.clauses)),
        )
    return json_response(present.clause(found, cl), headers=_headers(snap))


def _close(word: str, candidates: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(word, candidates, n=3, cutoff=0.6)
