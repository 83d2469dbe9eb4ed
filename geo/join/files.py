"""The join workflow shared by the app and the CLI: load both sides, resolve codes, join.

A page and a batch command call the same functions here, so they give the
same answer for the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from geo.units import registry

from geo import settings
from geo.join.match import JoinResult, join_indicators, match_units, prepare_units

__all__ = ["BoundaryLayer", "load_boundaries", "load_indicators", "join_files", "resolve_codes", "builtin_indicators"]

DEFAULT = "default"
BUILTIN_DIR = settings.PROJECT_DIR / "data" / "indicators"

# Built-in indicator tables: key -> (file, province, level, vintage, citation).
BUILTIN_INDICATORS = {
    "langson_kh78_2021": {
        "file": "langson_districts_kh78_2021.csv",
        "province": "20",
        "level": "district",
        "vintage": "pre2025",
        "official": True,
        "projected_years": (2021,),  # the 2021 columns are the plan ("dự kiến năm 2021"), not results
        "standard": "2016-2020",  # "Theo chuẩn nghèo giai đoạn 2016-2020" (the annex's title), 2021 plan included
        "title": {
            "vi": "Hộ nghèo, cận nghèo năm 2020 và kế hoạch 2021 (Lạng Sơn, cấp huyện)",
            "en": "Poor and near-poor households 2020 and 2021 plan (Lạng Sơn, districts)",
        },
        "citation": "Kế hoạch số 78/KH-UBND ngày 05/4/2021 của UBND tỉnh Lạng Sơn, Phụ lục kết quả rà soát hộ nghèo, "
        "cận nghèo năm 2020 và dự kiến năm 2021",
    },
}


@dataclass
class BoundaryLayer:
    """Boundary polygons ready to join, with where they came from."""

    gdf: gpd.GeoDataFrame
    level: str
    vintage: str
    source: str
    approximate: bool
    columns: dict[str, str] = field(default_factory=dict)  # identity key -> column of gdf
    read_report: dict = field(default_factory=dict)
    resolution: dict = field(default_factory=dict)  # name -> code resolution against the registry


def builtin_indicators(key: str = "langson_kh78_2021"):
    """A built-in indicator table as an IndicatorTable (official figures, cited)."""
    from geo.io.tables import read_indicators

    meta = BUILTIN_INDICATORS[key]
    return read_indicators(BUILTIN_DIR / meta["file"], level=meta["level"])


def load_indicators(spec: str | Path, *, level: str | None = None, sheet: str | None = None):
    """An indicator table from a path, or a built-in table by key."""
    if str(spec) in BUILTIN_INDICATORS:
        return builtin_indicators(str(spec))
    from geo.io.tables import read_indicators

    return read_indicators(spec, level=level, sheet=sheet)


def resolve_codes(gdf: gpd.GeoDataFrame, *, columns: dict[str, str], level: str, vintage: str, province: str | None):
    """Give a name-only layer GSO codes by matching its names to the registry.

    Returns the layer with a ``code`` column and the resolution records
    (matched, ambiguous, unmatched), so nothing is applied silently.
    """
    reg = registry.units(province=province, level=level, vintage=vintage)
    parents = {"parent_code": "district_code", "parent_name": "district_name"} if level == "commune" else {}
    units = prepare_units(reg.drop(columns=["parent_code"]) if level != "commune" else reg, level=level,
                          columns={"code": "code", "name": "name", "type": "type", **parents})
    rows = prepare_units(gdf, level=level, columns={k: v for k, v in columns.items() if k != "code"})
    found, records = match_units(rows, units)
    out = gdf.copy()
    out["code"] = [units.at[i, "code"] if i is not None else None for i in found]
    summary = {
        "matched": int(sum(i is not None for i in found)),
        "unmatched": [{"feature": int(r["row"]), "name": rows.at[r["row"], "name"], "suggestions": r["suggestions"]}
                      for r in records if r["method"] is None],
        "ambiguous": [{"feature": int(r["row"]), "name": rows.at[r["row"], "name"], "candidates": r["candidates"]}
                      for r in records if r["method"] == "ambiguous"],
    }
    return out, summary


def load_boundaries(
    spec: str | Path,
    *,
    province: str | None = settings.DEFAULT_PROVINCE,
    level: str = settings.DEFAULT_LEVEL,
    vintage: str = settings.DEFAULT_VINTAGE,
    crs: str | None = None,
) -> BoundaryLayer:
    """Boundaries from a file, or the embedded approximate default (``"default"``)."""
    registry.check_vintage_level(vintage, level)
    if str(spec) == DEFAULT:
        from geo.units.tessellation import default_boundaries

        gdf = default_boundaries(province=province, level=level, vintage=vintage)
        columns = {"code": "code", "name": "name", "type": "type"}
        if level == "commune" and vintage == "pre2025":
            columns.update(parent_code="district_code", parent_name="district_name")
        return BoundaryLayer(gdf=gdf, level=level, vintage=vintage, source=DEFAULT, approximate=True, columns=columns)

    from geo.io.boundaries import guess_key_columns, read_boundaries

    gdf, report = read_boundaries(spec, crs=crs, province=province)
    guessed = guess_key_columns(gdf)
    level = guessed.get("level") or level
    columns = {k: v for k, v in guessed.items() if k in ("code", "name", "type", "parent_code", "parent_name") and v}
    layer = BoundaryLayer(
        gdf=gdf, level=level, vintage=vintage, source=str(spec), approximate=False, columns=columns,
        read_report=report.to_dict() if hasattr(report, "to_dict") else dict(report),
    )
    if "code" not in columns and "name" in columns:
        layer.gdf, layer.resolution = resolve_codes(gdf, columns=columns, level=level, vintage=vintage, province=province)
        layer.columns["code"] = "code"
    return layer


def join_files(
    *,
    boundaries: str | Path,
    indicators: str | Path,
    province: str | None = settings.DEFAULT_PROVINCE,
    level: str | None = None,
    vintage: str = settings.DEFAULT_VINTAGE,
    crs: str | None = None,
    overrides: dict | None = None,
) -> tuple[JoinResult, BoundaryLayer]:
    """Read both inputs and join them; the CLI's ``join`` and the Data page call this."""
    table = load_indicators(indicators, level=level)
    level = level or getattr(table, "level", None) or settings.DEFAULT_LEVEL
    registry.check_vintage_level(vintage, level)
    layer = load_boundaries(boundaries, province=province, level=level, vintage=vintage, crs=crs)
    result = join_indicators(
        layer.gdf, table, level=layer.level, boundary_columns=layer.columns, overrides=overrides,
        source=getattr(table, "source", None) or Path(str(indicators)).name,
    )
    if layer.approximate:
        result.gdf["approximate"] = True
    return result, layer


def output_layer(result: JoinResult) -> gpd.GeoDataFrame:
    """The columns a planner gets in a join output file, in a stable order."""
    gdf = result.gdf
    lead = ["code", "name", "type", "parent_code", "parent_name"]
    values = result.indicators
    trail = ["approximate", "source_file", "source_row", "match_method"]
    keep = [c for c in lead if c in gdf] + [c for c in values if c not in lead + trail] + [c for c in trail if c in gdf]
    out = gdf[keep + ["geometry"]].copy()
    return out.to_crs("EPSG:4326") if out.crs is not None else out.set_crs("EPSG:4326")
