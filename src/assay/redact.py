"""Credentials out of URLs: the one helper used wherever a URL is stored, logged or rendered.

A base URL can carry a secret in two places: its userinfo (``http://user:sk-…@host/v1``) and
its query (``?api-key=sk-…``). :func:`redact_url` replaces the whole userinfo with ``***`` and
the value of every query parameter whose name or value looks secret (a name holding key,
token, secret, password, auth, signature, credential or session; a value starting with ``sk-``
or a long run of letters and digits) with ``***``. The real URL is still what requests use:
only the copies kept for people (the run store, report.json, messages) are redacted.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

MASK = "***"

_SECRET_NAME = re.compile(
    r"key|token|secret|passw|pwd|auth|sig|credential|session|bearer", re.IGNORECASE
)
_SECRET_VALUE = re.compile(r"^(?:sk|ak|pk|rk)[-_]|^(?=.*\d)(?=.*[A-Za-z])[\w\-.~+/=]{24,}$")


def redact_url(url: str, *, keep_user: bool = False) -> str:
    """``url`` with its userinfo and secret-looking query values replaced by ``***``;
    ``keep_user`` keeps the user name and hides only the password (``admin:***@host``), for
    messages about a database login."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL at all: mask anything between "//" and "@"
        return re.sub(r"//[^/@]*@", f"//{MASK}@", url)
    netloc = parts.netloc
    if "@" not in netloc and not any(_secret(n, v) for n, v in parse_qsl(parts.query) if v):
        return url  # nothing to hide: the URL as written (urlunsplit would drop "sqlite:///"'s //)
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        shown = f"{user}{':' + MASK if colon else ''}" if keep_user else MASK
        netloc = f"{shown}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{name}={MASK if value and _secret(name, value) else value}" for name, value in pairs
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str, url: str, *, keep_user: bool = False) -> str:
    """``text`` (a message that may quote ``url`` or its parts, its password as written or
    URL-decoded) with the URL's secrets masked; ``keep_user`` as for :func:`redact_url`."""
    if not url:
        return text
    text = text.replace(url, redact_url(url, keep_user=keep_user))
    for secret in _secrets(url, keep_user=keep_user):
        text = text.replace(secret, MASK)
    return text


def redact_urls(data: Any) -> Any:
    """A copy of JSON-like ``data`` (a stored spec) with every http(s) URL in it redacted: for
    records written before URLs were redacted, and for specs from elsewhere."""
    if isinstance(data, str):
        return redact_url(data) if data.startswith(("http://", "https://")) else data
    if isinstance(data, dict):
        return {k: redact_urls(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [redact_urls(v) for v in data]
    return data


def _secret(name: str, value: str) -> bool:
    return bool(_SECRET_NAME.search(name) or _SECRET_VALUE.search(value))


def _secrets(url: str, *, keep_user: bool = False) -> list[str]:
    """The secret pieces of ``url`` (userinfo, the password also URL-decoded, and secret query
    values), longest first; with ``keep_user`` the user name is not one of them."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found: list[str] = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rpartition("@")[0]
        password = userinfo.partition(":")[2]
        found += [password, unquote(password)] if keep_user else [userinfo]
        found += [] if keep_user else [p for p in userinfo.split(":") if len(p) >= 4]
        found = [f for f in found if len(f) >= 3]
    found += [v for n, v in parse_qsl(parts.query, keep_blank_values=True) if v and _secret(n, v)]
    return sorted({s for s in found if s}, key=len, reverse=True)
