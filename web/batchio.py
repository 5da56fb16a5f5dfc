"""A batch read one case at a time and answered from a spool: memory bounded whatever its size.

Before, a batch held every parsed case (an 8 MB array is ~110 MB of Python objects), every
encoded answer (130 MB for 10,000 cases with `explain=true`) and then their concatenation, so
one large batch took a worker to half a gigabyte and eight of them to gigabytes. Now:

- the body is checked whole before anything is decided (a malformed array or too many cases
  refuse the batch, as before), but only the position of each case is kept (`array_items`,
  `line_items`); a case is parsed when its turn comes and dropped once decided;
- each answer is written to a spool (`Spool`: memory up to SPOOL_MEMORY, then a temporary
  file) and the response streams the spool once every decision is durable, so the answer still
  leaves only after the whole batch is logged and can still be a 503;
- the log takes the records a chunk at a time (`web.store.BatchLog`).

A worker's memory for one batch is then at most about twice the body (its bytes while it is
decoded, then its text: ≤ 2 × `EREJE_BATCH_MAX_BYTES`), plus one chunk of decided cases and
their records (256), SPOOL_MEMORY and one WRITE_BLOCK, whatever the size of the answers.

How many batches one caller may have in progress at once, across every worker of the server,
is `EREJE_BATCH_CONCURRENCY` (`BatchSlots`); one more is answered 429 with `Retry-After`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from web.problems import Problem, say

SPOOL_MEMORY = 1024 * 1024
STREAM_BLOCK = 64 * 1024
# Answers are gathered into blocks this large before they reach the spool: once the spool is
# a file, writing each ~10 KB answer (and each comma) on its own was a system call apiece,
# about a tenth of a 10,000-case batch's time.
WRITE_BLOCK = 256 * 1024
RETRY_AFTER_S = 2

_WS = re.compile(r"[ \t\n\r]*")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _position(text: str, index: int) -> dict[str, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return {"line": line, "column": column}


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            "malformed-json", say("problem.detail.not_utf8", byte=exc.start)
        ) from None



def _skip_ws(text: str, i: int) -> int:
    """The index after the JSON whitespace starting at `i` (the pattern also matches none)."""
    match = _WS.match(text, i)
    return match.end() if match else i


def array_items(text: str, max_cases: int, too_many: Problem) -> list[tuple[int, int]]:
    """(start, end) of each element of the JSON array `text`, checked strictly (as
    `web.jsonio.parse`: no NaN, no trailing garbage) without keeping any element's value."""
    n = len(text)
    i = _skip_ws(text, 0)
    if i >= n or text[i] != "[":
        raise Problem(
            "malformed-request",
            say("problem.detail.batch_shape"),
        )
    i = _skip_ws(text, i + 1)
    spans: list[tuple[int, int]] = []
    if i < n and text[i] == "]":
        i += 1
    else:
        while True:
            start = i
            try:
                _, i = _DECODER.raw_decode(text, i)
            except json.JSONDecodeError as exc:
                raise Problem(
                    "malformed-json", say("problem.detail.json_syntax", **_position(text, exc.pos))
                ) from None
            except ValueError:  # NaN / Infinity
                raise Problem("malformed-json", say("problem.detail.json_number")) from None
            except RecursionError:
                raise Problem("json-too-deep", say("problem.detail.json_too_deep")) from None
            spans.append((start, i))
            if len(spans) > max_cases:
                raise too_many
            i = _skip_ws(text, i)
            if i < n and text[i] == ",":
                i = _skip_ws(text, i + 1)
                continue
            if i < n and text[i] == "]":
                i += 1
                break
            raise Problem(
                "malformed-json", say("problem.detail.json_syntax", **_position(text, i))
            )
    if _skip_ws(text, i) != n:
        raise Problem("malformed-json", say("problem.detail.json_extra", **_position(text, i)))
    return spans


def line_items(data: bytes, max_cases: int, too_many: Problem) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of a JSON-lines body."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(data)
    while start < n:
        end = data.find(b"\n", start)
        end = n if end < 0 else end
        if data[start:end].strip():
            spans.append((start, end))
            if len(spans) > max_cases:
                raise too_many
        start = end + 1
    return spans


class Spool:
    """The encoded results of a batch, in memory up to SPOOL_MEMORY and then on disk."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
        self._block: list[bytes] = []
        self._block_size = 0
        self._written = 0
        self.count = 0

    @property
    def size(self) -> int:
        """Bytes of results so far (the commas between them included)."""
        return self._written + self._block_size

    def add(self, part: bytes) -> None:
        if self.count:
            self._block.append(b",")
            self._block_size += 1
        self._block.append(part)
        self._block_size += len(part)
        self.count += 1
        if self._block_size >= WRITE_BLOCK:
            self._write_block()

    def _write_block(self) -> None:
        self._file.write(b"".join(self._block))
        self._written += self._block_size
        self._block, self._block_size = [], 0

    def stream(self, head: bytes, tail: bytes) -> Iterator[bytes]:
        """`head`, the results, `tail`; the spool is closed when the stream ends (or is
        abandoned by a client that went away)."""
        try:
            yield head
            self._write_block()
            self._file.seek(0)
            while block := self._file.read(STREAM_BLOCK):
                yield block
            yield tail
        finally:
            self._file.close()

    def close(self) -> None:
        self._file.close()


class BatchSlots:
    """At most `limit` batches in progress per caller, across the server's processes.

    A slot is an `flock` on one of `limit` files per caller in `directory` (one open file per
    request, so threads of one worker exclude each other too); the kernel drops the lock of a
    process that dies, so a killed worker cannot keep a slot.
    """

    def __init__(self, directory: Path, limit: int) -> None:
        self.directory = Path(directory)
        self.limit = limit

    @contextlib.contextmanager
    def hold(self, caller: str) -> Iterator[None]:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = hashlib.sha256(caller.encode("utf-8")).hexdigest()[:24]
        for slot in range(self.limit):
            fd = os.open(self.directory / f"{key}.{slot}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                         0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            return
        raise Problem(
            "too-many-batches",
            say("problem.detail.too_many_batches", limit=self.limit),
            headers={"Retry-After": str(RETRY_AFTER_S)},
            limit=self.limit,
        )
