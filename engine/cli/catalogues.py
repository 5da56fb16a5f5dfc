"""Keeping the gettext catalogues whole: extract the messages, check every translation, compile.

A tool for translators and for the tests, not used when serving (the service reads the committed
`.mo` files through `engine.i18n`). It needs Babel (a development dependency):

    python -m engine.cli.catalogues update    # add new messages (empty) to every .po, drop unused ones
    python -m engine.cli.catalogues compile   # .po -> .mo, after translating
    python -m engine.cli.catalogues check     # what `tests/test_catalogues.py` checks; exit 1 if any

A message is "used" when the code or a page template names it: `t("key")`, `text("key", …)`,
`translate("key")` or `N_("key")` (keys built at run time from data are listed with `N_` in
`web/pages/messages.py`).
"""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path
from typing import Any

from engine.i18n import DOMAIN, LANGS, LOCALE_DIR

REPO = LOCALE_DIR.parent.parent
KEYWORDS = {"t": None, "text": None, "translate": None, "N_": None}
METHODS = [
    ("engine/**.py", "python"),
    ("web/**.py", "python"),
    ("web/templates/**.html", "jinja2"),
]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract(root: Path = REPO) -> dict[str, list[str]]:
    """Every message key the code and the templates use -> where ("web/templates/try.html:12")."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(root),
        method_map=METHODS,
        options_map={"web/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
        keywords=KEYWORDS,
        strip_comment_tags=True,
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append(f"{filename}:{line}")
    return found


def read(lang: str) -> Any:
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def compiled(catalogue: Any) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def _fields(message: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(message) if f is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def problems(root: Path = REPO) -> list[str]:
    """What keeps the catalogues from being whole, one line each (none when all is well)."""
    used = extract(root)
    out: list[str] = []
    catalogues = {lang: read(lang) for lang in LANGS}
    english = {m.id: m.string for m in catalogues["en"] if m.id}
    for lang, cat in catalogues.items():
        have = {m.id: m.string for m in cat if m.id}
        for key, where in sorted(used.items()):
            value = have.get(key)
            if not value or not str(value).strip():
                out.append(f"{lang}: no translation of {key!r} (used at {where[0]})")
            elif _fields(str(value)) != _fields(str(english.get(key) or "")):
                out.append(f"{lang}: {key!r} has fields {sorted(_fields(str(value)))}, English has "
                           f"{sorted(_fields(str(english.get(key) or '')))}")
        for key in sorted(set(have) - set(used)):
            out.append(f"{lang}: {key!r} is in the catalogue but nothing uses it")
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != compiled(cat):
            out.append(f"{lang}: {mo_path(lang).relative_to(root)} is not compiled from its .po "
                       "(python -m engine.cli.catalogues compile)")
    return out


def update(root: Path = REPO) -> None:
    """Every used key in every .po (new ones empty, to be translated); unused ones removed."""
    from babel.messages.pofile import write_po

    used = extract(root)
    for lang in LANGS:
        cat = read(lang)
        english = {m.id: m.string for m in read("en") if m.id}
        for message in list(cat):
            if message.id and message.id not in used:
                del cat[message.id]
        for key, where in used.items():
            comments = [] if lang == "en" else [f"en: {english.get(key) or ''}"]
            if key not in cat:
                cat.add(key, "", auto_comments=comments)
            else:
                cat[key].auto_comments = comments
            cat[key].locations = [(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in where[:3]]
        with po_path(lang).open("wb") as fh:
            write_po(fh, cat, width=0, sort_output=True)


def compile_all() -> None:
    for lang in LANGS:
        mo_path(lang).write_bytes(compiled(read(lang)))


def main(argv: list[str] | None = None) -> int:
    command = (argv or sys.argv[1:] or ["check"])[0]
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print("usage: python -m engine.cli.catalogues update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
