"""A unit picker in a real browser: typed without diacritics ("thai binh"), it finds the units and one is picked.

The commune table is the illustrative one of the priority tests (synthetic figures).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests._priority_data import FILE_NAME, commune_csv
from tests.browser import nav, offline_page, radio, screenshot, wait_idle, wait_units

pytestmark = pytest.mark.browser

FARM_TOWN = "Thị trấn Nông trường Thái Bình – Huyện Đình Lập (06616)"
COMMUNE = "Xã Thái Bình – Huyện Đình Lập (06631)"


def test_typing_thai_binh_finds_and_picks_the_unit(app_url):
    with offline_page(viewport=(1500, 1400)) as page:
        page.goto(app_url)
        wait_units(page, 11)
        nav(page, "Dữ liệu")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên bảng chỉ tiêu")
        uploader.locator('input[type="file"]').set_input_files(
            files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": commune_csv()}])
        page.get_by_text(f"Đã đọc 194 đơn vị từ '{FILE_NAME}'").wait_for(timeout=60_000)
        nav(page, "Ưu tiên")
        page.get_by_text("1. Quy tắc ưu tiên").wait_for(timeout=60_000)
        wait_idle(page, timeout=120)

        # Typed without diacritics: the best match is selected at once.
        search = page.locator(".st-key-prio_m_unit__find input")
        search.fill("thai binh")
        search.press("Enter")
        picker = page.locator(".st-key-prio_m_unit")
        expect(picker.get_by_role("combobox")).to_have_value(COMMUNE, timeout=60_000)
        wait_idle(page)

        # The list holds only the matches, best first; pick the state-farm town.
        box = picker.get_by_role("combobox")
        box.click()
        options = page.get_by_role("option")
        if not options.first.is_visible():
            box.press("ArrowDown")
        options.first.wait_for(timeout=10_000)
        assert options.all_inner_texts()[:2] == [COMMUNE, FARM_TOWN]
        options.filter(has_text=FARM_TOWN).click()
        expect(picker.get_by_role("combobox")).to_have_value(FARM_TOWN, timeout=30_000)
        wait_idle(page)

        # And it is the unit a decision is recorded for.
        radio(page, "Quyết định", "Loại ra")
        page.get_by_label("Lý do", exact=True).fill("Thử tìm không dấu")
        page.get_by_role("button", name="Ghi quyết định").click()
        wait_idle(page)
        # The decisions' "remove" chooser now lists it (the decisions table itself is drawn on a canvas).
        expect(page.locator(".st-key-prio_m_remove").get_by_role("combobox")).to_have_value(FARM_TOWN, timeout=60_000)
        screenshot(page, "picker_thai_binh.png")
        assert page.external == [], f"requests left localhost: {page.external[:5]}"
