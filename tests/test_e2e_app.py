"""The map explorer in a real browser, offline, tried as a new planner would."""

from __future__ import annotations

import time

import pytest

from tests.browser import unit_point, offline_page, screenshot, wait_units
from tests.browser import radio as _radio
from tests.browser import select as _select

pytestmark = pytest.mark.browser


def _fills(frame) -> list[str]:
    return frame.evaluate("GeoMap.fills()")


def test_map_explorer_offline(app_url):
    with offline_page() as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(app_url)

        # Opens on Lạng Sơn districts with no set-up, with the approximate-boundaries banner.
        frame = wait_units(page, 11)
        assert page.get_by_text("Sơ đồ gần đúng", exact=False).first.is_visible()
        assert frame.locator(".geo-legend").count() == 1

        # Switching the indicator recolours the map.
        before = _fills(frame)
        _select(page, "Chỉ tiêu", "Tỷ lệ hộ cận nghèo")
        deadline = time.time() + 30
        while time.time() < deadline and _fills(frame) == before:
            time.sleep(0.5)
            frame = wait_units(page, 11)
        assert _fills(frame) != before

        # Commune level: 194 polygons.
        _radio(page, "Cấp", "Xã")
        frame = wait_units(page, 194)

        # Search without diacritics offers every Hòa Bình with its district.
        search = page.get_by_label("Tìm đơn vị", exact=False)
        search.fill("hoa binh")
        search.press("Enter")
        page.get_by_text("Xã Hòa Bình – Huyện Bình Gia").wait_for(timeout=30_000)
        for district in ("Văn Quan", "Hữu Lũng", "Chi Lăng"):
            assert page.get_by_text(f"Xã Hòa Bình – Huyện {district}").is_visible()
        search.fill("")
        search.press("Enter")

        # Clicking a commune selects it; the side table shows it.
        frame = wait_units(page, 194)
        x, y = unit_point(frame)
        page.mouse.click(x, y)
        table = page.locator('[data-testid="stTable"]')
        table.wait_for(timeout=30_000)
        assert table.locator("tbody tr").count() == 1
        screenshot(page, "map_explorer_vi.png")

        # English switch changes the labels.
        _radio(page, "Ngôn ngữ", "English")
        page.get_by_text("Indicator", exact=True).wait_for(timeout=30_000)
        assert page.get_by_text("Selected units").is_visible()
        frame = wait_units(page, 194)
        screenshot(page, "map_explorer_en.png")

        assert not dialogs
        assert page.external == [], f"requests left localhost: {page.external[:5]}"
