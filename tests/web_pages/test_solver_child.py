"""The service's solver jobs run in a spawned child (`web.solving`), never in the service's process.

The jobs below are module-level so the spawned child can import them by name, as it imports the
service's own (`web.pages.compare.exact_job`, `web.lintcache.lint_days`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from web import solving
from web.policies import tree_digest

REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "policies"
ACT = "U1300000624"
DRAFT = "draft:draft-hypothetical-reserve-terms"
CURRENT = "U1300000624@U2500000853"


def acts_job(library: Any, pid_file: str) -> list[str]:
    Path(pid_file).write_text(str(os.getpid()))
    return sorted(library.acts)


def sleeping_job(library: Any, pid_file: str, seconds: float) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(seconds)


def raising_job(library: Any) -> None:
    raise ValueError("no such decision 'x'\n  a second line that is not for a page")


def dying_job(library: Any) -> None:
    os._exit(3)


@pytest.fixture(scope="module")
def version() -> str:
    return tree_digest(POLICIES)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_job_runs_in_another_process_on_the_tree_it_loads(version: str, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    acts = solving.run(acts_job, POLICIES, version, (str(pid_file),), timeout=120)
    assert acts and ACT in acts
    child = int(pid_file.read_text())
    assert child != os.getpid()
    assert gone(child)  # reaped, not left behind


def test_a_job_past_its_deadline_is_killed_and_said_so(version: str, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(solving.SolverJobError) as caught:
        solving.run(sleeping_job, POLICIES, version, (str(pid_file), 600), timeout=4)
    assert time.monotonic() - started < 60
    assert caught.value.reason == "timeout"
    assert "did not finish within 4 s and was stopped" in str(caught.value)
    if pid_file.exists():  # the child got as far as the job: it is dead now
        assert gone(int(pid_file.read_text()))


def test_a_job_that_raises_is_one_line_without_a_traceback(version: str) -> None:
    with pytest.raises(solving.SolverJobError) as caught:
        solving.run(raising_job, POLICIES, version, timeout=120)
    assert caught.value.reason == "failed"
    assert str(caught.value) == "ValueError: no such decision 'x'"


def test_a_child_that_dies_is_said_so(version: str) -> None:
    with pytest.raises(solving.SolverJobError) as caught:
        solving.run(dying_job, POLICIES, version, timeout=120)
    assert caught.value.reason == "died"
    assert "ended without an answer" in str(caught.value)


def test_a_tree_that_is_not_the_live_version_is_refused(policy_copy: Path, tmp_path: Path) -> None:
    live = tree_digest(policy_copy)
    (policy_copy / ACT / "act.yaml").write_text(
        (policy_copy / ACT / "act.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
    )
    pid_file = tmp_path / "pid"
    with pytest.raises(solving.SolverJobError) as caught:
        solving.run(acts_job, policy_copy, live, (str(pid_file),), timeout=120)
    assert caught.value.reason == "changed"
    assert "the policy files changed since the live version was loaded; reload first" in str(caught.value)
    assert not pid_file.exists()  # the job never ran


# ---- the pages ---------------------------------------------------------------------------------------


def test_compare_says_the_exact_diff_is_unavailable_when_the_files_changed(
    make_app: Any, policy_copy: Path, monkeypatch: Any
) -> None:
    from web.pages import compare
    from web.pages.model import LRU

    monkeypatch.setattr(compare, "_CACHE", LRU(16))
    app = make_app(EREJE_POLICIES=str(policy_copy))
    client = app.test_client()
    client.set_cookie("ereje_lang", "en")
    assert app.extensions["ereje.policies"].snapshot  # the live version is loaded, then the files change
    (policy_copy / ACT / "act.yaml").write_text(
        (policy_copy / ACT / "act.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
    )
    resp = client.get("/compare", query_string={"act": ACT, "from": CURRENT, "to": DRAFT})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    reason = "Exact diff unavailable: the policy files changed since the live version was loaded; reload first"
    assert 'id="dc-appointment"' in html
    assert html.count(reason) == html.count('<span class="badge warn">answers may change</span>') > 0
    assert "equivalent (proved" not in html and "No case with a different outcome was found" not in html
    assert "Traceback" not in html
    kk = app.test_client()
    kk.set_cookie("ereje_lang", "kk")
    html = kk.get("/compare", query_string={"act": ACT, "from": CURRENT, "to": DRAFT}).get_data(as_text=True)
    assert "Дәл салыстыру қолжетімсіз: жұмыс істеп тұрған нұсқа жүктелгеннен кейін" in html
    # The edit undone, the live version's exact diff is shown (the refusal was not kept).
    act_yaml = policy_copy / ACT / "act.yaml"
    act_yaml.write_text(act_yaml.read_text(encoding="utf-8").replace("\n# edited\n", ""), encoding="utf-8")
    html = client.get("/compare", query_string={"act": ACT, "from": CURRENT, "to": DRAFT}).get_data(as_text=True)
    assert "distinct change(s)" in html and "Exact diff unavailable" not in html


def test_compare_says_the_exact_diff_is_unavailable_past_its_deadline(
    make_app: Any, en_client: Any, monkeypatch: Any
) -> None:
    from web.pages import compare
    from web.pages.model import LRU

    monkeypatch.setattr(compare, "_CACHE", LRU(16))
    monkeypatch.setattr(compare, "EXACT_TIMEOUT", 0.5)
    html = en_client.get("/compare", query_string={"act": ACT, "from": CURRENT, "to": DRAFT}).get_data(as_text=True)
    reason = "Exact diff unavailable: the solver did not finish in time and was stopped"
    assert html.count(reason) == html.count('<span class="badge warn">answers may change</span>') > 0
    assert "equivalent (proved" not in html and "distinct change" not in html
    assert "Impact on the act&#39;s example cases" in html  # the rest of the comparison is there


def test_monitoring_says_why_it_has_no_findings_when_the_lint_failed(
    make_app: Any, monkeypatch: Any
) -> None:
    from web import lintcache

    monkeypatch.setattr(lintcache, "LINT_TIMEOUT", 0.5)
    app = make_app(EREJE_LINT_BUDGET=2_001)  # a budget no other test uses: a fresh cache entry
    client = app.test_client()
    client.set_cookie("ereje_lang", "en")
    for _ in range(2):  # the failure is kept: the second request does not lint again
        started = time.monotonic()
        html = client.get("/monitoring", query_string={"as_of": "2025-06-01"}).get_data(as_text=True)
        assert "The static checks could not be run: the solver did not finish in time and was stopped" in html
        assert '<tr class="sev-row-' not in html
    assert time.monotonic() - started < 0.5
    snap = app.extensions["ereje.policies"].snapshot
    assert lintcache.cached(snap, 2_001) == (True, None)  # asked by the master's reload hook: never raises


def test_monitoring_lints_again_once_an_edit_not_reloaded_is_undone(make_app: Any, tmp_path: Path) -> None:
    # The small enrollment act: a lint of it takes a second, and it has findings to show.
    small = tmp_path / "policies"
    shutil.copytree(REPO / "tests" / "fixtures" / "enrollment", small)
    app = make_app(EREJE_POLICIES=str(small), EREJE_LINT_BUDGET=2_002)
    client = app.test_client()
    client.set_cookie("ereje_lang", "en")
    assert app.extensions["ereje.policies"].snapshot
    act_yaml = small / ACT / "act.yaml"
    original = act_yaml.read_text(encoding="utf-8")
    act_yaml.write_text(original + "\n# edited\n", encoding="utf-8")
    html = client.get("/monitoring", query_string={"as_of": "2025-06-01"}).get_data(as_text=True)
    assert ("The static checks could not be run: the policy files changed since the live version "
            "was loaded; reload first") in html
    act_yaml.write_text(original, encoding="utf-8")
    html = client.get("/monitoring", query_string={"as_of": "2025-06-01"}).get_data(as_text=True)
    assert '<tr class="sev-row-' in html and "could not be run" not in html


SERVICE_NEVER_SOLVES = """
import sys
import z3
solvers = []
made = z3.Solver.__init__
def counted(self, *args, **kwargs):
    solvers.append(self)
    made(self, *args, **kwargs)
z3.Solver.__init__ = counted  # every solve of the exact diff and the lint starts with one
from web.app import create_app
app = create_app({"TESTING": True, "EREJE_DATABASE_URL": "sqlite:///" + sys.argv[1] + "/log.sqlite3",
                  "EREJE_POLICIES": sys.argv[2], "EREJE_TOKENS_FILE": None, "EREJE_TOKENS": None,
                  "INSTANCE_PATH": sys.argv[1] + "/instance", "EREJE_LINT_BUDGET": 2_000})
client = app.test_client()
client.set_cookie("ereje_lang", "en")
compare = client.get("/compare", query_string={"act": sys.argv[3], "from": sys.argv[4], "to": sys.argv[5]})
monitoring = client.get("/monitoring", query_string={"as_of": "2025-06-01"})
print(compare.status_code, monitoring.status_code)
print(f"{len(solvers)} solver(s) made here" if solvers else "never solved here")
print("exact" if "distinct change(s)" in compare.get_data(as_text=True) else "no exact diff")
print("findings" if '<tr class="sev-row-' in monitoring.get_data(as_text=True) else "no findings")
"""


def test_the_service_process_never_solves(tmp_path: Path) -> None:
    """After an exact diff and a lint, the service's own process has made no z3 solver (every
    solve starts with one: `engine.tools.symbolic.problem`), yet the pages show the solver's results."""
    script = textwrap.dedent(SERVICE_NEVER_SOLVES)
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), str(POLICIES), ACT, CURRENT, DRAFT],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:4] == ["200 200", "never solved here", "exact", "findings"], done.stderr


FORKED_WORKER_EXITS = """
import os, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from test_solver_child import sleeping_job
from web import solving
pid_file = Path(sys.argv[1]) / "pid"
outcome = []
def lint():
    try:
        outcome.append(solving.run(sleeping_job, Path(sys.argv[2]), sys.argv[4], (str(pid_file), 4), timeout=120))
    except solving.SolverJobError as exc:
        outcome.append(exc.reason)
thread = threading.Thread(target=lint)
thread.start()
while not pid_file.exists():
    time.sleep(0.05)
worker = os.fork()
if worker == 0:
    sys.exit(0)  # a worker's exit runs the interpreter's exit handlers, multiprocessing's among them
os.waitpid(worker, 0)
thread.join()
print(outcome)
"""


def test_a_forked_worker_exiting_leaves_the_masters_solver_child_alone(tmp_path: Path, version: str) -> None:
    """gunicorn forks workers from the master while its lint thread waits for a solver child;
    a worker's exit must not kill that child (multiprocessing's exit handler SIGTERMs the
    daemonic children it believes its own)."""
    done = subprocess.run(
        [sys.executable, "-c", FORKED_WORKER_EXITS, str(tmp_path), str(POLICIES), str(Path(__file__).parent), version],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[None]", done.stderr
    assert "can only join a child process" not in done.stderr
