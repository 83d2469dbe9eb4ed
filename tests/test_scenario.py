"""Scenarios: one GeoPackage that reopens identical; comparing two scenarios."""

import sqlite3

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.units import registry
from geo._errors import GeoError
from geo.units.designations import Designation, builtin_designations
from geo.analysis.rules import ManualDecision, RuleSet, ScoreSpec, Tier, Weight
from geo.workflows.scenario import compare, new_scenario, open_scenario, rerank, save_scenario

CODES = ["06364", "06358", "06103", "06274", "06508", "06433"]


@pytest.fixture
def parts():
    reg = registry.units(province=20, level="commune").set_index("code").loc[CODES].reset_index()
    indicators = pd.DataFrame({
        "code": reg["code"], "name": reg["name"], "district_code": reg["district_code"],
        "district_name": reg["district_name"],
        "households": [500, 400, 300, 600, 200, 1000],
        "poor": [120.0, 40.0, 90.0, 60.0, 50.0, None],
        "poor_rate": [24.0, 10.0, 30.0, 10.0, 24.3, None],
        "source_file": ["xa.xlsx"] * 5 + [None],
        "source_row": pd.array([4, 5, 6, 7, 8, None], dtype="Int64"),
    })
    boundaries = gpd.GeoDataFrame(
        {"code": reg["code"], "name": reg["name"]},
        geometry=[box(x - 0.01, y - 0.01, x + 0.01, y + 0.01) for x, y in zip(reg["lon"], reg["lat"])], crs=4326,
    )
    designations = (
        builtin_designations(province=20)
        .add(Designation(type="border", code="06508", origin="imported", source="Danh sách thử", valid_from="2021-01-01"))
        .add(Designation(type="zone_iii", code="06103", origin="imported", source="861/QĐ-TTg", source_date="2021-06-04"))
        .tag("06274", "border", note="Bổ sung: giáp biên theo đề nghị huyện")
        .untag("06358", "atk", note="Thử: bỏ diện ATK")
    )
    rules = RuleSet(
        tiers=(Tier("Ưu tiên 1", "(border or zone_iii) and poor_rate >= 20"), Tier("Ưu tiên 2", "atk or poor_rate >= 10")),
        score=ScoreSpec(weights=(Weight("poor_rate", 2), Weight("households", 1, higher_is_need=False)),
                        bonuses={"border": 10}),
        labels={"poor_rate": {"vi": "tỷ lệ hộ nghèo", "en": "poor rate"}},
        name="Phương án A",
    )
    manual = (ManualDecision("06433", "include", "Lũ quét 2024"), ManualDecision("06508", "exclude", "Đã có dự án", ))
    return dict(indicators=indicators, boundaries=boundaries, designations=designations, rules=rules, manual=manual)


def test_save_and_open_gives_the_same_scenario(tmp_path, parts):
    s = new_scenario(**parts, notes="Ghi chú: họp ngày 12/3.\nDòng hai.", title="Thử", created="2025-01-02T03:04:05+00:00")
    path = save_scenario(s, tmp_path / "phuong_an.gpkg")
    back = open_scenario(path)
    pd.testing.assert_frame_equal(back.indicators, s.indicators)
    pd.testing.assert_frame_equal(back.ranking, s.ranking)
    assert back.boundaries.crs.to_epsg() == 4326
    pd.testing.assert_frame_equal(pd.DataFrame(back.boundaries.drop(columns="geometry")),
                                  pd.DataFrame(s.boundaries.drop(columns="geometry")))
    assert back.boundaries.geometry.geom_equals_exact(s.boundaries.geometry, tolerance=0).all()
    assert back.designations == s.designations
    assert back.rules == s.rules
    assert back.manual == s.manual
    assert back.selection == s.selection and len(s.selection) == 5
    assert back.notes == s.notes and back.meta == s.meta
    assert back.same_as(s)
    # What the file holds: every layer named, GeoPackage-registered
    with sqlite3.connect(path) as con:
        contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert contents == {"scenario_meta": "attributes", "boundaries": "features", "indicators": "attributes",
                        "designations": "attributes", "manual": "attributes", "ranking": "attributes"}


def test_reopened_scenario_reranks_the_same(tmp_path, parts):
    s = new_scenario(**parts)
    back = open_scenario(save_scenario(s, tmp_path / "a.gpkg"))
    pd.testing.assert_frame_equal(rerank(back).ranking, s.ranking)


def test_save_never_overwrites_inputs_or_existing_files(tmp_path, parts):
    s = new_scenario(**parts)
    path = save_scenario(s, tmp_path / "a.gpkg")
    before = path.read_bytes()
    with pytest.raises(GeoError) as err:
        save_scenario(s, path)
    assert err.value.code == "output_exists" and path.read_bytes() == before
    with pytest.raises(GeoError) as err:
        save_scenario(s, path, inputs=[path], overwrite=True)
    assert err.value.code == "output_is_input"
    save_scenario(s, path, overwrite=True)
    assert open_scenario(path).same_as(s)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gpkg"]  # no temporary files left behind
    with pytest.raises(GeoError):
        save_scenario(s, tmp_path / "a.xlsx")


def test_open_refuses_a_plain_geopackage(tmp_path, parts):
    path = tmp_path / "plain.gpkg"
    parts["boundaries"].to_file(path, driver="GPKG")
    with pytest.raises(GeoError) as err:
        open_scenario(path)
    assert err.value.code == "scenario_invalid" and "plain.gpkg" in err.value.message("vi")


def test_scenario_without_boundaries(tmp_path, parts):
    parts["boundaries"] = None
    s = new_scenario(**parts)
    back = open_scenario(save_scenario(s, tmp_path / "b.gpkg"))
    assert back.boundaries is None and back.same_as(s)


def test_compare_lists_entering_and_leaving_units_and_tier_changes(parts):
    a = new_scenario(**parts)
    # B: a stricter tier 2 (poor rate >= 20 only), no manual decisions.
    rules_b = RuleSet(tiers=(parts["rules"].tiers[0], Tier("Ưu tiên 2", "poor_rate >= 20")), score=parts["rules"].score)
    b = new_scenario(**{**parts, "rules": rules_b, "manual": ()})
    # A (by hand): 06103 T1, 06274 T2 (border tag, 10%), 06364 T2 (ATK), 06358 T2 (10%, ATK untagged),
    #              06433 T2 (included by hand), 06508 excluded.
    # B: 06103 T1, 06508 T1, 06364 T2 (24% >= 20); 06274, 06358, 06433 out.
    diff = compare(a, b)
    assert diff[["code", "change"]].values.tolist() == [
        ["06508", "enter"], ["06274", "leave"], ["06358", "leave"], ["06433", "leave"],
    ]
    assert diff["change_text"].tolist()[:2] == ["Vào danh sách", "Ra khỏi danh sách"]
    # A tier change: the same selection with 06364 raised to tier 1 by hand.
    c = new_scenario(**{**parts, "manual": parts["manual"] + (ManualDecision("06364", "include", "Xã ATK", tier=1),)})
    change = compare(a, c, lang="en")
    assert change[["code", "change", "tier_a", "tier_b"]].values.tolist() == [["06364", "tier", 2, 1]]
    assert change["change_text"].tolist() == ["Changes tier"]
    assert compare(a, a).empty
