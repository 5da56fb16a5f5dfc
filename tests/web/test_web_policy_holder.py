"""The live-policy holder's swap protocol, with a stand-in loader.

These are unit tests of `web.policies` alone (the swap, the refusal of a broken load, the
watcher); the real engine and the shipped policies are exercised by the HTTP and reload tests.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from web.policies import PolicyHolder, PolicyWatcher, tree_digest


class Broken(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.issues = [_Issue(message)]


class _Issue:
    def __init__(self, message: str) -> None:
        self.message = message

    def to_dict(self) -> dict:
        return {"file": "rules.yaml", "line": 3, "message": self.message}


class FakeLibrary:
    def __init__(self, text: str) -> None:
        self.text = text
        self.acts: dict = {}


def loader(path: Path) -> FakeLibrary:
    text = (path / "policy.txt").read_text()
    if text.startswith("broken"):
        raise Broken(f"cannot parse {text!r}")
    return FakeLibrary(text)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "policy.txt").write_text("v1")
    return tmp_path


def test_reload_swaps_and_old_references_stay_valid(tree: Path) -> None:
    holder = PolicyHolder(tree, loader)
    assert holder.reload() is True
    in_flight = holder.snapshot  # a request in progress holds this
    (tree / "policy.txt").write_text("v2")
    assert holder.reload() is True
    assert holder.snapshot.library.text == "v2"
    assert in_flight.library.text == "v1"
    assert holder.snapshots()[1] is in_flight


def test_a_broken_edit_never_goes_live(tree: Path) -> None:
    holder = PolicyHolder(tree, loader)
    holder.reload()
    live = holder.snapshot
    (tree / "policy.txt").write_text("broken edit")
    assert holder.reload() is False
    assert holder.snapshot is live
    err = holder.last_error
    assert err is not None and "broken edit" in err.message
    assert err.issues == [{"file": "rules.yaml", "line": 3, "message": "cannot parse 'broken edit'"}]
    status = holder.status(__import__("datetime").date(2025, 6, 1))
    assert status["version"] == live.version
    assert status["last_reload_error"]["version"] == tree_digest(tree)
    (tree / "policy.txt").write_text("v3")
    assert holder.reload() is True
    assert holder.last_error is None


def test_unchanged_tree_is_not_reloaded(tree: Path) -> None:
    calls = []

    def counting(path: Path) -> FakeLibrary:
        calls.append(path)
        return loader(path)

    holder = PolicyHolder(tree, counting)
    holder.reload()
    assert holder.reload() is False
    assert len(calls) == 1
    assert holder.reload(force=True) is True
    assert len(calls) == 2


def test_no_policy_at_start_is_503(tree: Path) -> None:
    from web.problems import Problem

    (tree / "policy.txt").write_text("broken from the start")
    holder = PolicyHolder(tree, loader)
    assert holder.reload() is False
    with pytest.raises(Problem) as info:
        holder.snapshot  # noqa: B018
    assert info.value.status == 503
    assert not holder.loaded and holder.snapshots() == ()


def test_history_is_bounded(tree: Path) -> None:
    holder = PolicyHolder(tree, loader, keep=2)
    for i in range(5):
        (tree / "policy.txt").write_text(f"v{i}")
        holder.reload()
    assert [s.library.text for s in holder.snapshots()] == ["v4", "v3", "v2"]


def test_hidden_files_do_not_change_the_version(tree: Path) -> None:
    before = tree_digest(tree)
    (tree / ".policy.txt.swp").write_text("editor junk")
    assert tree_digest(tree) == before


def test_readers_always_see_a_whole_snapshot_during_reloads(tree: Path) -> None:
    holder = PolicyHolder(tree, loader)
    holder.reload()
    seen: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(holder.snapshot.library.text)
            time.sleep(0.0005)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(20):
        (tree / "policy.txt").write_text("broken" if i % 3 == 0 else f"v{i}")
        holder.reload()
    stop.set()
    for t in threads:
        t.join(10)
    assert seen and not any(s.startswith("broken") for s in seen)


def test_watcher_calls_back_on_change(tree: Path) -> None:
    fired = threading.Event()
    watcher = PolicyWatcher(tree, fired.set, interval=0.05)
    watcher.start()
    try:
        time.sleep(0.1)
        assert not fired.is_set()
        (tree / "policy.txt").write_text("v2 with another size")
        assert fired.wait(5)
    finally:
        watcher.stop()
        watcher.join(5)
