"""Hoàng Sa and Trường Sa drawn at their real place in the East Sea on default boundaries, both vintages."""

from __future__ import annotations

import pytest
import shapely

from geo.units.sovereignty import ARCHIPELAGOS, archipelago_labels, place_archipelagos
from geo.units.tessellation import default_boundaries

EAST = 111.0


@pytest.mark.parametrize("vintage,level,codes", [
    ("pre2025", "district", ["498", "576"]),
    ("pre2025", "commune", ["22736", "22737", "22739"]),
    ("2025", "commune", ["20333", "22736"]),
])
def test_island_units_lie_east_of_111(vintage, level, codes):
    gdf = default_boundaries(province=None, level=level, vintage=vintage)
    rows = gdf[gdf["code"].isin(codes)]
    assert sorted(rows["code"]) == codes
    for geom in rows.geometry:
        assert geom.bounds[0] > EAST and geom.is_valid and not geom.is_empty
    assert rows["source"].str.contains("Natural Earth").all()


@pytest.mark.parametrize("vintage", ["pre2025", "2025"])
def test_national_province_map_draws_both_archipelagos_with_their_province(vintage):
    gdf = default_boundaries(province=None, level="province", vintage=vintage).set_index("code")
    hoang_sa = shapely.Point(112.33, 16.83)  # đảo Phú Lâm
    truong_sa = shapely.Point(114.36, 10.38)  # đảo Ba Bình
    assert gdf.at["48", "geometry"].distance(hoang_sa) < 0.05
    assert gdf.at["56", "geometry"].distance(truong_sa) < 0.05
    assert gdf.at["48", "geometry"].bounds[2] > 112.5 and gdf.at["56", "geometry"].bounds[2] > 115.5
    labels = dict(archipelago_labels(None, vintage=vintage))
    assert set(labels) == {"QĐ. Hoàng Sa (TP. Đà Nẵng)", "QĐ. Trường Sa (Khánh Hòa)"}
    assert all(lon > EAST for lon, _ in labels.values())


def test_mainland_cell_goes_to_a_neighbour_and_the_step_is_idempotent():
    gdf = default_boundaries(province=48, level="district")
    assert gdf[gdf["code"] == "498"].geometry.iloc[0].bounds[0] > EAST
    again = place_archipelagos(gdf, level="district", vintage="pre2025")
    assert again is gdf
    mainland = gdf[gdf["code"] != "498"].union_all()
    # no hole left in Đà Nẵng where the registry put huyện Hoàng Sa (16.05 N, 108.20 E)
    assert mainland.contains(shapely.Point(108.2006, 16.0522))
    assert {a.key for a in ARCHIPELAGOS} == {"hoang_sa", "truong_sa"}
    assert default_boundaries(province=20, level="district")["geometry"].total_bounds[2] < 108.5
