"""Value checks at the gate (geo.analysis.checks via the one layer builder): impossible values never reach a map.

Tables are generated here; the figures are illustrative, not real.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.analysis.checks import check_table
from geo.cli import main as geo_main
from geo.units import registry
from geo.workflows.layer import build_layer

# District table of Lạng Sơn with: a 185 % poor rate (row 4), a negative count (row 3), more poor plus
# near-poor than households (row 7), two conflicting rows for Văn Lãng (rows 5 and 6) and one row
# repeated identically (Văn Quan, rows 8 and 9). File rows: header is row 1.
BAD = pd.DataFrame({
    "Mã huyện": ["178", "180", "181", "182", "182", "183", "184", "184", "185"],
    "Tên đơn vị": ["Thành phố Lạng Sơn", "Huyện Tràng Định", "Huyện Bình Gia", "Huyện Văn Lãng", "Huyện Văn Lãng",
                   "Huyện Cao Lộc", "Huyện Văn Quan", "Huyện Văn Quan", "Huyện Bắc Sơn"],
    "Tổng số hộ": [1000, 2000, 3000, 4000, 4100, 500, 6000, 6000, 7000],
    "Số hộ nghèo": [100, -5, 200, 300, 300, 400, 600, 600, 700],
    "Số hộ cận nghèo": [50, 10, 20, 30, 30, 200, 60, 60, 70],
    "Tỷ lệ hộ nghèo (%)": [10, 0, 185, 7.5, 7.32, 80, 10, 10, 10],
})


@pytest.fixture()
def bad_csv(tmp_path):
    path = tmp_path / "huyen_loi.csv"
    BAD.to_csv(path, index=False)
    return path


def test_impossible_values_and_conflicts_are_no_data_and_named(bad_csv):
    layer = build_layer(boundaries="default", table=bad_csv, province="20", level="district")
    gdf = layer.gdf.set_index("code")
    checks = layer.build.checks
    assert [(i["row"], i["column"], i["value"], i["reason"]) for i in checks.invalid_values] == [
        (3, "poor", -5, "negative_count"),
        (4, "poor_rate", 185, "rate_range"),
        (7, "poor", 400, "more_than_households"),
        (7, "near_poor", 200, "more_than_households"),
        (7, "poor_rate", 80, "more_than_households"),
    ]
    assert pd.isna(gdf.at["180", "poor"]) and pd.isna(gdf.at["181", "poor_rate"])
    assert pd.isna(gdf.at["183", "poor"]) and pd.isna(gdf.at["183", "near_poor"]) and pd.isna(gdf.at["183", "poor_rate"])
    # the conflicting unit has no data at all until a row is picked
    assert gdf.loc["182", ["households", "poor", "near_poor", "poor_rate"]].isna().all()
    assert [(c["rows"], c["columns"], c["kept"]) for c in checks.conflicts] == [
        ([5, 6], ["households", "poor_rate"], None)]
    # identical rows merge, with a note
    assert [(m["rows"], m["kept"]) for m in checks.merged] == [([8, 9], 8)]
    assert gdf.at["184", "poor"] == 600
    # good rows are intact
    assert (gdf.at["178", "households"], gdf.at["178", "poor"], gdf.at["178", "poor_rate"]) == (1000, 100, 10)
    assert (gdf.at["185", "poor"], gdf.at["181", "households"], gdf.at["181", "poor"]) == (700, 3000, 200)
    assert gdf.at["180", "near_poor"] == 10
    lines = layer.build.warnings("vi")
    assert lines[0].startswith("5 ô số liệu không thể đúng") and "dòng 4, cột 'Tỷ lệ hộ nghèo (%)' = 185" in lines[0]
    assert lines[1].startswith("1 đơn vị có nhiều dòng khác nhau") and "Huyện Văn Lãng (dòng 5, 6)" in lines[1]


@pytest.mark.parametrize(("prefer", "households"), [("first", 4000), ("last", 4100)])
def test_prefer_picks_a_conflicting_row(bad_csv, prefer, households):
    layer = build_layer(boundaries="default", table=bad_csv, province="20", level="district", prefer=prefer)
    assert layer.gdf.set_index("code").at["182", "households"] == households
    assert layer.build.checks.conflicts[0]["kept"] == (5 if prefer == "first" else 6)


def test_a_planner_pick_wins(bad_csv):
    layer = build_layer(boundaries="default", table=bad_csv, province="20", level="district", picks={"182": 6})
    assert layer.gdf.set_index("code").at["182", "poor_rate"] == pytest.approx(7.32)


def test_cli_join_reports_each_row_and_counts_them(tmp_path, bad_csv, capsys):
    out, report = tmp_path / "out.gpkg", tmp_path / "report.json"
    assert geo_main(["join", "--boundaries", "default", "--level", "district", "--indicators", str(bad_csv),
                     "--out", str(out), "--report", str(report)]) == 0
    captured = capsys.readouterr()
    assert "Kiểm tra số liệu: 5 ô không thể đúng đã bỏ, 1 đơn vị có dòng mâu thuẫn" in captured.out
    assert "dòng 3, cột 'Số hộ nghèo' = -5" in captured.err
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert [(i["row"], i["column"], i["value"]) for i in rep["invalid_values"]][:2] == [(3, "poor", -5),
                                                                                      (4, "poor_rate", 185)]
    assert rep["conflicts"][0]["rows"] == [5, 6]
    gdf = gpd.read_file(out).set_index("code")
    assert pd.isna(gdf.at["181", "poor_rate"]) and gdf.at["178", "poor_rate"] == 10
    out2 = tmp_path / "out2.gpkg"
    assert geo_main(["join", "--boundaries", "default", "--level", "district", "--indicators", str(bad_csv),
                     "--out", str(out2), "--report", str(tmp_path / "r2.json"), "--prefer", "last"]) == 0
    assert gpd.read_file(out2).set_index("code").at["182", "households"] == 4100


def test_rate_jump_is_warned_and_kept():
    df = pd.DataFrame({"code": ["178", "180"], "poor_rate_2020": [10.0, 12.0], "poor_rate_2021": [25.0, 11.0]})
    cleaned, checks = check_table(df)
    assert cleaned["poor_rate_2021"].tolist() == [25.0, 11.0]
    assert checks.implausible == [{"row": 1, "column": "poor_rate_2021", "value": 25, "previous": 10,
                                   "reason": "rate_jump"}]
    assert checks.standards == {"2016-2020": [2020], "2021-2025": [2021]}
    # A table that declares its standard (Kế hoạch 78 plans 2021 "theo chuẩn nghèo giai đoạn 2016–2020") is not flagged.
    assert check_table(df, standard="2016-2020")[1].standards == {}


@pytest.fixture(scope="module")
def counts_only(tmp_path_factory):
    """194 communes with households and poor counts only (illustrative: poor is 5–29 % of households)."""
    reg = registry.units(province="20", level="commune", vintage="pre2025").sort_values("code").reset_index(drop=True)
    i = np.arange(len(reg))
    households = 800 + 11 * i
    poor = (households * (5 + (i % 25)) // 100)
    path = tmp_path_factory.mktemp("counts") / "xa_so_ho.csv"
    pd.DataFrame({"Mã xã": reg["code"], "Tên xã": reg["name"], "Tổng số hộ": households,
                  "Số hộ nghèo": poor}).to_csv(path, index=False)
    return path, reg, households, poor


def test_counts_only_table_gets_poor_rate_on_every_commune(counts_only):
    path, reg, households, poor = counts_only
    layer = build_layer(boundaries="default", table=path, province="20", level="commune")
    gdf = layer.gdf.set_index("code").loc[reg["code"]]
    assert gdf["poor_rate"].notna().sum() == 194
    assert gdf["poor_rate"].tolist() == pytest.approx(list(np.round(poor / households * 100, 2)))
    assert layer.build.checks.derived == ["poor_rate"] and "note.derived_rates" in layer.notes


def test_priority_ranks_a_counts_only_table_with_a_rate_rule(tmp_path, counts_only, capsys):
    path, reg, households, poor = counts_only
    rules, out = tmp_path / "rules.yaml", tmp_path / "uu_tien.csv"
    rules.write_text('version: 1\ntiers:\n  - label: "Nhóm 1"\n    when: "poor_rate >= 15"\n', encoding="utf-8")
    assert geo_main(["priority", "--boundaries", "default", "--level", "commune", "--indicators", str(path),
                     "--rules", str(rules), "--out", str(out)]) == 0, capsys.readouterr().err
    ranked = pd.read_csv(out, dtype={"Mã đơn vị": str}, encoding="utf-8-sig")
    rate = np.round(poor / households * 100, 2)
    want = set(reg["code"][rate >= 15])
    assert set(ranked.loc[ranked["Được chọn"] == "Có", "Mã đơn vị"]) == want
    assert len(want) == int((rate >= 15).sum()) and len(ranked) == 194


def test_the_same_counts_table_at_district_level_sums_its_communes(counts_only):
    path, reg, households, poor = counts_only
    layer = build_layer(boundaries="default", table=path, province="20", level="district")
    frame = pd.DataFrame({"d": reg["district_code"], "h": households, "p": poor}).groupby("d").sum()
    gdf = layer.gdf.set_index("code").loc[frame.index]
    assert len(gdf) == 11
    assert gdf["households"].tolist() == frame["h"].tolist() and gdf["poor"].tolist() == frame["p"].tolist()
    assert gdf["poor_rate"].tolist() == pytest.approx(list(np.round(frame["p"] / frame["h"] * 100, 2)))


def test_a_commune_far_outside_its_district_is_warned_and_kept():
    reg = registry.units(province="20", level="commune", vintage="pre2025").sort_values("code").reset_index(drop=True)
    rates = [10.0 + (i % 5) for i in range(len(reg))]
    odd = reg.index[reg["district_code"] == "181"][0]
    rates[odd] = 95.0
    table = pd.DataFrame({"code": reg["code"], "name": reg["name"], "poor_rate": rates})
    layer = build_layer(boundaries="default", table=table, province="20", level="commune")
    (item,) = layer.build.outliers
    assert (item["code"], item["column"], item["value"], item["group"]) == (reg.at[odd, "code"], "poor_rate", 95, "181")
    assert layer.gdf.set_index("code").at[reg.at[odd, "code"], "poor_rate"] == 95.0


def test_names_of_the_other_vintage_are_warned(langson):
    new = pd.read_csv(langson / "units_gso_2025_new.csv", dtype=str)
    table = pd.DataFrame({"name": new["commune_name"], "poor": range(len(new))})
    layer = build_layer(boundaries="default", table=table, province="20", level="commune", vintage="pre2025")
    assert layer.build.names_vintage == "2025" and "note.names_vintage.2025" in layer.notes
