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

import dataclasses
import hashlib
import html
import json
import os
import re
import threading
import weakref
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
from geo.text.i18n import DEFAULT_LANG, format_number, format_numbers, has_message, t
from geo.text.kinds import value_kind as guess_value_kind
from geo.render.codes import code_strings as _code_strings

__all__ = [
    "DESIGNATION_STYLES",
    "SELECTED_STYLE",
    "UNIT_STYLE",
    "WebGeometry",
    "MapParts",
    "web_geometry",
    "unit_at",
    "build_map",
    "prepare_value_texts",
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



# --------------------------------------------------------------------------
# Geometry: simplified, rounded, encoded, cached
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class WebLevel:
    """One level of detail of a prepared layer.

    Attributes
    ----------
    zoom
        Leaflet zoom from which the level is drawn (until the next level's).
    tolerance
        ``shapely.coverage_simplify`` tolerance, degrees (one screen pixel at ``zoom``).
    n_vertices
        Vertices sent for the level (each shared border once).
    max_error_m
        Worst distance between a border as drawn and as given (Hausdorff, metres, upper bound:
        a degree counted as 111.32 km in both directions, grid rounding included).
    max_error_px
        The same in screen pixels at ``zoom``.
    invalid_polygons
        Units whose polygon, as drawn at this level, is not valid (expected 0).
    """

    zoom: int
    tolerance: float
    n_vertices: int
    max_error_m: float
    max_error_px: float
    invalid_polygons: int = 0
    decimals: int = 5


@dataclass(frozen=True)
class CoverageCheck:
    """Whether a layer's units form a coverage (no overlaps, borders matching vertex for vertex).

    Attributes
    ----------
    invalid_polygons
        Units whose polygon is invalid (repaired before drawing).
    misaligned_codes
        Codes of units with a border that does not match its neighbour's
        (an overlap or a sliver gap in the office's file); drawn as they are.
    """

    invalid_polygons: int
    misaligned_codes: tuple[str, ...]

    @property
    def is_coverage(self) -> bool:
        return not self.misaligned_codes


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
        GeoDataFrame (``code``, ``geometry``) of the units at the finest level sent, EPSG:4326 (``finest``;
        None for a layer read from the disk cache until first used).
    payload
        The encoded geometry as script-safe JSON (see :func:`_encode`).
    bounds
        (minx, miny, maxx, maxy) in degrees.
    n_vertices
        Vertices sent, all levels together, each shared border once.
    levels
        The levels of detail, coarsest first (:class:`WebLevel`).
    check
        :class:`CoverageCheck` of the layer as given.
    """

    key: object
    codes: tuple[str, ...]
    finest: object = field(repr=False)
    payload: str = field(repr=False)
    bounds: tuple[float, float, float, float]
    n_vertices: int
    levels: tuple[WebLevel, ...] = ()
    check: CoverageCheck = CoverageCheck(0, ())
    _derived: dict = field(default_factory=dict, repr=False)

    @property
    def gdf(self):
        """GeoDataFrame (``code``, ``geometry``) of the units at the finest level sent, EPSG:4326 (a layer read
        from the disk cache rebuilds it on first use)."""
        if self.finest is None:
            if "gdf" not in self._derived:
                self._derived["gdf"] = self._derived.pop("rebuild")()
            return self._derived["gdf"]
        return self.finest

    @property
    def index(self) -> dict[str, int]:
        """code -> position in :attr:`codes`."""
        if "index" not in self._derived:
            self._derived["index"] = {c: i for i, c in enumerate(self.codes)}
        return self._derived["index"]


CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])


class _GeometryCache:
    """A small LRU of prepared layers with functools-style statistics, shared by every session's thread.

    A layer asked for while another thread prepares it (two sessions, or the start-up warm-up of
    :mod:`geo.workflows.warmup` and a planner) is waited for, not prepared twice: see :meth:`claim`.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict = {}
        self.hits = 0
        self.misses = 0

    def get(self, key, *, count: bool = True):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += count
                return self._data[key]
            self.misses += count
            return None

    def claim(self, key):
        """``(value, None)`` when cached (waiting for a preparation in progress in another thread);
        otherwise ``(None, done)``: the caller prepares the layer, puts it, and calls ``done()``."""
        while True:
            with self._lock:
                if key in self._data:
                    self._data.move_to_end(key)
                    self.hits += 1
                    return self._data[key], None
                event = self._pending.get(key)
                if event is None:
                    self.misses += 1
                    event = self._pending[key] = threading.Event()

                    def done(event=event):
                        with self._lock:
                            self._pending.pop(key, None)
                        event.set()

                    return None, done
            event.wait()  # prepared by another thread meanwhile; if it failed, prepare it here

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self.hits, self.misses, self.maxsize, len(self._data))

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


_CACHE = _GeometryCache(settings.WEB_GEOMETRY_CACHE_SIZE)


@dataclass(frozen=True, eq=False)
class MapParts:
    """A built map as data: the prepared geometry, the style (classes, palette, tooltips, legend), outlines.

    The standalone page embeds all three; the app's map component
    (:mod:`geo.render.mapcomponent`) sends the geometry once per layer and then
    only the style.
    """

    geometry: WebGeometry
    style: dict
    outlines: WebGeometry | None = None


def web_geometry(
    gdf,
    *,
    key: object = None,
    tolerance: float | None = None,
    decimals: int = settings.WEB_COORD_DECIMALS,
    code_column: str = "code",
    persist: bool = False,
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
    persist
        Also keep the prepared layer on disk, keyed by its content (the default boundaries: a national layer
        takes seconds to prepare and is the same for every session and every restart). Files are numpy
        archives read without pickle, in the boundary cache's folder (``web/``).

    The statistics of the cache are ``web_geometry.cache_info()``; empty it
    with ``web_geometry.cache_clear()``.
    """
    codes = _codes(gdf, code_column)
    fingerprint = (len(codes), hashlib.blake2b("\x1f".join(sorted(codes)).encode(), digest_size=16).hexdigest())
    if key is None:
        key = ("content", _geometry_hash(gdf))
    cache_key = (key, fingerprint, None if tolerance is None else float(tolerance), int(decimals))
    hit, done = _CACHE.claim(cache_key)
    if hit is not None:
        return hit
    try:
        path = None
        if persist:
            content = (_geometry_hash(gdf), fingerprint, cache_key[2], cache_key[3], WEB_METHOD_VERSION,
                       tuple(codes), _web_settings())
            path = _disk_path(hashlib.blake2b(repr(content).encode(), digest_size=16).hexdigest())
            result = _read_disk(path, key=key, codes=codes)
            if result is not None:
                _CACHE.put(cache_key, result)
                return result
        result = _prepare(gdf, codes, key=key, tolerance=tolerance, decimals=decimals)
        if path is not None:
            _write_disk(path, result)
        _CACHE.put(cache_key, result)
        return result
    finally:
        done()


web_geometry.cache_info = _CACHE.info  # type: ignore[attr-defined]
web_geometry.cache_clear = _CACHE.clear  # type: ignore[attr-defined]


WEB_METHOD_VERSION = 3  # bump when _prepare or _encode change what they produce


def _web_settings() -> tuple:
    return tuple(getattr(settings, n) for n in (
        "WEB_VIEW_PX", "WEB_MIN_LEVEL_ZOOM", "WEB_MAX_LEVEL_ZOOM", "WEB_LEVEL_ZOOM_STEP", "WEB_LEVELS",
        "WEB_LEVEL_PIXELS", "WEB_GRID_PIXELS", "WEB_SIMPLIFY_ATTEMPTS", "WEB_SIMPLIFY_QUARTERS",
        "WEB_VERTEX_BUDGET", "WEB_EXTRA_COORD_DECIMALS"))


def _disk_path(digest: str) -> Path | None:
    """Where a prepared layer is kept: the first writable boundary cache folder (None: none is)."""
    from geo.units.tessellation import REPO_CACHE_DIR, USER_CACHE_DIR

    for folder in (REPO_CACHE_DIR / "web", USER_CACHE_DIR / "web"):
        path = folder / f"web_{digest}.npz"
        if path.is_file():
            return path
    for folder in (REPO_CACHE_DIR / "web", USER_CACHE_DIR / "web"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder / f"web_{digest}.npz"
    return None


def _flat_features(topo) -> tuple[list[int], list[int], list[int], list[int]]:
    """The features' arc references, flat, and the counts that cut them back into rings, polygons and features:
    (arc references, arcs per ring, rings per polygon, polygons per feature), as the page and the disk cache
    store them."""
    refs, ring_len, poly_rings, feat_polys = [], [], [], []
    for polys in topo.features:
        feat_polys.append(len(polys))
        for rings in polys:
            poly_rings.append(len(rings))
            for ring in rings:
                ring_len.append(len(ring))
                refs.extend(ring)
    return refs, ring_len, poly_rings, feat_polys

def _write_disk(path: Path, geom: WebGeometry) -> None:
    """The prepared layer as plain arrays (no pickle): payload, metadata and its topology."""
    import io

    from geo.io.write import write_bytes

    topo = geom._derived.get("topology")
    if topo is None:
        return
    meta = {"bounds": list(geom.bounds), "n_vertices": geom.n_vertices,
            "levels": [dataclasses.asdict(lv) for lv in geom.levels],
            "invalid": geom.check.invalid_polygons, "misaligned": list(geom.check.misaligned_codes),
            "codes": list(geom.codes)}
    refs, rl, pr, fp = _flat_features(topo)
    af_n = [len(f) for f in topo.arc_features]
    arrays = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "payload": np.frombuffer(geom.payload.encode(), dtype=np.uint8),
        "arcs_xy": np.concatenate(topo.arcs) if topo.arcs else np.zeros((0, 2)),
        "arcs_n": np.array([len(a) for a in topo.arcs], dtype=np.int64),
        "r": np.array(refs, dtype=np.int64), "rl": np.array(rl, dtype=np.int64),
        "pr": np.array(pr, dtype=np.int64), "fp": np.array(fp, dtype=np.int64),
        "af": np.array([f for fs in topo.arc_features for f in fs], dtype=np.int64),
        "af_n": np.array(af_n, dtype=np.int64),
    }
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    try:
        write_bytes(path, buf.getvalue())  # atomic: a reader never sees half a file
    except (OSError, GeoError):
        return
    evict_disk_cache(path.parent, keep=path)


def evict_disk_cache(folder: Path, *, keep: Path | None = None,
                     max_files: int | None = None, max_mb: float | None = None) -> list[Path]:
    """Bound the folder of prepared layers: remove the least recently used ``web_*.npz`` beyond
    ``max_files`` files or ``max_mb`` megabytes (default ``settings.WEB_DISK_CACHE_MAX_FILES`` and
    ``settings.WEB_DISK_CACHE_MAX_MB``); ``keep`` (the file just written) stays whatever its size.

    A layer read from the folder is touched (:func:`_read_disk`), so "least recently used" is the
    oldest modification time. Another process may remove a file meanwhile: that is not an error.
    Returns the files removed, oldest first.
    """
    max_files = settings.WEB_DISK_CACHE_MAX_FILES if max_files is None else max_files
    max_bytes = (settings.WEB_DISK_CACHE_MAX_MB if max_mb is None else max_mb) * 1e6
    entries = []
    for path in Path(folder).glob("web_*.npz"):
        try:
            st = path.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, path.name, path, st.st_size))
    entries.sort(reverse=True)  # newest first
    kept_files, kept_bytes, full, removed = 0, 0, False, []
    for _mtime, _name, path, size in entries:
        full = full or kept_files + 1 > max_files or kept_bytes + size > max_bytes
        if not full or (keep is not None and path == Path(keep)):
            kept_files += 1
            kept_bytes += size
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed[::-1]  # oldest first


def _read_disk(path: Path | None, *, key, codes: list[str]) -> WebGeometry | None:
    """A prepared layer written by :func:`_write_disk`; None when absent, unreadable or for other codes."""
    import geopandas as gpd

    from geo.units import topology

    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            payload = z["payload"].tobytes().decode()
            xy, n = z["arcs_xy"], z["arcs_n"]
            r, rl, pr, fp = z["r"].tolist(), z["rl"], z["pr"], z["fp"]
            af, af_n = z["af"].tolist(), z["af_n"]
    except Exception:  # a half-written or foreign file: prepare again
        return None
    try:
        os.utime(path)  # recently used: the disk cache evicts the oldest first
    except OSError:
        pass
    kept = meta["codes"]
    if not set(kept) <= set(codes):
        return None
    arcs = [xy[a:b] for a, b in zip(*_bounds(n))]
    ring_refs = [r[a:b] for a, b in zip(*_bounds(rl))]
    rings_of_poly = [ring_refs[a:b] for a, b in zip(*_bounds(pr))]
    features = [rings_of_poly[a:b] for a, b in zip(*_bounds(fp))]
    arc_features = [af[a:b] for a, b in zip(*_bounds(af_n))]
    topo = topology.Topology(arcs, features, arc_features)

    def rebuild():
        page = decode_payload(payload)
        finest = page["levels"][-1] if page["levels"] else None
        drawn = []
        if finest is not None:
            q = np.cumsum(np.asarray(finest["c"], dtype=np.int64).reshape(-1, 2), axis=0) / finest["q"]
            drawn = list(topology.to_polygons(topo, [q[a:b] for a, b in zip(*_bounds(finest["n"]))]))
        return gpd.GeoDataFrame({"code": kept}, geometry=drawn, crs="EPSG:4326")

    levels = tuple(WebLevel(**lv) for lv in meta["levels"])
    return WebGeometry(
        key=key, codes=tuple(kept), finest=None, payload=payload, bounds=tuple(meta["bounds"]),
        n_vertices=int(meta["n_vertices"]), levels=levels,
        check=CoverageCheck(int(meta["invalid"]), tuple(meta["misaligned"])),
        _derived={"topology": topo, "rebuild": rebuild},
    )


def _bounds(sizes) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of consecutive runs of ``sizes``."""
    ends = np.cumsum(np.asarray(sizes, dtype=np.int64))
    return ends - np.asarray(sizes, dtype=np.int64), ends


def _codes(gdf, code_column: str) -> list[str]:
    if code_column not in gdf.columns:
        raise GeoError("map_column_missing", column=code_column, columns=", ".join(map(str, gdf.columns)))
    memo = _frame_memo(gdf)
    if ("codes", code_column) in memo:
        return memo[("codes", code_column)]
    codes = _code_strings(gdf[code_column])
    if len(set(codes)) != len(codes):
        dup = pd.Series(codes)[pd.Series(codes).duplicated()].unique()[:5]
        raise GeoError("map_duplicate_codes", codes=", ".join(dup))
    memo[("codes", code_column)] = codes
    return codes


_FRAME_MEMO: OrderedDict = OrderedDict()  # id(frame) -> (weak reference, signature, {what: derived value})
_FRAME_MEMO_LOCK = threading.Lock()
_FRAME_MEMO_SIZE = 16


def _frame_memo(gdf) -> dict:
    """What a restyle derives from a layer's frame and not from the style (codes, names, tooltip tables, district
    borders, archipelagos), kept while that frame object lives.

    A layer is read-only once built (the pages' layers are cached and shared by sessions; the Map page's
    fragment redraws the same frame on every restyle), so a national restyle does not convert, escape and
    index 10,000 names again. The frame's length and columns are checked; a frame changed in place after being
    drawn must be copied first (as every caller already does).
    """
    signature = (len(gdf), tuple(map(str, gdf.columns)))
    with _FRAME_MEMO_LOCK:
        hit = _FRAME_MEMO.get(id(gdf))
        if hit is not None and hit[0]() is gdf and hit[1] == signature:
            _FRAME_MEMO.move_to_end(id(gdf))
            return hit[2]
        try:
            ref = weakref.ref(gdf)
        except TypeError:  # not a pandas object: nothing kept
            return {}
        memo: dict = {}
        _FRAME_MEMO[id(gdf)] = (ref, signature, memo)
        while len(_FRAME_MEMO) > _FRAME_MEMO_SIZE:
            _FRAME_MEMO.popitem(last=False)
        return memo


def _geometry_hash(gdf) -> str:
    import shapely

    h = hashlib.blake2b(digest_size=16)
    for wkb in shapely.to_wkb(np.asarray(gdf.geometry.values)):
        h.update(wkb if wkb is not None else b"\x00")
    h.update(str(gdf.crs).encode())
    return h.hexdigest()


def _pixel_deg(zoom: float, lat: float = 0.0) -> float:
    """Size of one screen pixel at ``zoom`` in degrees (Web Mercator, 256-pixel tiles), at ``lat``."""
    return 360.0 * float(np.cos(np.radians(lat))) / (256.0 * 2.0**zoom)


def fit_zoom(bounds: Sequence[float], size_px: Sequence[int] = settings.WEB_VIEW_PX) -> int:
    """The Leaflet zoom at which ``bounds`` (minx, miny, maxx, maxy, degrees) fill a map of ``size_px``."""
    minx, miny, maxx, maxy = bounds
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        return settings.WEB_MIN_LEVEL_ZOOM

    def merc(lat: float) -> float:
        lat = np.radians(np.clip(lat, -85.0, 85.0))
        return float(np.log(np.tan(np.pi / 4 + lat / 2)))

    dx = max(maxx - minx, 1e-9) / 360.0
    dy = max(merc(maxy) - merc(miny), 1e-9) / (2 * np.pi)
    zoom = np.floor(np.log2(min(size_px[0] / (256.0 * dx), size_px[1] / (256.0 * dy))))
    return int(np.clip(zoom, settings.WEB_MIN_LEVEL_ZOOM, settings.WEB_MAX_LEVEL_ZOOM))


def level_zooms(bounds: Sequence[float]) -> list[int]:
    """Zooms of the levels of detail sent for a layer: from the zoom that shows it whole, every 2."""
    first = fit_zoom(bounds)
    zooms = [first + settings.WEB_LEVEL_ZOOM_STEP * i for i in range(settings.WEB_LEVELS)]
    return [z for z in zooms if z <= settings.WEB_MAX_LEVEL_ZOOM] or [first]


def _prepare(gdf, codes: list[str], *, key, tolerance: float, decimals: int) -> WebGeometry:
    """Simplify at each level, keeping a coverage a coverage; cut into shared arcs; encode.

    Coordinates are put on the integer grid (``10^-decimals`` degrees) *before*
    simplifying: coverage simplification only drops vertices, so every level
    stays on the grid and no rounding after it can move one neighbour's edge
    and not the other's. ``tolerance`` bounds the finest level (None: the
    levels' own pixel tolerances only).
    """
    import geopandas as gpd
    import shapely

    from geo.units import topology

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
        arr[invalid] = [_polygonal_part(g) for g in arr[invalid]]
    if not len(arr):
        check = CoverageCheck(int(invalid.sum()), ())
        payload = _js_json({"codes": [], "f": {"r": "", "rl": "", "pr": "", "fp": ""}, "levels": []})
        return WebGeometry(key=key, codes=(), finest=gpd.GeoDataFrame({"code": []}, geometry=[], crs="EPSG:4326"),
                           payload=payload, bounds=(np.nan,) * 4, n_vertices=0, check=check)
    bounds = tuple(float(b) for b in shapely.total_bounds(arr))
    arr = shapely.orient_polygons(arr)  # exteriors counter-clockwise: the page fills with "nonzero"
    lat = max(abs(bounds[1]), abs(bounds[3]))
    topo = topology.build(arr)  # every shared border once, at full detail
    sizes_full = np.array([len(a) for a in topo.arcs], dtype=np.int64)
    full = np.concatenate(topo.arcs) if len(topo.arcs) else np.zeros((0, 2))
    lines = shapely.linestrings(full, indices=np.repeat(np.arange(len(sizes_full)), sizes_full))
    closed = np.array([bool((a[0] == a[-1]).all()) for a in topo.arcs], dtype=bool)
    candidates = level_zooms(bounds)
    input_is_coverage = topo.shared_fraction > 0
    levels, level_payloads, n_total, drawn = [], [], 0, None
    grid_needed = 0  # a finer level starts on the grid the coarser one needed (its borders are no further apart)
    for z in candidates:
        px = _pixel_deg(z, lat)
        level_decimals = int(np.clip(np.ceil(-np.log10(settings.WEB_GRID_PIXELS * px)), 1, decimals))
        finest_grid = level_decimals + settings.WEB_EXTRA_COORD_DECIMALS
        level_decimals = min(max(level_decimals, grid_needed), finest_grid)
        while True:
            scale = 10**level_decimals
            quantum = 0.5 * np.sqrt(2.0) / scale
            tol = max(settings.WEB_LEVEL_PIXELS * px - quantum, 0.0)
            if tolerance is not None:
                tol = max(tol, float(tolerance))
            if levels and n_total + _simplified_count(lines, tol) > settings.WEB_VERTEX_BUDGET:
                n_bad = -1  # finer levels do not fit the budget: the last one is drawn at higher zooms
                break
            level_arcs, q_parts, drawn, arcs_tol, n_bad = _level(
                lines, closed, topo, tol, scale, check_overlaps=input_is_coverage)
            # Borders closer than the grid (a dense office file): a finer grid for this level.
            if n_bad == 0 or level_decimals >= finest_grid:
                break
            level_decimals += 1
        if n_bad == -1:
            break
        grid_needed = level_decimals
        sizes = np.array([len(a) for a in q_parts], dtype=np.int64)
        q = np.concatenate(q_parts) if q_parts else np.zeros((0, 2), dtype=np.int64)
        n_level = int(len(q))
        if levels and n_total + n_level > settings.WEB_VERTEX_BUDGET:
            break  # finer levels do not fit the budget: the last one is drawn at higher zooms
        err = float(arcs_tol[np.isfinite(arcs_tol)].max(initial=0.0)) + quantum
        levels.append(WebLevel(zoom=int(z), tolerance=float(tol), n_vertices=n_level,
                               max_error_m=err * _M_PER_DEG, max_error_px=err / px,
                               invalid_polygons=int((~shapely.is_valid(drawn)).sum()), decimals=level_decimals))
        delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
        level_payloads.append((int(z), scale, sizes, delta))
        n_total += n_level
        finest_drawn = drawn
    check = _coverage_check(finest_drawn, kept_codes, int(invalid.sum()))
    finest = gpd.GeoDataFrame({"code": kept_codes}, geometry=finest_drawn, crs="EPSG:4326")
    payload = _encode(topo, level_payloads, kept_codes)
    return WebGeometry(
        key=key, codes=tuple(kept_codes), finest=finest, payload=payload, bounds=bounds, n_vertices=n_total,
        levels=tuple(levels), check=check, _derived={"topology": topo},
    )


def _simplified_count(lines, tol: float) -> int:
    """Vertices of all arcs after Douglas-Peucker with ``tol`` (cheap: no checks)."""
    import shapely

    return int(shapely.get_num_coordinates(shapely.simplify(lines, tol, preserve_topology=False)).sum())


def _level(lines, closed: np.ndarray, topo, tol: float, scale: int, *, check_overlaps: bool):
    """One level: arcs simplified with ``tol`` on the grid ``1/scale``; units that came out
    invalid or overlapping get their borders simplified less, finally not at all.

    Returns the arcs (degrees), the arcs (integers), the units drawn, the tolerance
    used per arc (inf: unsimplified) and the number of units still invalid or misaligned.
    """
    import shapely

    from geo.units import topology

    from types import SimpleNamespace

    arcs_tol = np.full(len(lines), tol)
    level_arcs, q_parts = [None] * len(lines), [None] * len(lines)
    todo = np.arange(len(lines))
    _simplify_arcs(lines, arcs_tol, closed, topo.arcs, scale, todo, level_arcs, q_parts)
    drawn = topology.to_polygons(topo, level_arcs)
    subset = np.arange(len(drawn))
    bad = np.zeros(0, dtype=int)
    for attempt in range(settings.WEB_SIMPLIFY_ATTEMPTS):
        # Check the units that changed (all of them the first time) and their neighbours.
        local = drawn[subset]
        bad = subset[~shapely.is_valid(local)]
        if check_overlaps and bad.size == 0 and len(subset) > 1:
            # A border moved across another unit's makes them overlap: find those too.
            bad = subset[~shapely.is_empty(shapely.coverage_invalid_edges(local))]
            if bad.size == 0 and len(subset) < len(drawn):  # clean around the changes: check all once more
                bad = np.flatnonzero(~shapely.is_empty(shapely.coverage_invalid_edges(drawn)))
        if bad.size == 0 or attempt == settings.WEB_SIMPLIFY_ATTEMPTS - 1:
            break
        todo = np.unique([k if k >= 0 else ~k for f in bad for rings in topo.features[f]
                          for ring in rings for k in ring])
        arcs_tol[todo] = arcs_tol[todo] / 4 if attempt < settings.WEB_SIMPLIFY_QUARTERS else np.inf
        _simplify_arcs(lines, arcs_tol, closed, topo.arcs, scale, todo, level_arcs, q_parts)
        changed = np.unique([f for a in todo for f in topo.arc_features[a]])
        drawn[changed] = topology.to_polygons(SimpleNamespace(features=[topo.features[f] for f in changed]), level_arcs)
        around = {f for a_ in {abs(k) if k >= 0 else ~k for f in changed for rings in topo.features[f]
                               for ring in rings for k in ring} for f in topo.arc_features[a_]}
        subset = np.array(sorted(around | set(changed.tolist())), dtype=int)
    return level_arcs, q_parts, drawn, arcs_tol, int(bad.size)


def _simplify_arcs(lines, tolerances: np.ndarray, closed: np.ndarray, originals: list, scale: int,
                   todo: np.ndarray, level_arcs: list, q_parts: list) -> None:
    """Douglas-Peucker on the arcs ``todo`` (ends kept, so neighbours still share them), on the grid.

    Fills ``level_arcs`` (degrees, on the grid) and ``q_parts`` (integers) at
    those positions. A closed arc keeps at least 4 points, any arc its two ends.
    """
    import shapely

    tol = tolerances[todo]
    simplified = np.array(lines[todo], dtype=object)
    finite = np.isfinite(tol)
    if finite.any():
        simplified[finite] = shapely.simplify(simplified[finite], tol[finite], preserve_topology=False)
    counts = shapely.get_num_coordinates(simplified)
    q_all = np.rint(shapely.get_coordinates(simplified) * scale).astype(np.int64)
    owner = np.repeat(np.arange(len(todo)), counts)
    # Two consecutive points on one grid point: keep one (never an arc's ends).
    same = np.r_[False, (q_all[1:] == q_all[:-1]).all(axis=1) & (owner[1:] == owner[:-1])]
    last = np.cumsum(counts) - 1
    same[last[counts > 0]] = False
    q_all, owner = q_all[~same], owner[~same]
    parts = np.split(q_all, np.cumsum(np.bincount(owner, minlength=len(todo)))[:-1])
    for j, i in enumerate(todo.tolist()):
        part = parts[j]
        if (closed[i] and len(part) < 4) or len(part) < 2:
            part = np.rint(originals[i] * scale).astype(np.int64)
        q_parts[i] = part
        level_arcs[i] = part / scale


def _simplification_error(full: np.ndarray, kept: np.ndarray, arc_of: np.ndarray) -> float:
    """Largest distance (degrees) from a vertex of the full arcs to the simplified arc drawn instead.

    Every dropped vertex lies between two kept ones of its arc; its error is
    its distance to the segment joining them (the Hausdorff distance of the
    simplification, computed in one pass).
    """
    n = len(full)
    if n == 0 or kept.all():
        return 0.0
    idx = np.arange(n)
    prev = np.maximum.accumulate(np.where(kept, idx, 0))
    nxt = np.minimum.accumulate(np.where(kept, idx, n - 1)[::-1])[::-1]
    a, b, p = full[prev], full[nxt], full
    ab = b - a
    length2 = (ab**2).sum(axis=1)
    t = np.clip(((p - a) * ab).sum(axis=1) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
    d = np.hypot(*(a + ab * t[:, None] - p).T)
    return float(d[~kept].max())


# Metres per degree (of latitude; an upper bound for longitude).
_M_PER_DEG = 111_320.0


def _pack(xy: np.ndarray) -> np.ndarray:
    """One int64 per integer (x, y) pair (|x|, |y| < 2^31)."""
    return (xy[:, 0].astype(np.int64) << 32) + (xy[:, 1].astype(np.int64) + (1 << 31))


def _polygonal_part(geom):
    import shapely

    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _coverage_check(arr: np.ndarray, codes: Sequence[str], invalid: int) -> CoverageCheck:
    import shapely

    if len(arr) < 2:
        return CoverageCheck(invalid, ())
    try:
        edges = shapely.coverage_invalid_edges(arr)
    except shapely.errors.GEOSException:
        return CoverageCheck(invalid, tuple(codes))
    bad = np.flatnonzero(~shapely.is_empty(edges))
    return CoverageCheck(invalid, tuple(codes[i] for i in bad))


_VARINT_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VARINT_DIGITS = np.frombuffer(_VARINT_ALPHABET, dtype=np.uint8)
_VARINT_VALUES = {c: i for i, c in enumerate(_VARINT_ALPHABET)}


def encode_ints(values) -> str:
    """Integers as compact text: zigzag, then 5 bits a character (a sixth bit says "more follows").

    Characters are ``A–Z a–z 0–9 - _``: nothing to escape in JSON or HTML. A
    coordinate difference of a few hundred grid steps takes 2 characters
    instead of 4–5 digits and a comma. Decoded by ``GeoMap.ints`` in the page
    and :func:`decode_ints` here.
    """
    v = np.asarray(values, dtype=np.int64).ravel()
    if not len(v):
        return ""
    z = ((v << 1) ^ (v >> 63)).view(np.uint64)
    n_chunks = np.ones(len(z), dtype=np.int64)
    rest = z >> np.uint64(5)
    while rest.any():
        n_chunks += rest > 0
        rest >>= np.uint64(5)
    width = int(n_chunks.max())
    step = np.arange(width)
    chunks = ((z[:, None] >> (step.astype(np.uint64) * np.uint64(5))[None, :]) & np.uint64(31)).astype(np.uint8)
    chunks |= ((step[None, :] < (n_chunks[:, None] - 1)).astype(np.uint8) << 5)
    return _VARINT_DIGITS[chunks[step[None, :] < n_chunks[:, None]]].tobytes().decode("ascii")


def decode_ints(text) -> list[int]:
    """The integers of :func:`encode_ints` (a list passes through unchanged)."""
    if not isinstance(text, str):
        return list(text)
    out, value, shift = [], 0, 0
    for ch in text.encode("ascii"):
        d = _VARINT_VALUES[ch]
        value |= (d & 31) << shift
        if d & 32:
            shift += 5
        else:
            out.append(-((value + 1) >> 1) if value & 1 else value >> 1)
            value, shift = 0, 0
    return out


def decode_payload(payload) -> dict:
    """An encoded geometry (:func:`_encode`) with every integer array as a list, as the page decodes it."""
    g = json.loads(payload) if isinstance(payload, str) else dict(payload)
    g["f"] = {k: decode_ints(v) for k, v in g["f"].items()}
    g["levels"] = [{**lv, "n": decode_ints(lv["n"]), "c": decode_ints(lv["c"])} for lv in g["levels"]]
    return g


def _encode(topo, levels, codes: Sequence[str]) -> str:
    """Compact, script-safe JSON of a topology; decoded by ``GeoMap.decode`` in the page.

    ``f``: the units as arcs (``r``: arc references, ``~i`` for arc ``i``
    reversed; ``rl``: arcs per ring; ``pr``: rings per polygon; ``fp``:
    polygons per unit). ``levels``: per level of detail, ``z`` its first
    zoom, ``q`` its grid (coordinates are integers, degrees × ``q``), ``n``
    the vertices of each arc and ``c`` the coordinates of all arcs, each the
    difference from the one before. Each shared border is sent once per level.
    Every integer array is text of :func:`encode_ints`; see :func:`decode_payload`.
    """
    refs, ring_len, poly_rings, feat_polys = _flat_features(topo)
    head = _js_json({"codes": list(codes), "f": {"r": encode_ints(refs), "rl": encode_ints(ring_len),
                                                 "pr": encode_ints(poly_rings), "fp": encode_ints(feat_polys)}})
    parts = []
    for z, scale, sizes, delta in levels:
        parts.append('{"z":%d,"q":%d,"n":"%s","c":"%s"}' % (z, scale, encode_ints(sizes), encode_ints(delta)))
    return head[:-1] + ',"levels":[' + ",".join(parts) + "]}"


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


def _district_arcs(geom: WebGeometry, gdf) -> list[int]:
    """Arcs of the prepared communes that are district borders (two districts, or the outside)."""
    if "district_code" not in gdf.columns:
        raise GeoError("map_column_missing", column="district_code", columns=", ".join(map(str, gdf.columns)))
    topo = geom._derived.get("topology")
    if topo is None:
        return []
    district_of = dict(zip(_code_strings(gdf["code"]), gdf["district_code"].astype(str).tolist()))
    keys = [district_of.get(c, "") for c in geom.codes]
    memo = ("darcs", hashlib.blake2b("\x1f".join(map(str, keys)).encode(), digest_size=16).hexdigest())
    if memo not in geom._derived:  # the same districts on every restyle of a layer: found once
        geom._derived[memo] = [a for a, feats in enumerate(topo.arc_features)
                               if len({keys[f] for f in feats}) != 1 or len(feats) == 1]
    return geom._derived[memo]


def unit_at(gdf, lat: float, lon: float, *, code_column: str = "code") -> str | None:
    """Code of the unit under a clicked point (EPSG:4326 degrees), or None.

    The map draws on a canvas, so a click hands back a position, not a
    feature; this finds the unit as given (not as simplified).
    """
    import shapely

    if lat is None or lon is None or code_column not in gdf.columns:
        return None
    geoms = gdf.geometry
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs("EPSG:4326")
    arr = np.asarray(geoms.values, dtype=object)
    hits = shapely.STRtree(arr).query(shapely.Point(float(lon), float(lat)), predicate="intersects")
    return _code_strings(gdf[code_column])[int(hits.min())] if len(hits) else None


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
    provinces_shown: Collection[str] | None = None,
    persist_geometry: bool = False,
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
    provinces_shown
        GSO codes of the provinces the map shows; default from ``gdf``'s ``province_code`` column (or its
        codes when they are province codes). When Đà Nẵng (48) or Khánh Hòa (56) is among them, Quần đảo
        Hoàng Sa and Quần đảo Trường Sa are drawn at their islands and labelled with their province
        (:func:`sovereignty_overlay`).
    persist_geometry
        Keep the prepared geometry on disk too (see :func:`web_geometry`); for the default boundaries.

    Returns
    -------
    folium.Map
    """
    from geo.render import assets

    if value_column not in gdf.columns:
        raise GeoError("map_column_missing", column=value_column, columns=", ".join(map(str, gdf.columns)))
    legend_kwds = dict(legend_kwds or {})
    unit_style = {**UNIT_STYLE, **dict(style_kwds or {})}
    kind = value_kind or guess_value_kind(value_column)

    geom = web_geometry(gdf, key=geometry_key, persist=persist_geometry)
    if classification is not None and len(classification.yb) != len(gdf):
        msg = f"classification has {len(classification.yb)} values for {len(gdf)} rows"
        raise ValueError(msg)
    if classification is None:
        classification = classify(gdf[value_column], scheme=scheme, k=k, bins=bins, column=value_column)
    colours = list(_palette(palette, classification.k)) if classification.k else []

    # Everything below is per restyle: arrays aligned with geom.codes. What depends on the layer alone (rows in
    # the geometry's order, names, tooltip tables) is kept for the frame (_layer_texts).
    fixed = _layer_texts(gdf, geom, lang)
    pos, drawn, rows = fixed["pos"], fixed["drawn"], fixed["rows"]
    cls = np.full(len(geom.codes), -1, dtype=int)
    cls[pos[drawn]] = classification.yb[drawn]

    def column_in_geom_order(values) -> list:
        return _in_order(values, rows)

    decimals = legend_kwds.get("decimals", 0 if kind == "households" else settings.LEGEND_DECIMALS)
    value_text = _value_texts_in_order(gdf, value_column, kind, lang, decimals, fixed)
    tip = {"names": fixed["names"], "value": value_text, "valueLabel": _esc(_column_label(value_column, lang)),
           # How the texts are made, for the app's compact restyle (geo.render.mapcomponent.split_style).
           "valueParts": {"suffix": _value_suffix(kind, lang), "noData": _esc(t("no_data", lang))}}
    if fixed["cats"]:
        tip["cats"] = fixed["cats"]
    extras = []
    for column in tooltip_columns:
        if column not in gdf.columns:
            raise GeoError("map_column_missing", column=column, columns=", ".join(map(str, gdf.columns)))
        extra_kind = guess_value_kind(column)
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
    district_arcs = None
    if district_outlines is True:
        if "darcs" not in fixed:
            fixed["darcs"] = _district_arcs(geom, gdf)
        district_arcs = fixed["darcs"]
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
        selected=bool(sel_idx), outlines=outlines is not None or district_arcs is not None,
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
        "darcs": district_arcs,
        "sov": _sovereignty(gdf, fixed, provinces_shown, lang),
    }

    minx, miny, maxx, maxy = geom.bounds
    kwds = {"tiles": None, "control_scale": False, "prefer_canvas": False, **dict(map_kwds or {})}
    if np.isfinite([minx, miny, maxx, maxy]).all():
        kwds.setdefault("location", [(miny + maxy) / 2, (minx + maxx) / 2])
    m = folium.Map(**kwds)
    _MetricScale().add_to(m)
    urls = asset_urls or assets.static_urls()
    m.default_js = list(urls.js)
    m.default_css = list(urls.css)
    if basemap:
        folium.TileLayer("OpenStreetMap", name=t("map.basemap", lang), control=False).add_to(m)
    _ChoroplethLayer(geom.payload, style_payload, outlines.payload if outlines else "null").add_to(m)
    # What the app's map component sends instead of the page: the geometry once, the style on every change.
    m.geo_parts = MapParts(geometry=geom, style=style_payload, outlines=outlines)
    if np.isfinite([minx, miny, maxx, maxy]).all():
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _in_order(values, rows: np.ndarray) -> list:
    """``values`` (the frame's row order) in the geometry's order; None where the geometry has no row."""
    values = list(values)
    return [values[r] if r >= 0 else None for r in rows]


def _layer_texts(gdf, geom: WebGeometry, lang: str) -> dict:
    """The style's parts that depend on the layer alone, once per frame, geometry and language: each row's place
    in the geometry (``pos``, ``drawn``, ``rows``), the escaped names and the tooltip tables (type, district).
    The same objects are returned on every restyle, so the app's component recognises them (its ``sid``)."""
    memo = _frame_memo(gdf)
    key = ("texts", id(geom), lang)
    hit = memo.get(key)
    if hit is not None and hit["geom"] is geom:
        return hit
    codes = np.array(_codes(gdf, "code"), dtype=object)
    pos = np.array([geom.index.get(c, -1) for c in codes], dtype=int)
    drawn = pos >= 0
    rows = np.full(len(geom.codes), -1, dtype=int)
    rows[pos[drawn]] = np.flatnonzero(drawn)
    cats = []
    for column, label_key in (("type", "map.type"), ("district_name", "map.district")):
        if column in gdf.columns:
            cats.append(_categorical(_in_order(_escaped(gdf[column]), rows), t(label_key, lang)))
    out = {"geom": geom, "pos": pos, "drawn": drawn, "rows": rows,
           "names": _in_order(_escaped(gdf["name"]) if "name" in gdf.columns else codes, rows), "cats": cats}
    memo[key] = out
    return out


def _value_texts_in_order(gdf, column: str, kind: str, lang: str, decimals: int, fixed: dict) -> list:
    """:func:`_format_values` of ``column`` in the geometry's order; the same list for the same values on every
    restyle of the layer (a change of classes or palette), so the app's component compacts it once."""
    texts = _format_values(gdf[column], kind, lang, decimals)
    key = ("values", column, kind, decimals)
    hit = fixed.get(key)
    if hit is not None and hit[0] == texts:
        return hit[1]
    ordered = _in_order(texts, fixed["rows"])
    fixed[key] = (texts, ordered)
    return ordered


def _sovereignty(gdf, fixed: dict, provinces_shown, lang: str) -> dict | None:
    """:func:`sovereignty_overlay` of a layer, kept with its texts (the same object on every restyle)."""
    key = ("sov", None if provinces_shown is None else tuple(sorted(map(str, provinces_shown))))
    if key not in fixed:
        fixed[key] = sovereignty_overlay(gdf if provinces_shown is None else None, provinces=provinces_shown,
                                         lang=lang)
    return fixed[key]


SOVEREIGNTY_STYLE = {"color": "#1f3d7a", "weight": 1.2, "fill": "#1f3d7a", "fillOpacity": 0.35,
                     "font": "italic 12px Arial, Helvetica, sans-serif", "halo": "#ffffff"}
_SOV_DECIMALS = 3  # ~100 m: island symbols are several kilometres across


def _provinces_of(gdf) -> set[str]:
    if gdf is None or len(gdf) == 0:
        return set()
    if "province_code" in gdf.columns:
        return {str(c) for c in gdf["province_code"].dropna()}
    if "code" in gdf.columns:
        codes = gdf["code"].astype(str)
        if codes.str.fullmatch(r"\d{2}").all():
            return set(codes)
    return set()


def sovereignty_overlay(gdf=None, *, provinces: Collection[str] | None = None, lang: str = DEFAULT_LANG,
                        vintage: str = "pre2025") -> dict | None:
    """Quần đảo Hoàng Sa and Trường Sa for a web map that shows Đà Nẵng, Khánh Hòa or the whole country.

    The islands (:func:`geo.units.sovereignty.archipelago_geometry`, Natural Earth 1:10m grown to a visible
    symbol) as rings of ``[lon, lat, lon, lat, …]`` and one label per archipelago naming its province
    ("Quần đảo Hoàng Sa (TP. Đà Nẵng)") at its point in the East Sea. ``provinces`` wins over ``gdf``'s
    province codes. None when the map shows neither province.
    """
    from geo.units.sovereignty import ARCHIPELAGOS, archipelago_geometry

    shown = {str(c) for c in provinces} if provinces is not None else _provinces_of(gdf)
    out = {"labels": [], "islands": [], "style": SOVEREIGNTY_STYLE}
    for arch in ARCHIPELAGOS:
        if arch.codes[(vintage, "province")] not in shown:
            continue
        name = arch.name if lang == "vi" else arch.name.replace("Quần đảo ", "") + " Islands"
        lon, lat = arch.label_point
        out["labels"].append({"text": f"{name} ({arch.province_short})", "lon": lon, "lat": lat})
        for poly in archipelago_geometry(arch.key).geoms:
            ring = np.round(np.asarray(poly.exterior.coords), _SOV_DECIMALS)
            out["islands"].append(ring.ravel().tolist())
    return out if out["labels"] else None


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


def _value_suffix(kind: str, lang: str) -> str:
    return {"percent": "%", "households": " " + t("unit.households", lang)}.get(kind, "")


_FORMATTED: OrderedDict = OrderedDict()  # (values' digest, kind, lang, decimals) -> texts; a restyle of the same
_FORMATTED_LOCK = threading.Lock()       # indicator (classes, palette) formats nothing again
_FORMATTED_SIZE = 16                     # two layers' indicators (prepare_value_texts), a few kept otherwise


def _format_values(series: pd.Series, kind: str, lang: str, decimals: int) -> list[str]:
    """Values as text in the reader's number format, with their unit; "no data" when missing.

    Each distinct value is formatted once (a national layer has 10,000 values but a few thousand distinct ones),
    and the texts of the last few columns are kept: changing the classes or the palette formats nothing.
    """
    arr = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy()
    key = (hashlib.blake2b(np.ascontiguousarray(arr).tobytes(), digest_size=16).hexdigest(), kind, lang, int(decimals))
    with _FORMATTED_LOCK:
        hit = _FORMATTED.get(key)
        if hit is not None:
            _FORMATTED.move_to_end(key)
            return list(hit)
    finite = np.isfinite(arr)
    uniq, inverse = np.unique(arr[finite], return_inverse=True)
    suffix = _value_suffix(kind, lang)
    texts = np.array([text + suffix for text in format_numbers(uniq.tolist(), decimals, lang, missing=None)] or [""],
                     dtype=object)
    out = np.full(len(arr), _esc(t("no_data", lang)), dtype=object)
    out[finite] = texts[inverse] if len(uniq) else []
    result = out.tolist()
    with _FORMATTED_LOCK:
        _FORMATTED[key] = tuple(result)
        while len(_FORMATTED) > _FORMATTED_SIZE:
            _FORMATTED.popitem(last=False)
    return result


def prepare_value_texts(gdf, kinds: Mapping[str, str | None], *, lang: str = DEFAULT_LANG) -> int:
    """Format the value texts of the columns ``kinds`` names (column -> value kind, None: guessed) as
    :func:`build_map` will with its default decimals, once per frame and language, so that choosing another of
    them does not wait for the formatting (~0.1 s a national indicator).

    The Map page calls it after its map is sent: the first change of indicator then only classifies. Returns
    how many columns were formatted now.
    """
    memo = _frame_memo(gdf)
    done = memo.setdefault(("texts_prepared", lang), set())
    count = 0
    for column, kind in kinds.items():
        if column in done or column not in gdf.columns:
            continue
        kind = kind or guess_value_kind(column)
        _format_values(gdf[column], kind, lang, 0 if kind == "households" else settings.LEGEND_DECIMALS)
        done.add(column)
        count += 1
    return count


_PATTERN_SHAPES = {
    "hatch": (45, '<line x1="{h}" y1="0" x2="{h}" y2="{s}" stroke="{c}" stroke-width="2"/>'),
    "hatch_back": (-45, '<line x1="{h}" y1="0" x2="{h}" y2="{s}" stroke="{c}" stroke-width="2"/>'),
    "cross": (45, '<line x1="{h}" y1="0" x2="{h}" y2="{s}" stroke="{c}" stroke-width="2"/>'
                  '<line x1="0" y1="{h}" x2="{s}" y2="{h}" stroke="{c}" stroke-width="2"/>'),
    "horizontal": (0, '<line x1="0" y1="{h}" x2="{s}" y2="{h}" stroke="{c}" stroke-width="2"/>'),
    "dots": (0, '<circle cx="{h}" cy="{h}" r="1.6" fill="{c}"/>'),
}


def _swatch_svg(spec: dict, *, fill: str = "none") -> str:
    """Legend symbol; a designation's fill pattern is defined inside its own small SVG."""
    dash = f' stroke-dasharray="{spec["dash"]}"' if spec.get("dash") else ""
    defs, pattern_fill = "", fill
    if spec.get("pattern") in _PATTERN_SHAPES:
        rot, shape = _PATTERN_SHAPES[spec["pattern"]]
        size = PATTERN_SIZE_PX
        transform = f' patternTransform="rotate({rot})"' if rot else ""
        defs = (f'<defs><pattern id="{spec["id"]}" patternUnits="userSpaceOnUse" width="{size}" height="{size}"'
                f'{transform}>{shape.format(h=size / 2, s=size, c=spec["color"])}</pattern></defs>')
        pattern_fill = f"url(#{spec['id']})"
    return (
        f'<svg class="geo-sw" width="26" height="16" aria-hidden="true">{defs}<rect x="2" y="2" width="22" height="12" '
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
  if (!document.getElementById("geo-webmap-css")) {
    var css = document.createElement("style");
    css.id = "geo-webmap-css";
    css.textContent = {{ this.css }};
    document.head.appendChild(css);
  }
  {{ this.lib }}
  GeoMap.mount(map, G, S, D);
})();
"""


_COMPONENT_DIR = Path(__file__).with_name("component")


def geomap_js() -> str:
    """The page library (``geo/render/component/geomap.js``): decode arcs, draw on a canvas, restyle."""
    return (_COMPONENT_DIR / "geomap.js").read_text(encoding="utf-8")


class _ChoroplethLayer(MacroElement):
    """Units, outlines, designations, selection, legend and banners in one script."""

    _template = Template("{% macro script(this, kwargs) %}" + _JS + "{% endmacro %}")

    def __init__(self, geometry: str, style: dict | str, districts: str) -> None:
        super().__init__()
        self._name = "GeoChoropleth"
        self.geometry = geometry
        self._style = style
        self.districts = districts
        self.css = _js_json(_CSS)
        self.lib = geomap_js()

    @property
    def style(self) -> str:
        """The style as script JSON, made when the page is written (the app's component never writes it)."""
        if not isinstance(self._style, str):
            self._style = _js_json(self._style)
        return self._style

    def render(self, **kwargs) -> None:
        # branca would wrap the output in Element(...), i.e. parse megabytes of
        # data as a Jinja template once more: slow, and a template injection
        # risk. The script is final text; add it as such.
        figure = self.get_root()
        figure.script.add_child(_RawScript(self._template.module.script(self, kwargs)), name=self.get_name())


class _MetricScale(MacroElement):
    """Leaflet's scale bar in kilometres only (folium's ``control_scale`` also shows miles)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


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
