"""Run one solver job in a child process and bring back its picklable result.

z3 is not safe in a threaded process: the cyclic garbage collector frees z3 terms in whichever
thread triggers it, racing a solve in another thread, and libz3 then crashes the whole process
(seen as the gunicorn master dying while its background lint solved). The service is threaded
(the master's lint thread, a worker's request threads), so it never solves itself: every solver
job — the compare page's exact diff, the monitoring lint — runs here, in a process of its own.

- The child is *spawned* (a fresh interpreter), never forked: a fork of a threaded parent copies
  locks other threads hold and whatever state they were half-way through changing.
- The child loads the policy tree itself (`engine.load_library`) and checks that the tree's digest
  before and after loading is the live version the parent asked about; otherwise the job fails
  ("the policy files changed since the live version was loaded") rather than answer for files
  nobody has reviewed or put live.
- The result comes back through a pipe, and only through it: in the gunicorn master, gunicorn's
  SIGCHLD handler reaps unknown children (`waitpid(-1)`), so the child's exit code may be gone.
  An end of file before a result means the child died.
- Bounds: a deadline (`timeout`, seconds of wall time; the child is killed when it passes), a CPU
  limit a little above it (RLIMIT_CPU, so a child orphaned by a killed worker still stops), and
  MEMORY_LIMIT bytes of address space (RLIMIT_AS): the shipped acts' lint and exact diff peak near
  110 MiB resident, and a runaway solve fails on its own instead of pushing the server into swap.
- A spawned child imports the parent's main module again, as multiprocessing does (`ereje`,
  `gunicorn` and `python -m web.commands` guard theirs with `if __name__ == "__main__"`); its
  job is named by module and function, so jobs live at module level in the service's modules.
- At most one solver child per process at a time (a semaphore; a second job waits its turn, the
  wait counting towards its deadline): each one is a whole interpreter with the library and z3.

A failure is a `SolverJobError` whose `reason` says which (one of REASONS) and whose message is
one line, never a traceback: pages show it to reviewers.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 4 * 1024**3  # bytes of address space per solver child
CPU_MARGIN = 30  # seconds of CPU above the wall-clock deadline before the kernel stops the child
JOIN_SECONDS = 5.0  # how long a finished or killed child is waited for, to reap it

REASONS = ("timeout", "died", "failed", "changed")

_SLOTS = threading.BoundedSemaphore(1)
_running: Any = None  # the solver child of this process, while there is one


def _after_fork_in_child() -> None:
    """A worker forked while the master's lint thread solved must not inherit the slot held, nor
    the master's child as its own: multiprocessing's exit handler would SIGTERM that child when
    the worker exits (every graceful reload), killing the master's lint half-way."""
    global _SLOTS, _running
    _SLOTS = threading.BoundedSemaphore(1)
    if _running is not None:
        multiprocessing.process._children.discard(_running)  # type: ignore[attr-defined]
        _running = None


os.register_at_fork(after_in_child=_after_fork_in_child)


class SolverJobError(Exception):
    """A solver job brought back no result; `reason` is one of REASONS, the message says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class PolicyChanged(Exception):
    """Raised in the child when the files on disk are not the live version the job is about."""


def run(
    job: Callable[..., Any],
    root: Path,
    version: str,
    args: tuple[Any, ...] = (),
    timeout: float = 60.0,
) -> Any:
    """`job(library, *args)` in a spawned child, on the policy tree at `root` loaded there,
    provided that tree is still `version` (`web.policies.tree_digest`); its result, or a
    SolverJobError. `job` must be a module-level function and its arguments and result picklable."""
    started = time.monotonic()
    deadline = started + timeout
    if not _SLOTS.acquire(timeout=timeout):
        raise SolverJobError("timeout", f"no solver was free within {timeout:g} s")
    try:
        return _run_child(job, root, version, args, deadline, timeout)
    finally:
        _SLOTS.release()


def _run_child(
    job: Callable[..., Any], root: Path, version: str, args: tuple[Any, ...], deadline: float, timeout: float
) -> Any:
    global _running
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    cpu = int(timeout) + CPU_MARGIN
    child = ctx.Process(
        target=_child_main,
        args=(send, job, str(root), version, args, cpu),
        name="ereje-solver",
        daemon=True,
    )
    try:
        _running = child
        child.start()
        send.close()  # the child holds the only write end now: its death is our end of file
        if not receive.poll(max(0.0, deadline - time.monotonic())):
            child.kill()
            raise SolverJobError(
                "timeout", f"the solver did not finish within {timeout:g} s and was stopped"
            )
        try:
            kind, payload = receive.recv()
        except (EOFError, OSError):
            raise SolverJobError(
                "died", "the solver process ended without an answer (it crashed or ran out of memory)"
            ) from None
    finally:
        send.close()
        receive.close()
        if child.pid is not None:
            child.join(JOIN_SECONDS)  # reaps it if gunicorn's SIGCHLD handler has not already
        _running = None
    if kind == "ok":
        return payload
    reason, message = payload
    raise SolverJobError(reason, message)


def _limit(cpu_seconds: int) -> None:
    import resource

    for limit, value in ((resource.RLIMIT_AS, MEMORY_LIMIT), (resource.RLIMIT_CPU, cpu_seconds)):
        _soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, hard))


def _child_main(
    send: Any, job: Callable[..., Any], root: str, version: str, args: tuple[Any, ...], cpu_seconds: int
) -> None:
    """The child: bound itself, load the tree it was asked about, run the job, send one message."""
    from multiprocessing.reduction import ForkingPickler

    try:
        _limit(cpu_seconds)
        library = load_checked(Path(root), version)
        message: tuple[str, Any] = ("ok", job(library, *args))
    except PolicyChanged as exc:
        message = ("error", ("changed", str(exc)))
    except MemoryError:
        message = ("error", ("failed", "the solver ran out of memory"))
    except Exception as exc:  # reported as one line to the parent, never a traceback on a page
        message = ("error", ("failed", _one_line(exc)))
    try:
        data = bytes(ForkingPickler.dumps(message))
    except Exception as exc:  # an unpicklable result is the job's bug: say so instead of dying
        data = bytes(ForkingPickler.dumps(("error", ("failed", f"the result cannot be sent back: {_one_line(exc)}"))))
    try:
        send.send_bytes(data)
    except OSError:
        pass  # the parent gave up waiting (a deadline, a killed worker): nobody to tell
    finally:
        send.close()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def load_checked(root: Path, version: str) -> Any:
    """The library at `root`, provided its files are `version` before and after loading."""
    from engine import load_library
    from web.policies import tree_digest

    message = "the policy files changed since the live version was loaded; reload first"
    if tree_digest(root) != version:
        raise PolicyChanged(message)
    library = load_library(root)
    if tree_digest(root) != version:
        raise PolicyChanged(message)
    return library
