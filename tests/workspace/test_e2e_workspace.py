"""Done-when, in a real browser: upload a table, fix a row by hand, save a scenario; restart the server; a new
browser finds the table, its hand match and the scenario, and the scenario reopens with no upload."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser import (nav, offline_page, require_browser, screenshot, select, streamlit_server, upload_indicator_table,
                           wait_idle, wait_metric, wait_units)
from tests.test_tables import ASCII_NAMES, annex_rows, write_csv

pytestmark = pytest.mark.browser
NAME = "phu_luc_khong_dau.csv"
SCENARIO = "Phương án huyện 2026"
NOTES = "Ghi chú giữ qua khởi động lại"


def test_work_survives_a_restart_and_a_new_browser(tmp_path, monkeypatch):
    require_browser()
    monkeypatch.setenv("GEO_WORKSPACE", str(tmp_path / "kho"))
    names = list(ASCII_NAMES)
    names[1] = "H. Trang Dihn"
    csv = write_csv(tmp_path / NAME, annex_rows(names))

    with streamlit_server() as url, offline_page() as page:
        upload_indicator_table(page, url, csv)
        wait_metric(page, "Dòng chưa ghép", "1")
        wait_metric(page, "Đã ghép", "10")
        wait_idle(page)
        select(page, "Chọn đơn vị đúng cho dòng 7 ('H. Trang Dihn')", "Huyện Tràng Định")
        page.get_by_role("button", name="Áp dụng các lựa chọn").click()
        wait_idle(page)
        wait_metric(page, "Dòng chưa ghép", "0")
        wait_metric(page, "Đã ghép", "11")
        nav(page, "Ưu tiên")
        wait_idle(page)
        page.locator('[data-testid="stRadio"]').filter(has_text="Cấp").first.get_by_text("Huyện", exact=True).click()
        wait_idle(page)
        notes = page.get_by_label("Ghi chú của phương án")
        notes.fill(NOTES)
        notes.press("Tab")  # a text area sends its value when it loses focus: let that rerun finish first
        wait_idle(page)
        expect(page.get_by_label("Ghi chú của phương án")).to_have_value(NOTES, timeout=30_000)
        page.get_by_label("Tên phương án trong kho").fill(SCENARIO)
        page.get_by_label("Tên phương án trong kho").press("Enter")
        wait_idle(page)
        page.get_by_role("button", name="Lưu vào kho").click()
        page.get_by_text(f"Đã giữ trong kho với tên '{SCENARIO}'").wait_for(timeout=60_000)
        screenshot(page, "workspace_saved.png")
        assert page.external == []

    # A new server process on the same workspace, and a new browser (no cookies, no session).
    with streamlit_server() as url, offline_page() as page:
        page.goto(url)
        wait_idle(page)
        nav(page, "Dữ liệu")
        wait_idle(page)
        select(page, "Bộ số liệu", NAME)
        wait_idle(page)
        wait_metric(page, "Dòng chưa ghép", "0")  # the hand match came back
        wait_metric(page, "Đã ghép", "11")

        nav(page, "Ưu tiên")
        wait_idle(page)
        select(page, "Mở phương án từ kho", SCENARIO)
        wait_idle(page)
        page.get_by_text(f"Đã mở phương án '{SCENARIO}'").wait_for(timeout=60_000)
        expect(page.get_by_label("Ghi chú của phương án")).to_have_value(NOTES, timeout=30_000)
        screenshot(page, "workspace_reopened.png")
        nav(page, "Bản đồ")
        wait_idle(page)
        wait_units(page, 11)
        nav(page, "Kho dữ liệu")
        wait_idle(page)
        page.get_by_text("Lịch sử").wait_for(timeout=60_000)
        screenshot(page, "workspace_page.png")
        assert page.external == []
    assert os.path.exists(tmp_path / "kho" / "workspace.gpkg")
