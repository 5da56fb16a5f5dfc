"""A policy goes live only if it decides: its examples and a generated corpus, before the swap.

A policy tree can load (YAML valid, rules compiled, checks passed) and still fail when deciding:
an evaluation that leaves the calendar, a rule that needs a fact the schema lets a caller leave
out, a crash in the explanation. Served, such a policy failed part of the requests while /readyz
said ready. So a reload (and a start) decides, on the new library, before it can go live:

- every example of every act (`examples/examples.yaml`, on its own date, with the explanation):
  each must be decided — any error is a failure, since an example is a case the policy must
  answer;
- a smoke corpus from the project's case generator (`engine.tools.casegen.corpus_for`, fixed seed,
  `PER_DECISION` cases per decision and edition in force, dates within the edition): a case may
  be refused as invalid (`CaseError`) or undated (`EditionError`), never fail otherwise.

Any failure refuses the policy exactly as a load error does: the live version keeps serving and
/readyz (with a token) and the log say which case failed and how. About a second with the
shipped policies.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import weakref
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("ereje.web")

PER_DECISION = 16
SEED = 15
MAX_REPORTED = 20


@dataclass
class SmokeFailure(Exception):
    """The policy loads but does not decide; `issues` are for /readyz and the log."""

    issues: list[dict[str, Any]] = field(default_factory=list)
    checked: int = 0
    failed: int = 0

    def __str__(self) -> str:
        first = self.issues[0]["message"] if self.issues else ""
        return (
            f"{self.failed} of {self.checked} smoke decision(s) failed"
            f" (the policy loads but does not decide); first: {first}"
        )


def _examples(library: Any, act_id: str, act: Any) -> list[tuple[str, str, _dt.date, Any, bool]]:
    from engine.tools.casegen import example_cases

    return [
        (f"example {e['file']}", e["question"], e["as_of"], e["case"], True)
        for e in example_cases(act)
    ]


def _corpus(library: Any, act_id: str, act: Any) -> list[tuple[str, str, _dt.date, Any, bool]]:
    from engine.casecodec import parse_date
    from engine.tools.casegen import GenerationError, corpus_for

    out = []
    for edition in library.editions(act_id):
        if edition.draft:
            continue
        try:
            corpus = corpus_for(act, edition, None, seed=SEED)
        except GenerationError:  # the edition decides nothing: nothing to try
            continue
        lines = corpus.lines(PER_DECISION * len(corpus.decisions))
        for k in range(PER_DECISION * len(corpus.decisions)):
            try:
                line = next(lines)
            except StopIteration:
                break
            except Exception as exc:  # the generator's failure, not the policy's: say so, go on
                log.warning("smoke check: no generated cases for %s: %s: %s",
                            edition.id, type(exc).__name__, exc)
                break
            day = parse_date(line["as_of"])
            out.append((f"generated case {k} of {edition.id}", line["question"], day,
                        line["case"], False))
    return out


_passed: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def check(library: Any) -> None:
    """Raise `SmokeFailure` unless the library decides its examples and the smoke corpus.

    A library object that passed once is not checked again (a loader may hand the same object
    back for the same files)."""
    from engine import CaseError, EditionError

    try:
        if library in _passed:
            return
    except TypeError:  # not weakly referable: check every time
        pass
    issues: list[dict[str, Any]] = []
    checked = failed = 0
    for act_id, act in sorted(library.acts.items()):
        cases = _examples(library, act_id, act) + _corpus(library, act_id, act)
        for what, question, day, case, strict in cases:
            checked += 1
            try:
                library.decide(question, case, as_of=day, act_id=act_id, explain=strict)
                continue
            except (CaseError, EditionError) as exc:
                if not strict:
                    continue
                failure: BaseException = exc
            except Exception as exc:  # any failure to decide refuses the policy
                failure = exc
            failed += 1
            if len(issues) < MAX_REPORTED:
                issues.append({
                    "file": str(getattr(act, "directory", act_id)),
                    "message": f"{act_id} {question} on {day}, {what}:"
                               f" {type(failure).__name__}: {failure}",
                })
    if issues:
        raise SmokeFailure(issues, checked, failed)
    log.info("smoke check: %d decision(s) made, none failed", checked)
    with contextlib.suppress(TypeError):  # not weakly referable: checked every time
        _passed[library] = checked
