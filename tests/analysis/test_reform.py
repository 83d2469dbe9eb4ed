"""The 2025 reform: old (194) → new (65) communes of Lạng Sơn, by code.

Figures in these tests are ILLUSTRATIVE (random counts with a fixed seed), not
official data; the codes, names and links are the real ones.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo import GeoError

from geo.units import registry
from geo.cli import main
from geo.analysis.reform import (
    _largest_remainder,
    convert_designations,
    convert_indicators,
    new_boundaries_from_old,
    sources_of,
)
from geo.io.weights import read_weights
from geo.units.crosswalk import links

PROVINCE = 20
SEED = 20250701
SPLIT_OLD = {"06622": ["06613", "06625"], "06625": ["06625", "06637"]}  # Bính Xá, Kiên Mộc (Đình Lập)
ERRATUM = ("06079", "06184")  # Hồng Phong (Bình Gia) -> Đồng Đăng: in the package, not in the law


@pytest.fixture(scope="module")
def old_units() -> pd.DataFrame:
    return registry.units(province=PROVINCE, level="commune", vintage="pre2025")


@pytest.fixture(scope="module")
def illustrative(old_units) -> pd.DataFrame:
    """ILLUSTRATIVE counts for the 194 old communes (seeded), with rates consistent with them."""
    rng = np.random.default_rng(SEED)
    households = rng.integers(300, 4000, len(old_units))
    poor = (households * rng.uniform(0.01, 0.45, len(old_units))).astype(int)
    near_poor = (households * rng.uniform(0.01, 0.2, len(old_units))).astype(int)
    return pd.DataFrame({
        "source_row": np.arange(len(old_units)) + 2,
        "code": old_units["code"].to_numpy(),
        "name": old_units["name"].to_numpy(),
        "households_2024": households,
        "poor_2024": poor,
        "poor_rate_2024": poor / households * 100,
        "near_poor_2024": near_poor,
        "near_poor_rate_2024": near_poor / households * 100,
        "poor_rate_reduced_2024": rng.uniform(0, 3, len(old_units)),  # points: cannot be recomputed
    })


@pytest.fixture(scope="module")
def converted(illustrative):
    return convert_indicators(illustrative, province=PROVINCE)


# ---------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------
def test_194_communes_become_65_with_exact_totals(converted, illustrative):
    data, report = converted.data, converted.report
    assert len(data) == 65
    assert set(data["code"]) == set(registry.units(province=PROVINCE, vintage="2025")["code"])
    assert data["code"].str.len().eq(5).all() and data["name"].notna().all()
    for col in ("households_2024", "poor_2024", "near_poor_2024"):
        assert data[col].dtype == "int64"
        assert int(data[col].sum()) == int(illustrative[col].sum())
        assert report.totals[col]["preserved"] and report.totals[col]["unmapped"] == 0
    assert data["n_sources"].sum() == 196  # 194 old communes, two of them counted twice
    assert sorted(set(",".join(data["source_codes"]).split(","))) == sorted(illustrative["code"])
    assert data["complete"].all()


def test_rates_are_recomputed_not_averaged(converted):
    data = converted.data
    for rate, count in (("poor_rate_2024", "poor_2024"), ("near_poor_rate_2024", "near_poor_2024")):
        # Exactly the converted counts over the converted households, unrounded.
        assert data[rate].tolist() == (data[count] / data["households_2024"] * 100).tolist()
    assert "poor_rate_reduced_2024" not in data
    assert converted.report.dropped_rates[0]["column"] == "poor_rate_reduced_2024"
    # A merged unit's rate differs from the mean of its sources' rates (it is weighted by households).
    kl = data.set_index("code").loc["06187"]
    assert kl["n_sources"] == 5


def test_split_units_are_allocated_and_reported(converted, illustrative):
    data, report = converted.data.set_index("code"), converted.report
    assert sorted(data.index[data["partial"]]) == ["06613", "06625", "06637"]
    assert {s["old_code"] for s in report.splits} == set(SPLIT_OLD)
    old = illustrative.set_index("code")
    for item in report.splits:
        for col in ("households_2024", "poor_2024"):
            parts = [tg["allocated"][col] for tg in item["targets"]]
            assert all(float(p).is_integer() for p in parts)
            assert sum(parts) == old.at[item["old_code"], col] == item["values"][col]
            for tg in item["targets"]:  # largest remainder: within one of the exact share
                assert abs(tg["allocated"][col] - old.at[item["old_code"], col] * tg["weight"]) < 1
    # Châu Sơn (06637) = its four whole old communes + its share of Kiên Mộc (06625).
    lk = links(province=PROVINCE)
    whole = lk[(lk["new_code"] == "06637") & (lk["n_targets"] == 1)]["old_code"]
    kien_moc = next(s for s in report.splits if s["old_code"] == "06625")
    share = next(tg for tg in kien_moc["targets"] if tg["new_code"] == "06637")["allocated"]["households_2024"]
    assert data.at["06637", "households_2024"] == old.loc[whole, "households_2024"].sum() + share
    src = report.sources
    assert len(src) == 196 and set(src.columns) >= {"new_code", "old_code", "weight", "old_name", "old_district_name"}
    assert src.loc[src["old_code"] == "06079", "new_code"].tolist() == ["06079"]


def test_unmapped_duplicate_and_missing_rows_are_reported(illustrative):
    table = illustrative.head(20).copy()
    extra = pd.DataFrame({"source_row": [90, 91, 92], "code": [None, "99999", table["code"].iloc[0]],
                          "name": ["Cộng", "Xã Không Có", "lặp"], "households_2024": [5000, 7, 11],
                          "poor_2024": [1, 1, 1]})
    table = pd.concat([table, extra], ignore_index=True)
    table["code"] = table["code"].astype(object)
    table.loc[0, "code"] = int(table.loc[0, "code"])  # Excel dropped the leading zero
    result = convert_indicators(table, province=PROVINCE)
    reasons = {u["row"]: u["reason"] for u in result.report.unmapped}
    assert reasons == {90: "no_code", 91: "not_in_mapping", 92: "duplicate"}
    tot = result.report.totals["households_2024"]
    assert tot["preserved"] and tot["unmapped"] == 5000 + 7 + 11
    assert tot["before"] - tot["unmapped"] - tot["incomplete"] == tot["after"]
    assert tot["after"] == result.data["households_2024"].sum()
    assert not result.data["complete"].all()
    assert result.data.loc[~result.data["complete"], "households_2024"].isna().all()
    incomplete = {i["new_code"]: i["missing_old_codes"] for i in result.report.incomplete}
    lk = links(province=PROVINCE)
    for new, missing in incomplete.items():
        expected = set(lk.loc[lk["new_code"] == new, "old_code"]) - set(illustrative.head(20)["code"])
        assert set(missing) == expected
    assert any("99999" in w for w in result.report.warnings("en"))


def test_side_by_side_sources_of_a_new_commune(converted):
    table = sources_of("06625", conversion=converted)
    assert table["code"].tolist() == ["06619", "06622", "06625"]  # Bắc Xa whole, parts of Bính Xá and Kiên Mộc
    assert table["district_name"].eq("Huyện Đình Lập").all()
    assert table["split"].tolist() == [False, True, True]
    new = converted.data.set_index("code").loc["06625"]
    assert table["households_2024_allocated"].sum() == new["households_2024"]
    bare = sources_of(6625, province=PROVINCE)
    assert bare["code"].tolist() == table["code"].tolist() and not bare["in_input"].any()


# ---------------------------------------------------------------------------
# Weights files
# ---------------------------------------------------------------------------
def test_weights_file_overrides_the_area_share(tmp_path, illustrative):
    path = tmp_path / "trong_so.csv"
    path.write_text("old_code,new_code,weight\n6622,06613,\"0,5\"\n06622,06625,0.5\n06625,06625,1\n", encoding="utf-8")
    weights = read_weights(path, province=PROVINCE)
    assert weights.groupby("old_code")["weight"].sum().tolist() == [1.0, 1.0]
    result = convert_indicators(illustrative, province=PROVINCE, weights=path)
    assert result.report.weights_source == "trong_so.csv"
    binh_xa = next(s for s in result.report.splits if s["old_code"] == "06622")
    assert [tg["weight"] for tg in binh_xa["targets"]] == [0.5, 0.5]
    assert binh_xa["weight_method"] == "file"
    # Kiên Mộc wholly to 06625: no longer split, Châu Sơn gets nothing of it.
    assert {s["old_code"] for s in result.report.splits} == {"06622"}
    assert result.data.set_index("code").at["06637", "partial"] == False  # noqa: E712
    assert result.data["households_2024"].sum() == illustrative["households_2024"].sum()


def test_only_old_to_new_is_supported(illustrative):
    with pytest.raises(GeoError) as err:
        convert_indicators(illustrative, from_vintage="2025", to_vintage="pre2025")
    assert err.value.code == "convert_direction"


# ---------------------------------------------------------------------------
# Designations
# ---------------------------------------------------------------------------
def _crosswalk(langson) -> pd.DataFrame:
    return pd.read_csv(langson / "crosswalk_2025_old_to_new.csv", dtype=str)


def _atk_codes(langson, old_units) -> dict[str, str]:
    """The four central ATK communes of 2021, found by name and type in Bắc Sơn district (185)."""
    atk = pd.read_csv(langson / "atk_2021.csv", dtype=str)
    atk = atk[atk["status"].str.startswith("Xã An toàn khu")]
    bac_son = old_units[old_units["district_code"] == "185"]
    codes = {}
    for rec in atk.to_dict("records"):
        hit = bac_son[bac_son["name"] == f"{rec['unit_type']} {rec['commune']}"]
        assert len(hit) == 1, rec
        codes[hit["code"].iloc[0]] = hit["name"].iloc[0]
    return codes


def test_atk_communes_land_in_the_right_new_communes(langson, old_units):
    codes = _atk_codes(langson, old_units)
    assert sorted(codes) == ["06325", "06328", "06358", "06364"]  # TT Bắc Sơn, Long Đống, Chiêu Vũ, Chiến Thắng
    table = convert_designations(pd.DataFrame({"code": list(codes), "type": "atk"}), province=PROVINCE)
    got = table.set_index("code")
    assert sorted(got.index) == ["06325", "06364", "06367"]
    assert got.at["06325", "designated_codes"] == "06325,06328" and got.at["06325", "n_former"] == 3
    assert got.at["06325", "text"] == "2/3 xã cũ là xã an toàn khu (ATK)"
    assert got.at["06367", "designated_codes"] == "06358" and got.at["06367", "n_former"] == 4  # Vũ Lăng
    assert got.at["06364", "designated_codes"] == "06364" and got.at["06364", "n_former"] == 3  # Vũ Lễ
    assert not got["full"].any()
    # Same answer from the crosswalk file.
    cw = _crosswalk(langson).set_index("old_commune_code")["new_commune_code"]
    assert {cw[c] for c in codes} == set(got.index)
    assert registry.old_to_new(province=PROVINCE).set_index("old_code").loc[list(codes), "new_code"].tolist() == [
        cw[c] for c in codes]


def test_designations_follow_codes_through_splits_and_full_coverage():
    lk = links(province=PROVINCE)
    hong_phong = lk.loc[lk["new_code"] == "06079", "old_code"].tolist()  # 06079, 06094
    table = pd.DataFrame({"code": ["06622", *hong_phong, "99999"], "type": "border",
                          "vintage": "pre2025", "level": "commune"})
    table = pd.concat([table, pd.DataFrame({"code": ["06613"], "type": ["border"], "vintage": ["2025"],
                                            "level": ["commune"]})], ignore_index=True)
    got = convert_designations(table, province=PROVINCE, lang="en").set_index("code")
    assert sorted(got.index) == ["06079", "06613", "06625"]  # Bính Xá counts for both its targets
    assert got.at["06079", "full"] and got.at["06079", "text"] == "2 of 2 former communes were border communes"
    assert got.at["06625", "text"] == "1 of 3 former communes were border communes"
    vi = convert_designations(table, province=PROVINCE).set_index("code")
    assert vi.at["06613", "text"] == "1/3 xã cũ là xã biên giới"
    assert [u["code"] for u in got.attrs["unmapped"]] == ["99999"]
    assert got.attrs["ignored"] == [{"code": "06613", "type": "border"}]


def test_designation_set_with_manual_untag():
    from geo.units import designations
    tags = designations.DesignationSet((
        designations.Designation(type="atk", code="06364", origin="builtin"),
        designations.Designation(type="atk", code="6358", origin="builtin"),
        designations.Designation(type="atk", code="06358", origin="manual", action="untag", note="kiểm tra"),
        designations.Designation(type="border", code="06613", vintage="2025"),
    ))
    got = convert_designations(tags, province=PROVINCE)
    assert got[["code", "type", "designated_codes"]].values.tolist() == [["06364", "atk", "06364"]]
    assert got.attrs["ignored"] == [{"code": "06613", "type": "border"}]


# ---------------------------------------------------------------------------
# Boundaries
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def old_boxes(old_units) -> gpd.GeoDataFrame:
    """Bounding boxes of the old communes: crude polygons, enough to test the dissolve."""
    geoms = [box(r.minx, r.miny, r.maxx, r.maxy) for r in old_units.itertuples()]
    return gpd.GeoDataFrame({"code": old_units["code"], "approximate": True}, geometry=geoms, crs=4326)


@pytest.mark.parametrize("split", ["voronoi", "default"])
def test_new_boundaries_from_old(old_boxes, split):
    new = new_boundaries_from_old(old_boxes, province=PROVINCE, split=split).set_index("code")
    assert len(new) == 65 and new["complete"].all() and new["approximate"].all()
    assert sorted(new.index[new["approximate_split"]]) == ["06613", "06625", "06637"]
    assert new.at["06625", "source_codes"] == "06619,06622,06625"
    binh_xa = old_boxes.set_index("code").geometry["06622"]
    pieces = [new.geometry[c].intersection(binh_xa).area for c in ("06613", "06625")]
    if split == "voronoi":
        assert all(p > 0 for p in pieces)
    assert new.geometry["06613"].union(new.geometry["06625"]).contains(binh_xa.buffer(-1e-9))


def test_new_boundaries_from_the_default_layer():
    from geo.units import tessellation
    old = tessellation.default_boundaries(province="20", level="commune", vintage="pre2025")
    new = new_boundaries_from_old(old, province=PROVINCE)
    assert len(new) == 65 and new["approximate"].all() and new.geometry.is_valid.all()
    assert new["approximate_split"].sum() == 3
    area_old = old.to_crs(9215).union_all().area
    area_new = new.to_crs(9215).union_all().area
    assert area_new == pytest.approx(area_old, rel=1e-6)  # nothing lost, nothing added by the dissolve


def test_converted_table_joins_dissolved_new_communes_by_code(old_boxes, converted):
    """The one path: the converted table (conversion_table) through the one layer builder."""
    from geo.analysis.reform import conversion_table
    from geo.join.files import BoundaryLayer
    from geo.workflows.layer import build_layer, unit_columns

    layer = new_boundaries_from_old(old_boxes, province=PROVINCE)
    result = build_layer(boundaries=BoundaryLayer(gdf=layer, level="commune", vintage="2025", source="dissolved",
                                                  approximate=True, columns=unit_columns("commune", "2025")),
                         table=conversion_table(converted), level="commune", vintage="2025", province="20")
    assert result.report.by_method == {"code": 65}
    assert result.gdf["households_2024"].sum() == converted.data["households_2024"].sum()
    assert not result.report.inconsistent


def test_a_new_commune_missing_an_old_commune_is_no_data_and_named():
    """Kỳ Lừa (06187) is five old communes; without Hợp Thành (06226) it is no data, not the sum of four."""
    table = pd.DataFrame({
        "code": ["05971", "06187", "06235", "06244", "06079", "06094"],
        "households_2024": [100, 200, 300, 400, 50, 70], "poor_2024": [10, 20, 30, 40, 5, 9]})
    table["poor_rate_2024"] = table["poor_2024"] / table["households_2024"] * 100
    result = convert_indicators(table, province=PROVINCE)
    data = result.data.set_index("code")
    assert data.loc["06187", ["households_2024", "poor_2024", "poor_rate_2024"]].isna().all()
    assert not data.at["06187", "complete"]
    assert data.loc["06079", ["households_2024", "poor_2024"]].tolist() == [120, 14]
    assert data.at["06079", "poor_rate_2024"] == 14 / 120 * 100
    assert result.report.incomplete == [{
        "new_code": "06187", "new_name": "Phường Kỳ Lừa", "missing_old_codes": ["06226"],
        "missing_old": [{"code": "06226", "name": "Xã Hợp Thành"}]}]
    assert result.report.totals["households_2024"] == {
        "before": 1120.0, "unmapped": 0.0, "incomplete": 1000.0, "after": 120.0, "preserved": True}
    warning = [w for w in result.report.warnings("en") if "06187" in w]
    assert warning == ["New commune 06187 Phường Kỳ Lừa is no data: the table lacks old commune(s) 06226 Xã Hợp "
                       "Thành, and a sum of the others would undercount. Add their rows to convert it."]


def test_a_split_old_commune_gives_its_share_to_a_complete_new_commune_only():
    """Bính Xá (06622) goes 0.283 to Đình Lập (06613) and 0.717 to 06625, which lacks 06619 and 06625."""
    table = pd.DataFrame({"code": ["06613", "06622", "06628"], "households": [100, 1000, 300]})
    result = convert_indicators(table, province=PROVINCE)
    data = result.data.set_index("code")
    assert data.at["06613", "households"] == 100 + 283 + 300
    assert bool(data.at["06613", "complete"]) and bool(data.at["06613", "partial"])
    assert np.isnan(data.at["06625", "households"]) and not data.at["06625", "complete"]
    assert [m["code"] for m in result.report.incomplete[0]["missing_old"]] == ["06619", "06625"]
    assert result.report.totals["households"] == {
        "before": 1400.0, "unmapped": 0.0, "incomplete": 717.0, "after": 683.0, "preserved": True}


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def _write_table(path, illustrative):
    table = illustrative.rename(columns={"code": "Mã xã", "name": "Tên xã", "households_2024": "Tổng số hộ 2024",
                                         "poor_2024": "Số hộ nghèo 2024"})
    table[["Mã xã", "Tên xã", "Tổng số hộ 2024", "Số hộ nghèo 2024"]].to_csv(path, index=False)


def test_cli_convert_writes_output_and_report(tmp_path, illustrative, capsys):
    src, out, rep = tmp_path / "xa_cu.csv", tmp_path / "xa_moi.csv", tmp_path / "bao_cao.json"
    _write_table(src, illustrative)
    assert main(["convert", "--indicators", str(src), "--from", "pre2025", "--to", "2025", "--province", "20",
                 "--out", str(out), "--report", str(rep), "--lang", "en"]) == 0
    assert "Converted 194 old communes into 65 new communes" in capsys.readouterr().out
    data = pd.read_csv(out, dtype={"code": str})
    assert len(data) == 65 and data["households_2024"].sum() == illustrative["households_2024"].sum()
    report = json.loads(rep.read_text(encoding="utf-8"))
    assert report["totals"]["poor_2024"]["preserved"] is True
    assert [s["old_code"] for s in report["splits"]] == ["06622", "06625"]
    assert len(report["sources"]) == 196 and report["errata"][0]["old_code"] == "06079"
    xlsx = tmp_path / "xa_moi.xlsx"
    assert main(["convert", "--indicators", str(src), "--out", str(xlsx), "--report", str(rep), "--overwrite"]) == 0
    assert len(pd.ExcelFile(xlsx).sheet_names) == 3


def test_cli_convert_refuses_bad_input(tmp_path, illustrative, capsys):
    src = tmp_path / "xa_cu.csv"
    _write_table(src, illustrative)
    assert main(["convert", "--indicators", str(tmp_path / "khong_co.csv"), "--out", str(tmp_path / "o.csv"),
                 "--report", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err
    assert "Không tìm thấy tệp" in err and len(err.strip().splitlines()) == 1
    assert main(["convert", "--indicators", str(src), "--out", str(src), "--report", str(tmp_path / "r.json")]) == 2
    bad = tmp_path / "w.csv"
    bad.write_text("old_code,new_code,weight\n06622,06613,0.9\n", encoding="utf-8")
    assert main(["convert", "--indicators", str(src), "--weights", str(bad), "--out", str(tmp_path / "o.csv"),
                 "--report", str(tmp_path / "r.json"), "--lang", "en"]) == 2
    assert "must sum to 1" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "r.json").exists()


# ---------------------------------------------------------------------------
# Largest remainder (mutation: leftovers to the smallest remainders)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "weights", "order", "expected"), [
    (10, [0.34, 0.33, 0.33], [0, 1, 2], [4.0, 3.0, 3.0]),
    (10, [0.33, 0.33, 0.34], [0, 1, 2], [3.0, 3.0, 4.0]),
    (7, [0.5, 0.25, 0.25], [1, 0, 2], [3.0, 2.0, 2.0]),  # 3.5/1.75/1.75: the two .75 remainders get the 2 left
    (11, [0.5, 0.5], [1, 0], [5.0, 6.0]),  # a tie goes to the default target (order 0)
])
def test_largest_remainder_gives_leftovers_to_the_largest_remainders(value, weights, order, expected):
    got = _largest_remainder(value, weights, order)
    assert got == expected
    assert sum(got) == value


def test_split_through_convert_gives_leftovers_to_the_largest_remainder():
    """Through convert_indicators: an old commune split 0.55/0.45 (the registry has two targets for it)."""
    lk = links(province=PROVINCE, errata=False)
    old = "06622"
    targets = lk.loc[lk["old_code"] == old, "new_code"].tolist()
    assert targets == ["06613", "06625"]  # two targets in the registry; a third weight is not possible here
    weights = pd.DataFrame({"old_code": [old, old], "new_code": targets, "weight": [0.55, 0.45]})
    # Every other old commune of both targets is in the table, so both new communes are complete.
    others = sorted(set(lk.loc[lk["new_code"].isin(targets), "old_code"]) - {old})
    table = pd.DataFrame({"code": [old] + others, "households": [10] + [0] * len(others),
                          "poor": [3] + [0] * len(others)})
    out = convert_indicators(table, province=PROVINCE, weights=weights).data.set_index("code")
    assert out.loc["06613", "households"] == 6 and out.loc["06625", "households"] == 4  # 5.5/4.5: tie -> default
    assert out.loc["06613", "poor"] == 2 and out.loc["06625", "poor"] == 1  # 1.65/1.35: .65 is larger


def test_report_summary_and_json_are_exact():
    from geo.analysis.reform import ConversionReport

    assert ConversionReport().summary() == {"old_units": 0, "new_units": 0, "unmapped": 0, "splits": 0,
                                            "dropped_rates": 0, "incomplete": 0}
    table = pd.DataFrame({"code": ["05971", "06187", "06235", "06244", "06079", "06094", "99999"],
                          "households": [100, 200, 300, 400, 50, 70, 1], "poor_rate_reduced": [1.0] * 7})
    report = convert_indicators(table, province=PROVINCE).report
    assert report.summary() == {"old_units": 6, "new_units": 2, "unmapped": 1, "splits": 0, "dropped_rates": 1,
                                "incomplete": 1}
    text = report.to_json()
    assert '\n  "from_vintage": "pre2025",\n' in text  # indented by two spaces
    assert '"new_name": "Phường Kỳ Lừa"' in text  # readable Vietnamese, not \\u escapes
    assert json.loads(text)["summary"] == report.summary()


def test_an_old_commune_blank_in_one_column_leaves_that_column_of_its_new_commune_no_data(illustrative):
    """Xã Quốc Khánh (new 06004) = old 06004 + 06016 + 06025. Old 06004's poor count is blank (the reader drops a
    count larger than the households): summing the other two (an undercount presented as complete) is refused."""
    table = illustrative.copy()
    table.loc[table["code"] == "06004", "poor_2024"] = np.nan
    by_code = illustrative.set_index("code")
    result = convert_indicators(table, province=PROVINCE)
    row = result.data.set_index("code").loc["06004"]
    assert row["households_2024"] == by_code.loc[["06004", "06016", "06025"], "households_2024"].sum()
    assert row["near_poor_2024"] == by_code.loc[["06004", "06016", "06025"], "near_poor_2024"].sum()
    assert pd.isna(row["poor_2024"]) and pd.isna(row["poor_rate_2024"])
    assert result.report.blank_values == [{"new_code": "06004", "new_name": "Xã Quốc Khánh", "column": "poor_2024",
                                           "missing_old": [{"code": "06004", "name": "Xã Quốc Khánh"}]}]
    tot = result.report.totals["poor_2024"]
    assert tot["incomplete"] == by_code.loc[["06016", "06025"], "poor_2024"].sum()
    assert tot["after"] == illustrative["poor_2024"].sum() - by_code.loc[["06004", "06016", "06025"], "poor_2024"].sum()
    assert tot["preserved"]
    assert result.report.summary()["incomplete"] == 1
    assert ("Xã mới 06004 Xã Quốc Khánh: cột 'Số hộ nghèo năm 2024' không có số liệu vì xã cũ 06004 Xã Quốc Khánh trống"
            in " ".join(result.report.warnings("vi")))
