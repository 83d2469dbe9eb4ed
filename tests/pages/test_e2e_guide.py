"""The user guide's screenshots are taken again from the running app, page by page, in Vietnamese.

They are written to ``test-artifacts/guide/``; with ``GEO_UPDATE_GUIDE=1`` they also replace the committed
copies in ``docs/img/`` (opt-in, so that a test run never leaves a working tree with changed files):

    GEO_UPDATE_GUIDE=1 python -m pytest tests/pages/test_e2e_guide.py
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, offline_page, wait_idle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "huong_dan.md"
OUT = ARTIFACTS / "guide"
# Image of the guide -> the page's URL path (empty: the home page).
SHOTS = {"ban_do.png": "", "du_lieu.png": "du-lieu", "uu_tien.png": "uu-tien", "phu_luc.png": "phu-luc",
         "sap_nhap.png": "sap-nhap-2025", "kho_du_lieu.png": "kho-du-lieu"}


def test_guide_names_exactly_the_screenshots_taken():
    images = re.findall(r"!\[[^\]]+\]\(img/([^)]+)\)", GUIDE.read_text(encoding="utf-8"))
    assert sorted(images) == sorted(SHOTS)


def test_guide_screenshots_are_regenerated(app_url):
    started = time.time()
    OUT.mkdir(parents=True, exist_ok=True)
    with offline_page(viewport=(1366, 768)) as page:
        page.goto(app_url)
        wait_idle(page, timeout=180, settle=1.5)
        for image, path in SHOTS.items():
            if path:
                page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
                page.wait_for_timeout(500)
                wait_idle(page, timeout=180, settle=1.5)
            page.wait_for_timeout(1500)  # maps and charts finish drawing in their frames
            page.screenshot(path=str(OUT / image))
        assert page.external == []
    for image in SHOTS:
        shot = OUT / image
        assert shot.stat().st_mtime >= started and shot.stat().st_size > 20_000
        if os.environ.get("GEO_UPDATE_GUIDE") == "1":
            shutil.copyfile(shot, GUIDE.parent / "img" / image)
