"""The app keeps a planner's work in the workspace: a new session (another browser, or after a restart) finds
the uploaded table, its hand matches, the designations and the scenario; a scenario reopens with no upload.
Uploads on disk: one file per content after 10 reruns, none after the session is dropped."""

from __future__ import annotations

import gc
import json

import pytest
from streamlit.testing.v1 import AppTest

from geo.io.spool import spool_root
from geo.workspace import open_workspace
from tests.test_app_data import MISSPELT_ROW, TRANG_DINH
from tests.test_app_map import APP, TIMEOUT, _run, _widget, map_payload
from tests.test_tables import ASCII_NAMES, annex_rows, write_csv

NAME = "phu_luc_khong_dau.csv"


def _session(page: str) -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page(page)
    return _run(at)


def _metrics(at) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


@pytest.fixture
def misspelt(tmp_path):
    names = list(ASCII_NAMES)
    names[1] = "H. Trang Dihn"
    return write_csv(tmp_path / NAME, annex_rows(names))


def test_a_new_session_finds_the_table_hand_matches_and_scenario(misspelt):
    # Session 1: upload, fix the misspelt row by hand, save a scenario in the workspace.
    at = _session("app_pages/data.py")
    at.file_uploader(key="t_upload").set_value((NAME, misspelt.read_bytes(), "text/csv"))
    _run(at)
    _widget(at.selectbox, f"Chọn đơn vị đúng cho dòng {MISSPELT_ROW} ('H. Trang Dihn')").set_value(TRANG_DINH)
    next(b for b in at.button if b.label == "Áp dụng các lựa chọn").click()
    _run(at)
    assert _metrics(at)["Đã ghép"] == 11
    at.switch_page("app_pages/priority.py")
    _run(at)
    at.radio(key="level").set_value("district")
    _run(at)
    at.text_input(key="prio_ws_name").set_value("Phương án huyện 2026")
    at.text_area(key="prio_notes").set_value("Ghi chú của phòng Lao động")
    _run(at)
    saved = at.session_state["prio_scenario"]
    at.button(key="prio_ws_save").click()
    _run(at)
    assert any("Phương án huyện 2026" in s.value for s in at.success)

    store = open_workspace()
    kinds = {(d.kind, d.name) for d in store.datasets()}
    assert ("table", NAME) in kinds and ("scenario", "Phương án huyện 2026") in kinds
    table_info = store.info(NAME, kind="table")
    assert store.state(table_info.id, "overrides") == {"1": TRANG_DINH}
    assert [e.action for e in store.history(NAME)] == ["save", "state:overrides"]
    assert store.history(NAME)[0].file_name == NAME

    # Session 2 (a new browser, same server): the table is listed with its hand match.
    at2 = _session("app_pages/data.py")
    options = _widget(at2.selectbox, "Bộ số liệu").options
    assert NAME in options
    at2.session_state["dataset"] = "upload:" + NAME
    _run(at2)
    assert at2.session_state["overrides"]["upload:" + NAME] == {1: TRANG_DINH}
    assert _metrics(at2)["Đã ghép"] == 11

    # Session 3 opens the scenario from the workspace: no upload, everything comes back.
    at3 = _session("app_pages/priority.py")
    assert "Phương án huyện 2026" in at3.selectbox(key="prio_ws_open").options
    at3.selectbox(key="prio_ws_open").set_value("Phương án huyện 2026")
    _run(at3)
    assert not at3.exception, [e.value for e in at3.exception]
    assert at3.text_area(key="prio_notes").value == "Ghi chú của phòng Lao động"
    assert at3.session_state["level"] == "district"
    reopened = at3.session_state["prio_scenario"]
    assert list(reopened.ranking["code"]) == list(saved.ranking["code"])
    assert reopened.selection == saved.selection
    assert at3.session_state["dataset"].endswith("(phương án)")
    at3.switch_page("app_pages/map.py")
    _run(at3)
    g, s, _ = map_payload(at3)
    assert len(g["codes"]) == 11 and -1 not in s["cls"]


def test_second_save_over_a_changed_scenario_is_refused(misspelt):
    a, b = _session("app_pages/priority.py"), _session("app_pages/priority.py")
    for at in (a, b):
        at.text_input(key="prio_ws_name").set_value("Chung")
        _run(at)
    a.button(key="prio_ws_save").click()
    _run(a)
    assert any("Chung" in s.value for s in a.success)
    b.button(key="prio_ws_save").click()  # b never opened a's version
    _run(b)
    assert b.error and "Chung" in b.error[0].value and "phiên bản" in b.error[0].value
    assert [v.version for v in open_workspace().versions("Chung", kind="scenario")] == [1]


def test_workspace_page_lists_versions_and_history(misspelt, tmp_path):
    at = _session("app_pages/data.py")
    at.file_uploader(key="t_upload").set_value((NAME, misspelt.read_bytes(), "text/csv"))
    _run(at)
    changed = misspelt.read_bytes().replace(b"H. Trang Dihn", b"H. Trang Dinh")
    at.file_uploader(key="t_upload").set_value((NAME, changed, "text/csv"))
    _run(at)
    at.switch_page("app_pages/workspace.py")
    _run(at)
    assert not at.exception, [e.value for e in at.exception]
    frames = [df.value for df in at.dataframe]
    assert frames[0]["Tên"].tolist() == [NAME] and frames[0]["Phiên bản"].tolist() == [2]
    assert frames[1]["Phiên bản"].tolist() == [2, 1]
    at.button(key="ws_restore").click()
    _run(at)
    assert any("phiên bản 3" in s.value for s in at.success)
    assert open_workspace().get(NAME, kind="table").data == misspelt.read_bytes()


def test_uploads_on_disk_once_per_content_and_gone_with_the_session():
    geojson = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ma": "178", "ten": "Thành phố Lạng Sơn"},
         "geometry": {"type": "Polygon", "coordinates": [[[106.7, 21.8], [106.8, 21.8], [106.8, 21.9], [106.7, 21.8]]]}},
    ]}).encode()
    at = _session("app_pages/data.py")
    at.file_uploader(key="b_upload").set_value(("huyen.geojson", geojson, "application/geo+json"))
    for _ in range(10):
        _run(at)
    files = [p for p in spool_root().rglob("*") if p.is_file()]
    assert [p.name for p in files] == ["huyen.geojson"]
    del at
    gc.collect()
    assert [p for p in spool_root().rglob("*") if p.is_file()] == []
