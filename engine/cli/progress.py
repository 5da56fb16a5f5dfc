"""Progress bars for the long runs of `ereje` (impact, cases generate), on a terminal only.

A person at a terminal wants to know that a 100,000-case run is moving; a pipe, a CI log or a
file wants nothing but the output. So a bar is drawn (with tqdm, on stderr) only when stderr is
a terminal, and the callers get None otherwise and skip the bookkeeping altogether.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any


def wanted(stream: IO[str] | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Bar:
    """A tqdm bar moved to absolute positions: `bar(done, total)`, closed when done."""

    def __init__(self, desc: str, unit: str, stream: IO[str]) -> None:
        from tqdm import tqdm

        # A terminal that reports no size (a bare pty) gets 80×24: tqdm would hide the bar in
        # a screen of zero rows.
        try:
            size = os.get_terminal_size(stream.fileno())
        except (AttributeError, OSError, ValueError):
            size = os.terminal_size((0, 0))
        sized = size.columns > 0 and size.lines > 0
        self._bar = tqdm(
            desc=desc,
            unit=unit,
            file=stream,
            leave=True,
            ncols=None if sized else 80,
            nrows=None if sized else 24,
        )
        self._closed = False

    def __call__(self, done: int, total: int) -> None:
        if self._closed:
            return
        if self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._bar.close()


def bar(desc: str, unit: str = "it", stream: IO[str] | None = None) -> Bar | None:
    """A bar on `stream` (stderr by default) when it is a terminal, else None."""
    stream = stream if stream is not None else sys.stderr
    return Bar(desc, unit, stream) if wanted(stream) else None


class CountingWriter:
    """A text stream that moves a bar by the lines written through it (a corpus is one case a
    line), so a writer that knows nothing of progress still shows it."""

    def __init__(self, inner: IO[str], total: int, progress: Callable[[int, int], None]) -> None:
        self._inner = inner
        self._total = total
        self._progress = progress
        self._lines = 0

    def write(self, text: str) -> int:
        written = self._inner.write(text)
        lines = text.count("\n")
        if lines:
            self._lines += lines
            self._progress(min(self._lines, self._total), self._total)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
