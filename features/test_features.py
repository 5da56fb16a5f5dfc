"""Every scenario of every `features/*.feature`, run by pytest-bdd against the real engine.

Each feature file is bound on its own: one that does not parse, or whose Examples carry an
unknown tag, becomes one failing test named after it (`test_<feature>__feature_file`) while
the other features run. Scenario tests are named `test_<feature>__<scenario>`, so
`pytest -k enrollment` runs one decision's features.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd import scenarios
from pytest_bdd.steps import step_function_context_registry

from engine.tools.features import read_feature

FEATURES = Path(__file__).resolve().parent
STEPS = FEATURES / "steps"


def _feature_file_fails(path: Path, error: BaseException):
    def test() -> None:
        pytest.fail(f"{path.name} cannot be bound: {type(error).__name__}: {error}", pytrace=False)

    return test


def _feature_tags_check(path: Path):
    def test(library) -> None:
        scenarios_, problems = read_feature(
            path.read_text(encoding="utf-8"), f"features/{path.name}", path.name
        )
        for s in scenarios_:
            if s.act is None:
                problems.append(f"features/{path.name}:{s.line}: {s.name!r} has no @act: tag")
                continue
            if s.act not in library.acts:
                problems.append(f"features/{path.name}:{s.line}: @act:{s.act} is not a loaded act")
                continue
            clauses = library.act(s.act).clauses
            problems.extend(
                f"features/{path.name}:{s.line}: @clause:{c} is not a clause of {s.act}"
                for c in s.clauses
                if c not in clauses
            )
        assert not problems, "\n".join(problems)

    return test


for _path in sorted(FEATURES.glob("*.feature")):
    _stem = _path.stem.replace("-", "_")
    _before = {name for name in globals() if name.startswith("test_")}
    try:
        scenarios(_path.name)
    except Exception as _error:  # a broken feature fails its own test only
        globals()[f"test_{_stem}__feature_file"] = _feature_file_fails(_path, _error)
    for _name in sorted({name for name in globals() if name.startswith("test_")} - _before):
        if _name.startswith(f"test_{_stem}__"):
            continue
        globals()[f"test_{_stem}__{_name.removeprefix('test_')}"] = globals().pop(_name)
    globals()[f"test_{_stem}__tags"] = _feature_tags_check(_path)


def _step_modules() -> list[str]:
    return sorted(p.stem for p in STEPS.glob("*.py") if not p.name.startswith("_"))


@pytest.mark.parametrize("module", _step_modules())
def test_step_module_loads(module: str, step_module_errors: dict[str, str]) -> None:
    assert module not in step_module_errors, f"features/steps/{module}.py:\n{step_module_errors[module]}"


def test_no_step_phrase_is_defined_twice() -> None:
    """Two step modules defining the same phrase would make one of them silently unused."""
    seen: dict[tuple[str | None, str], str] = {}
    twice = []
    for func, context in list(step_function_context_registry.items()):
        module = getattr(func, "__module__", "?")
        if not module.startswith("ereje_feature_steps_"):
            continue
        key = (context.type, context.parser.name)
        if key in seen and seen[key] != module:
            twice.append(f"{key[0]} {key[1]!r}: {seen[key]} and {module}")
        seen.setdefault(key, module)
    assert not twice, "\n".join(twice)
