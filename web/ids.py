"""Decision ids: ULIDs (26 Crockford base-32 characters, time-ordered, 80 random bits).

Time order lets an operator read the log in the order it was written and lets the purge walk
an index; the random part makes ids unguessable, so knowing one decision's id tells nothing
about another's.
"""

from __future__ import annotations

import os
import re
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # 10 bits -> two characters
_M = (1 << 10) - 1
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_id(now_ms: int | None = None) -> str:
    """A new ULID for the current time (or `now_ms`, milliseconds since the epoch)."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    # 26 characters of 5 bits, high to low, two at a time (a decision pays for its id).
    p = _PAIRS
    return (
        p[value >> 120] + p[(value >> 110) & _M] + p[(value >> 100) & _M] + p[(value >> 90) & _M]
        + p[(value >> 80) & _M] + p[(value >> 70) & _M] + p[(value >> 60) & _M]
        + p[(value >> 50) & _M] + p[(value >> 40) & _M] + p[(value >> 30) & _M]
        + p[(value >> 20) & _M] + p[(value >> 10) & _M] + p[value & _M]
    )


def is_id(text: str) -> bool:
    """Whether `text` has the shape of a decision id (case-sensitive, upper case)."""
    return bool(ULID_RE.match(text))
