"""The 2025-reform page in a real browser, offline: upload old-commune figures, see old and new side by side.

Figures are ILLUSTRATIVE (seeded random counts, see tests/_reform_data.py).
"""

from __future__ import annotations

import re

import pytest

from tests._reform_data import write_commune_csv
from tests.browser import (
    unit_point,
    upload_file,
    nav,
    offline_page,
    screenshot,
    wait_map_units,
    wait_units,
)

pytestmark = pytest.mark.browser
OLD_UNITS, NEW_UNITS = 194, 65
TIMEOUT_MS = 60_000
CLASS_RANGE = re.compile(r"\d[\d.,]* – \d[\d.,]*")


def _upload(page, label: str, path, expect: str) -> None:
    upload_file(page, page.locator('[data-testid="stFileUploader"]').filter(has_text=label), path, expect,
                timeout=TIMEOUT_MS)


def test_reform_side_by_side_offline(app_url, tmp_path):
    csv = write_commune_csv(tmp_path)
    bad_weights = tmp_path / "trong_so_sai.csv"
    bad_weights.write_text("old_code,new_code,weight\n06622,06613,0.5\n06622,06625,0.3\n", encoding="utf-8")
    with offline_page(viewport=(1500, 1100)) as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(app_url)
        wait_units(page, 11)

        # The old-commune table goes in through the Data page, as a planner would.
        nav(page, "Dữ liệu")
        _upload(page, "Tải lên bảng chỉ tiêu", csv, f"Đã đọc {OLD_UNITS} đơn vị")

        # The reform page takes it: two maps side by side, 194 old and 65 new communes.
        nav(page, "Sáp nhập 2025")
        page.get_by_text("Sáp nhập 2025: chuyển số liệu xã cũ sang xã mới").wait_for(timeout=TIMEOUT_MS)
        old_frame, new_frame = wait_map_units(page, [OLD_UNITS, NEW_UNITS], timeout=120)
        old_box, new_box = old_frame.frame_element().bounding_box(), new_frame.frame_element().bounding_box()
        assert abs(old_box["y"] - new_box["y"]) < 5 and old_box["x"] < new_box["x"]  # side by side
        assert page.get_by_text("Tổng được bảo toàn: Tổng số hộ, Số hộ nghèo", exact=False).is_visible()
        for frame in (old_frame, new_frame):  # the approximate-boundaries banner on each map
            assert frame.get_by_text("Sơ đồ gần đúng", exact=False).first.is_visible()
        # Same classes on both maps: the legends list the same ranges (the counts per class differ).
        ranges = [CLASS_RANGE.findall(f.locator(".geo-legend").inner_text()) for f in (old_frame, new_frame)]
        assert len(ranges[0]) >= 3 and ranges[0] == ranges[1]

        # Pick a new commune by typing its name: its old communes are listed, with the ATK share.
        box = page.get_by_role("combobox", name="Chọn xã mới", exact=False)
        box.click()
        box.fill("Bắc Sơn")
        page.get_by_role("option").filter(has_text="Xã Bắc Sơn (06325)").first.click()
        page.get_by_text("Xã Bắc Sơn (06325) được hình thành từ 3 xã cũ.").wait_for(timeout=TIMEOUT_MS)
        page.locator("li").filter(has_text="3/3 xã cũ là xã an toàn khu (ATK)").wait_for(timeout=TIMEOUT_MS)
        old_frame, new_frame = wait_map_units(page, [OLD_UNITS, NEW_UNITS])
        screenshot(page, "reform_vi.png")

        # Clicking the new map picks another commune.
        x, y = unit_point(new_frame)
        page.mouse.click(x, y)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMarkdownContainer\"]')]"
            ".some(e => e.innerText.includes('được hình thành từ') && !e.innerText.includes('06325'))",
            timeout=TIMEOUT_MS,
        )

        # A wrong weights file is refused with a message in Vietnamese that names the commune.
        _upload(page, "Trọng số cho xã cũ bị chia", bad_weights, "trọng số của xã cũ 06622")
        assert page.get_by_text("cộng lại bằng 0.8, phải bằng 1", exact=False).is_visible()
        wait_map_units(page, [OLD_UNITS, NEW_UNITS])

        assert not dialogs
        assert page.external == [], f"requests left localhost: {page.external[:5]}"
