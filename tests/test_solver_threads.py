"""A program may solve from several threads (the service no longer does: its solver jobs run in
child processes, `web.solving`). z3 shares one context across threads and crashes the process
when two threads solve at once, so every use holds `solver_session`: lints run side by side in
threads must finish, each with the answer a lone run gives."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

from engine import load_library
from engine.tools.lint import lint_library
from engine.tools.symbolic.session import solver_session

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lint"
AS_OF = dt.date(2024, 6, 1)
NAMES = ["value-overlap-trigger", "condition-false-trigger", "value-overlap-clean"]


def _codes(name: str) -> list[tuple[str, str | None]]:
    report = lint_library(load_library(FIXTURES / name), as_of=AS_OF, stability=False, show_settled=True)
    return sorted((f.kind, f.clause) for f in report.findings)


def test_lints_in_threads_agree_with_a_lone_run() -> None:
    alone = {name: _codes(name) for name in NAMES}
    seen: dict[int, list[tuple[str, str | None]]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            seen[i] = _codes(NAMES[i % len(NAMES)])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors and len(seen) == 6
    for i, codes in seen.items():
        assert codes == alone[NAMES[i % len(NAMES)]]


def test_a_session_is_held_by_one_thread_at_a_time() -> None:
    inside = 0
    most = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        with solver_session():
            with lock:
                inside += 1
                most = max(most, inside)
            threading.Event().wait(0.02)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_a_fork_waits_for_the_session_and_the_child_can_solve() -> None:
    held = threading.Event()

    def hold() -> None:
        with solver_session():
            held.set()
            time.sleep(0.3)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: one thread, a session of its own
        import signal

        signal.alarm(10)
        with solver_session():
            pass
        os._exit(0)
    waited = time.monotonic() - started
    _, status = os.waitpid(pid, 0)
    holder.join()
    assert os.waitstatus_to_exitcode(status) == 0
    assert waited >= 0.2  # the fork waited for the solving thread's session to end
