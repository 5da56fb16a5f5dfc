"""Browser tests: Playwright (from PyPI) driving Debian's Chromium against the app on 127.0.0.1.

No browser is ever downloaded (`playwright install` is not used): Chromium is /usr/bin/chromium
(`.ci/system-deps` installs it; EREJE_CHROMIUM points elsewhere). Without it the tests skip with
the reason, except under CI=true, where a missing browser fails the run. The pytest-playwright
plugin is not used; `playwright.sync_api` is driven from session fixtures here.

The app is the real service (`web.app.create_app`, shipped policies, real engine) served by werkzeug
in a thread on 127.0.0.1 and an ephemeral port. Every page is checked to load nothing from
another origin. Screenshots go to test-output/screenshots/ (gitignored) for a reviewer.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("EREJE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = REPO / "test-output" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _require_chromium() -> None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return
    reason = f"Chromium not found at {CHROMIUM} (install Debian's chromium: apt-get install chromium)"
    if _in_ci():
        pytest.fail(reason + "; under CI the browser tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from werkzeug.serving import make_server

    from engine.tools.trace import RESULTS_FORMAT
    from web.app import create_app

    tmp = tmp_path_factory.mktemp("pages-server")
    # The traceability page reads the features' results; the features run after these tests in
    # `make test`, so the pages get a results file of their own (every scenario "not run"): the
    # same page on a fresh clone as on a used one.
    results = tmp / "trace-results.json"
    results.write_text(json.dumps({"format": RESULTS_FORMAT, "scenarios": []}), encoding="utf-8")
    app = create_app(
        {
            "EREJE_TRACE_RESULTS": str(results),
            "TESTING": True,
            "EREJE_DATABASE_URL": "sqlite:///" + str(tmp / "log.sqlite3"),
            "INSTANCE_PATH": str(tmp / "instance"),
            "EREJE_TOKENS_FILE": None,
            "EREJE_TOKENS": None,
            "EREJE_LINT_BUDGET": 20_000,
        }
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="pages-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
        app.extensions["ereje.store"].close()


class Browser:
    """One Playwright driver and Chromium profiles (a fresh user-data-dir each), made on demand."""

    def __init__(self, profiles: Path) -> None:
        from playwright.sync_api import sync_playwright

        self.profiles = profiles
        self.playwright = sync_playwright().start()
        self.contexts: dict[str, Any] = {}

    def context(self, name: str, javascript: bool = True) -> Any:
        if name not in self.contexts:
            self.contexts[name] = self.playwright.chromium.launch_persistent_context(
                str(self.profiles / name),
                executable_path=CHROMIUM,
                headless=True,
                args=LAUNCH_ARGS,
                java_script_enabled=javascript,
                viewport={"width": 1280, "height": 900},
                locale="en-US",
            )
        return self.contexts[name]

    def close(self) -> None:
        for ctx in self.contexts.values():
            ctx.close()
        self.playwright.stop()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    _require_chromium()
    b = Browser(tmp_path_factory.mktemp("chromium-profiles"))
    try:
        yield b
    finally:
        b.close()


def _page(browser: Browser, server: str, name: str, javascript: bool) -> Iterator[Any]:
    ctx = browser.context(name, javascript)
    ctx.clear_cookies()
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((server, "data:")) else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.base = server  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        page.close()
    assert not foreign, f"requests to another origin: {foreign}"
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Any]:
    yield from _page(browser, server, "js", True)


@pytest.fixture
def nojs_page(browser: Browser, server: str) -> Iterator[Any]:
    yield from _page(browser, server, "nojs", False)


@pytest.fixture(scope="session")
def shot() -> Any:
    """shot(page or locator, name, full_page=True): a screenshot for a reviewer,
    test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(target: Any, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        if hasattr(target, "goto"):
            target.screenshot(path=str(path), full_page=full_page)
        else:  # an element
            target.screenshot(path=str(path))
        assert path.stat().st_size > 1000
        return path

    return take
