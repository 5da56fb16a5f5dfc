"""`ereje serve`: the service under gunicorn, with reloads that never serve a broken policy.

Why this shape:
- `preload_app`: the master builds the app (loads and compiles the policies, migrates the log)
  once; workers are forked from it ready to answer. Startup fails loudly if the policies do
  not load — there is no "empty" service.
- Reload = SIGHUP to the master (what `ereje reload` sends). Gunicorn's HUP handling calls our
  `on_reload` hook in the master, which reloads the policies there (a broken edit is refused
  and the old snapshot kept), then forks fresh workers from the master and stops the old ones
  gracefully, each finishing the requests it has. Without preloading, gunicorn's HUP would make
  every new worker load the edit itself, and a worker that cannot boot makes gunicorn halt the
  whole server — the opposite of what a broken edit must do.
- `--watch` (development) polls the policy tree in the master and sends the master SIGHUP, so
  the watcher and `ereje reload` share one path.
- With the SQLite log, one log writer process (`web.store.logwriter`, supervised here) commits
  every worker's decisions, many per transaction; workers are gthread workers (a process per
  core, 8 threads each) so a process keeps deciding while some of its requests wait for their
  commit. Measured against sync workers and per-worker commits in bench/load.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.i18n import N_

log = logging.getLogger("ereje.web")


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 4
    threads: int = 1
    timeout: int = 30
    graceful_timeout: int = 30
    pidfile: str | None = None
    watch: bool = False
    watch_interval: float = 1.0
    access_log: str | None = None
    log_level: str = "info"
    extra: dict[str, Any] = field(default_factory=dict)


def default_workers() -> int:
    """One process per core (at least two): deciding is CPU-bound and holds the GIL."""
    return max(2, os.cpu_count() or 1)


def default_threads() -> int:
    """Threads per worker (gunicorn's gthread worker).

    Several requests of one process then wait on the decision log together and share one
    commit and its fsync (`web.store.groupcommit`); with one request per process (sync
    workers) every decision pays a commit of its own, serialised across processes, and the
    log caps the throughput well below what the CPUs can decide (see bench/load).
    """
    return 8


# Seconds above the longest request a sync worker is given before gunicorn kills it.
SYNC_TIMEOUT_MARGIN = 15


def worker_timeout(options: ServeOptions) -> int:
    """gunicorn's worker timeout for `options`: a sync worker (one thread) is at least given
    the time of the longest request, the compare page's exact diff, plus a margin.

    gunicorn kills a worker that has not reported in `timeout` seconds. A gthread worker
    reports from its main loop while its threads answer, however long they take; a sync worker
    reports only between requests, so with the default 30 s it was killed half-way through an
    exact diff that the compare page allows 60 s, and the caller got a reset instead of the page
    saying the diff was unavailable.
    """
    if options.threads > 1:
        return options.timeout
    from web.pages.compare import EXACT_TIMEOUT

    return max(options.timeout, int(EXACT_TIMEOUT) + SYNC_TIMEOUT_MARGIN)


def gunicorn_settings(options: ServeOptions) -> dict[str, Any]:
    """gunicorn's settings for `options`, before the hooks `run` adds."""
    return {
        "bind": f"{options.host}:{options.port}",
        "workers": options.workers,
        "threads": options.threads,
        # gthread, taking only its share of a burst of connections (web/workers.py)
        "worker_class": "web.workers.FairThreadWorker" if options.threads > 1 else "sync",
        "timeout": worker_timeout(options),
        "graceful_timeout": options.graceful_timeout,
        "preload_app": True,
        "pidfile": options.pidfile,
        "accesslog": options.access_log,
        "loglevel": options.log_level,
        "proc_name": "ereje",
        # gunicorn ≥ 25 opens a control socket in $HOME shared by every instance;
        # reloads go through SIGHUP and the pidfile instead.
        "control_socket_disable": True,
        **options.extra,
    }


def configure_logging(level: str = "info") -> None:
    """Our `ereje.*` loggers to stderr beside gunicorn's, one line per event."""
    logger = logging.getLogger("ereje")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")
        )
        logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False


def run(
    load_app: Callable[[], Any],
    options: ServeOptions,
    on_reload: Callable[[Any], None] | None = None,
    watch_path: Path | None = None,
    on_ready: Callable[[Any], None] | None = None,
) -> None:
    """Serve the WSGI app built by `load_app` under gunicorn until stopped. `on_ready(app)`
    runs in the master once gunicorn handles its signals, `on_reload(app)` at each SIGHUP."""
    from gunicorn.app.base import BaseApplication

    settings = gunicorn_settings(options)
    if settings["timeout"] != options.timeout:
        log.warning(
            "sync workers (--threads 1): worker timeout raised from %d s to %d s, above the"
            " compare page's exact diff", options.timeout, settings["timeout"],
        )

    class Server(BaseApplication):
        def load_config(self) -> None:
            settings["pre_fork"] = _freeze_before_fork
            if on_reload is not None:
                settings["on_reload"] = lambda arbiter: on_reload(self.wsgi())
            ready_hooks = [lambda arbiter: on_ready(self.wsgi())] if on_ready else []
            if options.watch and watch_path is not None:
                ready_hooks.append(_start_watcher(watch_path, options.watch_interval))
            if ready_hooks:
                settings["when_ready"] = lambda arbiter: [hook(arbiter) for hook in ready_hooks]
            for key, value in settings.items():
                if value is not None and key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from web.keepalive import KeepAliveLimit, keepalive_requests

            app = load_app()  # kept-alive connections are recycled so workers share the load
            app.wsgi_app = KeepAliveLimit(app.wsgi_app, keepalive_requests())
            return app

    answer_protocol_errors_as_problems()
    Server().run()


# gunicorn's own refusals (before the app sees the request), as the catalogue's problems. No
# request was read, so no `lang` is known: they are said in Kazakh, the default.
_PROTOCOL_PROBLEMS = {
    400: ("malformed-request", N_("problem.detail.not_http")),
    403: ("forbidden", N_("problem.detail.http.403")),
    414: ("uri-too-long", N_("problem.detail.uri_too_long")),
    417: ("malformed-request", N_("problem.detail.expect")),
    431: ("header-fields-too-large", N_("problem.detail.headers_too_large")),
    501: ("malformed-request", N_("problem.detail.transfer_coding")),
}


def protocol_error_response(status: int, reason: str) -> bytes:
    """A whole HTTP/1.1 response: the problem document for a refusal of gunicorn's parser.

    The detail is fixed per status: gunicorn's own message may quote the request."""
    from web.headers import API_HEADERS
    from web.jsonio import dumps
    from web.problems import PROBLEM_MIMETYPE, Problem, say

    slug, detail = _PROTOCOL_PROBLEMS.get(status, ("internal-error", "problem.detail.internal"))
    body = dumps(Problem(slug, say(detail), status=status).to_dict())
    reason = reason.encode("latin-1", "replace").decode("latin-1").replace("\r", "").replace(
        "\n", ""
    )
    head = [f"HTTP/1.1 {status} {reason}", "Connection: close",
            f"Content-Type: {PROBLEM_MIMETYPE}", f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in API_HEADERS.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def answer_protocol_errors_as_problems() -> None:
    """Make gunicorn answer what its parser refuses (414 request line too long, 431 header
    fields too large, 400 malformed) with problem+json instead of its HTML page.

    gunicorn's workers answer these in `Worker.handle_error` through `gunicorn.util.
    write_error`, which has no setting; it is replaced here, in the server's own process
    (workers inherit it by fork), by a writer with the same signature. The limits themselves
    are gunicorn's (`limit_request_line` 4094 bytes, `limit_request_fields` 100,
    `limit_request_field_size` 8190 bytes): they apply before any request reaches the app.
    """
    from gunicorn import util

    def write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
        util.write_nonblock(sock, protocol_error_response(int(status_int), str(reason)))

    util.write_error = write_error


def _freeze_before_fork(arbiter: Any, worker: Any) -> None:
    """Everything the master built (policies, compiled rules, app) is moved out of the cyclic
    collector's reach before a worker is forked from it.

    Those objects live as long as the worker; without this, each full collection in a worker
    walked all of them while every thread of the worker waited (100-190 ms measured on the
    shared machine), and the first collections after the fork were among the slowest requests
    (a 64 ms young-generation pass in 1,000 served decisions, 0.6 ms with the freeze). The
    master unfreezes and collects first, so what a reload left unreachable is freed, not frozen.
    """
    import gc

    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _start_watcher(path: Path, interval: float) -> Callable[[Any], None]:
    def when_ready(arbiter: Any) -> None:
        from web.policies import PolicyWatcher

        master = os.getpid()
        PolicyWatcher(path, lambda: os.kill(master, signal.SIGHUP), interval).start()
        log.info("watching %s for policy changes every %.1fs", path, interval)

    return when_ready


def build_app() -> Any:
    """The preloaded app for the master; refuses to start without a loadable policy."""
    from web.app import create_app
    from web.policies import get_holder
    from web.store import get_store

    app = create_app({"EREJE_WATCH": False})  # the master's watcher is ours, see above
    holder = get_holder(app)
    if not holder.loaded:
        err = holder.last_error
        raise SystemExit(
            f"ereje serve: the policies in {holder.path} cannot be loaded, not starting:\n"
            + (err.message if err else "unknown error")
        )
    app.config["EREJE_LINT_IN_BACKGROUND"] = True  # the master lints, never a worker
    _import_lint()
    get_store(app).close()  # no database connection may cross the fork into workers
    return app


def _import_lint() -> None:
    """Import what the lint thread uses here, in the master's main thread: a worker forked
    while that thread was importing would inherit a half-initialised module."""
    import importlib

    names = (
        "engine.tools.lint", "engine.tools.lint.report", "engine.tools.stability", "web.lintcache",
        "web.solving", "multiprocessing.popen_spawn_posix", "multiprocessing.resource_tracker",
    )  # the lint runs in a spawned child (`web.solving`): what starting one imports, too
    for name in names:
        importlib.import_module(name)  # a real import error must show, not turn monitoring off


class BackgroundLint:
    """The lint findings behind /monitoring, computed in the master without holding it up.

    Linting every edition costs seconds of CPU (minutes on a loaded machine), in a solver child
    (`web.lintcache`, `web.solving`) that this thread waits for. Done inside the
    SIGHUP handler it held gunicorn's arbiter: new versions went live minutes late, signals
    queued, killed workers were not replaced. So a start or a reload puts the version live at
    once, workers answer /monitoring without findings meanwhile, and this thread lints; when
    it is done and its version is still live, the master sends itself SIGHUP: the policy is
    unchanged, so that reload only replaces the workers by ones forked with the findings.
    """

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._running: set[str] = set()

    def start(self, app: Any) -> None:
        import threading

        from web import lintcache, solving
        from web.policies import get_holder

        holder = get_holder(app)
        if not holder.loaded:
            return
        snap = holder.snapshot
        budget = lintcache.budget_of(app.config)
        if lintcache.cached(snap, budget)[0]:
            return
        with self._lock:
            if snap.version in self._running:
                return
            self._running.add(snap.version)

        def work() -> None:
            import time

            started = time.monotonic()
            try:
                # A version replaced while an older one was being linted is not linted at all.
                live = lambda: holder.snapshot is snap  # noqa: E731
                if lintcache.spans_for(snap, budget, live) is None and not live():
                    log.info("lint of policy version %s skipped: no longer live",
                             snap.version[:12])
                    return
            except solving.SolverJobError as exc:
                log.error("lint of policy version %s failed: %s", snap.version[:12], exc)
                if exc.reason == "changed":
                    return  # not kept: the next reload lints again (`web.lintcache.spans_for`)
                # kept: fresh workers show /monitoring why there are no findings
            except Exception:  # /monitoring then shows no findings; decisions do not need it
                log.exception("lint of policy version %s failed", snap.version[:12])
                return
            else:
                log.info("lint findings of policy version %s ready in %.1fs",
                         snap.version[:12], time.monotonic() - started)
            finally:
                with self._lock:
                    self._running.discard(snap.version)
            if holder.snapshot is snap:
                os.kill(os.getpid(), signal.SIGHUP)  # fresh workers, forked with the findings

        threading.Thread(target=work, name="ereje-lint", daemon=True).start()


BACKGROUND_LINT = BackgroundLint()


def lint_when_ready(app: Any) -> None:
    BACKGROUND_LINT.start(app)


def reload_app(app: Any) -> None:
    from web.policies import reload_all

    reload_all(app)
    BACKGROUND_LINT.start(app)


class LogWriterProcess:
    """The SQLite log writer (`web.store.logwriter`) as a child of the server's master.

    Started before the app is built, so every worker's store sends its decisions there; a
    watchdog thread in the master restarts it if it dies (workers answer 503 meanwhile, never
    an unlogged decision); stopped after gunicorn. The writer exits by itself if the master is
    killed.
    """

    def __init__(self, database_url: str, directory: Path) -> None:
        import tempfile

        self.database_url = database_url
        self.socket = Path(directory) / f"ereje-log-{os.getpid()}.sock"
        self._tmpdir: Path | None = None
        if len(str(self.socket)) > 100:  # AF_UNIX paths are limited to ~107 bytes
            self._tmpdir = Path(tempfile.mkdtemp(prefix="ereje-log-"))
            self.socket = self._tmpdir / "writer.sock"
        self.proc: Any = None
        self._stopping = False
        self._owner = os.getpid()  # workers forked from the master inherit this object

    def _spawn(self) -> None:
        import subprocess

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "web.store.logwriter",
             "--database-url", self.database_url, "--socket", str(self.socket)],
        )

    def start(self) -> None:
        import threading

        from web.store.writerclient import wait_ready

        self._spawn()
        wait_ready(self.socket, self.proc)
        threading.Thread(target=self._watch, name="ereje-log-watchdog", daemon=True).start()

    def _watch(self) -> None:
        import time

        from web.store.writerclient import WriterError, wait_ready

        while not self._stopping:
            time.sleep(0.5)
            if self._stopping or self.proc.poll() is None:
                continue
            log.error("log writer exited with %s; restarting it", self.proc.returncode)
            self._spawn()
            try:
                wait_ready(self.socket, self.proc)
            except WriterError as exc:
                log.error("log writer restart failed: %s", exc)

    def stop(self) -> None:
        """Stop the writer — in the master only: a gunicorn worker leaves through the same
        `finally` blocks it was forked inside, and must not take the writer with it."""
        import shutil
        import subprocess

        if os.getpid() != self._owner:
            return
        self._stopping = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.socket.unlink(missing_ok=True)
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
