"""Targets against results on the built-in KH 78 table and an ILLUSTRATIVE 2021 results table (hand-checked)."""

from __future__ import annotations

import pytest

from geo._errors import GeoError
from geo.analysis import progress as pg
from geo.join.files import BUILTIN_INDICATORS, builtin_indicators
from tests._progress_data import results_frame


@pytest.fixture(scope="module")
def kh78():
    meta = BUILTIN_INDICATORS["langson_kh78_2021"]
    return pg.year_table(builtin_indicators().data, source="KH 78", plan_years=meta["projected_years"],
                         standard=meta["standard"])


@pytest.fixture(scope="module")
def stacked(kh78):
    return pg.add_year(kh78, results_frame(), year=2021, source="minh họa")


def test_kh78_plan_columns_become_targets(kh78):
    assert kh78.years == [2020]
    assert kh78.target_years == [2021]
    assert "target_poor_rate_2021" in kh78.data.columns and "poor_rate_2021" not in kh78.data.columns
    assert kh78.standards == {2020: "2016-2020", 2021: "2016-2020"}


def test_stacking_a_second_year_by_code_with_a_typed_year(stacked):
    ds, report = stacked
    assert ds.years == [2020, 2021] and ds.target_years == [2021]
    assert report.years == [2021] and report.year_from == "typed" and report.matched == 11
    assert report.missing == [] and report.extra == []
    assert len(report.kept_as_targets) == 9  # every 2021 plan column of KH 78 stays, as a target
    assert {"target_poor_rate_2021", "target_poor_rate_reduced_2021"} <= set(report.kept_as_targets)
    assert ds.standards[2021] == "2021-2025"  # the results year's own standard unless the table declares one
    row = ds.data.set_index("code").loc["180"]
    assert (row["poor_rate_2020"], row["target_poor_rate_2021"], row["poor_rate_2021"]) == (8.51, 6.38, 6.90)


def test_each_district_target_result_and_status_checked_by_hand(stacked):
    ds, _ = stacked
    a = pg.assess(ds, year_to=2021)
    assert a.basis == "plan" and a.year_from == 2020
    got = {r["code"]: (r["target"], r["result"], r["gap"], r["status"]) for r in a.table.to_dict("records")}
    # target = KH 78 "Dự kiến 2021" rate; gap = result - target; đạt when result <= target (two decimals)
    assert got == {
        "178": (0.15, 0.12, -0.03, "đạt"),
        "180": (6.38, 6.90, 0.52, "không đạt"),
        "181": (12.16, 12.16, 0.00, "đạt"),  # exactly on target
        "182": (5.82, 5.10, -0.72, "đạt"),
        "183": (4.98, 5.20, 0.22, "không đạt"),
        "184": (8.69, 9.50, 0.81, "không đạt"),
        "185": (6.69, 6.00, -0.69, "đạt"),
        "186": (4.92, 4.80, -0.12, "đạt"),
        "187": (4.78, 4.79, 0.01, "không đạt"),  # missed by one hundredth
        "188": (8.71, 8.20, -0.51, "đạt"),
        "189": (8.83, 10.10, 1.27, "không đạt"),
    }
    assert a.counts() == {"met": 6, "not_met": 5, "no_data": 0}
    assert sorted(a.lagging) == ["180", "183", "184", "187", "189"]
    # planned reductions as published (Bình Gia 4,05 while 16,22 - 12,16 = 4,06)
    assert a.table.set_index("code").at["181", "planned_reduction"] == 4.05
    assert a.standard_change is not None and a.standard_change.standard_to.key == "2021-2025"


def test_declared_standard_removes_the_crossing_flag(kh78):
    ds, _ = pg.add_year(kh78, results_frame(), year=2021, standard="2016-2020")
    assert pg.assess(ds, year_to=2021).standard_change is None
    assert pg.change_table(ds, year_from=2020, year_to=2021).attrs["warning"] is None


def test_rule_targets_without_a_plan_table(stacked):
    ds, _ = stacked
    rule = pg.RuleTarget(points=2.0, poor_points=3.5, poor_codes=frozenset({"181", "184"}))
    a = pg.assess(ds, year_to=2021, rule=rule)
    got = {r["code"]: (r["target"], r["status"]) for r in a.table.to_dict("records")}
    assert got["180"] == (6.51, "không đạt")  # 8,51 - 2 = 6,51 < 6,90
    assert got["181"] == (12.72, "đạt")  # poor district: 16,22 - 3,5 = 12,72 > 12,16
    assert got["184"] == (8.56, "không đạt")  # poor district: 12,06 - 3,5 = 8,56 < 9,50
    assert got["189"] == (10.26, "đạt")  # 12,26 - 2 = 10,26 > 10,10
    assert got["178"] == (0.0, "không đạt")  # 0,18 cannot fall 2 points: target 0
    assert a.counts() == {"met": 5, "not_met": 6, "no_data": 0}
    assert rule.text("vi") == "giảm ≥ 2 điểm %/năm; ≥ 3,5 với huyện nghèo"
    lag = pg.lagging_designations(a, level="district")
    assert {d.type for d in lag} == {"lagging"} and len(lag) == 6
    assert next(d for d in lag if d.code == "184").note == "Kết quả 9,50%, mục tiêu 8,56%, chênh +0,94 điểm %"


def test_change_between_two_years_has_the_right_signs(stacked):
    ds, _ = stacked
    c = pg.change_table(ds, year_from=2020, year_to=2021).set_index("code")
    assert c.at["180", "change_points"] == -1.61  # 6,90 - 8,51: a fall is negative
    assert c.at["181", "change_points"] == -4.06
    assert (c["change_points"] < 0).all()
    # poor households: (1.154 - 1.423) / 1.423 = -18,90 %
    assert (c.at["180", "poor_2020"], c.at["180", "poor_2021"], c.at["180", "poor_change_pct"]) == (1423, 1154, -18.9)
    back = pg.change_table(ds, year_from=2021, year_to=2020).set_index("code")
    assert back.at["180", "change_points"] == 1.61
    assert "đổi chuẩn nghèo" in pg.change_table(ds, year_from=2020, year_to=2021).attrs["warning"]
    assert pg.diverging_bins(c["change_points"]) == [-5.0, -3.0, -1.0, 1.0, 3.0, 5.0, 7.0]
    assert pg.diverging_bins([0.3, -0.2]) == [-0.25, -0.15, -0.05, 0.05, 0.15, 0.25, 0.35]
    # The gap to target splits at zero: đạt (≤ 0) and không đạt (> 0) never share a class.
    gaps = pg.assess(ds, year_to=2021).table["gap"]
    assert pg.split_bins(gaps) == [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]


def test_trend_of_a_unit_with_its_target(stacked):
    ds, _ = stacked
    tr = pg.trend(ds, "180")
    assert tr["year"].tolist() == [2020, 2021]
    assert tr["rate"].tolist() == [8.51, 6.90]
    assert tr["target"].iloc[1] == 6.38 and tr["target"].isna().iloc[0]
    assert tr["standard"].tolist() == ["2016-2020", "2021-2025"]


def test_errors_name_the_fix(kh78):
    with pytest.raises(GeoError) as err:
        pg.add_year(kh78, results_frame())
    assert err.value.code == "progress_year_needed" and "poor_rate" in err.value.message("vi")
    with pytest.raises(GeoError) as err:
        pg.add_year(kh78, results_frame().assign(code="99999"), year=2021)
    assert err.value.code == "progress_no_overlap"
    with pytest.raises(GeoError) as err:
        pg.assess(kh78, year_to=2021)
    assert err.value.code == "progress_year_missing" and "2020" in err.value.message("vi")
