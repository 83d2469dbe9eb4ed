"""Both sides of a join, loaded: boundary files (or the default sketch) and indicator tables.

The join itself, and every level or vintage change around it, is
:func:`geo.workflows.layer.build_layer`, which pages and commands share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from geo.units import registry

from geo import settings
from geo.join.match import match_units, prepare_units

__all__ = ["BoundaryLayer", "load_boundaries", "load_indicators", "resolve_codes", "builtin_indicators"]

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

    gdf, report = read_boundaries(spec, crs=crs, province=province, level=level)
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
    _merge_parts(layer)
    return layer


def _merge_parts(layer: BoundaryLayer) -> None:
    """Features that share a code and a name are the parts of one unit: one row each, its parts one geometry.

    Offices often store an island or a detached piece as its own feature; joined as they were, the first part
    would take the figures and the others would show no data. Features sharing a code under different
    names are left as they are (the join reports the duplicate code).
    """
    from geo.io.boundaries import BoundaryNote

    code, name = layer.columns.get("code"), layer.columns.get("name")
    gdf = layer.gdf
    if not code or code not in gdf:
        return
    keys = gdf[code].map(lambda v: registry.normalize_code(v, layer.level) or str(v) if v is not None and v == v
                          else None)
    repeated = keys.notna() & keys.duplicated(keep=False)
    if not repeated.any():
        return
    groups = {k: idx for k, idx in gdf[repeated].groupby(keys[repeated]).groups.items()
              if not name or name not in gdf or gdf.loc[idx, name].nunique(dropna=True) <= 1}
    if not groups:
        return
    out = gdf.copy()
    drop = []
    for idx in groups.values():
        first, *rest = list(idx)
        out.at[first, out.geometry.name] = gdf.loc[idx].geometry.union_all()
        drop += rest
    layer.gdf = out.drop(index=drop).reset_index(drop=True)
    note = BoundaryNote("parts_merged", {"units": len(groups), "features": len(drop) + len(groups)})
    warnings = list((layer.read_report or {}).get("warnings", []))
    warnings.append({"code": note.code, "params": {k: str(v) for k, v in note.params.items()},
                     "vi": note.message("vi"), "en": note.message("en")})
    layer.read_report = {**(layer.read_report or {}), "warnings": warnings}
