"""The one layer builder: boundaries + table -> the joined layer and its report.

Every page (through ``app_pages/_ui``) and every command (``join``, ``webmap``,
``annex``, ``priority``, ``convert``) builds its layer with
:func:`build_layer`, so a planner gets the same units, codes and values
wherever they look. The steps, in order:

1. read the table (a path, a built-in key or an already read table) and the
   boundaries (a path, ``"default"`` or an already read :class:`BoundaryLayer`);
2. guard the vintage: a table of the other vintage is not joined (2025 codes
   reuse old commune codes, a join would colour the wrong units);
3. change level when the table is finer or coarser than the map: a commune
   table on the district map is joined to the registry's communes, then
   summed per district with :func:`geo.analysis.indicators.aggregate_units`
   (counts summed, rates recomputed, a district with a missing commune has no
   data and the report names that commune); a district table on the commune
   map leaves the communes without data;
4. join with :func:`geo.join.match.join_indicators` (codes first, then names).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.analysis.checks import TableChecks, check_table, outliers_by_group
from geo.analysis.indicators import aggregate_units
from geo.analysis.standards import standard_by_key
from geo.io.tables import with_data
from geo.join.files import BoundaryLayer, load_boundaries, load_indicators
from geo.join.match import UNIT_KEYS, JoinReport, _jsonable, indicator_columns, join_indicators, prepare_units
from geo.join.placement import check_placement
from geo.join.scope import ProvinceScope, province_scope
from geo.units import registry

__all__ = ["LayerReport", "LayerResult", "build_layer", "check_boundaries", "load_checked_boundaries", "unit_columns",
           "output_layer"]


@dataclass
class LayerReport:
    """How a layer was built, beyond the row-by-row join report.

    Attributes
    ----------
    boundaries
        Where the polygons came from: ``source``, ``level``, ``vintage``,
        ``approximate``, the reader's report (``read``) and, for a layer
        without codes, how its names were resolved (``code_resolution``).
    table_level, table_vintage
        The table's own level and vintage (as read or guessed).
    notes
        Catalogue keys explaining a level or vintage change (``note.*``).
    aggregation
        Districts summed from communes that lack a commune's figures:
        ``{code, name, missing: [{code, name}]}``; such a district has no data.
    checks
        The table's value checks (:class:`geo.analysis.checks.TableChecks`):
        invalid values, duplicates, derived rates, implausible values.
    outliers
        Units far outside their district's range (kept, warned about).
    names_vintage
        The other vintage when the table's names match its units better than the chosen one's.
    placement
        Median offset of the layer's units from the registry (boundary files only).
    read_warnings
        What the table reader noticed and left empty or set aside (a cell that is no number, a
        column of text, a code that is no code, a total row that disagrees):
        :class:`geo.io.tables.TableWarning` records, shown with the value checks.
    scope
        A table of several provinces on one province's map: the rows kept, those of other provinces set
        aside before the join and the bare names flagged (:class:`geo.join.scope.ProvinceScope`), or None.
    """

    boundaries: dict[str, Any] = field(default_factory=dict)
    table_level: str | None = None
    table_vintage: str | None = None
    notes: list[str] = field(default_factory=list)
    aggregation: list[dict] = field(default_factory=list)
    checks: TableChecks = field(default_factory=TableChecks)
    outliers: list[dict] = field(default_factory=list)
    names_vintage: str | None = None
    placement: dict | None = None
    read_warnings: list = field(default_factory=list)
    scope: ProvinceScope | None = None

    @property
    def problems(self) -> int:
        """Problems a planner must see: invalid cells, conflicting units, implausible values, outliers."""
        return self.checks.problems + len(self.outliers)

    def warnings(self, lang: str = "vi", *, front: str = "app") -> list[str]:
        """One line per kind of problem, with its count and the first rows, for the app and the CLI; columns by
        their names in words ("Số hộ nghèo năm 2020"), not the layer's column names (``poor_2020``). ``front``
        (``"app"`` or ``"cli"``) picks the advice that names where to go next."""
        from geo.analysis.indicators import label
        from geo.text.i18n import format_number, t

        first = settings.TRUST_FIRST_ROWS

        def listing(items: list[str]) -> str:
            return "; ".join(items[:first]) + ("; …" if len(items) > first else "")

        def value(v) -> str:
            return format_number(v, 2 if isinstance(v, float) and not float(v).is_integer() else 0, lang)

        def reason(item: dict) -> str:
            params = {k: value(v) if isinstance(v, (int, float)) else v for k, v in item.items() if k != "reason"}
            return t(f"trust.reason.{item['reason']}", lang, **params)

        def unit(item: dict) -> str:
            u = item.get("unit") or {}
            return u.get("name") or u.get("code") or str(item.get("key"))

        c = self.checks
        out = _scope_lines(self.scope, lang, listing, front=front)
        if self.read_warnings:
            rows = [w.message(lang).rstrip(".") for w in self.read_warnings]
            out.append(t("qa.read_warnings", lang, n=len(rows), rows=listing(rows)))
        if c.invalid_values:
            rows = [t("trust.row_item", lang, row=i["row"], column=label(i["column"], lang),
                      value=value(i["value"]), reason=reason(i)) for i in c.invalid_values]
            out.append(t("trust.invalid", lang, n=len(rows), rows=listing(rows)))
        open_conflicts = [i for i in c.conflicts if i["kept"] is None]
        kept = [i for i in c.conflicts if i["kept"] is not None]
        if open_conflicts:
            rows = [t("trust.unit_rows", lang, unit=unit(i), rows=", ".join(map(str, i["rows"]))) for i in open_conflicts]
            out.append(t("trust.conflicts", lang, n=len(rows), rows=listing(rows)))
        if kept:
            rows = [t("trust.unit_rows", lang, unit=unit(i), rows=i["kept"]) for i in kept]
            out.append(t("trust.conflicts_kept", lang, n=len(rows), rows=listing(rows)))
        if c.merged:
            rows = [t("trust.unit_rows", lang, unit=unit(i), rows=", ".join(map(str, i["rows"]))) for i in c.merged]
            out.append(t("trust.merged", lang, n=len(rows), rows=listing(rows)))
        if c.implausible:
            rows = [t("trust.row_item", lang, row=i["row"], column=label(i["column"], lang),
                      value=value(i["value"]), reason=reason(i)) for i in c.implausible]
            out.append(t("trust.implausible", lang, n=len(rows), rows=listing(rows)))
        if self.outliers:
            rows = [f"{i.get('name') or i['code']}: {label(i['column'], lang)} = {value(i['value'])} ({reason(i)})"
                    for i in self.outliers]
            out.append(t("trust.outliers", lang, n=len(rows), rows=listing(rows)))
        if self.aggregation:
            rows = [t("trust.district_missing", lang, district=i["name"] or i["code"],
                      communes=", ".join(m["name"] or m["code"] for m in i["missing"])) for i in self.aggregation]
            out.append(t("trust.aggregation", lang, n=len(rows), rows=listing(rows)))
        if c.standards:
            periods = "; ".join(f"{_standard_label(k, lang)}: {', '.join(map(str, v))}"
                                for k, v in c.standards.items())
            out.append(t("trust.standards", lang, periods=periods))
        return out

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({
            "boundaries": self.boundaries, "table_level": self.table_level, "table_vintage": self.table_vintage,
            "notes": list(self.notes), "aggregation": self.aggregation, **self.checks.to_dict(),
            "outliers": self.outliers, "names_vintage": self.names_vintage, "placement": self.placement,
            "read_warnings": [{"code": w.code, "row": w.row, "column": w.column, "detail": w.detail}
                              for w in self.read_warnings],
            "scope": self.scope.to_dict() if self.scope is not None else None,
        })


def _scope_lines(scope: ProvinceScope | None, lang: str, listing, *, front: str = "app") -> list[str]:
    """The rows of other provinces set aside (how many, from which provinces, how to use them: the app's whole
    country view, or for a command its ``--province``) and the bare names flagged."""
    from geo.text.i18n import format_number, t

    if scope is None:
        return []
    provinces = registry.provinces(scope.vintage)
    names = dict(zip(provinces["code"], provinces["name"]))
    here = names.get(scope.province, scope.province)
    out = []
    if scope.set_aside:
        counts = scope.by_province
        named = [f"{names.get(code, code)} {format_number(n, 0, lang)}" for code, n in counts.items() if code][
            : settings.SCOPE_PROVINCES_NAMED]
        several = counts.get(None, 0)
        if several:
            named.append(t("scope.several", lang, n=format_number(several, 0, lang)))
        provinces = len([c for c in counts if c])
        out.append(t("scope.set_aside", lang, n=format_number(len(scope.set_aside), 0, lang), province=here,
                     kept=format_number(len(scope.kept), 0, lang), provinces=format_number(provinces, 0, lang),
                     listing="; ".join(named) + ("; …" if len(counts) > len(named) else ""))
                   + " " + t(f"scope.whole_table.{front}", lang))
    if scope.flagged:
        rows = [t("scope.flagged_row", lang, row=i["row"], name=i["name"],
                  others=", ".join(names.get(c, c) for c in i["provinces"][:3]) + (", …" if len(i["provinces"]) > 3 else ""))
                for i in scope.flagged]
        out.append(t("scope.flagged", lang, n=format_number(len(rows), 0, lang), province=here, rows=listing(rows)))
    return out


# Why a whole table was set aside (the note beside the map) -> the error a command raises for it.
_SET_ASIDE = {"note.other_vintage.pre2025": "table_of_old_units", "note.other_vintage.2025": "table_of_new_units",
              "note.coarser_data": "table_of_districts"}


@dataclass
class LayerResult:
    """Polygons with indicators, ready to classify, draw, rank or export.

    Attributes
    ----------
    gdf
        One row per boundary unit: identity columns, the indicator columns,
        ``source_file``, ``source_row``, ``match_method``.
    level, vintage, province
        What the layer shows.
    indicators
        The indicator columns taken from the table.
    report
        The join's row-by-row :class:`geo.join.match.JoinReport` (None without a table).
    approximate
        The polygons are the default approximate sketch.
    notes
        Same as ``build.notes``: catalogue keys shown beside the map.
    build
        The :class:`LayerReport`.
    table
        The table after the value checks, as joined.
    """

    gdf: gpd.GeoDataFrame
    level: str
    vintage: str
    province: str | None
    indicators: list[str] = field(default_factory=list)
    report: JoinReport | None = None
    approximate: bool = True
    notes: list[str] = field(default_factory=list)
    build: LayerReport = field(default_factory=LayerReport)
    table: Any = None  # the table as checked (impossible cells emptied, duplicates resolved, rates derived)

    def require_joined(self) -> None:
        """Raise when a table was given but set aside whole (another vintage, or district figures for a commune
        layer): a command writing files from it would write units without any figure.

        Raises
        ------
        GeoError
            ``table_of_old_units`` (to convert first), ``table_of_new_units`` (``--vintage 2025``) or
            ``table_of_districts`` (``--level district``): what the page says beside its map, for a command.
        """
        if self.table is None or self.report is not None:
            return
        if "code" not in self.gdf.columns or self.gdf["code"].isna().all():
            return  # boundaries without GSO codes: nothing could be joined, and the command says that first
        for note, code in _SET_ASIDE.items():
            if note in self.notes:
                raise GeoError(code)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: the join report's keys, plus the build's."""
        out = self.report.to_dict() if self.report is not None else {}
        out.update(self.build.to_dict())
        return out


def unit_columns(level: str, vintage: str) -> dict[str, str]:
    """Identity columns of the default boundaries (and the registry), for the join."""
    cols = {"code": "code", "name": "name", "type": "type"}
    if level == "commune" and vintage == "pre2025":
        cols.update(parent_code="district_code", parent_name="district_name")
    return cols


def _attr(table, name: str):
    """An IndicatorTable's attribute (a bare DataFrame has none: its columns are not attributes)."""
    return None if isinstance(table, pd.DataFrame) else getattr(table, name, None)


def _table(table, *, level: str | None, sheet: str | None = None):
    """An IndicatorTable from a path or built-in key; a table already read comes back as is."""
    if table is None or hasattr(table, "data") or isinstance(table, pd.DataFrame):
        return table
    # Read without forcing the map's level: a commune table asked for at district level is
    # summed to districts, not read as if its codes were district codes.
    read = load_indicators(table, level=None, sheet=sheet)
    if _attr(read, "level") is None and level is not None:
        read = load_indicators(table, level=level, sheet=sheet)
    return read


def _boundaries(spec, *, province, level, vintage, crs) -> BoundaryLayer:
    if isinstance(spec, BoundaryLayer):
        return spec
    if spec is None:  # the registry's units, without geometry (tables only: convert)
        reg = registry.units(province=province, level=level, vintage=vintage)
        shell = gpd.GeoDataFrame(reg, geometry=gpd.GeoSeries([None] * len(reg)), crs="EPSG:4326")
        return BoundaryLayer(gdf=shell, level=level, vintage=vintage, source="registry", approximate=False,
                             columns=unit_columns(level, vintage))
    if isinstance(spec, gpd.GeoDataFrame):
        return BoundaryLayer(gdf=spec, level=level, vintage=vintage, source="layer", approximate=False,
                             columns=unit_columns(level, vintage))
    return load_checked_boundaries(spec, province=province, level=level, vintage=vintage, crs=crs)


def load_checked_boundaries(spec, *, province: str | None, level: str, vintage: str,
                            crs: str | None = None) -> BoundaryLayer:
    """A boundary file (or ``"default"``) read and, for a file, checked against the registry's positions.

    The app's uploads and every command read boundaries through here. Raises
    the reader's errors and those of :func:`check_boundaries`.
    """
    layer = load_boundaries(spec, province=province, level=level, vintage=vintage, crs=crs)
    if not layer.approximate:
        check_boundaries(layer, province=province)
    return layer


def check_boundaries(layer: BoundaryLayer, *, province: str | None) -> dict | None:
    """Refuse a boundary file whose units are not where their codes say (wrong CRS or zone, other province).

    Returns the placement (median offset in km...) and keeps it in
    ``layer.read_report["placement"]``; raises ``GeoError`` ``boundaries_misplaced``
    (naming the CRS that fits), ``boundaries_misplaced_nofit`` or ``boundaries_other_province``.
    Layers without codes (names the registry did not resolve) are not checked.
    """
    column = layer.columns.get("code")
    if layer.approximate or not column or column not in layer.gdf:
        return None
    codes = [registry.normalize_code(c, layer.level) if pd.notna(c) else None for c in layer.gdf[column]]
    frame = gpd.GeoDataFrame({"code": codes}, geometry=layer.gdf.geometry.values, crs=layer.gdf.crs)
    read = layer.read_report or {}
    found = check_placement(frame, level=layer.level, vintage=layer.vintage, province=province,
                            read_crs=read.get("crs_used"), path=Path(str(layer.source)).name)
    layer.read_report = {**read, "placement": found.to_dict()}
    return found.to_dict()


# Reader warnings a planner must see beside the value checks ("projected" feeds the Progress page, and a
# unit listed twice is already a merged or conflicting row of the checks).
_SHOWN_READ_WARNINGS = ("bad_number", "bad_code", "code_width", "text_column", "duplicate_column",
                        "total_mismatch", "no_year", "legacy_text")


def _read_warnings(table) -> list:
    return [w for w in (_attr(table, "warnings") or []) if getattr(w, "code", None) in _SHOWN_READ_WARNINGS]


def _table_vintage(table) -> str | None:
    vintage = _attr(table, "vintage")
    data = getattr(table, "data", table)
    if vintage is None and isinstance(data, pd.DataFrame) and "code" in data:
        # Files do not say their vintage; their codes often do (2025 reuses some old codes, so only
        # codes that exist in one vintage alone decide).
        vintage = registry.guess_vintage(data["code"].dropna(), level=_attr(table, "level"))
    return vintage


def _declared_standard(table, spec) -> str | None:
    """The poverty standard a table declares: its own ``standard``, the one its title names, or a built-in table's."""
    from geo.analysis.standards import standard_of_table
    from geo.join.files import BUILTIN_INDICATORS

    own = _attr(table, "standard")
    if own:
        return getattr(own, "key", own)
    named = None if isinstance(table, pd.DataFrame) else standard_of_table(table)
    if named is not None:
        return named.key
    if isinstance(spec, str) and spec in BUILTIN_INDICATORS:
        return BUILTIN_INDICATORS[spec].get("standard")
    source = _attr(table, "source")
    for meta in BUILTIN_INDICATORS.values():  # the app passes built-in tables already read
        if source and source == meta["file"]:
            return meta.get("standard")
    return None


def _scoped(table, *, province: str, level: str, vintage: str):
    """The table without its rows of other provinces and its flagged bare names, and the scope (None when every
    row is the province's, or the table's codes are of the other vintage: the vintage guard speaks then)."""
    data = getattr(table, "data", table)
    if level not in ("commune", "district") or not isinstance(data, pd.DataFrame) or len(data) == 0:
        return table, None
    if _table_vintage(table) not in (None, vintage):
        return table, None
    data = data.reset_index(drop=True)
    scope = province_scope(data, province=province, level=level, vintage=vintage)
    if not scope.set_aside and not scope.flagged:
        return table, None
    if "source_row" not in data:  # rows keep their place in the file when others are set aside
        data = data.assign(source_row=range(1, len(data) + 1))
    return with_data(table, data.iloc[scope.kept].reset_index(drop=True)), scope


def _moved(overrides: dict | None, before: pd.DataFrame, after: pd.DataFrame) -> dict | None:
    """Hand matches keyed by row position, moved to the positions of the checked table (rows may be merged)."""
    if not overrides or len(before) == len(after):
        return overrides
    rows = (before["source_row"].tolist() if "source_row" in before else list(range(1, len(before) + 1)))
    where = {r: i for i, r in enumerate(after["source_row"].tolist())}
    return {where[rows[i]]: code for i, code in overrides.items()
            if isinstance(i, int) and 0 <= i < len(rows) and rows[i] in where}


def _names_vintage(table, *, level: str, vintage: str, province: str | None) -> str | None:
    """The other vintage when the table's full names (type included) match its units clearly better.

    Many 2025 communes kept an old commune's name, so only the names found in
    one vintage alone decide: a warning when at least
    :data:`geo.settings.NAMES_VINTAGE_SHARE` of the names (and 3 or more) are
    the other vintage's only.
    """
    from geo.text.names import exact_key

    data = getattr(table, "data", table)
    if level != "commune" or not isinstance(data, pd.DataFrame) or "name" not in data or province is None:
        return None
    names = {exact_key(n) for n in data["name"].dropna().astype(str)}
    if not names:
        return None
    other = "2025" if vintage == "pre2025" else "pre2025"
    found = {}
    for v in (vintage, other):
        try:
            units = registry.unit_names(province=province, level="commune", vintage=v)
        except Exception:  # noqa: BLE001 - a province code of one vintage only
            return None
        found[v] = names & {exact_key(n) for n in units}
    gain = len(found[other] - found[vintage]) - len(found[vintage] - found[other])
    return other if gain >= max(3, settings.NAMES_VINTAGE_SHARE * len(names)) else None


def _with_identity(source: BoundaryLayer) -> gpd.GeoDataFrame:
    """The boundaries with the standard identity columns (``code``, ``name``…) as a join would give them.

    A layer shown without a table is drawn, searched and selected by these columns, whatever the file
    called them (``MaXa``, ``TenXa``); a unit without a code keeps None. A file with neither a code nor a
    name column is refused, as a join would refuse it; empty ones are drawn (the map keys them by position).
    """
    base = source.gdf
    if source.approximate:  # the default boundaries carry the standard columns already
        return base
    if not ({"code", "name"} & set(source.columns)):
        raise GeoError("no_join_key", path=Path(str(source.source)).name,
                       columns=", ".join(str(c) for c in base.columns if c != base.geometry.name) or "—")
    units = prepare_units(base, level=source.level, columns=source.columns)
    out = base.copy()
    for key in UNIT_KEYS:
        if key in ("code", "name") or units[key].notna().any():
            out[key] = units[key].to_numpy()
    return out


def _empty_values(base: gpd.GeoDataFrame, table) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Every indicator column of ``table`` on ``base``, without data."""
    values = indicator_columns(getattr(table, "data", table))
    out = base.copy()
    for col in values:
        out[col] = float("nan")
    return out, values


def _sum_communes(base, table, *, columns, province, overrides, build: LayerReport):
    """A commune table summed onto districts: counts summed, rates recomputed, gaps reported."""
    reg = registry.units(province=province, level="commune", vintage="pre2025")
    shell = gpd.GeoDataFrame(reg, geometry=gpd.GeoSeries([None] * len(reg)), crs="EPSG:4326")
    by_commune = join_indicators(shell, table, level="commune", boundary_columns=unit_columns("commune", "pre2025"),
                                 overrides=overrides)
    communes = pd.DataFrame(by_commune.gdf.drop(columns="geometry"))
    values = by_commune.indicators
    agg = aggregate_units(communes, "parent_code", columns=values, unit="code")
    names = dict(zip(reg["code"], reg["name"]))
    districts = dict(zip(reg["district_code"], reg["district_name"]))
    for district, missing in agg.missing.items():
        build.aggregation.append({"code": district, "name": districts.get(district),
                                  "missing": [{"code": c, "name": names.get(c)} for c in missing]})
    rows = agg.data.rename(columns={"parent_code": "code"})
    result = join_indicators(base, rows, level="district", boundary_columns=columns,
                             source=_attr(table, "source"))
    # The row-by-row story is the communes' (their file rows); the districts carry sums of several rows.
    for key in ("matched", "unmatched_rows", "ambiguous", "duplicates", "inconsistent", "name_mismatches",
                "warnings"):
        setattr(result.report, key, getattr(by_commune.report, key))
    result.gdf["source_row"] = pd.array([None] * len(result.gdf), dtype="Int64")
    result.gdf["match_method"] = ["aggregated" if ok else None
                                  for ok in result.gdf[values].notna().any(axis=1)] if values else None
    return result


def _boundaries_ahead(boundaries, table, *, province, level, vintage, crs):
    """A boundary file's read started in a background thread while the table is read and checked, or None.

    Only for a file named by path with its level given (the commands' ``--level``): the two reads are then
    independent. Reading a large boundary file is mostly GDAL, GEOS and PROJ work (reading, checking and
    reprojecting every vertex), which releases the GIL, and the table's is Python (openpyxl), so on two cores
    they overlap: the 388,000-vertex Lạng Sơn layer and its workbook take 0.53 s instead of 0.85 s. A failure
    is raised where the sequential read raised it: after the table's errors, which come first.
    """
    if level is None or table is None or not isinstance(boundaries, (str, os.PathLike)):
        return None
    try:
        registry.check_vintage_level(vintage, level)
    except GeoError:
        return None  # raised in order, after the table is read
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geo-boundaries")
    try:
        return pool.submit(load_checked_boundaries, boundaries, province=province, level=level, vintage=vintage,
                           crs=crs)
    finally:
        pool.shutdown(wait=False)


def _read_and_check(table, spec, *, province, level, vintage, sheet, overrides, prefer, picks):
    """(table, checks, scope, overrides): the table read, other provinces' rows set aside, its values checked."""
    table = _table(table, level=level, sheet=sheet)
    checks = TableChecks()
    scope = None
    if table is not None and province is not None:
        # Rows of other provinces (a national table) are set aside first: never matched, checked or offered one by one.
        before = getattr(table, "data", table)
        table, scope = _scoped(table, province=province, level=_attr(table, "level") or level or settings.DEFAULT_LEVEL,
                               vintage=vintage)
        overrides = _moved(overrides, before, getattr(table, "data", table))
    if table is not None:
        # Impossible values, duplicates, rates from counts: before any join, so nothing wrong reaches a map.
        before = getattr(table, "data", table)
        table, checks = check_table(table, prefer=prefer, picks=picks, standard=_declared_standard(table, spec))
        overrides = _moved(overrides, before, getattr(table, "data", table))
    return table, checks, scope, overrides


def build_layer(
    *,
    boundaries: str | Path | BoundaryLayer | gpd.GeoDataFrame | None = "default",
    table=None,
    province: str | None = settings.DEFAULT_PROVINCE,
    level: str | None = None,
    vintage: str = settings.DEFAULT_VINTAGE,
    crs: str | None = None,
    overrides: dict | None = None,
    sheet: str | None = None,
    prefer: str | None = None,
    picks: dict | None = None,
) -> LayerResult:
    """The joined layer for (boundaries, table, province, level, vintage, CRS), with its report.

    Parameters
    ----------
    boundaries
        A boundary file, ``"default"`` (the approximate sketch), a
        :class:`geo.join.files.BoundaryLayer` already read (the app's uploads and
        cached defaults), a GeoDataFrame with the default identity columns, or
        None: the registry's units without geometry (a table checked and
        joined without a map, as ``convert`` needs).
    table
        An indicator table: a path, a built-in key (``"langson_kh78_2021"``),
        an :class:`geo.io.tables.IndicatorTable`, a DataFrame, or None (no data).
    province, vintage
        GSO province code and ``"pre2025"``/``"2025"``.
    level
        ``"district"`` or ``"commune"``; default the table's level, else
        ``settings.DEFAULT_LEVEL``. A boundary file that states its level wins.
    crs
        CRS of a boundary file without one (e.g. ``"EPSG:9215"``).
    overrides
        Hand matches: table row index -> unit code.
    sheet
        Worksheet of an Excel table.
    prefer, picks
        Units with conflicting rows: ``"first"``/``"last"`` row, or rows picked by
        the planner (see :func:`geo.analysis.checks.check_table`); otherwise such
        units have no data.

    Returns
    -------
    LayerResult

    Raises
    ------
    GeoError
        Any reader's error (unreadable, unsafe, unsupported input), ``vintage_level``...
    """
    spec = table
    early = _boundaries_ahead(boundaries, table, province=province, level=level, vintage=vintage, crs=crs)
    try:
        table, checks, scope, overrides = _read_and_check(table, spec, province=province, level=level,
                                                          vintage=vintage, sheet=sheet, overrides=overrides,
                                                          prefer=prefer, picks=picks)
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    table_level = _attr(table, "level")
    level = level or table_level or settings.DEFAULT_LEVEL
    registry.check_vintage_level(vintage, level)
    source = (early.result() if early is not None
              else _boundaries(boundaries, province=province, level=level, vintage=vintage, crs=crs))
    level = source.level
    build = LayerReport(checks=checks, scope=scope, placement=(source.read_report or {}).get("placement"), boundaries={
        "source": Path(str(source.source)).name if not source.approximate else source.source, "level": source.level, "vintage": source.vintage, "approximate": source.approximate,
        "read": source.read_report, "code_resolution": source.resolution,
    })
    build.read_warnings = _read_warnings(table)
    if checks.scaled:
        build.notes.append("note.rates_scaled")
    if checks.maybe_fractions:
        build.notes.append("note.rates_maybe_fractions")
    done = dict(level=level, vintage=vintage, province=province, approximate=source.approximate, build=build,
                table=table)
    base = _with_identity(source)
    if table is None:
        return LayerResult(gdf=base.copy(), **done)
    table_level = table_level or level
    build.table_level = table_level
    build.table_vintage = table_vintage = _table_vintage(table)
    if table_vintage is None:
        # 2025 communes reuse old commune codes, so codes seldom tell; names of the other vintage do, and a join
        # by code would then put each new commune's figures on the old commune of the same code.
        build.names_vintage = _names_vintage(table, level=table_level, vintage=vintage, province=province)
        if build.names_vintage:
            build.table_vintage = table_vintage = build.names_vintage
            build.notes.append(f"note.names_vintage.{build.names_vintage}")
    if table_vintage is not None and table_vintage != vintage:
        gdf, values = _empty_values(base, table)
        build.notes.append(f"note.other_vintage.{table_vintage}")
        return LayerResult(gdf=gdf, indicators=values, notes=build.notes, **done)
    if scope is not None and not scope.kept:  # every row is another province's: nothing to join
        gdf, values = _empty_values(base, table)
        report = JoinReport(level=level, source=_attr(table, "source"), unmatched_boundaries=[
            {"code": c, "name": n, "parent": p, "suggestions": []} for c, n, p
            in zip(gdf["code"], gdf["name"], gdf["parent_name"] if "parent_name" in gdf else [None] * len(gdf))])
        return LayerResult(gdf=gdf, indicators=values, report=report, notes=build.notes, **done)
    if table_level == "district" and level == "commune":
        # Coarser data: communes get an explicit "no data", never their district's value.
        gdf, values = _empty_values(base, table)
        build.notes.append("note.coarser_data")
        return LayerResult(gdf=gdf, indicators=values, notes=build.notes, **done)
    if table_level == "commune" and level == "district" and vintage == "pre2025":
        result = _sum_communes(base, table, columns=source.columns, province=province, overrides=overrides,
                               build=build)
        build.notes.append("note.aggregated_from_communes")
    else:
        result = join_indicators(base, table, level=level, boundary_columns=source.columns, overrides=overrides)
        if level == "commune" and "district_code" in result.gdf:
            build.outliers = outliers_by_group(result.gdf, by="district_code", columns=result.indicators,
                                               rows=result.gdf["source_row"])
    build.names_vintage = _names_vintage(table, level=table_level, vintage=vintage, province=province)
    if build.names_vintage:
        build.notes.append(f"note.names_vintage.{build.names_vintage}")
    if checks.derived:
        build.notes.append("note.derived_rates")
    return LayerResult(gdf=result.gdf, indicators=result.indicators, report=result.report, notes=build.notes, **done)


def output_layer(layer: LayerResult) -> gpd.GeoDataFrame:
    """The columns a planner gets in a join output file, in a stable order (EPSG:4326)."""
    gdf = layer.gdf
    if layer.approximate:
        gdf = gdf.assign(approximate=True)
    lead = ["code", "name", "type", "parent_code", "parent_name"]
    trail = ["approximate", "source_file", "source_row", "match_method"]
    keep = ([c for c in lead if c in gdf] + [c for c in layer.indicators if c not in lead + trail]
            + [c for c in trail if c in gdf])
    out = gdf[keep + ["geometry"]].copy()
    return out.to_crs("EPSG:4326") if out.crs is not None else out.set_crs("EPSG:4326")


def _standard_label(key: str, lang: str) -> str:
    """"chuẩn nghèo giai đoạn 2016–2020 (theo thu nhập)" for the key ``"2016-2020"``; an unknown key as written."""
    standard = standard_by_key(key)
    return standard.label(lang) if standard is not None else str(key)
