"""Review tests hash with Argon2id at its lowest cost: the production cost (argon2-cffi's
defaults, tens of milliseconds a hash by design) made each login-heavy test file take a minute.
The hash is still Argon2id, verified from the parameters it carries, so every test of hashing,
lock-out and "no clear password" holds as in production."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    argon2 = pytest.importorskip("argon2")
    from assay.review import auth

    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: cheap)
