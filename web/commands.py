"""The service's subcommands of `ereje`: serve, reload, purge, token.

`register(subparsers)` adds them to the engine's parser (see `engine.cli`); each sets `func`, a
callable taking the parsed namespace and returning the exit status. `python -m web.commands`
runs them alone (the tests and the load benchmark use it).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import signal
import sys
from pathlib import Path

from web import config


def _instance_path() -> Path:
    """Where the default SQLite log and pidfile live: Flask's instance folder for `web`."""
    env = os.environ.get("EREJE_INSTANCE_PATH")
    if env:
        return Path(env)
    from flask import Flask

    return Path(Flask("web").instance_path)


def _default_pidfile() -> str:
    return os.environ.get("EREJE_PIDFILE") or str(_instance_path() / "ereje.pid")


def _database_url() -> str:
    return config.load().get("EREJE_DATABASE_URL") or (
        "sqlite:///" + str(_instance_path() / "ereje.sqlite3")
    )


# -- serve ---------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    from web import serve
    from web.store import StoreError
    from web.store.writerclient import WriterError

    if args.policies:
        os.environ["EREJE_POLICIES"] = str(Path(args.policies).resolve())
    if args.database_url:
        os.environ["EREJE_DATABASE_URL"] = args.database_url
    os.environ.setdefault("EREJE_INSTANCE_PATH", str(_instance_path()))
    serve.configure_logging(args.log_level)
    writer = None
    try:
        url = _database_url()
        if url.startswith("sqlite:"):  # one process commits for all workers (see logwriter)
            instance = Path(os.environ["EREJE_INSTANCE_PATH"])
            instance.mkdir(parents=True, exist_ok=True)
            writer = serve.LogWriterProcess(url, instance)
            writer.start()
            os.environ["EREJE_LOG_WRITER"] = str(writer.socket)
        app = serve.build_app()
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        if writer is not None:
            writer.stop()
        return 2
    except (config.ConfigError, ValueError, OSError, StoreError, WriterError) as exc:
        print(f"ereje serve: {exc}", file=sys.stderr)
        if writer is not None:
            writer.stop()
        return 2
    Path(args.pidfile).parent.mkdir(parents=True, exist_ok=True)
    options = serve.ServeOptions(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        timeout=args.timeout,
        pidfile=args.pidfile,
        watch=args.watch or bool(app.config.get("EREJE_WATCH")),
        watch_interval=float(app.config["EREJE_WATCH_INTERVAL"]),
        access_log=args.access_log,
        log_level=args.log_level,
    )
    from web.policies import get_holder

    try:
        serve.run(
            lambda: app, options, on_reload=serve.reload_app, watch_path=get_holder(app).path,
            on_ready=serve.lint_when_ready,
        )
    finally:  # gunicorn ends with sys.exit: stop the writer after the workers are gone
        if writer is not None:
            writer.stop()
    return 0


# -- reload --------------------------------------------------------------------------------
def cmd_reload(args: argparse.Namespace) -> int:
    try:
        pid = int(Path(args.pidfile).read_text().strip())
    except FileNotFoundError:
        print(f"ereje reload: no pidfile at {args.pidfile}; is `ereje serve` running?",
              file=sys.stderr)
        return 1
    except ValueError:
        print(f"ereje reload: {args.pidfile} does not hold a process id", file=sys.stderr)
        return 1
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        print(f"ereje reload: process {pid} from {args.pidfile} is not running", file=sys.stderr)
        return 1
    print(f"sent SIGHUP to {pid}; a refused policy is reported on /readyz and in the log")
    return 0


# -- purge ---------------------------------------------------------------------------------
def cmd_purge(args: argparse.Namespace) -> int:
    from web.store import StoreError, open_store, utcnow

    days = args.older_than if args.older_than is not None else config.load()[
        "EREJE_RETENTION_DAYS"
    ]
    if days < 0:
        print("ereje purge: --older-than must be 0 or more days", file=sys.stderr)
        return 2
    cutoff = utcnow() - _dt.timedelta(days=days)
    try:
        store = open_store(args.database_url or _database_url())
        store.migrate()
        count = store.purge(cutoff)
        store.close()
    except StoreError as exc:
        print(f"ereje purge: {exc}", file=sys.stderr)
        return 1
    print(
        f"purged personal data of {count} decision(s) recorded before "
        f"{cutoff.isoformat(timespec='seconds')}; outcomes, citations and hashes are kept"
    )
    return 0


# -- token ---------------------------------------------------------------------------------
def _read_token() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("token: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_token_hash(args: argparse.Namespace) -> int:
    from web.auth import hash_token

    token = _read_token()
    if not token:
        print("ereje token hash: empty token (give it on standard input)", file=sys.stderr)
        return 2
    digest = hash_token(token)
    print(f"{args.caller}:{digest}" if args.caller else digest)
    return 0


def cmd_token_new(args: argparse.Namespace) -> int:
    from web.auth import hash_token, new_token

    token = new_token()
    print(f"token (give it to {args.caller}; it is not stored anywhere): {token}")
    print(f"EREJE_TOKENS entry: {args.caller}:{hash_token(token)}")
    print(f"EREJE_TOKENS_FILE entry:\n- caller: {args.caller}\n  token_sha256: {hash_token(token)}")
    return 0


# -- registration --------------------------------------------------------------------------
def register(subparsers: argparse._SubParsersAction) -> None:
    """Add serve, reload, purge and token to an `ereje` argument parser."""
    from web.serve import default_threads, default_workers

    p = subparsers.add_parser(
        "serve",
        help="serve the decision API (gunicorn)",
        description="Serve the HTTP API with gunicorn: SQLite log and the shipped policies by "
        "default. Settings come from EREJE_* variables (see docs); options override them.",
    )
    p.add_argument("--host", default=os.environ.get("EREJE_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("EREJE_PORT", "8080")))
    p.add_argument("--workers", type=int, default=int(os.environ.get("EREJE_WORKERS", "0"))
                   or default_workers())
    p.add_argument("--threads", type=int, default=int(os.environ.get("EREJE_THREADS", "0"))
                   or default_threads(), help="threads per worker (gthread if > 1)")
    p.add_argument("--timeout", type=int, default=30,
                   help="seconds before a stuck worker dies (with --threads 1 at least 75: the"
                   " compare page's exact diff may take 60)")
    p.add_argument("--policies", help="policies directory (EREJE_POLICIES)")
    p.add_argument("--database-url", help="decision log URL (EREJE_DATABASE_URL)")
    p.add_argument("--pidfile", default=_default_pidfile())
    p.add_argument("--watch", action="store_true", help="reload when policy files change (dev)")
    p.add_argument("--access-log", help="file for the access log, '-' for stderr")
    p.add_argument("--log-level", default="info",
                   choices=["debug", "info", "warning", "error", "critical"])
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser(
        "reload", help="reload the policies of a running server (SIGHUP to its pidfile's pid)"
    )
    p.add_argument("--pidfile", default=_default_pidfile())
    p.set_defaults(func=cmd_reload)

    p = subparsers.add_parser(
        "purge",
        help="redact the personal data of logged decisions older than the retention period",
    )
    p.add_argument("--older-than", type=int, metavar="DAYS",
                   help="retention in days (default EREJE_RETENTION_DAYS)")
    p.add_argument("--database-url", help="decision log URL (EREJE_DATABASE_URL)")
    p.set_defaults(func=cmd_purge)

    p = subparsers.add_parser("token", help="bearer tokens: hash one, or make a new one")
    token = p.add_subparsers(dest="token_command", required=True)
    t = token.add_parser("hash", help="print the SHA-256 to configure for a token read on stdin")
    t.add_argument("--caller", help="print as caller:hash, ready for EREJE_TOKENS")
    t.set_defaults(func=cmd_token_hash)
    t = token.add_parser("new", help="make a random token and print its configuration entry")
    t.add_argument("--caller", required=True)
    t.set_defaults(func=cmd_token_new)


def main(argv: list[str] | None = None) -> int:
    """These commands alone (without the engine's), for tests and the load benchmark."""
    parser = argparse.ArgumentParser(prog="ereje")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
