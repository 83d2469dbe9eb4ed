"""The start-up warm-up of the national layers (geo.workflows.warmup): once per process, in the background, under
the key the Map page uses, never fatal, off with GEO_WARMUP=0."""

from __future__ import annotations

import numpy as np
import pytest

from geo import settings
from geo.render import webmap
from geo.workflows import warmup


@pytest.fixture()
def small(monkeypatch, tmp_path):
    """A loader of illustrative 3 x 3 'national' layers; warm-up on, caches empty, disk cache in tmp_path."""
    import geopandas as gpd
    import shapely

    from geo.units import tessellation

    monkeypatch.setattr(tessellation, "REPO_CACHE_DIR", tmp_path / "repo")
    monkeypatch.setattr(tessellation, "USER_CACHE_DIR", tmp_path / "user")
    monkeypatch.setenv("GEO_WARMUP", "1")
    monkeypatch.setattr(warmup, "_STARTED", None)
    webmap.web_geometry.cache_clear()
    asked = []

    def load(level, vintage):
        asked.append((vintage, level))
        if level == "district":
            raise OSError("disk unreadable")
        boxes = [shapely.box(105 + i, 20 + j, 106 + i, 21 + j) for i in range(3) for j in range(3)]
        return gpd.GeoDataFrame({"code": [f"{vintage}-{level}-{k}" for k in range(9)]}, geometry=boxes, crs=4326)

    load.asked = asked
    yield load
    webmap.web_geometry.cache_clear()


def test_prepares_each_layer_under_the_pages_key_once_per_process(small):
    layers = (("pre2025", "commune"), ("pre2025", "district"), ("2025", "province"))
    report = warmup.warm_national(small, layers=layers)
    assert report.thread is not None and report.thread.daemon
    report.thread.join(30)
    assert small.asked == list(layers)
    assert sorted(report.seconds) == [("2025", "province"), ("pre2025", "commune")]
    assert report.failed == {("pre2025", "district"): "OSError: disk unreadable"}  # never fatal
    # The Map page asks with the same key and gets the prepared layer without preparing it again.
    misses = webmap.web_geometry.cache_info().misses
    again = webmap.web_geometry(small("commune", "pre2025"),
                                key=warmup.national_geometry_key("commune", "pre2025"), persist=True)
    assert webmap.web_geometry.cache_info().misses == misses and len(again.codes) == 9
    # Once per process: a second call returns the first report and starts nothing.
    assert warmup.warm_national(small, layers=layers) is report and len(small.asked) == 4


def test_turned_off_by_the_environment(small, monkeypatch):
    monkeypatch.setenv("GEO_WARMUP", "0")
    assert warmup.warm_national(small) is None and small.asked == []


def test_the_page_and_the_warm_up_share_one_key():
    assert warmup.national_geometry_key("commune", "2025") == (settings.NATIONAL_AREA, "commune", "2025", "default")
    assert settings.WARMUP_NATIONAL_LAYERS[0] == ("pre2025", "commune")  # the slowest first
    assert np.all([lv in ("province", "district", "commune") for _v, lv in settings.WARMUP_NATIONAL_LAYERS])
