"""A national layer that draws Hoàng Sa and Trường Sa is in Viet Nam (its box spans the East Sea), issue 13."""

from __future__ import annotations

import pytest
import shapely

from geo._errors import GeoError
from geo.io.boundaries import read_boundaries
from geo.units.tessellation import default_boundaries


def test_national_layer_with_the_archipelagos_is_read(tmp_path):
    gdf = default_boundaries(province=None, level="province", vintage="pre2025")[["code", "name", "geometry"]]
    assert gdf.total_bounds[2] > 115  # Trường Sa's islands, east of 115° E
    path = tmp_path / "tinh.gpkg"
    gdf.to_file(path)
    read, _ = read_boundaries(path, province=None)
    assert len(read) == 63
    assert read.total_bounds[2] > 115


def test_a_layer_elsewhere_is_still_refused(tmp_path):
    gdf = default_boundaries(province=None, level="province", vintage="pre2025")[["code", "name", "geometry"]]
    gdf["geometry"] = shapely.transform(gdf.geometry.values, lambda xy: xy + (20.0, 0.0))
    path = tmp_path / "xa_lech.gpkg"
    gdf.to_file(path)
    with pytest.raises(GeoError) as exc:
        read_boundaries(path, province=None)
    assert exc.value.code == "crs_out_of_vietnam"
