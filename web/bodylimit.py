"""Request bodies over their limit are refused whole, before anything reads them as a case.

A body with a `Content-Length` over the limit is refused by werkzeug before it is read. A
chunked body has no length: werkzeug then stops reading at the limit (`LimitedStream`) and
hands the first `limit` bytes on as if they were the whole body — a case cut short, or a valid
case followed by anything at all, was decided and logged. `BodyLimit` wraps such a body in a
stream that reads at most one byte past the limit and answers 413 (`payload-too-large`) when
that byte exists, so an over-long body is refused however it is sent.

The limit is that of the endpoint: `EREJE_BATCH_MAX_BYTES` for a batch, `MAX_CONTENT_LENGTH`
(a single decision, the pages' forms) for everything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge

BATCH_PATH = re.compile(r"^/v1/decisions/[^/]+/batch/?$")


def limit_for(path: str, config: Mapping[str, Any]) -> int:
    """The largest body the endpoint at `path` accepts, in bytes."""
    if BATCH_PATH.match(path):
        return int(config["EREJE_BATCH_MAX_BYTES"])
    return int(config["MAX_CONTENT_LENGTH"])


class CappedInput:
    """`wsgi.input` of a body without a length, refused (413) once it is longer than `cap`."""

    def __init__(self, raw: Any, cap: int) -> None:
        self.raw = raw
        self.cap = cap
        self.total = 0

    def _too_large(self) -> RequestEntityTooLarge:
        return RequestEntityTooLarge(
            f"the body is larger than {self.cap} bytes, the limit of this endpoint"
        )

    def read(self, size: int | None = -1) -> bytes:
        room = self.cap + 1 - self.total  # never read more than one byte past the cap
        if room <= 0:
            raise self._too_large()
        want = room if size is None or size < 0 else min(size, room)
        data = self.raw.read(want) if want > 0 else b""
        self.total += len(data)
        if self.total > self.cap:
            raise self._too_large()
        if self.total == self.cap and data and self.raw.read(1):  # at the cap: anything more?
            self.total += 1
            raise self._too_large()
        return data

    def readline(self, size: int | None = -1) -> bytes:
        room = self.cap + 1 - self.total
        if room <= 0:
            raise self._too_large()
        want = room if size is None or size < 0 else min(size, room)
        data = self.raw.readline(want)
        self.total += len(data)
        if self.total > self.cap:
            raise self._too_large()
        return data


class BodyLimit:
    """WSGI middleware: every body without a length (chunked, or no `Content-Length`) goes
    through `CappedInput`; with `Transfer-Encoding: chunked` a `Content-Length` is ignored, as
    werkzeug and HTTP/1.1 ignore it."""

    def __init__(self, wsgi: Callable[..., Iterable[bytes]], config: Mapping[str, Any]) -> None:
        self.wsgi = wsgi
        self.config = config

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        chunked = environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
        if (chunked or not environ.get("CONTENT_LENGTH")) and "wsgi.input" in environ:
            cap = limit_for(environ.get("PATH_INFO", ""), self.config)
            environ["wsgi.input"] = CappedInput(environ["wsgi.input"], cap)
        return self.wsgi(environ, start_response)
