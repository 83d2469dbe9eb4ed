"""Addresses from before the app had its own navigation (``/priority``, ``/annex``…) open the right page.

The pages live in ``app_pages/``, not ``pages/``: a folder named ``pages`` beside ``app.py`` starts every new
Streamlit server in its folder-based navigation, where the first visit by such an address ran
``pages/priority.py`` alone, under a sidebar listing every file of the folder by its English file name, and any
other address got Streamlit's English "Page not found" box. This module has its own server, so its first visit
is a new server's first.
"""

from __future__ import annotations

import pytest

from tests.browser import offline_page, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

# Address visited -> where the app puts the planner.
PATH_AFTER = {"priority": "/uu-tien", "annex": "/phu-luc", "uu-tien": "/uu-tien"}
NAV = ["Bản đồ", "Dữ liệu", "Danh sách hộ", "Ưu tiên", "Phụ lục", "Sáp nhập 2025", "Tiến độ", "Kho dữ liệu"]


def _visit(app_url: str, path: str, heading: str) -> None:
    with offline_page(viewport=(1280, 800)) as page:
        page.goto(f"{app_url}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=90_000)
        wait_idle(page)
        nav = page.locator('[data-testid="stSidebarNav"] a')
        assert nav.all_inner_texts() == NAV
        assert page.get_by_text("Page not found").count() == 0
        assert page.url.endswith(PATH_AFTER[path])
        assert page.external == []


def test_old_address_on_a_new_server_opens_the_page_under_the_apps_navigation(app_url):
    _visit(app_url, "priority", "Ưu tiên")  # the first visit this server has


def test_old_address_on_a_running_server_opens_the_page(app_url):
    _visit(app_url, "annex", "Phụ lục")
    _visit(app_url, "uu-tien", "Ưu tiên")


def test_apps_own_address_on_a_new_server_opens_the_page():
    """A bookmark of /du-lieu opened after the server was restarted opens the Data page, without Streamlit's
    English "Page not found" box (sent, while the folder was named ``pages``, before ``app.py`` ran)."""
    with streamlit_server() as url, offline_page(viewport=(1280, 800)) as page:
        page.goto(f"{url}/du-lieu")
        page.locator(".st-key-b_upload").wait_for(timeout=90_000)
        wait_idle(page)
        assert page.locator("h1").first.inner_text() == "Dữ liệu"
        assert page.url.endswith("/du-lieu")
        assert page.locator('[data-testid="stSidebarNav"] a').all_inner_texts() == NAV
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_text("does not seem to exist").count() == 0
