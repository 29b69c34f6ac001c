"""YAML files that remember where each value was written, so errors can name the line.

``load_yaml`` returns the plain data and a :class:`LineMap`; ``validation_error`` turns a
pydantic ``ValidationError`` into one :class:`~assay.errors.ConfigError` (or subclass) naming
the file, the line and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assay.errors import ConfigError
from assay.limits import YAML_MAX_ALIASES, YAML_MAX_NODES

Loc = tuple[str | int, ...]


class LineMap:
    """Maps a path of keys and indexes (``("parameters", "report", "value")``) to a 1-based line."""

    def __init__(self, lines: dict[Loc, int] | None = None) -> None:
        self._lines = lines or {}

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest parent that has one. A part the file does not
        hold (a discriminated union's tag, such as ``openai`` in ``target.openai.model``) is
        skipped."""
        path: Loc = ()
        for part in loc:
            if (*path, part) in self._lines:
                path = (*path, part)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._lines.get((), None)


def _walk(node: yaml.Node, path: Loc, out: dict[Loc, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            out[(*path, name)] = key.start_mark.line + 1
            _walk(value, (*path, name), out)
            out[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), out)


class _CountingLoader(yaml.SafeLoader):
    """A safe loader that keeps the line of every alias (``*name``) it meets."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases: list[tuple[int, yaml.Node]] = []

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        alias = self.check_event(yaml.AliasEvent)
        line = self.peek_event().start_mark.line + 1 if alias else 0  # type: ignore[no-untyped-call]
        node = super().compose_node(parent, index)
        if line and node is not None:
            self.aliases.append((line, node))
            if len(self.aliases) > YAML_MAX_ALIASES:
                raise _RefusedError(f"more than {YAML_MAX_ALIASES} aliases (*name)", line)
        return node


class _RefusedError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _expanded(root: yaml.Node, aliases: list[tuple[int, yaml.Node]]) -> None:
    """Refuse a document that aliases expand past ``YAML_MAX_NODES`` values (a "billion
    laughs"), or whose aliases refer to themselves. Sizes are counted once per node, without
    recursion, so the check costs the size of the file, not of its expansion."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes and not children_done:
            continue
        kids = _children(node)
        if not children_done:
            if key in open_nodes:
                line = next((ln for ln, n in aliases if n is node), node.start_mark.line + 1)
                raise _RefusedError("an alias refers to the value that holds it", line)
            open_nodes.add(key)
            stack.append((node, True))
            stack += [(kid, False) for kid in kids if id(kid) not in sizes]
            continue
        open_nodes.discard(key)
        sizes[key] = min(YAML_MAX_NODES + 1, 1 + sum(sizes[id(kid)] for kid in kids))
    if sizes[id(root)] > YAML_MAX_NODES:
        line = max(aliases, key=lambda a: sizes.get(id(a[1]), 0))[0] if aliases else None
        raise _RefusedError(f"its aliases expand it past {YAML_MAX_NODES} values", line)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _compose(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree and the data of one YAML document, read once, with the alias budget."""
    loader = _CountingLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if loader.aliases:
            _expanded(node, loader.aliases)
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml(path: Path, error: type[ConfigError] = ConfigError) -> tuple[Any, LineMap]:
    """Read a YAML file; a syntax error is raised as ``error`` with its line. A file may use at
    most ``YAML_MAX_ALIASES`` aliases, and they may not expand it past ``YAML_MAX_NODES``
    values (an alias bomb is refused before it is expanded)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error("file not found", file=path, fix="check the path") from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason})", file=path, fix="save as UTF-8") from None
    try:
        node, data = _compose(text)
        lines: dict[Loc, int] = {}
        if node is not None:
            _walk(node, (), lines)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise error(f"invalid YAML: {exc.problem}", file=path, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", file=path) from None
    except _RefusedError as exc:
        raise error(
            f"refused: {exc.message}",
            file=path,
            line=exc.line,
            fix="write the values out instead of aliasing them (a YAML alias bomb?)",
        ) from None
    except RecursionError:
        raise error(
            "invalid YAML: nested too deep", file=path, fix="flatten the structure"
        ) from None
    return data, LineMap(lines)


def validation_error(
    exc: ValidationError,
    file: Path | str,
    lines: LineMap,
    error: type[ConfigError] = ConfigError,
) -> ConfigError:
    """The first problem of ``exc`` as one error naming file, line and field."""
    errors = exc.errors()
    first = errors[0]
    loc: Loc = tuple(p for p in first["loc"] if not _is_union_tag(p))
    text = str(first["msg"]).removeprefix("Value error, ")
    named = _NAMED.match(text)
    if not loc and named:  # a cross-check names its own field: "parameters.x.y: ..."
        loc = tuple(named.group(1).split("."))
        text = text[named.end() :].strip()
    if first["type"] in ("model_type", "dict_type", "model_attributes_type"):
        text = "should be a mapping"
    field = ".".join(str(p) for p in loc) or "(top level)"
    others = [".".join(str(p) for p in e["loc"] if not _is_union_tag(p)) for e in errors[1:4]]
    suffix = (
        f" (and {len(errors) - 1} more: {', '.join(others)}{', …' if len(errors) > 4 else ''})"
        if others
        else ""
    )
    message = f"{field}: {text}{suffix}"
    return error(message, file=file, line=lines.line(loc), fix=_fix_for(first["type"]))


_NAMED = re.compile(r"^([A-Za-z_][\w]*(?:\.[\w]+)+):")


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"function-after", "function-before"})


def _fix_for(error_type: str) -> str | None:
    return {
        "extra_forbidden": "remove the field or correct its spelling",
        "missing": "add the field",
        "model_type": "write a mapping, e.g. {value: 5}",
        "dict_type": "write a mapping, e.g. {value: 5}",
        "less_than_equal": "use a value within the allowed range",
        "greater_than_equal": "use a value within the allowed range",
    }.get(error_type)
