"""Hand matches: the choices a planner is offered for the rows the join could not place.

For every unmatched or ambiguous row the choices are "keep unmatched", then the join's suggestions and
candidates, then every other unit of the level; a search box narrows them with or without diacritics.
The pages draw the pickers; what they offer is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from geo.units.search import match_options

__all__ = ["RowChoice", "unit_labels", "row_choices", "filter_options", "file_row"]


@dataclass(frozen=True)
class RowChoice:
    """The picker for one table row the join could not place.

    ``index`` is the row's position in the table (the key of a hand match), ``row`` its row in the file,
    ``options`` the unit codes offered ("" = keep unmatched first) and ``proposals`` those the join
    suggested (shown with a "suggestion" mark).
    """

    kind: str  # "unmatched" | "ambiguous"
    index: int
    row: int
    name: str
    options: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)


def unit_labels(gdf, *, level: str) -> dict[str, str]:
    """Unit code -> "name – district" for communes of a layer with ``district_name``, else the name.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"code": ["1", None], "name": ["Xã A", "Xã B"], "district_name": ["H", "H"]})
    >>> unit_labels(units, level="commune"), unit_labels(units, level="district")
    ({'1': 'Xã A – H'}, {'1': 'Xã A'})
    """
    with_district = level == "commune" and "district_name" in gdf
    units = gdf[["code", "name"] + (["district_name"] if with_district else [])].dropna(subset=["code"])
    districts = units["district_name"] if with_district else pd.Series([None] * len(units))
    return {c: f"{n} – {d}" if isinstance(d, str) else n for c, n, d in zip(units["code"], units["name"], districts)}


def _row_index(data: pd.DataFrame) -> dict[int, int]:
    rows = data["source_row"] if "source_row" in data else pd.Series(range(len(data)))
    return {int(r): i for i, r in enumerate(rows)}


def row_choices(report, data: pd.DataFrame, labels: Mapping[str, str]) -> list[RowChoice]:
    """One :class:`RowChoice` per unmatched row, then per ambiguous row, of a join ``report``.

    ``data`` is the table's frame (its ``source_row`` maps a file row to the table index) and ``labels``
    the units of the level (:func:`unit_labels`).
    """
    problems = [("unmatched", r) for r in report.unmatched_rows] + [("ambiguous", r) for r in report.ambiguous]
    index = _row_index(data)
    out = []
    for kind, rec in problems:
        proposals = [s["code"] for s in rec.get("suggestions", []) if s.get("code")]
        proposals += [c["code"] for c in rec.get("candidates", []) if c.get("code")]
        others = [c for c in labels if c not in proposals]
        out.append(RowChoice(kind=kind, index=index.get(int(rec["row"]), rec["row"]), row=rec["row"],
                             name=rec.get("name", ""), options=[""] + proposals + others, proposals=proposals))
    return out


def filter_options(options: Sequence[str], labels: Mapping[str, str], query: str | None) -> list[str]:
    """The options answering ``query`` (:func:`geo.units.search.match_options`, best first), "" (a none choice) kept first.

    Examples
    --------
    >>> filter_options(["", "1", "2"], {"1": "Thái Bình", "2": "Lạng Sơn"}, "thai binh")
    ['', '1']
    """
    if not (query or "").strip():
        return list(options)
    return [o for o in options if not o] + match_options(query, [o for o in options if o], labels)


def file_row(data: pd.DataFrame, index) -> object:
    """The file row of table index ``index`` (its ``source_row``, or index + 1 without one)."""
    rows = data["source_row"].tolist() if "source_row" in data else list(range(1, len(data) + 1))
    return rows[index] if isinstance(index, int) and index < len(rows) else index
