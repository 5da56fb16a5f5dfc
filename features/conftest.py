"""The machinery of the Gherkin features: the engine, the tags, the step modules, the trace results.

- `library` (session): the policies loaded once with `engine.load_library`, the very call the
  service makes; `EREJE_TEST_POLICIES` points the features at another policy tree (a draft).
- `world` (per scenario): the act, the case being built, and every decision asked in the
  scenario. Domain steps in `features/steps/<decision>.py` take `world` as an argument and use
  its methods (`world.fact`, `world.set_fact`, `world.remove_fact`, `world.append_fact`,
  `world.set_case`, `world.decide`, `world.decision`, `world.refusal`); the shared vocabulary is
  `features/steps/common.py`.
- Every module in `features/steps/` is loaded as a plugin, so its steps are visible to every
  feature. A module that fails to import fails its own test (`test_step_module_loads`) and the
  scenarios of the feature of the same name, not the whole run.
- Tags: `@act:<id>` and `@clause:<id>` become the `act` and `clause` markers; any other tag must
  be a registered marker (below) or the scenario fails with a message naming it.
- After the run, `test-output/trace-results.json` records each scenario run: its feature and
  line, act, clause tags, result, and the decisions made in it with each cited clause's role.
  `ereje trace` reads it. Results of scenarios not run this time are kept while their feature
  file is unchanged; `ereje trace` marks results stale when a feature or the act's files change.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from engine import CaseError, Decision, EditionError, Library, PolicyError, jsonio, load_library
from engine.decide import jsonable
from engine.tools.features import sha256_hex
from engine.tools.trace import RESULTS_FORMAT, act_fingerprint

FEATURES = Path(__file__).resolve().parent
STEPS = FEATURES / "steps"
RESULTS = Path("test-output") / "trace-results.json"

MARKERS = {
    "clause": "clause(id): the scenario covers this clause of its act (from a @clause:<id> tag)",
    "act": "act(id): the act whose clauses the scenario covers (from an @act:<id> tag)",
    "draft": "draft(id): the scenario decides under that draft's edition (from a @draft:<id> tag)",
    "boundary": "the scenario sits on a boundary date or value of a clause",
    "reading": "the scenario pins down the reading chosen for an ambiguous place of the act",
    "example": "the scenario decides one of the act's example case files",
    "bdd_unknown_tag": "internal: a .feature tag that is neither @clause:/@act: nor a registered marker",
}

_WORLD = pytest.StashKey["World"]()
_ENTRIES = pytest.StashKey[dict[str, dict[str, Any]]]()
_BROKEN = pytest.StashKey[dict[str, str]]()
_config: pytest.Config | None = None


# ---- configuration: markers, step modules --------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", text if text.startswith(name) else f"{name}: {text}")
    config.stash[_ENTRIES] = {}
    config.stash[_BROKEN] = _load_step_modules(config)


def _load_step_modules(config: pytest.Config) -> dict[str, str]:
    """Import every features/steps/*.py as a plugin; return the modules that failed, with why."""
    broken: dict[str, str] = {}
    for path in sorted(STEPS.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"ereje_feature_steps_{path.stem}"
        if config.pluginmanager.has_plugin(name):
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception:
            del sys.modules[name]
            broken[path.stem] = "".join(traceback.format_exc(limit=-3))
            continue
        config.pluginmanager.register(module, name)
    return broken


@pytest.fixture(scope="session")
def step_module_errors(pytestconfig: pytest.Config) -> dict[str, str]:
    """features/steps modules that failed to import: name -> traceback."""
    return pytestconfig.stash[_BROKEN]


def _registered_markers(config: pytest.Config) -> set[str]:
    return {re.split(r"[:(]", line, maxsplit=1)[0].strip() for line in config.getini("markers")}


def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    if tag.startswith("clause:"):
        pytest.mark.clause(tag.removeprefix("clause:"))(function)
        return True
    if tag.startswith("act:"):
        pytest.mark.act(tag.removeprefix("act:"))(function)
        return True
    if tag.startswith("draft:"):  # the scenario's questions are decided under that draft (docs/editions.md)
        pytest.mark.draft(tag.removeprefix("draft:"))(function)
        return True
    if _config is not None and tag in _registered_markers(_config):
        return None  # pytest-bdd applies it as the marker of that name
    pytest.mark.bdd_unknown_tag(tag)(function)
    return True


def pytest_runtest_setup(item: pytest.Item) -> None:
    unknown = [m.args[0] for m in item.iter_markers("bdd_unknown_tag")]
    if unknown:
        pytest.fail(
            f"unknown tag(s) {', '.join('@' + t for t in unknown)}: use @act:<id>, @clause:<id>, or one of "
            f"@{', @'.join(sorted(k for k in MARKERS if k not in ('clause', 'act', 'draft', 'bdd_unknown_tag')))}",
            pytrace=False,
        )
    template = _template(item)
    if template is not None and not any(step.type == "then" for step in template.steps):
        pytest.fail(
            f"{Path(template.feature.filename).name}:{template.line_number}: the scenario "
            f"{template.name!r} has no Then step, so it cannot fail",
            pytrace=False,
        )
    broken = item.config.stash[_BROKEN]
    if template is not None and broken:
        stem = Path(template.feature.filename).stem
        for module in (stem, "common"):
            if module in broken:
                pytest.fail(f"features/steps/{module}.py failed to import:\n{broken[module]}", pytrace=False)


# ---- the engine and the scenario's world ----------------------------------------------------


def policies_root(config: pytest.Config) -> Path:
    return Path(os.environ.get("EREJE_TEST_POLICIES") or config.rootpath / "policies")


@pytest.fixture(scope="session")
def library(pytestconfig: pytest.Config) -> Library:
    root = policies_root(pytestconfig)
    try:
        return load_library(root)
    except PolicyError as exc:
        errors = [i for i in exc.issues if i.severity == "error"]
        shown = "\n".join(i.render() for i in errors[:15])
        more = f"\n… and {len(errors) - 15} more" if len(errors) > 15 else ""
        pytest.fail(
            f"the policies under {root} do not load ({len(errors)} error(s)); "
            f"`ereje check {root}` lists them:\n{shown}{more}",
            pytrace=False,
        )


class Asked:
    """One question put to the engine in a scenario: the decision, or why there is none."""

    def __init__(self, question: str, as_of: dt.date, explain: bool, case: Any = None) -> None:
        self.question = question
        self.as_of = as_of
        self.explain = explain
        self.case = jsonable(copy.deepcopy(case))  # as asked, before later steps change it
        self.decision: Decision | None = None
        self.error: CaseError | EditionError | None = None

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"question": self.question, "as_of": self.as_of.isoformat()}
        if self.decision is not None:
            d = self.decision
            out.update(
                act=d.act,
                outcome=d.outcome,
                citations=[{"clause": c.clause, "role": c.role} for c in d.clauses],
                values={name: v["clause"] for name, v in d.values.items()},
                edition=d.edition["id"],
                draft=bool(d.edition.get("draft")),
                policy_hash=d.policy_hash,
                refused=None,
            )
            if d.edition.get("draft"):  # `ereje trace --edition draft:<id>` decides it again under the act
                out["case"] = self.case
                out["outcome_values"] = {name: v["value"] for name, v in d.values.items()}
        else:
            error = self.error
            out["refused"] = {
                "error": type(error).__name__,
                "message": str(error),
                "problems": [p.to_dict() for p in error.problems] if isinstance(error, CaseError) else [],
            }
        return out

    def describe(self) -> str:
        if self.decision is not None:
            d = self.decision
            cited = ", ".join(f"{c.clause} ({c.role})" for c in d.clauses) or "nothing"
            return f"'{self.question}' on {self.as_of}: {d.outcome}, citing {cited}"
        return f"'{self.question}' on {self.as_of}: refused: {self.error}"


class World:
    """What a scenario builds and asks: the act, the case, the decisions."""

    def __init__(self, library: Library, act: str | None, edition: str | None = None) -> None:
        self.library = library
        self.act = act
        self.edition = edition  # "draft:<id>" for a scenario tagged @draft:<id>
        self.case: Any = None
        self.asked: list[Asked] = []

    # -- the act and the case --------------------------------------------------------------
    def parse_json(self, text: str, what: str) -> Any:
        return parse_json(text, what)

    def act_directory(self) -> Path:
        if self.act is None:
            pytest.fail('no act: tag the feature @act:<id> or say `Given the act "<id>"`', pytrace=False)
        return Path(self.library.act(self.act).directory)

    def set_case(self, case: Any) -> None:
        if not isinstance(case, dict):
            pytest.fail(f"a case is a JSON object, not {type(case).__name__}", pytrace=False)
        self.case = case

    def load_example(self, name: str) -> None:
        path = self.act_directory() / "examples" / f"{name}.json"
        if not path.is_file():
            pytest.fail(f"no example case {path}", pytrace=False)
        self.set_case(parse_json(path.read_text(encoding="utf-8"), f"example {name}"))

    def _need_case(self) -> Any:
        if self.case is None:
            pytest.fail(
                'no case yet: start with `Given the case:` or `Given the example case "…"`', pytrace=False
            )
        return self.case

    # -- facts by JSON pointer ---------------------------------------------------------------
    def fact(self, pointer: str) -> Any:
        node = self._need_case()
        for token in split_pointer(pointer):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                pytest.fail(f"the case has no fact at {pointer}", pytrace=False)
        return node

    def _parent(self, pointer: str, create: bool) -> tuple[Any, str]:
        tokens = split_pointer(pointer)
        if not tokens:
            pytest.fail("the pointer names the whole case; use `Given the case:`", pytrace=False)
        node = self._need_case()
        for token in tokens[:-1]:
            if isinstance(node, dict):
                if token not in node:
                    if not create:
                        pytest.fail(f"the case has no fact at {pointer}", pytrace=False)
                    node[token] = {}
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                pytest.fail(f"cannot reach {pointer} in the case (stopped at {token!r})", pytrace=False)
        return node, tokens[-1]

    def set_fact(self, pointer: str, value: Any) -> None:
        parent, last = self._parent(pointer, create=True)
        if isinstance(parent, dict):
            parent[last] = value
        elif isinstance(parent, list) and last == "-":
            parent.append(value)
        elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
            parent[int(last)] = value
        else:
            pytest.fail(f"cannot set {pointer}: its parent is not an object or list", pytrace=False)

    def remove_fact(self, pointer: str) -> None:
        parent, last = self._parent(pointer, create=False)
        if isinstance(parent, dict) and last in parent:
            del parent[last]
        elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
            del parent[int(last)]
        else:
            pytest.fail(f"cannot remove {pointer}: the case has no such fact", pytrace=False)

    def append_fact(self, pointer: str, value: Any) -> None:
        target = self.fact(pointer)
        if not isinstance(target, list):
            pytest.fail(f"{pointer} is not a list (it is {json.dumps(target, default=str)})", pytrace=False)
        target.append(value)

    # -- asking --------------------------------------------------------------------------------
    def decide(self, question: str, as_of: dt.date, explain: bool = False) -> Asked:
        asked = Asked(question, as_of, explain, self.case)
        self.asked.append(asked)
        try:
            asked.decision = self.library.decide(
                question,
                self._need_case(),
                as_of=as_of,
                act_id=self.act,
                explain=explain,
                edition_id=self.edition,
                lang="en",  # the scenarios quote the warnings in English
            )
        except (CaseError, EditionError) as exc:
            asked.error = exc
        return asked

    @property
    def last(self) -> Asked:
        if not self.asked:
            pytest.fail(
                'no question asked yet: say `When the "<question>" question is decided on <date>`',
                pytrace=False,
            )
        return self.asked[-1]

    @property
    def decision(self) -> Decision:
        asked = self.last
        if asked.decision is None:
            pytest.fail(f"no decision: {asked.describe()}", pytrace=False)
        return asked.decision

    @property
    def refusal(self) -> CaseError | EditionError:
        asked = self.last
        if asked.error is None:
            pytest.fail(f"the question was answered, not refused: {asked.describe()}", pytrace=False)
        return asked.error


def split_pointer(pointer: str) -> list[str]:
    """RFC 6901: "/employee/sanctions/0" -> ["employee", "sanctions", "0"]."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        pytest.fail(
            f"{pointer!r} is not a JSON pointer; write it like /employee/attestation/date", pytrace=False
        )
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


_BARE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_json(text: str, what: str) -> Any:
    """JSON as the service reads it (exact decimals); a bare YYYY-MM-DD is taken as that date string."""
    text = text.strip()
    if _BARE_DATE.fullmatch(text):
        return text
    try:
        return jsonio.parse_case(text)
    except CaseError as exc:
        pytest.fail(f"{what} is not valid JSON: {exc}\n{text[:200]}", pytrace=False)


@pytest.fixture
def world(request: pytest.FixtureRequest, library: Library) -> World:
    acts = list(dict.fromkeys(m.args[0] for m in request.node.iter_markers("act")))
    if len(acts) > 1:
        pytest.fail(f"the scenario is tagged with several acts: {', '.join(acts)}", pytrace=False)
    drafts = list(dict.fromkeys(m.args[0] for m in request.node.iter_markers("draft")))
    if len(drafts) > 1:
        pytest.fail(f"the scenario is tagged with several drafts: {', '.join(drafts)}", pytrace=False)
    w = World(library, acts[0] if acts else None, f"draft:{drafts[0]}" if drafts else None)
    request.node.stash[_WORLD] = w
    return w


# ---- recording each scenario run for `ereje trace` ---------------------------------------------


def _template(item: pytest.Item) -> Any:
    function = getattr(item, "obj", None)
    if function is None:
        return None
    try:
        return scenario_wrapper_template_registry.get(function)
    except TypeError:
        return None


_file_hashes: dict[str, str] = {}
_fingerprints: dict[str, str | None] = {}


def _feature_hash(path: Path) -> str:
    key = str(path)
    if key not in _file_hashes:
        _file_hashes[key] = sha256_hex(path.read_bytes())
    return _file_hashes[key]


def _policies(config: pytest.Config, act: str | None) -> str | None:
    if act is None:
        return None
    if act not in _fingerprints:
        directory = policies_root(config) / act
        _fingerprints[act] = act_fingerprint(directory) if directory.is_dir() else None
    return _fingerprints[act]


def _message(report: pytest.TestReport) -> str | None:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr or "")
    return text[:2000] if text else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    template = _template(item)
    if template is None:
        return report
    entries = item.config.stash[_ENTRIES]
    entry = entries.get(item.nodeid)
    if entry is None:
        feature = Path(template.feature.filename)
        acts = list(dict.fromkeys(m.args[0] for m in item.iter_markers("act")))
        callspec = getattr(item, "callspec", None)
        entry = entries[item.nodeid] = {
            "id": item.nodeid,
            "feature": feature.relative_to(FEATURES).as_posix(),
            "feature_sha256": _feature_hash(feature),
            "line": template.line_number,
            "name": template.name,
            "example": callspec.params.get("_pytest_bdd_example") if callspec else None,
            "act": acts[0] if len(acts) == 1 else None,
            "clauses": sorted({m.args[0] for m in item.iter_markers("clause")}),
            "policies": _policies(item.config, acts[0] if len(acts) == 1 else None),
            "result": "passed",
            "message": None,
            "decisions": [],
        }
    if report.failed:
        if entry["result"] == "passed" or entry["result"] == "skipped":
            entry["result"] = "failed" if report.when == "call" else "error"
            entry["message"] = _message(report)
    elif report.skipped and entry["result"] == "passed":
        entry["result"] = "skipped"
    world = item.stash.get(_WORLD, None)
    if world is not None and report.when == "call":
        entry["decisions"] = [a.record() for a in world.asked]
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    entries = session.config.stash.get(_ENTRIES, {})
    if not entries:
        return  # no scenario ran: leave the last results as they are
    path = session.config.rootpath / RESULTS
    kept: dict[str, dict[str, Any]] = {}
    if path.is_file():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        if isinstance(old, dict) and old.get("format") == RESULTS_FORMAT:
            for entry in old.get("scenarios", []):
                feature = FEATURES / str(entry.get("feature"))
                if (
                    entry.get("id") not in entries
                    and feature.is_file()
                    and entry.get("feature_sha256") == _feature_hash(feature)
                ):
                    kept[entry["id"]] = entry
    kept.update(entries)
    data = {
        "format": RESULTS_FORMAT,
        "written": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "policies": str(policies_root(session.config)),
        "scenarios": sorted(kept.values(), key=lambda e: (e["feature"], e["line"], e["id"])),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
