"""The case schemas' fields in the reader's language: titles, help and choice labels in kk, ru, en.

A case schema is JSON Schema: its `description`s are English and its enum values are identifiers
(`incomplete_conformity_warning`). Each act keeps their Kazakh, Russian and English wording in
`policies/<act>/fields.yaml`, beside its decisions, so that a form generated from a schema and
the problems shown at its fields speak the reader's language:

    fields:
      sanction.kind:                       # the field's key (below)
        title: {kk: …, ru: …, en: …}
        help:                              # keyed by the schema's English description
          "Kind of disciplinary sanction": {kk: …, ru: …}
        choices:                           # keyed by the enum value
          reprimand: {kk: Сөгіс, ru: Выговор, en: Reprimand}

A field's key is its property path from the schema's root ("employee.reserve.enrolled_on") or,
inside a `$defs` entry that is an object, from that entry ("sanction.kind"), so a definition
shared by several decisions is translated once. A help text is keyed by the English description
it translates: when a drafter rewords the description, the translation no longer matches and the
check (`tests/test_field_texts.py`) names it, instead of a stale translation being shown.

The file is read with the policies' safe YAML loader and checked for shape; it is data, never run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.i18n import LANGS

FILE_NAME = "fields.yaml"


class FieldTextsError(ValueError):
    """fields.yaml is not of the expected shape (the message names the place)."""


@dataclass(frozen=True)
class FieldTexts:
    """One act's field wording; empty when the act has no fields.yaml."""

    fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def title(self, key: str, lang: str) -> str | None:
        return _in(self.fields.get(key, {}).get("title"), lang)

    def help(self, key: str, english: str | None, lang: str) -> str | None:
        """The help of `key` in `lang`, translating the schema's English description `english`."""
        if not english:
            return None
        if lang == "en":
            return english
        return _in((self.fields.get(key, {}).get("help") or {}).get(english), lang)

    def choice(self, key: str, value: Any, lang: str) -> str | None:
        return _in((self.fields.get(key, {}).get("choices") or {}).get(str(value)), lang)


def _in(texts: Any, lang: str) -> str | None:
    value = texts.get(lang) if isinstance(texts, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def load_field_texts(act_directory: str | Path) -> FieldTexts:
    """The act's fields.yaml, checked for shape; an empty `FieldTexts` when there is none."""
    from engine.yamlsafe import load_policy_yaml

    path = Path(act_directory) / FILE_NAME
    if not path.is_file():
        return FieldTexts()
    loaded, issues = load_policy_yaml(path)
    if loaded is None or issues:
        raise FieldTextsError("; ".join(i.render() for i in issues) or f"{path}: cannot be read")
    data = loaded.data
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict) or set(data) != {"fields"}:
        raise FieldTextsError(f"{path}: expected a mapping with the one key 'fields'")
    for key, entry in fields.items():
        where = f"{path}: fields/{key}"
        if not isinstance(entry, dict) or not set(entry) <= {"title", "help", "choices"}:
            raise FieldTextsError(f"{where}: expected title, help and choices only")
        _check_langs(entry.get("title"), LANGS, f"{where}/title")
        for english, texts in (entry.get("help") or {}).items():
            _check_langs(texts, ("kk", "ru"), f"{where}/help/{english[:40]}")
        for value, texts in (entry.get("choices") or {}).items():
            _check_langs(texts, LANGS, f"{where}/choices/{value}")
    return FieldTexts(fields)


def _check_langs(texts: Any, langs: tuple[str, ...], where: str) -> None:
    if texts is None:
        return
    if not isinstance(texts, dict) or not all(isinstance(texts.get(lang), str) for lang in langs):
        raise FieldTextsError(f"{where}: expected a text in each of {', '.join(langs)}")


# ---- the keys of a schema's fields -------------------------------------------------------------


@dataclass(frozen=True)
class SchemaField:
    """One property of a case schema: its key, its English description, its enum values."""

    key: str
    description: str | None
    choices: tuple[Any, ...]


def def_context(node: Any, root: dict[str, Any], key: str) -> str:
    """The key prefix of `node`'s own properties: the `$defs` name when `node` refers to an object
    (or array) definition, else `key` itself."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = (root.get("$defs") or {}).get(ref[len("#/$defs/") :])
        if isinstance(target, dict) and target.get("type") in ("object", "array"):
            return ref[len("#/$defs/") :]
    return key


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
        ref = node["$ref"]
        target = (root.get("$defs") or {}).get(ref[len("#/$defs/") :]) if ref.startswith("#/$defs/") else None
        if not isinstance(target, dict):
            break
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node if isinstance(node, dict) else {}


def schema_fields(schema: dict[str, Any]) -> Iterator[SchemaField]:
    """Every property of `schema`, at any depth, with its key (each key once per schema)."""
    seen: set[str] = set()

    def walk(node: dict[str, Any], ctx: str, depth: int) -> Iterator[SchemaField]:
        if depth > 32:
            return
        for name, sub in (node.get("properties") or {}).items():
            key = f"{ctx}.{name}" if ctx else name
            resolved = _resolve(sub, schema)
            inner = def_context(sub, schema, key)
            items = resolved.get("items") if resolved.get("type") == "array" else None
            target = _resolve(items, schema) if isinstance(items, dict) else resolved
            if isinstance(items, dict):
                inner = def_context(items, schema, inner)
            if key not in seen:
                seen.add(key)
                yield SchemaField(key, resolved.get("description"), tuple(target.get("enum") or ()))
            if target.get("type") == "object":
                yield from walk(target, inner, depth + 1)

    yield from walk(schema, "", 0)


def key_at(schema: dict[str, Any], pointer: str) -> str | None:
    """The field key (as in fields.yaml) of the property a JSON pointer into a case reaches;
    array indexes are passed over; None for the whole case or a path the schema does not name."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]] if pointer else []
    node, ctx, key = _resolve(schema, schema), "", None
    for part in parts:
        if node.get("type") == "array" and part.isdigit():
            items = node.get("items")
            node = _resolve(items, schema) if isinstance(items, dict) else {}
            continue
        sub = (node.get("properties") or {}).get(part)
        if not isinstance(sub, dict):
            return None
        key = f"{ctx}.{part}" if ctx else part
        resolved = _resolve(sub, schema)
        ctx = def_context(sub, schema, key)
        items = resolved.get("items") if resolved.get("type") == "array" else None
        if isinstance(items, dict):
            ctx = def_context(items, schema, ctx)
        node = resolved
    return key
