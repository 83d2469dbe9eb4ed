"""Interactive choropleth map of admin units (folium / Leaflet), offline and light.

One entry point, :func:`build_map`, returns a :class:`folium.Map` that the
Streamlit app shows with ``st_folium`` and that :func:`save_html` writes as
one standalone file. Three ideas keep it fast and small:

- **Geometry is prepared once.** :func:`web_geometry` simplifies the layer
  with shared borders kept (``shapely.coverage_simplify``), rounds it to
  ~1 m, encodes it compactly (integer deltas, rings left open) and caches
  the result by key. Changing the indicator, the classes, the palette, the
  language or the selection reuses it: a restyle only computes one class
  index and a few strings per unit.
- **One layer, no per-feature style.** All units are one ``L.geoJSON``
  layer whose style function reads a class index per unit and a palette of
  at most 7 colours; each feature carries one property, its ``code``, which
  is what ``st_folium`` returns on a click (``last_active_drawing``).
  Designations and the selection are drawn from the same decoded features,
  so no geometry is written twice.
- **No CDN.** The map loads Leaflet only, from the installed package found
  by :mod:`geo.render.assets` (no jQuery, Bootstrap or Font Awesome); the
  standalone file inlines it.

Every text that comes from data (unit names, types, districts, designation
names, the title) is HTML-escaped in Python before it reaches the page, so a
unit called ``<img src=x onerror=alert(1)>`` is shown as text in the
tooltip, the legend and the banners.

Designations are told apart without colour: border communes by a thick
dashed outline, ATK communes by diagonal hatching, Programme 135 communes by
dots and zone-III communes by cross-hatching (SVG patterns), each with the
same symbol and its name in the legend.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections import OrderedDict, namedtuple
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from folium.elements import Element, MacroElement
from folium.template import Template

from geo import settings
from geo._errors import GeoError
from geo.analysis.classify import Classification, classify, palette as _palette
from geo.text.i18n import DEFAULT_LANG, format_number, has_message, t

__all__ = [
    "DESIGNATION_STYLES",
    "SELECTED_STYLE",
    "UNIT_STYLE",
    "WebGeometry",
    "web_geometry",
    "build_map",
    "to_html",
    "save_html",
]

# Polygons of the units: thin white borders so that classes read as areas.
UNIT_STYLE = {"color": "#ffffff", "weight": 0.6, "opacity": 1.0, "fillOpacity": 0.85}
HOVER_STYLE = {"color": "#000000", "weight": 2.0}
DISTRICT_STYLE = {"color": "#252525", "weight": 1.8, "opacity": 0.9}
# Selection: a white halo under a black line shows on every palette.
SELECTED_STYLE = {"color": "#000000", "weight": 3.5, "halo": "#ffffff", "halo_weight": 7.0}

# Designations: each has its own fill pattern and outline dash, so they are
# distinguishable in grey scale and by colour-blind readers, and they stack.
# pattern: None | "hatch" (45°) | "hatch_back" (-45°) | "dots" | "cross" | "horizontal".
DESIGNATION_STYLES: dict[str, dict] = {
    "border": {"pattern": None, "color": "#1a1a1a", "weight": 3.5, "dash": "10 5"},
    "atk": {"pattern": "hatch", "color": "#3f007d", "weight": 1.5, "dash": None},
    "p135": {"pattern": "dots", "color": "#00441b", "weight": 1.5, "dash": "2 4"},
    "zone_iii": {"pattern": "cross", "color": "#7f2704", "weight": 1.5, "dash": "6 3 2 3"},
}
_FALLBACK_DESIGNATION_STYLES = (
    {"pattern": "hatch_back", "color": "#08306b", "weight": 1.5, "dash": "4 4"},
    {"pattern": "horizontal", "color": "#67000d", "weight": 1.5, "dash": "1 3"},
)
PATTERN_SIZE_PX = 8

# Words in a column name that tell how to show its values.
_HOUSEHOLD_COLUMNS = {"households", "poor", "near_poor", "poor_reduced", "near_poor_reduced"}


# --------------------------------------------------------------------------
# Geometry: simplified, rounded, encoded, cached
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class WebGeometry:
    """A layer's geometry, ready for the web and independent of any indicator.

    Attributes
    ----------
    key
        The cache key it was prepared under.
    codes
        Unit codes, in the order of the encoded features.
    gdf
        GeoDataFrame (``code``, ``geometry``) of the simplified, rounded polygons, EPSG:4326.
    payload
        The encoded geometry as script-safe JSON (see :func:`_encode`).
    bounds
        (minx, miny, maxx, maxy) in degrees.
    """

    key: object
    codes: tuple[str, ...]
    gdf: object = field(repr=False)
    payload: str = field(repr=False)
    bounds: tuple[float, float, float, float]
    n_vertices: int
    _derived: dict = field(default_factory=dict, repr=False)

    @property
    def index(self) -> dict[str, int]:
        """code -> position in :attr:`codes`."""
        if "index" not in self._derived:
            self._derived["index"] = {c: i for i, c in enumerate(self.codes)}
        return self._derived["index"]


CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])


class _GeometryCache:
    """A small LRU of prepared layers with functools-style statistics."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        if key in self._data:
            self._data.move_to_end(key)
            self.hits += 1
            return self._data[key]
        self.misses += 1
        return None

    def put(self, key, value) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def info(self) -> CacheInfo:
        return CacheInfo(self.hits, self.misses, self.maxsize, len(self._data))

    def clear(self) -> None:
        self._data.clear()
        self.hits = self.misses = 0


_CACHE = _GeometryCache(settings.WEB_GEOMETRY_CACHE_SIZE)


def web_geometry(
    gdf,
    *,
    key: object = None,
    tolerance: float = settings.WEB_SIMPLIFY_TOLERANCE_DEG,
    decimals: int = settings.WEB_COORD_DECIMALS,
    code_column: str = "code",
) -> WebGeometry:
    """Simplify (shared borders kept), round and encode a layer; cached.

    Parameters
    ----------
    gdf
        GeoDataFrame of polygons with a unique ``code`` column, any CRS
        (reprojected to EPSG:4326; none is taken as EPSG:4326).
    key
        Hashable name of the layer, e.g. ``(province, level, vintage)``. The
        cache also checks the set of codes, so another layer under the same
        key is not mistaken for it. ``None``: a hash of the geometry is used.
    tolerance
        ``shapely.coverage_simplify`` tolerance in degrees.
    decimals
        Decimals kept in coordinates (5 ≈ 1 m).

    The statistics of the cache are ``web_geometry.cache_info()``; empty it
    with ``web_geometry.cache_clear()``.
    """
    codes = _codes(gdf, code_column)
    fingerprint = (len(codes), hashlib.blake2b("\x1f".join(sorted(codes)).encode(), digest_size=16).hexdigest())
    if key is None:
        key = ("content", _geometry_hash(gdf))
    cache_key = (key, fingerprint, float(tolerance), int(decimals))
    hit = _CACHE.get(cache_key)
    if hit is not None:
        return hit
    result = _prepare(gdf, codes, key=key, tolerance=tolerance, decimals=decimals)
    _CACHE.put(cache_key, result)
    return result


web_geometry.cache_info = _CACHE.info  # type: ignore[attr-defined]
web_geometry.cache_clear = _CACHE.clear  # type: ignore[attr-defined]


def _codes(gdf, code_column: str) -> list[str]:
    if code_column not in gdf.columns:
        raise GeoError("map_column_missing", column=code_column, columns=", ".join(map(str, gdf.columns)))
    codes = gdf[code_column].astype(str).tolist()
    if len(set(codes)) != len(codes):
        dup = pd.Series(codes)[pd.Series(codes).duplicated()].unique()[:5]
        raise GeoError("map_duplicate_codes", codes=", ".join(dup))
    return codes


def _geometry_hash(gdf) -> str:
    import shapely

    h = hashlib.blake2b(digest_size=16)
    for wkb in shapely.to_wkb(np.asarray(gdf.geometry.values)):
        h.update(wkb if wkb is not None else b"\x00")
    h.update(str(gdf.crs).encode())
    return h.hexdigest()


def _prepare(gdf, codes: list[str], *, key, tolerance: float, decimals: int) -> WebGeometry:
    import geopandas as gpd
    import shapely

    geoms = gdf.geometry
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs("EPSG:4326")
    arr = np.asarray(geoms.values, dtype=object)
    type_ids = shapely.get_type_id(arr)
    keep = np.isin(type_ids, (3, 6)) & ~shapely.is_empty(arr)  # Polygon, MultiPolygon
    arr = arr[keep]
    kept_codes = [c for c, k in zip(codes, keep) if k]
    invalid = ~shapely.is_valid(arr)
    if invalid.any():
        arr[invalid] = shapely.make_valid(arr[invalid], method="structure", keep_collapsed=False)
    if len(arr):
        arr = shapely.coverage_simplify(arr, tolerance)
        arr = shapely.set_precision(arr, 10.0**-decimals, mode="pointwise")
    simplified = gpd.GeoDataFrame({"code": kept_codes}, geometry=arr, crs="EPSG:4326")
    payload, n_vertices = _encode(arr, kept_codes, decimals)
    bounds = tuple(float(b) for b in shapely.total_bounds(arr)) if len(arr) else (np.nan,) * 4
    return WebGeometry(
        key=key, codes=tuple(kept_codes), gdf=simplified, payload=payload, bounds=bounds, n_vertices=n_vertices
    )


def _encode(arr: np.ndarray, codes: Sequence[str], decimals: int) -> tuple[str, int]:
    """Compact, script-safe JSON for polygons; decoded by ``decodeGeometry`` in the page.

    ``c``: x, y of every vertex as integers (coordinate × 10^decimals),
    each the difference from the previous vertex; rings are left open (the
    closing vertex is implied) and repeated vertices dropped. ``r``:
    vertices per ring; ``p``: rings per polygon; ``f``: polygons per feature.
    """
    import shapely

    if len(arr) == 0:
        return _js_json({"q": 10**decimals, "c": [], "r": [], "p": [], "f": [], "codes": []}), 0
    geom_type, coords, offsets = shapely.to_ragged_array(arr)  # mixed Polygon/MultiPolygon -> MultiPolygon
    if geom_type == shapely.GeometryType.POLYGON:
        ring_off, poly_off = offsets
        feat_off = np.arange(len(poly_off))
    else:
        ring_off, poly_off, feat_off = offsets
    q = np.rint(coords * 10**decimals).astype(np.int64)
    n_rings = len(ring_off) - 1
    ring_id = np.repeat(np.arange(n_rings), np.diff(ring_off))
    # drop the closing vertex of every ring, then vertices equal to the previous one in their ring
    keep = np.ones(len(q), dtype=bool)
    keep[ring_off[1:] - 1] = False
    same = np.zeros(len(q), dtype=bool)
    same[1:] = (q[1:] == q[:-1]).all(axis=1) & (ring_id[1:] == ring_id[:-1])
    keep &= ~same
    q, ring_id = q[keep], ring_id[keep]
    ring_len = np.bincount(ring_id, minlength=n_rings)
    delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    body = ",".join(map(str, delta.ravel().tolist()))
    parts = {
        "q": 10**decimals,
        "r": ring_len.tolist(),
        "p": np.diff(poly_off).tolist(),
        "f": np.diff(feat_off).tolist(),
        "codes": list(codes),
    }
    head = _js_json(parts)
    return head[:-1] + ',"c":[' + body + "]}", int(len(q))


_TEMPLATE_OPENERS = re.compile(r"\{(?=[{%#])")


def _js_json(obj) -> str:
    """JSON that is safe inside ``<script>`` and inert for Jinja.

    No ``<`` at all (so no ``</script>``), and no ``{{``, ``{%`` or ``{#``
    (branca renders every element's output once more as a Jinja template; a
    unit named ``{{ 7*7 }}`` must stay text). Structural JSON never produces
    those pairs, so only string contents are touched, as ``\\u007b``.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return _TEMPLATE_OPENERS.sub(r"\\u007b", text)


def _district_outlines(geom: WebGeometry, gdf) -> WebGeometry | None:
    """District outlines dissolved from the prepared communes (cached with them)."""
    if "district_code" not in gdf.columns:
        raise GeoError("map_column_missing", column="district_code", columns=", ".join(map(str, gdf.columns)))
    if "districts" not in geom._derived:
        import geopandas as gpd
        import shapely

        district_of = dict(zip(gdf["code"].astype(str).tolist(), gdf["district_code"].astype(str).tolist()))
        keys = np.array([district_of.get(c, "") for c in geom.codes], dtype=object)
        polygons = np.asarray(geom.gdf.geometry.values)
        order = np.argsort(keys, kind="stable")
        starts = np.flatnonzero(np.r_[True, keys[order][1:] != keys[order][:-1]])
        parts = []
        for members in np.split(order, starts[1:]):
            try:
                merged = shapely.coverage_union_all(polygons[members])
            except shapely.errors.GEOSException:
                merged = shapely.union_all(polygons[members])
            parts.append((keys[members[0]], merged))
        outlines = gpd.GeoDataFrame({"code": [p[0] for p in parts]}, geometry=[p[1] for p in parts], crs="EPSG:4326")
        arr = np.asarray(outlines.geometry.values)
        payload, n = _encode(arr, outlines["code"].tolist(), settings.WEB_COORD_DECIMALS)
        geom._derived["districts"] = WebGeometry(
            key=("districts", geom.key), codes=tuple(outlines["code"]), gdf=outlines, payload=payload,
            bounds=geom.bounds, n_vertices=n,
        )
    return geom._derived["districts"]


# --------------------------------------------------------------------------
# Map
# --------------------------------------------------------------------------
def build_map(
    gdf,
    *,
    value_column: str,
    classification: Classification | None = None,
    scheme: str = settings.DEFAULT_SCHEME,
    k: int = settings.DEFAULT_K,
    bins: Sequence[float] | None = None,
    palette: str = settings.DEFAULT_PALETTE,
    lang: str = DEFAULT_LANG,
    value_kind: str | None = None,
    tooltip_columns: Sequence[str] = (),
    district_outlines=None,
    designations: Mapping[str, Collection[str]] | None = None,
    selected: Collection[str] = (),
    approximate: bool = False,
    illustrative: bool = False,
    basemap: bool = False,
    title: str | None = None,
    geometry_key: object = None,
    asset_urls=None,
    legend_kwds: Mapping | None = None,
    style_kwds: Mapping | None = None,
    map_kwds: Mapping | None = None,
):
    """A choropleth of one indicator over admin units, as a :class:`folium.Map`.

    Parameters
    ----------
    gdf
        GeoDataFrame of units with ``code`` (unique) and ``value_column``;
        ``name``, ``type`` and ``district_name`` are shown in the tooltip when
        present (the columns of ``geo.units.tessellation.default_boundaries``).
    value_column
        Column to map.
    classification
        Ready classes for ``gdf[value_column]`` (row order of ``gdf``);
        otherwise computed with ``scheme``, ``k``, ``bins`` (see
        :func:`geo.analysis.classify.classify`).
    palette
        ColorBrewer sequential palette, one of ``settings.SEQUENTIAL_PALETTES``.
    lang
        ``"vi"`` (default) or ``"en"``: labels and number format.
    value_kind
        ``"percent"``, ``"households"`` or ``"number"``; by default guessed
        from the column name (``*rate*`` → percent, ``poor``/``households``… → households).
    tooltip_columns
        More columns shown in the tooltip after the value.
    district_outlines
        ``True``: district outlines dissolved from ``gdf`` by
        ``district_code`` (cached with the geometry); a GeoDataFrame: those
        outlines, simplified and cached; ``None``: none.
    designations
        ``{type: codes}``, e.g. ``{"border": {...}, "atk": {...}, "p135": {...},
        "zone_iii": {...}}``. Each type is drawn with its own pattern and
        outline from :data:`DESIGNATION_STYLES`, listed in the legend and
        named in the tooltip.
    selected
        Codes to highlight (halo outline), e.g. the unit clicked last.
    approximate
        Show the "sơ đồ gần đúng" banner (boundaries estimated, not official).
    illustrative
        Show the "illustrative figures" banner.
    basemap
        Add an OpenStreetMap tile layer (needs internet; off by default).
    title
        Title shown at the top of the map.
    geometry_key
        Cache key of the geometry, e.g. ``(province, level, vintage)``; see :func:`web_geometry`.
    asset_urls
        :class:`geo.render.assets.AssetUrls` for Leaflet; default
        :func:`geo.render.assets.static_urls` (Streamlit static serving).
        :func:`save_html` inlines Leaflet whatever is set here.
    legend_kwds
        ``title`` (default: the indicator's label), ``decimals`` (default 2,
        0 for households), ``counts`` (show units per class, default True).
    style_kwds
        Overrides of :data:`UNIT_STYLE` (``color``, ``weight``, ``opacity``, ``fillOpacity``).
    map_kwds
        Passed to :class:`folium.Map` (``width``, ``height``, ``min_zoom``…).

    Returns
    -------
    folium.Map
    """
    from geo.render import assets

    if value_column not in gdf.columns:
        raise GeoError("map_column_missing", column=value_column, columns=", ".join(map(str, gdf.columns)))
    legend_kwds = dict(legend_kwds or {})
    unit_style = {**UNIT_STYLE, **dict(style_kwds or {})}
    kind = value_kind or _guess_kind(value_column)

    geom = web_geometry(gdf, key=geometry_key)
    if classification is not None and len(classification.yb) != len(gdf):
        msg = f"classification has {len(classification.yb)} values for {len(gdf)} rows"
        raise ValueError(msg)
    if classification is None:
        classification = classify(gdf[value_column], scheme=scheme, k=k, bins=bins, column=value_column)
    colours = list(_palette(palette, classification.k)) if classification.k else []

    # Everything below is per restyle: arrays aligned with geom.codes.
    codes = gdf["code"].astype(str).to_numpy()
    pos = np.array([geom.index.get(c, -1) for c in codes])
    drawn = pos >= 0
    n = len(geom.codes)
    cls = np.full(n, -1, dtype=int)
    cls[pos[drawn]] = classification.yb[drawn]
    rows = np.full(n, -1, dtype=int)
    rows[pos[drawn]] = np.flatnonzero(drawn)

    def column_in_geom_order(values) -> list:
        values = list(values)
        return [values[r] if r >= 0 else None for r in rows]

    decimals = legend_kwds.get("decimals", 0 if kind == "households" else settings.LEGEND_DECIMALS)
    names = column_in_geom_order(_escaped(gdf["name"]) if "name" in gdf.columns else codes)
    value_text = column_in_geom_order(_format_values(gdf[value_column], kind, lang, decimals))
    tip = {"names": names, "value": value_text, "valueLabel": _esc(_column_label(value_column, lang))}
    for column, label_key in (("type", "map.type"), ("district_name", "map.district")):
        if column in gdf.columns:
            tip.setdefault("cats", []).append(_categorical(column_in_geom_order(_escaped(gdf[column])), t(label_key, lang)))
    extras = []
    for column in tooltip_columns:
        if column not in gdf.columns:
            raise GeoError("map_column_missing", column=column, columns=", ".join(map(str, gdf.columns)))
        extra_kind = _guess_kind(column)
        extras.append(
            {
                "label": _esc(_column_label(column, lang)),
                "values": column_in_geom_order(
                    _format_values(gdf[column], extra_kind, lang, 0 if extra_kind == "households" else decimals)
                ),
            }
        )
    tip["extras"] = extras

    des_specs = []
    for i, (dtype, members) in enumerate((designations or {}).items()):
        style = DESIGNATION_STYLES.get(dtype) or _FALLBACK_DESIGNATION_STYLES[i % len(_FALLBACK_DESIGNATION_STYLES)]
        idx = sorted(geom.index[c] for c in {str(c) for c in members} if c in geom.index)
        des_specs.append(
            {
                "id": f"geo-pat-{i}-{re.sub(r'[^a-z0-9_-]', '', str(dtype).lower())}",
                "label": _esc(_designation_label(dtype, lang)),
                "idx": idx,
                **style,
            }
        )
    sel_idx = sorted(geom.index[c] for c in {str(c) for c in selected} if c in geom.index)

    outlines = None
    if district_outlines is True:
        outlines = _district_outlines(geom, gdf)
    elif district_outlines is not None and district_outlines is not False:
        outlines = web_geometry(
            district_outlines if "code" in district_outlines.columns else district_outlines.assign(
                code=[str(i) for i in range(len(district_outlines))]
            ),
            key=None if geometry_key is None else ("district_outlines", geometry_key),
        )

    legend_html = _legend_html(
        classification, colours, lang=lang, decimals=decimals,
        title=legend_kwds.get("title", _column_label(value_column, lang)),
        counts=legend_kwds.get("counts", True), designations=des_specs,
        selected=bool(sel_idx), outlines=outlines is not None,
    )
    header_html = _header_html(title, lang=lang, approximate=approximate, illustrative=illustrative)
    style_payload = {
        "cls": cls.tolist(),
        "pal": colours,
        "nd": settings.NO_DATA_COLOR,
        "unit": unit_style,
        "hover": HOVER_STYLE,
        "district": DISTRICT_STYLE,
        "sel": sel_idx,
        "selStyle": SELECTED_STYLE,
        "des": des_specs,
        "desLabel": _esc(t("map.designations", lang)),
        "tip": tip,
        "legend": legend_html,
        "header": header_html,
        "pattern": PATTERN_SIZE_PX,
    }

    minx, miny, maxx, maxy = geom.bounds
    kwds = {"tiles": None, "control_scale": True, "prefer_canvas": False, **dict(map_kwds or {})}
    if np.isfinite([minx, miny, maxx, maxy]).all():
        kwds.setdefault("location", [(miny + maxy) / 2, (minx + maxx) / 2])
    m = folium.Map(**kwds)
    urls = asset_urls or assets.static_urls()
    m.default_js = list(urls.js)
    m.default_css = list(urls.css)
    if basemap:
        folium.TileLayer("OpenStreetMap", name=t("map.basemap", lang), control=False).add_to(m)
    _ChoroplethLayer(geom.payload, _js_json(style_payload), outlines.payload if outlines else "null").add_to(m)
    if np.isfinite([minx, miny, maxx, maxy]).all():
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _escaped(series: pd.Series) -> list:
    """HTML-escaped strings (None for missing), escaping each distinct value once."""
    values = series.tolist()
    table = {v: _esc(v) for v in set(values) if not (v is None or (isinstance(v, float) and np.isnan(v)))}
    return [table.get(v) if not (isinstance(v, float) and np.isnan(v)) else None for v in values]


def _categorical(values: list, label: str) -> dict:
    """Repeated strings (types, districts) as a lookup table plus one index per unit."""
    table: dict = {}
    idx = [-1 if v is None else table.setdefault(v, len(table)) for v in values]
    return {"label": _esc(label), "table": list(table), "idx": idx}


def _guess_kind(column: str) -> str:
    name = str(column).lower()
    if "rate" in name or name.endswith("_pct") or name.endswith("%"):
        return "percent"
    if name in _HOUSEHOLD_COLUMNS:
        return "households"
    return "number"


def _column_label(column: str, lang: str) -> str:
    key = f"indicator.{column}"
    if has_message(key):
        return t(key, lang)
    from geo.analysis.indicators import label as indicator_label, parse_column

    base, year = parse_column(str(column))
    return indicator_label(str(column), lang) if year is not None and has_message(f"indicator.{base}") else str(column)


def _designation_label(dtype: str, lang: str) -> str:
    key = f"designation.{dtype}"
    return t(key, lang) if has_message(key) else str(dtype)


_SEPARATOR_SWAP = str.maketrans({",": ".", ".": ","})


def _format_values(series: pd.Series, kind: str, lang: str, decimals: int) -> list[str]:
    """Values as text in the reader's number format, with their unit; "no data" when missing.

    Same output as :func:`geo.text.i18n.format_number` (checked in the tests),
    written for 10,000 values per restyle.
    """
    values = pd.to_numeric(series, errors="coerce").astype("float64").tolist()
    no_data = _esc(t("no_data", lang))
    suffix = {"percent": "%", "households": " " + t("unit.households", lang)}.get(kind, "")
    swap = format_number(1234.5, 1, lang) == "1.234,5"  # Vietnamese separators
    spec = f",.{decimals}f"
    out = []
    for v in values:
        if v != v or v in (np.inf, -np.inf):
            out.append(no_data)
            continue
        text = format(v if decimals else round(v), spec)
        out.append((text.translate(_SEPARATOR_SWAP) if swap else text) + suffix)
    return out


def _swatch_svg(spec: dict, *, fill: str = "none") -> str:
    dash = f' stroke-dasharray="{spec["dash"]}"' if spec.get("dash") else ""
    pattern_fill = f"url(#{spec['id']})" if spec.get("pattern") else fill
    return (
        f'<svg class="geo-sw" width="26" height="16" aria-hidden="true"><rect x="2" y="2" width="22" height="12" '
        f'fill="{pattern_fill}" stroke="{spec["color"]}" stroke-width="{min(spec["weight"], 3)}"{dash}/></svg>'
    )


def _legend_html(
    c: Classification, colours: list[str], *, lang: str, decimals: int, title: str, counts: bool,
    designations: list[dict], selected: bool, outlines: bool,
) -> str:
    rows = []
    labels = c.legend_labels(lang, decimals, no_data=False)
    for colour, label, count in zip(colours, labels, c.counts):
        suffix = f' <span class="geo-n">({format_number(count, 0, lang)})</span>' if counts else ""
        rows.append(f'<div><i style="background:{colour}"></i>{_esc(label)}{suffix}</div>')
    if c.n_missing or c.k == 0:
        suffix = f' <span class="geo-n">({format_number(c.n_missing, 0, lang)})</span>' if counts else ""
        rows.append(
            f'<div><i class="geo-nd" style="background:{settings.NO_DATA_COLOR}"></i>{_esc(t("no_data", lang))}{suffix}</div>'
        )
    extra = []
    for spec in designations:
        extra.append(f'<div class="geo-des-row">{_swatch_svg(spec)}{spec["label"]} '
                     f'<span class="geo-n">({format_number(len(spec["idx"]), 0, lang)})</span></div>')
    if outlines:
        extra.append(f'<div>{_swatch_svg({"color": DISTRICT_STYLE["color"], "weight": 2, "id": ""})}'
                     f'{_esc(t("map.district_outlines", lang))}</div>')
    if selected:
        extra.append(f'<div>{_swatch_svg({"color": SELECTED_STYLE["color"], "weight": 3, "id": ""})}'
                     f'{_esc(t("map.selected", lang))}</div>')
    body = "".join(rows)
    if extra:
        body += '<hr class="geo-hr">' + "".join(extra)
    return f'<div class="geo-legend-title">{_esc(title)}</div>{body}'


def _header_html(title: str | None, *, lang: str, approximate: bool, illustrative: bool) -> str:
    parts = []
    if title:
        parts.append(f'<div class="geo-title">{_esc(title)}</div>')
    if approximate:
        parts.append(f'<div class="geo-note geo-approx" role="note">{_esc(t("approximate_note", lang))}</div>')
    if illustrative:
        parts.append(f'<div class="geo-note geo-illus" role="note">{_esc(t("illustrative_note", lang))}</div>')
    return "".join(parts)


_CSS = """
.geo-header{position:absolute;top:8px;left:50%;transform:translateX(-50%);z-index:1000;max-width:70%;
 text-align:center;pointer-events:none;font:13px/1.35 Arial,Helvetica,sans-serif}
.geo-title{background:rgba(255,255,255,.9);padding:4px 10px;border-radius:4px;font-weight:bold;font-size:15px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);margin-bottom:4px}
.geo-note{padding:3px 8px;border-radius:4px;margin-bottom:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)}
.geo-approx{background:#fff3cd;border:2px dashed #8a6d00;color:#3d3000;font-weight:bold}
.geo-illus{background:#e8eaf6;border:1px solid #3949ab;color:#1a237e}
.geo-legend{background:rgba(255,255,255,.92);padding:6px 9px;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.35);
 font:12px/1.5 Arial,Helvetica,sans-serif;max-height:60vh;overflow:auto}
.geo-legend-title{font-weight:bold;margin-bottom:3px}
.geo-legend i{display:inline-block;width:18px;height:12px;margin-right:6px;vertical-align:-1px;border:1px solid #999}
.geo-legend .geo-nd{background-image:repeating-linear-gradient(45deg,#fff 0 2px,transparent 2px 5px)!important}
.geo-legend .geo-sw{vertical-align:-4px;margin-right:4px}
.geo-n{color:#555}
.geo-hr{border:0;border-top:1px solid #ccc;margin:4px 0}
.leaflet-tooltip.geo-tip{font:12px/1.4 Arial,Helvetica,sans-serif}
"""

_JS = r"""
(function () {
  var map = {{ this._parent.get_name() }};
  var G = {{ this.geometry }};
  var S = {{ this.style }};
  var D = {{ this.districts }};
  var NS = "http://www.w3.org/2000/svg";
  if (!document.getElementById("geo-webmap-css")) {
    var css = document.createElement("style");
    css.id = "geo-webmap-css";
    css.textContent = {{ this.css }};
    document.head.appendChild(css);
  }
  function decode(g) {
    var c = g.c, q = g.q, x = 0, y = 0, ci = 0, ri = 0, pi = 0, feats = [];
    for (var i = 0; i < g.f.length; i++) {
      var polys = [];
      for (var a = 0; a < g.f[i]; a++) {
        var rings = [];
        for (var b = 0; b < g.p[pi]; b++) {
          var n = g.r[ri++], ring = new Array(n);
          for (var j = 0; j < n; j++) { x += c[ci++]; y += c[ci++]; ring[j] = [x / q, y / q]; }
          rings.push(ring);
        }
        pi++;
        polys.push(rings);
      }
      feats.push({type: "Feature", properties: {code: g.codes[i]},
        geometry: polys.length === 1 ? {type: "Polygon", coordinates: polys[0]} : {type: "MultiPolygon", coordinates: polys}});
    }
    return feats;
  }
  // SVG fill patterns for designations, defined once per page.
  var defsHost = document.getElementById("geo-webmap-defs");
  if (!defsHost) {
    defsHost = document.createElementNS(NS, "svg");
    defsHost.setAttribute("id", "geo-webmap-defs");
    defsHost.setAttribute("width", "0"); defsHost.setAttribute("height", "0");
    defsHost.setAttribute("style", "position:absolute;width:0;height:0;overflow:hidden");
    defsHost.appendChild(document.createElementNS(NS, "defs"));
    document.body.appendChild(defsHost);
  }
  var sheet = [];
  S.des.forEach(function (d, k) {
    var cls = "geo-des-" + k;
    d.cls = cls;
    if (!d.pattern) { sheet.push("." + cls + "{fill:none}"); return; }
    if (!document.getElementById(d.id)) {
      var s = S.pattern, p = document.createElementNS(NS, "pattern");
      p.setAttribute("id", d.id); p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", s); p.setAttribute("height", s);
      var rot = {hatch: 45, hatch_back: -45, cross: 45, horizontal: 0, dots: 0}[d.pattern] || 0;
      if (rot) p.setAttribute("patternTransform", "rotate(" + rot + ")");
      var line = function (x1, y1, x2, y2) {
        var l = document.createElementNS(NS, "line");
        l.setAttribute("x1", x1); l.setAttribute("y1", y1); l.setAttribute("x2", x2); l.setAttribute("y2", y2);
        l.setAttribute("stroke", d.color); l.setAttribute("stroke-width", 2); p.appendChild(l);
      };
      if (d.pattern === "dots") {
        var dot = document.createElementNS(NS, "circle");
        dot.setAttribute("cx", s / 2); dot.setAttribute("cy", s / 2); dot.setAttribute("r", 1.6);
        dot.setAttribute("fill", d.color); p.appendChild(dot);
      } else if (d.pattern === "horizontal") { line(0, s / 2, s, s / 2); }
      else { line(s / 2, 0, s / 2, s); if (d.pattern === "cross") line(0, s / 2, s, s / 2); }
      defsHost.firstChild.appendChild(p);
    }
    sheet.push("." + cls + "{fill:url(#" + d.id + ");fill-opacity:1}");
  });
  var st = document.createElement("style"); st.textContent = sheet.join("\n"); document.head.appendChild(st);

  var feats = decode(G), T = S.tip, IDX = {}, desOf = [];
  G.codes.forEach(function (c, i) { IDX[c] = i; });
  S.des.forEach(function (d) { d.idx.forEach(function (i) { (desOf[i] = desOf[i] || []).push(d.label); }); });
  function tooltip(i) {
    var h = "<b>" + (T.names[i] === null ? G.codes[i] : T.names[i]) + "</b>";
    (T.cats || []).forEach(function (c) { if (c.idx[i] >= 0) h += "<br>" + c.label + ": " + c.table[c.idx[i]]; });
    h += "<br>" + T.valueLabel + ": <b>" + T.value[i] + "</b>";
    T.extras.forEach(function (e) { h += "<br>" + e.label + ": " + e.values[i]; });
    if (desOf[i]) h += "<br>" + S.desLabel + ": " + desOf[i].join(", ");
    return h;
  }
  function style(f) {
    var c = S.cls[IDX[f.properties.code]], u = S.unit;
    return {fillColor: c < 0 ? S.nd : S.pal[c], fillOpacity: u.fillOpacity, color: u.color, weight: u.weight, opacity: u.opacity};
  }
  var units = L.geoJSON(feats, {
    style: style,
    onEachFeature: function (f, layer) {
      layer.bindTooltip(tooltip(IDX[f.properties.code]), {sticky: true, className: "geo-tip"});
      layer.on({
        mouseover: function (e) { e.target.setStyle(S.hover); },
        mouseout: function (e) { units.resetStyle(e.target); }
      });
    }
  }).addTo(map);
  function subset(idx) { return idx.map(function (i) { return feats[i]; }); }
  if (D) {
    L.geoJSON(decode(D), {interactive: false, style: function () {
      return {fill: false, color: S.district.color, weight: S.district.weight, opacity: S.district.opacity};
    }}).addTo(map);
  }
  S.des.forEach(function (d) {
    if (!d.idx.length) return;
    L.geoJSON(subset(d.idx), {interactive: false, style: function () {
      return {className: d.cls, fill: !!d.pattern, fillOpacity: 1, color: d.color, weight: d.weight, opacity: 1,
              dashArray: d.dash || null};
    }}).addTo(map);
  });
  if (S.sel.length) {
    var ss = S.selStyle;
    L.geoJSON(subset(S.sel), {interactive: false, style: function () {
      return {fill: false, color: ss.halo, weight: ss.halo_weight, opacity: 0.9}; }}).addTo(map);
    L.geoJSON(subset(S.sel), {interactive: false, style: function () {
      return {fill: false, color: ss.color, weight: ss.weight, opacity: 1}; }}).addTo(map);
  }
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "geo-legend");
    div.innerHTML = S.legend;
    L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  if (S.header) {
    var head = L.DomUtil.create("div", "geo-header", map.getContainer());
    head.innerHTML = S.header;
  }
})();
"""


class _ChoroplethLayer(MacroElement):
    """Units, outlines, designations, selection, legend and banners in one script."""

    _template = Template("{% macro script(this, kwargs) %}" + _JS + "{% endmacro %}")

    def __init__(self, geometry: str, style: str, districts: str) -> None:
        super().__init__()
        self._name = "GeoChoropleth"
        self.geometry = geometry
        self.style = style
        self.districts = districts
        self.css = _js_json(_CSS)

    def render(self, **kwargs) -> None:
        # branca would wrap the output in Element(...), i.e. parse megabytes of
        # data as a Jinja template once more: slow, and a template injection
        # risk. The script is final text; add it as such.
        figure = self.get_root()
        figure.script.add_child(_RawScript(self._template.module.script(self, kwargs)), name=self.get_name())


class _RawScript(Element):
    """Already rendered script text, inserted verbatim."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


# --------------------------------------------------------------------------
# Standalone HTML
# --------------------------------------------------------------------------
_EXTERNAL_ASSET = re.compile(r"<(?:script[^>]*\ssrc|link[^>]*\shref)\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


def to_html(m) -> str:
    """The map as one HTML document with Leaflet inlined (no script, style or font URL)."""
    from geo.render import assets

    page = m.get_root().render()
    for name, url in getattr(m, "default_js", []):
        tag = f'<script src="{url}"></script>'
        if name == assets.JS_NAME and tag in page:
            page = page.replace(tag, "<script>" + assets.inline_js() + "</script>", 1)
    for name, url in getattr(m, "default_css", []):
        tag = f'<link rel="stylesheet" href="{url}"/>'
        if name == assets.CSS_NAME and tag in page:
            page = page.replace(tag, "<style>" + assets.inline_css() + "</style>", 1)
    leftover = _EXTERNAL_ASSET.findall(page)
    if leftover:
        msg = f"map still loads external assets after inlining: {leftover[:3]}"
        raise RuntimeError(msg)
    return page


def save_html(m, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``m`` as a standalone HTML file that works offline.

    Leaflet is inlined from the installed package; only the optional
    basemap tiles come from the internet. Raises ``GeoError("output_exists")``
    when ``path`` exists and ``overwrite`` is false. The write is atomic.
    """
    from geo.io.write import write_bytes

    out = Path(path)
    if out.exists() and not overwrite:
        raise GeoError("output_exists", path=str(out))
    return write_bytes(out, to_html(m).encode("utf-8"), overwrite=overwrite)  # the one atomic writer
