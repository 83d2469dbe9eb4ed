"""The Annex page under ``streamlit.testing.v1.AppTest``: the Map page's choices -> geo.workflows.exports -> files.

Each export is made as a planner would (press "Tạo tệp"), then its bytes are
opened as the file they claim to be: PDF pages, PNG pixels, the XLSX total row,
the Word parts, the GeoPackage layer. Values are those of Kế hoạch 78/KH-UBND
(the built-in table): 11 districts, Cộng row 204.515 households, 16.115 poor
(7,88 %), 18.959 near-poor (9,27 %).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pypdf
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from geo.units import registry
from geo.units.designations import builtin_designations
from geo.workflows.layer import build_layer
from geo.workflows.priority import default_rules, prioritise

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 240
KH78_TOTAL = [204515, 16115, 7.88, 18959, 9.27]  # households, poor, rate, near-poor, rate (2020)
VI_TITLE = "Phụ lục: Bản đồ tỷ lệ hộ nghèo năm 2020 – tỉnh Lạng Sơn"
EN_TITLE = "Annex: Map of poor household rate, 2020 – Lạng Sơn Province"


def _run(at) -> AppTest:
    """Run the app (``at`` may be a widget just changed: its ``run`` runs the whole app)."""
    at = at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def at() -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page("app_pages/annex.py")
    return _run(at)


def _make(at: AppTest, kind: str) -> tuple[str, bytes]:
    """Press "Tạo tệp" for one export; return (file name, bytes) offered by its download button."""
    at = _run(at.button(key=f"annex_make_{kind}").click())
    assert not at.error, [e.value for e in at.error]
    key, name, data = at.session_state["annex"]["files"][kind]
    assert key[0] == kind and data
    return name, data


def _total_row(data: bytes) -> list:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    row = next(r for r in ws.iter_rows(values_only=True) if "Cộng" in r or "Total" in r)
    return [v for v in row if isinstance(v, (int, float))]


def _pdf(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data))


def test_page_renders_with_the_default_dataset(at):
    assert at.title[0].value == "Phụ lục"
    inputs = {w.key: w.value for w in at.text_input}
    assert inputs["annex_title"] == VI_TITLE
    assert inputs["annex_table_title"] == "Tỷ lệ hộ nghèo năm 2020 – tỉnh Lạng Sơn"
    assert any("Sơ đồ gần đúng" in w.value for w in at.warning)  # default boundaries are approximate
    captions = " ".join(c.value for c in at.caption)
    assert "Tỷ lệ hộ nghèo (%) năm 2020" in captions and "Kế hoạch số 78/KH-UBND" in captions
    assert [b.key for b in at.button] == [f"annex_make_{k}" for k in
                                          ("pdf", "png", "svg", "atlas", "xlsx", "csv", "docx", "gpkg", "geojson")]
    assert at.button(key="annex_make_atlas").disabled  # district level: no atlas, the caption says why
    assert "cần cấp xã" in captions
    assert at.radio(key="annex_units").value == "all"
    preview = at.get("image")
    assert len(preview) == 1
    assert not at.get("download_button")  # nothing is made before it is asked for


def test_each_export_has_the_right_bytes(at, tmp_path):
    name, pdf = _make(at, "pdf")
    assert pdf.startswith(b"%PDF") and name.endswith(".pdf")
    reader = _pdf(pdf)
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "tỷ lệ hộ nghèo năm 2020" in text and "Kế hoạch số 78/KH-UBND" in text
    assert "Ngày lập" in text and "Sơ đồ gần đúng" in text

    _, png = _make(at, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(png)).size == (2480, 3508)  # A4 portrait at 300 dpi

    _, svg = _make(at, "svg")
    assert b"<svg" in svg[:2000]

    _, xlsx = _make(at, "xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()
    assert _total_row(xlsx) == KH78_TOTAL
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert ws["A1"].value == "TỶ LỆ HỘ NGHÈO NĂM 2020 – TỈNH LẠNG SƠN"
    notes = [r[0] for r in ws.iter_rows(values_only=True) if r[0] and str(r[0]).startswith(("Nguồn", "Ngày lập", "Sơ đồ"))]
    assert len(notes) == 3

    _, csv = _make(at, "csv")
    assert csv.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype={"Mã ĐVHC": str})
    assert len(frame) == 11 and frame["Năm 2020 - Hộ nghèo - Số hộ"].sum() == 16115

    _, docx = _make(at, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        parts = z.namelist()
        body = z.read("word/document.xml").decode("utf-8")
    assert "word/document.xml" in parts and any(p.startswith("word/media/") and p.endswith(".png") for p in parts)
    assert VI_TITLE in body and "Cộng" in body and "16.115" in body

    _, gpkg = _make(at, "gpkg")
    assert gpkg.startswith(b"SQLite format 3\x00")
    (tmp_path / "units.gpkg").write_bytes(gpkg)
    units = gpd.read_file(tmp_path / "units.gpkg")
    assert len(units) == 11 and units.crs.to_epsg() == 4326

    _, geojson = _make(at, "geojson")
    assert len(json.loads(geojson)["features"]) == 11


def test_commune_level_atlas_has_one_page_per_district(at):
    _run(at.sidebar.radio(key="level").set_value("commune"))
    assert not at.button(key="annex_make_atlas").disabled
    assert any("Không có dữ liệu" in i.value for i in at.info)  # district table on communes: no data, said so
    name, atlas = _make(at, "atlas")
    assert name.startswith("phu_luc_tap_ban_do") and atlas.startswith(b"%PDF")
    reader = _pdf(atlas)
    assert len(reader.pages) == 12  # overview + 11 districts
    # One page per district in code order (178 Thành phố Lạng Sơn, 180 Tràng Định, 181 Bình Gia...).
    districts = registry.units(province=20, level="district").sort_values("code")["name"].tolist()
    for page, name in zip(reader.pages[1:], districts, strict=True):
        assert name in " ".join(page.extract_text().split()), name


def test_selection_on_the_map_is_the_annex_list(at, tmp_path):
    at.session_state["selection"] = {"pre2025": {"180", "181"}}  # Tràng Định, Bình Gia
    _run(at)
    assert at.radio(key="annex_units").value == "selection"
    _, xlsx = _make(at, "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    codes = {r[1] for r in ws.iter_rows(values_only=True) if r[1] in ("180", "181", "178")}
    assert codes == {"180", "181"}
    _, gpkg = _make(at, "gpkg")
    (tmp_path / "selection.gpkg").write_bytes(gpkg)
    assert sorted(gpd.read_file(tmp_path / "selection.gpkg")["code"]) == ["180", "181"]


def test_priority_list_from_the_priority_page(at):
    layer = build_layer(boundaries="default", table="langson_kh78_2021", province="20", level="district")
    designations = builtin_designations(province="20", vintage="pre2025")
    rules = default_rules(layer.indicators, designation_types=designations.types, projected_years=(2021,))
    ranked = pd.DataFrame(prioritise(layer.gdf, designations=designations, rules=rules).ranked.drop(columns="geometry"))
    ranked["selected"] = [i < 3 for i in range(len(ranked))]
    ranked["tier_label"] = ["Nhóm 1" if s else None for s in ranked["selected"]]
    at.session_state["prio_ranked"] = ranked  # what app_pages/priority.py stores
    _run(at)
    assert at.radio(key="annex_units").value == "priority"
    assert at.text_input(key="annex_table_title").value == "Danh sách đơn vị ưu tiên – tỉnh Lạng Sơn"
    _, xlsx = _make(at, "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] in set(ranked["code"])]
    assert [r[1] for r in rows] == ranked["code"].iloc[:3].tolist()  # rank order kept
    assert all(str(r[-1]).startswith("Nhóm 1") for r in rows)  # the "Diện ưu tiên / Lý do" column


def test_english_switch_changes_labels_and_default_title_but_keeps_an_edited_subtitle(at):
    _run(at.text_input(key="annex_subtitle").input("(Kèm theo Kế hoạch số 12/KH-UBND)"))
    _run(at.radio(key="lang").set_value("en"))
    assert at.title[0].value == "Annexes"
    labels = {w.key: w.label for w in at.text_input}
    assert labels["annex_title"] == "Map title"
    assert at.text_input(key="annex_title").value == EN_TITLE
    assert at.text_input(key="annex_subtitle").value == "(Kèm theo Kế hoạch số 12/KH-UBND)"
    assert [b.label for b in at.button][0] == "Make file"
    _, xlsx = _make(at, "xlsx")
    assert _total_row(xlsx) == KH78_TOTAL


def test_an_edited_title_is_kept_and_printed(at):
    _run(at.text_input(key="annex_title").input("Phụ lục 2: Bản đồ hộ nghèo"))
    _run(at.radio(key="lang").set_value("en"))
    assert at.text_input(key="annex_title").value == "Phụ lục 2: Bản đồ hộ nghèo"
    _, pdf = _make(at, "pdf")
    assert "Phụ lục 2: Bản đồ hộ nghèo" in _pdf(pdf).pages[0].extract_text()
