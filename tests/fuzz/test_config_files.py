"""assay.yaml and sources.yaml: any text loads, or fails with one config error (exit 2)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from assay.config import load_config
from assay.corpus.sources import load_sources
from assay.errors import UserError

YAML_CHARS = st.sampled_from(list("&*[]{}:-,\n #!|>'\"%@`?~ab1\t") + ["\u202e", "炸"])
KEYS = [
    "name: x",
    "run: {seed: 1}",
    "banks: {keywords: kw.csv}",
    "sources:",
    "  - id: s",
    "    kind: open_source",
    "    paths: [c.jsonl]",
    "max_line_bytes: 0",
    "a: &x [1, 2]",
    "b: *x",
    "c: &y [*x, *x, *x]",
    "d: [*y, *y, *y]",
    "e: &z [1, *z]",
    "profile: nope",
]


@st.composite
def yaml_text(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.one_of(st.sampled_from(KEYS), st.text(YAML_CHARS, max_size=20)), max_size=8)
    )
    return "\n".join(parts) + "\n"


@given(text=yaml_text())
def test_any_project_and_sources_file(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, load in (("assay.yaml", load_config), ("sources.yaml", load_sources)):
            path = Path(tmp) / name
            path.write_text(text, "utf-8")
            problem: UserError | None = None
            try:
                load(path)  # type: ignore[operator]
            except UserError as exc:
                problem = exc
            assert problem is None or problem.file is not None  # one line naming the file
