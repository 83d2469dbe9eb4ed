"""The layer behind a map: boundaries of one province, level and vintage with a dataset joined on.

The app's map page and the ``webmap`` command both call :func:`map_layer`,
so a planner sees the same numbers in the browser and in a shared HTML file.
When the data is finer than the map (commune table, district map), counts are
summed per district and rates recomputed; when it is coarser, the finer units
show "no data" rather than a borrowed value.

:func:`render_map` turns a layer and the reader's choices (indicator, year,
classes, palette, overlays, selection) into the folium map; the map page
shows it with ``st_folium`` and ``python -m geo webmap`` writes it with
:func:`geo.render.webmap.save_html`, so both draw the same map.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.units import registry

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import DEFAULT_LANG, t
from geo.analysis.indicators import aggregate, column_name, indicator_options, label, parse_column, value_kind
from geo.join.match import JoinReport, join_indicators

__all__ = [
    "MapLayer", "map_layer", "unit_columns", "layer_from_files", "value_column", "parse_breaks",
    "designation_overlays", "map_title", "render_map",
]


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
    if table_vintage is None and "code" in getattr(table, "data", {}):
        # Files do not say their vintage; their codes often do (2025 reuses some old codes, so only
        # codes that exist in one vintage alone decide).
        table_vintage = registry.guess_vintage(table.data["code"].dropna(), level=getattr(table, "level", None))
    if table_vintage is not None and table_vintage != vintage:
        # 2025 codes reuse old commune codes: joining across vintages would colour the wrong units.
        from geo.join.match import indicator_columns

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
            from geo.join.match import indicator_columns

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


# --------------------------------------------------------------------------
# From a layer and the reader's choices to a map (the page and the CLI)
# --------------------------------------------------------------------------
def layer_from_files(
    *,
    boundaries,
    indicators=None,
    province: str | None = settings.DEFAULT_PROVINCE,
    level: str | None = None,
    vintage: str = settings.DEFAULT_VINTAGE,
    crs: str | None = None,
) -> MapLayer:
    """A :class:`MapLayer` from a boundary file (or ``"default"``) and a table (path, built-in key or None).

    The level is the one asked for, else the table's, else
    ``settings.DEFAULT_LEVEL``; a boundary file that states its level wins.
    """
    from geo.join.files import load_boundaries, load_indicators

    table = load_indicators(indicators, level=level) if indicators is not None else None
    level = level or getattr(table, "level", None) or settings.DEFAULT_LEVEL
    registry.check_vintage_level(vintage, level)
    layer = load_boundaries(boundaries, province=province, level=level, vintage=vintage, crs=crs)
    return map_layer(
        boundaries=layer.gdf, level=layer.level, vintage=layer.vintage, province=province, table=table,
        boundary_columns=layer.columns, approximate=layer.approximate,
    )


def value_column(indicators: Sequence[str], indicator: str | None = None, year: int | str | None = None) -> str | None:
    """The column to map for an indicator and a year, as the map page offers them.

    ``indicator`` is a base (``"poor_rate"``) or a whole column
    (``"poor_rate_2020"``); ``None`` takes the first of
    :func:`geo.analysis.indicators.indicator_options` (rates first). ``year=None``
    takes the indicator's first year. Returns ``None`` when there are no
    indicators and none was asked for.

    Raises ``GeoError`` ``map_indicator_missing`` or ``map_year_missing``,
    listing what is there.
    """
    options = indicator_options(indicators)
    if indicator is None:
        if not options:
            return None
        indicator = next(iter(options))
    base = str(indicator)
    if base not in options:
        parsed, parsed_year = parse_column(base)
        if parsed in options and parsed_year in options[parsed] and year is None:
            base, year = parsed, parsed_year
        else:
            raise GeoError("map_indicator_missing", indicator=indicator, available=", ".join(options) or "–")
    years = options[base]
    if years == [None]:
        return base
    if year is None or str(year).strip() == "":
        year = years[0]
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise GeoError("map_year_missing", indicator=base, year=year,
                       available=", ".join(str(y) for y in years if y)) from None
    if year not in years:
        raise GeoError("map_year_missing", indicator=base, year=year, available=", ".join(str(y) for y in years if y))
    return column_name(base, year)


def parse_breaks(text: str | None) -> list[float] | None:
    """Manual class breaks typed by a reader: ``"5,5; 10; 15"`` -> ``[5.5, 10.0, 15.0]``.

    Breaks are separated by semicolons; each is read as Vietnamese or
    English notation (:func:`geo.text.numbers.parse_number`). Blank text gives
    ``None``. Raises ``GeoError("bins_invalid")`` for anything that is not a
    number.
    """
    from geo.text.numbers import parse_number

    parts = [p.strip() for p in str(text or "").split(";") if p.strip()]
    if not parts:
        return None
    try:
        values = [parse_number(p) for p in parts]
    except ValueError:
        raise GeoError("bins_invalid", bins=text) from None
    if any(v != v for v in values):  # a dash or "N/A" among the breaks
        raise GeoError("bins_invalid", bins=text)
    return values


def designation_overlays(
    designations, overlays: Collection[str] | None = None, *, codes: Collection[str] | None = None
) -> dict[str, set[str]]:
    """``{type: codes}`` to draw, from a :class:`geo.units.designations.DesignationSet`.

    ``overlays`` lists the types to draw; ``None`` draws every type present.
    Types the set does not hold are left out, and so are types with no unit
    among ``codes`` (commune designations on a district map), so a legend
    never lists an overlay that draws nothing.
    """
    if designations is None:
        return {}
    kinds = list(designations.types)
    chosen = kinds if overlays is None else [k for k in overlays if k in kinds]
    out = {k: designations.codes(k) for k in chosen}
    if codes is not None:
        present = set(codes)
        out = {k: v for k, v in out.items() if v & present}
    return out


def map_title(layer: MapLayer, column: str | None, lang: str = DEFAULT_LANG) -> str:
    """Default title of a shared map: "Tỷ lệ hộ nghèo (%) năm 2020 – Lạng Sơn"."""
    area = ""
    if layer.province:
        try:
            area = registry.unit(layer.province, level="province", vintage=layer.vintage).short_name
        except GeoError:
            area = str(layer.province)
    what = label(column, lang) if column else t("no_data", lang)
    return t("map.title", lang, indicator=what, area=area) if area else what


def render_map(
    layer: MapLayer,
    *,
    indicator: str | None = None,
    year: int | str | None = None,
    scheme: str = settings.DEFAULT_SCHEME,
    k: int = settings.DEFAULT_K,
    bins: Sequence[float] | None = None,
    palette: str = settings.DEFAULT_PALETTE,
    lang: str = DEFAULT_LANG,
    designations=None,
    overlays: Collection[str] | None = None,
    selected: Collection[str] = (),
    basemap: bool = False,
    title: str | None = None,
    illustrative: bool = False,
    geometry_key: object = None,
    asset_urls=None,
    map_kwds: Mapping | None = None,
):
    """The choropleth of ``layer`` for the reader's choices, as a :class:`folium.Map`.

    The map page and ``python -m geo webmap`` both call this, so a shared
    HTML file looks like the app: same classes, palette, legend, tooltips,
    district outlines at commune level, designation overlays and the
    "sơ đồ gần đúng" banner when the boundaries are approximate.

    Parameters
    ----------
    layer
        From :func:`map_layer` or :func:`layer_from_files`.
    indicator, year
        What to map (see :func:`value_column`); with no indicator in the
        layer every unit is drawn as "no data".
    scheme, k, bins, palette
        Classes and colours (see :func:`geo.analysis.classify.classify`); ``bins``
        for ``scheme="manual"``, e.g. from :func:`parse_breaks`.
    lang
        ``"vi"`` or ``"en"``: labels and number format.
    designations, overlays
        A :class:`geo.units.designations.DesignationSet` and the types to draw
        (``None``: all of them).
    selected
        Codes drawn with the selection halo.
    basemap
        OpenStreetMap tiles underneath (needs internet).
    title
        Title at the top of the map (``None``: none; see :func:`map_title`).
    illustrative
        Show the "illustrative figures" banner.
    geometry_key, asset_urls, map_kwds
        Passed to :func:`geo.render.webmap.build_map`.

    Raises
    ------
    GeoError
        ``map_indicator_missing``, ``map_year_missing`` and the errors of
        :func:`geo.analysis.classify.classify` (``bins_invalid``...).
    """
    from geo.render.webmap import build_map

    column = value_column(layer.indicators, indicator, year)
    gdf = layer.gdf
    if column is None:
        gdf, plot_column, legend_title, kind = gdf.assign(_value=float("nan")), "_value", t("no_data", lang), "number"
    else:
        plot_column, legend_title = column, label(column, lang)
        kind = value_kind(column)
    return build_map(
        gdf, value_column=plot_column, scheme=scheme, k=k, bins=bins, palette=palette, lang=lang, value_kind=kind,
        district_outlines=True if layer.level == "commune" and "district_code" in gdf.columns else None,
        designations=designation_overlays(designations, overlays, codes=gdf["code"]), selected=selected,
        approximate=layer.approximate, illustrative=illustrative, basemap=basemap, title=title,
        geometry_key=geometry_key, asset_urls=asset_urls, legend_kwds={"title": legend_title}, map_kwds=map_kwds,
    )
