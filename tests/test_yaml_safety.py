"""Safe YAML for policy files (`engine/yamlsafe.py`): what a value becomes, what is refused.

Policy files are legal data: a date must stay the text the drafter wrote, `no` must not become
false, a duplicated key must not silently win, and nothing in a file may make the loader run
code, expand without bound or read past a size limit. Every refusal carries a position.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.yamlsafe import MAX_POLICY_FILE_BYTES, load_policy_text, load_policy_yaml

P = Path("policy.yaml")


def load(text: str) -> object:
    doc, issues = load_policy_text(text, P)
    assert doc is not None, [i.render() for i in issues]
    assert issues == []
    return doc.data


def refuse(text: str) -> list[tuple[int | None, int | None, str]]:
    doc, issues = load_policy_text(text, P)
    assert doc is None
    assert issues
    return [(i.line, i.column, i.message) for i in issues]


def test_dates_and_ids_stay_text() -> None:
    data = load('adopted: 2013-08-28\nsigned: "2025-04-23"\nid: rules.8.10\nnumber: "853"\n')
    assert data == {"adopted": "2013-08-28", "signed": "2025-04-23", "id": "rules.8.10", "number": "853"}


def test_only_true_and_false_are_booleans() -> None:
    data = load("a: no\nb: yes\nc: on\nd: off\ne: true\nf: false\ng: True\nh: n\n")
    assert data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": "off",
        "e": True,
        "f": False,
        "g": "True",
        "h": "n",
    }


def test_unquoted_numbers_are_numbers() -> None:
    # Why the policy format says: quote anything that is not a number. 8.10 is the number 8.1,
    # and a leading zero is YAML 1.1's octal: 010 is 8.
    data = load('a: 8.10\nb: "8.10"\nc: 853\nd: 010\ne: "010"\n')
    assert data == {"a": 8.1, "b": "8.10", "c": 853, "d": 8, "e": "010"}


def test_null_and_empty_values() -> None:
    assert load("a: null\nb: ~\nc:\n") == {"a": None, "b": None, "c": None}


def test_duplicate_keys_are_refused_with_both_positions() -> None:
    doc, issues = load_policy_text("id: rules.1\nkind: rule\nkind: declarative\n", P)
    assert doc is None
    [issue] = issues
    assert (issue.line, issue.column, issue.message) == (3, 1, "duplicate key 'kind'")
    assert issue.hint == "the first 'kind' is at line 2"


def test_duplicate_keys_in_nested_mappings() -> None:
    assert refuse("versions:\n  - text:\n      kk: a\n      en: b\n      kk: c\n") == [
        (5, 7, "duplicate key 'kk'")
    ]


def test_aliases_are_refused() -> None:
    [(line, _column, message)] = refuse("a: &x [1, 2]\nb: *x\n")
    assert message == "YAML aliases (*name) are not allowed in policy files"
    assert line in (1, 2)


def test_billion_laughs_is_refused_fast() -> None:
    levels = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * 10)}]" for k in range(1, 10)]
    text = "\n".join(levels) + "\n"  # fully expanded: 10**10 strings
    start = time.perf_counter()
    problems = refuse(text)
    assert time.perf_counter() - start < 2.0
    assert "aliases (*name) are not allowed" in problems[0][2]


def test_python_tags_cannot_construct_objects() -> None:
    [(line, column, message)] = refuse("a: !!python/name:os.system\n")
    assert (line, column) == (1, 4)
    assert message.startswith("unsupported YAML value: could not determine a constructor")
    # On a list or mapping the tag is not even looked at: the data stays plain data.
    assert load("a: !!python/object/apply:os.system ['echo owned']\n") == {"a": ["echo owned"]}


def test_keys_must_be_plain_strings() -> None:
    [(line, column, message)] = refuse("? [a, b]\n: 1\n")
    assert (line, column, message) == (1, 3, "a mapping key must be a plain string")


@pytest.mark.parametrize(
    ("text", "line", "column", "phrase"),
    [
        ("title:\n  en: Enrolment: the reserve\n", 2, 16, "mapping values are not allowed"),
        ("outcomes:\n  - id: a\n   - id: b\n", 3, 4, ""),
        ("outcomes:\n\t- id: a\n", 2, 1, "cannot start any token"),
        ("clauses: [rules.1, rules.4\nnext: 1\n", 2, 5, ""),
        ("a: 1\n---\nb: 2\n", 2, 1, "another document"),
        ('a: "unterminated\n', 2, 1, ""),
    ],
    ids=["colon in a value", "bad indentation", "tab", "unclosed list", "two documents", "unclosed quote"],
)
def test_malformed_yaml_is_positioned(text: str, line: int, column: int, phrase: str) -> None:
    doc, issues = load_policy_text(text, P)
    assert doc is None
    [issue] = issues
    assert issue.message.startswith("malformed YAML: ")
    assert phrase in issue.message
    assert issue.line == line
    if phrase:
        assert issue.column == column
    assert issue.hint == "check indentation and quoting near this position"


def test_empty_file() -> None:
    assert refuse("") == [(None, None, "file is empty")]
    assert refuse("# a comment only\n") == [(None, None, "file is empty")]


def test_size_limit_is_exact(tmp_path: Path) -> None:
    body = "a: 1\n"
    at_limit = tmp_path / "at.yaml"
    at_limit.write_text(body + "#" * (MAX_POLICY_FILE_BYTES - len(body) - 1) + "\n", encoding="utf-8")
    assert at_limit.stat().st_size == MAX_POLICY_FILE_BYTES
    doc, issues = load_policy_yaml(at_limit)
    assert doc is not None and doc.data == {"a": 1} and issues == []
    over = tmp_path / "over.yaml"
    over.write_text(body + "#" * (MAX_POLICY_FILE_BYTES - len(body)) + "\n", encoding="utf-8")
    doc, issues = load_policy_yaml(over, "policies/X/clauses/over.yaml")
    assert doc is None
    [issue] = issues
    assert issue.file == "policies/X/clauses/over.yaml" and issue.code == "size"
    assert (
        issue.message
        == f"file is {MAX_POLICY_FILE_BYTES + 1:,} bytes, over the {MAX_POLICY_FILE_BYTES:,}-byte limit"
    )


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Қазақ".encode("utf-16"))
    doc, issues = load_policy_yaml(path)
    assert doc is None and issues[0].message.startswith("file is not UTF-8")


def test_unreadable_path(tmp_path: Path) -> None:
    doc, issues = load_policy_yaml(tmp_path / "missing.yaml")
    assert doc is None and issues[0].code == "io" and issues[0].message.startswith("cannot read file")


def test_positions_of_every_value_by_json_pointer() -> None:
    doc, _ = load_policy_text("clauses:\n  - id: rules.1\n    versions:\n      - kind: rule\n", P)
    assert doc is not None
    assert (doc.position("/clauses/0/id").line, doc.position("/clauses/0/id").column) == (2, 9)
    kind = doc.position("/clauses/0/versions/0/kind")
    assert (kind.line, kind.column) == (4, 15)
    # a pointer that is not there falls back to its nearest ancestor
    missing = doc.position("/clauses/0/versions/0/rule")
    assert (missing.line, missing.column) == (4, 9)


def test_rule_blocks_know_where_their_text_starts() -> None:
    text = "rule: |\n  for enrollment:\n    when a then b\nnotes: >\n  folded\n  text\n"
    doc, _ = load_policy_text(text, P)
    assert doc is not None
    assert doc.data["rule"] == "for enrollment:\n  when a then b\n"
    block = doc.blocks["/rule"]
    assert (block.first_line, block.indent) == (2, 2)


def test_rule_block_with_leading_blank_line_keeps_line_numbers() -> None:
    doc, _ = load_policy_text("rule: |\n\n  define x = 1\n", P)
    assert doc is not None
    assert doc.data["rule"] == "\ndefine x = 1\n"
    # rule line 2 ("define …") is file line 3
    assert doc.blocks["/rule"].first_line == 2


def test_explicit_indentation_indicator() -> None:
    doc, _ = load_policy_text("rule: |2\n    x\n  y\n", P)
    assert doc is not None
    assert doc.data["rule"] == "  x\ny\n"
    assert doc.blocks["/rule"].indent == 2
