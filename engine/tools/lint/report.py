"""The monitoring report as text, JSON and one self-contained HTML page."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from ...decide import jsonable
from ...i18n import N_, say, text, text_or
from ..stability import changes_of, stability
from ..stability import render_text as stability_text
from .model import KINDS, RANK, SEVERITIES, Finding, Report, said_in

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
        # The note is said in the report's language (`Report.to_dict`, the text and HTML renderings);
        # the error itself is Python's own words, quoted as they are.
        failed = say("lint.report.stability_failed", source="engine.tools.stability.stability",
                     error=f"{type(exc).__name__}: {exc}")
        return {"available": False, "note": failed}
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
#
# The frame of the report (headings, labels, the per-act notes) is said in the reader's language
# like the findings; the machine tokens stay as they are in every language: file:line, severity
# and kind (what --fail-on and a grep name), clause ids, outcome ids, the witness case's JSON.


def render_text(report: Report, verbose: bool = False, lang: str = "en") -> str:
    """The report as text: each finding's sentence and the report's frame in `lang`."""
    out: list[str] = []
    counts = report.counts()
    out.append(text("lint.report.head", lang, day=report.as_of.isoformat(), budget=f"{report.budget:,}"))
    for a in report.acts:
        out.append(
            "  "
            + text("lint.report.act_line", lang, act=a.act, level=a.level,
                   edition=a.edition or text("lint.report.no_edition", lang), decisions=len(a.decisions),
                   searches=a.searches, evaluations=f"{a.evaluations:,}")
        )
    out.append("")
    for f in report.findings:
        out.append(_finding_line(f, clause_changes(report, f.act, f.clause), lang))
        if f.kind == "wording_risk":
            d = f.details
            out.append("    " + text("lint.report.wording_line", lang, category=d["category"], family=d["family"],
                                     phrase=d["phrase"]))
            out.append("    " + text("lint.report.context", lang, context=d["context"]))
            out.append("    " + text("lint.report.fix", lang, fix=d["fix"]))
        elif f.settled:
            out.append("    " + text("lint.report.settled", lang, reason=f.settled_text(lang)))
        elif f.details.get("fix"):
            out.append("    " + text("lint.report.fix", lang, fix=f.details["fix"]))
        if f.witness is not None:
            out.append("    " + text("lint.report.witness", lang, day=f.witness.as_of.isoformat()) + ":")
            for line in json.dumps(f.witness.case, ensure_ascii=False, sort_keys=True).splitlines():
                out.append("      " + text("lint.report.case", lang, case=line))
            for ans in f.witness.answers:
                out.append("      " + _answer_text(ans, lang))
        if f.kind == "hierarchy_conflict":
            for note in f.details.get("basis_notes", []):
                out.append("    " + text("lint.report.note", lang, note=said_in(note, lang)))
            together = f.details.get("editions_together", {})
            if together:
                out.append("    " + _together(together, lang))
    if report.acknowledged:
        out.append("")
        out.append(text("lint.report.acknowledged_h", lang, count=len(report.acknowledged)) + ":")
        for f in report.acknowledged:
            a = f.acknowledged
            out.append(f"  {f.where}: {f.severity} [{f.kind}] {f.clause or ''} {f.text(lang)[:100]}")
            out.append("    " + text("lint.report.acknowledged_at", lang, place=f"{a.file}:{a.line}", reason=a.reason))
    notes = [(a.act, n) for a in report.acts for n in a.notes]
    if notes:
        out.append("")
        out.append(text("lint.report.notes_h", lang) + ":")
        out.extend(f"  {act}: {said_in(n, lang)}" for act, n in notes)
    out.append("")
    out.append(_stability_text(report.stability, lang))
    out.append("")
    sev = counts["by_severity"]
    out.append(
        text("lint.report.totals", lang, count=len(report.findings), errors=sev["error"], warnings=sev["warning"],
             infos=sev["info"])
    )
    if report.settled:
        out.append(text("lint.report.settled_hidden", lang, count=len(report.settled),
                        kinds=", ".join(f"{k} {v}" for k, v in _kinds(report.settled).items())))
    out.append(text("lint.report.by_kind", lang, kinds=", ".join(f"{k} {v}" for k, v in counts["by_kind"].items())))
    return "\n".join(out)


def _kinds(findings: list[Finding]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f.kind] = out.get(f.kind, 0) + 1
    return out


def _together(together: dict[str, Any], lang: str) -> str:
    """When the two editions of a hierarchy conflict are in force together, and how sure that is."""
    said = text("lint.report.together", lang, start=together.get("from"),
                until=together.get("until") or text("lint.report.now", lang))
    if together.get("uncertain_entry_into_force"):
        said += " " + text("lint.report.together_uncertain", lang,
                           editions=", ".join(together["uncertain_entry_into_force"]))
    return said


def _finding_line(f: Finding, changes: int | None = None, lang: str = "en") -> str:
    where = f.where
    tag = ", " + text("lint.report.settled_tag", lang) if f.settled else ""
    head = f"{where}: {f.severity} [{f.kind}{tag}]"
    if f.clause:
        head += f" {f.clause}"
        if changes is not None:
            head += " (" + text("lint.report.changes", lang, count=changes) + ")"
    return f"{head}: {f.text(lang)}"


def _answer_text(ans: dict[str, Any], lang: str = "en") -> str:
    """What the engine answered on a witness case, for one act: outcome and citations, or why not."""
    if "refused" in ans:
        problems = "; ".join(
            f"{p.get('pointer') or '/'}: {p.get('message')}" for p in ans.get("problems", [])
        )
        return text("lint.report.answer_refused", lang, act=ans["act"], question=ans["question"],
                    reason=ans["refused"]) + (f" ({problems})" if problems else "")
    cites = ", ".join(f"{c['clause']} ({c['role']})" for c in ans.get("citations", []))
    return text("lint.report.answer", lang, act=ans["act"], question=ans["question"], outcome=ans["outcome"],
                citations=cites or text("lint.report.nothing", lang))


def _stability_text(section: dict[str, Any], lang: str = "en") -> str:
    if not section:
        return text("lint.report.stability_not_requested", lang)
    if not section.get("available"):
        return text("lint.report.stability_unavailable", lang, note=said_in(section.get("note"), lang))
    if section.get("text"):
        return text("lint.report.stability_from_command", lang) + ":\n" + section["text"]
    return (
        text("lint.report.stability_from", lang, source=section.get("source", ""))
        + ":\n"
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


# The page's messages said inside f-strings (which the catalogue's extractor does not read).
_HTML_MESSAGES = (
    N_("lint.report.acknowledged_html_h"),
    N_("lint.report.acknowledged_lead"),
    N_("lint.report.acts_h"),
    N_("lint.report.changes"),
    N_("lint.report.citations"),
    N_("lint.report.clause_label"),
    N_("lint.report.col_act"),
    N_("lint.report.col_decisions"),
    N_("lint.report.col_definition"),
    N_("lint.report.col_edition"),
    N_("lint.report.col_evaluations"),
    N_("lint.report.col_finding"),
    N_("lint.report.col_kind"),
    N_("lint.report.col_level"),
    N_("lint.report.col_reason"),
    N_("lint.report.col_searches"),
    N_("lint.report.col_where"),
    N_("lint.report.decision_label"),
    N_("lint.report.findings_h"),
    N_("lint.report.fix"),
    N_("lint.report.html_foot"),
    N_("lint.report.html_h"),
    N_("lint.report.html_sub"),
    N_("lint.report.html_title"),
    N_("lint.report.nav_acts"),
    N_("lint.report.no_edition"),
    N_("lint.report.note"),
    N_("lint.report.notes_h"),
    N_("lint.report.settled"),
    N_("lint.report.settled_hidden"),
    N_("lint.report.stability_from"),
    N_("lint.report.stability_h"),
    N_("lint.report.stability_not_requested"),
    N_("lint.report.summary_h"),
    N_("lint.report.total"),
    N_("lint.report.witness"),
    N_("lint.report.wording_line"),
)


def render_html(report: Report, lang: str = "en") -> str:
    """The report as one self-contained page in `lang`: frame, definitions and findings."""
    e = html.escape

    def t(key: str, **fields: Any) -> str:
        return e(text(key, lang, **fields))

    counts = report.counts()
    day = report.as_of.isoformat()
    parts = [
        f"<!doctype html><html lang='{e(lang)}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>{t('lint.report.html_title', day=day)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>{t('lint.report.html_h')}</h1><div>"
        f"{t('lint.report.html_sub', day=day, budget=f'{report.budget:,}')}</div></header><main>",
        f"<nav><a href='#acts'>{t('lint.report.nav_acts')}</a><a href='#summary'>{t('lint.report.summary_h')}</a>"
        f"<a href='#findings'>{t('lint.report.findings_h')}</a><a href='#stability'>{t('lint.report.stability_h')}</a>"
        f"<a href='#notes'>{t('lint.report.notes_h')}</a></nav>",
        f"<h2 id='acts'>{t('lint.report.acts_h')}</h2><table><tr><th>{t('lint.report.col_act')}</th>"
        f"<th>{t('lint.report.col_level')}</th><th>{t('lint.report.col_edition')}</th>"
        f"<th>{t('lint.report.col_decisions')}</th><th>{t('lint.report.col_searches')}</th>"
        f"<th>{t('lint.report.col_evaluations')}</th></tr>",
    ]
    for a in report.acts:
        parts.append(
            f"<tr><td><b>{e(a.act)}</b><br>{e(a.title or '')}</td><td>{e(a.level)}</td>"
            f"<td>{e(a.edition or text('lint.report.no_edition', lang))}</td>"
            f"<td>{e(', '.join(a.decisions))}</td><td>{a.searches}</td><td>{a.evaluations:,}</td></tr>"
        )
    parts.append("</table>")
    if report.acknowledged:
        parts.append(
            f"<h2 id='acknowledged'>{t('lint.report.acknowledged_html_h', count=len(report.acknowledged))}</h2>"
            f"<p>{t('lint.report.acknowledged_lead')}</p><table><tr><th>{t('lint.report.col_finding')}</th>"
            f"<th>{t('lint.report.col_where')}</th><th>{t('lint.report.col_reason')}</th></tr>"
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
        parts.append(f"<p>{t('lint.report.settled_hidden', count=len(report.settled), kinds=kinds)}</p>")
    parts.append(
        f"<h2 id='summary'>{t('lint.report.summary_h')}</h2><table><tr><th>{t('lint.report.col_kind')}</th>"
        f"<th>{t('lint.report.col_definition')}</th>"
    )
    parts.extend(f"<th>{e(s)}</th>" for s in SEVERITIES)
    parts.append("</tr>")
    for kind in KINDS:
        row = [f for f in report.findings if f.kind == kind]
        if not row:
            continue
        cells = "".join(f"<td>{sum(1 for f in row if f.severity == s)}</td>" for s in SEVERITIES)
        definition = text_or(f"lint.{kind}", lang, KINDS[kind])
        parts.append(f"<tr><td><a href='#k-{kind}'>{e(kind)}</a></td><td>{e(definition)}</td>{cells}</tr>")
    sev = counts["by_severity"]
    parts.append(
        f"<tr><th colspan='2'>{t('lint.report.total', count=len(report.findings))}</th>"
        + "".join(f"<th>{sev[s]}</th>" for s in SEVERITIES)
        + "</tr></table>"
    )
    parts.append(f"<h2 id='findings'>{t('lint.report.findings_h')}</h2>")
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
    parts.append(f"<h2 id='stability'>{t('lint.report.stability_h')}</h2>")
    st = report.stability
    if st and st.get("available"):
        parts.append(
            f"<p>{t('lint.report.stability_from', source=st.get('source', ''))}:</p><pre>"
            + e(st.get("text") or json.dumps(st.get("figures"), ensure_ascii=False, indent=2, default=str))
            + "</pre>"
        )
    elif st:
        parts.append(f"<p>{e(said_in(st.get('note'), lang) or '')}</p>")
    else:
        parts.append(f"<p>{t('lint.report.stability_not_requested')}</p>")
    parts.append(f"<h2 id='notes'>{t('lint.report.notes_h')}</h2><ul>")
    for a in report.acts:
        parts.extend(f"<li><b>{e(a.act)}</b>: {e(said_in(n, lang) or '')}</li>" for n in a.notes)
    parts.append(f"</ul><p>{t('lint.report.html_foot')}</p>")
    parts.append("</main></body></html>")
    return "".join(parts)


def _finding_html(f: Finding, changes: int | None = None, lang: str = "en") -> str:
    e = html.escape

    def t(key: str, **fields: Any) -> str:
        return e(text(key, lang, **fields))

    out = [
        f"<div class='f {e(f.severity)}'><span class='sev'>{e(f.severity)}</span> "
        f"<span class='where'>{e(f.where)}</span>"
    ]
    if f.clause:
        out.append(f" · {t('lint.report.clause_label')} <code>{e(f.clause)}</code>")
        if changes is not None:
            out.append(f" · {t('lint.report.changes', count=changes)}")
    if f.decision:
        out.append(f" · {t('lint.report.decision_label')} <code>{e(f.decision)}</code>")
    out.append(f"<p lang='{e(lang)}'>{e(f.text(lang))}</p>")
    d = f.details
    if f.kind == "wording_risk":
        out.append(
            f"<p>{t('lint.report.wording_line', category=d['category'], family=d['family'], phrase=d['phrase'])}"
            f" ({e(d['lang'])}) — {e(d.get('family_title') or '')}</p>"
            f"<p class='where'>{e(d['context'])}</p><p>{t('lint.report.fix', fix=d['fix'])}</p>"
        )
    elif f.settled:
        out.append(f"<p>{t('lint.report.settled', reason=f.settled_text(lang))}</p>")
    elif d.get("fix"):
        out.append(f"<p>{t('lint.report.fix', fix=d['fix'])}</p>")
    if f.kind == "hierarchy_conflict":
        for note in d.get("basis_notes", []):
            out.append(f"<p>{t('lint.report.note', note=said_in(note, lang))}</p>")
        if d.get("editions_together"):
            out.append(f"<p>{e(_together(d['editions_together'], lang))}</p>")
    if f.clauses:
        out.append(f"<p>{t('lint.report.citations')}: " + ", ".join(f"<code>{e(c)}</code>" for c in f.clauses) + "</p>")
    if f.witness is not None:
        w = f.witness
        out.append(
            f"<details><summary>{t('lint.report.witness', day=w.as_of.isoformat())}</summary><pre>"
            + e(json.dumps(w.case, ensure_ascii=False, indent=2, sort_keys=True))
            + "</pre><ul>"
        )
        out.extend(f"<li>{e(_answer_text(a, lang))}</li>" for a in w.answers)
        out.append("</ul></details>")
    out.append("</div>")
    return "".join(out)
