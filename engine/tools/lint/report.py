"""The monitoring report as text, JSON and one self-contained HTML page."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from ...decide import jsonable
from ..stability import changes_of, stability
from ..stability import render_text as stability_text
from .model import KINDS, RANK, SEVERITIES, Finding, Report

# ---- stability, from engine/tools/stability.py ------------------------------------------


def stability_section(library: Any, act_ids: list[str], as_of: dt.date) -> dict[str, Any]:
    """The figures of `ereje stability` for the acts (engine/tools/stability.py), or why they failed.

    Called, not copied: the lint shows what `ereje stability` computes, with windows of 12 and
    24 months ending on the lint's date, and per clause the number of changes recorded.
    """
    try:
        figures = stability([library.act(a) for a in act_ids], windows=["12m", "24m"], as_of=as_of)
        text = stability_text(figures)
    except Exception as exc:  # another module's failure is reported, never hidden, never fatal
        return {"available": False, "note": f"engine.tools.stability.stability failed: {type(exc).__name__}: {exc}"}
    per_clause: dict[str, dict[str, int]] = {}
    for a in act_ids:
        try:
            _, changes = changes_of(library.act(a))
        except Exception:
            continue
        counts: dict[str, int] = {}
        for c in changes:
            counts[c.clause] = counts.get(c.clause, 0) + 1
        per_clause[a] = counts
    return {
        "available": True,
        "source": "engine.tools.stability.stability",
        "figures": jsonable(figures),
        "text": text,
        "clause_changes": per_clause,
    }


def clause_changes(report: Report, act: str, clause: str | None) -> int | None:
    """How many recorded changes the clause has had (amending acts after the adoption)."""
    section = report.stability or {}
    if not section.get("available") or clause is None:
        return None
    counts = section.get("clause_changes", {}).get(act)
    if counts is None:
        return None
    return counts.get(clause, 0)


# ---- text ------------------------------------------------------------------------------------------


def render_text(report: Report, verbose: bool = False, lang: str = "en") -> str:
    """The report as text; each finding's sentence in `lang` (the frame is English)."""
    out: list[str] = []
    counts = report.counts()
    out.append(f"ereje lint — as of {report.as_of.isoformat()} (search budget {report.budget:,} cases)")
    for a in report.acts:
        out.append(
            f"  {a.act} [{a.level}] edition {a.edition or 'none'}: {len(a.decisions)} decision(s), "
            f"{a.searches} search(es), {a.evaluations:,} evaluation(s)"
        )
    out.append("")
    for f in report.findings:
        out.append(_finding_line(f, clause_changes(report, f.act, f.clause), lang))
        if f.kind == "wording_risk":
            d = f.details
            out.append(f'    category {d["category"]} · family {d["family"]} · phrase "{d["phrase"]}"')
            out.append(f"    context: {d['context']}")
            out.append(f"    fix: {d['fix']}")
        elif f.settled:
            out.append(f"    settled: {f.settled}")
        elif f.details.get("fix"):
            out.append(f"    fix: {f.details['fix']}")
        if f.witness is not None:
            out.append(f"    witness (decided on {f.witness.as_of.isoformat()}):")
            for line in json.dumps(f.witness.case, ensure_ascii=False, sort_keys=True).splitlines():
                out.append(f"      case: {line}")
            for ans in f.witness.answers:
                out.append("      " + _answer_text(ans))
        if f.kind == "hierarchy_conflict":
            for note in f.details.get("basis_notes", []):
                out.append(f"    note: {note}")
            together = f.details.get("editions_together", {})
            if together:
                out.append(
                    f"    editions in force together from {together.get('from')}"
                    f" until {together.get('until') or 'now'}"
                    + (
                        f" (entry into force uncertain: {', '.join(together['uncertain_entry_into_force'])})"
                        if together.get("uncertain_entry_into_force")
                        else ""
                    )
                )
    if report.acknowledged:
        out.append("")
        out.append(
            f"acknowledged in the policy files ({len(report.acknowledged)}; not counted by --fail-on):"
        )
        for f in report.acknowledged:
            a = f.acknowledged
            out.append(f"  {f.where}: {f.severity} [{f.kind}] {f.clause or ''} {f.text(lang)[:100]}")
            out.append(f"    acknowledged at {a.file}:{a.line}: {a.reason}")
    notes = [(a.act, n) for a in report.acts for n in a.notes]
    if notes:
        out.append("")
        out.append("notes:")
        out.extend(f"  {act}: {n}" for act, n in notes)
    out.append("")
    out.append(_stability_text(report.stability))
    out.append("")
    sev = counts["by_severity"]
    out.append(
        f"{len(report.findings)} finding(s): {sev['error']} error(s), {sev['warning']} warning(s), {sev['info']} info"
    )
    if report.settled:
        out.append(
            f"{len(report.settled)} finding(s) the declared outcome order settles are not shown "
            f"({', '.join(f'{k} {v}' for k, v in _kinds(report.settled).items())}); --show-settled lists them"
        )
    out.append("by kind: " + ", ".join(f"{k} {v}" for k, v in counts["by_kind"].items()))
    return "\n".join(out)


def _kinds(findings: list[Finding]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f.kind] = out.get(f.kind, 0) + 1
    return out


def _finding_line(f: Finding, changes: int | None = None, lang: str = "en") -> str:
    where = f.where
    head = f"{where}: {f.severity} [{f.kind}{', settled' if f.settled else ''}]"
    if f.clause:
        head += f" {f.clause}"
        if changes is not None:
            head += f" (changes recorded: {changes})"
    return f"{head}: {f.text(lang)}"


def _answer_text(ans: dict[str, Any]) -> str:
    if "refused" in ans:
        problems = "; ".join(
            f"{p.get('pointer') or '/'}: {p.get('message')}" for p in ans.get("problems", [])
        )
        return f"{ans['act']} '{ans['question']}': refused — {ans['refused']}" + (
            f" ({problems})" if problems else ""
        )
    cites = ", ".join(f"{c['clause']} ({c['role']})" for c in ans.get("citations", []))
    return f"{ans['act']} '{ans['question']}' → {ans['outcome']}, citing {cites or 'nothing'}"


def _stability_text(section: dict[str, Any]) -> str:
    if not section:
        return "stability: not requested"
    if not section.get("available"):
        return f"stability: {section.get('note')}"
    if section.get("text"):
        return "stability (from `ereje stability`, engine/tools/stability.py):\n" + section["text"]
    return (
        "stability ("
        + section.get("source", "")
        + "):\n"
        + json.dumps(section.get("figures"), ensure_ascii=False, indent=2, default=str)
    )


# ---- JSON --------------------------------------------------------------------------------------------


def render_json(report: Report, lang: str = "en") -> str:
    """The report as JSON: each finding's stable `code` and `params`, its `message` in `lang`."""
    return json.dumps(jsonable(report.to_dict(lang)), ensure_ascii=False, indent=2, default=str)


# ---- HTML --------------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f7f8fa}
header{background:#0b3c5d;color:#fff;padding:1rem 1.5rem}header h1{margin:0;font-size:1.35rem}
main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;background:#fff}
th,td{border:1px solid #d5dae0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}
.f{background:#fff;border:1px solid #d5dae0;border-left:6px solid #999;margin:.6rem 0;padding:.5rem .8rem}
.f.error{border-left-color:#b3261e}.f.warning{border-left-color:#c77700}.f.info{border-left-color:#3a6ea5}
.sev{font-weight:700;text-transform:uppercase;font-size:.8rem}.error .sev{color:#b3261e}
.warning .sev{color:#a05f00}.info .sev{color:#3a6ea5}
.where{font-family:ui-monospace,Menlo,monospace;font-size:.85rem;color:#4a5560}
pre{background:#f2f4f7;padding:.5rem;overflow:auto;font-size:.82rem}
code{font-family:ui-monospace,Menlo,monospace}
details summary{cursor:pointer;color:#0b3c5d}
nav a{margin-right:.8rem}
a:focus,summary:focus{outline:3px solid #f2a900}
@media (max-width:40rem){main{padding:.5rem}}
"""


def render_html(report: Report, lang: str = "en") -> str:
    e = html.escape
    counts = report.counts()
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>Ereje monitoring report — {e(report.as_of.isoformat())}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>Legal monitoring report</h1><div>As of {e(report.as_of.isoformat())} · "
        f"search budget {report.budget:,} cases per search</div></header><main>",
        "<nav><a href='#acts'>Acts</a><a href='#summary'>Summary</a><a href='#findings'>Findings</a>"
        "<a href='#stability'>Stability</a><a href='#notes'>Notes</a></nav>",
        "<h2 id='acts'>Acts checked</h2><table><tr><th>Act</th><th>Level</th><th>Edition in force</th>"
        "<th>Decisions</th><th>Searches</th><th>Evaluations</th></tr>",
    ]
    for a in report.acts:
        parts.append(
            f"<tr><td><b>{e(a.act)}</b><br>{e(a.title or '')}</td><td>{e(a.level)}</td><td>{e(a.edition or 'none')}</td>"
            f"<td>{e(', '.join(a.decisions))}</td><td>{a.searches}</td><td>{a.evaluations:,}</td></tr>"
        )
    parts.append("</table>")
    if report.acknowledged:
        parts.append(
            f"<h2 id='acknowledged'>Acknowledged ({len(report.acknowledged)})</h2><p>Findings accepted in the "
            "policy files with a reason; <code>--fail-on</code> does not count them.</p><table><tr><th>Finding</th>"
            "<th>Where</th><th>Reason</th></tr>"
        )
        for f in report.acknowledged:
            a = f.acknowledged
            parts.append(
                f"<tr><td>{e(f.severity)} [{e(f.kind)}] {e(f.clause or '')}: <span lang='{e(lang)}'>{e(f.text(lang))}</span></td>"
                f"<td>{e(a.file)}:{a.line}</td><td>{e(a.reason)}</td></tr>"
            )
        parts.append("</table>")
    if report.settled:
        kinds = ", ".join(f"{k} {v}" for k, v in _kinds(report.settled).items())
        parts.append(
            f"<p>{len(report.settled)} finding(s) the declared outcome order settles are not shown ({e(kinds)}); "
            "<code>ereje lint --show-settled</code> lists them.</p>"
        )
    parts.append("<h2 id='summary'>Summary</h2><table><tr><th>Kind</th><th>Definition</th>")
    parts.extend(f"<th>{s}</th>" for s in SEVERITIES)
    parts.append("</tr>")
    for kind, definition in KINDS.items():
        row = [f for f in report.findings if f.kind == kind]
        if not row:
            continue
        cells = "".join(f"<td>{sum(1 for f in row if f.severity == s)}</td>" for s in SEVERITIES)
        parts.append(f"<tr><td><a href='#k-{kind}'>{e(kind)}</a></td><td>{e(definition)}</td>{cells}</tr>")
    sev = counts["by_severity"]
    parts.append(
        f"<tr><th colspan='2'>Total {len(report.findings)}</th>"
        + "".join(f"<th>{sev[s]}</th>" for s in SEVERITIES)
        + "</tr></table>"
    )
    parts.append("<h2 id='findings'>Findings</h2>")
    current = None
    worst: dict[str, int] = {}
    for f in report.findings:
        worst[f.kind] = min(worst.get(f.kind, 9), RANK[f.severity])
    order = list(KINDS)
    for f in sorted(report.findings, key=lambda x: (worst[x.kind], order.index(x.kind), x.key())):
        if f.kind != current:
            current = f.kind
            parts.append(f"<h3 id='k-{e(f.kind)}'>{e(f.kind)}</h3>")
        parts.append(_finding_html(f, clause_changes(report, f.act, f.clause), lang))
    parts.append("<h2 id='stability'>Stability</h2>")
    st = report.stability
    if st and st.get("available"):
        parts.append(
            f"<p>From <code>{e(st.get('source', ''))}</code> (<code>ereje stability</code>):</p><pre>"
            + e(st.get("text") or json.dumps(st.get("figures"), ensure_ascii=False, indent=2, default=str))
            + "</pre>"
        )
    else:
        parts.append(f"<p>{e((st or {}).get('note', 'not requested'))}</p>")
    parts.append("<h2 id='notes'>Notes</h2><ul>")
    for a in report.acts:
        parts.extend(f"<li><b>{e(a.act)}</b>: {e(n)}</li>" for n in a.notes)
    parts.append(
        "</ul><p>Definitions of every check and the witness method: docs/monitoring.md. "
        "English clause texts are unofficial working translations or paraphrases where so marked.</p>"
    )
    parts.append("</main></body></html>")
    return "".join(parts)


def _finding_html(f: Finding, changes: int | None = None, lang: str = "en") -> str:
    e = html.escape
    out = [
        f"<div class='f {e(f.severity)}'><span class='sev'>{e(f.severity)}</span> "
        f"<span class='where'>{e(f.where)}</span>"
    ]
    if f.clause:
        out.append(f" · clause <code>{e(f.clause)}</code>")
        if changes is not None:
            out.append(f" · changes recorded: {changes} (stability)")
    if f.decision:
        out.append(f" · decision <code>{e(f.decision)}</code>")
    out.append(f"<p lang='{e(lang)}'>{e(f.text(lang))}</p>")
    d = f.details
    if f.kind == "wording_risk":
        out.append(
            f"<p>Phrase <b>“{e(d['phrase'])}”</b> ({e(d['lang'])}) · category <code>{e(d['category'])}</code> · "
            f"family <code>{e(d['family'])}</code> — {e(d.get('family_title') or '')}</p>"
            f"<p class='where'>{e(d['context'])}</p><p>Suggested fix: {e(d['fix'])}</p>"
        )
    elif d.get("fix"):
        out.append(f"<p>Suggested fix: {e(d['fix'])}</p>")
    if f.kind == "hierarchy_conflict":
        for note in d.get("basis_notes", []):
            out.append(f"<p>Note: {e(note)}</p>")
    if f.clauses:
        out.append("<p>Citations: " + ", ".join(f"<code>{e(c)}</code>" for c in f.clauses) + "</p>")
    if f.witness is not None:
        w = f.witness
        out.append(
            f"<details><summary>Witness case (decided on {e(w.as_of.isoformat())})</summary><pre>"
            + e(json.dumps(w.case, ensure_ascii=False, indent=2, sort_keys=True))
            + "</pre><ul>"
        )
        out.extend(f"<li>{e(_answer_text(a))}</li>" for a in w.answers)
        out.append("</ul></details>")
    out.append("</div>")
    return "".join(out)
