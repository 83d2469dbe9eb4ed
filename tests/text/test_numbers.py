"""Numbers typed either way (geo.text.numbers) and written the reader's way (geo.text.i18n).

Every value is compared exactly: a parsed "8,51" must be the float 8.51, not something close to it.
"""

import datetime as dt
import math

import numpy as np
import pytest

from geo.text.i18n import format_day, format_number, format_numbers, format_percent
from geo.text.numbers import detect_style, parse_number, parse_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27.964", 27964.0),
        ("8,51", 8.51),
        ("8,51%", 8.51),
        ("8,51 %", 8.51),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("0,18", 0.18),
        ("0.18", 0.18),
        ("0,125", 0.125),
        ("0.125", 0.125),
        ("-0,125", -0.125),
        ("204.515", 204515.0),
        ("27,964", 27964.0),
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1,2345", 1.2345),
        ("50", 50.0),
        ("+50", 50.0),
        ("(12)", -12.0),
        ("−3", -3.0),
        ("-27.964", -27964.0),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),
        ("1\u202f234,5", 1234.5),
        ("12'345", 12345.0),
        (27964, 27964.0),
        (8.51, 8.51),
        (np.int64(7), 7.0),
    ],
)
def test_parse_number_reads_both_styles(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        # A cell's own evidence wins over the column's style.
        ("1,234.5", "vi", 1234.5),
        ("1.234,5", "en", 1234.5),
        ("0,125", "en", 0.125),
        ("0.125", "vi", 0.125),
        ("8,51", "en", 8.51),
        ("1,234,567", "vi", 1234567.0),
        ("1.234.567", "en", 1234567.0),
        # Ambiguous cells follow the column.
        ("1,234", "vi", 1.234),
        ("1,234", "en", 1234.0),
        ("1.423", "en", 1.423),
        ("1.423", "vi", 1423.0),
        ("50", "vi", 50.0),
    ],
)
def test_cell_evidence_beats_column_style(text, style, expected):
    assert parse_number(text, style) == expected


@pytest.mark.parametrize("text", ["", "  ", "-", "–", "—", "x", "N/A", "na", "nan", "None", "...", None])
def test_blank_and_dashes_are_missing(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize(
    "text",
    ["abc", "12a", "1.2.3,4,5", "1,2,3.4.5", "1,234.567,8", "1.234,567.8", "1e5", "--5", ".", "(12", "12)", True, False],
)
def test_non_numbers_raise_with_the_value(text):
    with pytest.raises(ValueError) as raised:
        parse_number(text)
    assert raised.value.args == (text,)  # the caller can name the cell


def test_column_evidence_decides_ambiguous_cells():
    # "1,234" next to "8,51" is a Vietnamese decimal; alone it is a thousands group.
    assert parse_numbers(["8,51", "1,234"]) == ([8.51, 1.234], [])
    assert parse_numbers(["27,964", "1,423"]) == ([27964.0, 1423.0], [])
    assert parse_numbers(["1.423", "6.5"]) == ([1.423, 6.5], [])
    assert parse_numbers(["0,125", "27.964"]) == ([0.125, 27964.0], [])
    # A Vietnamese column: "27.964" is 27964, but a cell that proves English is read as English.
    assert parse_numbers(["8,51", "0,5", "27.964", "1,234.5"]) == ([8.51, 0.5, 27964.0, 1234.5], [])
    assert detect_style(["27.964", "8,51"]) == "vi"
    assert detect_style(["1,234.5", "8.51", "0,5"]) == "en"
    assert detect_style(["8,51", "8.51"]) == "vi"  # a tie goes to Vietnamese
    assert detect_style(["50", "52", 7, None]) is None
    # Each kind of evidence on its own: both separators, repeated groups, a decimal after 0.
    assert detect_style(["1.234,5"]) == "vi"
    assert detect_style(["1,234.5"]) == "en"
    assert detect_style(["1.234.567"]) == "vi"
    assert detect_style(["1,234,567"]) == "en"
    assert detect_style(["0,125"]) == "vi"
    assert detect_style(["0.125"]) == "en"
    assert detect_style(["1.234,5", "1,234,567", "1,234.5"]) == "en"  # two votes to one
    assert detect_style(["27.964", "1,423"]) is None


def test_parse_numbers_reports_bad_positions():
    values, bad = parse_numbers(["1", "abc", "2", "", "x1"])
    assert bad == [1, 4]
    assert values[0] == 1.0 and values[2] == 2.0
    assert [math.isnan(v) for v in values] == [False, True, False, True, True]


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (27964, 0, "vi", "27.964"),
        (27964, 0, "en", "27,964"),
        (8.514, 2, "vi", "8,51"),
        (8.514, 2, "en", "8.51"),
        (1234.5, 2, "en", "1,234.50"),
        (1234.5, 1, "vi", "1.234,5"),
        (-1234.5, 1, "vi", "-1.234,5"),
        (1234567.891, 2, "vi", "1.234.567,89"),
        (0.5, 0, "vi", "0"),  # Babel rounds half to even
        (1.5, 0, "vi", "2"),
        (2.675, 2, "en", "2.68"),  # the decimal value as written, not its binary neighbour 2.67499...
        (-0.4, 0, "vi", "0"),  # no "-0"
        (-0.004, 2, "en", "0.00"),
        (np.int64(27964), 0, "vi", "27.964"),
        (np.float64(8.514), 2, "vi", "8,51"),
        (True, 0, "vi", "1"),
        (27964, 0, "fr", "27.964"),  # unknown language: Vietnamese
    ],
)
def test_format_number_follows_language(value, decimals, lang, expected):
    assert format_number(value, decimals, lang) == expected


def test_missing_values_and_percent():
    assert format_number(None) == "–"
    assert format_number(float("nan")) == "–"
    assert format_number(np.nan, 2, "en", missing="") == ""
    assert format_percent(8.514) == "8,51%"
    assert format_percent(8.514, 1, "en") == "8.5%"
    assert format_percent(None) == "–"


def test_format_numbers_is_format_number_over_a_list():
    values = [0.0, 8.514, 1234.5, 27964, 2.675, 1e6, -3.25, None, float("nan"), np.float64(-0.001)]
    for lang in ("vi", "en"):
        for decimals in (0, 1, 2):
            assert format_numbers(values, decimals, lang) == [format_number(v, decimals, lang) for v in values]
    assert format_numbers([1234.5, None], 1, "vi", missing=None) == ["1.234,5", None]


def test_format_day():
    assert format_day(dt.date(2025, 7, 1)) == "01/07/2025"
    assert format_day(dt.date(2025, 7, 1), "en") == "2025-07-01"
    assert format_day(dt.datetime(2024, 12, 31, 23, 59), "vi") == "31/12/2024"


@pytest.mark.parametrize("value", [0.0, 8.51, 1234.5, 27964.0, 1234567.25, -0.125])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_what_is_written_reads_back(value, lang):
    assert parse_number(format_number(value, 3, lang), lang) == value


def test_an_ambiguous_cell_of_a_rate_column_is_a_decimal():
    from geo.text.numbers import parse_numbers

    assert parse_numbers(["12,500", "8,250", "0,18"], upper=100)[0] == [12.5, 8.25, 0.18]
    assert parse_numbers(["12.500", "27.964"], upper=100)[0] == [12.5, 27.964]
    assert parse_numbers(["27.964", "1.423"])[0] == [27964.0, 1423.0]  # counts: thousands, as before
    assert parse_numbers(["150", "1.234.567"], upper=100)[0] == [150.0, 1234567.0]  # no lone separator: kept
