"""Read boundary layers from planners' files into clean WGS 84 GeoDataFrames.

:func:`read_boundaries` accepts GeoJSON, GeoPackage, Shapefile (loose or
zipped), KML/KMZ and a ZIP of any of them, and returns the layer in
EPSG:4326 with a :class:`BoundaryReport` saying what was done to it:

- **Coordinate system.** Vietnamese provincial shapefiles are usually in
  VN-2000 with the province's own central meridian, and the ``.prj`` is
  often missing. A projected layer without a CRS is refused with
  ``crs_missing_projected``; the message lists the VN-2000 zones led by the
  most likely one (see :func:`rank_crs_candidates`). ``crs=`` reads the file
  in a given CRS and overrides a ``.prj``. A layer without a CRS whose
  coordinates are longitudes/latitudes is taken as EPSG:4326, with a note.
- **Text.** Names typed in TCVN3, VNI or cp1258 are converted to Unicode
  (:mod:`geo.text.encoding`); every text ends NFC.
- **Geometry.** Invalid geometries are repaired (polygonal parts kept),
  missing or empty ones dropped, and counted.
- **Hostile uploads.** Archives are unpacked with :mod:`geo.io.safe` into a
  temporary folder that is removed afterwards. Inputs are only read.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geo import settings
from geo._errors import GeoError
from geo.io.safe import check_size, extract_zip, is_zip
from geo.text.encoding import fix_column, from_legacy
from geo.text.names import fold_text, fold_words

__all__ = [
    "SUPPORTED_SUFFIXES",
    "VN2000_CANDIDATES",
    "PROVINCE_MERIDIANS",
    "VIETNAM_BOUNDS",
    "BoundaryNote",
    "BoundaryReport",
    "CrsCandidate",
    "read_boundaries",
    "rank_crs_candidates",
    "tm3_crs",
    "guess_key_columns",
]

SUPPORTED_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".kml", ".kmz", ".zip")
_LAYER_SUFFIXES = (".shp", ".geojson", ".gpkg", ".kml", ".json")
_ARCHIVE_SUFFIXES = (".zip", ".kmz")
WGS84 = "EPSG:4326"

# Mainland Viet Nam (the area of use of VN-2000, EPSG:4756), used to judge a
# candidate CRS; with the Hoàng Sa (Paracel) and Trường Sa (Spratly) islands
# and a small margin, the area a layer must fall in to be accepted.
VIETNAM_BOUNDS = (102.14, 8.33, 109.53, 23.4)
VIETNAM_AREAS = ((101.9, 8.1, 109.8, 23.6), (110.8, 15.5, 113.0, 17.3), (111.3, 6.0, 117.9, 12.2))
# Margin (degrees) around registry province boxes, which are approximate.
PROVINCE_MARGIN_DEG = 0.05
# Share of a layer's box that must fall inside the target box to count as inside.
INSIDE_SHARE = 0.99

# VN-2000 towards WGS 84 as in EPSG:4756's "VN-2000 to WGS 84 (2)" transformation
# (coordinate frame); PROJ's +towgs84 uses position vector, so the rotations change sign.
VN2000_TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
TM3_SCALE = 0.9999

# EPSG codes of the VN-2000 TM-3 zones (k = 0.9999, x0 = 500 km), by central meridian.
TM3_EPSG = {
    103.0: 9205, 104.0: 9206, 104.5: 9207, 104.75: 9208, 105.0: 5897, 105.5: 9209,
    105.75: 9210, 106.0: 9211, 106.25: 9212, 106.5: 9213, 107.0: 9214, 107.25: 9215,
    107.5: 9216, 107.75: 5899, 108.0: 5898, 108.25: 9217, 108.5: 9218,
}
# Candidates tried for a projected layer without a CRS: the TM-3 zones used by
# provinces (EPSG:9205-9218, plus 5897/5898/5899 for 105°, 108° and 107°45'),
# then VN-2000 / UTM 48N and 49N.
VN2000_CANDIDATES = (*range(9205, 9219), 5897, 5899, 5898, 3405, 3406)

# Official VN-2000 central meridian of each province (pre-2025 GSO codes), in
# decimal degrees. Source: Circular 973/2001/TT-TCĐC of the General Department
# of Land Administration, annex "kinh tuyến trục theo từng tỉnh, thành phố",
# as updated for the provinces split in 2004 (Điện Biên, Đắk Nông, Hậu Giang)
# and for Hà Tây merged into Hà Nội in 2008.
PROVINCE_MERIDIANS: dict[str, float] = {
    "01": 105.0, "02": 105.5, "04": 105.75, "06": 106.5, "08": 106.0, "10": 104.75,
    "11": 103.0, "12": 103.0, "14": 104.0, "15": 104.75, "17": 106.0, "19": 106.5,
    "20": 107.25, "22": 107.75, "24": 107.0, "25": 104.75, "26": 105.0, "27": 105.5,
    "30": 105.5, "31": 105.75, "33": 105.5, "34": 105.5, "35": 105.0, "36": 105.5,
    "37": 105.0, "38": 105.0, "40": 104.75, "42": 105.5, "44": 106.0, "45": 106.25,
    "46": 107.0, "48": 107.75, "49": 107.75, "51": 108.0, "52": 108.25, "54": 108.5,
    "56": 108.25, "58": 108.25, "60": 108.5, "62": 107.5, "64": 108.5, "66": 108.5,
    "67": 108.5, "68": 107.75, "70": 106.25, "72": 105.5, "74": 105.75, "75": 107.75,
    "77": 107.75, "79": 105.75, "80": 105.75, "82": 105.75, "83": 105.75, "84": 105.5,
    "86": 105.5, "87": 105.0, "89": 104.75, "91": 104.5, "92": 105.0, "93": 105.0,
    "94": 105.5, "95": 105.0, "96": 104.5,
}


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class BoundaryNote:
    """Something the reader did that the planner should know; translated like errors."""

    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "vi") -> str:
        """The note in ``lang`` ("vi" or "en")."""
        from geo.text.i18n import t

        return t(f"boundary_note.{self.code}", lang, **self.params)


@dataclass
class BoundaryReport:
    """What :func:`read_boundaries` found and changed.

    ``crs_source`` is ``"file"`` (the file's own CRS), ``"explicit"`` (the
    ``crs`` argument) or ``"assumed"`` (no CRS, lon/lat coordinates taken as
    EPSG:4326). ``encoding_fixes`` maps a column (``"__columns__"`` for the
    column names) to the encoding it was converted from.
    """

    source: str
    driver: str | None = None
    layer: str | None = None
    n_features: int = 0
    crs_in: str | None = None
    crs_used: str | None = None
    crs_source: str | None = None
    repaired: int = 0
    dropped_empty: int = 0
    dropped_invalid: int = 0
    encoding_fixes: dict[str, str] = field(default_factory=dict)
    warnings: list[BoundaryNote] = field(default_factory=list)

    @property
    def crs_assumed(self) -> bool:
        return self.crs_source == "assumed"

    @property
    def crs_explicit(self) -> bool:
        return self.crs_source == "explicit"

    def note(self, code: str, **params: object) -> None:
        self.warnings.append(BoundaryNote(code, params))

    def to_dict(self) -> dict:
        """A JSON-ready dict; notes carry their code, params and both translations."""
        out = asdict(self)
        out["crs_assumed"] = self.crs_assumed
        out["crs_explicit"] = self.crs_explicit
        out["warnings"] = [
            {"code": n.code, "params": {k: str(v) for k, v in n.params.items()}, "vi": n.message("vi"),
             "en": n.message("en")}
            for n in self.warnings
        ]
        return out


# --------------------------------------------------------------------------
# CRS candidates
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class CrsCandidate:
    """One VN-2000 CRS tried on a layer without a CRS, and how well it fits.

    ``inside`` is the share of the layer's box inside the target (the
    province's registry box, or Viet Nam); ``fit`` is the overlap (IoU) of
    the layer's box with that province's box (or the best matching
    province's box); ``meridian_match`` says the zone is the province's
    official one.
    """

    code: str
    name: str
    meridian: float
    inside: float
    fit: float
    meridian_match: bool
    bounds: tuple[float, float, float, float]

    @property
    def label(self) -> str:
        return f"{self.code} ({self.name})"


def tm3_crs(meridian: float, *, use_epsg: bool = True) -> CRS:
    """The VN-2000 TM-3 CRS of a central meridian (decimal degrees).

    Uses the EPSG code when there is one (and ``use_epsg``), else builds it
    from a PROJ string (tmerc, k=0.9999, x_0=500000, VN-2000 datum with the
    EPSG:4756 shift).
    """
    code = TM3_EPSG.get(float(meridian)) if use_epsg else None
    if code is not None:
        return CRS.from_epsg(code)
    return CRS.from_proj4(
        f"+proj=tmerc +lat_0=0 +lon_0={meridian} +k={TM3_SCALE} +x_0=500000 +y_0=0 "
        f"+ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs +type=crs"
    )


@functools.lru_cache(maxsize=None)
def _candidate(code: int) -> tuple[str, float, Transformer]:
    crs = CRS.from_epsg(code)
    meridian = next(p.value for p in crs.coordinate_operation.params if p.name == "Longitude of natural origin")
    return crs.name, float(meridian), Transformer.from_crs(crs, WGS84, always_xy=True)


@functools.lru_cache(maxsize=None)
def _province_boxes() -> dict[str, tuple[float, float, float, float]]:
    """Registry box of each pre-2025 province: the province's own box joined with its communes'.

    The province rows of centrally-run cities carry a city-centre box only,
    so the communes' extent is joined in.
    """
    from geo.units.registry import provinces, units

    communes = units(level="commune").groupby("province_code")[["minx", "miny", "maxx", "maxy"]]
    lo, hi = communes.min(), communes.max()
    boxes = {}
    for row in provinces().itertuples():
        own = (row.minx, row.miny, row.maxx, row.maxy)
        joined = (
            np.nanmin([own[0], lo.loc[row.code, "minx"]]) if row.code in lo.index else own[0],
            np.nanmin([own[1], lo.loc[row.code, "miny"]]) if row.code in lo.index else own[1],
            np.nanmax([own[2], hi.loc[row.code, "maxx"]]) if row.code in hi.index else own[2],
            np.nanmax([own[3], hi.loc[row.code, "maxy"]]) if row.code in hi.index else own[3],
        )
        if all(math.isfinite(v) for v in joined):
            boxes[row.code] = tuple(float(v) for v in joined)
    return boxes


def _area(b: tuple[float, float, float, float]) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def _intersection(a, b) -> tuple[float, float, float, float]:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _share_inside(box, target) -> float:
    area = _area(box)
    if area == 0:  # a point or a line: is its centre inside?
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return float(target[0] <= x <= target[2] and target[1] <= y <= target[3])
    return _area(_intersection(box, target)) / area


def _in_vietnam(bounds, geoms=None) -> bool:
    """Whether a layer lies in Viet Nam: its box, or (a national layer with Hoàng Sa and Trường Sa, whose box
    spans the sea between them and the mainland) the boxes of the parts of its features, ``geoms``."""
    area = shapely.union_all([shapely.box(*b) for b in VIETNAM_AREAS])
    layer = shapely.box(*bounds) if _area(bounds) > 0 else shapely.Point(bounds[0], bounds[1])
    if layer.area == 0:
        return bool(area.covers(layer))
    if layer.intersection(area).area / layer.area >= INSIDE_SHARE:
        return True
    if geoms is None or not len(geoms):
        return False
    parts = shapely.get_parts(np.asarray(geoms))  # a province's islands apart from its mainland
    boxes = shapely.box(*np.asarray(shapely.bounds(parts)).T)
    return float(np.mean(shapely.covers(area, boxes))) >= INSIDE_SHARE


def _iou(a, b) -> float:
    inter = _area(_intersection(a, b))
    union = _area(a) + _area(b) - inter
    return inter / union if union > 0 else 0.0


def _grow(box, margin: float):
    return (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)


def _lonlat_box(bounds, transformer: Transformer) -> tuple[float, float, float, float] | None:
    xs = np.linspace(bounds[0], bounds[2], 5)
    ys = np.linspace(bounds[1], bounds[3], 5)
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = transformer.transform(gx.ravel(), gy.ravel())
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.all():
        return None
    return (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))


def _province_code(province: str | int | None) -> str | None:
    if province is None:
        return None
    from geo.units.registry import normalize_code

    code = normalize_code(province, "province")
    if code is None or code not in PROVINCE_MERIDIANS:
        raise GeoError("unknown_province", province=province, vintage="pre2025")
    return code


def rank_crs_candidates(
    bounds: tuple[float, float, float, float], *, province: str | int | None = None
) -> list[CrsCandidate]:
    """VN-2000 CRSs for projected coordinates without a CRS, most likely first.

    Each candidate of :data:`VN2000_CANDIDATES` converts the layer's box to
    longitude/latitude. With ``province`` (pre-2025 GSO code, e.g. ``"20"``)
    candidates are ranked by (1) whether the box falls inside the province's
    registry box, (2) whether the zone is the province's official central
    meridian (:data:`PROVINCE_MERIDIANS`), (3) how well the boxes overlap.
    Without it: (1) inside Viet Nam, (2) the box lands on a province whose
    official meridian is the zone's, (3) overlap with that province.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` of the layer in its unknown projected CRS.
    province
        GSO code of the province the layer belongs to, when known.
    """
    code = _province_code(province)
    boxes = _province_boxes()
    ranked = []
    for epsg in VN2000_CANDIDATES:
        name, meridian, transformer = _candidate(epsg)
        box = _lonlat_box(bounds, transformer)
        if box is None:
            ranked.append(CrsCandidate(f"EPSG:{epsg}", name, meridian, 0.0, 0.0, False, (math.nan,) * 4))
            continue
        if code is not None and code in boxes:
            inside = _share_inside(box, _grow(boxes[code], PROVINCE_MARGIN_DEG))
            fit = _iou(box, boxes[code])
            match = PROVINCE_MERIDIANS[code] == meridian
        else:
            inside = _share_inside(box, VIETNAM_BOUNDS)
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            homes = [p for p, b in boxes.items() if _share_inside((cx, cy, cx, cy), _grow(b, PROVINCE_MARGIN_DEG))]
            same = [p for p in homes if PROVINCE_MERIDIANS.get(p) == meridian]
            match = bool(same)
            fit = max((_iou(box, boxes[p]) for p in (same or homes)), default=0.0)
        ranked.append(CrsCandidate(f"EPSG:{epsg}", name, meridian, inside, fit, match, box))
    order = {c: i for i, c in enumerate(VN2000_CANDIDATES)}
    ranked.sort(key=lambda c: (-(c.inside >= INSIDE_SHARE), -c.meridian_match, -c.fit, -c.inside,
                               order[int(c.code.split(":")[1])]))
    return ranked


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------
def _crs_label(crs: CRS | None) -> str | None:
    if crs is None:
        return None
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else crs.name


def _crs_text(crs: CRS | None) -> str:
    try:
        return (_crs_label(crs) or "?")[:120]
    except Exception:  # a CRS pyproj cannot describe
        return "?"


def _parse_crs(crs: object) -> CRS:
    try:
        return CRS.from_user_input(crs)
    except (CRSError, TypeError, ValueError) as exc:
        raise GeoError("crs_invalid", crs=str(crs)) from exc


def _sibling(path: Path, suffix: str) -> Path | None:
    """The file beside ``path`` with ``suffix``, whatever the case of either."""
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _check_shapefile(path: Path, shown: str) -> None:
    missing = [s for s in (".shx", ".dbf") if _sibling(path, s) is None]
    if missing:
        raise GeoError("shapefile_incomplete", path=shown, missing=", ".join(missing))


# .cpg values that name an encoding worth trusting. Latin-1/cp1252 declarations
# are ignored: old tools wrote them for TCVN3 and VNI text too.
_CPG_CODECS = {"utf8": "utf-8", "65001": "utf-8", "1258": "cp1258", "cp1258": "cp1258", "windows1258": "cp1258"}


def _cpg_codec(shp: Path) -> str | None:
    cpg = _sibling(shp, ".cpg")
    if cpg is None:
        return None
    text = cpg.read_text(encoding="ascii", errors="replace").strip()
    return _CPG_CODECS.get(re.sub(r"[^0-9a-z]", "", text.lower()))


def _layer_level(path: Path, name: str) -> str | None:
    """The unit level a layer's column names (else its own name: "xa", "huyen") point to."""
    try:
        fields = [str(f) for f in pyogrio.read_info(path, layer=name)["fields"]]
    except Exception:  # noqa: BLE001 - an unreadable layer is simply not chosen
        return None
    level = guess_key_columns(pd.DataFrame(columns=fields))["level"]
    if level is None:
        words = set(fold_words(name.replace("_", " ")).split())
        level = "commune" if words & {"xa", "commune", "communes", "ward", "wards"} else (
            "district" if words & {"huyen", "district", "districts"} else None)
    return level


def _layer_name(path: Path, layer: str | int | None, shown: str, report: BoundaryReport,
                level: str | None = None) -> str | int | None:
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises several error types for unreadable data
        raise GeoError("unreadable_file", path=shown, reason=_short_reason(exc)) from None
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if isinstance(layer, int) and 0 <= layer < len(names):
            return names[layer]
        if str(layer) in names:
            return str(layer)
        raise GeoError("layer_not_found", path=shown, layer=layer, layers=", ".join(names))
    if len(names) <= 1:
        return names[0] if names else None
    with_geometry = [str(n) for n, g in layers if g and str(g) not in ("None", "Unknown")]
    with_features = [n for n in names if _count(path, n) > 0]
    usable = [n for n in with_features if n in with_geometry] or with_features
    if len(usable) == 1:
        report.note("layer_chosen", layers=", ".join(names), layer=usable[0])
        return usable[0]
    if level is not None:  # a GeoPackage with a district and a commune layer: the level asked for chooses
        of_level = [n for n in usable if _layer_level(path, n) == level]
        if len(of_level) == 1:
            report.note("layer_chosen_level", layers=", ".join(names), layer=of_level[0])
            return of_level[0]
        raise GeoError("layer_ambiguous_level", path=shown, layers=", ".join(names))
    raise GeoError("layer_ambiguous", path=shown, layers=", ".join(names))


def _count(path: Path, layer: str) -> int:
    try:
        return int(pyogrio.read_info(path, layer=layer)["features"])
    except Exception:
        return 0


def _text_columns(gdf: pd.DataFrame) -> list[str]:
    cols = []
    for col in gdf.columns:
        if col == gdf.geometry.name:
            continue
        s = gdf[col]
        if pd.api.types.is_string_dtype(s) or (s.dtype == object and s.map(lambda v: isinstance(v, str)).any()):
            cols.append(col)
    return cols


def _fix_text(gdf: gpd.GeoDataFrame, report: BoundaryReport, *, codec: str | None) -> gpd.GeoDataFrame:
    """Decode legacy text in every text column and in the column names; NFC everything."""
    geometry = gdf.geometry.name
    names = [c for c in gdf.columns if c != geometry]
    fixed_names, enc = fix_column(names)
    if enc:
        report.encoding_fixes["__columns__"] = enc
    gdf = gdf.rename(columns=dict(zip(names, fixed_names)))
    for col in _text_columns(gdf):
        values = gdf[col].tolist()
        if codec == "cp1258":
            values = [from_legacy(v, "cp1258") if isinstance(v, str) else v for v in values]
            enc = "cp1258 (.cpg)"
        else:
            values, enc = fix_column(values)
        gdf[col] = pd.Series(values, index=gdf.index, dtype=object).where(gdf[col].notna(), None)
        if enc:
            report.encoding_fixes[col] = enc
            report.note("encoding_converted", column=col, encoding=enc)
    return gdf


def _read_layer(path: Path, *, layer: str | int | None, shown: str, report: BoundaryReport,
                level: str | None = None) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    codec = None
    encoding = None
    if suffix == ".shp":
        _check_shapefile(path, shown)
        codec = _cpg_codec(path)
        if codec != "utf-8":
            encoding = "latin1"  # the raw bytes, one character each; decoded below
    if suffix in (".geojson", ".json"):
        _count_geojson_features(path, shown)
    name = _layer_name(path, layer, shown, report, level)
    try:
        try:
            info = pyogrio.read_info(path, layer=name, encoding=encoding)
            _check_features(info, shown)
            gdf = pyogrio.read_dataframe(path, layer=name, encoding=encoding)
        except UnicodeDecodeError:
            # a .cpg that says UTF-8 over legacy bytes, or a GeoJSON property name that is
            # not UTF-8: read the bytes one character each and detect the encoding below
            codec, info = None, pyogrio.read_info(path, layer=name, encoding="latin1")
            _check_features(info, shown)
            gdf = pyogrio.read_dataframe(path, layer=name, encoding="latin1")
    except GeoError:
        raise
    except MemoryError:
        raise GeoError("layer_too_many_features", path=shown, count="?", limit=settings.MAX_FEATURES) from None
    except Exception as exc:  # pyogrio/GDAL errors have several types
        raise GeoError("unreadable_file", path=shown, reason=_short_reason(exc)) from None
    report.driver = info.get("driver")
    report.layer = None if name is None else str(name)
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        raise GeoError("empty_layer", path=shown)
    return _fix_text(gdf, report, codec=codec)


def _short_reason(exc: BaseException) -> str:
    """An exception as a short reason without the server's folders."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = re.sub(r"(/[^\s'\":]+)+/", "", text)  # /tmp/geo-upload-x/unzip-y/layer.shp -> layer.shp
    return text[:200]


def _count_geojson_features(path: Path, shown: str) -> None:
    """Refuse a GeoJSON with too many features from a byte count, before GDAL parses it to count them."""
    needle, count, tail = b'"Feature"', 0, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            block = tail + chunk
            count += block.count(needle)
            tail = block[-(len(needle) - 1):]
            if count > settings.MAX_FEATURES:
                raise GeoError("layer_too_many_features", path=shown, count=f"> {settings.MAX_FEATURES}",
                               limit=settings.MAX_FEATURES)


def _check_features(info: dict, shown: str) -> None:
    """Refuse a layer with more features than :data:`geo.settings.MAX_FEATURES` before reading it."""
    count = int(info.get("features") or 0)
    if count > settings.MAX_FEATURES:
        raise GeoError("layer_too_many_features", path=shown, count=count, limit=settings.MAX_FEATURES)


def _check_geometry(gdf: gpd.GeoDataFrame, shown: str) -> None:
    """Refuse too many vertices, and coordinates that are NaN or infinite, before any geometry work."""
    geoms = gdf.geometry.values
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    if vertices > settings.MAX_VERTICES:
        raise GeoError("layer_too_many_vertices", path=shown, count=vertices, limit=settings.MAX_VERTICES)
    coords, index = shapely.get_coordinates(geoms, include_z=True, return_index=True)
    if len(coords):
        bad = ~np.isfinite(coords[:, :2]).all(axis=1)
        if bad.any():
            rows = np.unique(index[bad])
            raise GeoError("geometry_not_finite", path=shown, count=len(rows), row=int(rows[0]) + 1)


def _is_lonlat(bounds) -> bool:
    return -180.0 <= bounds[0] <= bounds[2] <= 180.0 and -90.0 <= bounds[1] <= bounds[3] <= 90.0


def _set_crs(gdf: gpd.GeoDataFrame, *, crs: object, province: str | int | None, shown: str,
             report: BoundaryReport) -> gpd.GeoDataFrame:
    file_crs = gdf.crs
    bounds = tuple(float(v) for v in gdf.total_bounds)
    report.crs_in = _crs_label(file_crs)
    if crs is not None:
        wanted = _parse_crs(crs)
        if file_crs is not None and not file_crs.equals(wanted):
            report.note("crs_overridden", crs=_crs_label(wanted), file_crs=report.crs_in)
        report.crs_source, report.crs_used = "explicit", _crs_label(wanted)
        return gdf.set_crs(wanted, allow_override=True)
    # GeoJSON without a "crs" member is declared WGS 84 by the driver even when
    # its coordinates are metres: treat that as a missing CRS too.
    if file_crs is None or (file_crs.is_geographic and not _is_lonlat(bounds)):
        swapped = (bounds[1], bounds[0], bounds[3], bounds[2])
        if not _is_lonlat(bounds) and _is_lonlat(swapped) and _in_vietnam(swapped):
            # Latitude written first (x=22, y=107): Viet Nam in lon/lat once the axes are swapped, never metres.
            report.note("axes_swapped", path=shown)
            report.crs_source, report.crs_used = "assumed", WGS84
            return gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda xy: xy[:, ::-1]), crs=WGS84)
        if _is_lonlat(bounds):
            report.note("crs_assumed_wgs84", path=shown)
            report.crs_source, report.crs_used = "assumed", WGS84
            return gdf.set_crs(WGS84, allow_override=True)
        if province is None:
            province = _province_from_attributes(gdf)
            if province is not None:
                report.note("province_inferred", province=province)
        ranked = rank_crs_candidates(bounds, province=province)
        best = ranked[0]
        raise GeoError(
            "crs_missing_projected", path=shown,
            x=(bounds[0] + bounds[2]) / 2, y=(bounds[1] + bounds[3]) / 2,
            likely=best.label, likely_code=best.code,
            candidates=", ".join(c.label for c in ranked), codes=[c.code for c in ranked],
        )
    report.crs_source, report.crs_used = "file", report.crs_in
    return gdf


def _province_from_attributes(gdf: pd.DataFrame) -> str | None:
    """The one province code written in the layer's columns (province or district codes), if any."""
    from geo.units.registry import normalize_code, province_of

    folded = {col: fold_text(col) for col in gdf.columns if col != gdf.geometry.name}
    for level in ("province", "district"):
        for pattern in _COLUMN_PATTERNS[(level, "code")]:
            for col, name in folded.items():
                if not re.fullmatch(pattern, name):
                    continue
                codes = {normalize_code(v, level) for v in gdf[col].dropna().unique()}
                if level == "district":
                    codes = {province_of(c, level="district") for c in codes if c}
                codes.discard(None)
                if len(codes) == 1 and next(iter(codes)) in PROVINCE_MERIDIANS:
                    return next(iter(codes))
    return None


def _clean_geometries(gdf: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Repair invalid geometries (polygonal parts kept for polygon layers); drop empty ones."""
    geoms = gdf.geometry.values
    invalid = ~shapely.is_valid(geoms)
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6)).any()
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid])
        if polygonal:
            fixed = np.array([_polygonal_part(g) for g in fixed], dtype=object)
        geoms = geoms.copy()
        geoms[invalid] = fixed
        empty_after = shapely.is_empty(geoms[invalid]) | pd.isna(geoms[invalid])
        report.repaired = int((~empty_after).sum())
        report.dropped_invalid = int(empty_after.sum())
        if report.repaired:
            report.note("geometry_repaired", count=report.repaired)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs), crs=gdf.crs)
    keep = ~(gdf.geometry.isna() | gdf.geometry.is_empty)
    if report.dropped_invalid:
        report.note("geometry_dropped", count=report.dropped_invalid)
    return gdf[keep]


def _polygonal_part(geom):
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.MultiPolygon()
    return shapely.union_all(parts)


def _find_layer_file(folder: Path, *, layer: str | int | None, shown: str) -> tuple[Path, str | int | None]:
    files = [
        p for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix.lower() in _LAYER_SUFFIXES
        and not any(part.startswith((".", "__MACOSX")) for part in p.relative_to(folder).parts)
    ]
    if any(p.suffix.lower() != ".json" for p in files):
        files = [p for p in files if p.suffix.lower() != ".json"]  # sidecar metadata
    if not files:
        raise GeoError("zip_no_layer", path=shown)
    if len(files) > 1 and layer is not None:
        chosen = [p for p in files if p.stem == str(layer) or p.name == str(layer)]
        if len(chosen) == 1:
            return chosen[0], None
    if len(files) > 1:
        raise GeoError("zip_many_layers", path=shown, layers=", ".join(str(p.relative_to(folder)) for p in files))
    return files[0], layer


def read_boundaries(
    path: str | Path,
    *,
    crs: object = None,
    province: str | int | None = None,
    layer: str | int | None = None,
    level: str | None = None,
) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """Read a boundary layer into EPSG:4326 with its text in Unicode NFC.

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.gpkg``, ``.shp`` (with ``.shx`` and
        ``.dbf`` beside it), ``.kml``, ``.kmz`` or a ``.zip`` holding one
        of them. The file is only read.
    crs
        The CRS to read the file in (``"EPSG:9215"`` or anything pyproj
        parses). It overrides a ``.prj``; the report notes it.
    province
        Pre-2025 GSO code of the layer's province (``"20"`` for Lạng Sơn);
        it sharpens the guess offered when the CRS is missing. Without it, a
        single province code found in the layer's columns (``level1_id``,
        ``ma_tinh``, or district codes) is used, with a note.
    layer
        Layer name or index in a multi-layer file, or the file's name inside
        a ZIP with several layers.
    level
        ``"district"`` or ``"commune"``: in a file of several layers and no
        ``layer``, the one layer whose columns (or name) are of that level.

    Returns
    -------
    gdf, report
        The features in EPSG:4326 (empty geometries dropped, invalid ones
        repaired) and a :class:`BoundaryReport`.

    Raises
    ------
    GeoError
        ``file_not_found``, ``file_too_large``, ``unsupported_format``,
        ``shapefile_incomplete``, ``unreadable_file``, ``zip_*``,
        ``layer_not_found``, ``layer_ambiguous``, ``layer_ambiguous_level``, ``empty_layer``,
        ``crs_invalid``, ``crs_missing_projected``, ``crs_out_of_vietnam``.
    """
    path = Path(path)
    shown = path.name
    if not path.is_file():
        raise GeoError("file_not_found", path=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise GeoError("unsupported_format", path=shown, supported=", ".join(SUPPORTED_SUFFIXES))
    check_size(path)
    if crs is not None:
        _parse_crs(crs)  # fail early, before unpacking anything
    _province_code(province)
    report = BoundaryReport(source=str(path))
    if suffix in _ARCHIVE_SUFFIXES:
        if not is_zip(path):
            raise GeoError("zip_bad", path=shown)
        with tempfile.TemporaryDirectory(prefix="geo-upload-") as tmp:
            folder = extract_zip(path, tmp)
            inner, inner_layer = _find_layer_file(folder, layer=layer, shown=shown)
            inner_shown = f"{shown}/{inner.relative_to(folder).as_posix()}"
            gdf = _read_layer(inner, layer=inner_layer, shown=inner_shown, report=report, level=level)
    else:
        gdf = _read_layer(path, layer=layer, shown=shown, report=report, level=level)
    return _finish(gdf, crs=crs, province=province, shown=shown, report=report)


def _finish(gdf: gpd.GeoDataFrame, *, crs: object, province: str | int | None, shown: str,
            report: BoundaryReport) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    report.dropped_empty = int(missing.sum())
    if report.dropped_empty:
        report.note("geometry_empty_dropped", count=report.dropped_empty)
    gdf = gdf[~missing]
    if gdf.empty:
        raise GeoError("empty_layer", path=shown)
    _check_geometry(gdf, shown)
    gdf = gdf.set_geometry(shapely.force_2d(gdf.geometry.values), crs=gdf.crs)
    gdf = _set_crs(gdf, crs=crs, province=province, shown=shown, report=report)
    try:
        gdf = gdf.to_crs(WGS84)
    except Exception as exc:  # pyproj.ProjError, ValueError...: a CRS of another body, an unusable definition
        raise GeoError("crs_not_earth", path=shown, crs=_crs_text(gdf.crs)) from exc
    coords = shapely.get_coordinates(gdf.geometry.values)
    if len(coords) and not np.isfinite(coords).all():  # the projection sent points nowhere
        raise GeoError("crs_not_earth", path=shown, crs=_crs_text(gdf.crs))
    gdf = _clean_geometries(gdf, report)
    if gdf.empty:
        raise GeoError("empty_layer", path=shown)
    bounds = tuple(float(v) for v in gdf.total_bounds)
    if not all(math.isfinite(v) for v in bounds) or not _in_vietnam(bounds, gdf.geometry.values):
        raise GeoError("crs_out_of_vietnam", path=shown, bounds=", ".join(f"{v:.3f}" for v in bounds))
    report.n_features = len(gdf)
    return gdf.reset_index(drop=True), report


# --------------------------------------------------------------------------
# Key columns
# --------------------------------------------------------------------------
# Folded column-name patterns, best first. "ma" = code, "ten" = name; xa/px =
# commune (xã/phường), huyen/qh = district, tinh = province.
_COLUMN_PATTERNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("commune", "code"): (r"(ma|maso|id|code)(xa|px|phuongxa|xaphuong|dvhcxa)", r"(xa|px)(ma|id|code)",
                          r"(commune|ward)(code|id|ma)", r"level3id", r"gid3", r"idxa"),
    ("commune", "name"): (r"(ten|name)(xa|px|phuongxa|xaphuong|dvhcxa)", r"(xa|px)(ten|name)",
                          r"(commune|ward)(name)?", r"name3", r"(xa|phuongxa|xaphuong)"),
    ("district", "code"): (r"(ma|maso|id|code)(huyen|qh|quanhuyen|huyenthi)", r"(huyen|qh)(ma|id|code)",
                           r"district(code|id)", r"level2id", r"gid2"),
    ("district", "name"): (r"(ten|name)(huyen|qh|quanhuyen|huyenthi)", r"(huyen|qh)(ten|name)",
                           r"district(name)?", r"name2", r"(huyen|quanhuyen)"),
    ("province", "code"): (r"(ma|maso|id|code)(tinh|tinhtp|tp)", r"tinh(ma|id|code)", r"province(code|id)",
                           r"level1id", r"gid1"),
    ("province", "name"): (r"(ten|name)(tinh|tinhtp)", r"tinh(ten|name)", r"province(name)?", r"name1",
                           r"tinh"),
    ("any", "code"): (r"mahc", r"madvhc", r"madv", r"ma", r"code", r"geocode", r"gsocode"),
    ("any", "name"): (r"tendvhc", r"tendv", r"ten", r"name", r"tenhc", r"label"),
}
_LEVELS = ("commune", "district", "province")
_CODE_LEVEL = {5: "commune", 3: "district", 2: "province"}


def _generic_code_level(gdf: pd.DataFrame, column: str | None) -> str | None:
    """The level of a generic code column from the usual length of its codes (5 commune, 3 district, 2 province)."""
    if column is None:
        return None
    lengths = gdf[column].dropna().astype(str).str.strip().str.len()
    if lengths.empty:
        return None
    usual = int(lengths.mode().iloc[0])
    return "commune" if usual == 4 else _CODE_LEVEL.get(usual)  # 4 digits: a commune code that lost its zero


def _names_finer(gdf: pd.DataFrame, found: dict[tuple[str, str], str], level: str) -> bool:
    """A generic name column naming finer units than the level's own name column.

    True when the level was told by a name column only (no code of that level), a generic name column
    exists, and the level's names repeat across features while the generic names are more varied.
    """
    if level == _LEVELS[0] or (level, "code") in found or (level, "name") not in found or ("any", "name") not in found:
        return False
    if len(gdf) < 2:
        return False
    own, generic = gdf[found[(level, "name")]], gdf[found[("any", "name")]]
    return own.nunique() < own.notna().sum() and generic.nunique() > own.nunique()


def guess_key_columns(gdf: pd.DataFrame) -> dict[str, str | None]:
    """Guess which columns hold the unit code, name and parent of a boundary layer.

    Column names are compared folded (no accents, case or punctuation) with
    the usual Vietnamese and international spellings: ``ma_xa``/``MaXa``/
    ``level3_id``/``GID_3`` (commune code), ``ten_xa``/``TenXa``/``NAME_3``
    (commune name), ``Ten_Huyen``/``NAME_2``/``level2_id`` (district),
    ``level1_id``/``NAME_1`` (province), and the generic ``MAHC``, ``code``,
    ``ten``, ``name``. The finest level that has a column is the layer's
    level; generic columns fill in what is missing; the next level up gives
    the parent. When only generic columns exist the level comes from the
    length of the codes (5 digits commune, 3 district, 2 province).

    Returns
    -------
    dict
        Keys ``code``, ``name``, ``parent_code``, ``parent_name`` (column
        names or None) and ``level`` (``"commune"``, ``"district"``,
        ``"province"`` or None).

    Examples
    --------
    >>> import pandas as pd
    >>> guess_key_columns(pd.DataFrame(columns=["level1_id", "level2_id", "name", "geometry"]))
    {'code': 'level2_id', 'name': 'name', 'parent_code': 'level1_id', 'parent_name': None, 'level': 'district'}
    >>> guess_key_columns(pd.DataFrame({"code": ["06616"], "name": ["Thị trấn NT Thái Bình"],
    ...                                 "district_code": ["189"], "district_name": ["Huyện Đình Lập"]}))
    {'code': 'code', 'name': 'name', 'parent_code': 'district_code', 'parent_name': 'district_name', 'level': 'commune'}
    """
    geometry = getattr(getattr(gdf, "geometry", None), "name", "geometry")
    folded = {col: fold_text(col) for col in gdf.columns if col != geometry}
    found: dict[tuple[str, str], str] = {}
    for key, patterns in _COLUMN_PATTERNS.items():
        for pattern in patterns:
            hit = next((c for c, f in folded.items() if re.fullmatch(pattern, f) and c not in found.values()), None)
            if hit is not None:
                found[key] = hit
                break
    level = next((lv for lv in _LEVELS if (lv, "code") in found or (lv, "name") in found), None)
    generic = _generic_code_level(gdf, found.get(("any", "code")))
    if level is None:
        level = generic
    elif generic is not None and _LEVELS.index(generic) < _LEVELS.index(level):
        # ``code`` holds 5-digit commune codes beside a ``district_code``: the layer is of communes, and the
        # district columns are its parent (never the unit's own code)
        level = generic
    elif _names_finer(gdf, found, level):
        # A generic ``TEN`` beside ``HUYEN`` whose names repeat feature after feature: ``TEN`` names the units
        # (communes) and ``HUYEN`` their district, never 194 polygons each called by its district.
        level = _LEVELS[_LEVELS.index(level) - 1]
    out: dict[str, str | None] = {"code": None, "name": None, "parent_code": None, "parent_name": None,
                                  "level": level}
    out["code"] = found.get((level, "code")) or found.get(("any", "code"))
    out["name"] = found.get((level, "name")) or found.get(("any", "name"))
    if level in _LEVELS[:-1]:
        parent = _LEVELS[_LEVELS.index(level) + 1]
        out["parent_code"] = found.get((parent, "code"))
        out["parent_name"] = found.get((parent, "name"))
        if out["parent_code"] is None and out["parent_name"] is None and parent == "district":
            out["parent_code"] = found.get(("province", "code"))
            out["parent_name"] = found.get(("province", "name"))
    return out
