"""The review bundle: one page a reviewer reads end to end before accepting an amendment.

`ereje review --from A --to B [-o DIR]` writes DIR/review.html (self-contained) and
DIR/review.json with, in order:

1. provenance of the amending act (number, dates, publication status, the entry-into-force rule
   and what it gives, draft or in force) and a check of what the amendment file says it changed
   against the clause versions that name it;
2. the semantic diff: text (word level, per language) and rules (structural), the decisions
   whose feeding clauses changed, and the exact diff of each (`engine.tools.symbolic.exact`): every
   distinct change of its outcome and computed values with a witness case the engine confirms,
   or "equivalent (proved, lists ≤ K)", or what stayed unknown within the time budget;
3. the scenarios added or changed: with `--base-ref REV`, the feature files compared with the
   revision scenario by scenario (and the unified diff); otherwise the scenarios tagged with the
   changed clauses;
4. the traceability status of the changed clauses, read from the scenario results the features
   write (`test-output/trace-results.json`); without it, a note saying how to produce it;
5. the impact on the act's example cases (the shipped example corpus), on a generated corpus
   (fixed seed) and on a corpus given with `--corpus`; the corpora used are written next to the
   page so every figure can be reproduced with `ereje impact`.

Reading git (the base tree, the base features) is done here with `git archive` / `git show` /
`git ls-tree`; nothing is ever written to the repository.
"""

from __future__ import annotations

import difflib
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from ..casecodec import case_text
from ..edition import Edition
from ..errors import ErejeError
from ..library import Library
from ..policy import Act, Amendment
from .comparer import Comparer, Side
from .diff import EditionDiff, diff_editions
from .htmlreport import diff_sections, esc, impact_sections, json_block, page, tag
from .impact import Setup, run_impact
from .symbolic.exact import exact_diff


class GitError(ErejeError, RuntimeError):
    """git could not give the revision asked for."""


# ---- git ---------------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git could not run: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return done.stdout


def repo_root(path: Path) -> Path:
    start = path if path.is_dir() else path.parent
    return Path(_git(["rev-parse", "--show-toplevel"], start.resolve()).decode().strip())


def tree_at(rev: str, directory: Path, into: Path) -> Path:
    """Extract `directory` (inside a git work tree) as it is at `rev` into `into`; return its copy."""
    if not rev or rev.startswith("-"):
        raise GitError(f"{rev!r} is not a revision")
    root = repo_root(directory)
    rel = directory.resolve().relative_to(root).as_posix()
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    listed = _git(["ls-tree", "--name-only", rev, "--", rel], root).decode().strip()
    if not listed:
        raise GitError(f"{rel}/ does not exist at {rev}")
    data = _git(["archive", "--format=tar", rev, "--", rel], root)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        archive.extractall(into, filter="data")
    return into / rel


class BaseTree:
    """The policy tree at a git revision, in a temporary directory removed on exit."""

    def __init__(self, rev: str, policies: Path) -> None:
        self.rev = rev
        self.policies = policies
        self._tmp = tempfile.TemporaryDirectory(prefix="ereje-base-")
        try:
            self.path = tree_at(rev, policies, Path(self._tmp.name))
        except BaseException:
            self._tmp.cleanup()
            raise

    def __enter__(self) -> BaseTree:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._tmp.cleanup()


# ---- provenance --------------------------------------------------------------------------------


def provenance(act: Act, edition: Edition) -> dict[str, Any]:
    a: Amendment = edition.amendment
    entry = a.entry_into_force()
    raw = a.raw
    listed = [c.get("clause") for c in a.changes]
    versions = [
        cid for cid, clause in act.clauses.items() if any(v.amendment == a.id for v in clause.versions)
    ]

    def covered(cid: str) -> bool:
        return any(cid == x or (x.endswith(".*") and cid.startswith(x[:-1])) for x in listed if x)

    return {
        "amendment": a.id,
        "number": a.number,
        "form": raw.get("form"),
        "title": raw.get("title"),
        "status": "DRAFT — not law" if a.status == "draft" else "in force",
        "signed": a.signed.isoformat(),
        "publication": {
            "status": (raw.get("publication") or {}).get("status", "unknown"),
            "date": a.publication.isoformat() if a.publication else None,
            "source": (raw.get("publication") or {}).get("source"),
        },
        "entry_into_force": {
            "rule": a.rule,
            "days": a.days,
            "text": (raw.get("entry_into_force") or {}).get("text"),
            "note": a.note,
            "applies_from": None if a.status == "draft" else entry.start.isoformat(),
            "certain": entry.certain,
            "explanation": a.note if a.status == "draft" and a.note else entry.explanation,
        },
        "changes": a.changes,
        "notes": raw.get("notes") or raw.get("note"),
        "file": a.file,
        "check": {
            "listed_without_version": [x for x in listed if x and "*" not in x and x not in versions],
            "versions_not_listed": [cid for cid in versions if not covered(cid)],
        },
    }


# ---- scenarios ---------------------------------------------------------------------------------


def _scenarios(text: str, rel: str) -> dict[str, dict[str, Any]]:
    from .features import read_feature

    scenarios, _ = read_feature(text, f"features/{rel}", rel)
    lines = text.splitlines()
    starts = [s.line for s in scenarios] + [len(lines) + 1]
    out = {}
    for k, s in enumerate(scenarios):
        first = s.line - 1
        while first > 0 and lines[first - 1].strip().startswith("@"):
            first -= 1  # its own tags count: a changed @clause tag changes what it covers
        chunk = [x.rstrip() for x in lines[first : starts[k + 1] - 1]]
        while chunk and (not chunk[-1].strip() or chunk[-1].strip().startswith("@")):
            chunk.pop()  # the next scenario's tags
        body = "\n".join(chunk).strip()
        out[s.name] = {"name": s.name, "line": s.line, "clauses": list(s.clauses), "body": body}
    return out


def scenarios_against(rev: str, features: Path) -> dict[str, Any]:
    """Feature files and scenarios added, removed or changed since `rev`."""
    root = repo_root(features)
    rel = features.resolve().relative_to(root).as_posix()
    base_names = [
        n
        for n in _git(["ls-tree", "-r", "--name-only", rev, "--", rel], root).decode().splitlines()
        if n.endswith(".feature")
    ]
    base = {Path(n).name: n for n in base_names}
    work = {p.name: p for p in sorted(features.glob("*.feature"))}
    files = []
    for name in sorted(set(base) | set(work)):
        old_text = (
            _git(["show", f"{rev}:{base[name]}"], root).decode("utf-8", "replace") if name in base else ""
        )
        new_text = work[name].read_text(encoding="utf-8") if name in work else ""
        if old_text == new_text:
            continue
        status = "added" if name not in base else "removed" if name not in work else "modified"
        old_s, new_s = _scenarios(old_text, name), _scenarios(new_text, name)
        files.append(
            {
                "file": f"{rel}/{name}",
                "status": status,
                "added": [new_s[n] for n in new_s if n not in old_s],
                "removed": [old_s[n] for n in old_s if n not in new_s],
                "changed": [new_s[n] for n in new_s if n in old_s and old_s[n]["body"] != new_s[n]["body"]],
                "diff": "".join(
                    difflib.unified_diff(
                        old_text.splitlines(keepends=True),
                        new_text.splitlines(keepends=True),
                        f"{rev}:{rel}/{name}",
                        f"{rel}/{name}",
                    )
                ),
            }
        )
    return {"mode": "git", "base_ref": rev, "files": files}


def scenarios_tagged(features: Path, act: str, clauses: set[str]) -> dict[str, Any]:
    from .features import read_features

    index = read_features(features)
    found: list[dict[str, Any]] = [
        {
            "feature": s.feature,
            "line": s.line,
            "name": s.name,
            "clauses": [c for c in s.clauses if c in clauses],
        }
        for s in index.scenarios
        if s.act == act and clauses & set(s.clauses)
    ]
    untested = sorted(clauses - {c for s in found for c in s["clauses"]})
    return {
        "mode": "tags",
        "clauses": sorted(clauses),
        "scenarios": found,
        "clauses_without_scenario": untested,
    }


# ---- traceability ------------------------------------------------------------------------------


def traceability(act: Act, features: Path, results: Path, clauses: set[str]) -> dict[str, Any]:
    from .trace import ResultsError, build_trace, load_results

    try:
        data = load_results(results)
    except ResultsError as exc:
        return {"available": False, "note": f"{exc} — traceability status not shown", "clauses": []}
    trace = build_trace(act, features, data, results)
    rows = []
    for c in trace.clauses:
        if c.id not in clauses:
            continue
        rows.append(
            {
                "clause": c.id,
                "kind": c.kind,
                "gate": c.gate,
                "scenarios": [
                    {
                        "feature": s.scenario.feature,
                        "line": s.scenario.line,
                        "name": s.scenario.name,
                        "result": s.result,
                    }
                    for s in c.scenarios
                ],
                "problems": c.problems,
            }
        )
    missing = sorted(clauses - {r["clause"] for r in rows})
    return {
        "available": True,
        "results": str(results),
        "written": trace.results_written,
        "clauses": rows,
        "not_in_act": missing,
        "problems": trace.problems,
    }


# ---- the bundle --------------------------------------------------------------------------------


def _example_corpus(act: Act, path: Path) -> int:
    from .casegen import example_cases

    examples = example_cases(act)
    with path.open("w", encoding="utf-8") as fh:
        for e in examples:
            line = {"question": e["question"], "as_of": e["as_of"].isoformat(), "case": e["case"], "example": e["file"]}
            fh.write(case_text(line, None) + "\n")  # exact decimals, as the codec reads them
    return len(examples)


def build_review(
    old_library: Library,
    old_root: Path,
    old: Edition,
    new_library: Library,
    new_root: Path,
    new: Edition,
    out_dir: Path,
    *,
    features: Path,
    results: Path,
    base_ref: str | None = None,
    corpus: Path | None = None,
    cases: int = 1000,
    seed: int = 624,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Build the bundle, write review.json, review.html and the corpora into `out_dir`."""
    from .casegen import GenerationError, corpus_for, write_corpus

    act_old, act_new = old_library.act(old.act), new_library.act(new.act)
    out_dir.mkdir(parents=True, exist_ok=True)
    d: EditionDiff = diff_editions(act_old, old, act_new, new)
    comparer = Comparer(Side(old_root, old_library, act_old, old), Side(new_root, new_library, act_new, new))
    exact_diff(d, comparer)
    changed = {c.clause for c in d.clauses}
    if base_ref:
        scenarios = scenarios_against(base_ref, features)
    else:
        scenarios = scenarios_tagged(features, act_new.id, changed)
    trace = traceability(act_new, features, results, changed)
    setup = Setup(str(old_root), str(new_root), act_new.id, old.id, new.id)
    impacts = []
    examples_path = out_dir / "corpus-examples.jsonl"
    if _example_corpus(act_new, examples_path):
        impacts.append(("the act's example cases", examples_path))
    notes = []
    if cases > 0:
        generated = out_dir / "corpus-generated.jsonl"
        try:
            # Cases as they are written today: under the edition compared with, unless it decides nothing.
            try:
                source = corpus_for(act_old, old, None, seed)
            except GenerationError:
                source = corpus_for(act_new, new, None, seed)
            with generated.open("w", encoding="utf-8") as fh:
                write_corpus(source, cases, fh)
            impacts.append((f"{cases} generated cases (seed {seed}, {source.edition.id} schemas)", generated))
        except GenerationError as exc:
            notes.append(f"no generated corpus: {exc}")
    if corpus is not None:
        impacts.append(("the corpus given", corpus))
    impact = []
    for label, path in impacts:
        report = run_impact(comparer, setup, path, jobs=jobs).to_dict()
        report["label"] = label
        report["corpus"] = path.name if path.parent == out_dir else str(path)
        impact.append(report)
        if report["facts_only"]:
            # The editions read different facts: the same corpus again with the facts a case lacks
            # drawn by the generator, so the change is measured on cases both editions can read.
            filled_comparer = Comparer(comparer.old, comparer.new, seed)
            filled_setup = Setup(setup.old_root, setup.new_root, setup.act, old.id, new.id, seed)
            again = run_impact(filled_comparer, filled_setup, path, jobs=jobs).to_dict()
            again["label"] = f"{label}, facts one edition lacks generated (seed {seed})"
            again["corpus"] = report["corpus"]
            impact.append(again)
    bundle = {
        "format": "ereje-review/1",
        "act": act_new.id,
        "from": d.to_dict()["from"],
        "to": d.to_dict()["to"],
        "base_ref": base_ref,
        "provenance": {"to": provenance(act_new, new), "from": provenance(act_old, old)},
        "diff": d.to_dict(),
        "scenarios": scenarios,
        "traceability": trace,
        "impact": impact,
        "notes": notes,
        "reproduce": [
            f"ereje diff {act_new.id} --from {old.id} --to {('draft:' + new.amendment.id) if new.draft else new.id}",
            *(
                f"ereje impact --act {act_new.id} --from {old.id} --to "
                f"{('draft:' + new.amendment.id) if new.draft else new.id} {r['corpus']}"
                + (f" --fill-missing --seed {r['fill_missing']['seed']}" if r.get("fill_missing") else "")
                for r in impact
            ),
        ],
    }
    (out_dir / "review.json").write_text(
        json.dumps(bundle, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    (out_dir / "review.html").write_text(render_html(bundle), encoding="utf-8")
    return bundle


# ---- HTML ----------------------------------------------------------------------------------------


def _provenance_html(p: dict[str, Any], title: str) -> str:
    e = p["entry_into_force"]
    rows = [
        ("amending act", f"{p['amendment']}" + (f" (No. {p['number']})" if p["number"] else "")),
        ("status", p["status"]),
        ("title", "; ".join(f"{k}: {v}" for k, v in (p.get("title") or {}).items() if v) or "not recorded"),
        ("signed" if not p["status"].startswith("DRAFT") else "dated (a draft is not signed)", p["signed"]),
        (
            "publication",
            f"{p['publication']['status']}"
            + (f", {p['publication']['date']}" if p["publication"]["date"] else "")
            + (f" ({p['publication']['source']})" if p["publication"].get("source") else ""),
        ),
        ("entry into force rule", e["rule"] + (f", {e['days']} days" if e.get("days") is not None else "")),
        ("rule as written", "; ".join(f"{k}: {v}" for k, v in (e.get("text") or {}).items() if v) or "—"),
        (
            "applies from",
            "never: a draft is not law"
            if e["applies_from"] is None
            else e["applies_from"] + ("" if e["certain"] else " — UNCERTAIN, the earliest possible day"),
        ),
        ("explanation", e["explanation"]),
        ("file", p["file"]),
    ]
    out = [f"<h3>{esc(title)}</h3><table>"]
    out.extend(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    out.append("</table>")
    if p.get("notes"):
        out.append(f'<p class="small">{esc(p["notes"])}</p>')
    out.append("<h4>What the amendment file says it changed</h4><ul>")
    for c in p["changes"]:
        out.append(
            f"<li><code>{esc(c.get('clause'))}</code>: {esc(c.get('change'))}"
            + (f" — {esc(c['note'])}" if c.get("note") else "")
            + "</li>"
        )
    out.append("</ul>")
    check = p["check"]
    if check["listed_without_version"]:
        out.append(
            '<div class="note">Listed in the amendment file but no clause version names it: '
            + esc(", ".join(check["listed_without_version"]))
            + "</div>"
        )
    if check["versions_not_listed"]:
        out.append(
            '<div class="note">Clause versions name this amendment but the file does not list them: '
            + esc(", ".join(check["versions_not_listed"]))
            + "</div>"
        )
    return "".join(out)


def _scenarios_html(s: dict[str, Any]) -> str:
    out = []
    if s["mode"] == "git":
        out.append(f"<p>Feature files compared with <code>{esc(s['base_ref'])}</code>.</p>")
        if not s["files"]:
            out.append("<p>No feature file changed.</p>")
        for f in s["files"]:
            out.append(f"<h3><code>{esc(f['file'])}</code>{tag(f['status'], 'changed')}</h3><ul>")
            for kind in ("added", "changed", "removed"):
                for sc in f[kind]:
                    out.append(
                        f'<li>{esc(kind)}: {esc(sc["name"])} <span class="small muted">line {sc["line"]}; '
                        f"{esc(', '.join(sc['clauses']))}</span></li>"
                    )
            out.append("</ul>")
            if f["diff"]:
                out.append(f"<details><summary>unified diff</summary><pre>{esc(f['diff'])}</pre></details>")
    else:
        out.append(
            "<p>Scenarios tagged with the changed clauses (give <code>--base-ref</code> to compare the "
            "feature files with a git revision).</p><table><tr><th>scenario</th><th>clauses</th></tr>"
        )
        for sc in s["scenarios"]:
            out.append(
                f"<tr><td>{esc(sc['feature'])}:{sc['line']} {esc(sc['name'])}</td>"
                f"<td>{esc(', '.join(sc['clauses']))}</td></tr>"
            )
        out.append("</table>")
        if s["clauses_without_scenario"]:
            out.append(
                '<div class="note">Changed clauses no scenario tags: '
                + esc(", ".join(s["clauses_without_scenario"]))
                + "</div>"
            )
    return "".join(out)


def _trace_html(t: dict[str, Any]) -> str:
    if not t["available"]:
        return f'<div class="note">{esc(t["note"])}</div>'
    out = [
        f"<p>From <code>{esc(t['results'])}</code>"
        + (f", written {esc(t['written'])}" if t.get("written") else "")
        + ".</p><table><tr><th>clause</th><th>kind</th><th>gate</th><th>scenarios (last result)</th></tr>"
    ]
    for c in t["clauses"]:
        gate = tag(
            c["gate"], "ok" if c["gate"] == "ok" else "failing" if c["gate"] == "failing" else "reenacted"
        )
        scen = "<br>".join(
            f"{esc(s['result'])}: {esc(s['feature'])}:{s['line']} {esc(s['name'])}" for s in c["scenarios"]
        )
        probs = "".join(f'<div class="small">✗ {esc(p)}</div>' for p in c["problems"])
        out.append(
            f"<tr><td><code>{esc(c['clause'])}</code></td><td>{esc(c['kind'])}</td><td>{gate}</td>"
            f"<td>{scen or '—'}{probs}</td></tr>"
        )
    out.append("</table>")
    for p in t.get("problems", []):
        out.append(f'<div class="note">{esc(p)}</div>')
    return "".join(out)


def _impact_summary_html(impact: list[dict[str, Any]]) -> str:
    """At the top of the page: per corpus, the cases each edition could not read, and the changes
    (section 5 has the detail), so a corpus the draft cannot read never looks like "no effect"."""
    if not impact:
        return ""
    out = [
        '<table><tr><th>corpus</th><th class="num">cases</th><th class="num">invalid under from</th>'
        '<th class="num">invalid under to</th><th class="num">flip</th><th class="num">other values</th></tr>'
    ]
    for r in impact:
        t = r["totals"]
        out.append(
            f'<tr><td>{esc(r["label"])}</td><td class="num">{t["cases"]:,}</td>'
            f'<td class="num">{t["invalid_under_from"]:,}</td><td class="num">{t["invalid_under_to"]:,}</td>'
            f'<td class="num">{t["flipped"]:,}</td><td class="num">{t["values_changed"]:,}</td></tr>'
        )
    out.append("</table>")
    return "".join(out)


def render_html(b: dict[str, Any]) -> str:
    draft = b["to"].get("draft") or b["from"].get("draft")
    body = [
        f"<h1>Review: {esc(b['act'])}, {esc(b['from']['id'])} → {esc(b['to']['id'])}</h1>",
        '<p class="muted small">ereje review bundle'
        + (f"; base revision {esc(b['base_ref'])}" if b.get("base_ref") else "")
        + "</p>",
        '<nav><ol><li><a href="#provenance">Provenance</a></li><li><a href="#diff">Text and rule diff</a></li>'
        '<li><a href="#scenarios">Scenarios</a></li><li><a href="#trace">Traceability</a></li>'
        '<li><a href="#impact">Impact</a></li><li><a href="#reproduce">Reproduce</a></li></ol></nav>',
    ]
    body.extend(f'<div class="note">{esc(n)}</div>' for n in b["diff"].get("notes", []))
    body.append(_impact_summary_html(b["impact"]))
    body.append('<h2 id="provenance">1. Provenance</h2>')
    body.append(_provenance_html(b["provenance"]["to"], "The amendment under review"))
    body.append(_provenance_html(b["provenance"]["from"], "The edition it is compared with"))
    body.append('<h2 id="diff">2. Text and rule diff</h2>')
    body.append(diff_sections(b["diff"], heading_level=3))
    body.append('<h2 id="scenarios">3. Scenarios added or changed</h2>')
    body.append(_scenarios_html(b["scenarios"]))
    body.append('<h2 id="trace">4. Traceability of the changed clauses</h2>')
    body.append(_trace_html(b["traceability"]))
    body.append('<h2 id="impact">5. Impact</h2>')
    body.extend(f'<div class="note">{esc(n)}</div>' for n in b.get("notes", []))
    for r in b["impact"]:
        body.append(f'<p class="muted">{esc(r["label"])}</p>')
        body.append(impact_sections(r, heading_level=3))
    body.append('<h2 id="reproduce">6. Reproduce</h2><pre>' + esc("\n".join(b["reproduce"])) + "</pre>")
    body.append(json_block({"from": b["from"], "to": b["to"]}, "editions (JSON)"))
    return page(
        f"Review {b['from']['id']} → {b['to']['id']}",
        "".join(body),
        "HYPOTHETICAL / DRAFT AMENDMENT — NOT LAW, FOR REVIEW ONLY" if draft else None,
    )
