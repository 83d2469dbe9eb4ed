"""The rule expression language (geo.analysis.rules)."""

import pytest

from geo._errors import GeoError
from geo.analysis.rules import Rule


@pytest.mark.parametrize("text, parts", [
    ("(border or zone_iii) and poor_rate_2020 >= 20", (["border", "zone_iii"], ["poor_rate_2020"])),
    ("(border hoặc zone_iii) VÀ poor_rate ≥ 20,5", (["border", "zone_iii"], ["poor_rate"])),
    ("10 <= poor_rate < 20 and không atk", (["atk"], ["poor_rate"])),
    ("poor_rate = 20", ([], ["poor_rate"])),
])
def test_expression_syntax(text, parts):
    rule = Rule(text)
    assert (rule.flags, rule.indicators) == parts


def test_expression_semantics():
    rule = Rule("10 <= poor_rate < 20 and not atk")
    assert rule.evaluate(set(), {"poor_rate": 15})[0] is True
    assert rule.evaluate({"atk"}, {"poor_rate": 15})[0] is False
    assert rule.evaluate(set(), {"poor_rate": 20})[0] is False
    assert rule.evaluate(set(), {"poor_rate": None})[0] is None
    either = Rule("border or poor_rate > 5")
    assert either.evaluate({"border"}, {"poor_rate": None})[0] is True
    assert Rule("poor_rate >= 20,5").evaluate(set(), {"poor_rate": 20.5})[0] is True


@pytest.mark.parametrize("text, code", [
    ("__import__('os').system('echo hacked')", "rule_not_allowed"),
    ("open('x') or border", "rule_not_allowed"),
    ("border.real", "rule_not_allowed"),
    ("poor_rate + 1 > 2", "rule_compare"),
    ("poor_rate > near_poor_rate", "rule_compare"),
    ("poor_rate > 'a'", "rule_compare"),
    ("poor_rate in [1, 2]", "rule_not_allowed"),
    ("border and", "rule_syntax"),
    ("", "rule_syntax"),
    ("(" * 600 + "border" + ")" * 600, "rule_too_long"),
])
def test_expressions_outside_the_grammar_are_refused(text, code):
    with pytest.raises(GeoError) as err:
        Rule(text)
    assert err.value.code == code


# ---------------------------------------------------------------------------
# Helpers, value by value (mutation check: docs/mutation.md)
# ---------------------------------------------------------------------------
def test_short_cuts_long_text_for_a_message():
    from geo.analysis.rules import _short

    assert _short("a" * 60) == "a" * 60
    assert _short("a" * 61) == "a" * 59 + "…"
    assert _short(12345, 3) == "12…"


def test_manual_decision_is_checked_and_tidied():
    from geo.analysis.rules import ManualDecision

    decision = ManualDecision(code=" 06250 ", action="include", reason="  xã  biên\tgiới ", tier=2.0)
    assert (decision.code, decision.reason, decision.tier) == ("06250", "xã biên giới", 2)
    assert type(decision.tier) is int
    assert ManualDecision(code=6250, action="exclude", reason="x").tier is None
    cases = [({"action": "add"}, ("manual_invalid", {"code": "1", "field": "action", "value": "add"})),
             ({"reason": "  "}, ("manual_reason_required", {"code": "1"})),
             ({"reason": None}, ("manual_reason_required", {"code": "1"})),
             ({"tier": True}, ("manual_invalid", {"code": "1", "field": "tier", "value": True})),
             ({"tier": 1.5}, ("manual_invalid", {"code": "1", "field": "tier", "value": 1.5})),
             ({"tier": 0}, ("manual_invalid", {"code": "1", "field": "tier", "value": 0}))]
    for change, (code, params) in cases:
        with pytest.raises(GeoError) as err:
            ManualDecision(**{"code": "1", "action": "include", "reason": "r", **change})
        assert (err.value.code, err.value.params) == (code, params)
    assert ManualDecision(code="1", action="include", reason="r", tier=1).tier == 1


def test_indicator_headers_and_thresholds_as_written():
    from geo.analysis.rules import format_threshold, indicator_header

    assert indicator_header("poor_rate_2020", "vi") == "Tỷ lệ hộ nghèo (%) 2020"
    assert indicator_header("households", "en") == "Households"
    assert indicator_header("so_nguoi_dtts_2020", "en") == "so_nguoi_dtts_2020"
    assert indicator_header("poor_rate_1899", "en") == "poor_rate_1899"
    assert [format_threshold(v) for v in (20.0, 17.5, 1 / 3, "5", -2)] == ["20", "17.5", "0.333333", "5", "-2"]


def test_a_negated_group_follows_de_morgan():
    from geo.analysis.rules import parse_rule

    both = parse_rule("not (atk and poor_rate >= 20)")  # = not atk or poor_rate < 20
    assert [both.evaluate(flags, {"poor_rate": v})[0] for flags, v in
            ((set(), 30), ({"atk"}, 30), ({"atk"}, 10))] == [True, False, True]
    either = parse_rule("không (atk hoặc poor_rate >= 20)")  # = not atk and poor_rate < 20
    assert [either.evaluate(flags, {"poor_rate": v})[0] for flags, v in
            ((set(), 10), (set(), 30), ({"atk"}, 10))] == [True, False, False]
    assert parse_rule("border").flags == ["border"]


def test_numbers_in_a_rule_keep_their_sign_and_refuse_infinity():
    from geo.analysis.rules import parse_rule

    assert parse_rule("poor_rate > -5").evaluate(set(), {"poor_rate": -4})[0] is True
    assert parse_rule("poor_rate > -+-5").evaluate(set(), {"poor_rate": 4})[0] is False  # - + - 5 = 5
    assert parse_rule("poor_rate > +5").evaluate(set(), {"poor_rate": 6})[0] is True
    with pytest.raises(GeoError) as err:
        parse_rule("poor_rate > 1e999")
    assert (err.value.code, err.value.params) == ("rule_number", {"expression": "poor_rate > 1e999",
                                                                  "number": "inf"})


def test_weights_are_finite_and_not_negative():
    from geo.analysis.rules import Weight

    weight = Weight("poor_rate", "2", 0)
    assert (weight.weight, weight.higher_is_need) == (2.0, False)
    assert Weight("poor_rate", 0).weight == 0.0
    for bad in ("abc", None, -0.5, float("inf"), float("nan")):
        with pytest.raises(GeoError) as err:
            Weight("poor_rate", bad)
        assert err.value.code == "score_bad_weight"
        assert err.value.params["column"] == "poor_rate"
        assert err.value.params["value"] is bad


def test_indicator_words_and_compact_numbers():
    from geo.analysis.rules import compact_number, indicator_label

    labels = {"dtts": {"vi": "tỷ lệ người DTTS"}, "empty": {"en": ""}}
    assert indicator_label("dtts", "en", labels) == "tỷ lệ người DTTS"  # Vietnamese when English is not given
    assert indicator_label("empty", "en", labels) == "empty"
    assert indicator_label("so_ho_2020", "en") == "so_ho (2020)"
    assert [compact_number(v, "vi", p) for v, p in ((24.3, True), (20.0, False), (1234.567, False))] == [
        "24,3%", "20", "1.234,57"]
    assert compact_number(20.5, "en", True) == "20.5%"


def test_mutation_survivors_of_the_second_run():
    from geo.analysis.rules import Weight, indicator_header, indicator_label, parse_rule

    assert Weight("poor_rate", 1, 0).higher_is_need is False
    assert Weight("poor_rate", 1, 1).higher_is_need is True
    assert indicator_label("dtts", "en", {"dtts": {"en": "DTTS share"}}) == "DTTS share"
    assert indicator_header("poor_rate_2020", "en") == "Poor household rate (%) 2020"
    with pytest.raises(GeoError) as err:
        parse_rule("poor_rate > " + "9" * 400)  # a 400-digit integer: too large for a float
    assert err.value.code == "rule_number"
