"""The rule builder's model (geo.analysis.rule_form): form ⇄ expression ⇄ YAML ⇄ words."""

import pytest

from geo._errors import GeoError
from geo.analysis.rule_form import (
    edited_rules,
    form_choices,
    form_or_none,
    label_after_edit,
    TierForm,
    form_from_rule,
    form_from_tier,
    forms_of,
    rules_from_forms,
    score_formula,
    split_column,
)
from geo.analysis.rules import RuleSet, ScoreSpec, Tier, Weight
from geo.analysis.rules_file import rules_from_yaml, rules_to_yaml

BORDER_OR_III = TierForm(designations=("border", "zone_iii"), indicator="poor_rate", threshold=20, year="2024")


@pytest.mark.parametrize(("form", "expression", "vi", "en"), [
    (BORDER_OR_III, "(border or zone_iii) and poor_rate_2024 >= 20",
     "Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 20%",
     "Border commune or zone III commune, and poor rate in 2024 ≥ 20%"),
    (TierForm(designations=("atk",)), "atk", "Xã an toàn khu (ATK)", "Safe-zone (ATK) commune"),
    (TierForm(indicator="poor_rate", op=">", threshold=17.5), "poor_rate > 17.5",
     "Tỷ lệ hộ nghèo > 17,5%", "Poor rate > 17.5%"),
    (TierForm(designations=("border",), join="or", indicator="near_poor_rate", op="<", threshold=5, year="2020"),
     "border or near_poor_rate_2020 < 5",
     "Xã biên giới, hoặc tỷ lệ hộ cận nghèo năm 2020 < 5%", "Border commune, or near-poor rate in 2020 < 5%"),
    (TierForm(designations=("p135",), indicator="poor_rate", threshold=30), "p135 and poor_rate >= 30",
     "Xã thuộc Chương trình 135, và tỷ lệ hộ nghèo ≥ 30%", "Program 135 commune, and poor rate ≥ 30%"),
])
def test_form_expression_and_words(form, expression, vi, en):
    assert form.expression() == expression
    assert (form.words("vi"), form.words("en")) == (vi, en)
    assert form_from_rule(expression) == form
    assert form.tier("vi") == Tier(vi, expression)


def test_incomplete_comparison_is_left_out_and_empty_row_refused():
    assert TierForm(designations=("atk",), indicator="poor_rate").expression() == "atk"
    with pytest.raises(GeoError) as err:
        TierForm(indicator="poor_rate").rule()
    assert err.value.code == "rule_form_empty"


@pytest.mark.parametrize("text", [
    "not border", "10 <= poor_rate < 20", "(border and atk) or poor_rate >= 20", "border and atk",
    "border or poor_rate >= 20 or near_poor_rate >= 10",
])
def test_richer_rules_stay_advanced(text):
    assert form_from_rule(text) is None


# The rule language's own "or" (a rule text, not a Python operator).
REVERSED = "20 <= poor_rate_2024 and (border or zone_iii)"
WRITTEN = "when: (border or zone_iii) and poor_rate_2024 >= 20"


def test_reversed_and_vietnamese_words_read_back():
    assert form_from_rule("poor_rate_2024 ≥ 20 VÀ (border hoặc zone_iii)") == BORDER_OR_III
    assert form_from_rule(REVERSED) == BORDER_OR_III


def test_label_follows_the_rule_unless_renamed():
    followed = form_from_tier(Tier("Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 20%",
                                   BORDER_OR_III.expression()))
    assert followed.label == ""
    changed = TierForm(**{**followed.__dict__, "threshold": 25.0})
    assert changed.tier("vi").label == "Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 25%"
    renamed = form_from_tier(Tier("Nhóm đặc biệt khó khăn", BORDER_OR_III.expression()))
    assert renamed.label == "Nhóm đặc biệt khó khăn"
    assert TierForm(**{**renamed.__dict__, "threshold": 25.0}).tier("vi").label == "Nhóm đặc biệt khó khăn"
    english = form_from_tier(Tier(BORDER_OR_III.words("en"), BORDER_OR_III.expression()), "vi")
    assert english.label == ""  # the words in the other language are not a rename either


def test_form_yaml_round_trip():
    forms = [BORDER_OR_III, TierForm(indicator="poor_rate", threshold=20, year="2024", label="Nghèo cao")]
    rules = rules_from_forms(forms, lang="vi", base=RuleSet(score=ScoreSpec(weights=(Weight("poor_rate_2024", 2),))))
    text = rules_to_yaml(rules)
    assert WRITTEN in text
    assert "label: Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 20%" in text
    back = rules_from_yaml(text)
    assert back == rules
    assert forms_of(back, "vi") == forms


def test_split_column():
    assert split_column("poor_rate_2024") == ("poor_rate", "2024")
    assert split_column("households") == ("households", None)


@pytest.mark.parametrize(("field", "value"), [("join", "xor"), ("op", "=>"), ("threshold", "1e999"),
                                              ("threshold", "abc"), ("year", "24")])
def test_bad_controls_are_geo_errors(field, value):
    with pytest.raises(GeoError) as err:
        TierForm(designations=("atk",), **{field: value})
    assert (err.value.code, err.value.params["field"]) == ("rule_form_invalid", field)


def test_score_formula_in_words():
    spec = ScoreSpec(weights=(Weight("poor_rate_2020", 2), Weight("near_poor_rate_2020", 1),
                              Weight("clean_water", 0.5, higher_is_need=False)), bonuses={"border": 10, "atk": 5})
    assert score_formula(spec, lang="vi") == (
        "Điểm = 100 × (2 × tỷ lệ hộ nghèo (2020) + 1 × tỷ lệ hộ cận nghèo (2020) + 0,5 × (1 − clean_water)) ÷ 3,5"
        " + điểm cộng theo diện (Xã biên giới +10; Xã an toàn khu (ATK) +5)")
    assert score_formula(ScoreSpec(weights=(Weight("poor_rate_2020", 1.5),), bonuses={"atk": 2.5}), lang="en") == (
        "Score = 100 × (1.5 × poor rate (2020)) ÷ 1.5 + points per designation (Safe-zone (ATK) commune +2.5)")
    assert score_formula(ScoreSpec(), lang="en") == "Score = 0"


def test_form_or_none_reads_empty_simple_and_rich_text():
    assert form_or_none("") == TierForm()
    assert form_or_none("border and poor_rate_2024 >= 20") == TierForm(
        designations=("border",), indicator="poor_rate", threshold=20, year="2024")
    assert form_or_none("not border") is None
    assert form_or_none("border and (") is None  # not a rule at all: stays under "Nâng cao"


def test_label_after_edit_follows_unless_renamed():
    form = TierForm(designations=("border", "zone_iii"), indicator="poor_rate", threshold=20, year="2024")
    words = "Xã biên giới hoặc xã khu vực III, và tỷ lệ hộ nghèo năm 2024 ≥ 20%"
    assert label_after_edit("  ", form) == (False, words)
    assert label_after_edit("Ưu tiên 1", form, auto={"Ưu tiên 1"}) == (False, words)
    assert label_after_edit("Vùng   cao", form) == (True, None)
    assert label_after_edit(words, form) == (False, None)
    assert label_after_edit("", TierForm()) == (False, None)
    assert label_after_edit("", None) == (False, None)


def test_form_choices_keep_what_the_row_holds():
    got = form_choices(["poor_rate_2020", "poor_rate_2024", "near_poor_rate_2024"], kinds=["border", "atk"],
                       designations=["p135"], indicator="poor_rate", year="2019")
    assert got.designations == ("border", "atk", "p135")
    assert got.indicators == ("", "poor_rate", "near_poor_rate")
    assert got.years == ("", "2020", "2024", "2019")
    assert form_choices([], kinds=[]).indicators == ("",)


def test_edited_rules_keep_the_base_and_drop_a_missing_tie_break():
    base = RuleSet(tiers=(Tier("A", "border"),), tie_break="poor_rate_2020", name="X", description="Y")
    tiers = (Tier("B", "poor_rate_2020 >= 20"),)
    got = edited_rules(base, tiers=tiers, score=ScoreSpec(bonuses={"border": 3}), columns=["code", "poor_rate_2020"])
    assert (got.tiers, got.tie_break, got.name, got.description) == (tiers, "poor_rate_2020", "X", "Y")
    assert got.score.bonuses == {"border": 3}
    assert edited_rules(base, tiers=tiers, score=ScoreSpec(), columns=["code"]).tie_break is None
