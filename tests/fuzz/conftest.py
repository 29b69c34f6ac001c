"""Property tests over every reader and importer: for any input, a reader ends with its result
or one user error (exit 2), never a crash (exit 70), and every line it was given is accounted
for. Examples are few and small so the folder runs in well under a minute on two cores."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "assay-fuzz",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: a failure in CI is one you can rerun
)
# a longer, random search for local hunting: ASSAY_FUZZ=long pytest tests/fuzz
settings.register_profile(
    "assay-fuzz-long",
    parent=settings.get_profile("assay-fuzz"),
    max_examples=400,
    derandomize=False,
)
settings.load_profile("assay-fuzz-long" if os.environ.get("ASSAY_FUZZ") == "long" else "assay-fuzz")
