"""What the reader set aside reaches the planner; a table of the other vintage is never joined by code."""

from __future__ import annotations

import json

import pandas as pd

from geo.io.tables import read_indicators
from geo.units import registry
from geo.workflows.layer import build_layer


def test_cells_that_are_no_number_are_listed_with_their_row_and_column():
    text = ("Mã xã,Tên xã,Tổng số hộ,Số hộ nghèo\n"
            "05971,Phường Hoàng Văn Thụ,1000,50\n"
            "05974,Phường Tam Thanh,1200,không có\n")
    table = read_indicators(text.encode("utf-8"), name="xa.csv")
    layer = build_layer(boundaries="default", table=table, province="20", level="commune")
    (line, *_) = layer.build.warnings("vi")
    assert line == ("1 điều cần xem khi đọc bảng: Dòng 3, cột 'Số hộ nghèo': "
                    "'không có' không phải là số; để trống.")
    assert layer.to_dict()["read_warnings"] == [
        {"code": "bad_number", "row": 3, "column": "Số hộ nghèo", "detail": "không có"}]
    json.dumps(layer.to_dict())  # the CLI writes it as the report
    gdf = layer.gdf.set_index("code")
    assert gdf.at["05971", "poor"] == 50 and pd.isna(gdf.at["05974", "poor"])


def test_a_2025_table_by_code_is_not_put_on_the_old_communes():
    new = registry.units(province="20", level="commune", vintage="2025")
    table = pd.DataFrame({"code": new["code"], "name": new["name"], "poor_rate": [5.0] * len(new)})
    old = build_layer(boundaries="default", table=table, province="20", level="commune", vintage="pre2025")
    assert old.build.table_vintage == "2025" and old.build.names_vintage == "2025"
    assert "note.other_vintage.2025" in old.notes
    assert old.gdf["poor_rate"].notna().sum() == 0  # formerly 65 old communes coloured by the new codes
    on_2025 = build_layer(boundaries="default", table=table, province="20", level="commune", vintage="2025")
    assert on_2025.gdf["poor_rate"].notna().sum() == len(new) == 65


def test_rates_scaled_from_fractions_are_noted():
    reg = registry.units(province="20", level="commune", vintage="pre2025").head(4)
    table = pd.DataFrame({"code": reg["code"], "households": [1000, 800, 500, 250], "poor": [85, 40, 50, 5],
                          "poor_rate": [0.085, 0.05, 0.1, 0.02]})
    layer = build_layer(boundaries="default", table=table, province="20", level="commune")
    assert "note.rates_scaled" in layer.notes
    assert layer.gdf.set_index("code").loc[reg["code"], "poor_rate"].tolist() == [8.5, 5.0, 10.0, 2.0]
    assert layer.report.inconsistent == []
