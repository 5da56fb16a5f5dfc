"""Reading `policies/<act>/` into the policy model.

Every file is validated against its JSON Schema (Draft 2020-12, `engine/schemas/`) before it
is interpreted, and every rule is parsed with its DSL positions mapped back into the YAML file.
Loading never stops at the first problem: it returns the model it could build and every issue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from .casecheck import CASE_SCHEMA_KEYWORDS, unsupported_keywords
from .dsl import ast
from .dsl.parser import RuleSyntaxError, parse_rule
from .dsl.types import SchemaShapeError, Ty, schema_type
from .errors import PolicyIssue
from .policy import Acknowledgement, Act, Amendment, Clause, ClauseVersion, DecisionSpec, Outcome
from .yamlsafe import LoadedYaml, load_policy_yaml

SCHEMA_DIR = Path(__file__).with_name("schemas")
_DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MAX_FILES_PER_ACT = 500


@lru_cache(maxsize=1)
def _validators() -> dict[str, Draft202012Validator]:
    resources = []
    schemas = {}
    for path in SCHEMA_DIR.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name.split(".")[0]] = schema
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    return {
        name: Draft202012Validator(
            schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for name, schema in schemas.items()
        if name != "common"
    }


@lru_cache(maxsize=1)
def _fast_validators() -> dict[str, Any]:
    """The same schemas compiled to Python (fastjsonschema): the check a valid file pays.

    jsonschema stays the reference: it is asked only when the fast check fails, for the
    messages, and a file it accepts is accepted.
    """
    schemas: dict[str, dict[str, Any]] = {}
    by_id: dict[str, dict[str, Any]] = {}
    for path in SCHEMA_DIR.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name.split(".")[0]] = schema
        by_id[schema["$id"]] = schema

    def local(uri: str) -> dict[str, Any]:
        return by_id[uri.split("#", 1)[0]]

    return {
        name: fastjsonschema.compile(schema, handlers={"https": local}, formats={"date": _DATE_TEXT})
        for name, schema in schemas.items()
        if name != "common"
    }


def _valid_fast(kind: str, data: Any) -> bool:
    try:
        _fast_validators()[kind](data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class ActFiles:
    """Issues collected while loading one act, with helpers that position them."""

    issues: list[PolicyIssue] = field(default_factory=list)
    unvalidated: set[str] = field(default_factory=set)  # ids declared in files with errors

    def add(self, doc: LoadedYaml | None, file: str, pointer: str, message: str, **kw: Any) -> None:
        pos = doc.position(pointer) if doc else None
        self.issues.append(
            PolicyIssue(
                file=file,
                message=message,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                **kw,
            )
        )


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_document(path: Path, kind: str, root: Path, sink: ActFiles) -> LoadedYaml | None:
    """Load one YAML file and validate it against the schema of its kind."""
    name = display_path(path, root)
    doc, issues = load_policy_yaml(path, name)
    sink.issues.extend(issues)
    if doc is None:
        sink.unvalidated.update(_guessed_ids(kind, path))
        return None
    if _valid_fast(kind, doc.data):
        return doc
    validator = _validators()[kind]
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: list(e.absolute_path))
    for error in errors:
        pointer = _pointer(error.absolute_path)
        expected = None
        if error.validator in ("enum", "const"):
            expected = ", ".join(
                map(repr, error.validator_value if error.validator == "enum" else [error.validator_value])
            )
        elif error.validator == "pattern":
            expected = f"text matching {error.validator_value}"
        elif error.validator == "type":
            expected = str(error.validator_value)
        hint = None
        if error.validator == "additionalProperties":
            hint = "remove the key or check its spelling against docs/policy-format.md"
        if (
            error.validator == "type"
            and error.validator_value == "string"
            and isinstance(error.instance, (float, int))
            and not isinstance(error.instance, bool)
        ):
            hint = "quote it: YAML reads 8.10 as the number 8.1 and 2025-01-01 only as text when quoted"
        sink.add(
            doc,
            name,
            pointer,
            f"{pointer or '/'}: {_schema_message(error)}",
            expected=expected,
            hint=hint,
            code="schema",
        )
    if errors:
        sink.unvalidated.update(_declared_ids(kind, doc.data))
        return None
    return doc


_CLAUSE_ID_LINE = re.compile(r"^\s*-\s*id:\s*[\"']?([a-z][a-z0-9]*(?:\.[a-z0-9]+)*)", re.MULTILINE)


def _guessed_ids(kind: str, path: Path) -> set[str]:
    """Ids an unparsable file probably declares: its name, or its `- id:` lines."""
    if kind in ("amendment", "decision"):
        return {path.stem} if path.stem != "amendment" else set()
    if kind == "clauses":
        try:
            return set(_CLAUSE_ID_LINE.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            return set()
    return set()


def _schema_message(error: Any) -> str:
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return f"the value is too long: {len(error.instance):,} characters, at most {error.validator_value:,}"
    return _short(error.message)


def _short(message: str, limit: int = 300) -> str:
    """jsonschema quotes the whole offending value; a 20,000-character rule is not a message."""
    return message if len(message) <= limit else message[: limit - 20] + "… (value shortened)"


_SOUND_CASE_SCHEMAS: set[str] = set()


def _check_case_schema(schema: dict[str, Any]) -> None:
    """Validate a case schema against the 2020-12 metaschema, once per distinct schema.

    The metaschema check is the slowest step of a load; a reload of unchanged decisions
    skips it (the key is the schema's canonical JSON).
    """
    key = hashlib.sha256(json.dumps(schema, sort_keys=True, default=str).encode()).hexdigest()
    if key in _SOUND_CASE_SCHEMAS:
        return
    Draft202012Validator.check_schema(schema)
    _SOUND_CASE_SCHEMAS.add(key)


def _declared_ids(kind: str, data: Any) -> set[str]:
    """Ids a file that failed validation still declares, so others do not report them missing."""
    if kind == "clauses" and isinstance(data, dict) and isinstance(data.get("clauses"), list):
        return {c["id"] for c in data["clauses"] if isinstance(c, dict) and isinstance(c.get("id"), str)}
    if kind in ("amendment", "decision") and isinstance(data, dict):
        key = "id" if kind == "amendment" else "decision"
        return {data[key]} if isinstance(data.get(key), str) else set()
    return set()


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _day(value: str) -> dt.date:
    """A date the schema requires (validated as YYYY-MM-DD before the file gets here)."""
    return dt.date.fromisoformat(value)


def load_act(directory: Path, root: Path) -> tuple[Act | None, list[PolicyIssue]]:
    """Load one act directory: act.yaml, amendments/, clauses/, decisions/."""
    sink = ActFiles()
    act_doc = load_document(directory / "act.yaml", "act", root, sink)
    if act_doc is None:
        if not (directory / "act.yaml").exists():
            sink.issues.append(
                PolicyIssue(
                    file=display_path(directory, root),
                    message="an act directory needs an act.yaml",
                    code="layout",
                )
            )
        return None, sink.issues
    data = act_doc.data
    act_file = display_path(directory / "act.yaml", root)
    if data["id"] != directory.name:
        sink.add(
            act_doc,
            act_file,
            "/id",
            f"act id {data['id']!r} differs from its directory name {directory.name!r}",
            hint="name the directory after the act id",
        )
    files = {sub: sorted((directory / sub).glob("*.yaml")) for sub in ("amendments", "clauses", "decisions")}
    if sum(len(v) for v in files.values()) > MAX_FILES_PER_ACT:
        sink.issues.append(PolicyIssue(file=act_file, message="too many policy files", code="size"))
        return None, sink.issues

    amendments = _load_amendments(files["amendments"], root, sink, data["id"])
    drafts = sorted(p for p in (directory / "drafts").glob("*") if p.is_dir())
    for draft in drafts:
        draft_amendments = _load_amendments([draft / "amendment.yaml"], root, sink, data["id"])
        for amendment in draft_amendments.values():
            if amendment.status != "draft":
                sink.issues.append(
                    PolicyIssue(
                        file=amendment.file,
                        message="an amendment under drafts/ must have status: draft",
                        hint="a draft is not law; move it to amendments/ once it is adopted",
                        code="draft",
                    )
                )
            if amendment.id in amendments:
                sink.issues.append(
                    PolicyIssue(
                        file=amendment.file,
                        code="draft",
                        message=f"draft id {amendment.id!r} is already an amendment",
                    )
                )
            amendment.draft_dir = str(draft)
        amendments.update(draft_amendments)
    for aid, amendment in amendments.items():
        if amendment.status == "draft" and not amendment.draft_dir:
            sink.issues.append(
                PolicyIssue(
                    file=amendment.file,
                    code="draft",
                    message=f"{aid} has status draft but is not under drafts/",
                    hint="drafts live in drafts/<id>/amendment.yaml",
                )
            )
    clause_files = files["clauses"] + [f for d in drafts for f in sorted((d / "clauses").glob("*.yaml"))]
    clauses = _load_clauses(clause_files, root, sink, amendments)
    decisions = _load_decisions(files["decisions"], root, sink, data["id"], clauses)
    draft_decisions: dict[str, dict[str, DecisionSpec]] = {}
    for draft in drafts:
        amendment_ids = [a.id for a in amendments.values() if a.draft_dir == str(draft)]
        overlay = _load_decisions(
            sorted((draft / "decisions").glob("*.yaml")), root, sink, data["id"], clauses
        )
        for aid in amendment_ids:
            draft_decisions[aid] = overlay
    languages = data["languages"]
    authoritative = sum(1 for v in languages.values() if v["status"] == "authoritative")
    paraphrase_only = all(v["status"] == "paraphrase" for v in languages.values())
    if authoritative > 1 or (authoritative == 0 and not paraphrase_only):
        sink.add(
            act_doc,
            act_file,
            "/languages",
            "exactly one language must be marked authoritative",
            hint="an act encoded only from a paraphrase marks every language 'paraphrase' instead",
        )
    for clause in clauses.values():
        for version in clause.versions:
            for lang in version.texts:
                if lang not in languages:
                    sink.issues.append(
                        PolicyIssue(
                            file=version.file,
                            line=version.line,
                            clause=clause.id,
                            message=f"text in language {lang!r}, which act.yaml does not declare",
                            hint=f"declared languages: {', '.join(languages)}",
                        )
                    )
    act = Act(
        id=data["id"],
        title=data["title"],
        level=data["level"],
        adopted=_day(data["adopted"]),
        languages=languages,
        parents=data.get("parents", []),
        clauses=clauses,
        decisions=decisions,
        amendments=amendments,
        directory=str(directory),
        raw=data,
        draft_decisions=draft_decisions,
        unvalidated=set(sink.unvalidated),
    )
    return act, sink.issues


def _load_amendments(paths: list[Path], root: Path, sink: ActFiles, act_id: str) -> dict[str, Amendment]:
    out: dict[str, Amendment] = {}
    for path in paths:
        doc = load_document(path, "amendment", root, sink)
        if doc is None:
            continue
        d, name = doc.data, display_path(path, root)
        if d["act"] != act_id:
            sink.add(doc, name, "/act", f"amendment amends {d['act']!r}, not this act {act_id!r}")
        eif = d["entry_into_force"]
        pub = d.get("publication") or {"status": "unknown"}
        if pub.get("status") == "known" and not pub.get("date"):
            sink.add(doc, name, "/publication", "publication status is 'known' but no date is given")
        if eif["rule"] == "days_after_publication" and eif.get("days") is None:
            sink.add(doc, name, "/entry_into_force", "rule days_after_publication needs 'days'")
        if eif["rule"] == "on_date" and not eif.get("date"):
            sink.add(doc, name, "/entry_into_force", "rule on_date needs 'date'")
        out[d["id"]] = Amendment(
            id=d["id"],
            act=d["act"],
            number=d.get("number"),
            signed=_day(d.get("signed") or d["prepared"]),
            status=d.get("status", "in_force"),
            publication=_date(pub.get("date")),
            rule=eif["rule"],
            days=eif.get("days"),
            date=_date(eif.get("date")),
            earliest=_date(eif.get("earliest")),
            note=eif.get("note"),
            changes=d["changes"],
            file=name,
            raw=d,
        )
    return out


def _load_clauses(
    paths: list[Path], root: Path, sink: ActFiles, amendments: dict[str, Amendment]
) -> dict[str, Clause]:
    out: dict[str, Clause] = {}
    for path in paths:
        doc = load_document(path, "clauses", root, sink)
        if doc is None:
            continue
        name = display_path(path, root)
        for i, item in enumerate(doc.data["clauses"]):
            cid = item["id"]
            base = f"/clauses/{i}"
            pos = doc.position(base)
            in_draft = "drafts" in Path(name).parts
            if cid in out and not in_draft:
                sink.add(
                    doc,
                    name,
                    base + "/id",
                    f"clause id {cid!r} is used twice",
                    hint=f"the first is in {out[cid].file}:{out[cid].line}",
                    clause=cid,
                )
                continue
            if in_draft:
                for j, v in enumerate(item["versions"]):
                    a = amendments.get(v["amendment"])
                    if a is not None and a.status != "draft":
                        sink.add(
                            doc,
                            name,
                            f"{base}/versions/{j}/amendment",
                            "a version in a draft must name the draft's own amendment",
                            clause=cid,
                        )
            versions = []
            for j, v in enumerate(item["versions"]):
                vp = f"{base}/versions/{j}"
                if v["amendment"] not in amendments and v["amendment"] not in sink.unvalidated:
                    sink.add(
                        doc,
                        name,
                        vp + "/amendment",
                        f"version cites amendment {v['amendment']!r}, which has no file in amendments/",
                        clause=cid,
                        expected=", ".join(sorted(amendments)) or "an amendment file",
                        hint="every version must be produced by an act: add amendments/"
                        f"{v['amendment']}.yaml (the original adoption counts as one)",
                    )
                program = None
                if v["kind"] == "rule":
                    program = _parse_version_rule(doc, name, vp, v["rule"], cid, sink)
                vpos = doc.position(vp)
                versions.append(
                    ClauseVersion(
                        clause=cid,
                        amendment=v["amendment"],
                        change=v["change"],
                        kind=v["kind"],
                        texts=v.get("text", {}),
                        text_known=v.get("text_status", "known") == "known",
                        reason=v.get("reason"),
                        rule_text=v.get("rule"),
                        notes=v.get("notes"),
                        program=program,
                        file=name,
                        pointer=vp,
                        line=vpos.line if vpos else None,
                        raw=v,
                    )
                )
            acknowledged = _acknowledgements(
                doc, name, base, item.get("acknowledged") or [], sink, clause=cid
            )
            if cid in out:  # a draft's new version of an existing clause
                out[cid].versions.extend(versions)
                out[cid].acknowledged.extend(acknowledged)
            else:
                out[cid] = Clause(
                    cid,
                    item.get("parent"),
                    item.get("chapter"),
                    versions,
                    name,
                    pos.line if pos else None,
                    acknowledged,
                )
    return out


def _parse_version_rule(
    doc: LoadedYaml, file: str, vp: str, text: str, clause: str, sink: ActFiles
) -> ast.Program | None:
    pointer = vp + "/rule"
    block = doc.blocks.get(pointer)
    if block is None:
        sink.add(
            doc,
            file,
            pointer,
            "a rule must be written as a literal block (rule: |)",
            clause=clause,
            hint="write 'rule: |' and the rule on the following, indented lines",
        )
        return None
    try:
        program = parse_rule(text)
    except RuleSyntaxError as exc:
        p = exc.problem
        sink.issues.append(
            PolicyIssue(
                file=file,
                line=block.first_line + p.line - 1,
                column=block.indent + p.column,
                clause=clause,
                message=p.message,
                expected=p.expected,
                hint=p.hint,
                code="syntax",
            )
        )
        return None
    program.span = ast.Span(block.first_line, block.indent, 0, 0)  # offset for mapping
    return program


def rule_position(version: ClauseVersion, span: ast.Span) -> tuple[int | None, int | None]:
    """Map a span inside a version's rule text to the YAML file's line and column."""
    if version.program is None:
        return version.line, None
    origin = version.program.span
    return origin.line + span.line - 1, origin.column + span.column


def _load_decisions(
    paths: list[Path], root: Path, sink: ActFiles, act_id: str, clauses: dict[str, Clause]
) -> dict[str, DecisionSpec]:
    out: dict[str, DecisionSpec] = {}
    for path in paths:
        doc = load_document(path, "decision", root, sink)
        if doc is None:
            continue
        d, name = doc.data, display_path(path, root)
        if path.stem != d["decision"]:
            sink.add(
                doc,
                name,
                "/decision",
                f"decision {d['decision']!r} is in a file named {path.name!r}",
                hint=f"name the file {d['decision']}.yaml",
            )
        outcomes = [Outcome(o["id"], o.get("default", False), o.get("title", {})) for o in d["outcomes"]]
        defaults = [o for o in outcomes if o.default]
        if len(defaults) != 1:
            sink.add(
                doc,
                name,
                "/outcomes",
                f"exactly one outcome must be the default, found {len(defaults)}",
                hint="mark the outcome given when no clause fires with 'default: true'",
            )
            continue
        if len({o.id for o in outcomes}) != len(outcomes):
            sink.add(doc, name, "/outcomes", "an outcome is listed twice")
        for k, cid in enumerate(d["clauses"]):
            if cid not in clauses and cid not in sink.unvalidated:
                import difflib

                close = difflib.get_close_matches(cid, list(clauses), n=3)
                sink.add(
                    doc,
                    name,
                    f"/clauses/{k}",
                    f"decision cites clause {cid!r}, which does not exist",
                    hint=("did you mean " + " or ".join(close) + "?") if close else None,
                )
        bad = unsupported_keywords(d["case_schema"])
        for where, keyword in bad:
            sink.add(
                doc,
                name,
                "/case_schema" + where,
                f"case schema keyword {keyword!r} is not supported",
                expected=", ".join(sorted(CASE_SCHEMA_KEYWORDS)),
                hint="case schemas use the JSON Schema keywords listed; see docs/policy-format.md",
            )
        if bad:
            continue
        try:
            _check_case_schema(d["case_schema"])
            root_ty: Ty = schema_type(d["case_schema"])
        except SchemaShapeError as exc:
            sink.add(doc, name, "/case_schema" + exc.pointer, f"case schema: {exc}")
            continue
        except Exception as exc:  # jsonschema SchemaError
            sink.add(
                doc,
                name,
                "/case_schema",
                f"case schema is not valid JSON Schema: {getattr(exc, 'message', exc)}",
            )
            continue
        if root_ty.kind != "object":
            sink.add(doc, name, "/case_schema", "a case schema describes an object")
            continue
        ed = d.get("edition_date", {"from": "decision_date"})
        acknowledged = _acknowledgements(
            doc, name, "", d.get("acknowledged") or [], sink, decision=d["decision"], clauses=d["clauses"]
        )
        out[d["decision"]] = DecisionSpec(
            name=d["decision"],
            act=act_id,
            titles=d.get("title", {}),
            question=d.get("question", {}),
            outcomes=outcomes,
            clauses=d["clauses"],
            edition_date=ed["from"],
            edition_date_why=ed.get("why"),
            case_schema=d["case_schema"],
            root=root_ty,
            notes=d.get("notes"),
            file=name,
            acknowledged=acknowledged,
        )
    return out


def _acknowledgements(
    doc: LoadedYaml,
    file: str,
    base: str,
    entries: list[dict[str, Any]],
    sink: ActFiles,
    clause: str | None = None,
    decision: str | None = None,
    clauses: list[str] | None = None,
) -> list[Acknowledgement]:
    """The `acknowledged:` entries of a clause (`clause`) or decision (`decision`, `clauses`) as
    written; an entry that names another clause or decision than its file is an error at it
    (the schema has already checked the shape and the kind of finding)."""
    out = []
    for k, e in enumerate(entries):
        where = f"{base}/acknowledged/{k}"
        if clause is not None and e.get("clause", clause) != clause:
            sink.add(
                doc,
                file,
                where + "/clause",
                f"an acknowledgement under clause {clause} names clause {e['clause']!r}",
                clause=clause,
                hint="acknowledge a finding under the clause it names (or leave `clause:` out)",
            )
            continue
        if decision is not None and e.get("decision", decision) != decision:
            sink.add(
                doc,
                file,
                where + "/decision",
                f"an acknowledgement in the decision file of '{decision}' names decision {e['decision']!r}",
                hint="acknowledge a finding in the file of the decision it names (or leave `decision:` out)",
            )
            continue
        if clauses is not None and e.get("clause") is not None and e["clause"] not in clauses:
            sink.add(
                doc,
                file,
                where + "/clause",
                f"an acknowledgement names clause {e['clause']!r}, which '{decision}' does not use",
                expected=", ".join(clauses),
            )
            continue
        pos = doc.position(where)
        out.append(
            Acknowledgement(
                finding=e["finding"],
                clause=e.get("clause", clause),
                decision=e.get("decision", decision),
                reason=" ".join(str(e["reason"]).split()),
                file=file,
                line=pos.line if pos else None,
            )
        )
    return out
