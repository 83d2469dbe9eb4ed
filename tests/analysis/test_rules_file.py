"""Rules files: YAML schema, errors naming file and key (geo.analysis.rules_file)."""

from pathlib import Path

import pytest
import yaml

from geo._errors import GeoError
from geo.analysis.rules_file import load_rules, rules_from_yaml, rules_to_yaml

ROOT = Path(__file__).resolve().parents[2]


def test_example_rules_file_loads():
    rules = load_rules(ROOT / "docs" / "rules_example.yaml")
    assert [t.rule.text for t in rules.tiers][0] == "(border or zone_iii) and poor_rate_2020 >= 20"
    assert rules.score.bonuses["atk"] == 5 and rules.tie_break == "poor_rate_2020"
    assert rules_from_yaml(rules_to_yaml(rules)) == rules


@pytest.mark.parametrize("doc, code, where", [
    ({"tiers": [{"label": "A", "when": "border"}], "weigths": {}}, "rules_unknown_key", "weigths"),
    ({"tiers": [{"label": "A", "when": "border"}, {"label": "B", "when": "poor_rate >="}]}, "rules_bad_rule",
     "tiers[1].when"),
    ({"tiers": [{"label": "A"}]}, "rules_missing_key", "tiers[0].when"),
    ({"tiers": "border"}, "rules_bad_value", "tiers"),
    ({"tiers": [], "score": {"weights": {"poor_rate": "cao"}}}, "rules_bad_value", "score.weights.poor_rate"),
    ({"tiers": [], "score": {"bonuses": {"atk": -1}}}, "rules_bad_value", "score.bonuses.atk"),
    ({"tiers": [], "designations_on": "30/6/2021"}, "rules_bad_value", "designations_on"),
    ({"name": "x"}, "rules_missing_key", "tiers"),
])
def test_rules_file_errors_name_file_and_key(tmp_path, doc, code, where):
    path = tmp_path / "quy_tac.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GeoError) as err:
        load_rules(path)
    assert err.value.code == code
    for lang in ("vi", "en"):
        message = err.value.message(lang)
        assert "quy_tac.yaml" in message and where in message


def test_rules_yaml_syntax_error_gives_the_line(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("tiers:\n  - label: A\n    when: [unclosed\n", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        load_rules(path)
    assert err.value.code == "rules_yaml_syntax" and "r.yaml" in err.value.message("vi")


def test_rules_yaml_is_never_executed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("tiers: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        load_rules(path)
    assert err.value.code == "rules_yaml_syntax"
