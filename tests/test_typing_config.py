"""The type check covers what docs/development.md says it covers.

mypy itself runs in `make test`; these tests keep its configuration from drifting: a module
added to the core is checked strictly only if it is named in the strict override, and a
missing stub must not be silenced for every library at once.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MYPY = CONFIG["tool"]["mypy"]
STRICT_FLAGS = {
    "disallow_any_generics": True,
    "disallow_subclassing_any": True,
    "disallow_untyped_calls": True,
    "disallow_untyped_defs": True,
    "disallow_incomplete_defs": True,
    "disallow_untyped_decorators": True,
    "warn_return_any": True,
    "implicit_reexport": False,
}


def _strict_patterns() -> list[str]:
    return [
        pattern
        for override in MYPY["overrides"]
        if all(override.get(k) == v for k, v in STRICT_FLAGS.items())
        for pattern in override["module"]
    ]


def _core_modules() -> list[str]:
    """The core as docs/architecture.md draws it: engine/'s top level and the rule language."""
    top = [f"engine.{p.stem}" for p in (ROOT / "engine").glob("*.py") if p.stem != "__init__"]
    dsl = [f"engine.dsl.{p.stem}" for p in (ROOT / "engine" / "dsl").glob("*.py") if p.stem != "__init__"]
    return sorted(["engine", "engine.dsl", *top, *dsl])


def _matches(module: str, pattern: str) -> bool:
    # mypy's `a.b.*` covers `a.b` itself and everything below it.
    return module == pattern or (pattern.endswith(".*") and fnmatch.fnmatch(module + ".", pattern[:-1] + "*"))


def test_every_core_module_is_checked_strictly() -> None:
    patterns = _strict_patterns()
    assert patterns, "no override sets the strict flags"
    loose = [m for m in _core_modules() if not any(_matches(m, p) for p in patterns)]
    assert loose == [], f"core modules outside the strict override in pyproject.toml: {loose}"


def test_the_checked_tree_and_the_strictness_of_the_rest() -> None:
    assert MYPY["files"] == ["engine", "web", "bench"]
    assert MYPY["check_untyped_defs"] is True
    assert "ignore-without-code" in MYPY["enable_error_code"]
    # `strict` in an override would switch strict mode on globally; it must not appear there,
    # and missing stubs are excused per library, never for all.
    assert "ignore_missing_imports" not in MYPY
    for override in MYPY["overrides"]:
        assert "strict" not in override
        if override.get("ignore_missing_imports"):
            assert not any(m.startswith(("engine", "web", "bench")) for m in override["module"])


def test_mypy_is_pinned_and_run_by_make_test() -> None:
    dev = CONFIG["project"]["optional-dependencies"]["dev"]
    assert any(re.fullmatch(r"mypy==[0-9.]+", d) for d in dev), dev
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/mypy" in test_recipe
    assert test_recipe.index("ruff check") < test_recipe.index("$(BIN)/mypy")
