"""The national view in a real browser: "Toàn quốc" in the province box draws the whole country, with Quần đảo
Hoàng Sa (TP. Đà Nẵng) and Quần đảo Trường Sa (Khánh Hòa) labelled on the map (issues 13 and 15)."""

from __future__ import annotations

import time

import pytest

from geo.units import registry
from tests.browser import offline_page, radio, screenshot, select, wait_idle, wait_units

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url():
    """The app as planners run it: with the start-up warm-up of the national layers (the other tests turn it off)."""
    from tests.browser import require_browser, streamlit_server

    require_browser()
    with streamlit_server(env={"GEO_WARMUP": "1"}) as url:
        yield url

LABELS = ["Quần đảo Hoàng Sa (TP. Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)"]


def _labels_inside(frame, timeout: float = 30.0) -> None:
    """Both archipelago labels whole inside the map and off the legend, once the map has fitted beside it."""
    deadline = time.time() + timeout
    while True:
        size = frame.evaluate("[GeoMap.map.getSize().x, GeoMap.map.getSize().y]")
        boxes = frame.evaluate("GeoMap.sovereigntyBoxes") or []
        legend = (frame.evaluate("GeoMap.legendClear") or {}).get("legend")
        inside = [0 <= b[0] and b[2] <= size[0] and 0 <= b[1] and b[3] <= size[1] for b in boxes]
        clear = [legend is None or b[2] <= legend[0] or b[0] >= legend[2] or b[3] <= legend[1] or b[1] >= legend[3]
                 for b in boxes]
        if len(boxes) == 2 and all(inside) and all(clear):
            return
        if time.time() > deadline:
            raise AssertionError(f"labels {boxes} not inside the map {size} and off the legend {legend}")
        time.sleep(0.5)


def test_national_view_provinces_and_communes(app_url):
    provinces = len(registry.units(level="province", vintage="pre2025"))
    communes = len(registry.units(level="commune", vintage="pre2025"))
    with offline_page() as page:
        page.goto(app_url)
        wait_units(page, 11, timeout=120)
        select(page, "Tỉnh/thành phố", "Toàn quốc", typed="Toàn")
        wait_idle(page, timeout=180)  # the level box is redrawn with the province level
        radio(page, "Cấp", "Tỉnh")
        frame = wait_units(page, provinces, timeout=180)
        assert frame.evaluate("GeoMap.sovereigntyDrawn") == LABELS
        _labels_inside(frame)
        screenshot(page, "national_provinces.png")
        wait_idle(page, timeout=60)
        t0 = time.time()
        radio(page, "Cấp", "Xã")
        frame = wait_units(page, communes, timeout=300)
        print(f"national communes drawn {time.time() - t0:.1f} s after the level was chosen")
        assert frame.evaluate("GeoMap.sovereigntyDrawn") == LABELS
        _labels_inside(frame)
        screenshot(page, "national_communes.png")
        assert page.external == []
