"""/readyz says a refused reload in the caller's `lang` (kk by default, as the API's problems do),
with and without a token; the machine members — code, at, version, issues — are the same in
every language."""

from __future__ import annotations

import json
import shutil

import pytest
from webfixtures import AUTH, cached_loader

from engine.i18n import text
from web.policies import PolicyHolder

ACT = "U1300000624"


@pytest.fixture()
def refused(app, tmp_path) -> PolicyHolder:
    copy = tmp_path / "policies"
    shutil.copytree(app.extensions["ereje.policies"].path, copy)
    holder = PolicyHolder(copy, cached_loader)
    holder.reload()
    app.extensions["ereje.policies"] = holder
    (copy / ACT / "act.yaml").write_text("id: [unclosed\n")
    assert holder.reload() is False
    return holder


@pytest.mark.parametrize("lang", ["kk", "ru", "en", None])
def test_the_refusal_is_said_in_the_callers_language(client, refused, lang: str | None) -> None:
    query = f"?lang={lang}" if lang else ""
    said = lang or "kk"
    public = client.get("/readyz" + query).get_json()["policies"]["last_reload_error"]
    assert public["message"] == text("readyz.reload_refused", said)
    assert public["code"] == "reload_refused" and set(public) == {"code", "message", "at", "version"}
    full = client.get("/readyz" + query, headers=AUTH).get_json()["policies"]["last_reload_error"]
    assert full["detail"] == text("readyz.reload_refused_details", said)
    assert full["code"] == "reload_refused" and "act.yaml" in json.dumps(full["issues"])
    assert "act.yaml" not in json.dumps(public)


def test_machine_members_are_the_same_in_every_language(client, refused) -> None:
    def machine(lang: str, **kw) -> dict:
        error = dict(client.get(f"/readyz?lang={lang}", **kw).get_json()["policies"]["last_reload_error"])
        error.pop("detail", None)
        return error if kw else {k: v for k, v in error.items() if k != "message"}

    assert machine("kk") == machine("ru") == machine("en")
    assert machine("kk", headers=AUTH) == machine("ru", headers=AUTH) == machine("en", headers=AUTH)


def test_an_unknown_language_is_refused_not_replaced(client) -> None:
    r = client.get("/readyz?lang=de")
    assert r.status_code == 400
    body = r.get_json()
    assert body["type"].endswith("invalid-parameter") and body["parameter"] == "lang"
    assert body["detail"] == text("problem.detail.lang_unknown", "kk", value='"de"', allowed="en, kk, ru")
