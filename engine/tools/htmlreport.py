"""Self-contained HTML pages for the diff, impact and review reports.

One page, inline CSS, no script, no external asset (fonts, images, styles): it can be mailed,
archived with a review and opened offline. Rendered from the reports' JSON form (`to_dict()`),
so the HTML and the JSON always say the same thing. Every text from the policies is escaped.
"""

from __future__ import annotations

import html
import json
from typing import Any

from .difftext import changed_values

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1b1f24;background:#fff}
main{max-width:1100px;margin:0 auto;padding:1.5rem 1.25rem 4rem}
h1{font-size:1.55rem;margin:.2rem 0 .6rem}h2{font-size:1.25rem;margin:2.2rem 0 .6rem;border-bottom:2px solid #d8dee4;padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}h4{font-size:.95rem;margin:1rem 0 .3rem}
.banner{background:#8a1c1c;color:#fff;padding:.7rem 1.25rem;font-weight:700;letter-spacing:.02em}
.note{background:#fff8c5;border-left:4px solid #d4a72c;padding:.45rem .8rem;margin:.5rem 0}
.muted{color:#57606a}.small{font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.clause{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .9rem;margin:.8rem 0}
.tag{display:inline-block;border-radius:10px;padding:0 .5rem;font-size:.8rem;font-weight:600;margin-left:.3rem}
.t-changed{background:#ddf4ff;color:#0550ae}.t-added{background:#dafbe1;color:#116329}.t-removed,.t-lost_force{background:#ffebe9;color:#a40e26}
.t-reenacted{background:#eaeef2;color:#424a53}.t-draft{background:#8a1c1c;color:#fff}.t-ok{background:#dafbe1;color:#116329}
.t-failing{background:#ffebe9;color:#a40e26}.t-logic{background:#fbefff;color:#6639ba}
.text{white-space:pre-wrap;background:#f6f8fa;border-radius:4px;padding:.4rem .6rem;margin:.2rem 0 .6rem}
del{background:#ffd7d5;text-decoration:line-through;color:#82071e}ins{background:#ccffd8;text-decoration:none;color:#055d20}
ul.rule{margin:.2rem 0 .6rem 1.1rem;padding:0}ul.rule li{margin:.15rem 0}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f6f8fa;padding:.5rem .7rem;border-radius:4px;overflow-x:auto;white-space:pre-wrap}
details{margin:.3rem 0}summary{cursor:pointer}
nav ol{columns:2;font-size:.92rem}
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, banner: str | None = None) -> str:
    top = f'<div class="banner">{esc(banner)}</div>' if banner else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{top}<main>{body}</main></body></html>\n"
    )


def tag(text: str, kind: str) -> str:
    return f'<span class="tag t-{esc(kind)}">{esc(text)}</span>'


def segments_html(segments: list[dict[str, str]]) -> str:
    out = []
    for s in segments:
        text = esc(s["text"])
        if s["op"] == "delete":
            out.append(f"<del>{text}</del>")
        elif s["op"] == "insert":
            out.append(f"<ins>{text}</ins>")
        else:
            out.append(text)
    return "".join(out)


def json_block(value: Any, summary: str) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return f"<details><summary>{esc(summary)}</summary><pre>{esc(text)}</pre></details>"


def _edition_cell(e: dict[str, Any]) -> str:
    bits = [f"<strong>{esc(e['id'])}</strong>"]
    if e.get("draft"):
        bits.append(tag("DRAFT — not law", "draft"))
        bits.append(
            f'<div class="small muted">draft {esc(e.get("amendment"))}: never in force, no date selects it; '
            "used only when named</div>"
        )
        return "".join(bits)
    period = f"from {e['from']}" + (f" until {e['until']}" if e.get("until") else "")
    number = f" (No. {esc(e['amendment_number'])})" if e.get("amendment_number") else ""
    bits.append(f'<div class="small muted">{esc(period)}; amendment {esc(e.get("amendment"))}{number}</div>')
    if not e.get("entry_into_force_certain", True):
        bits.append(f'<div class="small">entry into force uncertain: {esc(e.get("entry_into_force"))}</div>')
    return "".join(bits)


def diff_sections(d: dict[str, Any], heading_level: int = 2) -> str:
    """The clause changes and the decisions of a diff (its `to_dict()` form)."""
    h, h2 = f"h{heading_level}", f"h{heading_level + 1}"
    out: list[str] = []
    c = d["counts"]
    out.append(
        f"<{h}>Clauses</{h}><p>{c['changed']} changed, {c['added']} added, {c['removed']} removed, "
        f"{c['lost_force']} lost force"
        + (f", {c['reenacted']} re-enacted unchanged" if c.get("reenacted") else "")
        + f"; rules changed in {c['rules_changed']}, texts in {c['texts_changed']}.</p>"
    )
    if not d["clauses"]:
        out.append("<p>No clause differs.</p>")
    for cc in d["clauses"]:
        via = ""
        if cc["from"] and cc["to"]:
            via = f"{cc['from']['amendment']} → {cc['to']['amendment']} ({cc['to']['change']})"
        elif cc["to"]:
            via = f"by {cc['to']['amendment']} ({cc['to']['change']})"
        elif cc["from"]:
            via = f"was by {cc['from']['amendment']}"
        out.append(f'<div class="clause" id="clause-{esc(cc["clause"])}">')
        out.append(
            f"<{h2}><code>{esc(cc['clause'])}</code>{tag(cc['status'].replace('_', ' '), cc['status'])}"
            f' <span class="small muted">{esc(via)}</span></{h2}>'
        )
        for t in cc["texts"]:
            if t["status"] == "same":
                continue
            label = t["lang"] + (f" ({t['language_status']})" if t.get("language_status") else "")
            if t["status"] == "unknown":
                out.append(f'<h4>Text {esc(label)}</h4><p class="muted">not known in either edition</p>')
                continue
            if t["status"] in ("unknown_before", "unknown_after"):
                side = "from" if t["status"] == "unknown_before" else "to"
                out.append(f"<h4>Text {esc(label)} — not known in the {side} edition</h4>")
                out.append(f'<div class="text">{esc("".join(s["text"] for s in t["segments"]))}</div>')
                continue
            out.append(f"<h4>Text {esc(label)} — {esc(t['status'])}</h4>")
            out.append(f'<div class="text">{segments_html(t["segments"])}</div>')
        if cc["rule_status"] == "unchanged":
            out.append('<h4>Rule</h4><p class="muted">unchanged</p>')
        if cc["rule"]:
            out.append('<h4>Rule changes</h4><ul class="rule">')
            for r in cc["rule"]:
                out.append(f'<li><span class="muted">{esc(r["where"])}:</span> {esc(r["message"])}</li>')
            out.append("</ul>")
        if cc["decisions"]:
            out.append(f'<p class="small muted">feeds: {esc(", ".join(cc["decisions"]))}</p>')
        out.append("</div>")
    out.append(f"<{h}>Decisions whose feeding clauses changed</{h}>")
    if not d["decisions"]:
        out.append("<p>None.</p>")
    for dc in d["decisions"]:
        kind = tag("logic changed", "logic") if dc["logic_changed"] else tag("text only", "reenacted")
        out.append(f"<{h2}><code>{esc(dc['decision'])}</code>{kind}</{h2}><ul>")
        for r in dc["reasons"]:
            out.append(f"<li>{esc(r)}</li>")
        for s in dc["spec_changes"]:
            out.append(f"<li>decision file: {esc(s)}</li>")
        for side in ("from", "to"):
            if dc["missing_clauses"][side]:
                out.append(
                    f"<li>not decidable under {side}: missing {esc(', '.join(dc['missing_clauses'][side]))}</li>"
                )
        out.append("</ul>")
        exact = dc.get("exact")
        if exact is not None:
            out.append(f'<p class="small"><strong>Exact diff:</strong> {esc(exact["summary"])}</p>')
        for w in dc["witnesses"]:
            shown = changed_values({"from": w["from"].get("values"), "to": w["to"].get("values")})
            out.append(
                '<table><tr><th colspan="2">Witness: '
                + esc(w.get("change") or w["source"])
                + f", as of {esc(w['as_of'])}</th></tr>"
                f"<tr><td>{esc(d['from']['id'])}</td><td><strong>{esc(w['from']['outcome'])}</strong> "
                f'<span class="small">[{esc(", ".join(w["from"]["citations"]))}]</span>'
                f"{_values_html(shown.get('from'))}</td></tr>"
                f"<tr><td>{esc(d['to']['id'])}</td><td><strong>{esc(w['to']['outcome'])}</strong> "
                f'<span class="small">[{esc(", ".join(w["to"]["citations"]))}]</span>'
                f"{_values_html(shown.get('to'))}</td></tr>"
                f"<tr><td>clauses responsible</td><td>{esc(', '.join(w['responsible']))}</td></tr></table>"
            )
            out.append(json_block(w["case"], "the witness case (JSON)"))
        for bug in (exact or {}).get("disagreements", []):
            out.append(
                f'<div class="note">Bug: the solver and the engine disagree on {esc(bug["class"])}: '
                f"{esc('; '.join(bug['problems']))}</div>"
            )
            out.append(json_block(bug["case"], "the case they disagree on (JSON)"))
    return "".join(out)


def _values_html(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    shown = ", ".join(f"{k} = {v}" for k, v in values.items())
    return f'<div class="small muted">{esc(shown)}</div>'


def diff_page(d: dict[str, Any]) -> str:
    draft = d["from"].get("draft") or d["to"].get("draft")
    body = [
        f"<h1>{esc(d['act'])}: what changes from {esc(d['from']['id'])} to {esc(d['to']['id'])}</h1>",
        "<table><tr><th>from</th><th>to</th></tr>"
        f"<tr><td>{_edition_cell(d['from'])}</td><td>{_edition_cell(d['to'])}</td></tr></table>",
    ]
    body.extend(f'<div class="note">{esc(n)}</div>' for n in d.get("notes", []))
    body.append(diff_sections(d))
    return page(
        f"Diff {d['from']['id']} → {d['to']['id']}",
        "".join(body),
        "HYPOTHETICAL / DRAFT EDITION — NOT LAW, FOR REVIEW ONLY" if draft else None,
    )


def impact_sections(r: dict[str, Any], heading_level: int = 2) -> str:
    from .impacttext import headline

    h, h2 = f"h{heading_level}", f"h{heading_level + 1}"
    out = [f"<{h}>Impact on {esc(r['corpus'])}</{h}>"]
    out.extend(f"<p>{esc(line)}</p>" for line in headline(r))
    out.append(
        '<table><tr><th>decision</th><th class="num">cases</th><th class="num">flip</th>'
        '<th class="num">same outcome, other values</th>'
        '<th class="num">same outcome, other grounds</th><th class="num">decided under one edition only</th>'
        '<th class="num">unchanged</th><th class="num">invalid (from / to / both)</th>'
        '<th class="num">not decidable</th></tr>'
    )
    for d in r["decisions"]:
        out.append(
            f'<tr><td><code>{esc(d["decision"])}</code></td><td class="num">{d["cases"]:,}</td>'
            f'<td class="num">{d["flipped"]:,}</td><td class="num">{d["values_changed"]:,}</td>'
            f'<td class="num">{d["citations_changed"]:,}</td>'
            f'<td class="num">{d["decidability_changed"]:,}</td><td class="num">{d["same"]:,}</td>'
            f'<td class="num">{d["invalid_old"]:,} / {d["invalid_new"]:,} / {d["invalid_both"]:,}</td>'
            f'<td class="num">{d["not_decided"]:,}</td></tr>'
        )
    out.append("</table>")
    changed = set(r.get("changed_clauses", []))
    for d in r["decisions"]:
        if not d["groups"] and not d["not_decidable"] and not d["value_changes"] and not d["invalid_samples"]:
            continue
        out.append(f"<{h2}><code>{esc(d['decision'])}</code></{h2}>")
        for x in d["invalid_samples"]:
            out.append(f'<p class="muted">invalid: line {x["line"]}: {esc(x["problem"])}</p>')
        if d["value_changes"]:
            out.append(
                '<table><tr><th class="num">cases</th><th>computed value that differs</th><th>e.g.</th></tr>'
            )
            for v in d["value_changes"]:
                first = v.get("sample") or {}
                example = (
                    f"line {first.get('line')}: {first.get('from')} → {first.get('to')}" if first else ""
                )
                out.append(
                    f'<tr><td class="num">{v["count"]:,}</td><td><code>{esc(v["value"])}</code></td>'
                    f"<td>{esc(example)}</td></tr>"
                )
            out.append("</table>")
        for side, why in d["not_decidable"].items():
            out.append(f'<p class="muted">not decidable under {esc(side)}: {esc(why)}</p>')
        if d["groups"]:
            out.append(
                '<table><tr><th class="num">cases</th><th>from → to</th><th>clauses responsible '
                "(<strong>bold</strong>: changed)</th><th>sample lines</th></tr>"
            )
            for g in d["groups"]:
                clauses = (
                    ", ".join(
                        f"<strong>{esc(c)}</strong>" if c in changed else esc(c) for c in g["responsible"]
                    )
                    or "—"
                )
                out.append(
                    f'<tr><td class="num">{g["count"]:,}</td><td>{esc(g["from"])} → {esc(g["to"])}</td>'
                    f"<td>{clauses}</td><td>{esc(', '.join(str(n) for n in g['sample_lines']))}</td></tr>"
                )
            out.append("</table>")
            for g in d["groups"][:5]:
                if g.get("sample"):
                    out.append(
                        json_block(g["sample"], f"sample line {g['sample']['line']}: {g['from']} → {g['to']}")
                    )
    if r["invalid_lines"]:
        out.append(f"<{h2}>Lines that are not a case ({r['malformed_lines']:,})</{h2}><ul>")
        for x in r["invalid_lines"]:
            out.append(f"<li>line {x['line']}: {esc(x['problem'])}</li>")
        out.append("</ul>")
    return "".join(out)
