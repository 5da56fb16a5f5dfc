"""What the service tests share: the policy tree, a valid case, tokens, a memoised loader.

A module of its own (not conftest) so test modules import it by a name no other test
directory uses.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from web.auth import hash_token

REPO = Path(__file__).resolve().parents[2]
POLICIES = Path(os.environ.get("EREJE_TEST_POLICIES") or REPO / "policies")
CASE = json.loads((Path(__file__).parent / "data" / "enrollment_eligible.json").read_text())
AS_OF = "2025-06-01"
TOKEN = "test-token-hr"
OTHER_TOKEN = "test-token-audit"
REVOKED_TOKEN = "test-token-old"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

_library_cache: dict[tuple[str, str], Any] = {}


def cached_loader(path: Path) -> Any:
    """The real `engine.load_library`, memoised by the tree's digest: the same files give the
    same library, so each test does not compile the policies again."""
    from engine import load_library
    from web.policies import tree_digest

    key = (str(path), tree_digest(path))
    if key not in _library_cache:
        _library_cache[key] = load_library(path)
    return _library_cache[key]


def write_tokens_file(directory: Path) -> Path:
    f = directory / "tokens.yaml"
    f.write_text(
        f"- caller: hr-system\n  token_sha256: {hash_token(TOKEN)}\n"
        f"- caller: audit\n  token_sha256: {hash_token(OTHER_TOKEN)}\n"
        f"- caller: retired\n  token_sha256: {hash_token(REVOKED_TOKEN)}\n  revoked: true\n"
    )
    return f
