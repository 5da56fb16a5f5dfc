"""The service against an attacker and a heavy caller (issue 15): what each fix holds to.

Each test here failed before its fix: unauthenticated pages too costly to serve, chunked bodies
cut at the limit and decided, world-readable logs, unbounded batch answers, 500s.
"""

from __future__ import annotations

import json
from typing import Any

from test_web_api import problem
from webfixtures import AS_OF, AUTH

URL = f"/v1/decisions/enrollment?as_of={AS_OF}"
BATCH = f"/v1/decisions/enrollment/batch?as_of={AS_OF}"


# -- headers -------------------------------------------------------------------------------
def test_api_answers_are_not_sniffed_nor_stored(client, case) -> None:
    for resp in (
        client.post(URL, json=case, headers=AUTH),
        client.post(URL, json={"employee": 1}, headers=AUTH),  # a problem document
        client.post(URL, json=case),  # 401
        client.get("/readyz"),
        client.get("/v1/decisions/01M8XFVZE53GZ66SBEYMP6JADT", headers=AUTH),
    ):
        assert resp.headers["X-Content-Type-Options"] == "nosniff", resp.status_code
        assert resp.headers["Cache-Control"] == "no-store", resp.status_code
    # The law's texts are no one's data: cached, revalidated by their ETag.
    acts = client.get("/v1/acts", headers=AUTH)
    assert acts.headers["X-Content-Type-Options"] == "nosniff"
    assert acts.headers["Cache-Control"] == "no-cache" and acts.headers["ETag"]


def test_readyz_shows_no_path_to_anyone(client, app) -> None:
    holder = app.extensions["ereje.policies"]
    text = client.get("/readyz").get_data(as_text=True)
    assert str(holder.path) not in text and "directory" not in json.loads(text)["policies"]
    assert str(holder.path) in client.get("/readyz", headers=AUTH).get_data(as_text=True)


# -- bodies without a length ---------------------------------------------------------------
def _chunked(client: Any, url: str, body: bytes, content_type: str = "application/json") -> Any:
    """A body sent as gunicorn hands a chunked one on: no Content-Length, the stream ends it."""
    import io

    return client.post(
        url,
        input_stream=io.BytesIO(body),
        headers={**AUTH, "Content-Type": content_type, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )


def test_a_chunked_body_over_the_limit_is_refused_not_cut(app, client, case) -> None:
    store = app.extensions["ereje.store"]
    limit = app.config["MAX_CONTENT_LENGTH"]
    valid = json.dumps(case).encode()
    # A valid case padded past the limit, then garbage: cut at the limit it was a valid case.
    padded = valid + b" " * (limit - len(valid)) + b"garbage"
    problem(_chunked(client, URL, padded), 413, "payload-too-large")
    problem(_chunked(client, URL, valid + b" " * (limit - len(valid) + 1)), 413, "payload-too-large")
    assert store.ids() == set()
    # Exactly at the limit, and well under it, a chunked body is read whole.
    assert _chunked(client, URL, valid + b" " * (limit - len(valid))).status_code == 201
    assert _chunked(client, URL, valid).status_code == 201


def test_a_chunked_batch_over_its_limit_is_refused(make_app, case) -> None:
    from spec_client import SpecCheckingClient

    app = make_app(EREJE_BATCH_MAX_BYTES=64 * 1024)
    app.test_client_class = SpecCheckingClient
    client = app.test_client()
    line = json.dumps(case).encode() + b"\n"
    body = line * (64 * 1024 // len(line))
    assert _chunked(client, BATCH, body, "application/x-ndjson").status_code == 200
    problem(_chunked(client, BATCH, body + b"x" * len(line), "application/x-ndjson"), 413,
            "payload-too-large")
    assert len(app.extensions["ereje.store"].ids()) == 64 * 1024 // len(line)


# -- the log's files -----------------------------------------------------------------------
def _record() -> Any:
    import datetime as dt

    from web.ids import new_id
    from web.store import DecisionRecord, utcnow

    return DecisionRecord(
        decision_id=new_id(), recorded_at=utcnow(), caller="hr-system", question="enrollment",
        act_id="U1300000624", as_of=dt.date(2025, 6, 1), lang=None, explain=False,
        outcome="eligible", edition="U1300000624@U2500000853", policy_hash="sha256:x",
        citations=[], case_sha256="0" * 64, case={"name": "a person"}, answer={}, client={},
    )


def test_log_files_are_private_whatever_the_umask(tmp_path) -> None:
    import os
    import stat

    from web.store import open_store

    path = tmp_path / "logs" / "log.sqlite3"
    old = os.umask(0o022)
    try:
        store = open_store("sqlite:///" + str(path))
        store.migrate()
        store.record([_record()])
        files = [path, *(path.parent / (path.name + s) for s in ("-wal", "-shm", ".lock"))]
        for f in files:
            assert f.exists(), f
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        store.close()
        # Files an older version left readable by others are narrowed when the log is opened.
        for f in files:
            if f.exists():  # the WAL's files go with the last connection
                f.chmod(0o644)
        store = open_store("sqlite:///" + str(path))
        store.record([_record()])
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        store.close()
    finally:
        os.umask(old)


# -- a policy that loads but does not decide -----------------------------------------------
def breaks_deciding(policies) -> None:
    """An edit that loads and passes every static check, but whose rule leaves the calendar
    when it is evaluated: every enrollment case fails."""
    rules = policies / "U1300000624" / "clauses" / "rules-ch2.yaml"
    text = rules.read_text()
    old = (
        "            employee.service_years >= target_position.requirements.min_service_years\n"
    )
    assert old in text
    rules.write_text(text.replace(old, old + (
        "            and nomination.materials_sent_on + 3000000 calendar days"
        " > nomination.materials_sent_on\n"
    ), 1))


def test_a_reload_refuses_a_policy_that_loads_but_does_not_decide(
    make_app, tmp_path, case
) -> None:
    import shutil

    from engine import load_library
    from web.policies import get_holder

    policies = tmp_path / "policies"
    shutil.copytree(make_app().config["EREJE_POLICIES"], policies)
    app = make_app(EREJE_POLICIES=str(policies))
    client = app.test_client()
    holder = get_holder(app)
    live = holder.snapshot.version
    breaks_deciding(policies)
    load_library(policies)  # it does load
    assert holder.reload() is False
    assert holder.snapshot.version == live
    body = client.get("/readyz", headers=AUTH).get_json()
    assert body["status"] == "ready" and body["policies"]["version"] == live
    error = body["policies"]["last_reload_error"]
    assert "smoke decision(s) failed" in error["message"]
    assert any("eligible-nominee.json" in i["message"] for i in error["issues"])
    assert client.post(URL, json=case, headers=AUTH).status_code == 201  # the old one serves


def test_a_server_does_not_start_on_a_policy_that_does_not_decide(make_app, tmp_path) -> None:
    import shutil

    from web.policies import get_holder

    policies = tmp_path / "policies"
    shutil.copytree(make_app().config["EREJE_POLICIES"], policies)
    breaks_deciding(policies)
    holder = get_holder(make_app(EREJE_POLICIES=str(policies)))
    assert not holder.loaded and "smoke" in holder.last_error.message


# -- batches: bounded memory, bounded concurrency --------------------------------------------
def test_a_large_batch_is_answered_in_bounded_memory(app, client, case) -> None:
    """The answers go to a spool, the cases are parsed one at a time: the memory a batch takes
    does not grow with its answer (before: every answer twice, and every parsed case).

    Served through WSGI directly and read block by block, as a server sends it, so what is
    measured is the service's memory, not a client's copy of the answer."""
    import tracemalloc

    from werkzeug.test import EnvironBuilder

    n = 600
    url = BATCH + "&explain=true"
    body = json.dumps([case] * n)
    client.post(url, json=[case], headers=AUTH)  # warm: the engine remembers explanations
    environ = EnvironBuilder(
        path="/v1/decisions/enrollment/batch", query_string=url.split("?", 1)[1],
        method="POST", data=body, content_type="application/json",
        headers=AUTH,
    ).get_environ()
    statuses: list[str] = []
    size = 0
    tracemalloc.start()
    try:
        result = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
        for block in result:
            size += len(block)
        getattr(result, "close", lambda: None)()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert statuses == ["200 OK"]
    assert size > 6_000_000  # ~13 KB an answer with its trace
    # The body three times (the test's input stream, its bytes, its text) and a chunk of
    # records: the answers themselves never all in memory.
    assert peak < 3 * len(body) + 2_000_000 < size / 2, (peak, len(body), size)


def test_the_spool_gives_back_every_answer_in_order_across_its_blocks() -> None:
    """Answers are written to the spool in blocks (`WRITE_BLOCK`), and the spool moves to a
    file past `SPOOL_MEMORY`: what streams out is still every answer, in order, comma-separated,
    and `size` (the response's Content-Length) counts it exactly."""
    from web import batchio

    parts = [json.dumps({"index": i, "pad": "ә" * (i % 5000)}).encode() for i in range(1200)]
    assert sum(map(len, parts)) > batchio.SPOOL_MEMORY + 2 * batchio.WRITE_BLOCK
    spool = batchio.Spool()
    for part in parts:
        spool.add(part)
    out = b"".join(spool.stream(b"[", b"]"))
    assert out == b"[" + b",".join(parts) + b"]"
    assert spool.size == len(out) - 2
    assert [d["index"] for d in json.loads(out)] == list(range(1200))


def test_batches_in_progress_are_limited_per_caller(make_app, case) -> None:
    """The slots are flocks in the instance folder: held here as two other workers' batches
    of the same caller would hold them."""
    from contextlib import ExitStack

    from spec_client import SpecCheckingClient
    from webfixtures import OTHER_TOKEN

    from web.api_decisions import _batch_slots

    app = make_app(EREJE_BATCH_CONCURRENCY=2)
    app.test_client_class = SpecCheckingClient
    client = app.test_client()
    assert client.post(BATCH, json=[case], headers=AUTH).status_code == 200
    with app.app_context(), ExitStack() as others:
        slots = _batch_slots()
        others.enter_context(slots.hold("hr-system"))
        assert client.post(BATCH, json=[case], headers=AUTH).status_code == 200  # one left
        others.enter_context(slots.hold("hr-system"))
        resp = client.post(BATCH, json=[case], headers=AUTH)
        body = problem(resp, 429, "too-many-batches")
        assert resp.headers["Retry-After"] == "2" and body["limit"] == 2
        # Another caller is not held back; single decisions are not batches.
        other = {"Authorization": f"Bearer {OTHER_TOKEN}"}
        assert client.post(BATCH, json=[case], headers=other).status_code == 200
        assert client.post(URL, json=case, headers=AUTH).status_code == 201
    assert client.post(BATCH, json=[case], headers=AUTH).status_code == 200


def test_a_lint_no_longer_wanted_is_skipped(app) -> None:
    """The master's lint thread for a version replaced meanwhile does not lint it."""
    from web import lintcache

    snap = app.extensions["ereje.policies"].snapshot
    assert lintcache.spans_for(snap, 123_457, lambda: False) is None
    assert lintcache.cached(snap, 123_457) == (False, None)
