"""The one indicator-kind table (geo.text.kinds) and the modules that ask it."""

import pandas as pd
import pytest

from geo.text import kinds
from geo.text.kinds import BASES, COUNT_INDICATORS, INDICATORS, indicator_kind, is_rate, parse_column, value_kind


@pytest.mark.parametrize(
    ("column", "kind", "rate", "shown_as"),
    [
        ("households", "count", False, "households"),
        ("poor_2020", "count", False, "households"),
        ("near_poor_reduced_2023", "count", False, "households"),
        ("poor_rate", "rate", True, "percent"),
        ("near_poor_rate_2021", "rate", True, "percent"),
        ("poor_rate_reduced", "points", True, "number"),
        ("literacy_pct", "rate", True, "percent"),
        ("ty_le_ngheo", "rate", True, "percent"),
        ("tỷ lệ %", "rate", True, "percent"),
        ("percent_poor", "rate", True, "percent"),
        ("area_km2", None, False, "number"),
        ("score", None, False, "number"),
        ("separate", None, False, "number"),  # "rate" inside a word is not a rate
    ],
)
def test_kind_of_each_column(column, kind, rate, shown_as):
    assert indicator_kind(column) == kind
    assert is_rate(column) is rate
    assert value_kind(column) == shown_as


def test_table_lists():
    assert INDICATORS == tuple(BASES)
    assert COUNT_INDICATORS == ("households", "poor", "near_poor", "poor_reduced", "near_poor_reduced")
    assert [BASES[b].numerator for b in ("poor_rate", "near_poor_rate")] == ["poor", "near_poor"]
    assert parse_column("poor_rate_1999") == ("poor_rate", 1999)
    assert parse_column("poor_rate_2100") == ("poor_rate_2100", None)


def test_every_user_asks_the_same_table():
    from geo.analysis import indicators, reform, rules
    from geo.io import tables
    from geo.render import webmap

    assert indicators.BASES is BASES and indicators.is_rate is kinds.is_rate
    assert tables.INDICATORS is INDICATORS and tables.COUNT_INDICATORS is COUNT_INDICATORS
    assert reform.is_rate is kinds.is_rate and rules.is_rate is kinds.is_rate
    assert webmap.guess_value_kind is kinds.value_kind


def test_units_and_values_follow_the_kind():
    from geo.analysis.indicators import format_value, unit_label

    assert unit_label("literacy_pct") == "%"
    assert unit_label("poor_2020", "en") == "households"
    assert unit_label("area_km2") == ""
    assert format_value(8.514, "poor_rate_2020") == "8,51%"
    assert format_value(1423, "poor", "en") == "1,423 households"


def test_webmap_writes_values_by_kind():
    from geo.render import webmap

    values = pd.Series([8.514, None])
    assert webmap._format_values(values, value_kind("poor_rate"), "vi", 2) == ["8,51%", "Không có dữ liệu"]
    assert webmap._format_values(pd.Series([27964]), value_kind("poor_2021"), "en", 0) == ["27,964 households"]
