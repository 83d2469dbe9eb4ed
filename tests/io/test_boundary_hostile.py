"""Hostile boundary layers: non-UTF-8 property names, NaN/Inf coordinates, another planet's CRS, feature budget."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geo import settings
from geo._errors import GeoError
from geo.io.boundaries import read_boundaries

sys.path.insert(0, str(Path(__file__).parent))
import _hostile as h  # noqa: E402

SQUARE = h.square(106.7, 21.8)


def _error(path: Path) -> GeoError:
    with pytest.raises(GeoError) as info:
        read_boundaries(path)
    return info.value


def test_property_name_that_is_not_utf8_is_decoded(tmp_path):
    raw = h.geojson_bytes([h.feature({"ma": "178", "ten": "Văn Lãng"}, SQUARE)]).replace(b'"ten"', b'"t\xe9n"')
    gdf, report = read_boundaries(h.write(tmp_path / "x.geojson", raw))
    assert list(gdf.columns) == ["ma", "tén", "geometry"]
    assert gdf["tén"].tolist() == ["Văn Lãng"]


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_coordinates_that_are_not_numbers_are_refused(tmp_path, value):
    bad = shapely.Polygon([(106.7, 21.8), (106.71, 21.8), (value, 21.81), (106.7, 21.81), (106.7, 21.8)])
    gdf = gpd.GeoDataFrame({"ma": ["178", "179"]}, geometry=[shapely.box(106.7, 21.8, 106.71, 21.81), bad],
                           crs="EPSG:4326")
    path = tmp_path / "bad.gpkg"
    pyogrio.write_dataframe(gdf, path)
    exc = _error(path)
    assert exc.code == "geometry_not_finite"
    assert (exc.params["count"], exc.params["row"]) == (1, 2)


def test_crs_of_another_planet_is_refused(tmp_path):
    path = h.write(tmp_path / "mars.geojson", h.geojson_bytes([h.feature({"ma": "178"}, SQUARE)], crs="IAU_2015:49900"))
    exc = _error(path)
    assert exc.code == "crs_not_earth"
    assert "Mars" in exc.params["crs"]


def test_feature_budget_is_checked_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_FEATURES", 3)
    gdf = gpd.GeoDataFrame({"ma": ["1", "2", "3", "4"]},
                           geometry=[shapely.box(106.7 + i * 0.01, 21.8, 106.705 + i * 0.01, 21.805) for i in range(4)],
                           crs="EPSG:4326")
    pyogrio.write_dataframe(gdf, tmp_path / "many.gpkg")
    monkeypatch.setattr(pyogrio, "read_dataframe", lambda *a, **k: pytest.fail("the layer was read"))
    exc = _error(tmp_path / "many.gpkg")
    assert exc.code == "layer_too_many_features"
    assert (exc.params["count"], exc.params["limit"]) == (4, 3)


def test_vertex_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_VERTICES", 9)
    feats = [h.feature({"ma": str(i)}, h.square(106.7 + i * 0.01, 21.8)) for i in range(2)]
    exc = _error(h.write(tmp_path / "v.geojson", h.geojson_bytes(feats)))
    assert exc.code == "layer_too_many_vertices"
    assert exc.params["count"] == 10


def test_unreadable_reason_shows_no_server_folder(tmp_path):
    exc = _error(h.write(tmp_path / "broken.geojson", b'{"type": "FeatureCollection", "features": [{'))
    assert exc.code == "unreadable_file"
    assert str(tmp_path) not in exc.message("vi")


def test_geojson_feature_budget_is_counted_from_the_bytes(tmp_path, monkeypatch):
    from geo.io import boundaries

    monkeypatch.setattr(settings, "MAX_FEATURES", 3)
    monkeypatch.setattr(boundaries.pyogrio, "read_info", lambda *a, **k: pytest.fail("GDAL opened the file"))
    feats = [h.feature({"ma": str(i)}, h.square(106.7 + i * 0.01, 21.8)) for i in range(4)]
    exc = _error(h.write(tmp_path / "many.geojson", h.geojson_bytes(feats)))
    assert (exc.code, exc.params["count"]) == ("layer_too_many_features", "> 3")
