"""Issue 12, item 11: a YAML alias bomb in assay.yaml is refused with its line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.errors import ConfigError
from assay.limits import YAML_MAX_ALIASES
from assay.yamlfile import load_yaml
from tests.helpers.cli import run_assay


def _laughs(levels: int) -> str:
    """The "billion laughs": each level aliases the one before nine times."""
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_assay_yaml_exits_2_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "assay.yaml").write_text(_laughs(6), "utf-8")  # 9^6 = 531,441 values
    done = run_assay("banks", "check", "--config", "assay.yaml", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "refused" in done.stderr
    assert "alias" in done.stderr
    assert "assay.yaml:" in done.stderr  # with a line number
    line = int(done.stderr.split("assay.yaml:")[1].split(":")[0])
    assert 2 <= line <= 7  # a line that holds aliases


def test_a_deep_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(_laughs(9), "utf-8")  # 9^9: would take minutes and gigabytes
    with pytest.raises(ConfigError, match="expand"):
        load_yaml(path)


def test_more_aliases_than_the_budget_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    items = "\n".join("  - *x" for _ in range(YAML_MAX_ALIASES + 1))
    path.write_text(f"x: &x 1\nys:\n{items}\n", "utf-8")
    with pytest.raises(ConfigError, match=f"more than {YAML_MAX_ALIASES} aliases") as caught:
        load_yaml(path)
    assert caught.value.line == YAML_MAX_ALIASES + 3  # the first alias past the budget


def test_an_alias_that_holds_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: &x [1, *x]\n", "utf-8")
    with pytest.raises(ConfigError, match="refers to the value that holds it"):
        load_yaml(path)


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    with pytest.raises(ConfigError, match="nested too deep"):
        load_yaml(path)


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("base: &b {seed: 1, concurrency: 2}\nrun: *b\nother:\n  x: *b\n", "utf-8")
    data, lines = load_yaml(path)
    assert data["run"] == {"seed": 1, "concurrency": 2}
    assert data["other"]["x"] == data["run"]
    assert lines.line(("run",)) == 2
