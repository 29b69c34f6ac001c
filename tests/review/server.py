"""The review app on a real uvicorn server on 127.0.0.1 (a port the system picks), and a small
HTTP client that keeps its cookies and reads a page's CSRF token."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from assay.standard import Profile
from assay.store.runstore import RunStore

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "correct horse battery"  # every test person's password


@contextlib.contextmanager
def review_server(
    store: RunStore, profile: Profile, lang: str = "en", secret: str | None = "test-secret"
) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a running review app (``secret`` None: the store's own);
    stopped on exit."""
    from assay.review.web.app import create_app, server

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    ready = threading.Event()
    app = create_app(store, profile, secret=secret, lang=lang)
    running = server(app, "127.0.0.1", port, ready=ready)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    if not ready.wait(timeout=30):
        raise RuntimeError("the review app did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=30)
        sock.close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def csrf(self) -> str:
        match = CSRF.search(self.text)
        assert match, self.text[:500]
        return match.group(1)


class Client:
    """A browser without JavaScript: cookies kept, redirects followed when asked."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies: dict[str, str] = {}

    def get(self, path: str, *, follow: bool = True) -> Reply:
        return self.request("GET", path, follow=follow)

    def post(
        self, path: str, form: dict[str, Any] | list[tuple[str, str]], *, follow: bool = True
    ) -> Reply:
        return self.request("POST", path, form=form, follow=follow)

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, Any] | list[tuple[str, str]] | None = None,
        follow: bool = True,
    ) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        conn.close()
        if follow and reply.status in (302, 303) and "location" in reply.headers:
            return self.get(reply.headers["location"], follow=True)
        return reply

    def login(self, name: str, password: str) -> Reply:
        page = self.get("/login")
        return self.post("/login", {"name": name, "password": password, "csrf": page.csrf})


def logged_in(base: str, name: str, password: str = PASSWORD) -> Client:
    """A client logged in as ``name`` (asserting the login worked)."""
    client = Client(base)
    assert client.login(name, password).status == 200
    return client


def answer_digest(html: str) -> str:
    """The answer_sha256 a label form carries (what the server checks the verdict against)."""
    return html.split('name="answer_sha256" value="')[1].split('"')[0]
