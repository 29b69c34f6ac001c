from __future__ import annotations

import pytest

from assay.standard import Profile, load_profile


@pytest.fixture(scope="session")
def tc260() -> Profile:
    return load_profile("tc260-003-2024")


@pytest.fixture(scope="session")
def gbt() -> Profile:
    return load_profile("gbt45654-2025")
