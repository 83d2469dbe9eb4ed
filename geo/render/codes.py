"""Unit codes as the maps show them (web map and print map alike)."""

from __future__ import annotations

import pandas as pd

__all__ = ["code_strings"]


def code_strings(values) -> list[str]:
    """The units' codes as text; a unit without a code (names-only boundaries, an unknown name) gets
    ``?<position>``, so it is drawn and never mistaken for another unit (pandas keeps NaN through astype(str)).

    >>> code_strings(["20001", None, float("nan")])
    ['20001', '?2', '?3']
    """
    return [f"?{i + 1}" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
            for i, v in enumerate(list(values))]
