"""The layer behind a map: boundaries of one province, level and vintage with a dataset joined on.

The app's map page and the ``webmap`` command both call :func:`map_layer`,
so a planner sees the same numbers in the browser and in a shared HTML file.
When the data is finer than the map (commune table, district map), counts are
summed per district and rates recomputed; when it is coarser, the finer units
show "no data" rather than a borrowed value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo import registry
from geo.indicators import aggregate
from geo.join import JoinReport, join_indicators

__all__ = ["MapLayer", "map_layer", "unit_columns"]


@dataclass
class MapLayer:
    """Polygons with indicators, ready to classify and draw."""

    gdf: gpd.GeoDataFrame
    level: str
    vintage: str
    province: str | None
    indicators: list[str] = field(default_factory=list)
    report: JoinReport | None = None
    approximate: bool = True
    notes: list[str] = field(default_factory=list)  # i18n keys explaining level changes


def unit_columns(level: str, vintage: str) -> dict[str, str]:
    """Identity columns of the default boundaries, for the join."""
    cols = {"code": "code", "name": "name", "type": "type"}
    if level == "commune" and vintage == "pre2025":
        cols.update(parent_code="district_code", parent_name="district_name")
    return cols


def _district_of_commune_rows(table, *, province, overrides=None):
    """Join a commune table to the registry (no geometry needed) to learn each row's district."""
    reg = registry.units(province=province, level="commune", vintage="pre2025")
    shell = gpd.GeoDataFrame(reg, geometry=gpd.GeoSeries([None] * len(reg)), crs="EPSG:4326")
    result = join_indicators(shell, table, level="commune", boundary_columns=unit_columns("commune", "pre2025"),
                             overrides=overrides)
    return result


def map_layer(
    *,
    boundaries: gpd.GeoDataFrame,
    level: str,
    vintage: str,
    province: str | None,
    table=None,
    boundary_columns: dict[str, str] | None = None,
    overrides: dict | None = None,
    approximate: bool = True,
) -> MapLayer:
    """Join ``table`` (an IndicatorTable, or None) onto ``boundaries`` at ``level``.

    A table whose ``vintage`` is known and differs from ``vintage`` (e.g. figures
    converted to the 2025 communes, on a pre-2025 map) is not joined: the units
    show "no data" with the note ``note.other_vintage.<table vintage>``, because
    the 2025 codes reuse old commune codes and a join would colour the wrong units.
    """
    columns = boundary_columns or unit_columns(level, vintage)
    base = boundaries.copy()
    if table is None:
        return MapLayer(gdf=base, level=level, vintage=vintage, province=province, approximate=approximate)
    table_vintage = getattr(table, "vintage", None)
    if table_vintage is not None and table_vintage != vintage:
        # 2025 codes reuse old commune codes: joining across vintages would colour the wrong units.
        from geo.join import indicator_columns

        values = indicator_columns(table.data)
        for col in values:
            base[col] = float("nan")
        return MapLayer(gdf=base, level=level, vintage=vintage, province=province, indicators=values,
                        approximate=approximate, notes=[f"note.other_vintage.{table_vintage}"])
    table_level = getattr(table, "level", None) or level
    notes: list[str] = []
    if table_level == "commune" and level == "district" and vintage == "pre2025":
        by_commune = _district_of_commune_rows(table, province=province, overrides=overrides)
        communes = pd.DataFrame(by_commune.gdf.drop(columns="geometry"))
        values = by_commune.indicators
        have = communes[communes["source_row"].notna()]
        summed = aggregate(have, "parent_code", columns=values)
        rows = summed.rename(columns={"parent_code": "code"})
        rows["source_row"] = pd.NA
        result = join_indicators(base, rows, level="district", boundary_columns=columns,
                                 source=getattr(table, "source", None))
        result.report.matched = by_commune.report.matched
        result.report.unmatched_rows = by_commune.report.unmatched_rows
        result.report.ambiguous = by_commune.report.ambiguous
        result.report.duplicates = by_commune.report.duplicates
        result.report.inconsistent = by_commune.report.inconsistent
        result.gdf["match_method"] = "aggregated"
        notes.append("note.aggregated_from_communes")
    else:
        if table_level == "district" and level == "commune":
            # Coarser data: communes get an explicit "no data", never their district's value.
            from geo.join import indicator_columns

            values = indicator_columns(table.data)
            for col in values:
                base[col] = float("nan")
            return MapLayer(gdf=base, level=level, vintage=vintage, province=province, indicators=values,
                            approximate=approximate, notes=["note.coarser_data"])
        result = join_indicators(base, table, level=level, boundary_columns=columns, overrides=overrides)
    return MapLayer(
        gdf=result.gdf, level=level, vintage=vintage, province=province, indicators=result.indicators,
        report=result.report, approximate=approximate, notes=notes,
    )
