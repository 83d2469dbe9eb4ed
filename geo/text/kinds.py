"""The kind of an indicator: is this column a percent, a count of households, or points?

This is the one table the project asks. Reading a table (which columns add
up), converting to the 2025 units (sum counts, recompute rates), aggregating
communes to districts, and writing values on a map or in a reason
("8,51%", "1.423 hộ") all call :func:`indicator_kind` or its two shortcuts.

Columns are named ``<base>[_<year>]``: ``poor_rate_2020``, ``households``.
The canonical bases are in :data:`BASES`. A column outside the table is a rate
when its name says so (``..._rate``, ``_pct``, ``ty_le``, ``percent``, a
trailing ``%``) and a plain number otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Indicator", "BASES", "PREFERRED", "INDICATORS", "COUNT_INDICATORS", "COUNT", "RATE", "POINTS",
           "parse_column", "indicator_kind", "is_rate", "value_kind"]

COUNT, RATE, POINTS = "count", "rate", "points"


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator.

    Parameters
    ----------
    base : str
        Column name without a year, e.g. ``poor_rate``.
    kind : str
        ``"count"`` (households; adds up), ``"rate"`` (percent of a count;
        recomputed from the counts, never summed) or ``"points"`` (a change of
        a rate, in percentage points).
    numerator, denominator : str or None
        For rates: the counts they derive from.
    """

    base: str
    kind: str
    numerator: str | None = None
    denominator: str | None = None


BASES: dict[str, Indicator] = {
    "households": Indicator("households", COUNT),
    "poor": Indicator("poor", COUNT),
    "poor_rate": Indicator("poor_rate", RATE, "poor", "households"),
    "near_poor": Indicator("near_poor", COUNT),
    "near_poor_rate": Indicator("near_poor_rate", RATE, "near_poor", "households"),
    "poor_reduced": Indicator("poor_reduced", COUNT),
    "poor_rate_reduced": Indicator("poor_rate_reduced", POINTS),
    "near_poor_reduced": Indicator("near_poor_reduced", COUNT),
    "near_poor_rate_reduced": Indicator("near_poor_rate_reduced", POINTS),
}
INDICATORS: tuple[str, ...] = tuple(BASES)
COUNT_INDICATORS: tuple[str, ...] = tuple(b for b, ind in BASES.items() if ind.kind == COUNT)  # they add up
# Order in which indicators are offered to a planner: the rates they map first.
PREFERRED = ("poor_rate", "near_poor_rate", "poor", "near_poor", "households",
             "poor_reduced", "poor_rate_reduced", "near_poor_reduced", "near_poor_rate_reduced")

_COLUMN = re.compile(r"^(?P<base>[a-z_]+?)(?:_(?P<year>(19|20)\d{2}))?$")
# Words that make an unknown column a rate: poor_rate, literacy_pct, ty_le_ngheo, "Tỷ lệ (%)".
_RATE_WORDS = re.compile(r"(?:^|_)(?:rate|ty_le|ti_le|pct|percent|share)(?:_|$)|%$")  # share: household lists
_VALUE_KINDS = {COUNT: "households", RATE: "percent", POINTS: "number"}


def parse_column(column: str) -> tuple[str, int | None]:
    """``"poor_rate_2020"`` -> ``("poor_rate", 2020)``; unknown bases come back whole.

    >>> parse_column("poor_rate_2020"), parse_column("households"), parse_column("Tỷ lệ")
    (('poor_rate', 2020), ('households', None), ('Tỷ lệ', None))
    """
    m = _COLUMN.match(str(column))
    if not m:
        return str(column), None
    return m.group("base"), int(m.group("year")) if m.group("year") else None


def indicator_kind(column: str) -> str | None:
    """``"count"``, ``"rate"`` or ``"points"`` for a column, None for a plain number.

    >>> [indicator_kind(c) for c in ("poor_2020", "poor_rate", "poor_rate_reduced", "literacy_pct", "area_km2")]
    ['count', 'rate', 'points', 'rate', None]
    """
    base, _ = parse_column(column)
    ind = BASES.get(base)
    if ind is not None:
        return ind.kind
    return RATE if _RATE_WORDS.search(str(column).lower()) else None


def is_rate(column: str) -> bool:
    """Whether the column holds a percent or percentage points (it never adds up).

    >>> is_rate("poor_rate_2020"), is_rate("near_poor_rate_reduced"), is_rate("poor"), is_rate("tỷ lệ %")
    (True, True, False, True)
    """
    return indicator_kind(column) in (RATE, POINTS)


def value_kind(column: str) -> str:
    """How a value is written: ``"percent"`` (8,51%), ``"households"`` (1.423 hộ) or ``"number"``.

    >>> [value_kind(c) for c in ("poor_rate", "poor_2020", "poor_rate_reduced", "score")]
    ['percent', 'households', 'number', 'number']
    """
    return _VALUE_KINDS.get(indicator_kind(column), "number")
