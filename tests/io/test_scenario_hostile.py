"""Crafted scenario GeoPackages: every one a GeoError naming the table and column, never a traceback."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from geo._errors import GeoError
from geo.analysis.rules import ManualDecision, RuleSet, Tier
from geo.units.designations import Designation, DesignationSet
from geo.workflows.scenario import new_scenario, open_scenario, save_scenario


@pytest.fixture
def saved(tmp_path):
    indicators = pd.DataFrame({"code": ["06364", "06358"], "name": ["Xã A", "Xã B"], "poor_rate": [24.0, 10.0],
                               "households": pd.array([500, 400], dtype="Int64")})
    s = new_scenario(indicators=indicators,
                     designations=DesignationSet((Designation(type="border", code="06364", valid_from="2021-01-01"),)),
                     rules=RuleSet(tiers=(Tier("Ưu tiên 1", "poor_rate >= 20"),)),
                     manual=(ManualDecision("06358", "include", "Lũ quét"),), created="2025-01-02T03:04:05+00:00")
    return save_scenario(s, tmp_path / "pa.gpkg")


def _sql(path, statement, *args):
    with sqlite3.connect(path) as con:
        con.execute(statement, args)


def _meta(path, key, value):
    _sql(path, "UPDATE scenario_meta SET value = ? WHERE key = ?", value, key)


def _error(path) -> GeoError:
    with pytest.raises(GeoError) as info:
        open_scenario(path)
    return info.value


def test_the_fixture_opens(saved):
    assert open_scenario(saved).manual[0].code == "06358"


def test_schema_that_is_not_json(saved):
    _meta(saved, "schema.indicators", "{not json")
    exc = _error(saved)
    assert (exc.code, exc.params["table"], exc.params["column"]) == ("scenario_table_invalid", "indicators", "*")


def test_schema_with_an_unknown_type(saved):
    _meta(saved, "schema.indicators", json.dumps({"code": "object", "poor_rate": "complex128"}))
    exc = _error(saved)
    assert (exc.params["table"], exc.params["column"]) == ("indicators", "poor_rate")


def test_integer_column_holding_no_data(saved):
    _sql(saved, "UPDATE indicators SET households = NULL")
    _meta(saved, "schema.indicators", json.dumps({"code": "object", "households": "int64"}))
    exc = _error(saved)
    assert (exc.code, exc.params["column"]) == ("scenario_table_invalid", "households")


def test_designation_date_that_is_not_a_date(saved):
    _sql(saved, "UPDATE designations SET valid_from = 'hôm qua'")
    exc = _error(saved)
    assert (exc.code, exc.params["table"]) == ("scenario_table_invalid", "designations")


def test_manual_tier_and_action(saved):
    _sql(saved, "UPDATE manual SET action = 'maybe'")
    exc = _error(saved)
    assert (exc.params["table"], exc.params["column"]) == ("manual", "action")


def test_required_column_dropped(saved):
    _sql(saved, "ALTER TABLE manual DROP COLUMN reason")
    exc = _error(saved)
    assert (exc.params["table"], exc.params["column"]) == ("manual", "reason")


def test_unknown_level(saved):
    _meta(saved, "level", "galaxy")
    exc = _error(saved)
    assert (exc.params["table"], exc.params["column"]) == ("scenario_meta", "level")


def test_rules_text_that_is_not_yaml(saved):
    _meta(saved, "rules_yaml", "tiers: [")
    exc = _error(saved)
    assert exc.code == "rules_yaml_syntax"
    assert exc.params["path"] == "pa.gpkg:scenario_meta.rules_yaml"


def test_not_a_geopackage(tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_bytes(b"SQLite format 3\0" + b"\xff" * 200)
    assert _error(path).code == "scenario_invalid"


def test_meta_without_key_column(saved):
    _sql(saved, "ALTER TABLE scenario_meta RENAME COLUMN key TO k")
    exc = _error(saved)
    assert (exc.params["table"], exc.params["column"]) == ("scenario_meta", "key, value")
