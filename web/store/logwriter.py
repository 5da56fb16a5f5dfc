"""The log writer: one process that commits every worker's decisions to the SQLite log.

Why a process of its own: SQLite takes one writer at a time and `synchronous=FULL` makes each
commit wait for an fsync. With every gunicorn worker committing its own decisions, the commits
queue behind each other, and a worker holding the write lock is slowed further by the CPU-bound
work around it (other processes deciding, other threads holding its GIL), so the log — not the
deciding — capped the throughput. Here the workers send their rows over a Unix socket and wait;
the writer, doing nothing else, commits everything that arrived while the previous commit ran in
one transaction and then acknowledges each sender. A decision is still answered only after its
row is durable; the fsyncs are shared by all the workers' requests. Under load a commit may
wait up to `EREJE_LOG_COMMIT_DELAY_MS` for the rows of other busy workers (see `_linger`); a
batch sends its rows in several frames without waiting in between (`WriterPipeline`).
Checkpoints run beside the commits, never inside one (`web.store.checkpoints`).

Protocol (local): a frame is a 4-byte big-endian length and a `marshal`-encoded list of rows
(tuples of str, bytes, int and None: the column values, JSON already rendered as UTF-8 bytes).
`marshal` because it copies strings and bytes instead of escaping them again, and it can build
only plain values, never run code; the peer is the server's own worker, on a socket of mode
0600 in a private directory.
The answer is one byte, 0 for committed, or 1 followed by a 4-byte length and a UTF-8 error
message. An empty list asks "can you write now?" (`/readyz`).
"""

from __future__ import annotations

import argparse
import logging
import marshal
import os
import selectors
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from web.store.checkpoints import CHECKPOINT_ROWS, Checkpointer, checkpoint
from web.store.writerclient import FRAME_HEADER, MAX_FRAME

log = logging.getLogger("ereje.web")

# -- the writer process --------------------------------------------------------------------
# A worker that sent a frame this recently is busy: under load, the next commit waits (at most
# the commit delay) for the busy workers' frames, so one fsync covers more decisions. The
# idea is PostgreSQL's `commit_delay` / `commit_siblings`: a lone writer never waits.
_BUSY_WINDOW_S = 0.05


class _Peer:
    __slots__ = ("buf", "last_frame", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.last_frame = 0.0


def serve(
    store: Any,
    sock_path: Path,
    stop: threading.Event | None = None,
    commit_delay: float = 0.0,
    checkpoint_rows: int = CHECKPOINT_ROWS,
) -> None:
    """Accept workers on `sock_path` and commit their rows in shared transactions until
    SIGTERM (or `stop`). `commit_delay` (seconds) is how long a commit may wait for the
    frames of other busy workers; the log is checkpointed beside the commits every
    `checkpoint_rows` rows."""
    stop = stop or threading.Event()
    parent = os.getppid()
    if sock_path.exists():
        sock_path.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(sock_path))
    os.chmod(sock_path, 0o600)
    listener.listen(256)
    listener.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    store.defer_checkpoints()
    checkpointer = Checkpointer(store)
    rows_since_checkpoint = 0
    try:
        while not stop.is_set():
            events = sel.select(timeout=0.5)
            if os.getppid() != parent:  # the server was killed: do not outlive it
                log.warning("log writer: the server process is gone, exiting")
                break
            ready: list[tuple[_Peer, list[Any]]] = []
            _take(events, listener, sel, ready)
            if ready and commit_delay > 0:
                _linger(listener, sel, ready, commit_delay)
            if ready:
                _commit(store, ready)
                rows_since_checkpoint += sum(len(rows) for _, rows in ready)
                if checkpointer.catch_up_due():
                    checkpoint(store)  # the replies went out first
                elif rows_since_checkpoint >= checkpoint_rows and checkpointer.start():
                    rows_since_checkpoint = 0
    finally:
        checkpointer.stop()
        for key in list(sel.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        sel.close()
        if sock_path.exists():
            sock_path.unlink()


def _take(
    events: list[Any],
    listener: socket.socket,
    sel: selectors.BaseSelector,
    ready: list[tuple[_Peer, list[Any]]],
) -> None:
    """Accept new workers and add every complete frame that arrived to `ready`."""
    now = time.monotonic()
    for key, _ in events:
        if key.data is None:
            _accept(listener, sel)
            continue
        peer: _Peer = key.data
        if not _receive(peer):
            sel.unregister(peer.sock)
            peer.sock.close()
            continue
        while len(peer.buf) >= 4:
            (size,) = FRAME_HEADER.unpack_from(peer.buf)
            if size > MAX_FRAME or len(peer.buf) < 4 + size:
                break
            frame = bytes(peer.buf[4 : 4 + size])
            del peer.buf[: 4 + size]
            peer.last_frame = now
            try:
                ready.append((peer, _rows(marshal.loads(frame))))
            except (ValueError, EOFError, TypeError) as exc:
                log.error("log writer: unreadable frame dropped: %s", exc)
                _reply(peer, _error(f"unreadable frame: {exc}"))


def _linger(
    listener: socket.socket,
    sel: selectors.BaseSelector,
    ready: list[tuple[_Peer, list[Any]]],
    delay: float,
) -> None:
    """Wait up to `delay` for the frames of the other busy workers (none busy: no wait)."""
    start = time.monotonic()
    deadline = start + delay
    peers = [k.data for k in sel.get_map().values() if k.data is not None]
    busy = {id(p) for p in peers if start - p.last_frame < _BUSY_WINDOW_S}
    waiting = {id(p) for p, _ in ready}
    while not busy <= waiting:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        _take(sel.select(timeout=left), listener, sel, ready)
        waiting = {id(p) for p, _ in ready}


def _accept(listener: socket.socket, sel: selectors.BaseSelector) -> None:
    try:
        sock, _ = listener.accept()
    except BlockingIOError:
        return
    sock.setblocking(False)
    sel.register(sock, selectors.EVENT_READ, _Peer(sock))


_CHUNK = 1 << 20


def _receive(peer: _Peer) -> bool:
    """Read what is there; False when the peer has gone. A short read means the socket is
    drained (a frame that is not complete yet is finished on a later wake-up)."""
    while True:
        try:
            chunk = peer.sock.recv(_CHUNK)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not chunk:
            return False
        peer.buf += chunk
        if len(chunk) < _CHUNK:
            return True


def _rows(value: Any) -> list[tuple[Any, ...]]:
    if not isinstance(value, list) or not all(isinstance(r, tuple) for r in value):
        raise TypeError("a frame holds a list of row tuples")
    return value


def _error(message: str) -> bytes:
    data = message.encode("utf-8", "replace")[:4000]
    return b"\x01" + FRAME_HEADER.pack(len(data)) + data


def _reply(peer: _Peer, reply: bytes) -> None:
    try:
        try:  # the usual case: a short reply fits the socket's buffer at once
            sent = peer.sock.send(reply)
        except BlockingIOError:
            sent = 0
        if sent < len(reply):
            peer.sock.settimeout(5)  # a worker that stops reading must not stall the log
            peer.sock.sendall(reply[sent:])
            peer.sock.setblocking(False)
    except OSError:
        pass  # the worker died waiting; its request was never answered


def _commit(store: Any, ready: list[tuple[_Peer, list[Any]]]) -> None:
    rows = [row for _, batch in ready for row in batch]
    reply = b"\x00"
    try:
        store.insert_rows(rows)
    except Exception as exc:  # every sender of this transaction learns it failed
        log.error("log writer: commit of %d row(s) failed: %s", len(rows), exc)
        reply = _error(str(exc))
    for peer, _ in ready:
        _reply(peer, reply)


# -- running it ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.store.logwriter", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--socket", required=True, type=Path)
    parser.add_argument(
        "--commit-delay-ms", type=float, default=None,
        help="how long a commit may wait for other busy workers' decisions"
        " (default: EREJE_LOG_COMMIT_DELAY_MS)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] %(message)s")
    from web import config
    from web.store.sqlite import SQLiteStore

    delay_ms = args.commit_delay_ms
    if delay_ms is None:
        delay_ms = config.load()["EREJE_LOG_COMMIT_DELAY_MS"]
    store = SQLiteStore.from_url(args.database_url)
    store.migrate()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    serve(store, args.socket, stop, commit_delay=delay_ms / 1000)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
