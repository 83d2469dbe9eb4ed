"""In a real browser: a national commune table (illustrative, geo.workflows.samples) uploaded on the Data page while
Lạng Sơn is shown. The page says how many rows belong to other provinces and draws no hand-match picker for them
(one picker a row took more than ten minutes for its 9,841 rows)."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from geo.units import registry
from geo.workflows.samples import sample_commune_table
from tests.browser import (offline_page, require_browser, screenshot, streamlit_server, upload_indicator_table,
                           wait_idle, wait_metric)

pytestmark = pytest.mark.browser


def test_national_table_on_langson_in_the_browser(tmp_path, monkeypatch):
    require_browser()
    monkeypatch.setenv("GEO_WORKSPACE", str(tmp_path / "kho"))
    table = pd.concat([sample_commune_table(province=p) for p in registry.provinces()["code"]], ignore_index=True)
    path = tmp_path / "xa_toan_quoc_minh_hoa.csv"
    table[["code", "name", "district_name", "households", "poor"]].rename(columns={
        "code": "Mã xã", "name": "Tên đơn vị", "district_name": "Huyện", "households": "Tổng số hộ",
        "poor": "Số hộ nghèo"}).to_csv(path, index=False)
    with streamlit_server() as url, offline_page() as page:
        upload_indicator_table(page, url, path)
        wait_metric(page, "Đã ghép", "194")
        wait_metric(page, "Dòng chưa ghép", "0")
        wait_idle(page)
        message = page.get_by_text("9.841 dòng của bảng thuộc tỉnh khác nên đã để riêng, không ghép vào Tỉnh Lạng Sơn",
                                   exact=False)
        expect(message).to_be_visible()
        message.scroll_into_view_if_needed()
        assert page.locator('[data-testid="stSelectbox"]').count() == 2  # the boundary and dataset boxes only
        screenshot(page, "data_national_table.png")
        assert page.external == []
