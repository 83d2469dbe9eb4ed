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
        screenshot(page, "national_provinces.png")
        wait_idle(page, timeout=60)
        t0 = time.time()
        radio(page, "Cấp", "Xã")
        frame = wait_units(page, communes, timeout=300)
        print(f"national communes drawn {time.time() - t0:.1f} s after the level was chosen")
        assert frame.evaluate("GeoMap.sovereigntyDrawn") == LABELS
        screenshot(page, "national_communes.png")
        assert page.external == []
