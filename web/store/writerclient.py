"""The workers' side of the log writer (`web.store.logwriter`): send rows, wait until durable.

The protocol is described in `web.store.logwriter`. Kept apart from the writer process so that
the SQLite store, which sends through it, and the writer, which opens a SQLite store, do not
import each other.
"""

from __future__ import annotations

import marshal
import os
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Any

FRAME_HEADER = struct.Struct(">I")
MAX_FRAME = 256 * 1024 * 1024


class WriterError(Exception):
    """The writer could not be reached or refused the rows; the message says which."""


class WriterClient:
    """One connection per thread (and per process) to the writer."""

    def __init__(self, sock_path: Path, timeout: float = 60.0) -> None:
        self.sock_path = sock_path
        self.timeout = timeout
        self._local = threading.local()

    def _sock(self) -> socket.socket:
        sock = getattr(self._local, "sock", None)
        if sock is not None and self._local.pid == os.getpid():
            return sock
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(self.sock_path))
        except OSError as exc:
            sock.close()
            raise WriterError(
                f"the log writer at {self.sock_path} is not reachable: {exc}"
            ) from None
        self._local.sock = sock
        self._local.pid = os.getpid()
        return sock

    def _drop(self) -> None:
        sock = getattr(self._local, "sock", None)
        if sock is not None and self._local.pid == os.getpid():
            sock.close()
        self._local.sock = None

    def commit(self, rows: list[Any]) -> None:
        """Return once the writer has committed `rows`; raise `WriterError` otherwise.

        Never retried after the frame was sent: the rows may be committed already.
        """
        self._send(rows)
        message = self._receive_reply()
        if message is not None:
            raise WriterError(f"the log writer could not commit: {message}")

    def pipeline(self) -> WriterPipeline:
        """Send several frames before reading their replies (a batch logged while decided)."""
        return WriterPipeline(self)

    def _send(self, rows: list[Any]) -> None:
        payload = marshal.dumps([tuple(r) for r in rows])
        frame = FRAME_HEADER.pack(len(payload)) + payload
        sock = self._sock()
        try:
            sock.sendall(frame)
        except OSError as exc:
            self._drop()
            raise WriterError(f"the log writer did not take the rows: {exc}") from None

    def _receive_reply(self) -> str | None:
        """The next reply: None for committed, else the writer's error message."""
        sock = self._sock()
        try:
            status = _recv_exact(sock, 1)
            if status == b"\x00":
                return None
            (size,) = FRAME_HEADER.unpack(_recv_exact(sock, 4))
            return _recv_exact(sock, size).decode("utf-8", "replace")
        except OSError as exc:
            self._drop()
            raise WriterError(f"the log writer did not confirm the commit: {exc}") from None

    def close(self) -> None:
        self._drop()


class WriterPipeline:
    """Frames sent one after another on this thread's connection, replies read at the end.

    The writer answers a connection's frames in order, so `finish()` reads one reply per
    frame sent. If the batch is abandoned half-way, the connection is closed rather than
    reused, since replies may still be on their way.
    """

    def __init__(self, client: WriterClient) -> None:
        self._client = client
        self._sent = 0

    def send(self, rows: list[Any]) -> None:
        self._client._send(rows)
        self._sent += 1

    def finish(self) -> None:
        """Return once every frame sent is committed; raise `WriterError` otherwise."""
        errors = []
        while self._sent:
            self._sent -= 1
            message = self._client._receive_reply()
            if message is not None:
                errors.append(message)
        if errors:
            raise WriterError(f"the log writer could not commit: {errors[0]}")

    def abandon(self) -> None:
        if self._sent:
            self._client._drop()
            self._sent = 0


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionResetError("the log writer closed the connection")
        data += chunk
    return bytes(data)


def wait_ready(sock_path: Path, proc: Any, timeout: float = 30.0) -> None:
    """Until the writer answers a ping; raise if it exits or does not answer in time."""
    deadline = time.monotonic() + timeout
    client = WriterClient(sock_path, timeout=5)
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise WriterError(f"the log writer exited with status {proc.returncode}")
        try:
            client.commit([])
            client.close()
            return
        except WriterError:
            time.sleep(0.05)
    raise WriterError(f"the log writer did not start within {timeout:.0f}s")
