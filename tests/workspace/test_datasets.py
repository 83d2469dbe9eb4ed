"""What the app keeps in a workspace, read back through the same readers (geo.workspace.datasets)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo._errors import GeoError
from geo.units.designations import builtin_designations
from geo.workspace import datasets as wsd
from geo.workspace import open_workspace

ROOT = Path(__file__).resolve().parents[2]
KH78 = ROOT / "data" / "indicators" / "langson_districts_kh78_2021.csv"


def test_table_round_trip_with_report_and_hand_matches():
    store = open_workspace()
    info, table = wsd.save_table(store, data=KH78.read_bytes(), file_name="kh78.csv", province="20")
    assert info.report["rows"] == 11 and info.level == "district"
    wsd.save_overrides(store, info, {3: "180"})
    again = wsd.load_table(store, "kh78.csv")
    assert again.data.equals(table.data)
    assert wsd.load_overrides(store, store.info("kh78.csv", kind="table")) == {3: "180"}


def test_refused_table_is_not_stored():
    store = open_workspace()
    with pytest.raises(GeoError):
        wsd.save_table(store, data=b"\x00\x01 not a table", file_name="rac.csv", province="20")
    assert store.datasets() == []


def test_boundaries_round_trip(tmp_path):
    from geo.units.tessellation import default_boundaries

    gdf = default_boundaries(province="20", level="district", vintage="pre2025")[["code", "name", "geometry"]]
    gdf.to_file(tmp_path / "huyen.gpkg", driver="GPKG")
    store = open_workspace()
    info, layer = wsd.save_boundaries(store, data=(tmp_path / "huyen.gpkg").read_bytes(), file_name="huyen.gpkg",
                                      province="20", level="district", vintage="pre2025")
    assert info.report["features"] == 11
    wsd._cache.clear()
    again = wsd.load_boundaries_layer(store, "huyen.gpkg")
    assert sorted(again.gdf["code"]) == sorted(layer.gdf["code"]) and again.level == "district"


def test_converted_table_round_trip():
    store = open_workspace()
    frame = pd.DataFrame({"code": ["06040", "06043"], "name": ["Xã A", "Xã B"], "poor_2025": [12.0, 30.0]})
    info = wsd.save_converted(store, frame=frame, name="xa → 2025", province="20", report={"splits": 1})
    assert info.kind == "converted" and info.vintage == "2025" and info.report == {"splits": 1}
    table = wsd.load_table(store, "xa → 2025", kind="converted")
    assert table.data["poor_2025"].tolist() == [12.0, 30.0]


def test_designations_round_trip_with_hand_tags():
    store = open_workspace()
    assert wsd.load_designations(store, province="20", vintage="pre2025") is None
    base = builtin_designations(province="20", vintage="pre2025")
    tagged = base.tag("06040", "border", note="gắn tay")
    wsd.save_designations(store, tagged, province="20", vintage="pre2025")
    again = wsd.load_designations(store, province="20", vintage="pre2025")
    assert again == tagged and len(again) == len(base) + 1
