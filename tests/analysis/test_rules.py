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
