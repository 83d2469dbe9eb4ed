"""Boundary files as other offices make them (generated here): latitude first, names without codes."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely

from geo.io.boundaries import guess_key_columns, read_boundaries
from geo.join.files import load_boundaries
from geo.units import registry


def _communes() -> gpd.GeoDataFrame:
    units = registry.units(province=20, level="commune").sort_values("code").reset_index(drop=True)
    return gpd.GeoDataFrame({"TEN": units["name"], "HUYEN": units["district_name"], "code": units["code"]},
                            geometry=gpd.points_from_xy(units["lon"], units["lat"]).buffer(0.01), crs=4326)


def test_a_geojson_written_latitude_first_is_read_with_its_axes_swapped(tmp_path):
    gdf = _communes().head(3)
    features = [{"type": "Feature", "properties": {"code": code},
                 "geometry": json.loads(shapely.to_geojson(shapely.transform(g, lambda xy: xy[:, ::-1])))}
                for code, g in zip(gdf["code"], gdf.geometry)]
    path = tmp_path / "xa_latlon.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    read, report = read_boundaries(path)
    assert [n.code for n in report.warnings] == ["axes_swapped"]
    assert report.crs_used == "EPSG:4326"
    first = gdf.geometry.iloc[0].centroid
    assert read.geometry.iloc[0].centroid.distance(first) < 1e-9  # lon 106.76, lat 21.87 again
    assert 106 < read.total_bounds[0] < 108 and 21 < read.total_bounds[1] < 23


def test_a_generic_name_beside_a_repeated_district_name_is_a_commune_layer(tmp_path):
    gdf = _communes().drop(columns="code")
    assert guess_key_columns(gdf) == {"code": None, "name": "TEN", "parent_code": None, "parent_name": "HUYEN",
                                      "level": "commune"}
    path = tmp_path / "xa.geojson"
    gdf.to_file(path, driver="GeoJSON")
    layer = load_boundaries(path, province="20", level="commune")
    assert layer.level == "commune" and len(layer.gdf) == 194
    assert layer.resolution["matched"] == 194


def test_a_district_layer_with_a_province_name_stays_at_district_level():
    frame = pd.DataFrame({"ten": ["Huyện Tràng Định", "Huyện Bình Gia"], "tinh": ["Lạng Sơn", "Lạng Sơn"],
                          "huyen": ["Huyện Tràng Định", "Huyện Bình Gia"]})
    assert guess_key_columns(frame)["level"] == "district"


def _two_layer_gpkg(tmp_path):
    units = registry.units(province=20, level="commune").sort_values("code").head(6)
    communes = gpd.GeoDataFrame({"ma_xa": units["code"].tolist(), "ten_xa": units["name"].tolist()},
                                geometry=gpd.points_from_xy(units["lon"], units["lat"]).buffer(0.005), crs=4326)
    districts = gpd.GeoDataFrame({"MaHuyen": ["178", "180"], "TenHuyen": ["Thành phố Lạng Sơn", "Huyện Tràng Định"]},
                                 geometry=[communes.geometry.iloc[0].buffer(0.02), communes.geometry.iloc[5].buffer(0.02)],
                                 crs=4326)
    path = tmp_path / "ranh_gioi.gpkg"
    districts.to_file(path, layer="huyen", driver="GPKG")
    communes.to_file(path, layer="xa", driver="GPKG")
    return path


def test_a_geopackage_of_districts_and_communes_gives_the_layer_of_the_chosen_level(tmp_path):
    path = _two_layer_gpkg(tmp_path)
    communes = load_boundaries(path, province="20", level="commune")
    assert communes.level == "commune" and len(communes.gdf) == 6
    assert [w["code"] for w in communes.read_report["warnings"]] == ["layer_chosen_level"]
    districts = load_boundaries(path, province="20", level="district")
    assert districts.level == "district" and sorted(districts.gdf["MaHuyen"]) == ["178", "180"]


def test_a_geopackage_without_a_layer_of_the_level_says_what_to_do(tmp_path):
    import pytest

    from geo._errors import GeoError

    path = _two_layer_gpkg(tmp_path)
    with pytest.raises(GeoError) as caught:
        read_boundaries(path, level="province")
    assert caught.value.code == "layer_ambiguous_level"
    assert "huyen, xa" in caught.value.message("vi") and "Huyện/Xã" in caught.value.message("vi")
