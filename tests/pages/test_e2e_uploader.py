"""The file uploaders speak the page's language (app_pages._ui.uploads.file_uploader).

Streamlit writes its uploader's button and limits in English ("Upload", "200MB per file • CSV"); what the
planner sees is the text each uploader's style puts in their place, read here as the browser computes it.
"""

from __future__ import annotations

import pytest

from tests.browser import nav, offline_page, radio, wait_idle

pytestmark = pytest.mark.browser


def _shown(page, key: str) -> tuple[str, str, float, float]:
    """(button text, instructions text) as drawn, and the font sizes of Streamlit's own words."""
    box = page.locator(f".st-key-{key} [data-testid='stFileUploaderDropzone']")
    after = "e => getComputedStyle(e, '::after').content"
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    button = box.locator("button [data-testid='stMarkdownContainer'] p")
    words = box.locator("[data-testid='stFileUploaderDropzoneInstructions'] span")
    return button.evaluate(after), words.evaluate(after), button.evaluate(size), words.evaluate(size)


def test_uploaders_in_vietnamese_then_english(app_url):
    with offline_page(viewport=(1280, 900)) as page:
        page.goto(app_url)
        page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=90_000)
        wait_idle(page)
        nav(page, "Dữ liệu")
        page.locator(".st-key-b_upload").wait_for(timeout=60_000)
        wait_idle(page)
        assert _shown(page, "b_upload") == (
            '"Tải lên"', '"Tối đa 200 MB mỗi tệp • GEOJSON, JSON, GPKG, ZIP, KML"', 0, 0)
        assert _shown(page, "t_upload")[1] == '"Tối đa 50 MB mỗi tệp • CSV, XLSX, TXT, TSV"'

        radio(page, "Ngôn ngữ", "English")
        page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
        wait_idle(page)
        assert _shown(page, "t_upload")[:2] == ('"Upload"', '"50 MB per file • CSV, XLSX, TXT, TSV"')

        nav(page, "Household lists")
        page.locator(".st-key-hh_files").wait_for(timeout=60_000)
        wait_idle(page)
        assert _shown(page, "hh_files")[1] == '"200 MB per file • XLSX, CSV, ZIP"'
        assert page.external == []
