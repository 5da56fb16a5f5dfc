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
) -> None:
    """Serve the WSGI app built by `load_app` under gunicorn until stopped."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings: dict[str, Any] = {
                "bind": f"{options.host}:{options.port}",
                "workers": options.workers,
                "threads": options.threads,
                # gthread, taking only its share of a burst of connections (web/workers.py)
                "worker_class": "web.workers.FairThreadWorker" if options.threads > 1 else "sync",
                "timeout": options.timeout,
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
            settings["pre_fork"] = _freeze_before_fork
            if on_reload is not None:
                settings["on_reload"] = lambda arbiter: on_reload(self.wsgi())
            if options.watch and watch_path is not None:
                settings["when_ready"] = _start_watcher(watch_path, options.watch_interval)
            for key, value in settings.items():
                if value is not None and key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from web.keepalive import KeepAliveLimit, keepalive_requests

            app = load_app()  # kept-alive connections are recycled so workers share the load
            app.wsgi_app = KeepAliveLimit(app.wsgi_app, keepalive_requests())
            return app

    Server().run()


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
    from web import create_app
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
    get_store(app).close()  # no database connection may cross the fork into workers
    return app


def reload_app(app: Any) -> None:
    from web.policies import reload_all

    reload_all(app)


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

        from web.store.logwriter import wait_ready

        self._spawn()
        wait_ready(self.socket, self.proc)
        threading.Thread(target=self._watch, name="ereje-log-watchdog", daemon=True).start()

    def _watch(self) -> None:
        import time

        from web.store.logwriter import WriterError, wait_ready

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
