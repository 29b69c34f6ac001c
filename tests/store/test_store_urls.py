"""Opening the run store by URL: ``postgres://`` accepted, credentials never shown, and every
ordinary connection mistake one line with exit 2 (exit 3 without the postgres extra)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assay.store.runstore import RunStore
from tests.helpers.cli import run_assay
from tests.helpers.postgres import PASSWORD, PgServer


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("assay: error: "), stderr
    assert "internal error" not in lines[0]
    return lines[0]


def test_postgres_scheme_is_an_alias(pg: PgServer) -> None:
    """Regression (issue 12, item 25): ``postgres://`` (Docker, Heroku) was rejected."""
    url = pg.url.replace("postgresql+psycopg://", "postgres://")
    store = RunStore(url)
    assert store.engine.dialect.name == "postgresql"
    assert store.runs() == []
    plain = RunStore(pg.url.replace("postgresql+psycopg://", "postgresql://"))
    assert plain.engine.dialect.driver == "psycopg"


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("wrong port", "nothing accepts connections at 127.0.0.1:1"),
        ("wrong password", "wrong password for user assay"),
        ("missing database", 'database "nodb" does not exist'),
        ("no password", "asks user assay for a password"),
        ("unencoded @", "has an '@' in its user or password"),
        ("psycopg2 not installed", "driver psycopg2, which is not installed"),
    ],
)
def test_connection_mistakes_are_one_line_exit_2(
    pg: PgServer, tmp_path: Path, case: str, said: str
) -> None:
    """Regression (issue 12, item 24): each of these exited 70, "internal error ... report it",
    and ``postgres://`` mistakes printed the password."""
    role = pg.role_url()
    host = f"127.0.0.1:{pg.port}"
    url = {
        "wrong port": role.replace(host, "127.0.0.1:1"),
        "wrong password": pg.role_url("not-the-Secret-99"),
        "missing database": role.rsplit("/", 1)[0] + "/nodb",
        "no password": f"postgresql://assay@{host}/postgres",
        "unencoded @": pg.role_url(encoded=False),
        "psycopg2 not installed": role.replace("postgresql+psycopg://", "postgresql+psycopg2://"),
    }[case]
    if case == "psycopg2 not installed" and _importable("psycopg2"):
        pytest.skip("psycopg2 is installed here")
    result = run_assay("results", "--list", "--store", url, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    line = _one_error_line(result.stderr)
    assert said in line
    assert "fix:" in line
    for secret in (PASSWORD, "s3cret", "not-the-Secret-99", "%40pa"):
        assert secret not in result.stderr + result.stdout


def test_a_password_never_shows_in_an_error(tmp_path: Path) -> None:
    """Regression (issue 12, item 25): the error about a store URL printed its password."""
    pytest.importorskip("psycopg")
    for url in (
        "postgres://admin:hunter2-secret@127.0.0.1:1/db",
        "postgresql://admin:hunter2-secret@127.0.0.1:1/db",
        "mysql://admin:hunter2-secret@127.0.0.1/db",
        "postgresql://admin:hunter2@secret@127.0.0.1:1/db",
    ):
        result = run_assay("results", "--list", "--store", url, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        line = _one_error_line(result.stderr)
        assert "hunter2" not in line
        assert "secret" not in line
        assert "admin:***@" in line


def test_without_the_postgres_extra_exit_3_with_the_install_hint(tmp_path: Path) -> None:
    """Regression (issue 12, item 24): a PostgreSQL URL without psycopg installed."""
    code = (
        "import sys; sys.modules['psycopg'] = None; sys.modules['psycopg2'] = None\n"
        "from assay.cli.main import run\n"
        "run(['results', '--list', '--store', 'postgresql://u:pw1234@127.0.0.1:1/db'])\n"
    )
    env = {**os.environ, "ASSAY_LANG": "en", "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    line = _one_error_line(result.stderr)
    assert "pip install 'assay[postgres]'" in line
    assert "pw1234" not in result.stderr


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True
