"""Word-level text diff: what a reviewer reads to see how a clause's wording changed.

Texts are split into words, runs of whitespace and single punctuation marks (Unicode-aware, so
Kazakh and Russian words stay whole), and the two token lists are aligned with difflib. The
result is a list of segments, each `equal`, `delete` or `insert`, whose texts concatenate back
to the old text (equal + delete) and to the new text (equal + insert).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
REWRITE_RATIO = 0.4  # below this share of common tokens a text counts as rewritten


@dataclass(frozen=True)
class Segment:
    op: str  # equal | delete | insert
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """Segments turning `old` into `new`, word by word. None counts as the empty text."""
    a, b = tokens(old or ""), tokens(new or "")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    words_a = [t for t in a if not t.isspace()]
    words_b = [t for t in b if not t.isspace()]
    if (
        words_a
        and words_b
        and difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False).ratio() < REWRITE_RATIO
    ):
        # A rewritten text reads better whole, old then new, than as a mesh of tiny changes.
        return [Segment("delete", old or ""), Segment("insert", new or "")]
    out: list[Segment] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(a[i1:i2]))
        else:
            # A replaced run reads best as the whole old run, then the whole new run.
            add("delete", "".join(a[i1:i2]))
            add("insert", "".join(b[j1:j2]))
    return _tidy(out)


def _tidy(segments: list[Segment]) -> list[Segment]:
    """Fold a lone space between two changes into them, so "[-a b-]{+c d+}" reads as one change."""
    out: list[Segment] = []
    k = 0
    while k < len(segments):
        s = segments[k]
        if (
            s.op == "equal"
            and s.text.isspace()
            and 0 < k < len(segments) - 1
            and segments[k - 1].op != "equal"
            and segments[k + 1].op != "equal"
        ):
            # split the space into a delete and an insert of it
            _merge(out, Segment("delete", s.text))
            _merge(out, Segment("insert", s.text))
        else:
            _merge(out, s)
        k += 1
    # Order each change as delete then insert.
    ordered: list[Segment] = []
    pending: dict[str, str] = {"delete": "", "insert": ""}
    for s in out:
        if s.op == "equal":
            for op in ("delete", "insert"):
                if pending[op]:
                    ordered.append(Segment(op, pending[op]))
                    pending[op] = ""
            ordered.append(s)
        else:
            pending[s.op] += s.text
    for op in ("delete", "insert"):
        if pending[op]:
            ordered.append(Segment(op, pending[op]))
    return ordered


def _merge(out: list[Segment], s: Segment) -> None:
    if out and out[-1].op == s.op:
        out[-1] = Segment(s.op, out[-1].text + s.text)
    else:
        out.append(s)


def changed(segments: list[Segment]) -> bool:
    return any(s.op != "equal" for s in segments)


def render_inline(segments: list[Segment]) -> str:
    """`[-deleted-]{+inserted+}` markup, as `git diff --word-diff` prints it."""
    parts = []
    for s in segments:
        if s.op == "equal":
            parts.append(s.text)
        elif s.op == "delete":
            parts.append(f"[-{s.text}-]")
        else:
            parts.append(f"{{+{s.text}+}}")
    return "".join(parts)


def summary(segments: list[Segment]) -> dict[str, Any]:
    """Counts of words deleted and inserted."""
    deleted = sum(len(re.findall(r"\w+", s.text)) for s in segments if s.op == "delete")
    inserted = sum(len(re.findall(r"\w+", s.text)) for s in segments if s.op == "insert")
    return {"words_deleted": deleted, "words_inserted": inserted}
