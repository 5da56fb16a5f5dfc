"""A form generated from a decision's case schema, and the case read back from it.

Every input is named by the JSON pointer of the fact it holds (`f:/employee/sanctions/0/kind`),
so the engine's problems — which carry JSON pointers — land next to the field they concern:
`field_errors` attaches each problem to the deepest field at or above its pointer (a missing
/employee/body is reported at /employee/body itself, see `web.pages.caseproblems`). Reading the form walks the schema,
not the submitted keys: only facts the schema declares are read.

How schema nodes become inputs:
- object: a fieldset of its properties; an optional object whose fields are all empty is left
  out of the case;
- enum: a select (with an empty choice: "not given");
- boolean: a select yes / no / not given (optional facts are three-valued in the engine);
- number / integer: a text input (a typed "12,5" is read as 12.5; anything else is passed on
  for the engine to refuse at this field);
- string with format date: a text input showing DD.MM.YYYY (ISO YYYY-MM-DD accepted too): the
  browser's date picker would show the browser's locale (11/22/2026 in en-US), not Kazakh usage;
- other strings: a text input;
- array of objects: one fieldset per row, rows added and removed with buttons that work without
  JavaScript (they submit the form) and, with it, in place (`web/static/pages.js`); rows are
  marked by a hidden `r:<pointer>` input, their indices need not be contiguous; an optional list
  the case has, even empty, is kept by a hidden `a:<pointer>` input;
- array of enum values: checkboxes; array of other scalars: a textarea, one value per line;
- anything else (anyOf, …): a small JSON textarea for that fact.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from engine.casecodec import CaseDecodeError, case_text, decode

MAX_ROWS = 200



def escape_segment(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def field_id(pointer: str) -> str:
    """An HTML id for the field of `pointer` (stable, only [A-Za-z0-9_-])."""
    return "fld" + re.sub(r"[^A-Za-z0-9_]", lambda m: "-" if m.group() == "/" else f"_{ord(m.group()):x}_", pointer)


@dataclass
class Field:
    pointer: str
    name: str
    kind: str  # object | rows | checkboxes | lines | enum | boolean | number | integer | date | string | json
    required: bool
    description: str | None = None
    choices: list[Any] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)  # object: its properties
    rows: list[Field] = field(default_factory=list)  # rows: one object field per item
    template: Field | None = None  # rows: an empty row with the index placeholder
    placeholder: str = ""  # rows: the index placeholder of `template`
    value: Any = None  # the value to show (string for inputs, list for checkboxes)
    errors: list[str] = field(default_factory=list)  # the messages of the problems at this field
    minimum: Any = None
    maximum: Any = None
    max_length: int | None = None
    pattern: str | None = None
    item_kind: str | None = None  # lines: number | integer | string
    present: bool = False  # the case has this fact (keeps an optional empty list a list)
    key: str = ""  # its key in the act's fields.yaml (engine.fieldtexts)
    title: str | None = None  # in the reader's language, from fields.yaml
    help: str | None = None  # the description in the reader's language
    help_lang: str | None = None  # the language of `help` when it is not the reader's (English)
    choice_labels: dict[str, str] = field(default_factory=dict)  # choice_value -> label

    @property
    def id(self) -> str:
        return field_id(self.pointer)

    @property
    def label(self) -> str:
        return self.title or self.name.replace("_", " ")

    def choice_label(self, choice: Any) -> str:
        return self.choice_labels.get(choice_value(choice)) or str(choice).replace("_", " ")

    def walk(self) -> list[Field]:
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        for r in self.rows:
            out.extend(r.walk())
        return out


class SchemaError(ValueError):
    """A schema construct the form does not know (rendered as a JSON field instead)."""


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    """The node with `$ref` resolved (local refs only) and its sibling keywords kept."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise SchemaError(f"unsupported $ref {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            raise SchemaError(f"unresolved $ref {ref!r}")
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    if not isinstance(node, dict):
        raise SchemaError("a schema node is not an object")
    return node


def _kind(node: dict[str, Any], root: dict[str, Any]) -> str:
    if any(k in node for k in ("anyOf", "oneOf", "allOf", "not", "const")):
        return "json"
    if "enum" in node:
        return "enum"
    t = node.get("type")
    if t == "object":
        return "object"
    if t == "array":
        items = _resolve(node.get("items") or {}, root)
        ik = _kind(items, root)
        if ik == "object":
            return "rows"
        if ik == "enum":
            return "checkboxes"
        if ik in ("string", "number", "integer"):
            return "lines"
        return "json"
    if t == "boolean":
        return "boolean"
    if t in ("number", "integer"):
        return t
    if t == "string":
        return "date" if node.get("format") == "date" else "string"
    return "json"


def _display(value: Any, kind: str) -> Any:
    """The form's text for a value of the case (JSON for what is not a plain scalar)."""
    if value is None:
        return "" if kind != "checkboxes" else []
    if kind == "boolean":
        return "true" if value is True else "false" if value is False else case_text(value, None)
    if kind == "checkboxes":
        return [case_text(v, None) for v in value] if isinstance(value, list) else []
    if kind == "lines":
        if isinstance(value, list):
            return "\n".join(v if isinstance(v, str) else case_text(v, None) for v in value)
        return case_text(value, None)
    if kind == "enum":
        return case_text(value, None)
    if kind == "json":
        return case_text(value, 1)
    if kind == "date" and isinstance(value, str):
        from web.pages.i18n import date_short, parse_user_date

        day = parse_user_date(value)
        return date_short(day) if day is not None else value  # as Kazakh usage writes it
    if isinstance(value, str):
        return value
    return case_text(value, None)


def build_form(schema: dict[str, Any], case: Any) -> Field:
    """The field tree of `schema`, showing the values of `case` (which may be partial or invalid)."""
    return _build(schema, schema, case, "", "case", True, 0)


def apply_texts(form: Field, texts: Any, lang: str) -> Field:
    """Titles, help and choice labels in `lang` from the act's field texts (`engine.fieldtexts`);
    a field without them keeps its fact name and the schema's English description, marked so."""
    for f in _with_templates(form):
        if not f.key:
            continue
        f.title = texts.title(f.key, lang)
        f.help = texts.help(f.key, f.description, lang)
        if f.help is None and f.description:
            f.help, f.help_lang = f.description, "en"
        for c in f.choices:
            label = texts.choice(f.key, c, lang)
            if label:
                f.choice_labels[choice_value(c)] = label
    return form


def _with_templates(form: Field) -> list[Field]:
    """Every field, the empty row templates' too (a row added in place needs its labels)."""
    out = []
    for f in form.walk():
        out.append(f)
        if f.template is not None:
            out.extend(_with_templates(f.template))
    return out


def _build(
    node: Any,
    root: dict[str, Any],
    value: Any,
    pointer: str,
    name: str,
    required: bool,
    depth: int,
    key: str = "",
    ctx: str = "",
) -> Field:
    from engine.fieldtexts import def_context

    try:
        node = _resolve(node, root)
        kind = _kind(node, root)
    except SchemaError:
        node, kind = {}, "json"
    f = Field(
        pointer, name, kind, required, description=node.get("description"), present=value is not None, key=key
    )
    if kind == "object":
        if value is not None and not isinstance(value, dict):
            f.kind, f.value = "json", _display(value, "json")
            return f
        props = node.get("properties") or {}
        req = set(node.get("required") or [])
        for pname, sub in props.items():
            child_key = f"{ctx}.{pname}" if ctx else pname
            f.children.append(
                _build(
                    sub,
                    root,
                    (value or {}).get(pname),
                    f"{pointer}/{escape_segment(pname)}",
                    pname,
                    pname in req,
                    depth,
                    child_key,
                    def_context(sub, root, child_key),
                )
            )
        return f
    if kind == "rows":
        if value is not None and not isinstance(value, list):
            f.kind, f.value = "json", _display(value, "json")
            return f
        item = node.get("items") or {}
        item_ctx = def_context(item, root, ctx)
        for k, v in enumerate((value or [])[:MAX_ROWS]):
            f.rows.append(
                _build(item, root, v if v is not None else {}, f"{pointer}/{k}", str(k + 1), True, depth + 1, "", item_ctx)
            )
        f.placeholder = f"__ROW{depth}__"
        f.template = _build(item, root, {}, f"{pointer}/{f.placeholder}", "", True, depth + 1, "", item_ctx)
        return f
    if kind == "checkboxes":
        items = _resolve(node.get("items") or {}, root)
        f.choices = list(items.get("enum") or [])
    elif kind == "enum":
        f.choices = list(node.get("enum") or [])
    elif kind == "lines":
        items = _resolve(node.get("items") or {}, root)
        f.item_kind = items.get("type") if items.get("type") in ("number", "integer") else "string"
        f.pattern = items.get("pattern")
        f.max_length = items.get("maxLength")
    f.minimum = node.get("minimum")
    f.maximum = node.get("maximum")
    if kind == "string":
        f.max_length = node.get("maxLength")
        f.pattern = node.get("pattern")
    f.value = _display(value, kind)
    return f


def choice_value(choice: Any) -> str:
    """How an enum choice is written in the form (JSON, so "1" and 1 stay apart)."""
    return json.dumps(choice, ensure_ascii=False)


# ---- reading the case back ----------------------------------------------------------------------


@dataclass
class FormRead:
    case: Any
    problems: list[dict[str, str]]  # what the form itself could not read (bad JSON in a JSON field)


def read_form(schema: dict[str, Any], form: Any) -> FormRead:
    """The case the form describes (`form` is a MultiDict of the submitted fields)."""
    problems: list[dict[str, str]] = []
    value, _ = _read(schema, schema, form, "", True, problems)
    return FormRead(value if value is not None else {}, problems)


def _row_indices(form: Any, pointer: str) -> list[str]:
    prefix = f"r:{pointer}/"
    found = set()
    for key in form:
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            if rest.isdigit() and len(rest) <= 6:
                found.add(int(rest))
    return [str(i) for i in sorted(found)][:MAX_ROWS]


def _number(text: str, integer: bool) -> Any:
    """A number typed into a field, read as the case codec reads JSON numbers (an integral value
    is an int, any other an exact decimal, never a float)."""
    from engine.casecodec import read_number

    # "12,5" is how a decimal is written in Kazakh usage; spaces may group thousands.
    t = text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,15}", t):
        return int(t)
    if not integer and re.fullmatch(r"[-+]?(\d{1,15}\.\d{0,15}|\.\d{1,15})", t):
        return read_number(t)
    return text  # not a number: the engine says so, at this field


def _date(text: str) -> str:
    from web.pages.i18n import parse_user_date

    t = text.strip()
    d = parse_user_date(t)
    return d.isoformat() if isinstance(d, dt.date) else t  # not a date: the engine says so


def _read(
    node: Any, root: dict[str, Any], form: Any, pointer: str, required: bool, problems: list[dict[str, str]]
) -> tuple[Any, bool]:
    try:
        node = _resolve(node, root)
        kind = _kind(node, root)
    except SchemaError:
        node, kind = {}, "json"
    key = f"f:{pointer}"
    if kind == "object":
        out: dict[str, Any] = {}
        req = set(node.get("required") or [])
        for pname, sub in (node.get("properties") or {}).items():
            v, present = _read(sub, root, form, f"{pointer}/{escape_segment(pname)}", pname in req, problems)
            if present:
                out[pname] = v
        if out or required:
            return out, True
        return None, False
    if kind == "rows":
        items = [
            _read(node.get("items") or {}, root, form, f"{pointer}/{i}", True, problems)[0]
            for i in _row_indices(form, pointer)
        ]
        items = [{} if v is None else v for v in items]
        if items or required or form.get(f"a:{pointer}") == "1":
            return items, True
        return None, False
    if kind == "checkboxes":
        chosen = []
        for raw in form.getlist(key):
            try:
                chosen.append(decode(raw, None))
            except CaseDecodeError:
                chosen.append(raw)
        if chosen or required or form.get(f"a:{pointer}") == "1":
            return chosen, True
        return None, False
    text = form.get(key, "")
    if kind == "lines":
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        item_type = _resolve(node.get("items") or {}, root).get("type")
        values: list[Any] = [
            _number(ln, item_type == "integer") if item_type in ("number", "integer") else ln for ln in lines
        ]
        if values or required or form.get(f"a:{pointer}") == "1":
            return values, True
        return None, False
    if text.strip() == "":
        return None, False
    if kind == "enum":
        try:
            return decode(text, None), True
        except CaseDecodeError:
            return text, True
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text), True
    if kind in ("number", "integer"):
        return _number(text, kind == "integer"), True
    if kind == "date":
        return _date(text), True
    if kind == "json":
        try:
            return decode(text), True
        except CaseDecodeError as exc:
            problems.append({"pointer": pointer, "message": f"not valid JSON: {exc.detail}", "kind": exc.kind})
            return None, False
    return text, True


# ---- rows added or removed by the no-JavaScript buttons -------------------------------------------


def _parse_pointer(pointer: str) -> list[str]:
    if not pointer.startswith("/"):
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def apply_row_action(case: Any, action: str) -> Any:
    """`add:<pointer>` appends an empty row to the array there; `remove:<pointer>` deletes the row."""
    verb, _, pointer = action.partition(":")
    parts = _parse_pointer(pointer)
    if verb not in ("add", "remove") or not parts:
        return case
    target_parts = parts if verb == "add" else parts[:-1]
    parent: Any = case
    for p in target_parts[:-1]:
        if isinstance(parent, dict):
            parent = parent.setdefault(p, {}) if verb == "add" else parent.get(p)
        elif isinstance(parent, list) and p.isdigit() and int(p) < len(parent):
            parent = parent[int(p)]
        else:
            return case
    last = target_parts[-1]
    if isinstance(parent, dict):
        if verb == "add":
            arr = parent.get(last)
            if not isinstance(arr, list):
                arr = parent[last] = []
            if len(arr) < MAX_ROWS:
                arr.append({})
        else:
            arr = parent.get(last)
            index = parts[-1]
            if isinstance(arr, list) and index.isdigit() and int(index) < len(arr):
                del arr[int(index)]
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        arr = parent[int(last)]
        if verb == "add" and isinstance(arr, list) and len(arr) < MAX_ROWS:
            arr.append({})
    return case


# ---- errors next to their fields ---------------------------------------------------------------


def field_errors(form: Field, problems: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Attach each problem to the deepest field at or above its pointer; return them all with
    the id of the field each landed on (None when no field holds it: shown at the top only)."""
    fields = {f.pointer: f for f in form.walk() if f.pointer}
    out = []
    for p in problems:
        target = p.get("pointer") or ""
        parts = target.split("/")
        landed = None
        while len(parts) > 1:
            candidate = "/".join(parts)
            if candidate in fields:
                landed = fields[candidate]
                break
            parts = parts[:-1]
        if landed is not None:
            landed.errors.append(p.get("message") or "")
        out.append({**p, "field": landed.id if landed else None, "label": landed.label if landed else None})
    return out


def example_summary(case: Any) -> str:
    return case_text(case)
