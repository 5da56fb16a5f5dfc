"""The interface languages: Kazakh (the default), Russian and English, from gettext catalogues.

Every sentence Ereje itself writes for a person — the pages, the answers' outcome titles and
warnings, the refusals, the static checks' findings — is a message of one gettext domain,
`ereje`, kept in `engine/translations/<lang>/LC_MESSAGES/ereje.po` where translators work, and
compiled to the `.mo` next to it that is read here. The `.mo` files are committed, so a fresh
clone, an installed wheel and `make run` need no build step; a test fails when a `.mo` is older
than its `.po`, and another when any message the code or the templates use lacks a non-empty
translation in one of the three catalogues (`docs/translations.md` has the workflow).

Message ids are stable dotted keys ("try.citations_h"), not English sentences: the English text
is a translation like the others (`en/…/ereje.po`), so a reworded English sentence does not
orphan the Kazakh and Russian ones, and a key tells a translator where the message appears.
Values are `str.format` templates with named fields ("{day}"), the same fields in every language.

The law's own texts are never translated here: they come from the policy files, in the
languages of each act.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from engine.errors import ErejeError

LANGS = ("kk", "ru", "en")
DEFAULT_LANG = "kk"
DOMAIN = "ereje"
LOCALE_DIR = Path(__file__).resolve().parent / "translations"


class UnknownLanguage(ErejeError, ValueError):
    """A language that is not one of the interface languages: refused, never replaced."""

    def __init__(self, lang: Any) -> None:
        self.lang = lang
        super().__init__(f"unknown language {lang!r}; the languages are: {', '.join(LANGS)}")


def N_(key: str) -> str:
    """Marks `key` as a message for extraction where the key is built at run time."""
    return key


def check_lang(lang: Any) -> str:
    """`lang` itself if it is an interface language, else `UnknownLanguage`."""
    if lang not in LANGS:
        raise UnknownLanguage(lang)
    return str(lang)


@cache
def catalogue(lang: str) -> gettext.GNUTranslations:
    """The compiled catalogue of `lang` (read once per process)."""
    check_lang(lang)
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as fh:
        return gettext.GNUTranslations(fh)


def has(key: str, lang: str) -> bool:
    """Whether `lang`'s catalogue translates `key` (for keys built from data, e.g. a level)."""
    return key in catalogue(lang)._catalog  # type: ignore[attr-defined]  # gettext's own table; typeshed omits it


def text(key: str, lang: str | None = None, **fields: Any) -> str:
    """The message `key` in `lang` (Kazakh when None), its `{fields}` filled in.

    A key no catalogue has comes back as the key itself, visibly wrong rather than silently in
    another language; the catalogue test keeps that from reaching a user.
    """
    message = catalogue(lang or DEFAULT_LANG).gettext(key)
    return message.format(**fields) if fields else message


def text_or(key: str, lang: str | None, fallback: str) -> str:
    """The message `key` if the catalogue has it, else `fallback` (a value from the data)."""
    lang = lang or DEFAULT_LANG
    return catalogue(lang).gettext(key) if has(key, lang) else fallback


def pick(texts: Any, lang: str | None = None) -> str | None:
    """From a policy's {lang: text} mapping (titles), the text in `lang` (Kazakh when None).

    Only `lang`'s own text: an answer in one language never borrows another's title. A plain
    string (a policy written in one language) is returned as it is.
    """
    if isinstance(texts, str):
        return texts
    if not isinstance(texts, dict):
        return None
    value = texts.get(lang or DEFAULT_LANG)
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Message:
    """A sentence for a person kept as data — a catalogue key and its fields — until it is said.

    Carried by what outlives the moment it is made (a problem document, a static-check finding),
    so that it can be said in each reader's language, and so that machines read the key and the
    fields instead of a sentence. A field may be a `Message` itself (said in the same language)
    or a {lang: text} mapping from the data (the text in that language, else the English one).
    """

    key: str
    fields: tuple[tuple[str, Any], ...] = ()

    def render(self, lang: str | None = None) -> str:
        return text(self.key, lang, **{k: _said(v, lang) for k, v in self.fields})

    def params(self) -> dict[str, Any]:
        """The fields as JSON-ready data (a nested message as its own {code, params})."""
        return {k: {"code": v.key, "params": v.params()} if isinstance(v, Message) else v for k, v in self.fields}

    def __str__(self) -> str:
        return self.render("en")


def _said(value: Any, lang: str | None) -> Any:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, dict) and value and set(value) <= set(LANGS):
        return value.get(lang or DEFAULT_LANG) or value.get("en") or next(iter(value.values()))
    return value


def say(key: str, **fields: Any) -> Message:
    """The message `key` with its fields, to be said later in the reader's language."""
    return Message(key, tuple(fields.items()))
