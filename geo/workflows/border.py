"""Border communes in the app: derive candidates from the map, let the planner confirm them into designations.

The page and ``python -m geo border`` share :func:`geo.analysis.border.border_candidates` and
:func:`geo.analysis.border.confirm_border`; this module adds what the page shows (a review table with the lengths
formatted in the planner's language and the units already designated) and the merge into the session's
designation set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.analysis.border import MIN_LENGTH_KM, TOLERANCE_M, BorderCandidates, border_candidates, confirm_border
from geo.text.i18n import DEFAULT_LANG, format_number, t
from geo.units.border import border_lines
from geo.units.designations import DesignationSet

__all__ = ["BorderReview", "border_review", "confirm_candidates", "review_caption"]


@dataclass(frozen=True)
class BorderReview:
    """Candidates along the land border and the table a planner reviews.

    ``table`` has one row per unit that touches the border (candidates first, longest border first) with the
    columns ``code``, ``unit`` (its label), ``km`` (text in the planner's language), ``neighbours``,
    ``candidate`` (derived: at least ``min_length_km`` of border) and ``designated`` (already a ``border``
    designation in the session).
    """

    candidates: BorderCandidates
    table: pd.DataFrame

    @property
    def n_candidates(self) -> int:
        return int(self.table["candidate"].sum())

    @property
    def total_km(self) -> float:
        t_ = self.candidates.table
        return float(t_.loc[t_["candidate"], "border_km"].sum())


def _neighbours_in(text: str, lang: str) -> str:
    """The neighbour names of :func:`border_candidates` (Vietnamese) in the planner's language."""
    if lang == "vi" or not text:
        return text
    names = dict(zip(border_lines()["name_vi"], border_lines()["name_en"]))
    return ", ".join(names.get(n.strip(), n.strip()) for n in text.split(","))


def border_review(units: gpd.GeoDataFrame, *, labels: Mapping[str, str], designations: DesignationSet,
                  lang: str = DEFAULT_LANG, tolerance_m: float = TOLERANCE_M,
                  min_length_km: float = MIN_LENGTH_KM) -> BorderReview:
    """Border candidates of a layer, as the page's review table.

    Parameters
    ----------
    units
        The layer's units with ``code`` and ``geometry`` (any CRS).
    labels
        ``code -> label`` (the unit's name with its district), as the other pickers show them.
    designations
        The session's designations: units that are already ``border`` are marked ``designated``.
    """
    found = border_candidates(units, code_column="code", name_column="name" if "name" in units else None,
                              tolerance_m=tolerance_m, min_length_km=min_length_km)
    designated = designations.codes("border")
    rows = found.table[found.table["border_km"] > 0].sort_values(["candidate", "border_km"], ascending=False)
    table = pd.DataFrame({
        "code": rows["code"].astype(str).to_numpy(),
        "unit": [labels.get(str(c), str(n) if pd.notna(n) else str(c)) for c, n in zip(rows["code"], rows["name"])],
        "km": [format_number(float(v), 1, lang) for v in rows["border_km"]],
        "neighbours": [_neighbours_in(str(n), lang) for n in rows["neighbours"]],
        "candidate": rows["candidate"].astype(bool).to_numpy(),
        "designated": [str(c) in designated for c in rows["code"]],
    })
    return BorderReview(found, table)


def confirm_candidates(designations: DesignationSet, review: BorderReview, codes: Iterable[str], *, user: str,
                       level: str, vintage: str) -> tuple[DesignationSet, int]:
    """The session's designations with the confirmed codes added as ``border`` (source "xác nhận bởi <user>").

    Units already designated ``border`` by the same confirmation are not added twice. Returns the new set and
    the number of records added.
    """
    confirmed = confirm_border(review.candidates, [str(c) for c in codes], user=user, level=level, vintage=vintage)
    merged = designations.merge(confirmed)
    return merged, len(merged) - len(designations)


def review_caption(review: BorderReview, *, lang: str = DEFAULT_LANG) -> str:
    """One line: how many candidates, how much border, and that the list is derived and to be confirmed."""
    return t("border.review.caption", lang, n=review.n_candidates, total=len(review.table),
             km=format_number(review.total_km, 1, lang), source=review.candidates.source)
