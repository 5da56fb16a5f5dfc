"""Exact diff benchmark: the edition in force of U1300000624 against drafts, decision by decision.

`python -m bench.exact_diff` (nice it on a shared machine). For the shipped HYPOTHETICAL draft
and the four fixture drafts of tests/fixtures/drafts (copied into a temporary policies tree), it
times `engine.tools.symbolic.exact.exact_diff` on every decision whose logic the draft changes, and
then on every decision of the act (a proof of equivalence for the untouched ones), printing the
seconds per decision and in total. Target (issue 12, item 7): the exact diff of the current
edition against a draft of the shipped draft's size in under 10 s. The library load and the
working-day table (built once per process) are timed apart. Nothing asserts; figures are printed.

Environment: EREJE_POLICIES (default policies), EREJE_EXACT_K (list bound, default 3).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

POLICIES = Path(os.environ.get("EREJE_POLICIES", "policies"))
DRAFTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "drafts"
ACT = "U1300000624"
CURRENT = "U2500000853"
K = int(os.environ.get("EREJE_EXACT_K", "3"))
TARGET = 10.0


def policies_with_drafts(into: Path, policies: Path = POLICIES) -> Path:
    """The policies plus the fixture drafts (the new ground's decision file from the act's own)."""
    root = into / "policies"
    shutil.copytree(policies, root)
    for draft in DRAFTS.iterdir():
        if draft.is_dir():
            shutil.copytree(draft, root / ACT / "drafts" / draft.name)
    decision = yaml.safe_load((root / ACT / "decisions" / "exclusion.yaml").read_text(encoding="utf-8"))
    decision["clauses"].append("rules.18.10")
    decision["case_schema"]["properties"]["employee"]["properties"]["convicted_on"] = {
        "$ref": "#/$defs/date",
        "description": "HYPOTHETICAL, NOT LAW: day a judgement of conviction entered into force",
    }
    overlay = root / ACT / "drafts" / "draft-new-exclusion-ground" / "decisions" / "exclusion.yaml"
    overlay.parent.mkdir(parents=True)
    overlay.write_text(
        "# HYPOTHETICAL DRAFT — NOT LAW: the act's exclusion decision plus rules.18.10 and its fact.\n"
        + yaml.safe_dump(decision, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return root


def main() -> int:
    from engine import load_library
    from engine.tools.comparer import Comparer, Side
    from engine.tools.diff import diff_editions
    from engine.tools.selection import select_edition
    from engine.tools.symbolic.exact import exact_diff
    from engine.tools.symbolic.problem import workday_table

    with tempfile.TemporaryDirectory(prefix="ereje-exact-bench-") as tmp:
        root = policies_with_drafts(Path(tmp))
        started = time.perf_counter()
        library = load_library(root)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        workday_table(library.calendar())
        table = time.perf_counter() - started
        print(f"exact diff (z3), lists ≤ {K}: library load {loaded:.2f} s, working-day table {table:.2f} s")
        act = library.act(ACT)
        old = select_edition(library, ACT, CURRENT)
        drafts = sorted(e.amendment.id for e in library.editions(ACT) if e.draft)
        worst = 0.0
        for draft in drafts:
            new = select_edition(library, ACT, f"draft:{draft}")
            for scope in ("changed", "all"):
                d = diff_editions(act, old, act, new)
                comparer = Comparer(Side(root, library, act, old), Side(root, library, act, new))
                started = time.perf_counter()
                results = exact_diff(
                    d, comparer, k=K, decisions=None if scope == "changed" else list(act.decisions)
                )
                if scope == "all":  # the decisions the structural diff does not list: proved too
                    from engine.tools.diff import DecisionChange

                    listed = {dc.decision for dc in d.decisions}
                    extra = [
                        DecisionChange(n, [], True, [], [], []) for n in act.decisions if n not in listed
                    ]
                    d.decisions.extend(extra)
                    results.update(exact_diff(d, comparer, k=K, decisions=[x.decision for x in extra]))
                total = time.perf_counter() - started
                if scope == "changed":
                    worst = max(worst, total)
                print(
                    f"\n{old.id} → draft:{draft} ({'decisions the draft changes' if scope == 'changed' else 'every decision'})"
                )
                for name, r in results.items():
                    print(f"  {name:<14} {r.seconds:6.2f} s  {r.status:<12} {len(r.changes)} change(s)")
                print(f"  {'total':<14} {total:6.2f} s")
        verdict = "met" if worst < TARGET else "MISSED"
        print(f"\nslowest draft (decisions it changes): {worst:.2f} s; target {TARGET:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
