"""Approximate default boundaries built from the registry alone.

The app must draw a map on a machine that has no boundary files. The
``vietnamadminunits`` package has centroids and bounding boxes but no
polygons, so this module estimates them, and labels every feature
``approximate=True`` (sơ đồ gần đúng).

Method, pre2025 (measured against the official Lạng Sơn outlines, see
``bench/boundaries.py``):

1. One Voronoi diagram of all commune centroids of the country at once, so
   neighbouring provinces share their edges instead of overlapping. A single
   province is built from the centroids within a margin of it instead: a cell
   depends only on nearby centroids, so its cells are the national ones.
2. Each cell is clipped to the bounding box of its district intersected with
   that of its province. These boxes are accurate to a few hundred metres;
   commune boxes are not (many are geocoder points), so they are not used.
   The clip is what turns an unbounded diagram into a country with borders
   and a coast.
3. Holes left inside the clipped union (where a cell reached outside its own
   district's box) are filled and given back to the Voronoi cell they lie in,
   so there are no gaps between neighbours.
4. The cells are made a valid polygonal coverage (``shapely.coverage_clean``):
   clipping to boxes leaves T-junctions, where a vertex of one cell lies on
   its neighbour's edge but not in it; cleaning inserts it on both sides, so
   ``shapely.coverage_is_valid`` holds and edges are shared exactly. Slivers
   narrower than about 11 m between cells go to a neighbour, so dissolves
   stay valid coverages too.
5. Districts and provinces are the coverage union of their communes, so they
   nest exactly and stay a valid coverage themselves.

Method, 2025: provinces merged whole in 2025, so a new province is the union
of its old provinces' outlines from step 1-3. New communes are the Voronoi
cells of their centroids computed province by province inside that outline,
so they nest in the province and the province edges keep the quality of the
pre2025 outline (the dissolve of old communes cannot guarantee that a new
commune's centroid lies in its own cell). The national set of new communes is
cleaned into a valid coverage like the old one.

Every commune centroid lies inside its own cell: duplicated centroids (a
geocoder fallback to the district centroid) are spread on a small circle in
code order, the first keeping the exact point, and outlines are grown to take
in a centroid that falls outside them. The five island districts that have no
communes get a cell from their own centroid and bounding box.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.units import registry

logger = logging.getLogger(__name__)

__all__ = ["METHOD_VERSION", "COLUMNS", "default_boundaries", "cache_path"]

# Bump when the method changes: it is part of the cache file name and metadata.
METHOD_VERSION = "2"

CRS = "EPSG:4326"
COLUMNS = [
    "code", "name", "type", "level", "vintage", "province_code", "province_name",
    "district_code", "district_name", "parent_code", "approximate", "source", "geometry",
]
REPO_CACHE_DIR = settings.PROJECT_DIR / "data" / "boundaries"
USER_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "geo-ngheo" / "boundaries"

# Degrees. Duplicated centroids are spread on a circle of at most this radius,
# and never more than this fraction of the distance to the nearest other seed.
DUPLICATE_SPREAD_DEG = 0.002
DUPLICATE_SPREAD_FRACTION = 0.25
# Half-size of the square added around a centroid that falls outside its outline.
CENTROID_PAD_DEG = 0.002
# Coordinates are snapped to this grid (degrees, about 10 cm) so that neighbours'
# shared edges match exactly and dissolves leave no zero-width gaps.
GRID_DEG = 1e-6
# Slivers narrower than this (degrees, about 11 m) between clipped cells are
# given to a neighbour when the cells are cleaned into a coverage; without it
# a dissolve of the communes into districts leaves edges that do not match.
GAP_WIDTH_DEG = 1e-4
# Margin around the country for the (otherwise unbounded) Voronoi diagram.
ENVELOPE_MARGIN_DEG = 1.0
# One province before 2025 is built from its own communes plus every commune within this margin of its
# bounding box (degrees, about 55 km: many commune spacings), not from the whole country: a Voronoi cell
# depends only on nearby centroids, so the province's cells are the national ones, in a fraction of the time.
PROVINCE_MARGIN_DEG = 0.5

_BOX = ["minx", "miny", "maxx", "maxy"]


def _package_version() -> str:
    try:
        return version("vietnamadminunits")
    except PackageNotFoundError:  # pragma: no cover - the registry needs it anyway
        return "unknown"


def _source() -> str:
    return f"vietnamadminunits {_package_version()} centroids – Voronoi, sơ đồ gần đúng"


def _cache_tag() -> str:
    return f"m{METHOD_VERSION}-vau{_package_version()}"


def cache_path(*, province: str | None, level: str, vintage: str, cache_dir: Path | None = None) -> Path:
    """Where :func:`default_boundaries` keeps one layer; the name carries the method version."""
    folder = REPO_CACHE_DIR if cache_dir is None else Path(cache_dir)
    return folder / f"default_{vintage}_{province or 'all'}_{level}_{_cache_tag()}.gpkg"


def default_boundaries(
    *,
    province: str | int | None,
    level: str,
    vintage: str = "pre2025",
    cache_dir: Path | None = None,
) -> gpd.GeoDataFrame:
    """Approximate boundaries of one province, or the whole country, from the registry.

    For a fresh machine without boundary files. Read from a GeoPackage cache
    when one exists for the same method and package version, otherwise built
    and cached. One province before 2025 is built lazily from its own communes
    and those within :data:`PROVINCE_MARGIN_DEG` of it (about a second); the
    whole country, and a 2025 province (whose outline is the union of old
    provinces), are tessellated at once so that neighbouring provinces share
    their edges (5-20 s). A cached layer reads in under a second.

    Parameters
    ----------
    province
        GSO province code of ``vintage`` (``20`` or ``"20"``); None for the whole country.
    level
        ``"province"``, ``"district"`` (pre2025 only) or ``"commune"``.
    vintage
        ``"pre2025"`` or ``"2025"``.
    cache_dir
        Folder of the cache; default ``data/boundaries`` of the repository. When it
        is not writable the user cache (``~/.cache/geo-ngheo/boundaries``) is used.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per unit, columns :data:`COLUMNS`. ``approximate`` is
        True on every row. Cells have no gaps or overlaps between neighbours, and
        districts and provinces are the dissolve of their communes.

    Raises
    ------
    GeoError
        ``unknown_vintage``, ``unknown_level`` or ``unknown_province``.
    """
    registry.check_vintage_level(vintage, level)
    code = None
    if province is not None:
        registry.units(province=province, level="province", vintage=vintage)  # raises unknown_province
        code = registry.normalize_code(province, "province")
    for folder in _cache_folders(cache_dir):
        path = cache_path(province=code, level=level, vintage=vintage, cache_dir=folder)
        cached = _read_cache(path)
        if cached is not None:
            return _sovereignty(cached, level=level, vintage=vintage)
    result = _build(province=code, level=level, vintage=vintage, cache_dir=cache_dir)
    for folder in _cache_folders(cache_dir):
        path = cache_path(province=code, level=level, vintage=vintage, cache_dir=folder)
        if _write_cache(result, path):
            break
    return _sovereignty(result, level=level, vintage=vintage)


def _sovereignty(gdf: gpd.GeoDataFrame, *, level: str, vintage: str) -> gpd.GeoDataFrame:
    """Post-step: Hoàng Sa and Trường Sa at their islands, not where the registry's centroids put them
    (see :mod:`geo.units.sovereignty`; a no-op for layers without Đà Nẵng or Khánh Hòa)."""
    from geo.units.sovereignty import place_archipelagos

    return place_archipelagos(gdf, level=level, vintage=vintage)


# --------------------------------------------------------------------------- cache


def _cache_folders(cache_dir: Path | None) -> list[Path]:
    primary = REPO_CACHE_DIR if cache_dir is None else Path(cache_dir)
    return [primary] if primary == USER_CACHE_DIR else [primary, USER_CACHE_DIR]


def _read_cache(path: Path) -> gpd.GeoDataFrame | None:
    """The cached layer, or None when absent, unreadable or from another method."""
    if not path.is_file():
        return None
    import pyogrio

    try:
        meta = pyogrio.read_info(path).get("layer_metadata") or {}
        if meta.get("method_version") != METHOD_VERSION or meta.get("package_version") != _package_version():
            return None
        gdf = pyogrio.read_dataframe(path)  # our own cache, not an upload
    except Exception:  # a half-written or foreign file: rebuild rather than fail
        return None
    return _finish(gdf)


_CACHE_NAME = re.compile(r"default_(pre2025|2025)_\w+_(province|district|commune)_(m\w+-vau[\w.]+)\.gpkg")


def _drop_stale(folder: Path) -> None:
    """Remove the layers an earlier method or package version left in ``folder`` (they are never read again)."""
    tag = _cache_tag()
    for old in folder.glob("default_*.gpkg"):
        m = _CACHE_NAME.fullmatch(old.name)
        # ".tmp": another process's layer still being written (see _write_cache)
        if m is not None and m.group(3) != tag and ".tmp" not in old.name:
            with contextlib.suppress(OSError):
                old.unlink()


def _write_cache(gdf: gpd.GeoDataFrame, path: Path) -> bool:
    """Write atomically (temp file + os.replace); False when the folder is not writable."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp.gpkg", dir=path.parent)
        os.close(fd)
        os.unlink(tmp)  # GDAL wants to create the file itself
        gdf.to_file(
            tmp, driver="GPKG", engine="pyogrio", layer=path.stem,
            layer_metadata={"method_version": METHOD_VERSION, "package_version": _package_version(),
                            "source": _source()},
        )
        os.replace(tmp, path)
        _drop_stale(path.parent)
        return True
    except OSError:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        return False


# --------------------------------------------------------------------------- build


def _build(*, province: str | None, level: str, vintage: str, cache_dir: Path | None) -> gpd.GeoDataFrame:
    local = province is not None and vintage == "pre2025"  # lazily per province: not the country for one view
    cells = _province_cells(province) if local else _national_cells(vintage, cache_dir)
    if level == "commune":
        if province is not None:
            cells = cells[cells["province_code"] == province]
        geoms = cells[~cells["island_district"]].set_index("code")["geometry"]
    else:
        geoms = _dissolve_local(cells, level) if local else _dissolved(vintage, level, cache_dir)
        if province is not None:
            geoms = geoms[geoms.index.isin(cells.loc[cells["province_code"] == province, _level_key(level)])]
    attrs = registry.units(province=province, level=level, vintage=vintage).set_index("code")
    attrs = attrs.loc[attrs.index.intersection(geoms.index)]
    out = gpd.GeoDataFrame(attrs.reset_index(), geometry=list(geoms.loc[attrs.index]), crs=CRS)
    out["approximate"] = True
    out["source"] = _source()
    return _finish(out)


def _dissolve_local(cells: gpd.GeoDataFrame, level: str) -> pd.Series:
    """Districts or the province of one province's cells: the coverage union of their cells."""
    return cells.groupby(_level_key(level), sort=True)["geometry"].agg(lambda s: _union(s.to_numpy()))


def _level_key(level: str) -> str:
    return "district_code" if level == "district" else "province_code"


@functools.lru_cache(maxsize=None)
def _dissolved(vintage: str, level: str, cache_dir: Path | None = None) -> pd.Series:
    """Districts or provinces of the whole country: the coverage union of their cells."""
    cells = _national_cells(vintage, cache_dir)
    return cells.groupby(_level_key(level), sort=True)["geometry"].agg(lambda s: _union(s.to_numpy()))


def _union(geoms: np.ndarray) -> shapely.Geometry:
    """Dissolve of cells of a valid coverage (exact: shared vertices stay shared)."""
    merged = shapely.coverage_union_all(geoms) if len(geoms) > 1 else geoms[0]
    return _polygonal(merged)


def _clean(cells: np.ndarray) -> np.ndarray:
    """The cells as a valid polygonal coverage: no overlaps, shared edges vertex for vertex."""
    cleaned = shapely.coverage_clean(cells, gap_width=GAP_WIDTH_DEG)
    empty = shapely.is_empty(cleaned)
    cleaned[empty] = cells[empty]  # never lose a unit (cleaning does not empty cells in practice)
    return np.array([_polygonal(g) for g in cleaned], dtype=object)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Valid Polygon/MultiPolygon, without the points and lines a clip can leave."""
    geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon) and not p.is_empty]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Same columns and dtypes whether built or read from the cache."""
    gdf = gdf.copy()
    for col in ("code", "name", "type", "level", "vintage", "province_code", "province_name",
                "district_code", "district_name", "parent_code", "source"):
        gdf[col] = [v if isinstance(v, str) else None for v in gdf[col]] if col in gdf else None
        gdf[col] = gdf[col].astype(object)
    gdf["approximate"] = True
    gdf = gdf[COLUMNS].sort_values("code", kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=CRS)


@functools.lru_cache(maxsize=None)
def _national_cells(vintage: str, cache_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Commune cells of the whole country (plus island districts before 2025)."""
    if vintage == "pre2025":
        return _pre2025_cells()
    # The old provinces come through the file cache: building them is most of the cost.
    old_provinces = default_boundaries(province=None, level="province", vintage="pre2025", cache_dir=cache_dir)
    return _cells_2025(old_provinces)


def _seeds(vintage: str) -> pd.DataFrame:
    """Generator points: one per commune (and commune-less district), duplicates spread.

    Columns: code, province_code, district_code, island_district, lon, lat (the
    registry centroid) and x, y (the point actually used).
    """
    communes = registry.units(level="commune", vintage=vintage)
    communes["island_district"] = False
    if vintage == "pre2025":
        districts = registry.units(level="district", vintage=vintage)
        islands = districts[~districts["code"].isin(communes["district_code"])].copy()
        islands["island_district"] = True
        communes = pd.concat([communes, islands], ignore_index=True)
    seeds = communes[["code", "province_code", "district_code", "island_district", "lon", "lat"]].copy()
    seeds = seeds.sort_values(["island_district", "code"], kind="stable").reset_index(drop=True)
    x, y = _spread_duplicates(seeds["lon"].to_numpy(float), seeds["lat"].to_numpy(float))
    seeds["x"], seeds["y"] = x, y
    return seeds


def _spread_duplicates(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give units that share one centroid distinct points, in input order, first one unmoved."""
    from scipy.spatial import cKDTree

    x, y = lon.copy(), lat.copy()
    frame = pd.DataFrame({"x": lon, "y": lat})
    rank = frame.groupby(["x", "y"], sort=False).cumcount().to_numpy()
    size = frame.groupby(["x", "y"], sort=False)["x"].transform("size").to_numpy()
    moved = np.flatnonzero(rank > 0)
    if moved.size == 0:
        return x, y
    distinct = frame.drop_duplicates().to_numpy()
    dist, _ = cKDTree(distinct).query(np.c_[lon[moved], lat[moved]], k=2)
    radius = np.minimum(DUPLICATE_SPREAD_DEG, DUPLICATE_SPREAD_FRACTION * dist[:, 1])
    angle = 2 * np.pi * (rank[moved] - 1) / (size[moved] - 1)
    x[moved] += radius * np.cos(angle)
    y[moved] += radius * np.sin(angle)
    return x, y


def _voronoi(x: np.ndarray, y: np.ndarray, envelope: shapely.Geometry) -> np.ndarray:
    """Voronoi cells of the points, in the order of the points."""
    points = shapely.points(x, y)
    diagram = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope)
    cells = np.asarray(shapely.get_parts(diagram))
    point_idx, cell_idx = shapely.STRtree(cells).query(points, predicate="intersects")
    first = pd.Series(cell_idx).groupby(point_idx).first()  # a point on an edge touches two cells
    return cells[first.reindex(range(len(points))).to_numpy()]


@functools.lru_cache(maxsize=None)
def _pre2025_cells() -> gpd.GeoDataFrame:
    return _pre2025_cells_of(_seeds("pre2025"))


@functools.lru_cache(maxsize=None)
def _province_cells(province: str) -> gpd.GeoDataFrame:
    """Cells of one province before 2025, from its communes and those within :data:`PROVINCE_MARGIN_DEG`."""
    seeds = _seeds("pre2025")
    own = (seeds["province_code"] == province).to_numpy()
    lo = seeds.loc[own, ["x", "y"]].min().to_numpy(float) - PROVINCE_MARGIN_DEG
    hi = seeds.loc[own, ["x", "y"]].max().to_numpy(float) + PROVINCE_MARGIN_DEG
    box = registry.units(level="province", vintage="pre2025").set_index("code").loc[province, _BOX].to_numpy(float)
    lo, hi = np.fmin(lo, box[:2] - PROVINCE_MARGIN_DEG), np.fmax(hi, box[2:] + PROVINCE_MARGIN_DEG)
    xy = seeds[["x", "y"]].to_numpy(float)
    near = own | ((xy >= lo) & (xy <= hi)).all(axis=1)
    cells = _pre2025_cells_of(seeds[near].reset_index(drop=True))
    return cells[cells["province_code"] == province].reset_index(drop=True)


def _pre2025_cells_of(seeds: pd.DataFrame) -> gpd.GeoDataFrame:
    """Voronoi cells of the seeds, clipped to their district and province boxes, holes filled, cleaned."""
    districts = registry.units(level="district", vintage="pre2025").set_index("code")
    provinces = registry.units(level="province", vintage="pre2025").set_index("code")
    dbox = districts.loc[seeds["district_code"], _BOX].to_numpy(float)
    pbox = provinces.loc[seeds["province_code"], _BOX].to_numpy(float)
    box = np.c_[np.fmax(dbox[:, :2], pbox[:, :2]), np.fmin(dbox[:, 2:], pbox[:, 2:])]
    # A centroid outside its boxes (geocoder error) still gets its own cell.
    xy = seeds[["x", "y"]].to_numpy(float)
    box = np.c_[np.fmin(box[:, :2], xy - CENTROID_PAD_DEG), np.fmax(box[:, 2:], xy + CENTROID_PAD_DEG)]
    lo, hi = box[:, :2].min(axis=0) - ENVELOPE_MARGIN_DEG, box[:, 2:].max(axis=0) + ENVELOPE_MARGIN_DEG
    voronoi = _voronoi(xy[:, 0], xy[:, 1], shapely.box(*lo, *hi))
    clipped = shapely.intersection(voronoi, shapely.box(*box.T), grid_size=GRID_DEG)
    cells = _fill_holes(voronoi, clipped)
    cells = _clean(np.array([_polygonal(g) for g in cells], dtype=object))
    return gpd.GeoDataFrame(seeds, geometry=cells, crs=CRS)


def _fill_holes(voronoi: np.ndarray, clipped: np.ndarray) -> np.ndarray:
    """Give the holes of the union of clipped cells back to the Voronoi cells they lie in."""
    outline = shapely.union_all(clipped, grid_size=GRID_DEG)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(outline) for ring in part.interiors]
    if not holes:
        return clipped
    holes = np.asarray(holes, dtype=object)
    cell_idx, hole_idx = shapely.STRtree(holes).query(voronoi, predicate="intersects")
    out = clipped.copy()
    for i in np.unique(cell_idx):
        extra = shapely.intersection(voronoi[i], shapely.union_all(holes[hole_idx[cell_idx == i]]), grid_size=GRID_DEG)
        out[i] = shapely.union(_polygonal(out[i]), _polygonal(extra), grid_size=GRID_DEG)
    return out


def _cells_2025(old_provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """New communes: Voronoi inside each new province, the union of its old provinces."""
    old = old_provinces
    links = registry.old_to_new()
    old_to_new_province = links.drop_duplicates("old_province_code").set_index("old_province_code")[
        "new_province_code"
    ]
    new_province = old["province_code"].map(old_to_new_province)
    outlines = old.geometry.groupby(new_province.to_numpy()).agg(lambda s: _union(s.to_numpy()))
    seeds = _seeds("2025")
    seeds["district_code"] = None
    xy = seeds[["x", "y"]].to_numpy(float)
    points = shapely.points(xy)
    # Centroids outside their estimated province: a small square moves to that province.
    inside = shapely.contains_xy(outlines.loc[seeds["province_code"]].to_numpy(), xy[:, 0], xy[:, 1])
    strays = np.flatnonzero(~inside)
    logger.debug("2025: %d commune centroids outside their estimated province", strays.size)
    if strays.size:
        squares = shapely.buffer(points[strays], CENTROID_PAD_DEG, cap_style="square")
        owner = seeds["province_code"].to_numpy()[strays]
        adjusted = {}
        for code, geom in outlines.items():
            geom = shapely.difference(geom, shapely.union_all(squares[owner != code]), grid_size=GRID_DEG)
            geom = shapely.union(geom, shapely.union_all(squares[owner == code]), grid_size=GRID_DEG)
            adjusted[code] = _polygonal(geom)
        outlines = pd.Series(adjusted)
    cells = np.empty(len(seeds), dtype=object)
    for code, index in seeds.groupby("province_code").groups.items():
        index = np.asarray(index)
        outline = outlines.loc[code]
        if len(index) == 1:
            cells[index[0]] = outline
            continue
        margin = [-ENVELOPE_MARGIN_DEG] * 2 + [ENVELOPE_MARGIN_DEG] * 2
        envelope = shapely.box(*(np.asarray(outline.bounds) + margin))
        voronoi = _voronoi(xy[index, 0], xy[index, 1], envelope)
        clipped = shapely.intersection(voronoi, outline, grid_size=GRID_DEG)
        cells[index] = [_polygonal(g) for g in clipped]
    return gpd.GeoDataFrame(seeds, geometry=_clean(cells), crs=CRS)
