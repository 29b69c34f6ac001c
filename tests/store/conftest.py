from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.postgres import PgServer, postgres_instance


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    with postgres_instance() as server:
        yield server
