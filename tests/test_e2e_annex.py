"""The Annex page in a real browser, offline: the Map page's indicator carries over, a PDF is made and downloaded."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from tests.browser import nav, ARTIFACTS, offline_page, screenshot, wait_units

pytestmark = pytest.mark.browser
TIMEOUT_MS = 90_000
TITLE = "Phụ lục: Bản đồ tỷ lệ hộ cận nghèo năm 2020 – tỉnh Lạng Sơn"
CLASS_RANGE = re.compile(r"\d[\d.,]* – \d[\d.,]*")


def _select(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option").filter(has_text=option).first.click()


def _words(text: str) -> str:
    return " ".join(text.split())


def test_annex_pdf_download_offline(app_url):
    with offline_page(viewport=(1500, 1900)) as page:  # tall: the whole page in the screenshot
        page.goto(app_url)
        wait_units(page, 11)
        _select(page, "Chỉ tiêu", "Tỷ lệ hộ cận nghèo")  # a choice of the Map page the annex must follow
        page.wait_for_timeout(1500)

        nav(page, "Phụ lục")
        page.get_by_text("Xem trước bản đồ in").wait_for(timeout=TIMEOUT_MS)
        title_box = page.get_by_label("Tiêu đề bản đồ")
        title_box.wait_for(timeout=TIMEOUT_MS)
        assert title_box.input_value() == TITLE
        page.locator('[data-testid="stImage"] img').first.wait_for(timeout=TIMEOUT_MS)  # the preview
        assert page.get_by_text("Sơ đồ gần đúng", exact=False).first.is_visible()
        assert page.locator(".st-key-annex_dl_pdf").count() == 0  # nothing made before it is asked for

        page.locator(".st-key-annex_make_pdf button").click()
        download_button = page.locator(".st-key-annex_dl_pdf button")
        download_button.wait_for(timeout=TIMEOUT_MS)
        with page.expect_download(timeout=TIMEOUT_MS) as info:
            download_button.click()
        download = info.value
        assert download.suggested_filename == "phu_luc_ban_do_near_poor_rate_2020_20_district.pdf"
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / "annex_map.pdf"
        download.save_as(str(target))
        data = Path(target).read_bytes()
        assert data.startswith(b"%PDF")
        reader = pypdf.PdfReader(str(target))
        assert len(reader.pages) == 1
        text = _words(reader.pages[0].extract_text())
        assert _words(TITLE) in text
        assert CLASS_RANGE.search(text)  # the legend's classes, e.g. "7,45 – 14,60"
        assert "Kế hoạch số 78/KH-UBND" in text and "Ngày lập" in text
        screenshot(page, "annex_vi.png")

        nav(page, "Bản đồ")  # back on the Map: the indicator chosen there before the visit
        wait_units(page, 11)
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Chỉ tiêu").first
        assert "Tỷ lệ hộ cận nghèo" in box.evaluate(
            "e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")

        assert page.external == [], f"requests left localhost: {page.external[:5]}"
