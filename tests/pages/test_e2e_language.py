"""Every page in Vietnamese shows no English leftovers, and in English no Vietnamese UI strings.

The scan reads what a planner sees: the page's text, the sidebar, and the text inside embedded frames
(the map's legend and tooltips container). Pages are discovered from the sidebar navigation, so a new
page is scanned without changing this test.
"""

from __future__ import annotations

import re

import pytest
import yaml

from geo.text import i18n
from tests._priority_data import FILE_NAME, commune_csv
from tests.browser import nav, offline_page, radio, screenshot, wait_idle

pytestmark = pytest.mark.browser

# Words a Vietnamese page must never show: Python/pandas values and English UI words that leaked before.
ENGLISH_LEFTOVERS = re.compile(r"\b(None|NaN|nan|NaT|True|False|median|No results|No data|Deploy|undefined)\b")


# In English these are ordinary words; only the Python/JavaScript values remain leftovers there.
ENGLISH_WORDS = {"median", "No results", "No data", "Deploy"}


def _vietnamese_ui_strings() -> list[str]:
    """Vietnamese catalogue strings that differ from their English version (long enough to be specific)."""
    vi = yaml.safe_load((i18n.CATALOG_DIR / "vi.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((i18n.CATALOG_DIR / "en.yaml").read_text(encoding="utf-8"))
    out = []
    for key, text in vi.items():
        if key.startswith("error.") or "{" in text or text == en[key] or len(text) < 12:
            continue
        out.append(text)
    return out


def _read_text(page) -> str:
    parts = [page.locator("body").inner_text()]
    for frame in page.frames[1:]:
        try:
            parts.append(frame.locator("body").inner_text(timeout=2_000))
        except Exception:  # a frame that is navigating away: nothing a reader sees
            continue
    return "\n".join(parts)


def _visible_text(page, *, timeout: float = 30.0) -> str:
    """What the page shows once it has settled: the same text twice in a row, a second apart. The script may be
    done while a frame (the map's legend) still shows the previous render, on a busy machine for seconds."""
    import time

    deadline = time.time() + timeout
    text = _read_text(page)
    while time.time() < deadline:
        page.wait_for_timeout(1_000)
        again = _read_text(page)
        if again == text:
            return text
        text = again
    return text


def _page_links(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator('[data-testid="stSidebarNav"] a').all()]


def _walk(page, lang: str) -> dict[str, str]:
    """Open every page from the sidebar (same session, so the language stays); text keyed by page path."""
    texts = {}
    links = _page_links(page)
    assert len(links) >= 5, links
    for href in links:
        page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first.click()
        page.wait_for_timeout(500)
        wait_idle(page, timeout=120, settle=1.5)
        texts[href.rsplit("/", 1)[-1] or "home"] = _visible_text(page)
        screenshot(page, f"language-{lang}-{len(texts)}.png")
    return texts


def test_no_english_leftovers_in_vietnamese(app_url):
    with offline_page(viewport=(1366, 768)) as page:
        page.goto(app_url)
        wait_idle(page, timeout=120, settle=1.5)
        found = {title: sorted(set(m.group(0) for m in ENGLISH_LEFTOVERS.finditer(text)))
                 for title, text in _walk(page, "vi").items()}
        assert {k: v for k, v in found.items() if v} == {}


def test_no_english_leftovers_with_an_uploaded_commune_table(app_url):
    """The same scan after a planner uploads a commune table (illustrative data): every page at commune level."""
    with offline_page(viewport=(1366, 768)) as page:
        page.goto(app_url)
        wait_idle(page, timeout=120, settle=1.5)
        nav(page, "Dữ liệu")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên bảng chỉ tiêu")
        uploader.locator('input[type="file"]').set_input_files(
            files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": commune_csv()}])
        page.get_by_text(f"Đã đọc 194 đơn vị từ '{FILE_NAME}'").wait_for(timeout=60_000)
        wait_idle(page, timeout=120, settle=1.5)
        found = {title: sorted(set(m.group(0) for m in ENGLISH_LEFTOVERS.finditer(text)))
                 for title, text in _walk(page, "vi-xa").items()}
        assert {k: v for k, v in found.items() if v} == {}


def test_no_vietnamese_ui_strings_in_english(app_url):
    vi_strings = _vietnamese_ui_strings()
    assert len(vi_strings) > 100
    with offline_page(viewport=(1366, 768)) as page:
        page.goto(app_url)
        wait_idle(page, timeout=120, settle=1.5)
        radio(page, "Ngôn ngữ / Language", "English")
        wait_idle(page, timeout=120, settle=1.5)
        texts = _walk(page, "en")
        found = {title: [s for s in vi_strings if s in text] for title, text in texts.items()}
        assert {k: v for k, v in found.items() if v} == {}
        leftovers = {title: sorted(set(m.group(0) for m in ENGLISH_LEFTOVERS.finditer(text)) - ENGLISH_WORDS)
                     for title, text in texts.items()}
        assert {k: v for k, v in leftovers.items() if v} == {}
