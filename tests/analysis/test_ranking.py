"""Ranking: tiers, reasons, ties, score, manual decisions (geo.analysis.ranking)."""

import datetime as dt

import numpy as np

import pandas as pd
import pytest

from geo._errors import GeoError
from geo.analysis.ranking import rank, ranking_table, rule_warnings
from geo.analysis.rules import ManualDecision, RuleSet, ScoreSpec, Tier, Weight
from geo.units.designations import Designation, builtin_designations
from tests._priority_units import _by_code, designations, rules, units  # noqa: F401 (fixtures)


def test_tiers_match_the_hand_checked_table(units, designations, rules):
    ranked = rank(units, designations=designations, rules=rules)
    # Written by hand from the rules:
    # 06103 zone III, 30% -> 1; 06508 border, 24.3% -> 1; 06274 border but 10% -> 2 (10 >= 10);
    # 06364 ATK -> 2; 06358 ATK -> 2; 06433 5%, nothing -> no tier.
    tiers = {k: (None if pd.isna(v) else int(v)) for k, v in _by_code(ranked, "tier").items()}
    assert tiers == {"06103": 1, "06508": 1, "06274": 2, "06364": 2, "06358": 2, "06433": None}
    assert _by_code(ranked, "selected") == {"06103": True, "06508": True, "06274": True, "06364": True,
                                            "06358": True, "06433": False}
    assert _by_code(ranked, "tier_label")["06274"] == "Ưu tiên 2"
    assert _by_code(ranked, "designations") == {"06103": "zone_iii", "06508": "border", "06274": "border",
                                                "06364": "atk", "06358": "atk", "06433": ""}
    # score = 100 * (x - 5) / (30 - 5)
    assert _by_code(ranked, "score") == pytest.approx({"06103": 100.0, "06508": 77.2, "06364": 76.0,
                                                       "06274": 20.0, "06358": 20.0, "06433": 0.0})
    assert ranked["code"].tolist() == ["06103", "06508", "06364", "06274", "06358", "06433"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5, 6]


def test_reasons_name_the_parts_of_the_rule_that_fired(units, designations, rules):
    vi = _by_code(rank(units, designations=designations, rules=rules), "reasons")
    assert vi["06508"] == "Xã biên giới; tỷ lệ hộ nghèo 24,3% ≥ 20%"
    assert vi["06103"] == "Xã khu vực III; tỷ lệ hộ nghèo 30% ≥ 20%"
    assert vi["06274"] == "Tỷ lệ hộ nghèo 10% ≥ 10%"
    assert vi["06364"] == "Xã an toàn khu (ATK); tỷ lệ hộ nghèo 24% ≥ 10%"
    assert vi["06433"] == ""
    en = _by_code(rank(units, designations=designations, rules=rules, lang="en"), "reasons")
    assert en["06508"] == "Border commune; poor rate 24.3% ≥ 20%"
    assert en["06364"] == "Safe-zone (ATK) commune; poor rate 24% ≥ 10%"


def test_reasons_for_negations_years_and_custom_labels(units, designations):
    data = units.rename(columns={"poor_rate": "poor_rate_2020"})
    rules = RuleSet(tiers=(Tier("A", "not atk and poor_rate_2020 > 24,1"),), labels={})
    reasons = _by_code(rank(data, designations=designations, rules=rules), "reasons")
    assert reasons["06508"] == "Không phải xã an toàn khu (ATK); tỷ lệ hộ nghèo (2020) 24,3% > 24,1%"
    assert reasons["06364"] == ""  # ATK: "not atk" fails
    labelled = RuleSet(tiers=rules.tiers, labels={"poor_rate_2020": {"vi": "tỷ lệ nghèo", "en": "poverty"}})
    en = _by_code(rank(data, designations=designations, rules=labelled, lang="en"), "reasons")
    assert en["06508"] == "Not safe-zone (ATK) commune; poverty 24.3% > 24.1%"


def test_ties_are_broken_by_poor_rate_then_code_whatever_the_input_order(units, designations):
    rules = RuleSet(tiers=(Tier("T", "poor_rate >= 0"),))  # no weights: every score is 0
    expected = ["06103", "06508", "06364", "06274", "06358", "06433"]
    for seed in range(5):
        shuffled = units.sample(frac=1, random_state=seed)
        ranked = rank(shuffled, designations=designations, rules=rules)
        assert ranked["code"].tolist() == expected
        assert ranked["rank"].tolist() == list(range(1, 7))


def test_score_weights_direction_and_bonuses(units, designations):
    spec = ScoreSpec(weights=(Weight("poor_rate", 2), Weight("households", 1, higher_is_need=False)), bonuses={"atk": 5})
    ranked = rank(units, designations=designations, rules=RuleSet(score=spec))
    # 06364: poor_rate (24-5)/25 = 0.76; households (1000-500)/800 = 0.625 -> 100*(2*0.76+0.625)/3 + 5
    assert _by_code(ranked, "score")["06364"] == pytest.approx(76.5)
    # 06433: poor_rate 0, households (1000-1000)/800 = 0 -> 0
    assert _by_code(ranked, "score")["06433"] == pytest.approx(0.0)
    assert not ranked["selected"].any()  # no tiers: nothing selected, still ranked by score
    assert ranked["code"].iloc[0] == "06103"  # 100*(2*1 + 0.875)/3 = 95.83


def test_manual_include_and_exclude_show_in_tier_and_reasons(units, designations, rules):
    manual = [
        ManualDecision("06433", "include", "Lũ quét tháng 9/2024"),
        ManualDecision("06508", "exclude", "Đã có dự án ODA"),
        ManualDecision("06358", "include", "Xã ATK, đề nghị của huyện", tier=1),
    ]
    ranked = rank(units, designations=designations, rules=rules, manual=manual)
    row = ranked.set_index("code")
    assert row.at["06433", "tier"] == 2 and pd.isna(row.at["06433", "rule_tier"]) and row.at["06433", "selected"]
    assert row.at["06433", "reasons"] == "Đưa vào thủ công: Lũ quét tháng 9/2024"
    assert pd.isna(row.at["06508", "tier"]) and row.at["06508", "rule_tier"] == 1 and not row.at["06508", "selected"]
    assert row.at["06508", "reasons"] == "Loại ra thủ công: Đã có dự án ODA; Xã biên giới; tỷ lệ hộ nghèo 24,3% ≥ 20%"
    assert row.at["06508", "manual"] == "exclude" and row.at["06508", "manual_reason"] == "Đã có dự án ODA"
    assert row.at["06358", "tier"] == 1
    en = rank(units, designations=designations, rules=rules, manual=manual, lang="en").set_index("code")
    assert en.at["06433", "reasons"] == "Included by hand: Lũ quét tháng 9/2024"
    assert en.at["06508", "reasons"].startswith("Excluded by hand: Đã có dự án ODA; Border commune")
    with pytest.raises(GeoError) as err:
        ManualDecision("06433", "include", "  ")
    assert err.value.code == "manual_reason_required"
    with pytest.raises(GeoError) as err:
        rank(units, designations=designations, rules=rules, manual=[ManualDecision("99999", "exclude", "x")])
    assert err.value.code == "manual_unknown_code"


def test_hand_untag_changes_the_tier(units, designations, rules):
    untagged = designations.untag("06508", "border", note="Không giáp biên (rà soát 2024)")
    ranked = rank(units, designations=untagged, rules=rules).set_index("code")
    assert ranked.at["06508", "tier"] == 2  # still 24.3% >= 10
    assert ranked.at["06508", "reasons"] == "Tỷ lệ hộ nghèo 24,3% ≥ 10%"


def test_missing_values_are_unknown_not_true(units, designations):
    data = units.assign(poor_rate=[24.0, 10.0, 30.0, 10.0, np.nan, 5.0])
    rules = RuleSet(tiers=(Tier("T", "not (poor_rate >= 20)"),))
    ranked = rank(data, designations=designations, rules=rules).set_index("code")
    assert pd.isna(ranked.at["06508", "tier"])
    assert ranked.at["06274", "reasons"] == "Tỷ lệ hộ nghèo 10% < 20%"
    warnings = rule_warnings(data, designations=designations, rules=RuleSet(tiers=(Tier("T", "p135 or poor_rate > 1"),)))
    assert any("'p135'" in w for w in warnings) and any("1 đơn vị thiếu số liệu 'poor_rate'" in w for w in warnings)


def test_unknown_names_are_reported_with_what_exists(units, designations):
    with pytest.raises(GeoError) as err:
        rank(units, designations=designations, rules=RuleSet(tiers=(Tier("T", "borde and poor_rate > 1"),)))
    assert err.value.code == "rule_unknown_name" and "borde" in err.value.message("vi")
    with pytest.raises(GeoError) as err:
        rank(units, designations=designations, rules=RuleSet(tiers=(Tier("T", "poor_rate"),)))
    assert err.value.code == "rule_flag_is_indicator"
    with pytest.raises(GeoError) as err:
        rank(units, designations=designations, rules=RuleSet(score=ScoreSpec(weights=(Weight("poverty", 1),))))
    assert err.value.code == "score_unknown_column"


def test_ranking_table_has_translated_headers(units, designations, rules):
    table = ranking_table(rank(units, designations=designations, rules=rules), lang="vi", indicators=["poor_rate"])
    assert list(table.columns[:3]) == ["Thứ tự", "Mã đơn vị", "Tên đơn vị"]
    assert table["Diện chính sách"].iloc[0] == "Xã khu vực III" and table["Được chọn"].iloc[-1] == "Không"


def test_expired_designations_give_no_tier(units):
    """A designation counts only inside its validity period (mutation: rank ignores ``rules.on``)."""
    border = builtin_designations(province=20).add(
        Designation(type="border", code="06508", origin="imported", source="danh sách thử",
                    valid_from=dt.date(2016, 1, 1), valid_to=dt.date(2020, 12, 31)),
        Designation(type="border", code="06274", origin="imported", source="danh sách thử",
                    valid_from=dt.date(2021, 1, 1)),
    )
    tiers = (Tier("Biên giới", "border"),)
    in_2024 = rank(units, designations=border, rules=RuleSet(tiers=tiers, on=dt.date(2024, 1, 1)))
    tiers_2024 = {c: (None if pd.isna(v) else int(v)) for c, v in _by_code(in_2024, "tier").items()}
    assert tiers_2024 == {"06364": None, "06358": None, "06103": None, "06274": 1, "06508": None, "06433": None}
    assert _by_code(in_2024, "designations")["06508"] == ""
    in_2019 = rank(units, designations=border, rules=RuleSet(tiers=tiers, on=dt.date(2019, 6, 1)))
    tiers_2019 = {c: (None if pd.isna(v) else int(v)) for c, v in _by_code(in_2019, "tier").items()}
    assert tiers_2019 == {"06364": None, "06358": None, "06103": None, "06274": None, "06508": 1, "06433": None}
