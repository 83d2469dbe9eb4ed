"""Default rules of geo.workflows.priority follow the level and the values of the data."""

from __future__ import annotations

import pandas as pd

from geo import settings
from geo.workflows.priority import default_rules, default_threshold, province_rate


def _districts() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["1", "2", "3"],
        "households_2020": [100.0, 300.0, 600.0],
        "poor_2020": [30.0, 30.0, 30.0],
        "poor_rate_2020": [30.0, 10.0, 5.0],
        "near_poor_rate_2020": [1.0, 2.0, 3.0],
    })


def test_province_rate_sums_counts_then_divides():
    assert province_rate(_districts(), "poor_rate_2020") == 9.0  # 90 poor of 1,000 households


def test_province_rate_without_counts_is_the_mean_of_rates():
    frame = _districts().drop(columns=["poor_2020"])
    assert province_rate(frame, "poor_rate_2020") == 15.0
    assert province_rate(frame.assign(poor_rate_2020=float("nan")), "poor_rate_2020") is None
    assert province_rate(frame, "poor_rate_2024") is None


def test_district_defaults_name_district_designations_and_the_province_rate():
    rules = default_rules(["poor_rate_2020", "near_poor_rate_2020"], designation_types=("atk", "poor_district"),
                          level="district", units=_districts())
    assert [t.rule.text for t in rules.tiers] == [
        "poor_district and poor_rate_2020 >= 9", "poor_rate_2020 >= 9", "poor_district"]
    assert rules.score.bonuses == {"poor_district": settings.PRIORITY_BONUSES["poor_district"]}
    assert [(w.column, w.weight) for w in rules.score.weights] == [("poor_rate_2020", 2.0), ("near_poor_rate_2020", 1.0)]


def test_commune_defaults_keep_the_documented_threshold():
    rules = default_rules(["poor_rate_2020"], designation_types=("atk", "poor_district", "p135"), units=_districts())
    assert [t.rule.text for t in rules.tiers] == [
        "(border or zone_iii or atk or p135) and poor_rate_2020 >= 20", "poor_rate_2020 >= 20",
        "border or zone_iii or atk or p135"]
    assert "poor_district" not in rules.score.bonuses
    assert default_threshold(_districts(), "poor_rate_2020", level="commune") == settings.PRIORITY_THRESHOLD
    assert default_threshold(None, "poor_rate_2020", level="district") == settings.PRIORITY_THRESHOLD
    assert default_threshold(_districts(), "poor_rate_2020", level="district") == 9.0
