"""Wording risks: phrases of the clause texts that anti-corruption expertise flags.

The phrase lists are data (`engine/tools/data/wording-risks.yaml`, one list per language, each entry
with its category, factor family and suggested fix); this module only matches them against the
text of every clause version in force, in every language the version has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...i18n import N_, Message, has, say
from ...yamlsafe import load_policy_yaml
from .model import SEVERITIES, Finding

DATA = Path(__file__).resolve().parent.parent / "data" / "wording-risks.yaml"

# The categories' titles in the reader's language (the data file's `en` titles, as catalogue
# messages); a category added to the data without one here is shown by its English title.
CATEGORY_TITLES = {
    "duty_without_time_limit": N_("wording.duty_without_time_limit"),
    "vague_time_limit": N_("wording.vague_time_limit"),
    "discretion_without_criteria": N_("wording.discretion_without_criteria"),
    "reference_norm": N_("wording.reference_norm"),
    "competence_as_right": N_("wording.competence_as_right"),
    "procedure_not_specified": N_("wording.procedure_not_specified"),
    "ambiguous_conjunction": N_("wording.ambiguous_conjunction"),
    "open_list": N_("wording.open_list"),
}
REQUIRED = ("id", "category", "family", "fix")


class WordingDataError(ValueError):
    pass


@dataclass
class Entry:
    id: str
    lang: str
    regex: re.Pattern[str]
    phrase: str
    category: str
    family: str
    fix: str
    severity: str
    unless: list[re.Pattern[str]] = field(default_factory=list)
    not_after: list[re.Pattern[str]] = field(default_factory=list)
    note: str | None = None


@dataclass
class Catalogue:
    entries: dict[str, list[Entry]]
    families: dict[str, dict[str, str]]
    categories: dict[str, dict[str, Any]]


def _status(status: str | None) -> Message | str:
    """A text's status in the reader's words ("status.<id>" of the catalogue), else its id."""
    key = f"status.{status}"
    return say(key) if status and has(key, "en") else str(status)


def load_catalogue(path: Path = DATA) -> Catalogue:
    """Read and check the phrase lists; a mistake in them is an error naming the entry."""
    doc, issues = load_policy_yaml(path, str(path))
    if doc is None:
        raise WordingDataError("; ".join(i.render() for i in issues))
    data = doc.data
    families = data.get("families") or {}
    categories = data.get("categories") or {}
    problems: list[str] = []
    for name, category in categories.items():
        if category.get("family") not in families:
            problems.append(f"{path.name}: categories.{name}: unknown family {category.get('family')!r}")
    entries: dict[str, list[Entry]] = {}
    seen: set[str] = set()
    for lang, items in (data.get("phrases") or {}).items():
        for k, item in enumerate(items or []):
            where = f"{path.name}: phrases.{lang}[{k}]"
            missing = [key for key in REQUIRED if not item.get(key)]
            if missing or not (item.get("phrase") or item.get("pattern")):
                problems.append(f"{where}: needs {', '.join(missing) or 'phrase or pattern'}")
                continue
            if item["id"] in seen:
                problems.append(f"{where}: id {item['id']!r} is used twice")
            seen.add(item["id"])
            category = categories.get(item["category"])
            if category is None:
                problems.append(f"{where}: unknown category {item['category']!r}")
                continue
            if item["family"] not in families:
                problems.append(f"{where}: unknown family {item['family']!r}")
                continue
            severity = category.get("severity", "warning")
            if severity not in SEVERITIES:
                problems.append(f"{where}: category severity {severity!r} is not one of {SEVERITIES}")
                continue
            try:
                if item.get("pattern"):
                    regex = re.compile(item["pattern"], re.IGNORECASE)
                else:
                    words = [re.escape(w) for w in item["phrase"].split()]
                    regex = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
                unless = [re.compile(u, re.IGNORECASE) for u in item.get("unless") or []]
                not_after = [re.compile(u, re.IGNORECASE) for u in item.get("not_after") or []]
            except re.error as exc:
                problems.append(f"{where}: bad regular expression: {exc}")
                continue
            entries.setdefault(lang, []).append(
                Entry(
                    item["id"],
                    lang,
                    regex,
                    item.get("phrase") or item["pattern"],
                    item["category"],
                    item["family"],
                    item["fix"],
                    severity,
                    unless,
                    not_after,
                    item.get("note"),
                )
            )
    if problems:
        raise WordingDataError("\n".join(problems))
    return Catalogue(entries, families, categories)


def scan_text(catalogue: Catalogue, lang: str, text: str) -> list[tuple[Entry, re.Match[str]]]:
    """Every (entry, first match) of the language's list in one clause text."""
    out = []
    for entry in catalogue.entries.get(lang, []):
        if any(u.search(text) for u in entry.unless):
            continue
        for match in entry.regex.finditer(text):
            before = text[max(0, match.start() - 60) : match.start()]
            if any(n.search(before) for n in entry.not_after):
                continue
            out.append((entry, match))
            break
    return out


def wording_findings(
    act: Any, edition: Any, catalogue: Catalogue, root: Path | None = None
) -> tuple[list[Finding], list[Message]]:
    findings: list[Finding] = []
    unscanned: set[str] = set()
    positions: dict[str, Any] = {}
    for cid, version in edition.versions.items():
        if not version.text_known:
            continue
        for lang, text in version.texts.items():
            if not text:
                continue
            if lang not in catalogue.entries:
                unscanned.add(lang)
                continue
            status = act.languages.get(lang, {}).get("status")
            for entry, match in scan_text(catalogue, lang, text):
                line = _text_line(version, lang, match.start(), positions, root)
                start, end = max(0, match.start() - 50), min(len(text), match.end() + 50)
                context = (
                    ("…" if start else "")
                    + text[start:end].replace("\n", " ")
                    + ("…" if end < len(text) else "")
                )
                findings.append(
                    Finding(
                        "wording_risk",
                        entry.severity,
                        act.id,
                        say(
                            N_("lint.msg.wording_translation")
                            if status and status != "authoritative"
                            else N_("lint.msg.wording"),
                            clause=cid, language=lang, status=_status(status), phrase=match.group(0),
                            category=say(CATEGORY_TITLES[entry.category])
                            if entry.category in CATEGORY_TITLES
                            else catalogue.categories[entry.category].get("en", entry.category),
                        ),
                        clause=cid,
                        clauses=[cid],
                        file=version.file,
                        line=line,
                        edition=edition.id,
                        details={
                            "phrase": match.group(0),
                            "entry": entry.id,
                            "lang": lang,
                            "language_status": status,
                            "category": entry.category,
                            "family": entry.family,
                            "family_title": catalogue.families[entry.family].get("en"),
                            "fix": entry.fix,
                            "context": context,
                        },
                    )
                )
    notes = (
        [say("lint.note.no_phrase_list", langs=", ".join(sorted(unscanned)))]
        if unscanned
        else []
    )
    return findings, notes


def _text_line(version: Any, lang: str, offset: int, cache: dict[str, Any], root: Path | None) -> int | None:
    path = Path(version.file)
    if not path.is_file() and root is not None:
        path = Path(root).parent / version.file
    key = version.file
    if key not in cache:
        doc = None
        if path.is_file():
            doc, _ = load_policy_yaml(path, version.file)
        cache[key] = doc
    doc = cache[key]
    if doc is None:
        return version.line
    pointer = f"{version.pointer}/text/{lang}"
    text = version.texts.get(lang) or ""
    newlines = text[:offset].count("\n")
    block = doc.blocks.get(pointer)
    if block is not None:
        return block.first_line + newlines
    pos = doc.position(pointer)
    return pos.line if pos else version.line
