import math

import pytest

from geo.text.i18n import format_number, format_percent
from geo.text.numbers import detect_style, parse_number, parse_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27.964", 27964),
        ("8,51", 8.51),
        ("8,51%", 8.51),
        ("8,51 %", 8.51),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("0,18", 0.18),
        ("0.18", 0.18),
        ("204.515", 204515),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("50", 50),
        ("(12)", -12),
        ("−3", -3),
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        (27964, 27964),
        (8.51, 8.51),
    ],
)
def test_parse_number_reads_both_styles(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "-", "–", "x", "N/A", None])
def test_blank_and_dashes_are_missing(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["abc", "12a", "1.2.3,4,5", True])
def test_non_numbers_raise(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_column_evidence_decides_ambiguous_cells():
    # "1,234" next to "8,51" is a Vietnamese decimal; alone it is a thousands group.
    assert parse_numbers(["8,51", "1,234"])[0] == pytest.approx([8.51, 1.234])
    assert parse_numbers(["27,964", "1,423"])[0] == pytest.approx([27964, 1423])
    assert parse_numbers(["1.423", "6.5"])[0] == pytest.approx([1.423, 6.5])
    assert detect_style(["27.964", "8,51"]) == "vi"
    assert detect_style(["50", "52"]) is None


def test_parse_numbers_reports_bad_positions():
    values, bad = parse_numbers(["1", "abc", "2"])
    assert bad == [1]
    assert values[0] == 1 and math.isnan(values[1])


def test_format_number_follows_language():
    assert format_number(27964) == "27.964"
    assert format_number(27964, lang="en") == "27,964"
    assert format_number(8.514, 2) == "8,51"
    assert format_number(1234.5, 2, "en") == "1,234.50"
    assert format_percent(8.51) == "8,51%"
    assert format_number(float("nan")) == "–"
