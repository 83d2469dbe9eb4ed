"""Rules files: YAML schema, errors naming file and key (geo.analysis.rules_file)."""

from pathlib import Path

import pytest
import yaml

from geo._errors import GeoError
from geo.analysis.rules_file import load_rules, rules_from_yaml, rules_to_yaml

ROOT = Path(__file__).resolve().parents[2]


def test_example_rules_file_loads():
    rules = load_rules(ROOT / "docs" / "rules_example.yaml")
    first = "(border or zone_iii) and poor_rate_2020 >= 20"
    assert [t.rule.text for t in rules.tiers][0] == first
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


# ---------------------------------------------------------------------------
# Hostile rules files: a GeoError within bounds, never OverflowError/RecursionError/MemoryError
# ---------------------------------------------------------------------------
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
) + "tiers: *j\n"


def _refused(text: str, *, path="hostile.yaml") -> GeoError:
    with pytest.raises(GeoError) as err:
        rules_from_yaml(text, path=path)
    for lang in ("vi", "en"):
        assert len(err.value.message(lang)) < 400 and path in err.value.message(lang)
    return err.value


def test_alias_bomb_is_refused_before_it_expands():
    err = _refused(BOMB)
    assert (err.code, err.params["line"]) == ("rules_yaml_alias", 2)


def test_a_single_alias_is_refused_too():
    assert _refused("x: &t {label: A, when: border}\ntiers: [*t]\n").code == "rules_yaml_alias"


def test_yaml_nested_ten_thousand_deep_is_refused():
    err = _refused("tiers: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert (err.code, err.params["limit"]) == ("rules_yaml_deep", 12)
    err = _refused("tiers:\n" + "".join(" " * i + "- \n" for i in range(1, 400)))  # block style, 80 kB
    assert err.code == "rules_yaml_deep"


def test_size_cap_is_checked_before_parsing(tmp_path):
    text = "tiers:\n" + "  - {label: A, when: border}\n" * 20_000  # 600 kB
    err = _refused(text)
    assert (err.code, err.params["limit_mb"]) == ("file_too_large", 0.25)
    assert err.message("vi").endswith("giới hạn là 0,25 MB.") and err.message("en").endswith("the limit is 0.25 MB.")
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GeoError) as exc:
        load_rules(path)
    assert exc.value.code == "file_too_large"


def test_tier_limit_from_settings_is_enforced():
    text = "tiers:\n" + "  - {label: A, when: border}\n" * 7
    err = _refused(text)
    assert (err.code, err.params["n"], err.params["limit"]) == ("rules_too_many", 7, 6)
    assert len(rules_from_yaml("tiers:\n" + "  - {label: A, when: border}\n" * 6).tiers) == 6


@pytest.mark.parametrize(("when", "code"), [
    ("poor_rate >= " + "9" * 400, "rule_number"),
    ("poor_rate >= 1e999", "rule_number"),
    ("poor_rate>=" + "-" * 986 + "20", "rule_too_deep"),  # 999 characters: under the length cap
    ("not " * 200 + "border", "rule_too_deep"),
    ("(" * 300 + "border" + ")" * 300, "rule_too_deep"),
])
def test_hostile_expressions_in_a_file_are_one_message(when, code):
    err = _refused(yaml.safe_dump({"tiers": [{"label": "A", "when": when}]}, width=10_000))
    assert err.code == "rules_bad_rule"
    with pytest.raises(GeoError) as inner:
        from geo.analysis.rules import Rule

        Rule(when)
    assert inner.value.code == code
    assert len(inner.value.message("vi")) < 400


def test_error_values_are_never_shown_whole():
    err = _refused("tiers: ['" + "x" * 100_000 + "']\n")  # a string, not a mapping
    assert err.code == "rules_bad_value" and len(err.params["value"]) <= 60
    err = _refused("tiers: []\nscore: {weights: {poor_rate: '" + "9" * 5000 + "'}}\n")
    assert err.code == "rules_bad_value" and len(err.params["value"]) <= 60


@pytest.mark.parametrize("text", [
    "tiers: []\ndesignations_on: 2024-13-45\n",
    "tiers: []\nversion: " + "9" * 5000 + "\n",
    "tiers: []\n? [a, b]\n: 1\n",
])
def test_odd_scalars_and_keys_are_geo_errors(text):
    assert _refused(text).code in {"rules_yaml_syntax", "rules_bad_value", "rules_unknown_key"}


RULES_TEXT = "name: Ưu tiên vùng biên\ntiers:\n  - label: Ưu tiên 1\n    when: border and poor_rate >= 20\n"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as old Excel and Notepad write it: the letter with its hat or horn, then the tone byte."""
    import unicodedata

    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            shape = "".join(m for m in marks if m in "\u0302\u0306\u031b")
            tone = "".join(m for m in marks if m not in shape)
            out += unicodedata.normalize("NFC", base + shape).encode("cp1258") + tone.encode("cp1258")
    return out


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: t.encode("utf-8-sig"),
    lambda t: t.encode("utf-16"),  # Notepad "Unicode": BOM then UTF-16-LE
    lambda t: t.encode("utf-16-le"),  # no BOM
    lambda t: t.encode("utf-16-be"),
    _cp1258,
], ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le", "utf-16-be", "cp1258"])
def test_rules_from_bytes_reads_every_encoding_of_the_one_decoder(encode):
    from geo.analysis.rules_file import rules_from_bytes

    rules = rules_from_bytes(encode(RULES_TEXT), name="r.yaml")
    assert rules.name == "Ưu tiên vùng biên"
    assert [(t.label, t.rule.text) for t in rules.tiers] == [("Ưu tiên 1", "border and poor_rate >= 20")]


def test_rules_from_bytes_reads_windows_1252_and_load_rules_reads_a_utf16_file(tmp_path):
    from geo.analysis.rules_file import load_rules, rules_from_bytes

    text = "name: Priorité régionale\ntiers: [{label: Zone frontière, when: border}]\n"
    rules = rules_from_bytes(text.encode("cp1252"), name="r.yaml")
    assert (rules.name, rules.tiers[0].label) == ("Priorité régionale", "Zone frontière")
    path = tmp_path / "quy_tac.yaml"
    path.write_bytes(RULES_TEXT.encode("utf-16"))
    assert load_rules(path).tiers[0].label == "Ưu tiên 1"


def test_rules_from_bytes_refuses_what_no_encoding_reads():
    from geo.analysis.rules_file import rules_from_bytes

    for data in (b"\xff\xfe\x00\xd8\x00\x00", b"tiers: [{label: A\x81, when: border}]"):
        with pytest.raises(GeoError) as err:
            rules_from_bytes(data, name="r.yaml")
        assert (err.value.code, err.value.params) == ("rules_encoding", {"path": "r.yaml"})
    assert rules_from_bytes(b"tiers: [{label: A, when: border}]", name="r.yaml").tiers[0].rule.text == "border"
