"""A unit stored as several features (an island, a detached piece) is one unit with all its parts."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from geo.join.files import load_boundaries
from geo.workflows.layer import build_layer


def _write(tmp_path, names):
    gdf = gpd.GeoDataFrame({"MaHuyen": ["180", "180", "181"], "TenHuyen": names},
                           geometry=[box(106.3, 22.2, 106.4, 22.3), box(106.5, 22.2, 106.6, 22.3),
                                     box(106.4, 21.9, 106.6, 22.1)], crs=4326)
    path = tmp_path / "huyen.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def test_features_sharing_a_code_and_a_name_are_merged_into_one_unit(tmp_path):
    path = _write(tmp_path, ["Huyện Tràng Định", "Huyện Tràng Định", "Huyện Bình Gia"])
    layer = load_boundaries(path, province="20", level="district")
    assert layer.gdf["MaHuyen"].tolist() == ["180", "181"]
    assert layer.gdf.geometry.iloc[0].geom_type == "MultiPolygon"
    assert round(layer.gdf.geometry.iloc[0].area, 6) == 0.02
    note = layer.read_report["warnings"][-1]
    assert (note["code"], note["vi"]) == ("parts_merged", "2 đối tượng trong tệp là các mảnh của 1 đơn vị (cùng mã, "
                                                          "cùng tên); mỗi đơn vị đã được gộp thành một.")
    joined = build_layer(boundaries=layer, table="langson_kh78_2021", province="20")
    assert joined.gdf.set_index("code").at["180", "poor_rate_2020"] == 8.51
    assert joined.report.summary()["unmatched_boundaries"] == 0


def test_a_code_under_two_names_is_left_for_the_join_to_report(tmp_path):
    path = _write(tmp_path, ["Huyện Tràng Định", "Huyện Văn Lãng", "Huyện Bình Gia"])
    layer = load_boundaries(path, province="20", level="district")
    assert layer.gdf["MaHuyen"].tolist() == ["180", "180", "181"]
