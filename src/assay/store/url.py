"""Run-store URLs: the accepted spellings, credentials masked in every message, and one plain
line for each ordinary connection mistake.

Accepted: ``sqlite:///path.db``, ``postgresql://user:password@host:port/database`` (driven by
psycopg 3, the ``postgres`` extra), its alias ``postgres://`` (the Docker/Heroku spelling), and
an explicit ``postgresql+psycopg://`` or ``postgresql+psycopg2://``. A password with ``@ : /``
or other reserved characters must be URL-encoded (``@`` → ``%40``); ``PGPASSWORD`` and
``~/.pgpass`` are used when the URL has no password, as by every libpq client.
"""

from __future__ import annotations

import importlib
import re
from typing import Literal

from assay.errors import ConfigError, MissingDependencyError, StoreError
from assay.redact import redact_text, redact_url

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_ALIASES = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgres+psycopg": "postgresql+psycopg",
    "postgres+psycopg2": "postgresql+psycopg2",
}
_DRIVERS = {"postgresql+psycopg": "psycopg", "postgresql+psycopg2": "psycopg2"}
_FORM = "postgresql://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:///PATH"
_ENCODE = "URL-encode the password's reserved characters (@ as %40, : as %3A, / as %2F)"


def mask(url: str) -> str:
    """``url`` as it may be shown: the user kept, the password hidden (``admin:***@host``)."""
    return redact_url(url, keep_user=True) if _SCHEME.match(url) else url


def scrub(text: str, url: str) -> str:
    """``text`` with ``url`` masked and its password, as written or decoded, hidden."""
    return redact_text(text, url, keep_user=True)


def kind_of(url: str) -> Literal["sqlite", "postgresql"]:
    """Which kind of store ``url`` names; a URL of neither kind raises :class:`ConfigError`
    (nothing is imported: the driver is checked when the store is opened)."""
    match = _SCHEME.match(url.strip())
    if match is None:
        raise ConfigError(f"the run store {mask(url)!r} is not a URL", fix=f"write it as {_FORM}")
    scheme = match.group(1).lower()
    if scheme.startswith("sqlite"):
        return "sqlite"
    if _ALIASES.get(scheme, scheme) not in _DRIVERS:
        raise ConfigError(
            f"the run store {mask(url)!r} uses an unknown scheme {match.group(1)!r}",
            fix=f"write it as {_FORM}",
        )
    return "postgresql"


def normalise(url: str) -> str:
    """The SQLAlchemy URL for ``url``: aliases resolved, the driver checked to be installed."""
    url = url.strip()
    if kind_of(url) == "sqlite":
        return url
    match = _SCHEME.match(url)
    assert match is not None  # kind_of checked it
    scheme = _ALIASES.get(match.group(1).lower(), match.group(1).lower())
    _check_driver(scheme)
    rest = url[match.end() :]
    if rest.split("?", 1)[0].count("@") > 1:
        raise StoreError(
            f"the run store URL {mask(url)!r} has an '@' in its user or password",
            fix=_ENCODE,
        )
    return f"{scheme}://{rest}"


def _check_driver(scheme: str) -> None:
    module = _DRIVERS[scheme]
    if _importable(module):
        return
    if module == "psycopg2" and _importable("psycopg"):
        raise StoreError(
            "the run store URL asks for the driver psycopg2, which is not installed",
            fix="write postgresql:// (Assay's postgres extra uses psycopg 3), "
            "or pip install psycopg2-binary",
        )
    raise MissingDependencyError("psycopg", "postgres")


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def parse_error(url: str, exc: Exception) -> StoreError:
    """The error to show when ``url`` cannot be parsed (a password with reserved characters)."""
    return StoreError(
        f"cannot read the run store URL {mask(url)!r}: {scrub(str(exc), url)}",
        fix=f"{_ENCODE}; the form is {_FORM}",
    )


_MISTAKES: tuple[tuple[str, str, str], ...] = (
    (
        "password authentication failed",
        "wrong password for user {user}",
        "check the password (URL-encoded in the URL, or in PGPASSWORD / ~/.pgpass)",
    ),
    (
        "no password supplied",
        "the server asks user {user} for a password and none was given",
        "put it in the URL (postgresql://USER:PASSWORD@HOST/DB, URL-encoded), "
        "or set PGPASSWORD, or add it to ~/.pgpass",
    ),
    (
        'role "',
        "{detail}",
        "check the user name in the URL (or create the role: createuser -h HOST {user})",
    ),
    (
        "does not exist",
        "{detail}",
        "create it (createdb -h HOST -U USER {database}, or CREATE DATABASE {database}) "
        "or name an existing one",
    ),
    (
        "connection refused",
        "nothing accepts connections at {host}:{port}",
        "check the host and port, and that PostgreSQL is running (pg_isready -h HOST -p PORT)",
    ),
    (
        "failed to resolve host",
        "unknown host {host!r}",
        "check the host name; if the password has an '@', " + _ENCODE,
    ),
    (
        "timeout expired",
        "no answer from {host}:{port}",
        "check the host, the port and any firewall between",
    ),
    (
        "pg_hba.conf",
        "the server refuses connections from here for user {user}",
        "ask its administrator to allow this host in pg_hba.conf",
    ),
)


def connection_error(url: str, exc: Exception) -> StoreError:
    """One line that says which connection mistake ``exc`` is, and how to fix it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    raw = str(getattr(exc, "orig", None) or exc)
    first = next((line for line in raw.splitlines() if line.strip()), raw)
    detail = scrub(re.sub(r"^.*failed: (FATAL:\s*)?", "", first).strip(), url)
    values = {
        "user": parsed.username or "(the login user)",
        "host": parsed.host or "localhost",
        "port": parsed.port or 5432,
        "database": parsed.database or "postgres",
        "detail": detail,
    }
    for needle, message, fix in _MISTAKES:
        if needle in raw.lower():
            return StoreError(
                f"cannot open the run store {mask(url)}: {message.format(**values)}",
                fix=fix.format(**values),
            )
    return StoreError(
        f"cannot open the run store {mask(url)}: {detail}",
        fix="check the URL: " + _FORM,
    )


__all__ = ["connection_error", "kind_of", "mask", "normalise", "parse_error", "scrub"]
