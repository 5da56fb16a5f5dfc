"""The layers of the code, read from its import graph (docs/architecture.md, "Import rules").

The graph is built from the source with `ast`, never by importing it, so a module that fails to
import still shows its edges, and a guarded import counts like any other.

- core = `engine/` minus `engine/tools/` and `engine/cli/`: load, validate, parse, type-check,
  compile, decide, explain; takes its inputs as arguments.
- tools = `engine/tools/`: the review tools over the core.
- cli = `engine/cli/`: the command line, the outermost shell.
- web = `web/`: the service and its pages.

Edges: `import a.b` and `from a.b import c` point at `a.b`, or at `a.b.c` when `c` is a module
(that is what the statement loads; the package `a.b` runs first for any of its submodules).
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "web")

LAYER_MAY_NOT_IMPORT = {
    "core": ("engine.tools", "engine.cli", "web"),
    "tools": ("engine.cli", "web"),
    "web": ("engine.cli",),
    "cli": (),
}
CORE_FORBIDDEN_MODULES = ("subprocess", "argparse", "concurrent.futures", "multiprocessing")
CLOCK_CALLS = {"today", "now", "utcnow"}
CLOCK_OWNERS = {"date", "datetime", "dt"}


@dataclass(frozen=True)
class Import:
    source: str
    target: str  # a project module, or a third-party/stdlib name as written
    name: str | None  # the imported name for `from x import name`
    line: int
    top_level: bool  # run when the module is imported (not inside a function)
    guarded: bool  # inside `try: ... except ImportError`

    def where(self) -> str:
        return f"{module_path(self.source)}:{self.line}"


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module
    imports: list[Import] = field(default_factory=list)


def module_path(name: str) -> str:
    return str(GRAPH[name].path.relative_to(ROOT)) if name in GRAPH else name


def layer(name: str) -> str:
    if name == "engine.tools" or name.startswith("engine.tools."):
        return "tools"
    if name == "engine.cli" or name.startswith("engine.cli."):
        return "cli"
    if name == "web" or name.startswith("web."):
        return "web"
    return "core"


def _walk(node: ast.AST, in_function: bool, guarded: bool) -> Iterator[tuple[ast.AST, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        yield child, in_function, guarded
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _walk(child, True, guarded)
        elif isinstance(child, ast.Try):
            catches = any(_catches_import_error(h) for h in child.handlers)
            for stmt in child.body:
                yield stmt, in_function, guarded or catches
                yield from _walk(stmt, in_function, guarded or catches)
            for part in (*child.handlers, *child.orelse, *child.finalbody):
                yield part, in_function, guarded
                yield from _walk(part, in_function, guarded)
        else:
            yield from _walk(child, in_function, guarded)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name) and k.id in {"ImportError", "ModuleNotFoundError"} for k in kinds)


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def build_graph(root: Path, planted: dict[str, str] | None = None) -> dict[str, Module]:
    """The graph of the tree at `root`; `planted` appends text to some files (by relative path)."""
    planted = planted or {}
    modules: dict[str, Module] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            extra = planted.get(path.relative_to(root).as_posix())
            tree = _parse(path) if extra is None else ast.parse(path.read_text(encoding="utf-8") + extra)
            modules[name] = Module(name, path, is_package, tree)
    for module in modules.values():
        package = module.name if module.is_package else module.name.rpartition(".")[0]
        for node, in_function, guarded in _walk(module.tree, False, False):
            top = not in_function
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module.imports.append(Import(module.name, alias.name, None, node.lineno, top, guarded))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules:
                        module.imports.append(Import(module.name, sub, None, node.lineno, top, guarded))
                    else:
                        module.imports.append(Import(module.name, target, alias.name, node.lineno, top, guarded))
    return modules


GRAPH = build_graph(ROOT)


def project(name: str) -> bool:
    return name in GRAPH


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def cycles(graph: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components of more than one module over all imports: at the top of a
    module or inside a function (an import deferred into a function still ties the two modules)."""
    edges = {
        m: sorted({i.target for i in mod.imports if i.target in graph and i.target != m})
        for m, mod in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in edges:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, successors = work[-1]
            advanced = False
            for w in successors:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(edges[w])))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _cycle_report(component: list[str]) -> str:
    members = set(component)
    lines = [
        f"  {i.where()} {i.source} -> {i.target}"
        for m in component
        for i in GRAPH[m].imports
        if i.target in members and i.target != m
    ]
    return "import cycle among " + ", ".join(component) + ":\n" + "\n".join(sorted(set(lines)))


def test_no_import_cycles() -> None:
    found = cycles(GRAPH)
    assert not found, "\n".join(_cycle_report(c) for c in found)


def test_layers_import_downwards_only() -> None:
    wrong = [
        f"{i.where()}: {layer(i.source)} module {i.source} imports {i.target} ({layer(i.target)})"
        for mod in GRAPH.values()
        for i in mod.imports
        if project(i.target)
        for banned in LAYER_MAY_NOT_IMPORT[layer(i.source)]
        if under(i.target, banned)
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(set(wrong)))


def _module_aliases(mod: Module) -> dict[str, str]:
    """Local names bound to another project module (`from engine import x`, `import a.b as x`)."""
    aliases: dict[str, str] = {}
    package = mod.name if mod.is_package else mod.name.rpartition(".")[0]
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and project(alias.name):
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                if project(f"{target}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{target}.{alias.name}"
    return aliases


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_names_across_modules() -> None:
    wrong = []
    for mod in GRAPH.values():
        for i in mod.imports:
            if project(i.target) and i.target != mod.name and i.name and _private(i.name):
                wrong.append(f"{i.where()}: {mod.name} imports {i.target}.{i.name}")
        aliases = _module_aliases(mod)
        for node in ast.walk(mod.tree):
            if not isinstance(node, ast.Attribute) or not _private(node.attr):
                continue
            base = _dotted(node.value)
            if base is None:
                continue
            target = aliases.get(base) or (base if project(base) else None)
            if target and target != mod.name:
                wrong.append(f"{module_path(mod.name)}:{node.lineno}: {mod.name} uses {target}.{node.attr}")
    assert not wrong, "private names used across modules:\n" + "\n".join(wrong)


def test_core_does_no_process_or_shell_work() -> None:
    wrong = [
        f"{i.where()}: core module {i.source} imports {i.target}"
        for mod in GRAPH.values()
        if layer(mod.name) == "core"
        for i in mod.imports
        if any(under(i.target, banned) for banned in CORE_FORBIDDEN_MODULES)
        or (i.target == "concurrent" and i.name == "futures")
    ]
    assert not wrong, "the core takes its inputs as arguments:\n" + "\n".join(wrong)


def test_core_reads_no_clock() -> None:
    wrong = []
    for mod in GRAPH.values():
        if layer(mod.name) != "core":
            continue
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = _dotted(node.func.value) or ""
                if node.func.attr in CLOCK_CALLS and CLOCK_OWNERS & set(owner.split(".")):
                    wrong.append(f"{module_path(mod.name)}:{node.lineno}: {mod.name} calls {owner}.{node.func.attr}()")
    assert not wrong, "the core is given the date, it does not read the clock:\n" + "\n".join(wrong)


def test_no_import_error_guard_around_own_modules() -> None:
    wrong = [
        f"{i.where()}: {i.source} guards its import of {i.target} with `except ImportError`"
        for mod in GRAPH.values()
        for i in mod.imports
        if i.guarded and (project(i.target) or under(i.target, "engine") or under(i.target, "web"))
    ]
    assert not wrong, "a broken import of the project must fail loudly:\n" + "\n".join(wrong)


MODULE_PATH = re.compile(r"\b((?:engine|web)/[\w/]*\.py)\b")


def test_architecture_names_only_modules_that_exist() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = sorted(set(MODULE_PATH.findall(text)))
    assert named, "docs/architecture.md names no module path"
    missing = [p for p in named if not (ROOT / p).is_file()]
    assert not missing, "docs/architecture.md names modules that do not exist: " + ", ".join(missing)


@pytest.mark.parametrize(
    ("source", "text", "check"),
    [
        ("engine/policy.py", "from .tools import diff\n", test_layers_import_downwards_only),
        ("engine/edition.py", "from .policy import _private_helper\n", test_no_private_names_across_modules),
        ("engine/edition.py", "import subprocess\n", test_core_does_no_process_or_shell_work),
        ("engine/edition.py", "import datetime as dt\nTODAY = dt.date.today()\n", test_core_reads_no_clock),
        ("web/health.py", "try:\n    from engine import i18n\nexcept ImportError:\n    i18n = None\n",
         test_no_import_error_guard_around_own_modules),
        ("engine/errors.py", "from . import edition\n", test_no_import_cycles),
    ],
)
def test_each_rule_catches_a_violation(source: str, text: str, check: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rule fails on a violation planted in the tree as read, naming the module."""
    monkeypatch.setattr(sys.modules[__name__], "GRAPH", build_graph(ROOT, {source: "\n" + text}))
    with pytest.raises(AssertionError) as failure:
        check()  # type: ignore[operator]
    module = source.removesuffix(".py").replace("/", ".")
    assert module in str(failure.value)
