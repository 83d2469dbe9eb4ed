import pandas as pd
import pytest

from geo.analysis.indicators import aggregate, format_value, indicator_options, label, parse_column, pick_column


def test_columns_parse_and_are_offered_rates_first():
    assert parse_column("poor_rate_2020") == ("poor_rate", 2020)
    assert parse_column("households") == ("households", None)
    options = indicator_options(["households_2020", "poor_2020", "poor_rate_2020", "poor_rate_2021"])
    assert list(options)[0] == "poor_rate" and options["poor_rate"] == [2020, 2021]


def test_pick_column_year_plain_earliest_latest():
    cols = ["poor_2020", "poor_2021", "households"]
    assert pick_column(cols, "poor", 2021) == "poor_2021"
    assert pick_column(cols, "poor", 2019) is None
    assert pick_column(cols, "households") == "households"
    assert pick_column(cols, "poor") == "poor_2020"
    assert pick_column(cols, "poor", latest=True) == "poor_2021"
    assert pick_column(cols, "near_poor") is None


def test_aggregate_sums_counts_and_recomputes_rates():
    df = pd.DataFrame({
        "district": ["A", "A", "B"],
        "households_2020": [100, 300, 50],
        "poor_2020": [10, 30, 5],
        "poor_rate_2020": [99.0, 1.0, 10.0],  # deliberately wrong: must not be averaged
    })
    out = aggregate(df, "district").set_index("district")
    assert out.at["A", "households_2020"] == 400 and out.at["A", "poor_2020"] == 40
    assert out.at["A", "poor_rate_2020"] == pytest.approx(10.0)


def test_aggregate_does_not_sum_a_group_with_missing_counts():
    df = pd.DataFrame({"d": ["A", "A"], "households": [100, None], "poor": [10, 5]})
    out = aggregate(df, "d").set_index("d")
    assert pd.isna(out.at["A", "households"]) and out.at["A", "poor"] == 15


def test_labels_and_values_follow_the_language():
    assert label("poor_rate_2020") == "Tỷ lệ hộ nghèo (%) năm 2020"
    assert label("poor_rate_2020", "en") == "Poor household rate (%) in 2020"
    assert format_value(8.514, "poor_rate_2020") == "8,51%"
    assert format_value(1423, "poor_2020") == "1.423 hộ"
    assert format_value(float("nan"), "poor_2020") == "Không có dữ liệu"
