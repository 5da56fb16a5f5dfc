"""Clause headings on the pages read as the law cites the clause, not as the machine id."""

from __future__ import annotations

import html
from typing import Any


def _text(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_clause_page_heading_in_kazakh(kk_client: Any) -> None:
    body = _text(kk_client.get("/acts/U1300000624/clauses/rules.8.3"))
    assert "<h1>8-тармақтың 3) тармақшасы" in body
    assert "8.3 норма" not in body


def test_clause_page_heading_in_english(en_client: Any) -> None:
    body = _text(en_client.get("/acts/U1300000624/clauses/rules.14.part1"))
    assert "<h1>paragraph 14, part 1" in body


def test_act_page_headings(kk_client: Any) -> None:
    body = _text(kk_client.get("/acts/U1300000624"))
    assert ">18-тармақтың 7) тармақшасы</a>" in body
    assert ">Жарлықтың 2-тармағы</a>" in body
