"""The data page under ``streamlit.testing.v1.AppTest``: upload -> join report -> hand choice -> template.

The uploaded table is the seed-003 annex of Kế hoạch 78/KH-UBND as a
semicolon CSV without diacritics, with one district misspelt ("H. Trang
Dihn"): ten districts match by name, the eleventh only gets a suggestion
until the planner accepts it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo.units import registry
from geo.io.tables import read_indicators
from tests.test_app_map import APP, TIMEOUT, _run, _widget, map_payload
from tests.test_tables import ASCII_NAMES, POOR_2020_TOTAL, annex_rows, write_csv

TRANG_DINH = "180"
MISSPELT_ROW = 7  # file row of "H. Trang Dihn" (2 title lines, 3 header rows, then Thành phố Lạng Sơn)


@pytest.fixture
def at() -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page("app_pages/data.py")
    return _run(at)


@pytest.fixture
def misspelt_csv(tmp_path) -> Path:
    names = list(ASCII_NAMES)
    names[1] = "H. Trang Dihn"
    return write_csv(tmp_path / "phu_luc_khong_dau.csv", annex_rows(names))


def _metrics(at) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def _upload_table(at, path: Path) -> str:
    at.file_uploader(key="t_upload").set_value((path.name, path.read_bytes(), "text/csv"))
    _run(at)
    tables = at.session_state["tables"]
    assert len(tables) == 1
    return next(iter(tables))


def test_upload_join_report_and_hand_choice(at, misspelt_csv):
    name = _upload_table(at, misspelt_csv)
    ss = at.session_state
    assert name == "phu_luc_khong_dau.csv"  # the workspace name: a re-upload is its next version
    assert ss["dataset"] == "upload:" + name and ss["level"] == "district"
    table = ss["tables"][name]
    assert len(table.data) == 11 and table.data["poor_2020"].sum() == POOR_2020_TOTAL
    assert any("11" in s.value and "phu_luc_khong_dau.csv" in s.value for s in at.success)

    metrics = _metrics(at)
    assert metrics["Đã ghép"] == 10
    assert metrics["Dòng chưa ghép"] == 1
    assert metrics["Đơn vị chưa có số liệu"] == 1

    # The misspelt row offers Tràng Định first, marked as a suggestion.
    pick = _widget(at.selectbox, f"Chọn đơn vị đúng cho dòng {MISSPELT_ROW} ('H. Trang Dihn')")
    assert pick.value == ""  # nothing applied silently
    assert pick.options[1].startswith("Huyện Tràng Định") and pick.options[1].endswith("(gợi ý)")
    pick.set_value(TRANG_DINH)
    next(b for b in at.button if b.label == "Áp dụng các lựa chọn").click()
    _run(at)

    assert ss["overrides"]["upload:" + name] == {1: TRANG_DINH}
    metrics = _metrics(at)
    assert metrics["Đã ghép"] == 11
    assert metrics["Dòng chưa ghép"] == 0 and metrics["Đơn vị chưa có số liệu"] == 0

    # The map page uses the upload with the hand choice: all 11 districts coloured.
    at.switch_page("app_pages/map.py")
    _run(at)
    g, s, _ = map_payload(at)
    assert len(g["codes"]) == 11 and -1 not in s["cls"]


def test_template_download_reads_back_with_every_commune(at, monkeypatch):
    stored: dict[str, tuple[bytes, str | None]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = (path_or_data, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    _widget(at.radio, "Cấp").set_value("commune")  # the template's level (first "Cấp" radio on the page)
    _run(at)
    assert at.session_state["tpl_level"] == "commune"
    button = next(b for b in at.get("download_button") if b.label == "Tải biểu mẫu Excel có sẵn mã và tên đơn vị")
    file_id = Path(button.proto.url).stem
    data, filename = stored[file_id]
    assert filename == "bieu_mau_20_commune_pre2025.xlsx"
    assert data[:2] == b"PK"  # an xlsx is a zip
    table = read_indicators(data, name=filename)
    codes = set(table.data["code"])
    assert len(codes) == 194
    assert codes == set(registry.units(province="20", level="commune")["code"])
