"""Join rules on real Lạng Sơn units: codes first, names within the district second."""

import geopandas as gpd
import pandas as pd
import pytest

from geo.units import registry
from geo.join.match import check_consistency, join_indicators
from geo.text.names import _strip_marks


@pytest.fixture(scope="module")
def communes():
    """The 194 pre-2025 communes as points (geometry is irrelevant to matching)."""
    units = registry.units(province=20, level="commune")
    return gpd.GeoDataFrame(units, geometry=gpd.points_from_xy(units["lon"], units["lat"]), crs=4326)


COMMUNE_COLUMNS = {"parent_code": "district_code", "parent_name": "district_name"}


def _commune_table(communes, names):
    return pd.DataFrame({
        "name": list(names),
        "district": communes["district_name"].str.replace("Huyện ", "H. ", regex=False).tolist(),
        "poor": range(len(communes)),
    })


def test_codes_that_lost_their_leading_zero(communes):
    table = pd.DataFrame({"code": communes["code"].astype(int), "poor": range(194)})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS)
    assert result.report.by_method == {"code": 194}
    assert result.gdf["poor"].tolist() == list(range(194))


@pytest.mark.parametrize("form", ["full", "short", "ascii"])
def test_names_within_district_match_all_and_none_wrong(communes, form):
    names = {
        "full": communes["name"],
        "short": communes["short_name"],
        "ascii": communes["name"].map(_strip_marks),
    }[form]
    table = _commune_table(communes, names)
    result = join_indicators(
        communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS, table_columns={"parent_name": "district"}
    )
    assert result.report.summary()["matched"] == 194
    assert not result.report.ambiguous and not result.report.unmatched_rows
    # row i carries poor == i, and boundary i is the unit of row i: none wrong
    assert result.gdf["poor"].tolist() == list(range(194))


def test_hoa_binh_without_district_is_ambiguous_not_guessed(communes):
    table = pd.DataFrame({"name": ["Xã Hòa Bình"], "poor": [1]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS)
    assert result.report.summary()["matched"] == 0
    (amb,) = result.report.ambiguous
    assert len(amb["candidates"]) == 4
    assert result.gdf["poor"].isna().all()


def test_exact_beats_folded(communes):
    # "Tân Thanh" (Văn Lãng) and "Tân Thành" (three districts) fold alike; the exact spelling wins.
    table = pd.DataFrame({"name": ["Xã Tân Thanh"], "poor": [7]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS)
    (match,) = result.report.matched
    assert match["unit_code"] == "06166" and match["method"] == "name_exact"


def test_type_prefix_disambiguates_town_and_commune(communes):
    table = pd.DataFrame({"name": ["TT Chi Lăng", "Xã Chi Lăng"], "district": ["Chi Lăng", "Chi Lăng"], "poor": [1, 2]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS,
                             table_columns={"parent_name": "district"})
    got = {m["unit_code"]: m["name"] for m in result.report.matched}
    assert got == {"06466": "TT Chi Lăng", "06523": "Xã Chi Lăng"}


def test_fuzzy_is_only_suggested(communes):
    table = pd.DataFrame({"name": ["Xã Hoàng Vă Thụ"], "district": ["Bình Gia"], "poor": [3]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS,
                             table_columns={"parent_name": "district"})
    assert result.report.summary()["matched"] == 0
    (row,) = result.report.unmatched_rows
    assert row["suggestions"][0]["code"] == "06100"
    assert 70 <= row["suggestions"][0]["score"] < 100
    assert result.gdf["poor"].isna().all()


def test_manual_override_is_applied_and_reported(communes):
    table = pd.DataFrame({"name": ["Xã Hoàng Vă Thụ"], "poor": [3]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS, overrides={0: "06100"})
    assert result.report.by_method == {"manual": 1}
    assert result.gdf.set_index("code").at["06100", "poor"] == 3


def test_duplicates_are_reported_and_first_row_kept(communes):
    table = pd.DataFrame({"code": ["05971", "5971"], "poor": [1, 2], "source_row": [5, 6]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS)
    (dup,) = result.report.duplicates
    assert dup["row"] == 6 and dup["duplicate_of_row"] == 5
    row = result.gdf.set_index("code").loc["05971"]
    assert row["poor"] == 1 and row["source_row"] == 5


def test_inconsistent_rates_are_reported():
    table = pd.DataFrame({
        "households_2020": [1000, 2000], "poor_2020": [100, 100], "poor_rate_2020": [10.0, 5.2],
    })
    (bad,) = check_consistency(table)
    assert bad["row"] == 1 and bad["column"] == "poor_rate_2020"
    assert bad["computed"] == pytest.approx(5.0)


def test_district_names_and_bare_city_against_official_polygons(langson):
    districts = gpd.read_file(langson / "districts_2019_gischinhphu.geojson")
    table = pd.DataFrame({
        "name": ["Thành phố", "H. Trang Dinh", "Binh Gia", "Van Lang", "Cao Loc", "Van Quan", "Bac Son",
                 "Huu Lung", "Chi Lang", "Loc Binh", "Dinh Lap"],
        "poor_2020": [50, 1423, 2174, 1080, 1326, 1671, 1589, 2102, 1243, 2537, 920],
    })
    result = join_indicators(districts, table, level="district", boundary_columns={"code": "level2_id"})
    assert result.report.summary()["matched"] == 11
    assert result.report.by_method["type_unique"] == 1
    assert result.gdf["poor_2020"].sum() == 16115
    assert result.gdf.set_index("code").at["181", "poor_2020"] == 2174


def test_code_match_with_another_units_name_is_flagged(communes):
    # A 2025 table on the pre2025 map: code 06325 is the new Xã Bắc Sơn, but the old Thị trấn Bắc Sơn.
    table = pd.DataFrame({"code": ["06325", "06328"], "name": ["Xã Bắc Sơn", "Xã Long Đống"], "poor": [1, 2]})
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS)
    assert result.report.by_method == {"code": 2}
    (flag,) = result.report.name_mismatches
    assert flag["unit_code"] == "06325" and flag["unit_name"] == "Thị trấn Bắc Sơn"
    assert result.report.to_dict()["summary"]["name_mismatches"] == 1


@pytest.mark.parametrize("district", [{"district": "H. Không Có"}, {"district_code": "199"}])
def test_unknown_stated_district_is_never_widened_to_the_province(communes, district):
    # "Xã Tân Thanh" is unique in the province (06166, Văn Lãng), but the row says another district:
    # the row stays unmatched, says which district was not found, and only suggests 06166.
    column, value = next(iter(district.items()))
    table = pd.DataFrame({"name": ["Xã Tân Thanh"], column: [value], "poor": [7]})
    columns = {"parent_name": "district"} if column == "district" else {"parent_code": "district_code"}
    result = join_indicators(communes, table, level="commune", boundary_columns=COMMUNE_COLUMNS,
                             table_columns=columns)
    assert result.report.summary()["matched"] == 0
    assert result.report.summary()["unmatched_rows"] == 1
    (row,) = result.report.unmatched_rows
    assert row["parent_not_found"] == value
    assert row["suggestions"][0]["code"] == "06166"
    assert result.report.warnings == [f"district {value} (row 0) not in boundaries"]  # row: the index, no source_row here
    assert int(result.gdf["poor"].notna().sum()) == 0


# A small made-up map (illustrative units, not real codes) for exact reports.
def _toy_units():
    from shapely.geometry import Point

    return gpd.GeoDataFrame({
        "code": ["00001", "00002", "00003", "00004"],
        "name": ["Xã An Bình", "Xã Hòa Bình", "Xã Hòa Bình", "Thị trấn Na Sầm"],
        "district_code": ["001", "001", "002", "002"],
        "district_name": ["Huyện Một", "Huyện Một", "Huyện Hai", "Huyện Hai"],
    }, geometry=[Point(i, 0) for i in range(4)], crs=4326)


def test_report_of_a_small_join_is_exact():
    table = pd.DataFrame({
        "code": ["1", None, None, None, "00004"],
        "name": ["Xã Mới", "Xã Hòa Bình", "Xã Hoa Binh", "Xã An Binnh", "Thị trấn Na Sầm"],
        "parent_name": [None, None, "Huyện Hai", None, None],
        "poor": [10, 20, 30, 40, 50],
        "source_row": [5, 6, 7, 8, 9],
    })
    result = join_indicators(_toy_units(), table, level="commune", boundary_columns=COMMUNE_COLUMNS, source="toy.csv")
    report = result.report.to_dict()
    assert report["summary"] == {"matched": 3, "unmatched_boundaries": 1, "unmatched_rows": 1, "ambiguous": 1,
                                 "duplicates": 0, "inconsistent": 0, "name_mismatches": 1}
    assert report["by_method"] == {"code": 2, "name_folded": 1}
    assert report["matched"] == [
        {"row": 5, "code": "1", "name": "Xã Mới", "unit_code": "00001", "unit_name": "Xã An Bình", "method": "code"},
        {"row": 7, "name": "Xã Hoa Binh", "parent_name": "Huyện Hai", "unit_code": "00003",
         "unit_name": "Xã Hòa Bình", "method": "name_folded"},
        {"row": 9, "code": "00004", "name": "Thị trấn Na Sầm", "unit_code": "00004", "unit_name": "Thị trấn Na Sầm",
         "method": "code"},
    ]
    # A code whose name is another unit's (a typo in the code?) is flagged, not silently trusted.
    assert report["name_mismatches"] == [
        {"row": 5, "code": "1", "name": "Xã Mới", "unit_code": "00001", "unit_name": "Xã An Bình"}]
    assert report["ambiguous"] == [{"row": 6, "name": "Xã Hòa Bình", "candidates": [
        {"code": "00002", "name": "Xã Hòa Bình", "parent": "Huyện Một"},
        {"code": "00003", "name": "Xã Hòa Bình", "parent": "Huyện Hai"}]}]
    # Fuzzy suggestions are listed (rapidfuzz ratio, 1 decimal), never applied: "anbinnh" vs "anbinh" 92.3,
    # vs "hoabinh" 71.4; a unit still without data comes first (issue 10), then the best score.
    assert report["unmatched_rows"] == [{"row": 8, "name": "Xã An Binnh", "suggestions": [
        {"code": "00002", "name": "Xã Hòa Bình", "parent": "Huyện Một", "score": 71.4, "free": True},
        {"code": "00001", "name": "Xã An Bình", "parent": "Huyện Một", "score": 92.3, "free": False},
        {"code": "00003", "name": "Xã Hòa Bình", "parent": "Huyện Hai", "score": 71.4, "free": False}]}]
    assert report["unmatched_boundaries"] == [
        {"code": "00002", "name": "Xã Hòa Bình", "parent": "Huyện Một",
         "suggestions": [{"row": 8, "name": "Xã An Binnh", "score": 71.4}]}]
    assert report["source"] == "toy.csv" and report["level"] == "commune" and report["warnings"] == []
    assert result.gdf["poor"].fillna(-1).tolist() == [10.0, -1.0, 30.0, 50.0]
    assert result.gdf["source_row"].fillna(-1).tolist() == [5, -1, 7, 9]
    assert result.gdf["match_method"].fillna("").tolist() == ["code", "", "name_folded", "code"]


def test_suggestions_rank_free_units_first_and_unmatched_units_name_their_rows():
    table = pd.DataFrame({"name": ["Xã Hoa Bin", "Xã An Binh"], "poor": [1, 2]})
    units = _toy_units().iloc[[1, 2, 3]].reset_index(drop=True)  # no An Bình: "Xã An Binh" stays unmatched
    result = join_indicators(units, table, level="commune", boundary_columns=COMMUNE_COLUMNS)
    rows = result.report.to_dict()["unmatched_rows"]
    # "hoabin" vs "hoabinh" 92.3 for both Hòa Bình; both free, so the code decides the order.
    assert rows[0]["suggestions"] == [
        {"code": "00002", "name": "Xã Hòa Bình", "parent": "Huyện Một", "score": 92.3, "free": True},
        {"code": "00003", "name": "Xã Hòa Bình", "parent": "Huyện Hai", "score": 92.3, "free": True}]
    assert rows[1]["suggestions"] == [
        {"code": "00002", "name": "Xã Hòa Bình", "parent": "Huyện Một", "score": 76.9, "free": True},
        {"code": "00003", "name": "Xã Hòa Bình", "parent": "Huyện Hai", "score": 76.9, "free": True}]
    # Each unit without data lists the table rows whose names look like it, best first.
    by_code = {u["code"]: u["suggestions"] for u in result.report.to_dict()["unmatched_boundaries"]}
    assert by_code["00002"] == [{"row": 0, "name": "Xã Hoa Bin", "score": 92.3},
                                {"row": 1, "name": "Xã An Binh", "score": 76.9}]
    assert by_code["00004"] == []
    assert result.report.to_json().count('"score": 92.3') == 4


def _named_units(names, types=None):
    from shapely.geometry import Point

    n = len(names)
    return gpd.GeoDataFrame({
        "code": [f"{i + 1:05d}" for i in range(n)], "name": names, "type": types or [None] * n,
        "district_code": ["001"] * n, "district_name": ["Huyện Một"] * n,
    }, geometry=[Point(i, 0) for i in range(n)], crs=4326)


@pytest.mark.parametrize(
    ("written", "code", "method"),
    [
        ("Xã Quan Sơn", "00001", "name_exact"),
        ("Quan Sơn", "00001", "name_short"),  # the prefix left out, the diacritics kept
        ("Quan Son", "00001", "name_folded"),  # "Quan" is the name here, not "Quận"
        ("XA QUAN SON", "00001", "name_folded"),
        ("TT. Na Sầm", "00003", "name_short"),  # the written type picks the town over the commune
        ("Xã Na Sam", "00002", "name_folded"),
        ("Thành phố", "00004", "type_unique"),  # the province's only city
    ],
)
def test_each_name_tier(written, code, method):
    units = _named_units(["Xã Quan Sơn", "Xã Na Sầm", "Thị trấn Na Sầm", "Thành phố Lạng Sơn"],
                         types=["Xã", "Xã", "Thị trấn", "Thành phố"])
    result = join_indicators(units, pd.DataFrame({"name": [written], "poor": [1]}), level="commune",
                             boundary_columns=COMMUNE_COLUMNS)
    assert [(m["unit_code"], m["method"]) for m in result.report.matched] == [(code, method)]


def test_prepare_units_treats_every_missing_marker_alike():
    from geo.join.match import prepare_units

    df = pd.DataFrame({
        "code": pd.Series(["5971", pd.NA, None], dtype=object),
        "name": pd.Series(["Xã A", float("nan"), pd.NA], dtype=object),
        "parent_code": ["20", "20", None],
    })
    communes = prepare_units(df, level="commune")
    assert communes["code"].tolist() == ["05971", None, None]
    assert communes["name"].tolist() == ["Xã A", None, None]
    assert communes["type"].tolist() == ["Xã", None, None]
    assert communes["parent_code"].tolist() == ["020", "020", None]  # a commune's parent is a district
    districts = prepare_units(df.assign(code=["178", "180", "181"]), level="district")
    assert districts["code"].tolist() == ["178", "180", "181"]
    assert districts["parent_code"].tolist() == ["20", "20", None]  # a district's parent is a province


def test_json_report_is_readable_vietnamese_and_suggestions_use_the_plain_ratio():
    # Row 0 has only an unknown code (no name), row 1 a short name: "binh" vs "anbinh" is 80.0 by
    # rapidfuzz's ratio (WRatio would say 90.0), and the nameless row must not stop the suggestions.
    table = pd.DataFrame({"code": ["99999", None], "name": [None, "Xã Bình"], "poor": [1, 2]})
    result = join_indicators(_toy_units(), table, level="commune", boundary_columns=COMMUNE_COLUMNS)
    report = result.report
    assert [(r["row"], [(x["code"], x["score"]) for x in r["suggestions"]]) for r in report.unmatched_rows] == [
        (0, []), (1, [("00001", 80.0), ("00002", 72.7), ("00003", 72.7)])]  # "binh" vs "hoabinh" 72.7
    by_code = {u["code"]: u["suggestions"] for u in report.unmatched_boundaries}
    assert by_code["00001"] == [{"row": 1, "name": "Xã Bình", "score": 80.0}]
    assert report.warnings == ["code 99999 (row 0) not in boundaries"]
    text = report.to_json()
    assert text.startswith('{\n  "matched": [],\n  "unmatched_boundaries": [\n    {\n      "code": "00001",')
    assert '"name": "Xã An Bình"' in text  # not \u escapes
    assert report.to_json(sort_keys=True).startswith('{\n  "ambiguous": [],')
