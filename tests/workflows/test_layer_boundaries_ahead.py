"""A boundary file read while the table is read (geo.workflows.layer._boundaries_ahead): the same layer, and
errors in the order the sequential read gives them."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from geo._errors import GeoError
from geo.units import registry
from geo.units.tessellation import default_boundaries
from geo.workflows import layer as layer_mod
from geo.workflows.layer import build_layer


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ahead")
    gdf = default_boundaries(province="20", level="commune", vintage="pre2025").to_crs("EPSG:3405")
    boundaries = folder / "xa.gpkg"
    gdf[["code", "name", "district_code", "district_name", "geometry"]].to_file(boundaries, driver="GPKG")
    reg = registry.units(province="20", level="commune").sort_values("code").reset_index(drop=True)
    table = folder / "xa.csv"
    pd.DataFrame({"Mã xã": reg["code"], "Tên xã": reg["name"], "Tỷ lệ hộ nghèo (%)": [i % 40 + 0.5 for i in range(len(reg))]}
                 ).to_csv(table, index=False)
    return boundaries, table


def test_the_layer_is_the_one_read_in_turn(files, monkeypatch):
    boundaries, table = files
    threads = []
    real = layer_mod.load_checked_boundaries
    monkeypatch.setattr(layer_mod, "load_checked_boundaries",
                        lambda *a, **k: threads.append(threading.current_thread().name) or real(*a, **k))
    ahead = build_layer(boundaries=str(boundaries), table=str(table), province="20", level="commune")
    in_turn = build_layer(boundaries=str(boundaries), table=str(table), province="20", level=None)  # no level: not ahead
    assert threads[0].startswith("geo-boundaries")
    assert threads[1] == threading.current_thread().name
    assert len(ahead.gdf) == len(in_turn.gdf) == 194
    pd.testing.assert_frame_equal(ahead.gdf.drop(columns="geometry"), in_turn.gdf.drop(columns="geometry"))
    assert ahead.gdf.geometry.geom_equals_exact(in_turn.gdf.geometry, tolerance=0).all()
    assert ahead.gdf["poor_rate"].notna().sum() == 194


def test_a_bad_table_is_reported_before_a_bad_boundary_file(files, tmp_path):
    _, table = files
    with pytest.raises(GeoError) as caught:
        build_layer(boundaries=str(tmp_path / "none.gpkg"), table=str(tmp_path / "none.csv"), province="20",
                    level="commune")
    assert caught.value.code == "file_not_found"
    assert caught.value.params["path"].endswith("none.csv")


def test_a_bad_boundary_file_is_reported_when_the_table_is_good(files, tmp_path):
    _, table = files
    with pytest.raises(GeoError) as caught:
        build_layer(boundaries=str(tmp_path / "none.gpkg"), table=str(table), province="20", level="commune")
    assert caught.value.code == "file_not_found"
    assert caught.value.params["path"].endswith("none.gpkg")


def test_a_bad_level_is_reported_after_the_table_as_before(files):
    boundaries, table = files
    with pytest.raises(GeoError) as caught:
        build_layer(boundaries=str(boundaries), table=str(table), province="20", level="district", vintage="2025")
    assert caught.value.code == "unknown_level"
