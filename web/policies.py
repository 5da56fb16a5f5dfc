"""The live policy: loaded once, replaced atomically, never by a broken edit.

A request takes `holder.snapshot` once and uses that object to the end, so a reload in the
middle of a request cannot mix two versions: the swap is one attribute assignment, and the old
snapshot lives as long as a request holds it. `reload()` builds the new library completely
before the swap, and decides its examples and a generated smoke corpus with it (`web.smoke`);
if the engine raises, or the smoke decisions fail, the live snapshot stays, the error is kept
for `/readyz` and logged.

How a reload is triggered:
- Under `ereje serve` (gunicorn, preloaded app): SIGHUP reaches the master, whose `on_reload`
  hook calls `reload()` in the master, then gunicorn forks fresh workers from it and retires
  the old ones gracefully (in-flight requests finish on the old version). A broken edit leaves
  the master's snapshot as it was, so the new workers serve the old policy and report the
  error. See `web.serve`.
- In one process (`flask run`, tests): `reload()` directly, or `EREJE_WATCH=1`, a thread that
  polls the directory's mtimes.
Superseded snapshots are kept (a few) so stored decisions can be re-checked on their own
policy hash after a reload.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from web.problems import Problem, say

log = logging.getLogger("ereje.web")

Loader = Callable[[Path], Any]


def _default_loader(path: Path) -> Any:
    from engine import load_library

    return load_library(path)


def tree_digest(root: Path) -> str:
    """SHA-256 over every file's relative path and bytes: the version of the policy tree."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts):
            continue  # editor swap files, .git
        h.update(rel.encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def tree_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detector for the watcher: (path, mtime_ns, size) of every file."""
    sig = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = os.path.join(dirpath, name)
            try:
                st = os.stat(p)
            except FileNotFoundError:
                continue
            sig.append((p, st.st_mtime_ns, st.st_size))
    return tuple(sig)


@dataclass(frozen=True)
class PolicySnapshot:
    """One loaded version of the policy tree."""

    library: Any
    version: str
    loaded_at: _dt.datetime

    def editions_on(self, on: _dt.date) -> dict[str, dict[str, str] | None]:
        """Each act's edition in force on `on` and its policy hash (None if none is)."""
        out: dict[str, dict[str, str] | None] = {}
        for act_id in self.library.acts:
            try:
                compiled = self.library.edition_on(act_id, on)
            except Exception:  # reported as unknown rather than failing /readyz
                compiled = None
            out[act_id] = (
                {"edition": compiled.edition.id, "policy_hash": compiled.policy_hash}
                if compiled is not None
                else None
            )
        return out

    def has_policy_hash(self, policy_hash: str) -> bool:
        return policy_hash in self.library.policy_hashes()


@dataclass
class ReloadError:
    message: str
    at: _dt.datetime
    issues: list[dict[str, Any]] = field(default_factory=list)
    version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "at": self.at.isoformat(),
            "version": self.version,
            "issues": self.issues,
        }


class PolicyHolder:
    """Holds the live `PolicySnapshot`; see the module docstring for the reload protocol."""

    def __init__(
        self,
        path: Path,
        loader: Loader | None = None,
        keep: int = 4,
        check: Callable[[Any], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.loader = loader or _default_loader
        self.check = check  # raises when a loaded library must not go live (web.smoke)
        self.keep = keep
        self._snapshot: PolicySnapshot | None = None
        self.history: tuple[PolicySnapshot, ...] = ()
        self.last_error: ReloadError | None = None
        self.last_reload_at: _dt.datetime | None = None
        self._lock = threading.Lock()

    @property
    def snapshot(self) -> PolicySnapshot:
        """The live snapshot (take it once per request); 503 problem if none was ever loaded."""
        snap = self._snapshot
        if snap is None:
            raise Problem("policy-unavailable", say("problem.detail.no_policy"))
        return snap

    @property
    def loaded(self) -> bool:
        return self._snapshot is not None

    def snapshots(self) -> tuple[PolicySnapshot, ...]:
        """The live snapshot first, then the superseded ones kept for re-checks."""
        live = self._snapshot
        return (live, *self.history) if live else self.history

    def reload(self, force: bool = False) -> bool:
        """Load the tree; swap it in if it loads. Returns whether the live policy changed.

        Concurrent calls are serialised. An unchanged tree (same digest) is not reloaded
        unless `force`.
        """
        with self._lock:
            now = _dt.datetime.now(_dt.UTC)
            self.last_reload_at = now
            try:
                version = tree_digest(self.path)
            except OSError as exc:
                self._fail(f"cannot read {self.path}: {exc.strerror or exc}", now, None, [])
                return False
            live = self._snapshot
            if live is not None and live.version == version and not force:
                self.last_error = None
                return False
            try:
                library = self.loader(self.path)
                if self.check is not None:
                    self.check(library)
            except Exception as exc:
                issues = [
                    i.to_dict() if hasattr(i, "to_dict") else
                    dict(i) if isinstance(i, dict) else {"message": str(i)}
                    for i in getattr(exc, "issues", [])
                ]
                if not issues:
                    log.error("policy load crashed", exc_info=exc)
                self._fail(f"{type(exc).__name__}: {exc}", now, version, issues)
                return False
            snap = PolicySnapshot(library=library, version=version, loaded_at=now)
            if live is not None:
                self.history = (live, *self.history)[: self.keep]
            self._snapshot = snap  # the atomic swap
            self.last_error = None
            log.info("policy version %s is live (%s)", version[:12], self.path)
            return True

    def _fail(
        self, message: str, now: _dt.datetime, version: str | None, issues: list[dict[str, Any]]
    ) -> None:
        self.last_error = ReloadError(message=message, at=now, issues=issues, version=version)
        if self._snapshot is None:
            log.error("policies in %s cannot be loaded: %s", self.path, message)
        else:
            log.error(
                "policy reload refused, version %s keeps serving: %s",
                self._snapshot.version[:12], message,
            )

    def status(self, today: _dt.date) -> dict[str, Any]:
        snap = self._snapshot
        return {
            "loaded": snap is not None,
            "directory": str(self.path),
            "version": snap.version if snap else None,
            "loaded_at": snap.loaded_at.isoformat() if snap else None,
            "acts": snap.editions_on(today) if snap else {},
            "last_reload_at": self.last_reload_at.isoformat() if self.last_reload_at else None,
            "last_reload_error": self.last_error.to_dict() if self.last_error else None,
        }


class PolicyWatcher(threading.Thread):
    """Development aid: poll the tree's mtimes and call `on_change` when they move.

    Polling needs no extra dependency and works on every filesystem; a second is fast enough
    for a person editing YAML.
    """

    def __init__(self, path: Path, on_change: Callable[[], Any], interval: float = 1.0) -> None:
        super().__init__(name="ereje-policy-watcher", daemon=True)
        self.path = Path(path)
        self.on_change = on_change
        self.interval = interval
        self._stop_event = threading.Event()
        self._last = tree_signature(self.path)

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            sig = tree_signature(self.path)
            if sig != self._last:
                self._last = sig
                try:
                    self.on_change()
                except Exception:
                    log.exception("policy watcher: reload failed")

    def stop(self) -> None:
        self._stop_event.set()


def reload_all(app: Flask) -> bool:
    """What SIGHUP means: re-read the policies and the token configuration."""
    app.extensions["ereje.tokens"].reload()
    return app.extensions["ereje.policies"].reload()


def get_holder(app: Flask | None = None) -> PolicyHolder:
    return (app or current_app).extensions["ereje.policies"]


def init_app(app: Flask) -> None:
    """Load the policies before serving; start the watcher if asked (single-process use)."""
    from web import smoke

    holder = PolicyHolder(
        Path(app.config["EREJE_POLICIES"]),
        loader=app.config.get("EREJE_POLICY_LOADER"),
        keep=int(app.config.get("EREJE_HISTORY", 4)),
        check=smoke.check,  # a policy that loads but does not decide never goes live
    )
    holder.reload()
    app.extensions["ereje.policies"] = holder
    if app.config.get("EREJE_WATCH"):
        watcher = PolicyWatcher(
            holder.path, lambda: reload_all(app), float(app.config["EREJE_WATCH_INTERVAL"])
        )
        watcher.start()
        app.extensions["ereje.watcher"] = watcher
