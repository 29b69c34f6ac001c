"""A throw-away PostgreSQL server on 127.0.0.1 for tests (or ASSAY_TEST_POSTGRES_URL).

``postgres_server()`` yields a URL (the superuser ``postgres``, trusted); ``postgres_instance()``
yields a :class:`PgServer` that can also be stopped and started again (an outage mid-run) and
that has a role with a password (``PASSWORD_ROLE``, checked with scram-sha-256), for the tests
of connection mistakes. With ``ASSAY_TEST_POSTGRES_URL`` the tests that need those skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

PASSWORD_ROLE = "assay"
PASSWORD = "s3cret@pa:ss/word"  # what a user would have to URL-encode


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--", *args]


@dataclass
class PgServer:
    """One PostgreSQL server: ``url`` is the trusted superuser's; ``stop``/``start`` it."""

    url: str
    port: int
    pg_ctl: str | None = None
    data: str | None = None
    options: str = ""
    log: str = ""

    @property
    def local(self) -> bool:
        return self.pg_ctl is not None

    def role_url(self, password: str = PASSWORD, *, encoded: bool = True) -> str:
        """The URL of the password role (the password URL-encoded, or as typed)."""
        from urllib.parse import quote

        if not self.local:
            pytest.skip("the password role needs the test's own PostgreSQL")
        secret = quote(password, safe="") if encoded else password
        return f"postgresql+psycopg://{PASSWORD_ROLE}:{secret}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.pg_ctl is None or self.data is None:
            pytest.skip("stopping the server needs the test's own PostgreSQL")
        subprocess.run(
            _as_postgres([self.pg_ctl, "-D", self.data, "-m", "fast", "-w", "stop"]),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        if self.pg_ctl is None or self.data is None:
            pytest.skip("starting the server needs the test's own PostgreSQL")
        subprocess.run(
            _as_postgres(
                [self.pg_ctl, "-D", self.data, "-o", self.options, "-l", self.log, "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
        _wait_listening(self.port)


def _wait_listening(port: int) -> None:
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)


_HBA = """\
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""


@contextlib.contextmanager
def postgres_instance() -> Iterator[PgServer]:
    given = os.environ.get("ASSAY_TEST_POSTGRES_URL")
    if given:
        from sqlalchemy.engine import make_url

        yield PgServer(url=given, port=make_url(given).port or 5432)
        return
    pytest.importorskip("psycopg")
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL is not installed (initdb not found)")
    folder = tempfile.mkdtemp(prefix="assay-pg-")
    os.chmod(folder, 0o777)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = os.path.join(folder, "data")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run(
        _as_postgres([initdb, "-D", data, "-U", "postgres", "-A", "trust"]),
        check=True,
        capture_output=True,
    )
    hba = os.path.join(data, "pg_hba.conf")
    with open(hba, "w", encoding="utf-8") as fh:
        fh.write(_HBA)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    server = PgServer(
        url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        port=port,
        pg_ctl=pg_ctl,
        data=data,
        options=options,
        log=os.path.join(folder, "log"),
    )
    server.start()
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres") as conn:
            conn.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
        yield server
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", data, "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    with postgres_instance() as server:
        yield server.url
