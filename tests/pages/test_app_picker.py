"""The one unit picker (app_pages/_picker.py) under AppTest: typed without diacritics, it finds and selects the unit."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

TIMEOUT = 60


def _picker_app(options: list[str], labels: dict[str, str], **kwargs):
    """A one-widget app: the picker over ``options``; ``kwargs`` go to unit_picker."""

    def script(options, labels, kwargs):
        import streamlit as st

        from app_pages._picker import unit_picker

        st.session_state["picked"] = unit_picker("Đơn vị", options, labels, key="unit", **kwargs)

    at = AppTest.from_function(script, args=(options, labels, kwargs), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


LABELS = {"06616": "Thị trấn Nông trường Thái Bình – Huyện Đình Lập", "06631": "Xã Thái Bình – Huyện Đình Lập",
          "05971": "Phường Hoàng Văn Thụ – Thành phố Lạng Sơn", "06508": "Xã Hòa Bình – Huyện Chi Lăng"}


def _type(at: AppTest, text: str) -> AppTest:
    at.text_input(key="unit__find").set_value(text)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_typing_without_diacritics_selects_the_best_match_and_lists_the_others():
    at = _picker_app(list(LABELS), LABELS)
    assert at.selectbox(key="unit").value == "06616"  # the first option until something is typed
    _type(at, "thai binh")
    box = at.selectbox(key="unit")
    assert box.value == "06631"
    assert box.options == ["Xã Thái Bình – Huyện Đình Lập", "Thị trấn Nông trường Thái Bình – Huyện Đình Lập"]
    assert at.session_state["picked"] == "06631"
    box.set_value("06616").run()
    assert at.session_state["picked"] == "06616"
    # The same search again keeps the planner's choice; a new one moves to its best match.
    _type(at, "thai binh ")
    assert at.selectbox(key="unit").value == "06616"
    _type(at, "hoa binh")
    assert at.selectbox(key="unit").value == "06508"


def test_a_code_and_a_province_name_typed_plainly():
    at = _picker_app(list(LABELS), LABELS)
    _type(at, "06616")
    assert at.selectbox(key="unit").value == "06616"
    provinces = {"20": "Tỉnh Lạng Sơn (20)", "34": "Tỉnh Thái Bình (34)", "19": "Tỉnh Thái Nguyên (19)"}
    at = _picker_app(list(provinces), provinces)
    _type(at, "lang son")
    assert at.selectbox(key="unit").value == "20"
    assert at.selectbox(key="unit").options == ["Tỉnh Lạng Sơn (20)"]


def test_no_match_says_so_and_keeps_the_current_choice():
    at = _picker_app(list(LABELS), LABELS)
    at.selectbox(key="unit").set_value("06508").run()
    _type(at, "zzz")
    assert at.selectbox(key="unit").value == "06508"
    assert at.selectbox(key="unit").options == ["Xã Hòa Bình – Huyện Chi Lăng"]
    assert [c.value for c in at.caption] == ["Không có đơn vị nào khớp với 'zzz'."]


def test_a_none_choice_stays_first_and_a_placeholder_selects_nothing():
    labels = {"": "Giữ nguyên (chưa ghép)", **LABELS}
    at = _picker_app(["", *LABELS], labels, default="")
    assert at.selectbox(key="unit").value == ""
    _type(at, "hoang van thu")
    assert at.selectbox(key="unit").options == ["Giữ nguyên (chưa ghép)", "Phường Hoàng Văn Thụ – Thành phố Lạng Sơn"]
    assert at.selectbox(key="unit").value == "05971"

    at = _picker_app(list(LABELS), LABELS, placeholder="Chọn một xã")
    assert at.selectbox(key="unit").value is None
    _type(at, "nt thai binh")
    assert at.selectbox(key="unit").value == "06616"


def test_map_page_province_typed_without_diacritics_draws_that_province():
    from geo.units import registry
    from tests.test_app_map import APP, TIMEOUT as APP_TIMEOUT, _run, map_payload

    at = _run(AppTest.from_file(APP, default_timeout=APP_TIMEOUT))
    find = [w for w in at.sidebar.text_input if w.label == "Tìm tỉnh (gõ không dấu cũng được)"]
    assert len(find) == 1
    find[0].input("ha noi")
    _run(at)
    assert at.session_state["province"] == "01"
    assert at.sidebar.selectbox(key="area").options[0] == "Thành phố Hà Nội (01)"  # the Map page's area box, narrowed to the typed province
    g, _, _ = map_payload(at)
    assert set(g["codes"]) == set(registry.units(province="01", level="district")["code"])
