"""The import graph of ``assay``: layers point one way (../shared/DESIGN.md).

Every ``import`` of an ``assay`` module anywhere in ``src/assay`` (deferred imports inside
functions too) is read with :mod:`ast`. A node is a subpackage (``assay.judges``) or a top-level
module (``assay.config``). Each node has a rank, lowest first; a node may import only nodes of a
lower rank, which also rules out cycles between subpackages. Nothing but the CLI itself and
``__main__`` imports ``assay.cli``; no module imports another module's private names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "assay"

# lowest first; equal ranks may not import each other
RANK = {
    "messages": -1,  # imports nothing of assay: the errors take their words from it
    "version": 0,
    "errors": 0,
    "limits": 0,
    "redact": 0,
    "names": 0,
    "registry": 1,
    "outputs": 1,
    "yamlfile": 1,
    "standard": 2,
    "stats": 2,
    "guard_config": 2,  # the guard: section of assay.yaml, below config
    "text": 3,
    "banks": 4,
    "targets": 5,
    "judges": 6,
    "store": 7,
    "config": 8,
    "project": 9,  # load_project: config + profile + store, for every layer above
    "corpus": 10,
    "assess": 11,
    "reports": 12,
    "api": 13,  # assay.assess() / assay.report(): the whole assessment, above the reports
    "review": 14,
    "guard": 14,
    "cli": 15,
    "__main__": 16,
    "__init__": 17,
}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _node(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _imports() -> Iterator[tuple[str, str, str, int]]:
    """(importing module, imported module, imported name or "", line) for every import of assay."""
    for path in sorted(SRC.rglob("*.py")):
        module = _module(path)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == "assay" or node.module.startswith("assay."):
                    for alias in node.names:
                        # "from assay import limits" imports the module assay.limits
                        sub = SRC.joinpath(*node.module.split(".")[1:], alias.name)
                        if sub.is_dir() or sub.with_suffix(".py").is_file():
                            yield module, f"{node.module}.{alias.name}", "", node.lineno
                        else:
                            yield module, node.module, alias.name, node.lineno
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "assay" or alias.name.startswith("assay."):
                        yield module, alias.name, "", node.lineno


IMPORTS = list(_imports())


def test_the_graph_was_read() -> None:
    assert len(IMPORTS) > 200
    nodes = {_node(m) for m, *_ in IMPORTS} | {_node(t) for _, t, *_ in IMPORTS}
    assert nodes <= set(RANK), f"nodes without a rank: {sorted(nodes - set(RANK))}"


def test_imports_point_down_the_layers() -> None:
    wrong = [
        f"{src} (line {line}) imports {dst}"
        for src, dst, _, line in IMPORTS
        if _node(src) != _node(dst) and RANK[_node(dst)] >= RANK[_node(src)]
    ]
    assert not wrong, "\n".join(wrong)


def test_only_the_cli_imports_the_cli() -> None:
    wrong = [
        f"{src} (line {line})"
        for src, dst, _, line in IMPORTS
        if _node(dst) == "cli" and _node(src) not in ("cli", "__main__")
    ]
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_modules_private_names() -> None:
    found = {
        (src, dst, name)
        for src, dst, name, _ in IMPORTS
        if name.startswith("_")
        and not name.startswith("__")
        and src != dst
        # a compiled private module of the same package (text/_fastnorm) is the package's own
        and not (dst == src.rsplit(".", 1)[0] and (SRC / "/".join(dst.split(".")[1:])).is_dir())
    }
    assert not found, sorted(found)
