"""Safe YAML loading for policy files, with positions.

PyYAML's defaults are wrong for legal data: `2024-01-15` becomes a `date`, `8.10` the float
8.1, `no` the boolean False, and duplicate keys silently overwrite each other. Policy files are
loaded with a `SafeLoader` subclass that keeps dates and clause ids as strings, accepts only
`true`/`false` as booleans, refuses duplicate keys and aliases (no YAML bombs), and
records where every value stands so an error can point at the file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyIssue

MAX_POLICY_FILE_BYTES = 1_000_000


class PolicyLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver and with YAML 1.2 booleans only."""


# Drop the implicit resolvers we do not want, then re-add a strict boolean resolver.
PolicyLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PolicyLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


if hasattr(yaml, "CSafeLoader"):

    class PolicyCLoader(yaml.CSafeLoader):
        """The same rules on libyaml's parser: composing in C is several times faster."""

    PolicyCLoader.yaml_implicit_resolvers = PolicyLoader.yaml_implicit_resolvers
    _LOADER: type = PolicyCLoader
else:  # pragma: no cover - PyYAML wheels ship libyaml
    _LOADER = PolicyLoader


@dataclass(frozen=True)
class Position:
    """1-based line and column of a value inside a YAML file."""

    line: int
    column: int


@dataclass(frozen=True)
class BlockText:
    """Where the content of a `|` block scalar starts, to map DSL positions back to the file."""

    first_line: int  # 1-based YAML line of the block's first content line
    indent: int  # number of spaces stripped from every content line


@dataclass
class LoadedYaml:
    """A parsed policy file: the data, and the position of every value by JSON pointer."""

    path: Path
    data: Any
    positions: dict[str, Position]
    blocks: dict[str, BlockText]

    def position(self, pointer: str) -> Position | None:
        """The position of `pointer`, or of its nearest ancestor that has one."""
        while True:
            if pointer in self.positions:
                return self.positions[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Builder:
    def __init__(self, loader: PolicyLoader, path: Path, lines: list[str]) -> None:
        self.loader = loader
        self.path = path
        self.lines = lines
        self.positions: dict[str, Position] = {}
        self.blocks: dict[str, BlockText] = {}
        self.issues: list[PolicyIssue] = []
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, pointer: str) -> Any:
        if id(node) in self.seen:
            # An alias: the composer hands back the anchored node a second time. Refused, as
            # the simplest complete defence against exponential expansion ("billion laughs").
            raise _AliasFound(
                PolicyIssue(
                    file=str(self.path),
                    line=node.start_mark.line + 1,
                    column=node.start_mark.column + 1,
                    message="YAML aliases (*name) are not allowed in policy files",
                    hint="write the value out in full",
                    code="yaml",
                )
            )
        self.seen.add(id(node))
        mark = node.start_mark
        self.positions[pointer] = Position(mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._issue(key_node, "a mapping key must be a plain string")
                    continue
                key = str(self.loader.construct_object(key_node))
                if key in result:
                    first = self.positions.get(f"{pointer}/{_escape(key)}")
                    self._issue(
                        key_node,
                        f"duplicate key {key!r}",
                        hint=f"the first {key!r} is at line {first.line}" if first else None,
                    )
                    continue
                result[key] = self.build(value_node, f"{pointer}/{_escape(key)}")
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, f"{pointer}/{i}") for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and node.style == "|":  # a folded ">" block would join a comment line with the next
            self.blocks[pointer] = self._block(node)
        return self.loader.construct_object(node)

    def _block(self, node: yaml.ScalarNode) -> BlockText:
        first = node.start_mark.line + 1  # 0-based index of the first content line
        header = self.lines[node.start_mark.line][node.start_mark.column :]
        indicator = re.match(r"\|[-+]?([1-9])|\|([1-9])[-+]?", header)
        if indicator:  # `|2`: the content sits that many columns right of the key's line
            key_line = self.lines[node.start_mark.line]
            parent = len(key_line) - len(key_line.lstrip(" "))
            return BlockText(
                first_line=first + 1, indent=parent + int(indicator.group(1) or indicator.group(2))
            )
        indent = 0
        for raw in self.lines[first : node.end_mark.line + 1]:
            if raw.strip():
                indent = len(raw) - len(raw.lstrip(" "))
                break
        return BlockText(first_line=first + 1, indent=indent)

    def _issue(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.issues.append(
            PolicyIssue(
                file=str(self.path),
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                message=message,
                hint=hint,
                code="yaml",
            )
        )


def load_policy_yaml(path: Path, display: str | None = None) -> tuple[LoadedYaml | None, list[PolicyIssue]]:
    """Load one policy file; never raises for bad content, returns the issues instead."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [PolicyIssue(file=name, message=f"cannot read file: {exc.strerror}", code="io")]
    if len(raw) > MAX_POLICY_FILE_BYTES:
        return None, [
            PolicyIssue(
                file=name,
                code="size",
                message=f"file is {len(raw):,} bytes, over the {MAX_POLICY_FILE_BYTES:,}-byte limit",
                hint="split the act into several clause files",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [PolicyIssue(file=name, code="yaml", message=f"file is not UTF-8 (byte {exc.start})")]
    return load_policy_text(text, Path(name))


def load_policy_text(text: str, path: Path) -> tuple[LoadedYaml | None, list[PolicyIssue]]:
    """Parse YAML text already read into memory (used for files at a git revision too)."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, [
            PolicyIssue(
                file=str(path),
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                message=f"malformed YAML: {exc.problem or exc.context}",
                hint="check indentation and quoting near this position",
                code="yaml",
            )
        ]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors in practice
        return None, [PolicyIssue(file=str(path), message=f"malformed YAML: {exc}", code="yaml")]
    if node is None:
        loader.dispose()
        return None, [PolicyIssue(file=str(path), message="file is empty", code="yaml")]
    builder = _Builder(loader, path, text.splitlines())
    try:
        data = builder.build(node, "")
    except _AliasFound as exc:
        return None, [_alias_where_used(text, path) or exc.issue]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        return None, [
            PolicyIssue(
                file=str(path),
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                message=f"unsupported YAML value: {exc.problem}",
                code="yaml",
            )
        ]
    if builder.issues:
        return None, builder.issues
    return LoadedYaml(path, data, builder.positions, builder.blocks), []


def _alias_where_used(text: str, path: Path) -> PolicyIssue | None:
    """The first `*alias` in the text, positioned where it is used (not at its anchor)."""
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                return PolicyIssue(
                    file=str(path),
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    message="YAML aliases (*name) are not allowed in policy files",
                    hint="write the value out in full",
                    code="yaml",
                )
    except yaml.YAMLError:
        return None
    return None


class _AliasFound(Exception):
    def __init__(self, issue: PolicyIssue) -> None:
        self.issue = issue
