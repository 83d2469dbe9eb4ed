"""Are a boundary layer's units where the registry says they are? Catches a wrong CRS or zone.

A VN-2000 Shapefile read with the wrong TM-3 zone lands 26 km or 230 km off
and still "loads 11 units"; the map zooms to fit, so it looks normal. After
a layer's units have codes, :func:`check_placement` compares each unit's
centroid with the registry centroid of its code. When the median offset is
beyond :data:`geo.settings.PLACEMENT_MAX_KM` the layer is refused, even with
an explicit CRS, and the message names the CRS that fits: the one among the
VN-2000 TM-3 zones and the common national CRSs that gives the smallest offset.
A layer of another province is refused the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import Num
from geo.units import registry

__all__ = ["Placement", "placement_offsets", "check_placement", "best_crs"]

EARTH_RADIUS_KM = 6371.0088
WGS84 = "EPSG:4326"


@dataclass
class Placement:
    """Median distance (km) between the layer's unit centroids and the registry's, over ``n`` units."""

    median_km: float | None
    n: int
    crs: str | None = None
    best_crs: str | None = None
    best_km: float | None = None
    other_province: str | None = None
    offsets: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"median_km": self.median_km, "n": self.n, "crs": self.crs, "best_crs": self.best_crs,
                "best_km": self.best_km, "other_province": self.other_province}


def _haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _reference(codes: pd.Series, *, level: str, vintage: str) -> pd.DataFrame:
    """Registry lon/lat of each code (NaN where the code is unknown)."""
    keys = codes.astype(object).where(codes.notna(), None).tolist()
    reg = registry.positions(level=level, vintage=vintage, codes=keys)[["lon", "lat", "province_code"]]
    return reg.reindex(keys)


def placement_offsets(gdf: gpd.GeoDataFrame, *, level: str, vintage: str, code_column: str = "code") -> pd.Series:
    """Distance (km) from each unit's centroid to the registry centroid of its code (NaN: no code)."""
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    points = gdf.geometry.to_crs(WGS84).representative_point() if len(gdf) else gdf.geometry
    ref = _reference(gdf[code_column], level=level, vintage=vintage)
    km = _haversine_km(points.x.to_numpy(), points.y.to_numpy(), ref["lon"].to_numpy(dtype=float),
                       ref["lat"].to_numpy(dtype=float))
    return pd.Series(km, index=gdf.index)


def _median(km: pd.Series) -> float | None:
    km = km.dropna()
    return round(float(km.median()), 1) if len(km) else None


def best_crs(gdf: gpd.GeoDataFrame, *, read_crs: str, level: str, vintage: str) -> tuple[str | None, float | None]:
    """The candidate CRS that puts the units closest to the registry, with its median offset (km).

    The layer's own coordinates are recovered in ``read_crs`` (the CRS it was
    read with), then read again with each VN-2000 TM-3 zone and each CRS of
    :data:`geo.settings.PLACEMENT_NATIONAL_CRS`.
    """
    from geo.io.boundaries import VN2000_CANDIDATES

    raw = gdf.to_crs(read_crs)
    best: tuple[str | None, float | None] = (None, None)
    for crs in [f"EPSG:{c}" for c in VN2000_CANDIDATES] + list(settings.PLACEMENT_NATIONAL_CRS):
        if crs == read_crs:
            continue
        try:
            moved = raw.set_crs(crs, allow_override=True).to_crs(WGS84)
        except Exception:  # noqa: BLE001 - coordinates outside a CRS's domain: not a candidate
            continue
        if not np.isfinite(moved.total_bounds).all():
            continue
        km = _median(placement_offsets(moved, level=level, vintage=vintage))
        if km is not None and (best[1] is None or km < best[1]):
            best = (crs, km)
    return best


def check_placement(gdf: gpd.GeoDataFrame, *, level: str, vintage: str, province: str | None = None,
                    read_crs: str | None = None, path: str = "?") -> Placement:
    """Refuse a layer whose units are not where their codes say (wrong CRS or zone, or another province).

    Parameters
    ----------
    gdf
        The layer with a ``code`` column (GSO codes, from the file or resolved from names).
    level, vintage
        Of the codes.
    province
        The province asked for; a layer whose units lie in another one is refused.
    read_crs
        The CRS the file was read with (to find the one that fits); None for lon/lat files.
    path
        File name shown in the message.

    Raises
    ------
    GeoError
        ``boundaries_misplaced`` (offset, CRS used, the CRS that fits) or
        ``boundaries_other_province``.
    """
    km = placement_offsets(gdf, level=level, vintage=vintage)
    median = _median(km)
    found = Placement(median_km=median, n=int(km.notna().sum()), crs=read_crs,
                      offsets={str(c): round(float(v), 2) for c, v in zip(gdf["code"], km) if pd.notna(v)})
    if province is not None and found.n:
        ref = _reference(gdf["code"], level=level, vintage=vintage)["province_code"].dropna()
        wanted = registry.normalize_code(province, "province")
        if len(ref) and (ref != wanted).mean() > 0.5:
            other = ref.mode().iloc[0]
            found.other_province = str(other)
            raise GeoError("boundaries_other_province", path=path, province=wanted, found=other)
    if median is None or median <= settings.PLACEMENT_MAX_KM:
        return found
    best, best_km = best_crs(gdf, read_crs=read_crs or WGS84, level=level, vintage=vintage)
    found.best_crs, found.best_km = best, best_km
    if best is not None and best_km is not None and best_km <= settings.PLACEMENT_MAX_KM:
        raise GeoError("boundaries_misplaced", path=path, km=Num(median, 1), crs=read_crs or WGS84, fit=best,
                       fit_km=Num(best_km, 1))
    raise GeoError("boundaries_misplaced_nofit", path=path, km=Num(median, 1), crs=read_crs or WGS84)
