"""Fixtures of the service tests: stores on both backends, and the app on the real engine.

Integration tests use the real `engine.load_library` and the shipped policies (never a stand-in
engine). `EREJE_TEST_POLICIES` points the suite at another policy tree, e.g. a draft.
"""

from __future__ import annotations

import copy
import itertools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # helper modules beside this file

from pgcluster import Cluster
from webfixtures import CASE, POLICIES, cached_loader, write_tokens_file

_db_counter = itertools.count()
_library_cache: dict[tuple[str, str], Any] = {}


# -- stores --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty log on each backend."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "log.sqlite3")
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"ereje_test_{next(_db_counter)}")


@pytest.fixture(params=["sqlite", "sqlite+log-writer", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh log on each backend; SQLite also through a log writer (as under
    `ereje serve`), run here in a thread."""
    import shutil
    import tempfile
    import threading

    from web.store import open_store
    from web.store.logwriter import serve
    from web.store.writerclient import wait_ready

    if request.param == "postgresql":
        url = request.getfixturevalue("pg_cluster").create_database(
            f"ereje_test_{next(_db_counter)}"
        )
    else:
        url = "sqlite:///" + str(tmp_path / "log.sqlite3")
    if request.param != "sqlite+log-writer":
        s = open_store(url)
        s.migrate()
        yield s
        s.close()
        return
    sock_dir = Path(tempfile.mkdtemp(prefix="ew-"))  # AF_UNIX paths are short
    sock = sock_dir / "w.sock"
    backend = open_store(url)
    backend.migrate()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(backend, sock, stop), daemon=True)
    thread.start()
    wait_ready(sock, None)
    s = open_store(url, log_writer=str(sock))
    try:
        yield s
    finally:
        s.close()
        stop.set()
        thread.join(10)
        backend.close()
        shutil.rmtree(sock_dir, ignore_errors=True)


# -- the app -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def shipped_policies() -> Path:
    try:
        cached_loader(POLICIES)
    except Exception as exc:  # the suite means nothing without them: fail, never skip
        pytest.fail(f"the policies in {POLICIES} do not load: {exc}", pytrace=False)
    return POLICIES


@pytest.fixture
def make_app(tmp_path: Path, shipped_policies: Path) -> Iterator[Callable[..., Any]]:
    from web.app import create_app

    apps: list[Any] = []

    def make(**over: Any) -> Any:
        cfg = {
            "TESTING": True,
            "EREJE_DATABASE_URL": "sqlite:///" + str(tmp_path / "log.sqlite3"),
            "EREJE_POLICIES": str(shipped_policies),
            "EREJE_POLICY_LOADER": cached_loader,
            "EREJE_TOKENS_FILE": str(write_tokens_file(tmp_path)),
            "EREJE_TOKENS": None,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            **over,
        }
        app = create_app(cfg)
        apps.append(app)
        return app

    yield make
    for app in apps:  # tests may swap the store: close what is there and what was built
        app.extensions["ereje.store"].close()


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    return make_app()


@pytest.fixture
def client(app: Any) -> Any:
    """A test client whose every response is checked against web/openapi.yaml."""
    from spec_client import SpecCheckingClient

    app.test_client_class = SpecCheckingClient
    return app.test_client()


@pytest.fixture
def case() -> dict[str, Any]:
    return copy.deepcopy(CASE)
