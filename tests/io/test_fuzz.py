"""Property-based fuzzing of every reader (a few examples per target in CI; bench/fuzz.py runs long).

The property: whatever the bytes, a reader returns or raises GeoError with a message in both languages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).parent))
from _fuzz_targets import TARGETS  # noqa: E402

CI_EXAMPLES = 12


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_reader_raises_only_geoerror(target):
    @settings(max_examples=CI_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def run(value):
        assert target.run(value).split(":")[0] in ("ok", "GeoError")

    run()
