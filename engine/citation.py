"""A clause id as a lawyer cites it: "rules.8.3" → "8-тармақтың 3) тармақшасы".

Clause ids are built for machines (docs/policy-format.md): `rules.8.3`, `rules.14.part1`,
`rules.10.1.part3`, `decree.2`, `art39.3`. Drafters and reviewers read the law by its own
citation forms, which differ by language and are not a word-for-word match of each other:

    rules.8.3          kk 8-тармақтың 3) тармақшасы     ru подпункт 3) пункта 8
    rules.14.part1     kk 14-тармақтың бірінші бөлігі    ru часть первая пункта 14
    rules.10.1.part2   kk 10-тармақтың 1) тармақшасының екінші абзацы
                       ru абзац второй подпункта 1) пункта 10
    decree.2           kk Жарлықтың 2-тармағы           ru пункт 2 Указа
    art39.3            kk 39-баптың 3-тармағы            ru пункт 3 статьи 39

The paragraphs of the Rules are cited without naming the Rules (they are the body of the act
the page or the answer is about); the points of the Decree that approves them are cited with
"Жарлықтың" / "Указа" / "Decree" so that decree.1 and rules.1 never read alike. A part of a
paragraph is a "бөлік / часть / part"; a part of a subparagraph is an indent ("абзац /
абзац / indent"), as the Rules' 10.1 lead-in and its three indents are.

`cite` never guesses: an id outside this scheme gives None (`cite_or_id` falls back to the
id itself), and a test renders every clause id of the shipped acts in the three languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LANGS = ("kk", "ru", "en")

_KK_ORDINAL = (
    "бірінші", "екінші", "үшінші", "төртінші", "бесінші",
    "алтыншы", "жетінші", "сегізінші", "тоғызыншы", "оныншы",
)
_RU_ORDINAL_F = (
    "первая", "вторая", "третья", "четвёртая", "пятая",
    "шестая", "седьмая", "восьмая", "девятая", "десятая",
)
_RU_ORDINAL_M = (
    "первый", "второй", "третий", "четвёртый", "пятый",
    "шестой", "седьмой", "восьмой", "девятый", "десятый",
)

# Named divisions of an act whose points are cited with the division's name; "rules" (the body
# of the Rules) is cited by its numbers alone.
_DOCUMENT = {
    "decree": {"kk": "Жарлықтың", "ru": "Указа", "en": "Decree"},
}
_TITLE: dict[str | None, dict[str, str]] = {
    "decree": {"kk": "Жарлықтың атауы", "ru": "наименование Указа", "en": "title of the Decree"},
    "rules": {"kk": "Қағидалардың атауы", "ru": "наименование Правил", "en": "title of the Rules"},
}

_PART = re.compile(r"^part([1-9][0-9]?)$")
_NUMBER = re.compile(r"^[1-9][0-9]{0,3}$")
_ARTICLE = re.compile(r"^art([1-9][0-9]{0,3})$")


@dataclass(frozen=True)
class Reference:
    """The structural units a clause id names, outermost first."""

    document: str | None  # "decree", "rules", … (None for an article of a code)
    article: int | None = None
    paragraph: int | None = None
    subparagraph: int | None = None
    part: int | None = None  # of the paragraph, or (with a subparagraph) its indent
    title: bool = False


def parse(clause_id: str) -> Reference | None:
    """The reference a clause id names, or None when the id is outside the citation scheme."""
    head, *rest = clause_id.split(".")
    article = _ARTICLE.match(head)
    if article:
        document, art = None, int(article.group(1))
    elif head in _DOCUMENT or head in _TITLE:
        document, art = head, None
    else:
        return None
    if rest == ["title"] and document in _TITLE:
        return Reference(document, title=True)
    part = None
    part_match = _PART.match(rest[-1]) if rest else None
    if part_match:
        part = int(part_match.group(1))
        rest = rest[:-1]
    if not all(_NUMBER.match(n) for n in rest) or len(rest) > 2:
        return None
    numbers = [int(n) for n in rest]
    if art is None and not numbers:
        return None
    if part is not None and part > len(_KK_ORDINAL):
        return None
    paragraph = numbers[0] if numbers else None
    subparagraph = numbers[1] if len(numbers) > 1 else None
    if part is not None and paragraph is None:
        return None
    return Reference(document, art, paragraph, subparagraph, part)


def cite(clause_id: str, lang: str) -> str | None:
    """The citation form of `clause_id` in `lang` (kk, ru or en); None outside the scheme."""
    ref = parse(clause_id)
    if ref is None or lang not in LANGS:
        return None
    if ref.title:
        return _TITLE[ref.document][lang]
    return {"kk": _kk, "ru": _ru, "en": _en}[lang](ref)


def cite_or_id(clause_id: str, lang: str | None) -> str:
    """`cite`, or the id itself where no citation form exists (an unknown language, a draft id)."""
    return cite(clause_id, lang or "kk") or clause_id


# ---- Kazakh ---------------------------------------------------------------------------------------
# The chain is built from the outermost unit in: every unit but the last takes the genitive
# (-тың), and a unit after a genitive takes the possessive (-ы/-і: "тармағы", "тармақшасы").


def _kk(ref: Reference) -> str:
    units: list[tuple[str, str, str]] = []  # (nominative, genitive, possessive)
    if ref.article is not None:
        n = ref.article
        units.append((f"{n}-бап", f"{n}-баптың", f"{n}-бабы"))
    if ref.paragraph is not None:
        n = ref.paragraph
        units.append((f"{n}-тармақ", f"{n}-тармақтың", f"{n}-тармағы"))
    if ref.subparagraph is not None:
        n = ref.subparagraph
        units.append((f"{n}) тармақша", f"{n}) тармақшасының", f"{n}) тармақшасы"))
    if ref.part is not None:
        word = _KK_ORDINAL[ref.part - 1]
        if ref.subparagraph is not None:
            units.append((f"{word} абзац", f"{word} абзацының", f"{word} абзацы"))
        else:
            units.append((f"{word} бөлік", f"{word} бөлігінің", f"{word} бөлігі"))
    document = _DOCUMENT.get(ref.document or "", {}).get("kk")
    words = [document] if document else []
    for i, (nominative, genitive, possessive) in enumerate(units):
        last = i == len(units) - 1
        after_genitive = bool(words)
        words.append((possessive if after_genitive else nominative) if last else genitive)
    return " ".join(words)


# ---- Russian --------------------------------------------------------------------------------------
# Innermost unit first, the outer ones in the genitive: "абзац второй подпункта 1) пункта 10".


def _ru(ref: Reference) -> str:
    words: list[str] = []
    if ref.part is not None:
        if ref.subparagraph is not None:
            words.append(f"абзац {_RU_ORDINAL_M[ref.part - 1]}")
        else:
            words.append(f"часть {_RU_ORDINAL_F[ref.part - 1]}")
    if ref.subparagraph is not None:
        words.append(f"{'подпункта' if words else 'подпункт'} {ref.subparagraph})")
    if ref.paragraph is not None:
        words.append(f"{'пункта' if words else 'пункт'} {ref.paragraph}")
    if ref.article is not None:
        words.append(f"{'статьи' if words else 'статья'} {ref.article}")
    document = _DOCUMENT.get(ref.document or "", {}).get("ru")
    if document:
        words.append(document)
    return " ".join(words)


# ---- English --------------------------------------------------------------------------------------
# Outermost first, comma-separated: "paragraph 10, subparagraph 1), indent 2".


def _en(ref: Reference) -> str:
    units: list[str] = []
    document = _DOCUMENT.get(ref.document or "", {}).get("en")
    if document:
        units.append(document)
    if ref.article is not None:
        units.append(f"Article {ref.article}")
    if ref.paragraph is not None:
        units.append(f"paragraph {ref.paragraph}")
    if ref.subparagraph is not None:
        units.append(f"subparagraph {ref.subparagraph})")
    if ref.part is not None:
        units.append(f"{'indent' if ref.subparagraph is not None else 'part'} {ref.part}")
    return ", ".join(units)
