"""The Tiến độ page on an uploaded commune table whose headers name no year (AppTest; ILLUSTRATIVE rates)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from geo.units import registry

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180


def _csv(rate: float, *, header: str = "Tỷ lệ hộ nghèo (%)") -> bytes:
    units = registry.units(province="20", level="commune", vintage="pre2025")
    return pd.DataFrame({"Mã xã": units["code"], "Tên xã": units["name"], header: rate}).to_csv(
        index=False).encode("utf-8")


def test_the_page_asks_the_base_year_then_stacks_the_next_year():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/data.py")
    at.run()
    at.file_uploader(key="t_upload").set_value(("xa_khong_ghi_nam.csv", _csv(12.0), "text/csv"))
    at.run()
    at.switch_page("app_pages/progress.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(i.value.startswith("Bảng xa_khong_ghi_nam.csv (bộ số liệu gốc): các cột poor_rate không ghi năm")
               for i in at.info)
    assert any(c.value == "Các năm trong bộ số liệu: –" for c in at.caption)
    at.number_input(key="progress_base_year").set_value(2021)
    at.run()
    assert any(c.value == "Các năm trong bộ số liệu: 2021" for c in at.caption)
    at.file_uploader(key="progress_upload").set_value(
        ("ket_qua_2022.csv", _csv(9.5, header="Tỷ lệ hộ nghèo 2022 (%)"), "text/csv"))
    at.run()
    at.button(key="progress_add").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.value == "Các năm trong bộ số liệu: 2021, 2022" for c in at.caption)
    at.radio(key="progress_measure").set_value("gap")
    at.run()
    # 12 -> 9,5: 2,5 points, enough for the rule's 2 a year, not for the 3,5 of the 34 communes of the poor
    # districts Bình Gia (19) and Văn Quan (15).
    assert "160 đơn vị đạt, 34 không đạt, 0 chưa có số liệu." in [c.value for c in at.caption]
