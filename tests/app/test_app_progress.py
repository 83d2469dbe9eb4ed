"""The Tiến độ page with Streamlit's AppTest: KH 78 plus an ILLUSTRATIVE 2021 results file, district level."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests._progress_data import results_csv

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180


@pytest.fixture(scope="module")
def app():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/progress.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Cần ít nhất hai năm" in i.value for i in at.info)
    at.file_uploader(key="progress_upload").set_value(("ket_qua_2021_minh_hoa.csv", results_csv(), "text/csv"))
    at.run()
    at.number_input(key="progress_year").set_value(2021)
    at.run()
    at.button(key="progress_add").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_second_year_stacks_and_the_change_is_mapped_with_a_standard_warning(app):
    assert any("Đã thêm năm 2021" in c.value for c in app.caption)
    assert any("2020, 2021" in c.value for c in app.caption)
    assert any("đổi chuẩn nghèo" in w.value for w in app.warning)
    assert app.radio(key="progress_measure").value == "change"


def test_targets_vs_results_table_trend_and_lagging(app):
    app.radio(key="progress_measure").set_value("gap")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("6 đơn vị đạt, 5 không đạt" in c.value for c in app.caption)
    table = app.dataframe[0].value
    status = dict(zip(table["Mã"] if "Mã" in table else table.iloc[:, 0], table["Đánh giá"]))
    assert status["187"] == "không đạt" and status["181"] == "đạt"
    app.selectbox(key="progress_unit").set_value("180")
    app.run()
    assert len(app.get("image")) == 1  # the trend chart
    app.button(key="progress_lagging").click()
    app.run()
    assert any("Đã thêm 5 đơn vị" in s.value for s in app.success)
    designations = app.session_state["designations"][("20", "pre2025")]
    assert designations.codes("lagging") == {"180", "183", "184", "187", "189"}
