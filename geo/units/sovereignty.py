"""Quần đảo Hoàng Sa and Quần đảo Trường Sa: drawn at their real place, labelled with their province.

The registry (``vintage="pre2025"``) places huyện Hoàng Sa (GSO 498) at the centre of Đà Nẵng and huyện Trường
Sa (576, with its three communes 22736, 22737, 22739) on the Khánh Hòa coast, so a map built from its centroids
draws them on the mainland. Vietnamese official maps draw both archipelagos in the East Sea, labelled with the
province they belong to. This module is that correction, kept with its sources like the crosswalk's registry
errata: :data:`ARCHIPELAGOS` says which codes are concerned, and :func:`place_archipelagos` is a post-step on any
boundary layer (default boundaries call it) that moves their geometry to the islands.

- Huyện Hoàng Sa belongs to thành phố Đà Nẵng (Nghị định 07/CP ngày 09/12/1982 thành lập huyện Hoàng Sa thuộc
  tỉnh Quảng Nam – Đà Nẵng; thuộc thành phố Đà Nẵng từ 1997); from 01/07/2025 đặc khu Hoàng Sa (20333).
- Huyện Trường Sa belongs to tỉnh Khánh Hòa (Nghị quyết của Quốc hội ngày 28/12/1982 sáp nhập huyện Trường Sa
  vào tỉnh Phú Khánh, nay là Khánh Hòa); from 01/07/2025 đặc khu Trường Sa (22736).
- Island outlines: Natural Earth 1:10m (public domain, :mod:`geo.units.border`), grown by
  :data:`ISLAND_SYMBOL_DEG` so that they can be seen at the scale of a national map, as official small-scale maps
  draw them. Đảo Trường Sa Lớn (thị trấn Trường Sa), absent from Natural Earth, is a symbol at its coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from geo.units.border import ATTRIBUTION, archipelago_islands

__all__ = ["ARCHIPELAGOS", "Archipelago", "ISLAND_SYMBOL_DEG", "EAST_OF_DEG", "place_archipelagos",
           "archipelago_labels", "archipelago_geometry"]

ISLAND_SYMBOL_DEG = 0.03  # ~3 km: islands grown to a visible symbol on a national map
EAST_OF_DEG = 110.5  # every island of both archipelagos lies east of this meridian; the mainland west of it


@dataclass(frozen=True)
class Archipelago:
    """One archipelago: its codes in each vintage and level, and the points of its communes."""

    key: str
    name: str
    province_name: str
    province_short: str
    codes: dict  # (vintage, level) -> code
    label_point: tuple[float, float]
    source: str
    commune_seeds: dict = field(default_factory=dict)  # pre2025 commune code -> (lon, lat) of its main island
    extra_islands: tuple = ()  # (lon, lat) of islands Natural Earth does not have


ARCHIPELAGOS: tuple[Archipelago, ...] = (
    Archipelago(
        key="hoang_sa", name="Quần đảo Hoàng Sa", province_name="Thành phố Đà Nẵng", province_short="TP. Đà Nẵng",
        codes={("pre2025", "province"): "48", ("pre2025", "district"): "498", ("2025", "province"): "48",
               ("2025", "commune"): "20333"},
        label_point=(112.0, 15.45),
        source="Nghị định 07/CP ngày 09/12/1982 (huyện Hoàng Sa); đặc khu Hoàng Sa từ 01/07/2025. " + ATTRIBUTION,
    ),
    Archipelago(
        key="truong_sa", name="Quần đảo Trường Sa", province_name="Tỉnh Khánh Hòa", province_short="Khánh Hòa",
        codes={("pre2025", "province"): "56", ("pre2025", "district"): "576", ("2025", "province"): "56",
               ("2025", "commune"): "22736"},
        label_point=(114.9, 9.05),
        source="Nghị quyết của Quốc hội ngày 28/12/1982 (huyện Trường Sa thuộc Phú Khánh, nay Khánh Hòa); đặc khu "
               "Trường Sa từ 01/07/2025. " + ATTRIBUTION,
        commune_seeds={"22736": (111.920, 8.645), "22737": (114.333, 11.429), "22739": (114.329, 9.883)},
        extra_islands=((111.920, 8.645),),  # đảo Trường Sa Lớn
    ),
)


def archipelago_geometry(key: str) -> shapely.MultiPolygon:
    """The archipelago's islands as drawn: Natural Earth outlines plus missing islands, grown to a symbol."""
    arch = next(a for a in ARCHIPELAGOS if a.key == key)
    parts = list(shapely.get_parts(archipelago_islands(key)))
    parts += [shapely.Point(xy) for xy in arch.extra_islands]
    grown = shapely.buffer(np.asarray(parts, dtype=object), ISLAND_SYMBOL_DEG, quad_segs=4)
    merged = shapely.union_all(grown)
    return shapely.MultiPolygon(list(shapely.get_parts(merged)))


def _mainland_part(geom) -> shapely.Geometry:
    return shapely.intersection(geom, shapely.box(-180, -90, EAST_OF_DEG, 90))


def _give_to_neighbour(gdf: gpd.GeoDataFrame, idx, piece) -> None:
    """Hand a misplaced mainland piece to the same-province unit that shares most of its edge."""
    if piece.is_empty or piece.area == 0:
        return
    prov = gdf.at[idx, "province_code"] if "province_code" in gdf else None
    others = gdf.index[(gdf.index != idx) & ((gdf["province_code"] == prov) if prov is not None else True)]
    best, best_len = None, 0.0
    edge = piece.boundary
    for j in others:
        g = gdf.at[j, "geometry"]
        if g is None or not g.intersects(piece.buffer(1e-9)):
            continue
        shared = shapely.intersection(edge, g.boundary.buffer(1e-7)).length
        if shared > best_len:
            best, best_len = j, shared
    if best is not None:
        gdf.at[best, "geometry"] = shapely.make_valid(shapely.union(gdf.at[best, "geometry"], piece))


def place_archipelagos(gdf: gpd.GeoDataFrame, *, level: str, vintage: str) -> gpd.GeoDataFrame:
    """The layer with Hoàng Sa and Trường Sa moved to their islands (EPSG:4326 in, EPSG:4326 out).

    Province rows of Đà Nẵng and Khánh Hòa gain the islands; the island districts and communes get the islands
    as their geometry, and the mainland cell the registry's centroid gave them goes to their neighbour of the
    same province. Rows already in place are left alone, so calling it twice changes nothing.
    """
    if gdf is None or len(gdf) == 0 or "code" not in gdf:
        return gdf
    out = gdf.copy()
    codes = out["code"].astype(str)
    changed = False
    for arch in ARCHIPELAGOS:
        islands = None
        code = arch.codes.get((vintage, level))
        targets = {}
        if code is not None and (codes == code).any():
            targets[code] = None
        if level == "commune" and vintage == "pre2025":
            targets.update({c: xy for c, xy in arch.commune_seeds.items() if (codes == c).any()})
        for code, seed in targets.items():
            idx = out.index[codes == code][0]
            geom = out.at[idx, "geometry"]
            islands = archipelago_geometry(arch.key) if islands is None else islands
            if level == "province":
                if geom is not None and shapely.covers(geom, islands):
                    continue
                out.at[idx, "geometry"] = shapely.union(geom, islands) if geom is not None else islands
            else:
                mine = islands
                if seed is not None:  # one archipelago, several communes: islands nearest to each commune's own
                    seeds = arch.commune_seeds
                    pts = {c: shapely.Point(xy) for c, xy in seeds.items()}
                    parts = [p for p in shapely.get_parts(islands)
                             if min(pts, key=lambda c: p.distance(pts[c])) == code]
                    mine = shapely.MultiPolygon(parts)
                if geom is not None and _mainland_part(geom).is_empty and shapely.covers(geom, mine):
                    continue
                if geom is not None:
                    _give_to_neighbour(out, idx, _mainland_part(geom))
                out.at[idx, "geometry"] = mine
            if "source" in out:
                out.at[idx, "source"] = f"{out.at[idx, 'source'] or ''}; {arch.name}: {arch.source}".lstrip("; ")
            changed = True
    return gpd.GeoDataFrame(out, geometry="geometry", crs=gdf.crs) if changed else gdf


def archipelago_labels(province_codes, *, vintage: str, lang: str = "vi") -> list[tuple[str, tuple[float, float]]]:
    """``[(label, (lon, lat))]`` for the archipelagos of the given provinces (all when None).

    The label names the province, as official maps do: "QĐ. Hoàng Sa (TP. Đà Nẵng)".
    """
    wanted = None if province_codes is None else {str(c) for c in province_codes}
    out = []
    for arch in ARCHIPELAGOS:
        prov = arch.codes[(vintage, "province")]
        if wanted is not None and prov not in wanted:
            continue
        short = arch.name.replace("Quần đảo", "QĐ.")
        if lang != "vi":
            short = short.replace("QĐ. ", "") + " Is."
        out.append((f"{short} ({arch.province_short})", arch.label_point))
    return out
