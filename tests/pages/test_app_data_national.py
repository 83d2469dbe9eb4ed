"""The Data page with a national commune table (illustrative, from geo.workflows.samples): on Lạng Sơn its other
provinces' rows are set aside with one message instead of a hand-match picker each; with "Toàn quốc" chosen on the
Map page every row is joined to the whole country. Under ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.units import registry
from geo.workflows.samples import sample_commune_table
from tests.test_app_map import APP, TIMEOUT, _run


@pytest.fixture(scope="module")
def national_csv() -> bytes:
    parts = [sample_commune_table(province=p) for p in registry.provinces()["code"]]
    table = pd.concat(parts, ignore_index=True)[["code", "name", "district_name", "households", "poor"]]
    return table.rename(columns={"code": "Mã xã", "name": "Tên đơn vị", "district_name": "Huyện",
                                 "households": "Tổng số hộ", "poor": "Số hộ nghèo"}).to_csv(index=False).encode()


def _data_page(national: bool) -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    if national:
        at.session_state["national"] = True
    at.switch_page("app_pages/data.py")
    return _run(at)


def _metrics(at) -> dict[str, int]:
    return {m.label: int(m.value.replace(".", "")) for m in at.metric}


def test_national_table_on_langson_sets_rows_aside_without_a_picker_each(national_csv):
    at = _data_page(national=False)
    at.file_uploader(key="t_upload").set_value(("xa_toan_quoc.csv", national_csv, "text/csv"))
    _run(at)
    assert _metrics(at)["Đã ghép"] == 194 and _metrics(at)["Dòng chưa ghép"] == 0
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("9.841 dòng của bảng thuộc tỉnh khác nên đã để riêng, không ghép vào Tỉnh Lạng Sơn")
               for w in warnings), warnings
    assert not [s for s in at.selectbox if s.key is not None and s.key.startswith("pick_")]
    assert "Bảng được ghép vào: Tỉnh Lạng Sơn" in at.caption[0].value
    preview = at.dataframe[0].value
    assert len(preview) == settings.TABLE_PREVIEW_ROWS and preview.iloc[0]["Mã"] == "00001"
    assert "Đang hiện 500 dòng đầu của bảng (10.035 dòng); cả bảng đều được ghép." in [c.value for c in at.caption]


def test_national_table_with_the_whole_country_chosen_joins_every_row(national_csv):
    at = _data_page(national=True)
    at.file_uploader(key="t_upload").set_value(("xa_toan_quoc.csv", national_csv, "text/csv"))
    _run(at)
    assert _metrics(at)["Đã ghép"] == 10_035 and _metrics(at)["Dòng chưa ghép"] == 0
    assert "Bảng được ghép vào: Toàn quốc" in at.caption[0].value


def test_hand_match_pickers_are_capped(national_csv):
    """A table whose rows match nothing: the first settings.HAND_CHOICES_MAX rows get a picker, the others are
    counted in one line (one picker a row took minutes for thousands of rows)."""
    rows = pd.DataFrame({"Tên xã": [f"Xã Không Có {i}" for i in range(80)], "Huyện": ["Huyện Cao Lộc"] * 80,
                         "Tổng số hộ": [100] * 80})
    at = _data_page(national=False)
    at.file_uploader(key="t_upload").set_value(("khong_co.csv", rows.to_csv(index=False).encode(), "text/csv"))
    _run(at)
    assert _metrics(at)["Dòng chưa ghép"] == 80
    pickers = [s for s in at.selectbox if str(s.key or "").startswith("pick_")]
    assert len(pickers) == settings.HAND_CHOICES_MAX
    assert any(i.value == f"Đang hiện {settings.HAND_CHOICES_MAX} dòng đầu trong 80 dòng cần chọn đơn vị. Sửa bảng "
               "(thêm mã xã) rồi tải lên lại, hoặc chọn cho các dòng này trước." for i in at.info)


def test_conflict_pickers_are_capped():
    """40 units each written on two rows with different figures (illustrative names) and one real commune: 30 row
    pickers, one line for the rest."""
    names = [f"Xã Minh Họa {i}" for i in range(40)]
    rows = pd.DataFrame({"Tên xã": names + names + ["Xã Mai Pha"], "Huyện": ["Huyện Cao Lộc"] * 80 + ["Thành phố Lạng Sơn"],
                         "Tổng số hộ": list(range(100, 140)) + list(range(200, 240)) + [500]})
    at = _data_page(national=False)
    at.file_uploader(key="t_upload").set_value(("trung.csv", rows.to_csv(index=False).encode(), "text/csv"))
    _run(at)
    pickers = [s for s in at.selectbox if str(s.key or "").startswith("conflict_")]
    assert len(pickers) == settings.HAND_CHOICES_MAX
    assert any(i.value.startswith(f"Đang hiện {settings.HAND_CHOICES_MAX} đơn vị đầu trong 40 đơn vị có nhiều dòng "
                                  "khác nhau.") for i in at.info)
