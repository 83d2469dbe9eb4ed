"""The data page's trust controls under AppTest: warnings above the table, a row picked for a conflicting unit,
a hand match undone."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.analysis.test_checks import BAD
from tests.test_app_map import APP, TIMEOUT, _run


@pytest.fixture
def at(tmp_path):
    path = tmp_path / "huyen_loi.csv"
    BAD.to_csv(path, index=False)
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page("app_pages/data.py")
    _run(at)
    at.file_uploader(key="t_upload").set_value((path.name, path.read_bytes(), "text/csv"))
    return _run(at)


def test_warnings_show_above_the_table_and_a_picked_row_gives_the_unit_data(at):
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("5 ô số liệu không thể đúng") for w in warnings)
    assert any("Huyện Văn Lãng (dòng 5, 6)" in w for w in warnings)
    name = next(iter(at.session_state["tables"]))
    picker = at.selectbox(key=f"conflict_upload:{name}_182")
    picker.set_value(6)
    _run(at)
    assert at.session_state["picks"]["upload:" + name] == {"182": 6}
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("1 đơn vị có nhiều dòng khác nhau; đã dùng dòng được chọn") for w in warnings)
