"""Trust at the gate in a real browser: a bad table warns visibly, a wrong-zone upload offers the zone that fits.

The bad table is generated (illustrative figures); the boundaries are the official Lạng Sơn districts
written as a VN-2000 / TM-3 107-15 Shapefile without .prj.
"""

from __future__ import annotations


import pytest

from tests.analysis.test_checks import BAD
from tests.browser import nav, offline_page, screenshot, upload_file, wait_idle, wait_units

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def bad_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("bad") / "huyen_loi.csv"
    BAD.to_csv(path, index=False)
    return path


def _data_page(page):
    nav(page, "Dữ liệu")
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên ranh giới").wait_for(timeout=60_000)


def test_bad_table_shows_a_visible_warning_naming_its_rows(app_url, bad_csv):
    with offline_page() as page:
        page.goto(app_url)
        wait_units(page, 11)
        _data_page(page)
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên bảng chỉ tiêu")
        upload_file(page, uploader, bad_csv, "ô số liệu không thể đúng")
        warning = page.locator('[data-testid="stAlert"]').filter(has_text="ô số liệu không thể đúng")
        warning.first.wait_for(state="visible", timeout=60_000)
        text = warning.first.inner_text()
        assert text.startswith("5 ô số liệu") and "dòng 4, cột 'Tỷ lệ hộ nghèo (%)' = 185" in text and "dòng 3" in text
        conflict = page.locator('[data-testid="stAlert"]').filter(has_text="Huyện Văn Lãng (dòng 5, 6)")
        assert conflict.first.is_visible()
        screenshot(page, "trust_bad_table_data.png")

        # The map page shows the same warning above the map, not in an expander.
        nav(page, "Bản đồ")
        wait_units(page, 11)
        above = page.locator('[data-testid="stAlert"]').filter(has_text="ô số liệu không thể đúng")
        above.first.wait_for(state="visible", timeout=60_000)
        assert page.locator('[data-testid="stExpander"]').filter(has_text="ô số liệu không thể đúng").count() == 0
        screenshot(page, "trust_bad_table_map.png")
        assert page.external == [], f"requests left localhost: {page.external[:5]}"


def test_wrong_zone_upload_offers_the_right_zone_which_fixes_the_map(app_url, vn2000_zip):
    with offline_page() as page:
        page.goto(app_url)
        wait_units(page, 11)
        _data_page(page)
        level = page.locator('[data-testid="stRadio"]').filter(has_text="Cấp").filter(visible=True).first
        level.get_by_text("Huyện", exact=True).click()
        wait_idle(page)
        crs = page.get_by_label("Hệ tọa độ nếu tệp thiếu .prj", exact=False)
        crs.fill("EPSG:9216")
        crs.press("Enter")
        wait_idle(page)
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên ranh giới")
        upload_file(page, uploader, vn2000_zip, "23,9 km")
        error = page.locator('[data-testid="stAlert"]').filter(has_text="23,9 km")
        error.first.wait_for(state="visible", timeout=90_000)
        assert "EPSG:9215" in error.first.inner_text()
        button = page.get_by_role("button", name="Dùng EPSG:9215")
        button.wait_for(state="visible", timeout=30_000)
        screenshot(page, "trust_wrong_zone.png")
        button.click()
        page.get_by_text("Đã đọc 11 đơn vị từ 'huyen_vn2000.zip'").wait_for(timeout=90_000)
        assert crs.input_value() == "EPSG:9215"

        # The map now draws the uploaded (official) outlines with the built-in figures: no approximate banner.
        nav(page, "Bản đồ")
        wait_units(page, 11)  # the 11 official outlines are drawn
        wait_idle(page)
        assert page.get_by_text("Sơ đồ gần đúng", exact=False).count() == 0
        screenshot(page, "trust_right_zone_map.png")
        assert page.external == [], f"requests left localhost: {page.external[:5]}"
