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


def load_yaml(path: Path, error: type[ConfigError] = ConfigError) -> tuple[Any, LineMap]:
    """Read a YAML file; a syntax error is raised as ``error`` with its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error("file not found", file=path, fix="check the path") from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason})", file=path, fix="save as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise error(f"invalid YAML: {exc.problem}", file=path, line=line) from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _walk(node, (), lines)
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
