"""Print maps for plan annexes: choropleths drawn server-side with matplotlib.

A printed annex map is signed and filed, so it must be complete on its own:
title and subtitle, a legend whose class ranges use the reader's number
format (``8,51 – 12,06``) and list the "Không có dữ liệu" class, a scale bar
in kilometres and a north arrow, district boundaries, unit labels that do not
collide, policy designations drawn with hatching (readable in black and
white), highlighted selected units, the source, the date and, on the default
boundaries, the "sơ đồ gần đúng" note.

Maps are drawn in a metric CRS (the UTM zone of the layer, EPSG:32648 for
Lạng Sơn), and the map scale is rounded up to a round number (1:750.000), so
the printed scale statement and the scale bar are exact on paper.

Public entry points:

- :func:`print_map` -> a :class:`matplotlib.figure.Figure` of one page;
- :func:`save_figure` -> PDF (vector, TrueType fonts embedded), PNG (300 dpi,
  exact paper size: A4 portrait is 2480 x 3508 pixels) or SVG (text as paths);
- :func:`atlas` -> one multi-page PDF, one page per district zoomed to its
  communes (neighbours greyed), after an overview page of the whole layer
  (:data:`geo.settings.PRINT_ATLAS_OVERVIEW`; Lạng Sơn: 1 + 11 = 12 pages).

Every text uses DejaVu Sans (bundled with matplotlib), whose glyphs cover all
Vietnamese letters; strings are NFC-normalised before drawing so a decomposed
name from a file cannot split its diacritics off.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import math
import os
import textwrap
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import matplotlib
import matplotlib.artist
import numpy as np
import pandas as pd
import shapely
import shapely.ops

# While matplotlib defines its artists, each class's set() gets a docstring listing every property, built by
# inspecting every setter's documentation: a third of importing matplotlib's figure, text and collections (0.2 of
# 0.6 s), paid by every print command. Those lists are only read by help(); they are left out while these modules
# are first imported (on the matplotlib this was measured on), and kwdoc is put back for anything imported later.
_kwdoc = matplotlib.artist.kwdoc
if matplotlib.__version__.startswith("3.11."):
    matplotlib.artist.kwdoc = lambda artist: ""
try:
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon as MplPolygon
    from matplotlib.patches import Rectangle
    from matplotlib.path import Path as MplPath
finally:
    matplotlib.artist.kwdoc = _kwdoc

from geo import settings
from geo._errors import GeoError
from geo.io.write import atomic_path, check_output
from geo.analysis.classify import Classification, classify, colors_for, palette as palette_colors
from geo.text.i18n import DEFAULT_LANG, format_day, format_number, t
from geo.text.names import nfc

__all__ = ["FORMATS", "LABEL_MODES", "print_map", "retitle", "save_figure", "figure_png", "atlas", "paper_size_mm",
           "paper_size_px"]

FORMATS = ("pdf", "png", "svg")
LABEL_MODES = ("name", "code", None)

# Savefig settings. pdf.fonttype 42 embeds TrueType (DejaVu Sans) with a
# ToUnicode map, so the PDF prints exactly and its text can be searched and
# copied ("Tỷ lệ hộ nghèo"). svg.fonttype "path" draws every glyph as a path:
# the SVG then renders the same everywhere, even where DejaVu Sans is not
# installed and a fallback font would misplace the stacked Vietnamese marks;
# matplotlib keeps each string as an XML comment beside its paths.
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [settings.PRINT_FONT],
    "pdf.fonttype": 42,
    # zlib level 3 instead of 6: a page's content stream compresses 2.5x faster, for a file about 12 % larger.
    "pdf.compression": 3,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "hatch.linewidth": 0.6,
    "axes.unicode_minus": False,
}
_MM_PER_INCH = 25.4
_PT_PER_MM = 72 / _MM_PER_INCH
_LAYOUT_DPI = 100  # figure dpi while laying out; exports set their own

# Hatch and outline of each designation type: distinguishable without colour.
DESIGNATION_STYLES: dict[str, dict] = {
    "border": {"hatch": "////", "edgecolor": "#333333"},
    "atk": {"hatch": "\\\\\\\\", "edgecolor": "#333333"},
    "p135": {"hatch": "....", "edgecolor": "#333333"},
    "zone_iii": {"hatch": "||||", "edgecolor": "#333333"},
}
_EXTRA_HATCHES = ("xxxx", "----", "++++", "oo")
_SELECTED_EDGE = "#08306b"
_SELECTED_WIDTH_PT = 2.0
_DISTRICT_WIDTH_PT = 1.1
_UNIT_WIDTH_PT = 0.25
_UNIT_EDGE = "#6e6e6e"
_ABBREVIATIONS = (("Thành phố ", "TP. "), ("Thị xã ", "TX. "), ("Thị trấn ", "TT. "), ("Phường ", "P. "),
                  ("Huyện ", ""), ("Xã ", ""))


# --------------------------------------------------------------------------
# Paper
# --------------------------------------------------------------------------
def _check_paper(paper: str, orientation: str) -> None:
    if paper not in settings.PAPER_MM:
        raise GeoError("unknown_paper", paper=paper, allowed=", ".join(settings.PAPERS))
    if orientation not in settings.ORIENTATIONS:
        raise GeoError("unknown_orientation", orientation=orientation, allowed=", ".join(settings.ORIENTATIONS))


def paper_size_mm(paper: str = settings.DEFAULT_PAPER, orientation: str = settings.DEFAULT_ORIENTATION) -> tuple[float, float]:
    """(width, height) of the page in millimetres.

    >>> paper_size_mm("A4", "landscape")
    (297.0, 210.0)
    """
    _check_paper(paper, orientation)
    w, h = settings.PAPER_MM[paper]
    return (w, h) if orientation == "portrait" else (h, w)


def paper_size_px(paper: str = settings.DEFAULT_PAPER, orientation: str = settings.DEFAULT_ORIENTATION,
                  dpi: int = settings.PRINT_DPI) -> tuple[int, int]:
    """(width, height) in pixels of a PNG export.

    >>> paper_size_px("A4")
    (2480, 3508)
    """
    w, h = paper_size_mm(paper, orientation)
    return round(w / _MM_PER_INCH * dpi), round(h / _MM_PER_INCH * dpi)


@dataclass(frozen=True)
class _Layout:
    """Boxes of one page in millimetres from the bottom-left corner: (x, y, w, h)."""

    width: float
    height: float
    header: tuple[float, float, float, float]
    map: tuple[float, float, float, float]
    panel: tuple[float, float, float, float]
    footer: tuple[float, float, float, float]
    panel_side: str  # "bottom" (portrait) or "right" (landscape)


def _layout(paper: str, orientation: str) -> _Layout:
    w, h = paper_size_mm(paper, orientation)
    m = settings.PRINT_MARGIN_MM
    scale = w / 210.0 if orientation == "portrait" else h / 210.0  # A3 gets proportionally larger bands
    header_h, footer_h = 22.0 * scale, 17.0 * scale
    header = (m, h - m - header_h, w - 2 * m, header_h)
    footer = (m, m, w - 2 * m, footer_h)
    body_y, body_h = m + footer_h + 2, h - 2 * m - header_h - footer_h - 4
    if orientation == "portrait":
        panel_h = 46.0 * scale
        panel = (m, body_y, w - 2 * m, panel_h)
        mapbox = (m, body_y + panel_h + 3, w - 2 * m, body_h - panel_h - 3)
        side = "bottom"
    else:
        panel_w = 68.0 * scale
        mapbox = (m, body_y, w - 2 * m - panel_w - 4, body_h)
        panel = (w - m - panel_w, body_y, panel_w, body_h)
        side = "right"
    return _Layout(w, h, header, mapbox, panel, footer, side)


def _axes_mm(fig: Figure, box: tuple[float, float, float, float], lay: _Layout, **kw):
    """The axes over ``box`` (mm): made once per figure and box, emptied when a figure is drawn again (an atlas
    draws every page on one figure: making a figure and its axes costs more than a page's units)."""
    x, y, bw, bh = box
    rect = (x / lay.width, y / lay.height, bw / lay.width, bh / lay.height)
    boxes = fig.__dict__.setdefault("_geo_boxes", {})
    ax = boxes.get(rect)
    if ax is None:
        ax = boxes[rect] = fig.add_axes(rect, **kw)
    else:
        for artist in [*ax.texts, *ax.patches, *ax.lines, *ax.collections, *ax.artists, *ax.images]:
            artist.remove()
    return ax


# --------------------------------------------------------------------------
# The layer, prepared once (an atlas draws it on every page)
# --------------------------------------------------------------------------
@dataclass
class _Prepared:
    gdf: gpd.GeoDataFrame  # projected, simplified, original order
    codes: np.ndarray
    labels: list[str]
    colors: np.ndarray
    paths: list[MplPath | None]
    classification: Classification
    palette: str
    legend_title: str
    decimals: int
    districts: gpd.GeoDataFrame | None  # projected; columns code, name, geometry
    designations: dict[str, set[str]]
    selected: set[str]
    crs_name: str
    north_deg: float  # grid convergence: true north relative to the map's up, degrees
    label_points: list[tuple[float, float] | None] = field(default_factory=list)
    values: np.ndarray | None = None  # the mapped values, original order (the panel's summary)
    names: list[str] = field(default_factory=list)


def _metric_crs(gdf: gpd.GeoDataFrame) -> str:
    """The WGS 84 UTM zone of the layer's centre (``EPSG:32648`` for Lạng Sơn), from a lon/lat layer.

    The zone number is computed, as :meth:`geopandas.GeoDataFrame.estimate_utm_crs` finds it for the centre
    of the bounds, without its query of the pyproj database (0.4 s at start-up).
    """
    minx, miny, maxx, maxy = gdf.total_bounds
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        return "EPSG:32648"
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
    zone = min(max(int(math.floor((lon + 180) / 6)) + 1, 1), 60)
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker at ``tolerance`` (the fast variant); a polygon it leaves invalid is simplified again
    preserving topology. Both give the same vertices almost everywhere; the first is 15x faster."""
    out = shapely.simplify(geoms, tolerance, preserve_topology=False)
    bad = ~shapely.is_valid(out) | (shapely.is_empty(out) & ~shapely.is_empty(geoms))
    if bad.any():
        out[bad] = shapely.simplify(geoms[bad], tolerance, preserve_topology=True)
    return out


def _projected(src: gpd.GeoDataFrame, crs, tolerance_m: float) -> gpd.GeoDataFrame:
    """``src`` in ``crs`` with its geometry simplified to ``tolerance_m`` metres (what the paper can show).

    A lon/lat layer is simplified before it is projected (at the tolerance in degrees of latitude, which is
    the stricter direction), so that only the vertices kept are transformed.
    """
    geoms = src.geometry.to_numpy()
    if src.crs is not None and src.crs.is_geographic:
        geoms = _simplify(np.asarray(geoms, dtype=object), tolerance_m / 111_320.0)
        return src.set_geometry(gpd.GeoSeries(geoms, index=src.index, crs=src.crs)).to_crs(crs)
    proj = src.to_crs(crs)
    simple = _simplify(np.asarray(proj.geometry.to_numpy(), dtype=object), tolerance_m)
    return proj.set_geometry(gpd.GeoSeries(simple, index=proj.index, crs=proj.crs))


def _short_label(name: str) -> str:
    for long, short in _ABBREVIATIONS:
        if name.startswith(long) and len(name) > len(long):
            return short + name[len(long):]
    return name


def _path_of(geom) -> MplPath | None:
    """One compound path (exteriors and holes) for a polygon or multipolygon."""
    if geom is None or geom.is_empty:
        return None
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    verts, codes = [], []
    for poly in parts:
        for ring in (poly.exterior, *poly.interiors):
            xy = shapely.get_coordinates(ring)
            if len(xy) < 4:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _label_point(geom) -> tuple[float, float] | None:
    """Pole of inaccessibility of the largest part: the roomiest point for a label."""
    if geom is None or geom.is_empty:
        return None
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    if not parts:
        return None
    biggest = max(parts, key=lambda g: g.area)
    tol = max(math.sqrt(biggest.area) / 50, 1.0)
    p = shapely.ops.polylabel(biggest, tolerance=tol)
    return float(p.x), float(p.y)


def _district_layer(gdf: gpd.GeoDataFrame, district_outlines, district_column: str, crs,
                    tolerance_m: float = settings.PRINT_SIMPLIFY_M) -> gpd.GeoDataFrame | None:
    """District outlines: given, dissolved from the units, or none (``False``); simplified to ``tolerance_m``."""
    if district_outlines is False:
        return None
    if isinstance(district_outlines, gpd.GeoDataFrame):
        d = district_outlines if district_outlines.crs is not None else district_outlines.set_crs("EPSG:4326")
        d = _projected(d, crs, tolerance_m)
        code_col = "code" if "code" in d else (district_column if district_column in d else None)
        name_col = "name" if "name" in d else None
        return gpd.GeoDataFrame(
            {"code": d[code_col].astype(str).to_numpy() if code_col else np.arange(len(d)).astype(str),
             "name": d[name_col].map(nfc).to_numpy() if name_col else [""] * len(d)},
            geometry=d.geometry.to_numpy(), crs=crs,
        )
    if district_column not in gdf or gdf[district_column].nunique() == len(gdf):
        return None
    name_col = next((c for c in ("district_name", "parent_name") if c in gdf), None)
    keys = gdf[district_column].astype(str)
    geoms = gdf.geometry.buffer(0.5)  # closes hairline gaps between neighbours before the union
    union = geoms.groupby(keys.to_numpy()).agg(lambda s: shapely.union_all(s.to_numpy()))
    names = gdf.groupby(keys.to_numpy())[name_col].first() if name_col else pd.Series("", index=union.index)
    # Simplified again: the buffer's rounded corners would otherwise triple the outlines' vertices.
    outlines = _simplify(np.asarray(list(union.to_numpy()), dtype=object), tolerance_m)
    return gpd.GeoDataFrame({"code": union.index.astype(str), "name": names.reindex(union.index).map(nfc).to_numpy()},
                            geometry=list(outlines), crs=crs)


@dataclass(frozen=True)
class _Geometry:
    """What a layer's geometry gives every page, whatever is mapped on it: the units in the layer's UTM zone
    simplified to paper resolution, their paths and label points, the district outlines and true north."""

    crs: str
    geoms: np.ndarray
    paths: tuple
    label_points: tuple
    districts: gpd.GeoDataFrame | None
    north_deg: float


_GEOMETRY_CACHE: dict[tuple, _Geometry] = {}
_GEOMETRY_CACHE_SIZE = 4  # layers kept (the app's Annex page draws one layer with many choices)


def _geometry_key(gdf: gpd.GeoDataFrame, district_outlines, district_column: str) -> tuple | None:
    """A digest of everything :func:`_geometry` reads; None when the district outlines are a layer of their own
    (not cached)."""
    import hashlib

    if isinstance(district_outlines, gpd.GeoDataFrame):
        return None
    h = hashlib.blake2b(digest_size=16)
    for wkb in shapely.to_wkb(np.asarray(gdf.geometry.to_numpy(), dtype=object)):
        h.update(b"-" if wkb is None else wkb)
    if district_outlines is not False and district_column in gdf:
        names = next((c for c in ("district_name", "parent_name") if c in gdf), None)
        h.update(pd.util.hash_pandas_object(gdf[[district_column] + ([names] if names else [])].astype(str),
                                            index=False).to_numpy().tobytes())
    return (h.hexdigest(), str(gdf.crs), district_column, district_outlines is False, settings.PRINT_SIMPLIFY_M)


def _geometry(gdf: gpd.GeoDataFrame, *, district_outlines, district_column: str) -> _Geometry:
    """The layer's :class:`_Geometry`, computed once per geometry (a few layers are kept)."""
    key = _geometry_key(gdf, district_outlines, district_column)
    hit = _GEOMETRY_CACHE.get(key) if key is not None else None
    if hit is not None:
        return hit
    src = gdf if gdf.crs is not None else gdf.set_crs("EPSG:4326")
    lonlat = src if src.crs.is_geographic else src.set_geometry(src.geometry.envelope).to_crs("EPSG:4326")
    crs = _metric_crs(lonlat)
    proj = _projected(src, crs, settings.PRINT_SIMPLIFY_M).reset_index(drop=True)
    districts = _district_layer(proj, district_outlines, district_column, crs)
    # The layer's centre: the area-weighted mean of the units' centroids (the centroid of their union, for a
    # coverage), from the simplified units, without the union.
    back = proj.geometry.to_crs("EPSG:4326").to_numpy()
    area = shapely.area(proj.geometry.to_numpy())
    cent = shapely.get_coordinates(shapely.centroid(back))
    ok = np.isfinite(area) & (area > 0)
    if ok.any() and len(cent) == len(area):
        lon, lat = (cent[ok] * area[ok, None]).sum(axis=0) / area[ok].sum()
    else:
        lon, lat = shapely.box(*lonlat.total_bounds).centroid.coords[0]
    a = gpd.GeoSeries.from_xy([lon, lon], [lat, lat + 0.1], crs="EPSG:4326").to_crs(crs)
    north = math.degrees(math.atan2(a.x.iloc[1] - a.x.iloc[0], a.y.iloc[1] - a.y.iloc[0]))
    geoms = np.asarray(proj.geometry.to_numpy(), dtype=object)
    out = _Geometry(crs=crs, geoms=geoms, paths=tuple(_path_of(g) for g in geoms),
                    label_points=tuple(_label_point(g) for g in geoms), districts=districts, north_deg=north)
    if key is not None:
        if len(_GEOMETRY_CACHE) >= _GEOMETRY_CACHE_SIZE:
            _GEOMETRY_CACHE.pop(next(iter(_GEOMETRY_CACHE)))
        _GEOMETRY_CACHE[key] = out
    return out


def _prepare(
    gdf: gpd.GeoDataFrame,
    *,
    value_column: str,
    classification: Classification | None,
    scheme: str,
    k: int,
    bins,
    palette: str,
    legend_title: str | None,
    decimals: int,
    lang: str,
    labels: str | None,
    code_column: str,
    name_column: str,
    district_column: str,
    district_outlines,
    designations: Mapping[str, Iterable] | None,
    selected: Iterable | None,
) -> _Prepared:
    if not isinstance(gdf, gpd.GeoDataFrame) or len(gdf) == 0:
        raise GeoError("empty_layer", path="(map)")
    for col in (value_column, code_column):
        if col not in gdf:
            raise GeoError("map_column_missing", column=col, columns=", ".join(map(str, gdf.columns)))
    if labels not in LABEL_MODES:
        raise GeoError("unknown_label_mode", labels=labels, allowed="name, code")
    from geo.render.codes import code_strings  # units without a code: ?<position>, as on the web map

    codes = np.array(code_strings(gdf[code_column]), dtype=object)
    dup = pd.Series(codes)[pd.Series(codes).duplicated()].unique().tolist()
    if dup:
        raise GeoError("map_duplicate_codes", codes=", ".join(map(str, dup[:5])))
    if classification is None:
        classification = classify(gdf[value_column], scheme=scheme, k=k, bins=bins, column=value_column)
    elif len(classification.yb) != len(gdf):
        raise GeoError("classification_mismatch", n_classes=len(classification.yb), n_units=len(gdf))
    colors = colors_for(classification, palette)

    geo = _geometry(gdf, district_outlines=district_outlines, district_column=district_column)
    proj = gpd.GeoDataFrame(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True),
                            geometry=geo.geoms, crs=geo.crs)

    if labels == "code":
        texts = ["" if c.startswith("?") else c for c in codes]
    elif labels == "name":
        col = name_column if name_column in gdf else code_column
        texts = [_short_label(nfc(v)) if isinstance(v, str) else str(v) for v in gdf[col].tolist()]
    else:
        texts = [""] * len(gdf)

    title = legend_title or t(f"indicator.{_indicator_key(value_column)}", lang)
    if title.startswith("indicator."):
        title = value_column
    return _Prepared(
        gdf=proj,
        codes=codes,
        labels=texts,
        colors=colors,
        paths=list(geo.paths),
        classification=classification,
        palette=palette,
        legend_title=nfc(title),
        decimals=decimals,
        districts=geo.districts,
        designations={str(k2): {str(c) for c in v} for k2, v in (designations or {}).items()},
        selected={str(c) for c in (selected or ())},
        crs_name=_crs_name(geo.crs),
        north_deg=geo.north_deg,
        label_points=list(geo.label_points) if labels else [None] * len(proj),
        values=pd.to_numeric(gdf[value_column], errors="coerce").to_numpy(dtype=float),
        names=[(_short_label(nfc(v)) or c) if isinstance(v, str) else str(c) for v, c in
               zip(gdf[name_column] if name_column in gdf else codes, codes)],
    )


@functools.lru_cache(maxsize=32)
def _crs_name(crs: str) -> str:
    """``WGS 84 / UTM zone 48N (EPSG:32648)`` for ``"EPSG:32648"`` (looked up once per CRS)."""
    from pyproj import CRS

    c = CRS.from_user_input(crs)
    epsg = c.to_epsg()
    return f"{c.name} (EPSG:{epsg})" if epsg else c.name


def _indicator_key(column: str) -> str:
    """``poor_rate_2020`` -> ``poor_rate`` (the i18n indicator key)."""
    parts = column.rsplit("_", 1)
    return parts[0] if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) == 4 else column


# --------------------------------------------------------------------------
# Scale
# --------------------------------------------------------------------------
def _nice_scale(denominator: float) -> int:
    """Smallest round scale denominator at or above ``denominator`` (1:730.000 -> 1:750.000)."""
    exp = 10 ** math.floor(math.log10(denominator))
    for step in (*settings.PRINT_NICE_SCALES, 10.0):
        if step * exp >= denominator - 1e-6:
            return int(round(step * exp))
    return int(round(10 * exp))  # pragma: no cover


def _nice_length_km(max_km: float) -> float:
    """Largest 1/2/5 x 10^n kilometres not above ``max_km``."""
    exp = 10 ** math.floor(math.log10(max_km))
    for step in (5, 2, 1):
        if step * exp <= max_km:
            return step * exp
    return exp


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------
def _text_kw(size: float, **kw) -> dict:
    return {"fontsize": size, "fontfamily": "sans-serif", **kw}


def _wrap(text: str, width_mm: float, size_pt: float) -> str:
    """Wrap ``text`` to a box ``width_mm`` wide (average DejaVu Sans glyph: 0.55 em)."""
    chars = max(int(width_mm * _PT_PER_MM / (0.55 * size_pt)), 10)
    return "\n".join(textwrap.wrap(text, chars)) if len(text) > chars else text


def _collection(paths, **kw) -> PathCollection:
    return PathCollection(paths, **kw)


def _draw_units(ax, prep: _Prepared, idx: np.ndarray, *, focus: set[int] | None) -> None:
    fill = [prep.paths[i] for i in idx if prep.paths[i] is not None and (focus is None or i in focus)]
    colours = [prep.colors[i] for i in idx if prep.paths[i] is not None and (focus is None or i in focus)]
    # Without a district layer the units are the top level (a district map): draw their borders as such.
    edge, width = (_UNIT_EDGE, _UNIT_WIDTH_PT) if prep.districts is not None else ("#1a1a1a", _DISTRICT_WIDTH_PT * 0.7)
    ax.add_collection(_collection(fill, facecolors=colours, edgecolors=edge, linewidths=width, zorder=1))
    if focus is not None:
        grey = [prep.paths[i] for i in idx if prep.paths[i] is not None and i not in focus]
        ax.add_collection(_collection(grey, facecolors=settings.PRINT_NEIGHBOUR_COLOR, edgecolors="#b0b0b0",
                                      linewidths=_UNIT_WIDTH_PT, zorder=1))
    shown = idx if focus is None else np.array([i for i in idx if i in focus], dtype=int)
    for j, (kind, codes) in enumerate(prep.designations.items()):
        style = _designation_style(kind, j)
        paths = [prep.paths[i] for i in shown if prep.codes[i] in codes and prep.paths[i] is not None]
        if paths:
            ax.add_collection(_collection(paths, facecolors="none", linewidths=0.0, zorder=2, **style))
    sel = [prep.paths[i] for i in shown if prep.codes[i] in prep.selected and prep.paths[i] is not None]
    if sel:
        ax.add_collection(_collection(sel, facecolors="none", edgecolors="white", linewidths=_SELECTED_WIDTH_PT + 1.2,
                                      zorder=4))
        ax.add_collection(_collection(sel, facecolors="none", edgecolors=_SELECTED_EDGE, linewidths=_SELECTED_WIDTH_PT,
                                      zorder=5))


def _designation_style(kind: str, j: int) -> dict:
    return DESIGNATION_STYLES.get(kind) or {"hatch": _EXTRA_HATCHES[j % len(_EXTRA_HATCHES)], "edgecolor": "#333333"}


def _designation_label(kind: str, lang: str) -> str:
    text = t(f"designation.{kind}", lang)
    return kind if text.startswith("designation.") else text


def _draw_districts(ax, prep: _Prepared) -> None:
    if prep.districts is None:
        return
    paths = [p for p in (_path_of(g) for g in prep.districts.geometry) if p is not None]
    ax.add_collection(_collection(paths, facecolors="none", edgecolors="#1a1a1a", linewidths=_DISTRICT_WIDTH_PT, zorder=3))


def _place_labels(fig: Figure, ax, items: list[tuple[str, tuple[float, float], object, str]], size: float,
                  *, weight: str = "normal", halo: bool = False) -> int:
    """Greedy label placement: no two labels overlap, each stays inside its unit.

    ``items`` are (text, anchor point, polygon, fill colour) in placement
    priority order. A label inside its unit is white on dark fills and
    near-black otherwise; one that crosses the unit's border, lies on a
    hatched unit (fill None) or any label when ``halo`` is near-black on a
    white halo.
    Each label tries its anchor, then the anchor nudged up/down/left/right,
    then a two-line version, then everything again at
    :data:`geo.settings.PRINT_LABEL_SHRINK` of the size; a label with no free
    spot is left out. Returns the number left out.
    """
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData
    to_data = ax.transData.inverted()
    frame = ax.get_window_extent(renderer)
    fx0, fy0, fx1, fy1 = frame.x0, frame.y0, frame.x1, frame.y1
    placed = np.empty((len(items), 4))  # boxes of the labels placed so far: placed[:n_placed]
    n_placed = 0
    px_per_pt = fig.dpi / 72.0
    pad = 1.0 * px_per_pt  # clear space around each label
    dropped = 0
    prepared_geoms = []
    for _t, _p, g, _c in items:
        if g is not None:
            g = shapely.from_wkb(shapely.to_wkb(g))  # a private copy, prepared for the containment probes
            shapely.prepare(g)
        prepared_geoms.append(g)
    for (text, anchor, geom, fill), pgeom in zip(items, prepared_geoms):
        if not text or anchor is None:
            continue
        ax_, ay_ = to_px.transform(anchor)
        variants = [text]
        words = text.split(" ")
        if len(words) >= 2:
            cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
            variants.append(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]))
        done = False
        # Full size before shrunk; within the unit before across its border;
        # one line before two; the anchor before nudges.
        for s, strict in ((size, True), (size, False), (size * settings.PRINT_LABEL_SHRINK, True),
                          (size * settings.PRINT_LABEL_SHRINK, False)):
            for variant in variants:
                w, h = _measure(renderer, variant, s, weight)
                for dx, dy in ((0, 0), (0, 0.6), (0, -0.6), (0.35, 0), (-0.35, 0), (0, 1.1), (0, -1.1)):
                    cx, cy = ax_ + dx * w, ay_ + dy * h
                    box = (cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad)
                    if box[0] < fx0 or box[2] > fx1 or box[1] < fy0 or box[3] > fy1:
                        continue
                    if n_placed:
                        p = placed[:n_placed]
                        if ((p[:, 0] < box[2]) & (p[:, 2] > box[0]) & (p[:, 1] < box[3]) & (p[:, 3] > box[1])).any():
                            continue
                    if pgeom is not None and (strict or dx or dy):
                        probe = [(cx, cy)] if not strict else [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]),
                                                                (box[2], box[3]), (cx, box[1]), (cx, box[3])]
                        pts = to_data.transform(np.array(probe))
                        if not shapely.contains_xy(pgeom, pts[:, 0], pts[:, 1]).all():
                            continue
                    x, y = to_data.transform((cx, cy))
                    # A label crossing its unit's border may lie on several fills: dark text on a white halo.
                    haloed = halo or not strict or fill is None  # None: a hatched (designated) unit
                    ax.text(x, y, variant, ha="center", va="center", ma="center", zorder=6, clip_on=True,
                            path_effects=[patheffects.withStroke(linewidth=2.0, foreground="white")] if haloed else None,
                            **_text_kw(s, fontweight=weight, color=_ink_on(None if haloed else fill), linespacing=1.0))
                    placed[n_placed] = box
                    n_placed += 1
                    done = True
                    break
                if done:
                    break
            if done:
                break
        if not done:
            dropped += 1
    return dropped


def _ink_on(fill: str | None) -> str:
    """Label colour readable on ``fill``: white on dark classes, near-black elsewhere.

    Contrast instead of a white halo: a halo is drawn as a second, stroked
    copy of every glyph, which doubles the labels' cost in PDF and blurs
    small text on light fills.
    """
    if not fill or fill == "none":
        return "#111111"
    r, g, b = matplotlib.colors.to_rgb(fill)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 0.45 else "#111111"


_MEASURE_CACHE: dict = {}
_ADVANCES: dict = {}  # (size, weight, dpi, thread) -> (font, points, {character: (advance px, glyph index)})


def _text_width(text: str, size: float, weight: str, dpi: float) -> float:
    """Width in pixels of one line: the sum of its glyphs' advances and their kerning, each glyph's advance read
    from FreeType once per size, weight and resolution.

    Unhinted, as the PDF draws the glyphs. Against the inked width matplotlib's hinted text layout gives the
    same line (every commune name of the country at 4.8, 6 and 7.5 pt), it is never narrower by more than
    0.85 pt, inside the point of clear space each label box keeps, nor wider by more than 2 pt; at a fortieth
    of the cost (laying a line out takes about 1 ms, and a page measures each label in up to four variants).
    """
    from matplotlib import ft2font
    from matplotlib.font_manager import FontProperties, fontManager, get_font

    # Per thread, as matplotlib keeps its FreeType faces: a face is not shared by the threads drawing pages
    # (the app's, its prefetch).
    key = (size, weight, dpi, threading.get_ident())
    cached = _ADVANCES.get(key)
    if cached is None:
        if len(_ADVANCES) >= 64:  # the app draws from a new thread on each rerun: faces of ended threads go
            _ADVANCES.clear()
        prop = FontProperties(family="sans-serif", size=size, weight=weight)
        font = get_font(fontManager._find_fonts_by_props(prop))
        cached = _ADVANCES[key] = (font, prop.get_size_in_points(), {})
    font, points, glyphs = cached
    font.set_size(points, dpi)  # the thread's face is matplotlib's too: other text may have set another size
    width, previous = 0.0, None
    for char in text:
        glyph = glyphs.get(char)
        if glyph is None:
            advance = font.load_char(ord(char), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance / 65536
            glyph = glyphs[char] = (advance, font.get_char_index(ord(char)))
        width += glyph[0]
        if previous is not None:
            width += font.get_kerning(previous, glyph[1], ft2font.Kerning.DEFAULT) / 64
        previous = glyph[1]
    return width


def _measure(renderer, text: str, size: float, weight: str) -> tuple[float, float]:
    """Width and height in pixels of a (possibly two-line) label."""
    key = (text, size, weight, renderer.dpi)
    hit = _MEASURE_CACHE.get(key)
    if hit:
        return hit
    line_key = ("\n", size, weight, renderer.dpi)  # the line height, measured once per size
    line_h = _MEASURE_CACHE.get(line_key)
    if line_h is None:
        from matplotlib.font_manager import FontProperties

        prop = FontProperties(family="sans-serif", size=size, weight=weight)
        line_h = _MEASURE_CACHE[line_key] = renderer.get_text_width_height_descent("ẤỹgÝ", prop, ismath=False)[1]
    lines = text.split("\n")
    widths = [_text_width(line, size, weight, renderer.dpi) for line in lines]
    out = (max(widths), line_h * len(lines) * 1.05)
    if len(_MEASURE_CACHE) > 20000:
        _MEASURE_CACHE.clear()
    _MEASURE_CACHE[key] = out
    return out


def _header(fig: Figure, lay: _Layout, title: str, subtitle: str | None) -> None:
    ax = _axes_mm(fig, lay.header, lay)
    ax.set_axis_off()
    x, y, w, h = lay.header
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    fs = settings.PRINT_FONT_PT
    scale = h / 22.0
    ax.text(w / 2, h - 1, _wrap(nfc(title), w, fs["title"] * scale), ha="center", va="top",
            **_text_kw(fs["title"] * scale, fontweight="bold", linespacing=1.15))
    if subtitle:
        n_title_lines = _wrap(nfc(title), w, fs["title"] * scale).count("\n") + 1
        top = h - 1 - n_title_lines * fs["title"] * scale / _PT_PER_MM * 1.25 - 1.0
        ax.text(w / 2, top, _wrap(nfc(subtitle), w, fs["subtitle"] * scale), ha="center", va="top",
                **_text_kw(fs["subtitle"] * scale, fontstyle="italic", linespacing=1.15))


def _footer(fig: Figure, lay: _Layout, lines: list[str], right: str | None) -> None:
    ax = _axes_mm(fig, lay.footer, lay)
    ax.set_axis_off()
    x, y, w, h = lay.footer
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    size = settings.PRINT_FONT_PT["footer"] * (h / 17.0)
    text = "\n".join(_wrap(nfc(line), w * 0.78, size) for line in lines if line)
    ax.plot([0, w], [h, h], color="#999999", lw=0.4)
    ax.text(0, h - 1.2, text, ha="left", va="top", **_text_kw(size, linespacing=1.3, color="#222222"))
    if right:
        ax.text(w, h - 1.2, nfc(right), ha="right", va="top", **_text_kw(size, color="#222222"))


def _legend_rows(prep: _Prepared, lang: str, *, neighbours: bool) -> tuple[list[tuple], list[tuple]]:
    """(choropleth rows, symbol rows); each row is (kind, style, label)."""
    c = prep.classification
    labels = c.legend_labels(lang, prep.decimals, no_data=False)
    cols = palette_colors(prep.palette, c.k) if c.k else ()
    counts = list(c.counts)
    classes = [("fill", {"facecolor": col}, f"{lab}  ({n})") for col, lab, n in zip(cols, labels, counts)]
    classes.append(("fill", {"facecolor": settings.NO_DATA_COLOR}, f"{t('no_data', lang)}  ({c.n_missing})"))
    symbols = []
    if prep.districts is not None:
        symbols.append(("line", {"color": "#1a1a1a", "lw": _DISTRICT_WIDTH_PT}, t("map.district_outlines", lang)))
    if prep.selected:
        symbols.append(("outline", {"edgecolor": _SELECTED_EDGE, "lw": _SELECTED_WIDTH_PT}, t("map.selected", lang)))
    for j, kind in enumerate(prep.designations):
        symbols.append(("hatch", _designation_style(kind, j), _designation_label(kind, lang)))
    if neighbours:
        symbols.append(("fill", {"facecolor": settings.PRINT_NEIGHBOUR_COLOR, "edgecolor": "#b0b0b0"},
                        t("print.neighbours", lang)))
    return classes, symbols


def _draw_rows(ax, x: float, top: float, rows: list[tuple], *, size: float, pitch: float, width: float) -> float:
    """Legend rows from ``top`` down in a mm-axes; returns the y below the last row."""
    sw, sh = 7.0, 4.0
    y = top
    for kind, style, label in rows:
        y -= pitch
        if kind == "line":
            ax.plot([x, x + sw], [y + sh / 2, y + sh / 2], solid_capstyle="butt", **style)
        elif kind == "outline":
            ax.add_patch(Rectangle((x + 0.6, y + 0.4), sw - 1.2, sh - 0.8, facecolor="white", **style))
        elif kind == "hatch":
            ax.add_patch(Rectangle((x, y), sw, sh, facecolor="white", lw=0.4, **style))
        else:
            st = {"edgecolor": "#6e6e6e", **style}
            ax.add_patch(Rectangle((x, y), sw, sh, lw=0.4, **st))
        ax.text(x + sw + 2, y + sh / 2, _wrap(label, width - sw - 2, size), ha="left", va="center",
                **_text_kw(size, linespacing=1.0))
    return y


SUMMARY_EXTREMES = 3  # units named as highest and lowest in the panel's summary


def _summary_lines(prep: _Prepared, lang: str, n_extremes: int) -> list[tuple[str, bool]]:
    """(text, bold) lines: units with a value, median, the highest and lowest units with their values."""
    values = prep.values
    if values is None:
        return []
    ok = np.flatnonzero(np.isfinite(values))
    if not len(ok):
        return []

    def fmt(v: float) -> str:
        return format_number(float(v), prep.decimals, lang)

    lines = [(t("print.summary.title", lang), True),
             (t("print.summary.count", lang, n=format_number(len(ok), 0, lang),
                total=format_number(len(values), 0, lang)), False),
             (t("print.summary.median", lang, value=fmt(np.median(values[ok]))), False)]
    if n_extremes and len(ok) > 2 * n_extremes:
        order = ok[np.argsort(values[ok], kind="stable")]
        for key, picked in (("print.summary.highest", order[::-1][:n_extremes]), ("print.summary.lowest",
                                                                                  order[:n_extremes])):
            items = "; ".join(f"{prep.names[i]} {fmt(values[i])}" for i in picked)
            lines.append((t(key, lang, units=items), False))
    return lines


def _summary(ax, prep: _Prepared, lang: str, *, x: float, top: float, bottom: float, width: float,
             size: float) -> None:
    """The summary in the panel, as many lines as fit between ``top`` and ``bottom`` (mm)."""
    line_mm = size / _PT_PER_MM * 1.3
    for n_extremes in (SUMMARY_EXTREMES, 2, 1, 0):
        lines = [(_wrap(text, width, size), bold) for text, bold in _summary_lines(prep, lang, n_extremes)]
        height = sum((text.count("\n") + 1) * line_mm for text, _ in lines) + line_mm * 0.3 * len(lines)
        if top - height >= bottom:
            break
    else:
        return
    y = top
    for text, bold in lines:
        ax.text(x, y, text, ha="left", va="top", **_text_kw(size, fontweight="bold" if bold else "normal",
                                                            linespacing=1.15))
        y -= (text.count("\n") + 1) * line_mm + line_mm * 0.3
        if y < bottom:
            break


def _north_arrow(ax, cx: float, cy: float, size: float, angle_deg: float, lang: str) -> None:
    """A split arrow pointing to true north (rotated by the grid convergence)."""
    a = math.radians(-angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    half = size / 2
    left = np.array([[0, half], [-half * 0.45, -half], [0, -half * 0.55]]) @ rot.T + (cx, cy)
    right = np.array([[0, half], [half * 0.45, -half], [0, -half * 0.55]]) @ rot.T + (cx, cy)
    ax.add_patch(MplPolygon(left, closed=True, facecolor="#111111", edgecolor="#111111", lw=0.6))
    ax.add_patch(MplPolygon(right, closed=True, facecolor="white", edgecolor="#111111", lw=0.6))
    tip = np.array([0, half + 1.2]) @ rot.T + (cx, cy)
    ax.text(tip[0], tip[1], t("print.north", lang), ha="center", va="bottom",
            **_text_kw(settings.PRINT_FONT_PT["legend_title"], fontweight="bold"))


def _scale_bar(ax, x: float, y: float, max_len_mm: float, scale: int, lang: str) -> float:
    """Alternating black/white bar in km at ``scale``; returns its length in mm."""
    mm_per_km = 1e6 / scale
    length_km = _nice_length_km(max_len_mm / mm_per_km)
    n = 4 if (length_km / 4) * 10 == int((length_km / 4) * 10) else 2
    seg_mm = length_km * mm_per_km / n
    size = settings.PRINT_FONT_PT["scale"]
    for i in range(n):
        ax.add_patch(Rectangle((x + i * seg_mm, y), seg_mm, 1.6, facecolor="#111111" if i % 2 == 0 else "white",
                               edgecolor="#111111", lw=0.5))
    for i in (0, n // 2, n):
        km = length_km * i / n
        text = format_number(km, 0 if float(km).is_integer() else 1, lang)
        ax.text(x + i * seg_mm, y + 2.6, text + (" km" if i == n else ""), ha="center", va="bottom",
                **_text_kw(size))
    ax.text(x + n * seg_mm / 2, y - 1.2, t("print.scale", lang, scale=format_number(scale, 0, lang)),
            ha="center", va="top", **_text_kw(size))
    return n * seg_mm


def _panel(fig: Figure, lay: _Layout, prep: _Prepared, scale: int, lang: str, *, neighbours: bool) -> None:
    ax = _axes_mm(fig, lay.panel, lay)
    ax.set_axis_off()
    _x, _y, w, h = lay.panel
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    fs = settings.PRINT_FONT_PT
    k = lay.width / 210.0 if lay.panel_side == "bottom" else lay.height / 210.0
    size, title_size = fs["legend"] * k, fs["legend_title"] * k
    classes, symbols = _legend_rows(prep, lang, neighbours=neighbours)
    pitch = 5.0 * k
    if lay.panel_side == "bottom":
        col_w = w * 0.38
        pitch = min(pitch, (h - 7 * k) / max(len(classes), len(symbols), 1))  # 7 classes + no data still fit
        ax.text(0, h, _wrap(prep.legend_title, col_w, title_size), ha="left", va="top",
                **_text_kw(title_size, fontweight="bold"))
        _draw_rows(ax, 0, h - 5 * k, classes, size=size, pitch=pitch, width=col_w)
        y = h - 5 * k
        if symbols:
            y = _draw_rows(ax, col_w + 4, y, symbols, size=size, pitch=pitch, width=w * 0.34) - 2 * k
        # The rest of the middle column: what the figures say (the lower band of a portrait page is not left empty).
        _summary(ax, prep, lang, x=col_w + 4, top=y, bottom=0, width=w * 0.34, size=size)
        right_x = w * 0.78
        _north_arrow(ax, right_x + (w - right_x) / 2, h - 12 * k, 12 * k, prep.north_deg, lang)
        bar_max = w - right_x - 4
        length = _nice_length_km(bar_max / (1e6 / scale)) * 1e6 / scale
        _scale_bar(ax, right_x + (w - right_x - length) / 2, 10 * k, bar_max, scale, lang)
    else:
        ax.text(0, h, _wrap(prep.legend_title, w, title_size), ha="left", va="top",
                **_text_kw(title_size, fontweight="bold"))
        n_title = _wrap(prep.legend_title, w, title_size).count("\n") + 1
        y = _draw_rows(ax, 0, h - 1.5 - n_title * title_size / _PT_PER_MM * 1.2, classes, size=size, pitch=pitch,
                       width=w)
        if symbols:
            _draw_rows(ax, 0, y - 4, symbols, size=size, pitch=pitch, width=w)
        _north_arrow(ax, w / 2, 40 * k, 12 * k, prep.north_deg, lang)
        bar_max = w - 10
        length = _nice_length_km(bar_max / (1e6 / scale)) * 1e6 / scale
        _scale_bar(ax, (w - length) / 2, 10 * k, bar_max, scale, lang)


def _map_axes(fig: Figure, lay: _Layout, bounds: tuple[float, float, float, float]):
    """Map axes over the map box, limits set so the scale is a round 1:N; returns (ax, N)."""
    ax = _axes_mm(fig, lay.map, lay)
    _x, _y, w_mm, h_mm = lay.map
    minx, miny, maxx, maxy = bounds
    dx, dy = max(maxx - minx, 1.0) * 1.04, max(maxy - miny, 1.0) * 1.04
    scale = _nice_scale(max(dx / (w_mm / 1000), dy / (h_mm / 1000)))
    half_w, half_h = w_mm / 1000 * scale / 2, h_mm / 1000 * scale / 2
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#333333")
    return ax, scale


FOREIGN_COLOR = "#e6e6e6"  # neighbouring countries, under the units
FOREIGN_LABEL_COLOR = "#6e6e6e"
FOREIGN_MIN_SHARE = 0.03  # a neighbour is named when it fills at least this share of the map frame


def _draw_surroundings(ax, prep: _Prepared, lang: str) -> None:
    """Neighbouring countries shaded and named in capitals (TRUNG QUỐC), and Hoàng Sa / Trường Sa labelled with
    their province, as official maps of Viet Nam show them. Natural Earth 1:10m (public domain); nothing is
    drawn for a frame that shows none of them."""
    from geo.units.border import neighbours
    from geo.units.sovereignty import archipelago_labels

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    frame = shapely.box(x0, y0, x1, y1)
    crs = prep.gdf.crs
    lonlat = gpd.GeoSeries([frame], crs=crs).to_crs("EPSG:4326").total_bounds
    margin = 0.5
    near = neighbours(tuple(lonlat + np.array([-margin, -margin, margin, margin])))
    if len(near):
        near = near.to_crs(crs)
        for _, row in near.iterrows():
            geom = shapely.intersection(row.geometry, frame)
            if geom.is_empty:
                continue
            for part in shapely.get_parts(geom):
                if isinstance(part, shapely.Polygon):
                    ax.add_patch(MplPolygon(np.asarray(part.exterior.coords), closed=True, facecolor=FOREIGN_COLOR,
                                            edgecolor="#9e9e9e", linewidth=0.5, zorder=0.5))
            if geom.area >= FOREIGN_MIN_SHARE * frame.area:
                point = shapely.ops.polylabel(max(shapely.get_parts(geom), key=lambda g: g.area), tolerance=10)
                name = row["name_vi"] if lang == "vi" else row["name_en"]
                ax.text(point.x, point.y, str(name).upper(), ha="center", va="center", color=FOREIGN_LABEL_COLOR,
                        zorder=6, **_text_kw(settings.PRINT_FONT_PT["district_label"] + 2, weight="bold"))
    codes = set(prep.gdf["province_code"].astype(str)) if "province_code" in prep.gdf else set()
    vintage = str(prep.gdf["vintage"].iloc[0]) if "vintage" in prep.gdf and len(prep.gdf) else "pre2025"
    for text, (lon, lat) in archipelago_labels(codes or None, vintage=vintage, lang=lang):
        x, y = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(crs).iloc[0].coords[0]
        if x0 <= x <= x1 and y0 <= y <= y1:
            ax.text(x, y, text, ha="center", va="center", color="#1f3d7a", zorder=6,
                    **_text_kw(settings.PRINT_FONT_PT["label"] + 1, style="italic"))


def _footer_lines(*, source_text, date, approximate, illustrative, lang, crs_name, dropped) -> list[str]:
    lines = []
    if source_text:
        lines.append(t("print.source", lang, source=source_text))
    lines.append(t("print.crs", lang, crs=crs_name))
    if approximate:
        lines.append(t("approximate_note", lang))
    if illustrative:
        lines.append(t("illustrative_note", lang))
    if dropped:
        lines.append(t("print.labels_dropped", lang, n=dropped))
    return lines


def _date_text(date, lang: str) -> str:
    if date is None:
        date = _dt.date.today()
    if isinstance(date, (_dt.date, _dt.datetime)):
        date = format_day(date, lang)
    return t("print.date", lang, date=str(date))


def _page(
    prep: _Prepared,
    *,
    title: str,
    subtitle: str | None,
    paper: str,
    orientation: str,
    lang: str,
    focus_codes: set[str] | None,
    label_mode: str | None,
    label_districts: bool,
    source_text: str | None,
    date,
    approximate: bool,
    illustrative: bool,
    page_text: str | None,
    figure: Figure | None = None,
) -> Figure:
    """One page; ``figure``, a page drawn before on the same paper, is drawn again (the atlas's next page)."""
    lay = _layout(paper, orientation)
    with matplotlib.rc_context(_RC):
        fig = figure
        if fig is None:
            fig = Figure(figsize=(lay.width / _MM_PER_INCH, lay.height / _MM_PER_INCH), dpi=_LAYOUT_DPI)
            FigureCanvasAgg(fig)
            fig.patch.set_facecolor("white")
        if focus_codes is not None:
            focus = {i for i, c in enumerate(prep.codes) if c in focus_codes}
            view = prep.gdf.geometry.iloc[sorted(focus)].total_bounds if focus else prep.gdf.total_bounds
        else:
            focus = None
            view = prep.gdf.total_bounds
        ax, scale = _map_axes(fig, lay, tuple(view))
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        idx = np.sort(prep.gdf.sindex.query(shapely.box(x0, y0, x1, y1)))
        _draw_surroundings(ax, prep, lang)
        _draw_units(ax, prep, idx, focus=focus)
        _draw_districts(ax, prep)

        # Labels: selected units first, then larger units first.
        dropped = 0
        # Labels keep their size on A3: the larger sheet gives them room, not bigger letters.
        if label_districts and prep.districts is not None:
            d = prep.districts
            order = np.argsort(-d.geometry.area.to_numpy())
            items = [(_short_label(d["name"].iloc[i]) or d["code"].iloc[i], _label_point(d.geometry.iloc[i]),
                      d.geometry.iloc[i], None) for i in order]
            dropped += _place_labels(fig, ax, items, settings.PRINT_FONT_PT["district_label"],
                                     weight="bold", halo=True)
        elif label_mode:
            shown = [i for i in idx if focus is None or i in focus]
            area = prep.gdf.geometry.area.to_numpy()
            shown.sort(key=lambda i: (prep.codes[i] not in prep.selected, -area[i]))
            hatched = set().union(*prep.designations.values()) if prep.designations else set()
            items = [(prep.labels[i], prep.label_points[i], prep.gdf.geometry.iloc[i],
                      None if prep.codes[i] in hatched else prep.colors[i]) for i in shown]
            # Few units on the page (districts, or one district of an atlas): larger labels.
            key = "label" if len(shown) > settings.PRINT_LARGE_LABELS_MAX_UNITS else "district_label"
            dropped += _place_labels(fig, ax, items, settings.PRINT_FONT_PT[key])

        _header(fig, lay, title, subtitle)
        _panel(fig, lay, prep, scale, lang, neighbours=focus is not None)
        lines = _footer_lines(source_text=source_text, date=date, approximate=approximate, illustrative=illustrative,
                              lang=lang, crs_name=prep.crs_name, dropped=dropped)
        right = _date_text(date, lang) + (f"\n{page_text}" if page_text else "")
        _footer(fig, lay, lines, right)
    fig.geo_info = {"scale": scale, "labels_dropped": dropped, "paper": paper, "orientation": orientation,
                    "title": title, "subtitle": subtitle}
    return fig


def retitle(fig: Figure, *, title: str, subtitle: str | None = None) -> Figure:
    """Give a page drawn by :func:`print_map` another title and subtitle; the rest of the page is kept.

    The header has a fixed place on the page, so the map, its labels, the
    legend and the footer do not depend on the title: a planner who retypes
    the title gets the page without it being drawn again.
    """
    info = fig.geo_info
    if (info.get("title"), info.get("subtitle")) != (title, subtitle):
        with matplotlib.rc_context(_RC):
            _header(fig, _layout(info["paper"], info["orientation"]), title, subtitle)
        info.update(title=title, subtitle=subtitle)
    return fig


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def print_map(
    gdf: gpd.GeoDataFrame,
    *,
    value_column: str,
    title: str,
    subtitle: str | None = None,
    classification: Classification | None = None,
    scheme: str = settings.DEFAULT_SCHEME,
    k: int = settings.DEFAULT_K,
    bins=None,
    palette: str = settings.DEFAULT_PALETTE,
    legend_title: str | None = None,
    decimals: int = settings.LEGEND_DECIMALS,
    paper: str = settings.DEFAULT_PAPER,
    orientation: str = settings.DEFAULT_ORIENTATION,
    lang: str = DEFAULT_LANG,
    labels: str | None = "name",
    code_column: str = "code",
    name_column: str = "name",
    district_column: str = "district_code",
    district_outlines: gpd.GeoDataFrame | bool | None = None,
    designations: Mapping[str, Iterable[str]] | None = None,
    selected: Iterable[str] | None = None,
    source_text: str | None = None,
    date: _dt.date | str | None = None,
    approximate: bool = False,
    illustrative: bool = False,
) -> Figure:
    """Draw one printable choropleth page.

    Parameters
    ----------
    gdf
        Units with a code column and ``value_column``; any CRS (EPSG:4326 when
        unset). Drawn in the layer's UTM zone.
    value_column
        The indicator to map.
    title, subtitle
        Page title (bold) and subtitle (italic), e.g. the annex name and the
        plan it belongs to.
    classification
        A ready :class:`geo.analysis.classify.Classification` aligned with ``gdf``;
        otherwise ``scheme``/``k``/``bins`` classify ``value_column``.
    palette
        A ColorBrewer sequential palette from :data:`geo.settings.SEQUENTIAL_PALETTES`.
    legend_title
        Defaults to the indicator's label (``poor_rate_2020`` -> "Tỷ lệ hộ nghèo (%)").
    paper, orientation
        ``"A4"``/``"A3"``, ``"portrait"``/``"landscape"``.
    lang
        ``"vi"`` (number format ``27.964``, ``8,51``) or ``"en"``.
    labels
        ``"name"`` (abbreviated: "TT. Bắc Sơn", "P. Tam Thanh"), ``"code"`` or
        None. Labels never overlap; one without room is left out and counted
        in the footer.
    district_outlines
        A GeoDataFrame of district polygons, ``None`` to dissolve them from
        ``district_column`` when units share districts, ``False`` for none.
    designations
        Designation type (``"border"``, ``"atk"``, ``"p135"``, ``"zone_iii"``
        or any other name) -> unit codes; each type is hatched differently.
    selected
        Unit codes outlined in heavy dark blue over a white halo.
    source_text, date
        Printed in the footer; the date defaults to today (dd/mm/yyyy).
    approximate
        Adds the "sơ đồ gần đúng" note (default, estimated boundaries).
    illustrative
        Adds the "số liệu minh họa" note.

    Returns
    -------
    matplotlib.figure.Figure
        Not registered with pyplot; ``fig.geo_info`` holds the printed scale
        denominator and the number of labels left out. Save it with
        :func:`save_figure`.
    """
    _check_paper(paper, orientation)
    prep = _prepare(
        gdf, value_column=value_column, classification=classification, scheme=scheme, k=k, bins=bins,
        palette=palette, legend_title=legend_title, decimals=decimals, lang=lang, labels=labels,
        code_column=code_column, name_column=name_column, district_column=district_column,
        district_outlines=district_outlines, designations=designations, selected=selected,
    )
    return _page(
        prep, title=title, subtitle=subtitle, paper=paper, orientation=orientation, lang=lang, focus_codes=None,
        label_mode=labels, label_districts=False, source_text=source_text, date=date, approximate=approximate,
        illustrative=illustrative, page_text=None,
    )


def _format_of(path: Path, format: str | None) -> str:
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise GeoError("unsupported_format", path=str(path), supported=", ".join(FORMATS))
    return fmt


# Tables a PDF reader never uses in an embedded TrueType font: the glyphs are placed by the PDF itself, so
# the OpenType layout tables (substitutions, positioning, kerning) are dead weight, and subsetting them is
# most of the time fontTools takes to embed DejaVu Sans (0.4 of 0.5 s a PDF).
_PDF_UNUSED_FONT_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "JSTF", "BASE", "MATH")


_SUBSETS: dict = {}  # (font file, face, glyph indices) -> (the subset font's bytes, glyph index map)
_SUBSETS_LOCK = threading.Lock()
SUBSET_CACHE_SIZE = 32  # fonts subsets kept per process (a few kilobytes each)


class _FontFile:
    """A subset font's bytes, as matplotlib's PDF writer uses a fontTools ``TTFont``: saved, then closed."""

    def __init__(self, data: bytes):
        self.data = data

    def save(self, file, reorderTables: bool = False) -> None:  # noqa: N803 - fontTools' name
        file.write(self.data)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _fonttools_subset(fontfile, glyphs) -> tuple[bytes, dict]:
    """fontTools' subset of ``glyphs`` (for fonts :func:`fontsubset.subset_truetype` does not handle), without
    the layout tables."""
    from fontTools import subset

    options = subset.Options(glyph_names=True, recommended_glyphs=True, layout_features=[])
    options.drop_tables += ["FFTM", "PfEd", "BDF", "meta", "MERG", "TSIV", "Zapf", "bdat", "bloc", "cidg",
                            "fdsc", "feat", "fmtx", "fond", "just", "kerx", "ltag", "morx", "trak", "xref",
                            *_PDF_UNUSED_FONT_TABLES]
    options.font_number = fontfile.face_index
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(gids=glyphs)
    with subset.load_font(fontfile, options) as font:
        subsetter.subset(font)
        data = io.BytesIO()
        font.save(data, reorderTables=False)
    return data.getvalue(), dict(subsetter.glyph_index_map)


def _lean_glyphs_subset(fontfile, glyphs):
    """:func:`matplotlib.backends._backend_pdf_ps.get_glyphs_subset` (matplotlib 3.11) made by
    :func:`fontsubset.subset_truetype` (fontTools for other fonts), and kept: the next PDF with the same glyphs
    (the same page with another title, the app's next download) embeds the subset made before."""
    from matplotlib.backends import _backend_pdf_ps as pdfps

    from geo.render import fontsubset

    key = (os.fspath(fontfile), fontfile.face_index, frozenset(glyphs))
    with _SUBSETS_LOCK:
        kept = _SUBSETS.get(key)
    if kept is None:
        try:
            if fontfile.face_index:
                raise fontsubset.UnsupportedFont("a face of a font collection")
            kept = fontsubset.subset_truetype(Path(os.fspath(fontfile)).read_bytes(), glyphs)
        except fontsubset.UnsupportedFont:
            kept = _fonttools_subset(fontfile, glyphs)
        with _SUBSETS_LOCK:
            if len(_SUBSETS) >= SUBSET_CACHE_SIZE:
                _SUBSETS.pop(next(iter(_SUBSETS)))
            _SUBSETS[key] = kept
    return pdfps.SubsetResults(_FontFile(kept[0]), dict(kept[1]))._as_cm()


def _defer_fonttools_subset() -> None:
    """Make ``fontTools.subset`` load on first use, not when matplotlib's PDF writer is imported: its import
    (the variable-font and layout code, ~0.13 s) is only needed for a font :mod:`geo.render.fontsubset` does not
    handle. A standard :class:`importlib.util.LazyLoader` module; nothing changes for code that uses it."""
    import importlib.util
    import sys

    if "fontTools.subset" in sys.modules:
        return
    spec = importlib.util.find_spec("fontTools.subset")
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fontTools.subset"] = module
    spec.loader.exec_module(module)
    setattr(sys.modules["fontTools"], "subset", module)


def _lean_pdf_fonts() -> None:
    """Embed fonts by :func:`_lean_glyphs_subset` (once per process; only on the matplotlib it was written for)."""
    if not matplotlib.__version__.startswith("3.11."):
        return
    import sys

    if "matplotlib.backends._backend_pdf_ps" not in sys.modules:
        _defer_fonttools_subset()
    from matplotlib.backends import _backend_pdf_ps as pdfps

    if getattr(pdfps.get_glyphs_subset, "_geo_lean", False):
        return
    _lean_glyphs_subset._geo_lean = True  # type: ignore[attr-defined]
    pdfps.get_glyphs_subset = _lean_glyphs_subset


PNG_COMPRESS_LEVEL = 1  # zlib level: 1 writes a 300-dpi A4 page 3x faster than 6, for a file about 8 % larger


def _write_png(fig: Figure, target, dpi: int, meta: dict) -> None:
    """The page drawn at ``dpi`` by Agg, written as an RGB PNG (a page has no transparency: the alpha channel
    would only add a quarter to what zlib compresses) with its dpi and metadata."""
    from PIL import Image, PngImagePlugin

    facecolor, old_dpi = fig.get_facecolor(), fig.dpi
    fig.set_facecolor("white")
    fig.set_dpi(dpi)
    try:
        data, size = fig.canvas.print_to_buffer()
    finally:
        fig.set_dpi(old_dpi)
        fig.set_facecolor(facecolor)
    info = PngImagePlugin.PngInfo()
    for key, value in {"Software": f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/",
                       **meta}.items():
        info.add_text(key, value)
    image = Image.frombuffer("RGBA", size, data, "raw", "RGBA", 0, 1).convert("RGB")
    image.save(target, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(dpi, dpi), pnginfo=info)


def _save(fig: Figure, target, fmt: str, title: str | None, dpi: int = settings.PRINT_DPI) -> None:
    meta = {"pdf": {"Title": title, "Creator": "geo"}, "svg": {"Title": title}, "png": {"Title": title}}[fmt]
    if fmt == "pdf":
        _lean_pdf_fonts()
    meta = {k: v for k, v in meta.items() if v}
    with matplotlib.rc_context(_RC):
        if fmt == "png":
            # Exact paper pixels: A4 portrait at 300 dpi is 2480 x 3508, not the truncated 3507.
            w_in, h_in = fig.get_size_inches()
            px = round(w_in * dpi), round(h_in * dpi)
            fig.set_size_inches(px[0] / dpi, px[1] / dpi)
            try:
                _write_png(fig, target, dpi, meta)
            finally:
                fig.set_size_inches(w_in, h_in)
        else:
            fig.savefig(target, format=fmt, dpi=settings.PRINT_DPI, facecolor="white", metadata=meta)


def save_figure(
    fig: Figure,
    path: str | os.PathLike,
    *,
    format: str | None = None,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike] = (),
    title: str | None = None,
) -> Path:
    """Write a print map as PDF, PNG or SVG (format from ``format`` or the suffix).

    PDF is vector with DejaVu Sans embedded as TrueType (``pdf.fonttype`` 42);
    PNG is 300 dpi at the exact paper size; SVG draws text as paths. Raises
    ``output_exists`` unless ``overwrite``; the file appears only when complete.
    """
    out = check_output(path, inputs=inputs, overwrite=overwrite)
    fmt = _format_of(out, format)
    with atomic_path(out) as tmp:
        _save(fig, tmp, fmt, title)
    return out


def figure_png(fig: Figure, *, dpi: int = settings.PRINT_DPI) -> bytes:
    """The page as PNG bytes (300 dpi), e.g. for a Word annex or a download button; a lower ``dpi`` for a preview."""
    buf = io.BytesIO()
    _save(fig, buf, "png", None, dpi)
    return buf.getvalue()


def atlas(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    value_column: str,
    title: str,
    subtitle: str | None = None,
    district_column: str = "district_code",
    district_name_column: str = "district_name",
    overview: bool = settings.PRINT_ATLAS_OVERVIEW,
    classification: Classification | None = None,
    scheme: str = settings.DEFAULT_SCHEME,
    k: int = settings.DEFAULT_K,
    bins=None,
    palette: str = settings.DEFAULT_PALETTE,
    legend_title: str | None = None,
    decimals: int = settings.LEGEND_DECIMALS,
    paper: str = settings.DEFAULT_PAPER,
    orientation: str = settings.DEFAULT_ORIENTATION,
    lang: str = DEFAULT_LANG,
    labels: str | None = "name",
    code_column: str = "code",
    name_column: str = "name",
    district_outlines: gpd.GeoDataFrame | bool | None = None,
    designations: Mapping[str, Iterable[str]] | None = None,
    selected: Iterable[str] | None = None,
    source_text: str | None = None,
    date: _dt.date | str | None = None,
    approximate: bool = False,
    illustrative: bool = False,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike] = (),
) -> Path:
    """Write a multi-page PDF atlas: one page per district, like a QGIS atlas.

    Classes are computed once over the whole layer, so a colour means the same
    on every page. With ``overview`` (default) the first page shows the whole
    layer with district names; then one page per district (in code order)
    zoomed to its units, each labelled, with the units of other districts
    greyed. For Lạng Sơn's 194 communes: 1 + 11 = 12 pages.

    Other parameters are those of :func:`print_map`. Returns the path written.
    """
    _check_paper(paper, orientation)
    if district_column not in gdf:
        raise GeoError("map_column_missing", column=district_column, columns=", ".join(map(str, gdf.columns)))
    out = check_output(path, inputs=inputs, overwrite=overwrite)
    prep = _prepare(
        gdf, value_column=value_column, classification=classification, scheme=scheme, k=k, bins=bins,
        palette=palette, legend_title=legend_title, decimals=decimals, lang=lang, labels=labels,
        code_column=code_column, name_column=name_column, district_column=district_column,
        district_outlines=district_outlines, designations=designations, selected=selected,
    )
    keys = gdf[district_column].astype(str).to_numpy()
    names = (gdf[district_name_column].map(lambda v: nfc(v) if isinstance(v, str) else "").to_numpy()
             if district_name_column in gdf else keys)
    districts = sorted(set(keys))
    pages = len(districts) + (1 if overview else 0)
    common = dict(paper=paper, orientation=orientation, lang=lang, source_text=source_text, date=date,
                  approximate=approximate, illustrative=illustrative)
    from matplotlib.backends.backend_pdf import PdfPages

    _lean_pdf_fonts()
    with atomic_path(out) as tmp, matplotlib.rc_context(_RC):
        with PdfPages(tmp, metadata={"Title": nfc(title), "Creator": "geo"}) as pdf:
            page, fig = 0, None  # one figure, drawn again for every page
            if overview:
                page += 1
                fig = _page(prep, title=title, subtitle=subtitle or t("print.overview", lang), focus_codes=None,
                            label_mode=None, label_districts=True, page_text=t("print.page", lang, page=page, pages=pages),
                            figure=fig, **common)
                pdf.savefig(fig)
            for key in districts:
                page += 1
                members = set(prep.codes[keys == key])
                name = next((n for n in names[keys == key] if n), key)
                sub = f"{name}" + (f" — {nfc(subtitle)}" if subtitle else "")
                fig = _page(prep, title=title, subtitle=sub, focus_codes=members, label_mode=labels,
                            label_districts=False, page_text=t("print.page", lang, page=page, pages=pages),
                            figure=fig, **common)
                pdf.savefig(fig)
    return out
