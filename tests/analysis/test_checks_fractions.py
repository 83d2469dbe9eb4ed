"""Rates typed as fractions (0.0851 for 8.51 %) are read as percent when their own counts say so."""

from __future__ import annotations

import pandas as pd

from geo.analysis.checks import check_table, outliers_by_group


def test_fraction_rates_that_agree_with_counts_are_multiplied_by_100():
    table = pd.DataFrame({"code": ["05971", "05974", "05977"], "households": [1000, 2000, 400],
                          "poor": [85, 50, 40], "poor_rate": [0.085, 0.025, 0.1]})
    cleaned, checks = check_table(table)
    assert cleaned["poor_rate"].tolist() == [8.5, 2.5, 10.0]
    assert checks.scaled == ["poor_rate"] and checks.invalid_values == []
    assert checks.to_dict()["scaled_rates"] == ["poor_rate"]


def test_real_rates_below_one_percent_stay_as_written():
    # A city's wards: 0,18 % is 50 of 27 964 households, as written.
    table = pd.DataFrame({"code": ["05971", "05974"], "households": [27964, 10000], "poor": [50, 30],
                          "poor_rate": [0.18, 0.3]})
    cleaned, checks = check_table(table)
    assert cleaned["poor_rate"].tolist() == [0.18, 0.3] and checks.scaled == []


def test_fraction_rates_without_counts_are_left_alone():
    table = pd.DataFrame({"code": ["05971", "05974"], "poor_rate": [0.085, 0.025]})
    cleaned, checks = check_table(table)
    assert cleaned["poor_rate"].tolist() == [0.085, 0.025] and checks.scaled == []


def test_outlier_fences_of_a_rate_are_said_within_0_and_100():
    frame = pd.DataFrame({"code": [f"{i:05d}" for i in range(8)], "name": list("abcdefgh"), "d": ["1"] * 8,
                          "poor_rate": [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 60.0]})
    (item,) = outliers_by_group(frame, by="d", columns=["poor_rate"])
    assert (item["code"], item["value"], item["low"]) == ("00007", 60, 0.0)
    assert item["high"] < 60


def test_a_rate_column_all_below_one_without_counts_gets_a_note():
    from geo.units import registry
    from geo.workflows.layer import build_layer

    reg = registry.units(province="20", level="commune", vintage="pre2025").head(6)
    table = pd.DataFrame({"code": reg["code"], "poor_rate": [0.085, 0.025, 0.1, 0.3, 0.05, 0.12]})
    layer = build_layer(boundaries="default", table=table, province="20", level="commune")
    assert layer.build.checks.maybe_fractions == ["poor_rate"] and "note.rates_maybe_fractions" in layer.notes
    assert layer.gdf.set_index("code").loc[reg["code"], "poor_rate"].tolist() == [0.085, 0.025, 0.1, 0.3, 0.05, 0.12]
    few = pd.DataFrame({"code": reg["code"].head(2), "poor_rate": [0.5, 0.7]})
    assert build_layer(boundaries="default", table=few, province="20", level="commune").build.checks.maybe_fractions == []
