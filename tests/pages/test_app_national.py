"""The Map page's "Toàn quốc": the whole country at province, district and commune level, in both vintages.

Under ``streamlit.testing.v1.AppTest``: the map component's arguments are what the browser receives.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.units import registry
from tests.test_app_map import APP, TIMEOUT, _run, _widget, map_payload


@pytest.fixture
def at() -> AppTest:
    return _run(AppTest.from_file(APP, default_timeout=TIMEOUT))


def _national(at: AppTest) -> AppTest:
    box = _widget(at.sidebar.selectbox, "Tỉnh/thành phố")
    assert box.options[0] == "Toàn quốc"
    box.set_value(settings.NATIONAL_AREA)
    return _run(at)


def test_national_provinces_then_back_to_a_province(at):
    _national(at)
    assert at.session_state["national"] is True
    assert at.session_state["province"] == "20"  # the other pages keep their province
    assert _widget(at.radio, "Cấp").options == ["Tỉnh", "Huyện", "Xã"]
    _widget(at.radio, "Cấp").set_value("province")
    _run(at)
    g, s, _ = map_payload(at)
    assert sorted(g["codes"]) == sorted(registry.units(level="province", vintage="pre2025")["code"])
    assert len(g["codes"]) == 63
    # Lạng Sơn's built-in district table is not a province table: no province gets a borrowed value.
    assert set(s["cls"]) == {-1}
    # Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) are labelled, east of 111° E.
    labels = {x["text"]: (x["lon"], x["lat"]) for x in s["sov"]["labels"]}
    assert set(labels) == {"Quần đảo Hoàng Sa (TP. Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)"}
    assert all(lon > 111 for lon, _ in labels.values())

    box = _widget(at.sidebar.selectbox, "Tỉnh/thành phố")
    box.set_value("20")
    _run(at)
    assert at.session_state["national"] is False
    g, _, _ = map_payload(at)
    assert len(g["codes"]) == 11  # Lạng Sơn's districts again (the shared level was never "province")


def test_national_districts_pre2025(at):
    _national(at)
    _widget(at.radio, "Cấp").set_value("district")
    _run(at)
    g, s, _ = map_payload(at)
    expected = set(registry.units(level="district", vintage="pre2025")["code"])
    assert set(g["codes"]) == expected
    # The Lạng Sơn table colours Lạng Sơn's 11 districts only.
    cls = dict(zip(g["codes"], s["cls"]))
    langson = set(registry.units(province="20", level="district")["code"])
    assert {c for c, k in cls.items() if k >= 0} == langson


def test_national_2025_provinces_and_communes(at):
    _national(at)
    _widget(at.radio, "Thời điểm đơn vị hành chính").set_value("2025")
    _run(at)
    assert _widget(at.radio, "Cấp").options == ["Tỉnh", "Xã"]
    _widget(at.radio, "Cấp").set_value("province")
    _run(at)
    g, s, _ = map_payload(at)
    assert len(g["codes"]) == len(registry.units(level="province", vintage="2025")) == 34
    assert {x["text"] for x in s["sov"]["labels"]} == {"Quần đảo Hoàng Sa (TP. Đà Nẵng)",
                                                        "Quần đảo Trường Sa (Khánh Hòa)"}
    _widget(at.radio, "Cấp").set_value("commune")
    _run(at)
    g, _, _ = map_payload(at)
    assert set(g["codes"]) == set(registry.units(level="commune", vintage="2025")["code"])
