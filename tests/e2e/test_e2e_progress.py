"""The Tiến độ page in a real browser, offline: add a second year, map the change, open a district's trend,
export the review annex. The 2021 figures are ILLUSTRATIVE (tests/_progress_data.py)."""

from __future__ import annotations

import openpyxl
import pytest

from tests._progress_data import results_csv
from tests.browser import nav, offline_page, radio, screenshot, wait_idle, wait_map_units

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000


def _fills(frame) -> list[str]:
    return frame.evaluate("GeoMap.fills()")


def test_progress_page_offline(app_url, tmp_path):
    with offline_page(viewport=(1500, 1300)) as page:
        page.goto(app_url)
        wait_map_units(page, [11], timeout=90)
        nav(page, "Tiến độ")
        page.get_by_text("Cần ít nhất hai năm").wait_for(timeout=TIMEOUT_MS)

        # Add the 2021 review table, its year typed.
        uploader = page.locator('[data-testid="stFileUploader"]').first
        uploader.locator('input[type="file"]').set_input_files(
            files=[{"name": "ket_qua_2021_minh_hoa.csv", "mimeType": "text/csv", "buffer": results_csv()}])
        wait_idle(page)
        year = page.get_by_label("Năm của bảng")
        year.fill("2021")
        year.press("Enter")
        wait_idle(page)
        page.get_by_role("button", name="Thêm vào bộ số liệu").click()
        page.get_by_text("Đã thêm năm 2021").wait_for(timeout=TIMEOUT_MS)

        # The change map, classes of 2 points centred on zero: Bình Gia (-4,06) and Lộc Bình (-3,42) darker blue,
        # eight districts between -1 and -3 light blue, Thành phố Lạng Sơn (-0,06) the neutral middle, none red.
        (frame,) = wait_map_units(page, [11], timeout=90)
        fills = _fills(frame)
        assert sorted(fills.count(c) for c in set(fills)) == [1, 2, 8]
        assert set(fills) == {"#67a9cf", "#d1e5f0", "#f7f7f7"}, fills
        assert page.get_by_text("đổi chuẩn nghèo").first.is_visible()

        # Click a district (features are in code order: 178, 180 Tràng Định, ...): its trend chart appears.
        point = frame.evaluate("GeoMap.unitPoint(GeoMap.codes[1])")
        box = frame.locator(".leaflet-container").bounding_box()
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        page.locator('[data-testid="stImage"]').first.wait_for(timeout=TIMEOUT_MS)
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Xem xu hướng").get_by_role("combobox")
        assert box.input_value() == "Huyện Tràng Định (180)"  # the unit clicked

        # Targets against results, and the review annex.
        radio(page, "Bản đồ", "Mục tiêu và kết quả (chênh lệch)")
        page.get_by_text("6 đơn vị đạt, 5 không đạt").wait_for(timeout=TIMEOUT_MS)
        wait_idle(page)
        screenshot(page, "progress_vi.png")
        with page.expect_download(timeout=TIMEOUT_MS) as download:
            page.get_by_role("button", name="Tải phụ lục đánh giá").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.name == "danh_gia_giam_ngheo_2021.xlsx"
        ws = openpyxl.load_workbook(path).active
        assert ws["A1"].value == "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN MỤC TIÊU GIẢM NGHÈO NĂM 2021"
        assert page.external == [], f"requests left localhost: {page.external[:5]}"
