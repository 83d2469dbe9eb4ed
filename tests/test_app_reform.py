"""The 2025-reform page in Streamlit's AppTest: conversion, report, sources, designations, the 2025 dataset.

Figures are ILLUSTRATIVE (seeded random counts, see tests/_reform_data.py); the
codes, names and old→new links are the real ones of Lạng Sơn.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.units import registry
from geo.units.crosswalk import REGISTRY_ERRATA, links
from geo.io.tables import read_indicators
from tests._reform_data import FILE_NAME, PROVINCE, write_commune_csv

TIMEOUT = 180
APP = str(Path(__file__).resolve().parents[1] / "app.py")
BAC_SON = "06325"  # new Xã Bắc Sơn: three whole old communes, two of them ATK
KIEN_MOC = "06625"  # new Xã Kiên Mộc: receives parts of two split old communes


@pytest.fixture(scope="module")
def old_table(tmp_path_factory):
    path = write_commune_csv(tmp_path_factory.mktemp("reform"))
    return read_indicators(path.read_bytes(), name=FILE_NAME)


def _app(table) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["tables"] = {FILE_NAME: table}
    at.session_state["dataset"] = "upload:" + FILE_NAME
    at.run()  # the app opened first, as a planner does
    at.switch_page("app_pages/reform.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def app(old_table) -> AppTest:
    return _app(old_table)


def _converted_name(at) -> str:
    names = [n for n in at.session_state["tables"] if n != FILE_NAME]
    assert len(names) == 1, names
    return names[0]


def _frame(at, first_column: str) -> pd.DataFrame:
    for df in at.dataframe:
        if df.value.columns[0] == first_column:
            return df.value
    raise AssertionError(f"no table starting with {first_column!r}")


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_converts_194_old_communes_to_65_new(app, old_table):
    assert len(old_table.data) == 194
    assert _metric(app, "Xã cũ đã chuyển") == "194"
    assert _metric(app, "Xã mới") == "65"
    assert _metric(app, "Dòng không chuyển được") == "0"
    assert _metric(app, "Xã cũ bị chia") == "2"
    converted = app.session_state["tables"][_converted_name(app)]
    assert len(converted.data) == 65
    assert converted.vintage == "2025" and converted.level == "commune"
    new_codes = set(registry.units(province=PROVINCE, level="commune", vintage="2025")["code"])
    assert set(converted.data["code"]) == new_codes
    # Only the converted figures are indicators, not the bookkeeping flags; the near-poor rate comes from the
    # counts, as in the convert command (the table's checks run before the conversion).
    assert converted.indicators == ["households", "poor", "poor_rate", "near_poor", "near_poor_rate"]


def test_totals_preserved(app, old_table):
    converted = app.session_state["tables"][_converted_name(app)].data
    for col in ("households", "poor", "near_poor"):
        assert converted[col].sum() == old_table.data[col].sum()
    totals = _frame(app, "Chỉ tiêu")
    assert list(totals["Chỉ tiêu"]) == ["Tổng số hộ", "Số hộ nghèo", "Số hộ cận nghèo"]
    assert set(totals["Bảo toàn"]) == {"✓"}
    households = f"{int(old_table.data['households'].sum()):,}".replace(",", ".")
    assert totals.loc[0, "Trước (bảng xã cũ)"] == households == totals.loc[0, "Sau (xã mới)"]
    assert any(s.value.startswith("Tổng được bảo toàn: Tổng số hộ, Số hộ nghèo, Số hộ cận nghèo") for s in app.success)
    # The rate is recomputed from the summed counts, never averaged.
    row = converted.set_index("code").loc[BAC_SON]
    assert row["poor_rate"] == pytest.approx(row["poor"] / row["households"] * 100)


def test_split_communes_reported_with_weights(app):
    splits = _frame(app, "Mã xã cũ")
    assert set(splits["Mã xã cũ"]) == {"06622", "06625"}
    assert any("ƯỚC TÍNH" in c.value for c in app.caption)
    assert any("xã mới nhận một phần của xã cũ bị chia" in w.value for w in app.warning)


def _pick(at, code: str) -> pd.DataFrame:
    at.selectbox(key="rf_new").set_value(code).run()
    assert not at.exception, [e.value for e in at.exception]
    for df in at.dataframe:
        if "Huyện cũ" in df.value.columns:
            return df.value
    raise AssertionError("no sources table")


def _expected_sources(new_code: str) -> list[str]:
    """Old communes of a new one from the registry's raw links, minus the documented errata."""
    raw = registry.old_to_new(province=PROVINCE)
    errata = {(e["old_code"], e["new_code"]) for e in REGISTRY_ERRATA}
    olds = {o for o, n in zip(raw["old_code"], raw["new_code"]) if n == new_code and (o, n) not in errata}
    assert olds == set(links(province=PROVINCE).query("new_code == @new_code")["old_code"])
    return sorted(olds)


def test_sources_of_a_new_commune(app, old_table):
    src = _pick(app, BAC_SON)
    assert list(src["Mã xã cũ"]) == _expected_sources(BAC_SON)
    assert set(src["Huyện cũ"]) == {"Huyện Bắc Sơn"}
    assert set(src["Trọng số"]) == {"1,000"} and set(src["Bị chia"]) == {"Không"}
    # Figures are the old table's, as typed.
    by_code = old_table.data.set_index("code")
    for code, shown in zip(src["Mã xã cũ"], src["Tổng số hộ (cả xã cũ)"]):
        assert shown == f"{int(by_code.at[code, 'households']):,} hộ".replace(",", ".")
    assert any(m.value == "Xã Bắc Sơn (06325) được hình thành từ 3 xã cũ." for m in app.markdown)
    # Designations carried as text, not as a designation of the new commune.
    assert any(m.value.startswith("- 3/3 xã cũ là xã an toàn khu (ATK)") for m in app.markdown)  # QĐ 1714 and the later list


def test_sources_of_a_commune_receiving_split_parts(app):
    src = _pick(app, KIEN_MOC)
    assert list(src["Mã xã cũ"]) == _expected_sources(KIEN_MOC)
    split = src[src["Bị chia"] == "Có"]
    assert set(split["Mã xã cũ"]) == {"06622", "06625"}
    assert all(w not in ("1,000", "0,000") for w in split["Trọng số"])
    converted = app.session_state["tables"][_converted_name(app)].data.set_index("code")
    allocated = sum(int(v.replace(" hộ", "").replace(".", "")) for v in src["Tổng số hộ (phần chuyển sang)"])
    assert allocated == converted.at[KIEN_MOC, "households"]


def test_converted_dataset_on_the_map_page(old_table):
    at = _app(old_table)
    name = _converted_name(at)
    at.session_state["vintage"] = "2025"
    at.session_state["level"] = "commune"
    at.session_state["dataset"] = "upload:" + name
    at.switch_page("app_pages/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert name in at.selectbox(key="dataset").options  # listed with the other datasets
    assert at.selectbox(key="dataset").value == "upload:" + name
    assert any(c.value == f"Nguồn số liệu: {name}" for c in at.caption)
    assert any(c.value.startswith("Tỷ lệ hộ nghèo (%) — 65/65;") for c in at.caption)
    # On the old units the 2025 figures are not joined (2025 codes reuse old codes).
    at.radio(key="vintage").set_value("pre2025").run()
    assert not at.exception
    assert any("đã chuyển sang xã mới" in i.value for i in at.info)


def test_english(old_table):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["tables"] = {FILE_NAME: old_table}
    at.session_state["dataset"] = "upload:" + FILE_NAME
    at.run()  # the app opened first, as a planner does (AppTest resolves a page only once app.py has named them)
    at.switch_page("app_pages/reform.py").run()
    # English chosen last: AppTest re-reads the options' labels after a run outside it, where the labels that
    # look the language up when called (format_func=lambda v: T(...)) come out in Vietnamese.
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("2025 reform")
    assert _metric(at, "New communes") == "65"
    assert any(s.value.startswith("Totals preserved: Households") for s in at.success)


def test_no_table_yet():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/reform.py").run()
    assert not at.exception
    assert any("Chưa có bảng số liệu cấp xã" in i.value for i in at.info)


@pytest.mark.skipif(not (Path(APP).parent / "app_pages" / "priority.py").exists(), reason="no priority page yet")
def test_converted_dataset_on_the_priority_page(old_table):
    at = _app(old_table)
    name = _converted_name(at)
    at.session_state["vintage"] = "2025"
    at.session_state["level"] = "commune"
    at.session_state["dataset"] = "upload:" + name
    at.switch_page("app_pages/priority.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(str(m.value).endswith("/65") for m in at.metric)  # ranked over the 65 new communes


HOSTILE_NAMES = ('=HYPERLINK("http://x","y")', "[a](http://x)", "![](x)")


def test_hostile_names_reach_markdown_as_text(old_table):
    """Names of rows that cannot be converted appear in the notes: escaped, never a link or an image."""
    data = old_table.data.copy()
    extra = pd.DataFrame({"source_row": [900, 901, 902], "code": ["99991", "99992", "99993"],
                          "name": list(HOSTILE_NAMES)})
    table = type(old_table)(**{**old_table.__dict__, "data": pd.concat([data, extra], ignore_index=True)})
    at = _app(table)
    sources = [str(m.value) for m in at.markdown] + [str(w.value) for w in at.warning] + [str(c.value) for c in at.caption]
    notes = next(s for s in sources if "99991" in s)
    assert "\\=HYPERLINK\\(\\\"http\\://x\\\",\\\"y\\\"\\)" in notes
    assert "\\[a\\]\\(http\\://x\\)" in notes and "\\!\\[\\]\\(x\\)" in notes
    assert [s for s in sources if "](http://x)" in s] == []
    assert [s for s in sources if "![](x)" in s] == []
