"""Border communes derived from geometry: candidates along Viet Nam's land border, confirmed by a planner.

No official list of border communes was found, so none is built in. Instead a unit is a *candidate* when the
national land border (Natural Earth 1:10m, :mod:`geo.units.border`) runs within :data:`TOLERANCE_M` of its
polygon for at least :data:`MIN_LENGTH_KM`; the report gives that length. A planner confirms candidates into
``border`` designations (source "xác nhận bởi <user>"); every such record says it was derived and is to be
confirmed against the official list.

Measured on the official 2019 district outlines of Lạng Sơn: exactly five districts are candidates (Tràng Định
37.7 km, Văn Lãng 30.8 km, Cao Lộc 44.4 km, Lộc Bình 26.9 km, Đình Lập 31.0 km at 1 km tolerance); the real
border of the province is about 231 km, Natural Earth's generalised line about 164 km.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from geo._errors import GeoError
from geo.units.border import ATTRIBUTION, border_lines
from geo.units.designations import Designation, DesignationSet

__all__ = ["TOLERANCE_M", "MIN_LENGTH_KM", "BorderCandidates", "border_candidates", "confirm_border"]

TOLERANCE_M = 1000.0  # Natural Earth 1:10m lies within a few hundred metres of the official line
MIN_LENGTH_KM = 1.0  # a unit touching the border at a corner is not a border unit
METRIC_CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N: metres, good across northern Viet Nam


@dataclass
class BorderCandidates:
    """Units along the land border: ``code, name, border_km, neighbours, candidate`` (one row per unit)."""

    table: pd.DataFrame
    tolerance_m: float
    min_length_km: float
    source: str = ATTRIBUTION

    @property
    def codes(self) -> list[str]:
        """Codes of the candidates, longest border first."""
        t = self.table[self.table["candidate"]]
        return list(t.sort_values("border_km", ascending=False)["code"])


def border_candidates(gdf: gpd.GeoDataFrame, *, code_column: str = "code", name_column: str | None = "name",
                      tolerance_m: float = TOLERANCE_M, min_length_km: float = MIN_LENGTH_KM) -> BorderCandidates:
    """Which units run along Viet Nam's land border, and for how long.

    Parameters
    ----------
    gdf
        Unit polygons (any CRS), e.g. the official district outlines or the default boundaries.
    tolerance_m
        The border counts for a unit where it lies within this distance of the unit's polygon.
    min_length_km
        Units with less border than this are not candidates (a corner touch).

    Returns
    -------
    BorderCandidates
        ``border_km`` is the length of the border line inside the unit's polygon grown by ``tolerance_m``, in km
        (two neighbours share the short piece near their common corner).
    """
    if code_column not in gdf.columns:
        raise GeoError("border_no_code", column=code_column, columns=", ".join(map(str, gdf.columns)))
    metric = gdf.to_crs(METRIC_CRS)
    lines = border_lines().to_crs(METRIC_CRS)
    grown = shapely.buffer(metric.geometry.to_numpy(), tolerance_m)
    lengths = {}
    for _, line in lines.iterrows():
        lengths[line["name_vi"]] = shapely.length(shapely.intersection(grown, line.geometry)) / 1000.0
    total = sum(lengths.values())
    table = pd.DataFrame({
        "code": gdf[code_column].astype(str).to_numpy(),
        "name": gdf[name_column].to_numpy() if name_column and name_column in gdf else None,
        "border_km": pd.Series(total).round(1).to_numpy() if len(gdf) else [],
    })
    table["neighbours"] = [", ".join(n for n, v in lengths.items() if v[i] >= min_length_km)
                           for i in range(len(gdf))]
    table["candidate"] = table["border_km"] >= min_length_km
    return BorderCandidates(table, tolerance_m, min_length_km)


def confirm_border(candidates: BorderCandidates, codes: Iterable[str], *, user: str, level: str = "commune",
                   vintage: str = "pre2025") -> DesignationSet:
    """``border`` designations for the codes a planner confirmed, source "xác nhận bởi <user>".

    Each record's note gives the derived length and says the list is derived and to be confirmed against an
    official decision. A code that is not a candidate can still be confirmed (the planner knows better); its
    note says it was not derived.
    """
    who = str(user or "").strip()
    if not who:
        raise GeoError("border_confirm_user")
    table = candidates.table.set_index("code")
    out = []
    for code in codes:
        code = str(code)
        km = float(table.at[code, "border_km"]) if code in table.index else 0.0
        derived = code in table.index and bool(table.at[code, "candidate"])
        from geo.text.i18n import format_number, t

        note = t("border.note_derived" if derived else "border.note_not_derived", "vi",
                 km=format_number(km, 1, "vi"), source=candidates.source)
        out.append(Designation(type="border", code=code, level=level, vintage=vintage, origin="manual",
                               source=f"xác nhận bởi {who}", note=note))
    return DesignationSet(tuple(out))
