"""The map page under ``streamlit.testing.v1.AppTest``: widgets -> session state -> geo.* -> the map.

No browser: the folium map reaches the page as the ``st_folium`` component,
whose arguments hold the map's script. The tests read the encoded units
(``G.codes``) and their classes (``S.cls``) from it, so each check is on what
the planner would see: which units are drawn and in which class.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from geo.units import registry
from geo.analysis.classify import classify
from geo.join.files import builtin_indicators
from geo.text.i18n import t

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 240
LANGSON_DISTRICTS = 11
LANGSON_COMMUNES = 194


def _run(at: AppTest) -> AppTest:
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def at() -> AppTest:
    return _run(AppTest.from_file(APP, default_timeout=TIMEOUT))


def _components(node) -> list:
    out = []
    for child in getattr(node, "children", {}).values():
        if type(child).__name__ == "UnknownElement" and getattr(child.proto, "component_name", "").endswith("geo_map"):
            out.append(child)
        out += _components(child)
    return out


def map_payload(at: AppTest) -> tuple[dict, dict, dict | None]:
    """(geometry, style, district outlines) of the one map on the page, as the browser receives them."""
    maps = _components(at._tree)
    assert len(maps) == 1, f"expected one map, found {len(maps)}"
    args = json.loads(maps[0].proto.json_args)
    # No browser here reports having the geometry, so every run carries it.
    geometry = json.loads(args["geometry"])
    districts = json.loads(args["districts"]) if args["districts"] else None
    # ... and the layer's unchanging texts, put back into the style as the component's page does.
    from geo.render.mapcomponent import join_style

    return geometry, join_style(json.loads(args["style"]), json.loads(args["static"])), districts


def _widget(widgets, label: str):
    hits = [w for w in widgets if w.label == label]
    assert hits, f"no widget {label!r}; have {[w.label for w in widgets]}"
    return hits[0]


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_opens_on_langson_districts_with_the_builtin_table(at):
    ss = at.session_state
    assert (ss["province"], ss["vintage"], ss["level"]) == ("20", "pre2025", "district")
    assert ss["dataset"] == "builtin:langson_kh78_2021"
    assert (ss["indicator"], ss["year"]) == ("poor_rate", 2020)
    assert any("Sơ đồ gần đúng" in w for w in _texts(at.warning))
    g, s, d = map_payload(at)
    expected = set(registry.units(province="20", level="district")["code"])
    assert set(g["codes"]) == expected and len(g["codes"]) == LANGSON_DISTRICTS
    assert d is None  # the units are the districts: no outlines to add
    # Five quantile classes of the official 2020 poor rates, every district has a value.
    assert sorted(set(s["cls"])) == [0, 1, 2, 3, 4]
    assert "Tỷ lệ hộ nghèo (%) năm 2020" in s["legend"]
    assert "Sơ đồ gần đúng" in s["header"]
    # Thành phố Lạng Sơn (0,18%) is in the lowest class, Bình Gia (16,22%) in the highest.
    cls = dict(zip(g["codes"], s["cls"]))
    assert cls["178"] == 0 and cls["181"] == 4
    assert any("11/11" in c for c in _texts(at.caption))


def test_commune_level_draws_194_communes_without_borrowed_values(at):
    _widget(at.radio, "Cấp").set_value("commune")
    _run(at)
    assert at.session_state["level"] == "commune"
    g, s, d = map_payload(at)
    assert len(g["codes"]) == LANGSON_COMMUNES
    # District outlines over communes: the communes' shared borders that separate two districts (or face out).
    assert d is None and len(s["darcs"]) > LANGSON_DISTRICTS
    assert set(s["cls"]) == {-1}  # district table on a commune map: "no data", never the district's value
    assert t("note.coarser_data") in _texts(at.info)


def test_vintage_2025_has_communes_only(at):
    _widget(at.radio, "Thời điểm đơn vị hành chính").set_value("2025")
    _run(at)
    ss = at.session_state
    assert (ss["vintage"], ss["level"]) == ("2025", "commune")
    assert _widget(at.radio, "Cấp").options == ["Xã"]
    g, _, _ = map_payload(at)
    assert len(g["codes"]) == len(registry.units(province="20", level="commune", vintage="2025")) == 65


def test_province_switch_draws_that_province(at):
    _widget(at.sidebar.selectbox, "Tỉnh/thành phố").set_value("01")
    _run(at)
    ss = at.session_state
    assert ss["province"] == "01"
    assert ss["dataset"] == ""  # the built-in table is Lạng Sơn's only
    g, s, _ = map_payload(at)
    assert set(g["codes"]) == set(registry.units(province="01", level="district")["code"])
    assert set(s["cls"]) == {-1}
    assert "Không có dữ liệu" in s["legend"]


def test_indicator_year_scheme_and_classes_recolour(at):
    data = builtin_indicators().data.set_index("code")
    g, before, _ = map_payload(at)

    _widget(at.sidebar.selectbox, "Chỉ tiêu").set_value("near_poor_rate")
    _run(at)
    _, s, _ = map_payload(at)
    assert at.session_state["indicator"] == "near_poor_rate"
    assert "Tỷ lệ hộ cận nghèo (%) năm 2020" in s["legend"]
    expected = classify(data.loc[g["codes"], "near_poor_rate_2020"], scheme="quantiles", k=5)
    assert s["cls"] == expected.yb.tolist() != before["cls"]

    _widget(at.sidebar.selectbox, "Năm").set_value(2021)
    _run(at)
    _, s, _ = map_payload(at)
    assert "năm 2021" in s["legend"]
    assert s["cls"] == classify(data.loc[g["codes"], "near_poor_rate_2021"], scheme="quantiles", k=5).yb.tolist()

    _widget(at.sidebar.selectbox, "Cách phân lớp").set_value("fisher_jenks")
    _widget(at.sidebar.slider, "Số lớp").set_value(3)
    _run(at)
    assert (at.session_state["scheme"], at.session_state["k"]) == ("fisher_jenks", 3)
    _, s, _ = map_payload(at)
    assert sorted(set(s["cls"])) == [0, 1, 2] and len(s["pal"]) == 3
    assert s["cls"] == classify(data.loc[g["codes"], "near_poor_rate_2021"], scheme="fisher_jenks", k=3).yb.tolist()

    _widget(at.sidebar.selectbox, "Bảng màu").set_value("Blues")
    _run(at)
    _, s, _ = map_payload(at)
    assert s["pal"][0].lower() == "#deebf7"  # ColorBrewer Blues, 3 classes


def test_manual_breaks_read_vietnamese_decimals(at):
    data = builtin_indicators().data.set_index("code")
    _widget(at.sidebar.selectbox, "Cách phân lớp").set_value("manual")
    _run(at)
    assert at.sidebar.text_input  # the breaks box replaces the class slider
    assert not at.sidebar.slider
    assert at.error  # nothing typed yet: told why, default classes drawn
    map_payload(at)

    _widget(at.sidebar.text_input, "Ngưỡng (cách nhau bởi dấu chấm phẩy, ví dụ 5; 10; 15)").set_value("5,5; 10")
    _run(at)
    assert not at.error and not [w for w in _texts(at.warning) if "Ngưỡng" in w]
    g, s, _ = map_payload(at)
    rates = data.loc[g["codes"], "poor_rate_2020"].to_numpy()
    assert s["cls"] == np.select([rates <= 5.5, rates <= 10], [0, 1], 2).tolist()
    assert "5,50" in s["legend"] and "10,00" in s["legend"]

    _widget(at.sidebar.text_input, "Ngưỡng (cách nhau bởi dấu chấm phẩy, ví dụ 5; 10; 15)").set_value("5; mười")
    _run(at)
    assert any("mười" in w for w in _texts(at.warning))
    map_payload(at)  # still a map


def test_search_without_diacritics_offers_every_hoa_binh(at):
    _widget(at.radio, "Cấp").set_value("commune")
    _run(at)
    _widget(at.text_input, "Tìm đơn vị (gõ không dấu cũng được)").input("hoa binh")
    _run(at)
    results = _widget(at.radio, "Kết quả")
    labels = [lab for lab in results.options]
    assert len(labels) == 4
    assert all(lab.startswith("Xã Hòa Bình – Huyện ") for lab in labels)
    assert {lab.rsplit("Huyện ", 1)[1] for lab in labels} == {"Bình Gia", "Văn Quan", "Hữu Lũng", "Chi Lăng"}

    # Add the first one to the selection: state, side table and map halo follow.
    code = results.value
    next(b for b in at.button if b.label == "Chọn đơn vị này").click()
    _run(at)
    assert at.session_state["selection"]["pre2025"] == {code}
    table = at.table[0].value
    assert list(table.index) == [code] and table.iloc[0]["Tên đơn vị"] == "Xã Hòa Bình"
    g, s, _ = map_payload(at)
    assert [g["codes"][i] for i in s["sel"]] == [code]


def test_english_switch_changes_labels(at):
    _widget(at.sidebar.radio, "Ngôn ngữ / Language").set_value("en")
    _run(at)
    assert at.session_state["lang"] == "en"
    labels = [w.label for w in at.sidebar.selectbox]
    assert {"Province", "Dataset", "Indicator", "Year", "Classification", "Palette"} <= set(labels)
    assert any(w.startswith("Approximate sketch") for w in _texts(at.warning))
    assert at.subheader[0].value == "Selected units"
    _, s, _ = map_payload(at)
    assert "Poor household rate (%) in 2020" in s["legend"]
    assert "Approximate sketch" in s["header"]


def test_choices_survive_a_visit_to_the_data_page(at):
    _widget(at.radio, "Cấp").set_value("commune")
    _widget(at.sidebar.selectbox, "Chỉ tiêu").set_value("poor")
    _run(at)
    at.switch_page("app_pages/data.py")
    _run(at)
    assert at.session_state["level"] == "commune"
    at.switch_page("app_pages/map.py")
    _run(at)
    ss = at.session_state
    assert (ss["level"], ss["indicator"], ss["dataset"]) == ("commune", "poor", "builtin:langson_kh78_2021")
    g, _, _ = map_payload(at)
    assert len(g["codes"]) == LANGSON_COMMUNES
