"""On a 1366×768 office laptop the Map page's legend never covers a unit: the units are fitted beside or above it."""

from __future__ import annotations

import pytest

from tests.browser import offline_page, radio, screenshot, wait_idle, wait_units

pytestmark = pytest.mark.browser


def _clear(frame, units: int) -> dict:
    """The fit of the map now shown (not the previous layer's, which stays until the new one is fitted)."""
    frame.wait_for_function("(n) => window.GeoMap && GeoMap.legendClear && GeoMap.legendClear.legend"
                            " && GeoMap.legendClear.count === n", arg=units, timeout=60_000)
    return frame.evaluate("GeoMap.legendClear")


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_legend_beside_the_units_at_1366x768(app_url):
    with offline_page(viewport=(1366, 768)) as page:
        page.goto(app_url)
        frame = wait_units(page, 11)
        wait_idle(page)
        district = _clear(frame, 11)
        assert not _overlap(district["units"], district["legend"]), district
        assert district["units"][2] - district["units"][0] > 300  # still a readable map, not a thumbnail

        radio(page, "Cấp", "Xã")
        frame = wait_units(page, 194, timeout=120)
        wait_idle(page)
        commune = _clear(frame, 194)
        assert not _overlap(commune["units"], commune["legend"]), commune
        screenshot(page, "legend-1366.png")
