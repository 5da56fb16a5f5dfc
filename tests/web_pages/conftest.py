"""Fixtures of the page tests: the service app (API and pages) on the shipped policies.

The real engine and the shipped policies throughout; the library is loaded once per policy tree
(memoised by the tree's digest) so each test does not compile the policies again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "policies"

_libraries: dict[tuple[str, str], Any] = {}


def cached_loader(path: Path) -> Any:
    from engine import load_library
    from web.policies import tree_digest

    key = (str(path), tree_digest(path))
    if key not in _libraries:
        _libraries[key] = load_library(path)
    return _libraries[key]


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    from web.app import create_app

    apps: list[Any] = []

    def make(**over: Any) -> Any:
        cfg = {
            "TESTING": True,
            "EREJE_DATABASE_URL": "sqlite:///" + str(tmp_path / "log.sqlite3"),
            "EREJE_POLICIES": str(POLICIES),
            "EREJE_POLICY_LOADER": cached_loader,
            "EREJE_TOKENS_FILE": None,
            "EREJE_TOKENS": None,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "EREJE_LINT_BUDGET": 20_000,
            **over,
        }
        app = create_app(cfg)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["ereje.store"].close()


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    return make_app()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def kk_client(app: Any) -> Any:
    c = app.test_client()
    c.set_cookie("ereje_lang", "kk")
    return c


@pytest.fixture
def en_client(app: Any) -> Any:
    c = app.test_client()
    c.set_cookie("ereje_lang", "en")
    return c


@pytest.fixture
def results_file(tmp_path: Path) -> Callable[..., Path]:
    """write(failed=(clause ids)): a scenario-results file (format ereje-scenario-results/1) for
    the features as they are now, every scenario passed except those tagging a failed clause.

    Independent of the last feature run (which writes test-output/trace-results.json only at the
    end of the session): the pages are checked against `engine.tools.trace` on a known file.
    """
    from engine.tools.features import read_features
    from engine.tools.trace import RESULTS_FORMAT, act_fingerprint

    features = REPO / "features"

    def write(failed: tuple[str, ...] = ()) -> Path:
        index = read_features(features)
        fingerprints: dict[str, str] = {}
        entries = []
        for s in index.scenarios:
            if s.act is None or not (POLICIES / s.act).is_dir():
                continue
            if s.act not in fingerprints:
                fingerprints[s.act] = act_fingerprint(POLICIES / s.act)
            entries.append(
                {
                    "id": f"{s.rel}:{s.line}",
                    "feature": s.rel,
                    "feature_sha256": index.files[s.rel],
                    "line": s.line,
                    "name": s.name,
                    "example": None,
                    "act": s.act,
                    "clauses": list(s.clauses),
                    "policies": fingerprints[s.act],
                    "result": "failed" if set(failed) & set(s.clauses) else "passed",
                    "message": None,
                    "decisions": [],
                }
            )
        path = tmp_path / f"trace-results-{len(failed)}.json"
        data = {"format": RESULTS_FORMAT, "written": "2026-01-01T00:00:00+00:00", "policies": str(POLICIES),
                "scenarios": entries}
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped policies, to edit in a test."""
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target
