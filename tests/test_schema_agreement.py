"""The fast file check and the reference validator agree on every policy file we have.

Loading accepts a file the compiled (fastjsonschema) check passes without asking jsonschema;
this pins that both say the same about every shipped and every deliberately broken file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.loader import _valid_fast, _validators
from engine.yamlsafe import load_policy_yaml

REPO = Path(__file__).resolve().parents[1]
KIND = {"act.yaml": "act", "amendment.yaml": "amendment"}


def _kind(path: Path) -> str | None:
    if path.name in KIND:
        return KIND[path.name]
    for part, kind in (("amendments", "amendment"), ("clauses", "clauses"), ("decisions", "decision")):
        if path.parent.name == part:
            return kind
    return None


# Files the loader can read as YAML (the broken-YAML fixtures never reach a schema).
FILES = sorted(
    p for base in (REPO / "policies", REPO / "tests" / "fixtures")
    for p in base.rglob("*.yaml") if _kind(p) is not None and load_policy_yaml(p)[0] is not None
)


def test_there_are_files_to_compare() -> None:
    assert len(FILES) > 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_fast_and_reference_validators_agree(path: Path) -> None:
    doc, _ = load_policy_yaml(path)
    assert doc is not None
    kind = _kind(path)
    reference = not any(True for _ in _validators()[kind].iter_errors(doc.data))
    assert _valid_fast(kind, doc.data) == reference
