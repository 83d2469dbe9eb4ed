"""Which columns of an office's boundary file are the unit's code, name and parent."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo.io.boundaries import guess_key_columns
from geo.join.files import load_boundaries
from geo.units import registry


@pytest.mark.parametrize("codes", [["06616", "06601"], [6616, 6601]])
def test_a_generic_commune_code_beside_a_district_code_is_the_units_code(codes):
    import pandas as pd

    frame = pd.DataFrame({"code": codes, "name": ["Thị trấn NT Thái Bình", "Thị trấn Đình Lập"],
                          "district_code": ["189", "189"], "district_name": ["Huyện Đình Lập"] * 2})
    assert guess_key_columns(frame) == {"code": "code", "name": "name", "parent_code": "district_code",
                                        "parent_name": "district_name", "level": "commune"}


def test_a_generic_district_code_with_a_province_column_stays_at_district_level():
    import pandas as pd

    frame = pd.DataFrame({"code": ["189"], "name": ["Huyện Đình Lập"], "province_code": ["20"]})
    assert guess_key_columns(frame)["level"] == "district"
    assert guess_key_columns(frame)["code"] == "code"


def test_commune_file_with_code_and_district_code_loads_communes_by_their_own_codes(tmp_path):
    units = registry.units(province=20, level="commune")
    gdf = gpd.GeoDataFrame(
        {"code": units["code"], "name": units["name"], "district_code": units["district_code"],
         "district_name": units["district_name"]},
        geometry=gpd.points_from_xy(units["lon"], units["lat"]).buffer(0.01), crs=4326)
    path = tmp_path / "xa.geojson"
    gdf.to_file(path, driver="GeoJSON")
    layer = load_boundaries(path, province="20", level="district")
    assert layer.level == "commune"
    assert layer.columns["code"] == "code" and layer.columns["parent_code"] == "district_code"
    assert sorted(layer.gdf["code"].astype(str)) == sorted(units["code"])
