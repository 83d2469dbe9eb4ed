"""Poverty standards by period: one place, used by change maps and by table checks."""

from __future__ import annotations

from geo.analysis import standards as st


def test_years_fall_in_their_period():
    assert st.standard_for_year(2016).key == "2016-2020"
    assert st.standard_for_year(2020).key == "2016-2020"
    assert st.standard_for_year(2021).key == "2021-2025"
    assert st.standard_for_year(2025).key == "2021-2025"
    assert st.standard_for_year("2026").key == "2026-2030"
    assert st.standard_for_year(2030).key == "2026-2030"
    assert st.standard_for_year(2015) is None
    assert st.standard_for_year(None) is None
    assert st.standard_for_year(2021).basis == "multidimensional"
    assert "07/2021/NĐ-CP" in st.standard_for_year(2023).source
    assert st.standard_for_year(2018).basis == "income"


def test_declared_standard_wins_over_the_year():
    # Kế hoạch 78 plans its 2021 figures "theo chuẩn nghèo giai đoạn 2016-2020"
    declared = st.standard_from_text("DỰ KIẾN NĂM 2021 (Theo chuẩn nghèo giai đoạn 2016-2020)")
    assert declared.key == "2016-2020"
    assert st.standard_for_year(2021, declared=declared).key == "2016-2020"
    assert st.standard_for_year(2021, declared="2016–2020").key == "2016-2020"
    assert st.standard_from_text("Kế hoạch giai đoạn 2021-2025") is None  # no "chuẩn nghèo": not a declaration
    assert st.crosses_standards(2020, 2021, declared_to=declared) is False


def test_crossings_are_flagged_with_both_standards():
    assert st.crosses_standards(2020, 2021) is True
    assert st.crosses_standards(2022, 2024) is False
    assert st.crosses_standards(2025, 2026) is True
    change = st.standard_change(2020, 2022)
    assert (change.standard_from.key, change.standard_to.key) == ("2016-2020", "2021-2025")
    vi = change.message("vi")
    assert "2016–2020" in vi and "2021–2025" in vi and "đổi chuẩn nghèo" in vi
    assert "poverty standard changed" in change.message("en")
    assert st.standard_change(2014, 2016).standard_from is None  # unknown counts as a crossing
    assert st.standard_by_key("2026-2030").confirmed is False
