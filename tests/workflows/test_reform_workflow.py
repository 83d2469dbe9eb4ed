"""The reform page's choices and views (geo.workflows.reform). Figures are ILLUSTRATIVE, codes are real."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from geo.analysis.reform import conversion_table, convert_indicators
from geo.join.files import BoundaryLayer
from geo.units.tessellation import default_boundaries
from geo.workflows import reform as rf
from geo.workflows.layer import unit_columns

# Kỳ Lừa (06187) is five whole old communes; 06079 is Hồng Phong (06079) and 06094.
TABLE = pd.DataFrame({"code": ["05971", "06187", "06226", "06235", "06244", "06079", "06094"],
                      "households": [100, 200, 300, 400, 500, 50, 70], "poor": [10, 20, 30, 40, 50, 5, 9]})


def test_convertible_tables_are_commune_or_unstated_and_not_yet_2025():
    tables = {"xa.csv": SimpleNamespace(level="commune", vintage="pre2025"),
              "huyen.csv": SimpleNamespace(level="district", vintage="pre2025"),
              "khong_ro.csv": SimpleNamespace(level=None, vintage=None),
              "moi.csv": SimpleNamespace(level="commune", vintage="2025")}
    assert rf.convertible_tables(tables) == ["xa.csv", "khong_ro.csv"]


def test_labels_values_and_download_names():
    conv = convert_indicators(TABLE.assign(poor_rate=TABLE["poor"] / TABLE["households"] * 100), province="20")
    assert rf.new_commune_labels(conv) == {"06187": "Phường Kỳ Lừa (06187)", "06079": "Xã Hồng Phong (06079)"}
    assert rf.preferred_value(["households", "poor", "poor_rate"]) == "poor_rate"
    assert rf.preferred_value(["households", "poor"]) == "households"
    assert rf.preferred_value([]) is None
    assert rf.download_name("Phụ lục/xa_cu.xlsx", "xlsx") == "xa_cu_2025.xlsx"
    assert list(rf.DOWNLOAD_MIMES) == ["csv", "xlsx", "json"]


def test_totals_show_what_an_incomplete_new_commune_withholds():
    conv = convert_indicators(TABLE.drop(index=2), province="20")  # without Hợp Thành (06226)
    view = rf.reform_view(conv, lang="en")
    row = view.totals.set_index("Indicator").loc["Households"]
    assert row.to_dict() == {"Before (old table)": "1,320", "Not converted": "0",
                             "Withheld (new commune incomplete)": "1,200", "After (new communes)": "120",
                             "Preserved": "✓"}
    assert view.summary["incomplete"] == 1


def test_reform_maps_put_both_layers_on_the_same_classes_and_select_the_sources():
    conv = convert_indicators(TABLE, province="20")
    old = BoundaryLayer(gdf=default_boundaries(province="20", level="commune", vintage="pre2025"), level="commune",
                        vintage="pre2025", source="default", approximate=True,
                        columns=unit_columns("commune", "pre2025"))
    new = BoundaryLayer(gdf=default_boundaries(province="20", level="commune", vintage="2025"), level="commune",
                        vintage="2025", source="default", approximate=True, columns=unit_columns("commune", "2025"))
    maps = rf.reform_maps(conv, conversion_table(conv), column="households", province="20", new_province="20",
                          old_boundaries=old, new_boundaries=new, picked="06187", lang="vi")
    assert len(maps.old.gdf) == 194 and len(maps.new.gdf) == 65
    assert maps.new.gdf.set_index("code").at["06187", "households"] == 1500
    assert int(maps.old.gdf["households"].sum()) == int(maps.new.gdf["households"].sum()) == 1620


def test_the_page_and_the_command_check_values_before_converting():
    """ILLUSTRATIVE counts: old Xã Quốc Khánh (06004) has more poor households than households. The Sáp nhập 2025
    page converted the table as read, so new Xã Quốc Khánh summed it (1,677 poor); both now drop it first."""
    import io

    import pandas as pd

    from geo.io.tables import read_indicators
    from geo.units import registry
    from geo.workflows.reform import check_lines, convert_checked

    units = registry.units(province="20", level="commune", vintage="pre2025")
    frame = pd.DataFrame({"Mã xã": units["code"], "Tổng số hộ": 1000, "Số hộ nghèo": 100})
    frame.loc[frame["Mã xã"] == "06004", "Số hộ nghèo"] = 1080
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    table = read_indicators(buf.getvalue(), name="xa_cu.xlsx", level="commune")
    conversion, layer = convert_checked(table, province="20")
    row = conversion.data.set_index("code").loc["06004"]  # = old 06004 + 06016 + 06025
    assert row["households"] == 3000 and pd.isna(row["poor"]) and pd.isna(row["poor_rate"])
    assert conversion.report.blank_values[0]["missing_old"] == [{"code": "06004", "name": "Xã Quốc Khánh"}]
    assert conversion.report.totals["poor"]["after"] == 100 * (194 - 3)  # the three old communes of 06004 withheld
    assert any(line.startswith("1 ô số liệu không thể đúng đã được bỏ") and "dòng 12" in line
               for line in check_lines(layer, lang="vi"))


def test_an_old_commune_with_differing_rows_is_not_called_missing():
    """Xã Đội Cấn (06025) listed twice with different figures: its new commune is no data until a row is chosen,
    and the report says the rows differ instead of asking to add the commune."""
    import io

    import pandas as pd

    from geo.io.tables import read_indicators
    from geo.units import registry
    from geo.workflows.reform import convert_checked

    units = registry.units(province="20", level="commune", vintage="pre2025")
    frame = pd.DataFrame({"Mã xã": units["code"], "Tổng số hộ": 1000, "Số hộ nghèo": 100})
    frame = pd.concat([frame, pd.DataFrame({"Mã xã": ["06025"], "Tổng số hộ": [1200], "Số hộ nghèo": [90]})],
                      ignore_index=True)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    table = read_indicators(buf.getvalue(), name="xa_cu_lap.xlsx", level="commune")
    conversion, _ = convert_checked(table, province="20")
    row = conversion.data.set_index("code").loc["06004"]  # = old 06004 + 06016 + 06025
    assert pd.isna(row["households"]) and pd.isna(row["poor"])
    item = next(i for i in conversion.report.incomplete if i["new_code"] == "06004")
    assert item["missing_old"] == []
    assert item["conflicting_old"] == [{"code": "06025", "name": "Xã Đội Cấn", "rows": [18, 196]}]
    assert item["missing_old_codes"] == ["06025"]
    lines = [line for line in conversion.report.warnings("vi") if "06004" in line]
    assert lines == ["Xã mới 06004 Xã Quốc Khánh không có số liệu: xã cũ 06025 Xã Đội Cấn (18, 196) có nhiều dòng "
                     "khác nhau (số thứ tự dòng trong ngoặc). Chọn một dòng trên trang Dữ liệu, hoặc dùng --prefer "
                     "first/last, để chuyển xã này."]
    # With a row chosen, the new commune is converted.
    conversion, _ = convert_checked(table, province="20", prefer="last")
    assert conversion.data.set_index("code").loc["06004", "households"] == 3200
