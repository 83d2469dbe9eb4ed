"""Issue 10's "Done when", on the real Lạng Sơn inputs of ../shared (official 2019 district outlines, the GSO list
of the 194 communes): impossible values and a conflicting duplicate, a counts-only commune table ranked by a rate
rule and summed to districts, and the state-farm town written "THỊ TRẤN NT THÁI BÌNH".

Figures are generated (illustrative); units, codes, names and outlines are the real ones.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.cli import main as geo_main
from geo.workflows.layer import build_layer
from tests.analysis.test_checks import BAD

DISTRICTS = "districts_2019_gischinhphu.geojson"


@pytest.fixture(scope="module")
def gso(langson) -> pd.DataFrame:
    return pd.read_csv(langson / "units_gso_20250301.csv", dtype=str)


@pytest.fixture(scope="module")
def counts_table(gso, tmp_path_factory):
    """The 194 GSO communes with households and poor counts only (no rate column), names as the GSO writes them
    except the state-farm town, written the way a district office types it."""
    i = np.arange(len(gso))
    households = 900 + 13 * i
    poor = households * (4 + (i * 7) % 27) // 100
    names = gso["commune_name"].where(gso["commune_code"] != "06616", "THỊ TRẤN NT THÁI BÌNH")
    frame = pd.DataFrame({"STT": i + 1, "Tên xã": names, "Huyện": gso["district_name"], "Tổng số hộ": households,
                          "Số hộ nghèo": poor})
    path = tmp_path_factory.mktemp("real") / "xa_chi_so_ho.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path, households, poor


def test_bad_table_on_the_official_districts(langson, tmp_path):
    table = tmp_path / "huyen_loi.csv"
    BAD.to_csv(table, index=False)
    layer = build_layer(boundaries=langson / DISTRICTS, table=table, province="20", level="district")
    gdf = layer.gdf.set_index("code")
    assert len(gdf) == 11
    checks = layer.build.checks
    assert [(i["row"], i["column"], i["value"], i["reason"]) for i in checks.invalid_values] == [
        (3, "poor", -5, "negative_count"), (4, "poor_rate", 185, "rate_range"),
        (7, "poor", 400, "more_than_households"), (7, "near_poor", 200, "more_than_households"),
        (7, "poor_rate", 80, "more_than_households")]
    assert pd.isna(gdf.at["181", "poor_rate"]) and pd.isna(gdf.at["180", "poor"]) and pd.isna(gdf.at["183", "poor"])
    assert gdf.loc["182", ["households", "poor", "near_poor", "poor_rate"]].isna().all()  # the conflicting unit
    assert (gdf.at["178", "households"], gdf.at["178", "poor"], gdf.at["178", "poor_rate"]) == (1000, 100, 10)
    assert (gdf.at["185", "poor"], gdf.at["184", "poor"], gdf.at["181", "poor"]) == (700, 600, 200)

    # The CLI writes the same: those cells empty in the file, each row named in the report.
    out, report = tmp_path / "out.gpkg", tmp_path / "report.json"
    assert geo_main(["join", "--boundaries", str(langson / DISTRICTS), "--level", "district", "--indicators",
                     str(table), "--out", str(out), "--report", str(report)]) == 0
    written = gpd.read_file(out).set_index("code")
    assert pd.isna(written.at["181", "poor_rate"]) and pd.isna(written.at["182", "households"])
    assert written.at["178", "poor_rate"] == 10
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert [(i["row"], i["column"]) for i in rep["invalid_values"]] == [
        (3, "poor"), (4, "poor_rate"), (7, "poor"), (7, "near_poor"), (7, "poor_rate")]
    assert [c["rows"] for c in rep["conflicts"]] == [[5, 6]]


def test_counts_only_gso_communes_get_a_rate_and_the_farm_town_its_code(gso, counts_table):
    path, households, poor = counts_table
    layer = build_layer(boundaries="default", table=path, province="20", level="commune")
    gdf = layer.gdf.set_index("code").loc[gso["commune_code"]]
    assert gdf["poor_rate"].notna().sum() == 194
    assert gdf["poor_rate"].tolist() == pytest.approx(list(np.round(poor / households * 100, 2)))
    assert layer.build.checks.derived == ["poor_rate"]
    assert gdf.at["06616", "poor"] == poor[gso.index[gso["commune_code"] == "06616"][0]]
    assert gdf.at["06616", "name"] == "Thị trấn Nông trường Thái Bình"
    assert int(gdf["households"].sum()) == int(households.sum())


def test_priority_cli_ranks_it_with_a_rate_rule(gso, counts_table, tmp_path, capsys):
    path, households, poor = counts_table
    rules, out = tmp_path / "rules.yaml", tmp_path / "uu_tien.csv"
    rules.write_text('version: 1\ntiers:\n  - label: "Nhóm 1"\n    when: "poor_rate >= 15"\n', encoding="utf-8")
    assert geo_main(["priority", "--boundaries", "default", "--level", "commune", "--indicators", str(path),
                     "--rules", str(rules), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("Đã xếp hạng 194 đơn vị; 109 đơn vị được chọn (Nhóm 1: 109).")
    ranked = pd.read_csv(out, dtype={"Mã đơn vị": str}, encoding="utf-8-sig")
    rate = np.round(poor / households * 100, 2)
    want = set(gso["commune_code"][rate >= 15])
    assert len(ranked) == 194
    assert set(ranked.loc[ranked["Được chọn"] == "Có", "Mã đơn vị"]) == want
    assert len(want) == 109


def test_at_district_level_the_official_districts_get_their_communes_summed(langson, gso, counts_table):
    path, households, poor = counts_table
    layer = build_layer(boundaries=langson / DISTRICTS, table=path, province="20", level="district")
    sums = pd.DataFrame({"d": gso["district_code"], "h": households, "p": poor}).groupby("d").sum()
    gdf = layer.gdf.set_index("code").loc[sums.index]
    assert len(layer.gdf) == 11 and len(sums) == 11
    assert gdf["households"].astype(int).tolist() == sums["h"].tolist()
    assert gdf["poor"].astype(int).tolist() == sums["p"].tolist()
    assert gdf["poor_rate"].tolist() == pytest.approx(list(np.round(sums["p"] / sums["h"] * 100, 2)))
    assert layer.build.aggregation == []
