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
from urllib.parse import parse_qsl, urlsplit, urlunsplit

MASK = "***"

_SECRET_NAME = re.compile(
    r"key|token|secret|passw|pwd|auth|sig|credential|session|bearer", re.IGNORECASE
)
_SECRET_VALUE = re.compile(r"^(?:sk|ak|pk|rk)[-_]|^(?=.*\d)(?=.*[A-Za-z])[\w\-.~+/=]{24,}$")


def redact_url(url: str) -> str:
    """``url`` with its userinfo and secret-looking query values replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL at all: mask anything between "//" and "@"
        return re.sub(r"//[^/@]*@", f"//{MASK}@", url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{name}={MASK if value and _secret(name, value) else value}" for name, value in pairs
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str, url: str) -> str:
    """``text`` (a message that may quote ``url`` or its parts) with the URL's secrets masked."""
    if not url:
        return text
    redacted = redact_url(url)
    text = text.replace(url, redacted)
    for secret in _secrets(url):
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


def _secrets(url: str) -> list[str]:
    """The secret pieces of ``url`` (userinfo and secret query values), longest first."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found: list[str] = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rpartition("@")[0]
        found += [userinfo, *(p for p in userinfo.split(":") if len(p) >= 4)]
    found += [v for n, v in parse_qsl(parts.query, keep_blank_values=True) if v and _secret(n, v)]
    return sorted({s for s in found if s}, key=len, reverse=True)
