"""Fuzzy suggestions: within the parent unit, free units first, never applied, and bounded in rows (issue 16).

The units are a small made-up map (illustrative codes, not real ones).
"""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo import settings
from geo.join.match import join_indicators

COLUMNS = {"parent_code": "district_code", "parent_name": "district_name"}


def _units():
    return gpd.GeoDataFrame({
        "code": ["00001", "00002", "00003", "00004"],
        "name": ["Xã An Bình", "Xã Hòa Bình", "Xã Hòa Bình", "Thị trấn Na Sầm"],
        "district_code": ["001", "001", "002", "002"],
        "district_name": ["Huyện Một", "Huyện Một", "Huyện Hai", "Huyện Hai"],
    }, geometry=[Point(i, 0) for i in range(4)], crs=4326)


TABLE = pd.DataFrame({
    "code": ["99999", None, None, None, None, None, None],
    "name": [None, "Xã An Bình", "Xã Hoa Bin", "Xã An Bin", "Xã Na Sm", "Xã Hoa Bin", "Xã Zyx"],
    "parent_name": [None, "Huyện Một", "Huyện Hai", "Huyện Hai", None, None, None],
    "poor": [1, 2, 3, 4, 5, 6, 7],
})


@pytest.mark.parametrize("chunk", [1, 2, 256])
def test_suggestions_stop_after_the_row_cap_with_a_note(monkeypatch, chunk):
    monkeypatch.setattr(settings, "FUZZY_SUGGEST_MAX_ROWS", 3)
    monkeypatch.setattr(settings, "FUZZY_SUGGEST_CHUNK", chunk)  # chunking never changes the result
    report = join_indicators(_units(), TABLE, level="commune", boundary_columns=COLUMNS).report
    assert [(m["row"], m["unit_code"], m["method"]) for m in report.matched] == [(1, "00001", "name_exact")]
    rows = {r["row"]: r for r in report.unmatched_rows}
    assert sorted(rows) == [0, 2, 3, 4, 5, 6]
    # A row without a name gets no suggestion and does not count towards the cap.
    assert rows[0] == {"row": 0, "code": "99999", "suggestions": []}
    # Within the stated district only: "hoabin" vs Hòa Bình of Huyện Hai 92.3, never the one of Huyện Một.
    assert rows[2]["suggestions"] == [
        {"code": "00003", "name": "Xã Hòa Bình", "parent": "Huyện Hai", "score": 92.3, "free": True}]
    # Nothing close in Huyện Hai ("anbin" vs "hoabinh" 66.7 < 70): all units are tried; An Bình is taken (free False).
    assert rows[3]["suggestions"] == [
        {"code": "00001", "name": "Xã An Bình", "parent": "Huyện Một", "score": 90.9, "free": False}]
    assert rows[4]["suggestions"] == [
        {"code": "00004", "name": "Thị trấn Na Sầm", "parent": "Huyện Hai", "score": 88.9, "free": True}]
    # Past the cap of 3 named rows: listed unmatched, marked, without suggestions.
    assert rows[5] == {"row": 5, "name": "Xã Hoa Bin", "suggestions_skipped": True, "suggestions": []}
    assert rows[6] == {"row": 6, "name": "Xã Zyx", "suggestions_skipped": True, "suggestions": []}
    assert report.warnings == [
        "code 99999 (row 0) not in boundaries",
        "fuzzy suggestions for the first 3 unmatched rows only; 2 more unmatched rows are listed without suggestions"]
    # Units without data name only the rows that got suggestions (row 5 would score 92.3 too).
    by_code = {u["code"]: u["suggestions"] for u in report.unmatched_boundaries}
    assert by_code == {
        "00002": [{"row": 2, "name": "Xã Hoa Bin", "parent_name": "Huyện Hai", "score": 92.3}],
        "00003": [{"row": 2, "name": "Xã Hoa Bin", "parent_name": "Huyện Hai", "score": 92.3}],
        "00004": [{"row": 4, "name": "Xã Na Sm", "score": 88.9}],
    }


def test_without_the_cap_every_unmatched_row_is_suggested():
    report = join_indicators(_units(), TABLE, level="commune", boundary_columns=COLUMNS).report
    rows = {r["row"]: r for r in report.unmatched_rows}
    assert [s["code"] for s in rows[5]["suggestions"]] == ["00002", "00003"]  # both free, 92.3, code order
    assert rows[6]["suggestions"] == []
    assert not any("suggestions_skipped" in r for r in report.unmatched_rows)
    assert report.warnings == ["code 99999 (row 0) not in boundaries"]
    by_code = {u["code"]: [(s["row"], s["score"]) for s in u["suggestions"]] for u in report.unmatched_boundaries}
    assert by_code == {"00002": [(2, 92.3), (5, 92.3)], "00003": [(2, 92.3), (5, 92.3)], "00004": [(4, 88.9)]}


def test_many_unmatched_rows_keep_suggestions_within_the_cap():
    n = settings.FUZZY_SUGGEST_MAX_ROWS + 40
    table = pd.DataFrame({"name": [f"Xã Hoa Binh Zz {i}" for i in range(n)], "poor": range(n)})
    report = join_indicators(_units(), table, level="commune", boundary_columns=COLUMNS).report
    skipped = [r["row"] for r in report.unmatched_rows if r.get("suggestions_skipped")]
    assert len(report.unmatched_rows) == n
    assert skipped == list(range(settings.FUZZY_SUGGEST_MAX_ROWS, n))
    assert report.warnings == [f"fuzzy suggestions for the first {settings.FUZZY_SUGGEST_MAX_ROWS} unmatched rows "
                               "only; 40 more unmatched rows are listed without suggestions"]
