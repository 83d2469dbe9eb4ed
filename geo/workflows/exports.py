"""Annex exports from a map layer and the reader's choices: one call per file.

The Annex page of the app and ``python -m geo annex`` both go through this
module, so a file downloaded from the browser and one written by a planner's
batch job are the same for the same choices:

- :func:`annex_units` -> the units an annex lists (:class:`AnnexUnits`): the
  priority list of the Priority page, the units selected on the map, or all;
- :func:`default_titles` -> the prefilled titles ("Phụ lục: Bản đồ tỷ lệ hộ
  nghèo năm 2020 – tỉnh Lạng Sơn");
- :func:`write_export` / :func:`export_bytes` -> one export of
  :data:`EXPORTS` (print map PDF/PNG/SVG, district atlas, XLSX/CSV/DOCX
  table, GeoPackage/GeoJSON geometry);
- :func:`preview_png` -> a small PNG of the print map.

The print map always shows every unit of the layer, with the listed units
outlined; tables and geometry hold only the listed units. The source goes in
the map footer and under the table with the date; the "sơ đồ gần đúng"
(approximate boundaries) and "số liệu minh họa" (illustrative figures) notes
are added whenever they apply.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import re
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.units import registry

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import DEFAULT_LANG, format_day, t

__all__ = [
    "EXPORTS", "UNIT_LISTS", "PREVIEW_DPI", "Export", "AnnexChoices", "AnnexUnits", "unit_lists", "annex_units",
    "default_titles", "atlas_available", "atlas_pages", "write_export", "export_bytes", "export_filename",
    "preview_png", "prefetch",
]

PREVIEW_DPI = 40  # the page's preview: an A4 page is 331 x 468 pixels


@dataclass(frozen=True)
class Export:
    """One kind of export: file suffix, MIME type and what it holds."""

    suffix: str
    mime: str
    what: str  # "map", "atlas", "table" or "geo"


EXPORTS: dict[str, Export] = {
    "pdf": Export("pdf", "application/pdf", "map"),
    "png": Export("png", "image/png", "map"),
    "svg": Export("svg", "image/svg+xml", "map"),
    "atlas": Export("pdf", "application/pdf", "atlas"),
    "xlsx": Export("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "table"),
    "csv": Export("csv", "text/csv", "table"),
    "docx": Export("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "table"),
    "gpkg": Export("gpkg", "application/geopackage+sqlite3", "geo"),
    "geojson": Export("geojson", "application/geo+json", "geo"),
}
UNIT_LISTS = ("priority", "selection", "all")


@dataclass(frozen=True)
class AnnexChoices:
    """Everything an annex export depends on besides the layer and its units (hashable, so it can key a cache).

    ``value_column`` is the mapped column (``poor_rate_2020``) or None (no
    data: every unit in the "Không có dữ liệu" class). ``designations`` holds
    ``(type, codes)`` pairs to hatch, e.g. from
    :func:`geo.workflows.mapview.designation_overlays`. ``date`` defaults to today.
    """

    value_column: str | None
    title: str
    table_title: str | None = None
    subtitle: str | None = None
    scheme: str = settings.DEFAULT_SCHEME
    k: int = settings.DEFAULT_K
    bins: tuple[float, ...] | None = None
    palette: str = settings.DEFAULT_PALETTE
    paper: str = settings.DEFAULT_PAPER
    orientation: str = settings.DEFAULT_ORIENTATION
    labels: str | None = "name"
    lang: str = DEFAULT_LANG
    designations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    data_source: str | None = None
    boundary_source: str | None = None
    illustrative: bool = False
    date: _dt.date | None = None

    @staticmethod
    def overlays(designations: Mapping[str, Iterable[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``{type: codes}`` as the hashable ``designations`` field."""
        return tuple((str(k), tuple(sorted(map(str, v)))) for k, v in (designations or {}).items())


@dataclass(frozen=True)
class AnnexUnits:
    """The units an annex lists, in order, with their geometry.

    ``which`` is one of :data:`UNIT_LISTS`; ``key`` is a digest of the rows
    (codes, tiers, reasons, values) to key a cache.
    """

    frame: gpd.GeoDataFrame
    which: str
    key: str

    @property
    def codes(self) -> list[str]:
        return self.frame["code"].astype(str).tolist()


# --------------------------------------------------------------------------
# Which units
# --------------------------------------------------------------------------
def _codes(layer) -> pd.Series:
    if "code" not in layer.gdf.columns or layer.gdf["code"].isna().all():
        # A commune layer whose codes are not GSO codes (an office's own numbering): say so.
        raise GeoError("annex_not_gso_codes", columns=", ".join(str(c) for c in layer.gdf.columns if c != "geometry"))
    return layer.gdf["code"].astype(str)


def _priority_rows(layer, ranked: pd.DataFrame | None) -> pd.DataFrame | None:
    """The selected rows of a ranked list made on this very layer (same units), else None."""
    if ranked is None or len(ranked) == 0 or not {"code", "selected"} <= set(ranked.columns):
        return None
    if set(ranked["code"].astype(str)) != set(_codes(layer)):
        return None  # ranked on another level, dataset or province
    rows = ranked[ranked["selected"].fillna(False).astype(bool)]
    return rows if len(rows) else None


def unit_lists(layer, *, selection: Iterable[str] = (), ranked: pd.DataFrame | None = None) -> dict[str, int]:
    """The unit lists an annex can use, with their sizes: ``{"priority": 12, "selection": 3, "all": 194}``.

    ``priority`` is offered when ``ranked`` (a :func:`geo.analysis.ranking.rank`
    result) was made on the layer's units and selects some; ``selection``
    when some of the codes are in the layer.
    """
    out: dict[str, int] = {}
    rows = _priority_rows(layer, ranked)
    if rows is not None:
        out["priority"] = len(rows)
    chosen = set(map(str, selection)) & set(_codes(layer))
    if chosen:
        out["selection"] = len(chosen)
    out["all"] = len(layer.gdf)
    return out


def _digest(frame: pd.DataFrame) -> str:
    text = frame.drop(columns=frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else [], errors="ignore")
    return hashlib.sha256(text.astype(str).to_csv(index=False).encode("utf-8")).hexdigest()[:16]


def annex_units(layer, which: str = "all", *, selection: Iterable[str] = (),
                ranked: pd.DataFrame | None = None) -> AnnexUnits:
    """The units of list ``which`` (see :func:`unit_lists`) with their geometry, in order.

    The priority list keeps its rank order and its ``tier_label`` and
    ``reasons`` (printed in the annex's "Diện ưu tiên / Lý do" column); the
    selection keeps the layer's order.

    Raises ``GeoError("annex_no_units")`` when the list is empty.
    """
    if which not in UNIT_LISTS:
        raise GeoError("annex_no_units")
    gdf = layer.gdf
    if which == "priority":
        rows = _priority_rows(layer, ranked)
        if rows is None:
            raise GeoError("annex_no_units")
        rows = pd.DataFrame(rows.drop(columns="geometry", errors="ignore")).reset_index(drop=True)
        geometry = gdf.geometry.set_axis(_codes(layer).to_numpy()).reindex(rows["code"].astype(str).to_numpy())
        frame = gpd.GeoDataFrame(rows, geometry=geometry.to_numpy(), crs=gdf.crs)
    elif which == "selection":
        frame = gdf[_codes(layer).isin(set(map(str, selection)))].reset_index(drop=True)
        if frame.empty:
            raise GeoError("annex_no_units")
    else:
        frame = gdf.reset_index(drop=True)
    return AnnexUnits(frame=frame, which=which, key=f"{which}:{_digest(frame)}")


# --------------------------------------------------------------------------
# Titles and sources
# --------------------------------------------------------------------------
def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _area(layer, lang: str) -> str:
    """ "tỉnh Lạng Sơn" as it reads mid-sentence ("Lạng Sơn Province" in English)."""
    if not layer.province:
        return ""
    name = registry.province_name(layer.province, vintage=layer.vintage, short=lang != "vi")
    if name is None:
        return str(layer.province)
    return _lower_first(name) if lang == "vi" else t("annex.area_en", lang, name=name)


def default_titles(layer, value_column: str | None, lang: str = DEFAULT_LANG, *, which: str = "all") -> tuple[str, str]:
    """(map title, table title) for the layer, its mapped column and the unit list.

    For Lạng Sơn's ``poor_rate_2020``: "Phụ lục: Bản đồ tỷ lệ hộ nghèo năm
    2020 – tỉnh Lạng Sơn" and "Tỷ lệ hộ nghèo năm 2020 – tỉnh Lạng Sơn"; the
    table of the priority list is "Danh sách đơn vị ưu tiên – tỉnh Lạng Sơn".
    """
    from geo.analysis.indicators import parse_column

    area = _area(layer, lang)
    if value_column:
        base, year = parse_column(value_column)
        what = t(f"indicator.{base}", lang)
        what = value_column if what.startswith("indicator.") else re.sub(r"\s*\(%\)$", "", what)
    else:
        base, year, what = None, None, t("no_data", lang)
    key = "annex.map_default" if year else "annex.map_default_noyear"
    map_title = t(key, lang, indicator=_lower_first(what), year=year, area=area)
    if which == "priority":
        table_title = t("annex.table_priority", lang, area=area)
    else:
        table_title = t("annex.map_title" if year else "annex.map_title_noyear", lang, indicator=what, year=year,
                        area=area)
    return map_title, table_title


def _sources(layer, choices: AnnexChoices) -> list[str]:
    out = [choices.data_source] if choices.data_source else []
    if not layer.approximate and choices.boundary_source:
        out.append(t("annex.boundaries", choices.lang, source=choices.boundary_source))
    build = getattr(layer, "build", None)
    if build is not None and build.checks.derived:  # rates computed from counts say so wherever they are shown
        out.append(t("trust.derived", choices.lang, columns=", ".join(build.checks.derived)))
    return out


def _date(choices: AnnexChoices) -> _dt.date:
    return choices.date or _dt.date.today()


# --------------------------------------------------------------------------
# Maps
# --------------------------------------------------------------------------
def _district_columns(layer) -> tuple[str, str]:
    """(code, name) columns of the district each unit belongs to; a district layer is its own."""
    gdf = layer.gdf
    if layer.level == "district":
        return "code", "name"
    code = next((c for c in ("district_code", "parent_code") if c in gdf.columns), "district_code")
    name = next((c for c in ("district_name", "parent_name") if c in gdf.columns), "district_name")
    return code, name


def atlas_available(layer) -> bool:
    """An atlas (one page per district) needs units grouped in districts: the commune level before 2025."""
    code, _ = _district_columns(layer)
    return layer.level == "commune" and code in layer.gdf.columns and layer.gdf[code].notna().any()


def atlas_pages(layer) -> int:
    code, _ = _district_columns(layer)
    return int(layer.gdf[code].nunique()) + (1 if settings.PRINT_ATLAS_OVERVIEW else 0)


def _map_args(layer, choices: AnnexChoices, units: AnnexUnits | None) -> tuple[gpd.GeoDataFrame, dict]:
    gdf, column, legend = layer.gdf, choices.value_column, None
    if column is None:  # no dataset: every unit in the "no data" class
        gdf, column, legend = gdf.assign(_value=float("nan")), "_value", t("no_data", choices.lang)
    elif column not in gdf.columns:
        raise GeoError("map_column_missing", column=column, columns=", ".join(layer.indicators))
    district_col, _ = _district_columns(layer)
    kw = dict(
        value_column=column, title=choices.title, subtitle=choices.subtitle, scheme=choices.scheme, k=choices.k,
        bins=list(choices.bins) if choices.bins is not None else None, palette=choices.palette, legend_title=legend,
        paper=choices.paper, orientation=choices.orientation, lang=choices.lang, labels=choices.labels,
        district_column=district_col, district_outlines=False if layer.level == "district" else None,
        designations=_present(layer, choices.designations),
        selected=units.codes if units is not None and units.which != "all" else None,
        source_text="; ".join(_sources(layer, choices)) or None, date=_date(choices),
        approximate=layer.approximate, illustrative=choices.illustrative,
    )
    return gdf, kw


def _present(layer, designations) -> dict[str, set[str]]:
    """Designations restricted to the layer's units; a type with none of them is left out of the legend
    (commune designations on a district map hatch nothing)."""
    codes = set(_codes(layer))
    found = {kind: set(members) & codes for kind, members in designations}
    return {kind: members for kind, members in found.items() if members}


_FIGURES: OrderedDict = OrderedDict()  # (layer id, choices but titles, units key) -> (layer ref, figure, lock)
_FIGURES_LOCK = threading.Lock()
FIGURE_CACHE_SIZE = 4  # pages kept: the Annex page's preview, then its PDF/PNG download, draw the same page


@contextlib.contextmanager
def _page_figure(layer, choices: AnnexChoices, units: AnnexUnits | None):
    """The print map of ``layer`` for ``choices`` and ``units``, drawn once and kept for the next call with the
    same three (the page's preview and then its download): used under a lock, as a figure is drawn by one
    thread at a time. A layer is known by its identity (the app keeps the layer it built). The titles are not
    part of what is kept: a page kept with another title gets this one (:func:`geo.render.printmap.retitle`)."""
    from geo.render.printmap import print_map, retitle

    untitled = replace(choices, title="", subtitle=None, table_title=None)
    key = (id(layer), untitled, _date(choices), units.key if units is not None else None)
    with _FIGURES_LOCK:
        hit = _FIGURES.get(key)
        if hit is not None and hit[0]() is layer:
            _FIGURES.move_to_end(key)
        else:
            hit = None
    if hit is None:
        gdf, kw = _map_args(layer, choices, units)
        try:
            ref = weakref.ref(layer)
        except TypeError:  # an object without weak references is not kept
            ref = None
        hit = (ref, print_map(gdf, **kw), threading.Lock())
        if ref is not None:
            with _FIGURES_LOCK:
                _FIGURES[key] = hit
                while len(_FIGURES) > FIGURE_CACHE_SIZE:
                    _FIGURES.popitem(last=False)
    with hit[2]:
        yield retitle(hit[1], title=choices.title, subtitle=choices.subtitle)


def _figure(layer, choices: AnnexChoices, units: AnnexUnits | None):
    from geo.render.printmap import print_map

    gdf, kw = _map_args(layer, choices, units)
    return print_map(gdf, **kw)


def preview_png(layer, choices: AnnexChoices, units: AnnexUnits | None = None, *, dpi: int = PREVIEW_DPI) -> bytes:
    """The print map as a small PNG (the whole page, at ``dpi``)."""
    from geo.render.printmap import figure_png

    with _page_figure(layer, choices, units) as fig:
        return figure_png(fig, dpi=dpi)


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------
def _table(layer, choices: AnnexChoices, units: AnnexUnits | None):
    from geo.render.annex_table import annex_table
    from geo.analysis.indicators import parse_column

    lang = choices.lang
    frame = units.frame if units is not None else layer.gdf
    year = parse_column(choices.value_column)[1] if choices.value_column else None
    if year is not None and not any(f"{b}_{year}" in frame.columns for b in ("households", "poor", "poor_rate")):
        year = None
    notes = []
    if layer.approximate:
        notes.append(t("approximate_note", lang))
    if choices.illustrative:
        notes.append(t("illustrative_note", lang))
    notes += [t(note, lang) for note in layer.notes]  # e.g. district figures on a commune layer
    notes.append(t("print.date", lang, date=_date_text(_date(choices), lang)))
    return annex_table(frame, title=choices.table_title or choices.title, subtitle=choices.subtitle, lang=lang,
                       year=year, level=layer.level, sources=_sources(layer, choices), notes=notes)


def _date_text(date: _dt.date, lang: str) -> str:
    return format_day(date, lang)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------
def write_export(
    path: str | os.PathLike,
    layer,
    choices: AnnexChoices,
    kind: str,
    *,
    units: AnnexUnits | None = None,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike] = (),
) -> Path:
    """Write one export of :data:`EXPORTS` for ``layer`` (a :class:`geo.workflows.mapview.MapLayer`).

    Parameters
    ----------
    kind
        ``pdf``/``png``/``svg`` (one print-map page: :func:`geo.render.printmap.print_map`),
        ``atlas`` (:func:`geo.render.printmap.atlas`: an overview, then one page per
        district), ``xlsx``/``csv``/``docx`` (:func:`geo.render.annex_table.annex_table`;
        the Word annex holds the print map and the table), ``gpkg``/``geojson``
        (the listed units' geometry with their attributes).
    units
        From :func:`annex_units`; None lists every unit. The map outlines the
        listed units unless the list is all of them.

    Raises
    ------
    GeoError
        ``unsupported_format``, ``output_exists`` (without ``overwrite``),
        ``map_column_missing``, ``annex_no_units`` and those of the writers.
    """
    from geo.render import annex_table as annex, printmap

    if kind not in EXPORTS:
        raise GeoError("unsupported_format", path=str(path), supported=", ".join(EXPORTS))
    what = EXPORTS[kind].what
    if what == "map":
        with _page_figure(layer, choices, units) as fig:
            return printmap.save_figure(fig, path, format=kind, overwrite=overwrite, inputs=inputs,
                                        title=choices.title)
    if what == "atlas":
        gdf, kw = _map_args(layer, choices, units)
        _, name_col = _district_columns(layer)
        return printmap.atlas(gdf, path, district_name_column=name_col, overwrite=overwrite, inputs=inputs, **kw)
    table = _table(layer, choices, units)
    if kind == "xlsx":
        return annex.write_xlsx(path, table, overwrite=overwrite, inputs=inputs)
    if kind == "csv":
        return annex.write_csv(path, table, overwrite=overwrite, inputs=inputs)
    if kind == "docx":
        png = printmap.figure_png(_figure(layer, choices, units))
        return annex.write_docx(path, title=choices.title, table=table, map_image=png, lang=choices.lang,
                                overwrite=overwrite, inputs=inputs)
    frame = units.frame if units is not None else layer.gdf
    return annex.write_geodata(path, frame, table=table, format=kind, overwrite=overwrite, inputs=inputs)


def write_exports(
    targets: Mapping[str, str | os.PathLike],
    layer,
    choices: AnnexChoices,
    *,
    units: AnnexUnits | None = None,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike] = (),
) -> list[Path]:
    """Several exports of one layer in one call (``{kind: path}``, kinds of :data:`EXPORTS`).

    The print map is drawn once and saved as every map format asked for (PDF, PNG, SVG) and put in the Word
    annex; the layer, the classes and the table are shared. Same errors as :func:`write_export`.
    """
    from geo.render import annex_table as annex, printmap

    for kind, path in targets.items():
        if kind not in EXPORTS:
            raise GeoError("unsupported_format", path=str(path), supported=", ".join(EXPORTS))
    code, _ = _district_columns(layer)
    if "atlas" in targets and code not in layer.gdf.columns:  # checked before anything is written
        raise GeoError("map_column_missing", column=code, columns=", ".join(map(str, layer.gdf.columns)))
    fig, written = None, []
    for kind, path in targets.items():
        if EXPORTS[kind].what == "map" or kind == "docx":
            fig = fig if fig is not None else _figure(layer, choices, units)
        if EXPORTS[kind].what == "map":
            written.append(printmap.save_figure(fig, path, format=kind, overwrite=overwrite, inputs=inputs,
                                                title=choices.title))
        elif kind == "docx":
            written.append(annex.write_docx(path, title=choices.title, table=_table(layer, choices, units),
                                            map_image=printmap.figure_png(fig), lang=choices.lang,
                                            overwrite=overwrite, inputs=inputs))
        else:
            written.append(write_export(path, layer, choices, kind, units=units, overwrite=overwrite, inputs=inputs))
    return written


def export_filename(kind: str, layer, choices: AnnexChoices) -> str:
    """An ASCII file name: ``phu_luc_ban_do_poor_rate_2020_20_district.pdf``, ``tap_ban_do_…pdf``…"""
    stem = {"map": "ban_do", "atlas": "tap_ban_do", "table": "bang", "geo": "ranh_gioi"}[EXPORTS[kind].what]
    if choices.lang != "vi":
        stem = {"ban_do": "map", "tap_ban_do": "atlas", "bang": "table", "ranh_gioi": "units"}[stem]
    prefix = "phu_luc" if choices.lang == "vi" else "annex"
    parts = [prefix, stem, choices.value_column or "no_data", str(layer.province or ""), layer.level]
    name = "_".join(re.sub(r"[^A-Za-z0-9_]+", "-", p).strip("-") for p in parts if p)
    return f"{name}.{EXPORTS[kind].suffix}"


def export_bytes(layer, choices: AnnexChoices, kind: str, *, units: AnnexUnits | None = None) -> bytes:
    """The bytes of :func:`write_export`, written in a private temporary folder (e.g. for a download button).

    Bytes :func:`prefetch` started for the same layer, choices, kind and units are taken (waiting for them
    when they are still being written) instead of writing the file again.
    """
    key = _prefetch_key(layer, choices, kind, units)
    with _PREFETCH_LOCK:
        kept = _PREFETCHED.pop(key, None)
    if kept is not None and kept[0]() is layer:
        return kept[1].result()  # raises what writing raised, e.g. a GeoError for the page to show
    return _write_bytes(layer, choices, kind, units)


def _write_bytes(layer, choices: AnnexChoices, kind: str, units: AnnexUnits | None) -> bytes:
    with tempfile.TemporaryDirectory(prefix="geo-annex-") as folder:
        out = Path(folder) / f"annex.{EXPORTS[kind].suffix}" if kind in EXPORTS else Path(folder) / "annex"
        return write_export(out, layer, choices, kind, units=units).read_bytes()


# --------------------------------------------------------------------------
# Writing ahead: the file the planner is about to ask for
# --------------------------------------------------------------------------
_PREFETCHED: OrderedDict = OrderedDict()  # key -> (weak ref to the layer, Future of the bytes)
_PREFETCH_LOCK = threading.Lock()
PREFETCH_KEPT = 4  # files written ahead and not yet taken; the oldest is dropped
_PREFETCH_POOL = None  # one background thread, started on first use


def _prefetch_key(layer, choices: AnnexChoices, kind: str, units: AnnexUnits | None) -> tuple:
    return (id(layer), choices, _date(choices), kind, units.key if units is not None else None)


def prefetch(layer, choices: AnnexChoices, kind: str, *, units: AnnexUnits | None = None) -> bool:
    """Start writing the bytes of ``kind`` in a background thread, for :func:`export_bytes` to take.

    The Annex page calls it once its preview is shown: the PDF of the page the planner is looking at is
    written while they read it, so asking for it returns at once. One thread writes one file at a time
    (the page is drawn under its own lock, see :func:`_page_figure`); at most :data:`PREFETCH_KEPT` files
    wait to be taken. Returns False when those bytes are already written or being written, or when the layer
    cannot be known again (no weak reference).
    """
    global _PREFETCH_POOL
    from concurrent.futures import ThreadPoolExecutor

    if kind not in EXPORTS:
        raise GeoError("unsupported_format", path=kind, supported=", ".join(EXPORTS))
    try:
        ref = weakref.ref(layer)
    except TypeError:
        return False
    key = _prefetch_key(layer, choices, kind, units)
    with _PREFETCH_LOCK:
        kept = _PREFETCHED.get(key)
        if kept is not None and kept[0]() is layer:
            return False
        if _PREFETCH_POOL is None:
            _PREFETCH_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geo-prefetch")
        _PREFETCHED[key] = (ref, _PREFETCH_POOL.submit(_write_bytes, layer, choices, kind, units))
        while len(_PREFETCHED) > PREFETCH_KEPT:
            _PREFETCHED.popitem(last=False)[1][1].cancel()  # not started yet: never written
    return True
