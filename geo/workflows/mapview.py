"""From a layer to a map: the value column, classes, overlays and title a reader chose.

Layers come from :func:`geo.workflows.layer.build_layer` (the one builder the
pages and every command share), so a planner sees the same numbers in the
browser and in a shared HTML file.

:func:`render_map` turns a layer and the reader's choices (indicator, year,
classes, palette, overlays, selection) into the folium map; the map page
shows it with ``st_folium`` and ``python -m geo webmap`` writes it with
:func:`geo.render.webmap.save_html`, so both draw the same map.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from geo.units import registry

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import DEFAULT_LANG, format_number, t
from geo.analysis.indicators import column_name, format_value, indicator_options, label, parse_column, value_kind
from geo.workflows.layer import LayerResult

__all__ = [
    "MapLayer", "value_column", "parse_breaks", "MapStyle", "map_style", "focus_view",
    "designation_overlays", "map_title", "render_map", "prepare_restyles",
]


# A map's layer is the one builder's result (kept under this name for the map and export modules).
MapLayer = LayerResult


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


def value_summary(gdf, column: str, lang: str = DEFAULT_LANG) -> str | None:
    """One line under the map: the indicator, how many units have a value, and their median.

    None when no unit has a value.
    """
    values = gdf[column]
    if not values.notna().any():
        return None
    median = format_value(values.median(), column, lang)
    return (f"{label(column, lang)} — {format_number(int(values.notna().sum()), lang=lang)}/"
            f"{format_number(len(gdf), lang=lang)}; {t('map.median', lang, value=median)}")


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


@dataclass(frozen=True)
class MapStyle:
    """The Map page's choices as another page (annex, print) applies them to its layer.

    ``warning`` is the error of manual breaks that could not be read (the default scheme is used instead).
    """

    column: str | None
    scheme: str
    k: int
    bins: tuple[float, ...] | None
    palette: str
    warning: GeoError | None = None

    @property
    def classes(self) -> int:
        """How many classes the map shows: one more than the manual breaks, else ``k``."""
        return len(self.bins) + 1 if self.bins else self.k


def map_style(indicators: Sequence[str], *, indicator: str | None = None, year: int | str | None = None,
              scheme: str = settings.DEFAULT_SCHEME, k: int = settings.DEFAULT_K, breaks: str | None = None,
              palette: str = settings.DEFAULT_PALETTE) -> MapStyle:
    """The Map page's choices for a layer with ``indicators``.

    An indicator the layer does not have (chosen on another dataset) gives the layer's first one; manual
    breaks that are blank or unreadable give the default scheme (with the reason in ``warning``).

    Examples
    --------
    >>> style = map_style(["poor_rate_2020", "poor_rate_2021"], indicator="near_poor_rate", scheme="manual",
    ...                   breaks="5; 10,5")
    >>> style.column, style.scheme, style.bins, style.classes
    ('poor_rate_2020', 'manual', (5.0, 10.5), 3)
    >>> map_style(["poor_rate_2020"], scheme="manual", breaks="").scheme == settings.DEFAULT_SCHEME
    True
    """
    try:
        column = value_column(indicators, indicator, year)
    except GeoError:  # the indicator of another dataset: this one's first
        column = value_column(indicators)
    bins, warning = None, None
    if scheme == "manual":
        try:
            bins = parse_breaks(breaks)
        except GeoError as exc:
            warning = exc
        if bins is None:
            scheme = settings.DEFAULT_SCHEME
    return MapStyle(column=column, scheme=scheme, k=k, bins=tuple(bins) if bins else None, palette=palette,
                    warning=warning)


def focus_view(gdf, code: str | None, zoom: int = 12) -> tuple[float, float, int] | None:
    """``(lat, lon, zoom)`` that centres the map on unit ``code`` (a point inside it), or None.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> units = gpd.GeoDataFrame({"code": ["1"]}, geometry=[box(106.0, 21.0, 107.0, 22.0)], crs=4326)
    >>> focus_view(units, "1"), focus_view(units, "2")
    ((21.5, 106.5, 12), None)
    """
    if code is None:
        return None
    row = gdf[gdf["code"] == code]
    if row.empty:
        return None
    if gdf.crs is not None:
        row = row.to_crs(4326)
    point = row.geometry.iloc[0].representative_point()
    return (point.y, point.x, zoom)


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
        area = registry.province_name(layer.province, vintage=layer.vintage, short=True) or str(layer.province)
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
        From :func:`geo.workflows.layer.build_layer`.
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
        # Hoàng Sa and Trường Sa on a map of Đà Nẵng, Khánh Hòa or the whole country (province codes of the units).
        provinces_shown=None if layer.province is None else {str(layer.province)},
        # The default boundaries are the same for everyone: their prepared geometry is kept on disk (a national
        # layer takes seconds to prepare).
        persist_geometry=layer.approximate and layer.build.boundaries.get("source") == "default",
    )


def prepare_restyles(layer: MapLayer, lang: str = DEFAULT_LANG, *, geometry_key: object = None) -> int:
    """Ready every indicator of ``layer`` for a restyle, as :func:`render_map` and the app's map component make it:
    the value texts formatted (:func:`geo.render.webmap.prepare_value_texts`), put in the geometry's order and
    made compact (:func:`geo.render.mapcomponent.split_style`), so a later change of indicator only classifies.
    The Map page calls it after its map is sent. Returns how many columns were formatted now (0 once done for
    this layer and language)."""
    from geo.render.mapcomponent import split_style
    from geo.render.webmap import prepare_value_texts

    count = prepare_value_texts(layer.gdf, {c: value_kind(c) for c in layer.indicators}, lang=lang)
    if count:
        for column in layer.indicators:
            split_style(render_map(layer, indicator=column, lang=lang, geometry_key=geometry_key).geo_parts.style)
    return count
