"""The built wheel works on its own: `pip wheel .`, installed into a fresh virtual environment,
gives a working `ereje check PATH`, `ereje decide` and `ereje serve`.

Nothing is taken from the checkout at run time: the commands run from an empty directory, the
package is imported from the new environment (asserted), the grammar and the schemas come from
the wheel. The dependencies are the test environment's own (its site-packages is appended to the
new environment's path, after the wheel's own files), so no package index is needed to install.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
POLICIES = REPO / "policies"
EXAMPLE = POLICIES / "U1300000624" / "examples" / "schedule" / "third-quarter-2025.json"


_NOT_SOURCES = (".git", ".venv", "build", "*.egg-info", "test-output", "instance", "__pycache__",
                ".hypothesis", ".pytest_cache", ".ruff_cache")


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EREJE_POLICIES")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a fresh virtual environment holding only the built wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"  # a copy: the build writes build/ and *.egg-info beside the sources
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(*_NOT_SOURCES))
    built = _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(tmp / "dist")], tmp)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheels = list((tmp / "dist").glob("ereje-*.whl"))
    assert len(wheels) == 1
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    put = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheels[0])], tmp)
    assert put.returncode == 0, put.stderr[-2000:]
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp)
    (Path(site.stdout.strip()) / "_ereje_test_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return venv / "bin"


def test_the_package_comes_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    where = _run([str(installed / "python"), "-c", "import engine, web; print(engine.__file__, web.__file__)"], tmp_path)
    assert where.returncode == 0, where.stderr
    assert str(installed.parent) in where.stdout and str(REPO) not in where.stdout
    grammar = _run(
        [str(installed / "python"), "-c", "from engine.dsl.parser import GRAMMAR_FILE; print(GRAMMAR_FILE.resolve())"],
        tmp_path,
    )
    assert str(installed.parent) in grammar.stdout, grammar.stdout


def test_check_and_decide_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    checked = _run([str(installed / "ereje"), "check", str(POLICIES)], tmp_path)
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert checked.stdout.startswith("ok: ")
    decided = _run(
        [str(installed / "ereje"), "decide", "schedule", str(EXAMPLE), "--as-of", "2025-06-01",
         "--policies", str(POLICIES)],
        tmp_path,
    )
    assert decided.returncode == 0, decided.stderr[-2000:]
    answer = json.loads(decided.stdout)
    assert answer["act"] == "U1300000624" and answer["outcome"] and answer["policy_hash"].startswith("sha256:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


TOKEN = "wheel-test-token"


def test_serve_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(EREJE_POLICIES=str(POLICIES), EREJE_INSTANCE_PATH=str(tmp_path / "instance"),
               EREJE_TOKENS="wheel-test:" + hashlib.sha256(TOKEN.encode()).hexdigest())
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(installed / "ereje"), "serve", "--port", str(port), "--workers", "1",
         "--pidfile", str(tmp_path / "ereje.pid")],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        ready = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                # with the token: /readyz names the policy directory only to a caller that has one
                asked = urllib.request.Request(
                    f"http://127.0.0.1:{port}/readyz", headers={"Authorization": f"Bearer {TOKEN}"}
                )
                with urllib.request.urlopen(asked, timeout=5) as resp:
                    ready = json.loads(resp.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert ready is not None, (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
        assert ready["status"] == "ready"
        assert ready["policies"]["directory"] == str(POLICIES)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
