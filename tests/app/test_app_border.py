"""Priority page: border candidates derived from the map, confirmed by a named planner into designations."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180


def test_planner_confirms_the_derived_border_districts_into_designations():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/priority.py")
    at.run()
    at.radio(key="level").set_value("district")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="prio_border_find").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("5/") and "suy ra, cần xác nhận" in c for c in captions), captions
    assert sorted(at.session_state["prio_border_codes"]) == ["180", "182", "183", "188", "189"]
    assert at.button(key="prio_border_confirm").label == "Xác nhận 5 đơn vị là biên giới"
    at.button(key="prio_border_confirm").click()  # no name yet: refused, nothing added
    at.run()
    assert [e.value for e in at.error] == ["Hãy ghi tên người xác nhận danh sách xã biên giới."]
    store = at.session_state["designations"]
    assert all(not dset.codes("border") for dset in store.values())
    at.text_input(key="prio_border_user").set_value("Chị Lan (Sở LĐTBXH)")
    at.button(key="prio_border_confirm").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["Đã thêm 5 đơn vị biên giới, nguồn: xác nhận bởi Chị Lan (Sở LĐTBXH)."]
    dset = at.session_state["designations"][("20", "pre2025")]
    assert dset.codes("border") == {"180", "182", "183", "188", "189"}
    assert {d.source for d in dset.filter(type="border")} == {"xác nhận bởi Chị Lan (Sở LĐTBXH)"}
