"""Coordinates checked against the registry (geo.join.placement via the one layer builder), on the official
Lạng Sơn districts written as a VN-2000 / TM-3 107-15 Shapefile without .prj."""

from __future__ import annotations


import geopandas as gpd
import pytest

from geo._errors import GeoError
from geo.cli import main as geo_main
from geo.workflows.layer import build_layer


@pytest.mark.parametrize(("crs", "km"), [("EPSG:3405", "234,5"), ("EPSG:9216", "23,9")])
def test_wrong_zone_is_refused_with_exit_2_naming_the_crs_that_fits(tmp_path, vn2000_zip, crs, km, capsys):
    out, report = tmp_path / "out.gpkg", tmp_path / "report.json"
    code = geo_main(["join", "--boundaries", str(vn2000_zip), "--crs", crs, "--indicators", "langson_kh78_2021",
                     "--out", str(out), "--report", str(report)])
    message = capsys.readouterr().err.strip()
    assert code == 2
    assert len(message.splitlines()) == 1
    assert f"{km} km" in message and "EPSG:9215" in message and "huyen_vn2000.zip" in message
    assert str(tmp_path) not in message  # no server path
    assert not out.exists() and not report.exists()


def test_right_zone_joins_as_before(tmp_path, vn2000_zip, capsys):
    out, report = tmp_path / "out.gpkg", tmp_path / "report.json"
    assert geo_main(["join", "--boundaries", str(vn2000_zip), "--crs", "EPSG:9215", "--indicators",
                     "langson_kh78_2021", "--out", str(out), "--report", str(report)]) == 0
    assert "Đã ghép 11 đơn vị" in capsys.readouterr().out
    gdf = gpd.read_file(out)
    assert len(gdf) == 11 and gdf["poor_2020"].sum() == 16115


def test_webmap_writes_nothing_for_a_wrong_zone(tmp_path, vn2000_zip):
    out = tmp_path / "map.html"
    assert geo_main(["webmap", "--boundaries", str(vn2000_zip), "--crs", "EPSG:9216", "--out", str(out)]) == 2
    assert not out.exists()


def test_a_layer_of_another_province_is_refused(langson):
    with pytest.raises(GeoError) as info:
        build_layer(boundaries=langson / "districts_2019_gischinhphu.geojson", province="19", level="district")
    assert info.value.code == "boundaries_other_province"
    assert info.value.params["found"] == "20"
