"""Reading the `.feature` files: scenarios with their `@clause:` and `@act:` tags.

A small Gherkin reader of its own (English keywords; tags, scenarios, rules, examples and doc
strings), so the engine needs no test library; `tests/test_trace.py` checks it against
pytest-bdd's own parser on every feature file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def sha256_hex(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


_SCENARIO_KEYWORDS = ("Scenario Outline", "Scenario Template", "Scenario", "Example")
_EXAMPLES_KEYWORDS = ("Examples", "Scenarios")
_KEYWORD_RE = re.compile(
    r"^(?P<kw>Feature|Rule|Background|Scenario Outline|Scenario Template|Scenario|Example|Examples|Scenarios)"
    r"\s*:\s*(?P<name>.*)$"
)
_LANGUAGE_RE = re.compile(r"^#\s*language\s*:\s*(?P<lang>\S+)\s*$")


# ---- reading the feature files ---------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One scenario (or scenario outline) of a feature file, as its tags declare it."""

    feature: str  # display path, e.g. "features/enrollment.feature"
    rel: str  # path inside the features directory, e.g. "enrollment.feature"
    line: int  # line of the Scenario keyword
    name: str
    act: str | None
    clauses: tuple[str, ...]
    tags: tuple[str, ...]  # every tag in effect: feature, rule and scenario
    outline: bool = False
    examples_tags: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.feature}:{self.line}"


@dataclass
class FeatureIndex:
    scenarios: list[Scenario] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # rel path -> sha256 of its content


def _tags_of(tags: list[str], prefix: str) -> list[str]:
    return [t[len(prefix) :] for t in tags if t.startswith(prefix)]


def _read_tags(text: str, where: str, problems: list[str]) -> list[str]:
    tags: list[str] = []
    for token in text.split():
        if token.startswith("#"):
            break  # a comment after the tags
        if not token.startswith("@") or len(token) == 1:
            problems.append(f"{where}: {token!r} on a tag line is not a tag (tags start with @)")
            continue
        tags.append(token[1:])
    return tags


def read_feature(text: str, display: str, rel: str) -> tuple[list[Scenario], list[str]]:
    """The scenarios of one feature file and the problems found in its tags."""
    problems: list[str] = []
    scenarios: list[Scenario] = []
    feature_tags: list[str] = []
    rule_tags: list[str] = []
    pending: list[str] = []
    pending_line = 0
    current: dict[str, Any] | None = None
    docstring: str | None = None
    seen_names: dict[str, int] = {}
    seen_feature = False

    def close() -> None:
        nonlocal current
        if current is None:
            return
        tags = [*feature_tags, *rule_tags, *current["tags"]]
        acts = _tags_of(tags, "act:")
        own_acts = _tags_of(current["tags"], "act:") or _tags_of(rule_tags, "act:") or acts
        where = f"{display}:{current['line']}"
        if len(set(own_acts)) > 1:
            problems.append(f"{where}: scenario names several acts ({', '.join(own_acts)}); tag one")
        clauses = list(dict.fromkeys(_tags_of(tags, "clause:")))
        for clause in clauses:
            if not clause:
                problems.append(f"{where}: empty @clause: tag")
        scenarios.append(
            Scenario(
                feature=display,
                rel=rel,
                line=current["line"],
                name=current["name"],
                act=own_acts[-1] if own_acts else None,
                clauses=tuple(c for c in clauses if c),
                tags=tuple(dict.fromkeys(tags)),
                outline=current["outline"],
                examples_tags=tuple(current["examples_tags"]),
            )
        )
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if docstring is not None:
            if line == docstring:
                docstring = None
            continue
        if line.startswith('"""') or line.startswith("```"):
            docstring = line[:3]
            continue
        if not line:
            continue
        if line.startswith("#"):
            match = _LANGUAGE_RE.match(line)
            if match and match["lang"] != "en":
                problems.append(
                    f"{display}:{number}: '# language: {match['lang']}': only English keywords are read "
                    "(write the step text in any language)"
                )
            continue
        if line.startswith("@"):
            if not pending:
                pending_line = number
            pending.extend(_read_tags(line, f"{display}:{number}", problems))
            continue
        match = _KEYWORD_RE.match(line)
        if match is None:
            if pending:
                problems.append(f"{display}:{pending_line}: tags followed by {line[:40]!r}, not by a keyword")
                pending = []
            continue
        keyword, name = match["kw"], match["name"].strip()
        tags, pending = pending, []
        if keyword == "Feature":
            if seen_feature:  # Gherkin reads a second "Feature:" line as description text
                pending = tags
                continue
            seen_feature = True
            feature_tags = tags
        elif keyword == "Rule":
            close()
            rule_tags = tags
        elif keyword == "Background":
            close()
            if tags:
                problems.append(f"{display}:{number}: tags on a Background have no effect")
        elif keyword in _SCENARIO_KEYWORDS:
            close()
            if name in seen_names:
                problems.append(
                    f"{display}:{number}: a second scenario named {name!r} (first at line "
                    f"{seen_names[name]}); pytest-bdd runs only one of them, give each its own name"
                )
            else:
                seen_names[name] = number
            current = {
                "line": number,
                "name": name,
                "tags": tags,
                "outline": keyword in ("Scenario Outline", "Scenario Template"),
                "examples_tags": [],
            }
        elif keyword in _EXAMPLES_KEYWORDS:
            if current is None:
                problems.append(f"{display}:{number}: Examples outside a scenario outline")
            else:
                current["examples_tags"].extend(tags)
                for tag in tags:
                    if tag.startswith(("clause:", "act:")):
                        problems.append(
                            f"{display}:{number}: @{tag} on an Examples block; put clause and act tags "
                            "on the Scenario Outline (pytest-bdd does not pass Examples tags through)"
                        )
    close()
    if docstring is not None:
        problems.append(f"{display}: a doc string opened with {docstring} is never closed")
    if pending:
        problems.append(f"{display}:{pending_line}: tags at the end of the file tag nothing")
    return scenarios, problems


def read_features(features_dir: Path) -> FeatureIndex:
    """Every scenario of every `*.feature` file directly in `features_dir`, in file order."""
    index = FeatureIndex()
    if not features_dir.is_dir():
        return index
    for path in sorted(features_dir.glob("*.feature")):
        data = path.read_bytes()
        rel = path.relative_to(features_dir).as_posix()
        display = (features_dir / rel).as_posix()
        index.files[rel] = sha256_hex(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            index.problems.append(f"{display}: not UTF-8 (byte {exc.start})")
            continue
        scenarios, problems = read_feature(text, display, rel)
        index.scenarios.extend(scenarios)
        index.problems.extend(problems)
    return index


def scenario_index(features_dir: Path) -> list[Scenario]:
    """Every scenario under `features_dir` with its act and the clauses its tags cover."""
    return read_features(features_dir).scenarios
