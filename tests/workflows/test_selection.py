"""Map clicks and the selected units' side table (geo.workflows.selection)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from geo.workflows.selection import clicked_unit, selection_rows


def _units():
    return gpd.GeoDataFrame(
        {"code": ["06250", "06253"], "name": ["Xã *A*", "Xã B"], "district_name": ["Văn Lãng", "Văn Lãng"],
         "poor_rate_2020": [12.5, np.nan], "source_file": ["xa.csv", "xa.csv"], "source_row": [4, np.nan]},
        geometry=[box(106.0, 21.0, 106.5, 21.5), box(106.5, 21.0, 107.0, 21.5)], crs=4326)


def test_a_clicked_feature_or_the_unit_under_the_clicked_point():
    assert clicked_unit({"last_active_drawing": {"properties": {"code": "06253"}}, "last_clicked": None}) == \
        ("06253", ("06253", None, None))
    assert clicked_unit({"last_clicked": {"lat": 21.2, "lng": 106.7}}, _units()) == ("06253", (
        "06253", 21.2, 106.7))
    assert clicked_unit({"last_clicked": {"lat": 22.9, "lng": 106.7}}, _units()) is None  # outside every unit
    assert clicked_unit({"last_clicked": {"lat": 21.2, "lng": 106.7}}) is None  # no units to look in
    assert clicked_unit(None) is None


def test_side_table_escapes_names_and_formats_values_and_sources():
    got = selection_rows(_units(), {"06250", "06253"}, "poor_rate_2020", "vi")
    assert list(got.columns) == ["Mã", "Tên đơn vị", "Huyện", "Giá trị", "Nguồn (tệp, dòng)"]
    assert got.iloc[0].tolist() == ["06250", r"Xã \*A\*", "Văn Lãng", "12,50%", r"xa\.csv, 4"]
    assert got.iloc[1, 4] == ""
    en = selection_rows(_units(), {"06250"}, None, "en")
    assert list(en.columns) == ["Code", "Unit", "District", "Source (file, row)"]
