"""Cyclic garbage collection paused while a batch is decided.

A batch keeps every case it parsed alive until it is answered: hundreds of thousands of
container objects at 10,000 cases. Each time they grow past the collector's thresholds it
walks all of them again, and with the collector on, those passes were a quarter of a large
batch's time while finding nothing to free (the objects are alive). Reference counting still
frees whatever is not a cycle; the collector resumes when the last batch of the process ends
(batches in several threads share one pause), and then reclaims any cycles left meanwhile.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic collection until the last holder leaves (if it was on to begin with)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
