"""Annex tables (geo.render.annex_table) and the ``annex`` command, checked against seed 003.

The district table is the annex of Kế hoạch 78/KH-UBND (Lạng Sơn, 2021):
its printed "Cộng" row is 204.515 households, 16.115 poor (7,88 %), 18.959
near-poor (9,27 %), and that is what the writers must produce.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import geopandas as gpd
import openpyxl
import pypdf
import pytest

import _annex_data
from geo._errors import GeoError
from geo.render.annex_table import (
    XLSX_COUNT_FORMAT,
    XLSX_RATE_FORMAT,
    annex_table,
    read_selection,
    write_csv,
    write_docx,
    write_geodata,
    write_xlsx,
)
from geo.cli import main

HOSTILE = '=HYPERLINK("http://x","y")'
SEED_TOTAL = {"households": 204515, "poor": 16115, "poor_rate": 7.88, "near_poor": 18959, "near_poor_rate": 9.27}


@pytest.fixture(scope="module")
def districts(langson):
    return _annex_data.districts(langson)


@pytest.fixture(scope="module")
def communes(langson):
    gdf = _annex_data.communes(langson)
    gdf.loc[0, "name"] = HOSTILE
    gdf["tier_label"] = ["Ưu tiên 1" if i % 3 == 0 else "Ưu tiên 2" for i in range(len(gdf))]
    gdf["reasons"] = "Xã biên giới; tỷ lệ hộ nghèo ≥ 20%"
    return gdf


@pytest.fixture(scope="module")
def district_table(districts):
    return annex_table(districts, title="Kết quả rà soát hộ nghèo, cận nghèo năm 2020",
                       subtitle="(Kèm theo Kế hoạch số 78/KH-UBND ngày 05/4/2021 của UBND tỉnh Lạng Sơn)",
                       sources=["langson_districts_kh78_2021.csv", "Kế hoạch số 78/KH-UBND ngày 05/4/2021"],
                       level="district")


def test_district_table_reproduces_the_seed_totals(district_table):
    keys = [c.key for c in district_table.columns]
    assert keys == ["no", "code", "unit", "households", "poor", "poor_rate", "near_poor", "near_poor_rate"]
    total = dict(zip(keys, district_table.total))
    assert total["unit"] == "Cộng"
    assert {k: total[k] for k in SEED_TOTAL} == SEED_TOTAL
    rates = [r[keys.index("poor_rate")] for r in district_table.rows]
    assert total["poor_rate"] != round(sum(rates), 2)  # recomputed from the totals, not summed
    assert district_table.depth == 3  # Năm 2020 > Hộ nghèo > Số hộ / Tỷ lệ (%)


def test_xlsx_values_formats_merges_and_print_setup(district_table, tmp_path):
    out = write_xlsx(tmp_path / "phu_luc.xlsx", district_table)
    ws = openpyxl.load_workbook(out).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Title row 1 and subtitle row 2 span the table; header rows 4-6.
    assert {"A1:H1", "A2:H2", "A4:A6", "B4:B6", "C4:C6", "D4:H4", "D5:D6", "E5:F5", "G5:H5"} <= merged
    assert ws["A1"].value == "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, CẬN NGHÈO NĂM 2020"
    assert (ws["A4"].value, ws["C4"].value, ws["D4"].value) == ("TT", "Đơn vị", "Năm 2020")
    assert (ws["D5"].value, ws["E5"].value, ws["G5"].value) == ("Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo")
    assert (ws["E6"].value, ws["F6"].value) == ("Số hộ", "Tỷ lệ (%)")
    # Row 7: Thành phố Lạng Sơn, seed 003 "27.964 | 50 | 0,18".
    assert (ws["C7"].value, ws["D7"].value, ws["E7"].value, ws["F7"].value) == ("Thành phố Lạng Sơn", 27964, 50, 0.18)
    assert ws["D7"].number_format == XLSX_COUNT_FORMAT == "#,##0"
    assert ws["F7"].number_format == XLSX_RATE_FORMAT == "0.00"
    assert ws["B7"].value == "178" and ws["B7"].data_type == "s"  # codes stay text
    total_row = 7 + 11
    assert ws[f"C{total_row}"].value == "Cộng"
    for col in "DEG":  # counts: the total equals the column sum
        assert ws[f"{col}{total_row}"].value == sum(ws[f"{col}{r}"].value for r in range(7, total_row))
    assert ws[f"F{total_row}"].value == round(ws[f"E{total_row}"].value / ws[f"D{total_row}"].value * 100, 2) == 7.88
    assert ws[f"H{total_row}"].value == 9.27
    assert ws[f"F{total_row}"].number_format == "0.00"
    notes = [ws.cell(row=r, column=1).value for r in range(total_row + 1, ws.max_row + 1)]
    assert "Nguồn số liệu: Kế hoạch số 78/KH-UBND ngày 05/4/2021" in notes
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$4:$6"


def test_commune_xlsx_hostile_name_is_text_not_formula(communes, tmp_path):
    table = annex_table(communes.iloc[:30], title="Danh sách xã ưu tiên")
    out = write_xlsx(tmp_path / "xa.xlsx", table)
    ws = openpyxl.load_workbook(out).active
    keys = [c.key for c in table.columns]
    assert keys[-1] == "priority" and "district" in keys
    first = 3 + table.depth  # title, blank row, header rows
    cell = ws.cell(row=first, column=keys.index("unit") + 1)
    assert cell.value == HOSTILE and cell.data_type == "s"
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    ref = f"{openpyxl.utils.get_column_letter(keys.index('unit') + 1)}{first}"
    element = re.search(rf'<c r="{ref}"[^>]*>.*?</c>', sheet).group(0)
    assert 't="inlineStr"' in element  # stored as text ...
    assert "<f>" not in element and not re.search(r"<f[ >]", sheet)  # ... and no formula anywhere
    assert ws.cell(row=first, column=keys.index("priority") + 1).value == "Ưu tiên 1: Xã biên giới; tỷ lệ hộ nghèo ≥ 20%"


def test_csv_has_bom_and_neutralised_formulas(communes, tmp_path):
    table = annex_table(communes, title="x")
    out = write_csv(tmp_path / "xa.csv", table)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["TT", "Mã ĐVHC", "Đơn vị"] and "Hộ nghèo - Tỷ lệ (%)" in rows[0]
    assert len(rows) == 1 + len(communes)  # no total row in the machine-readable CSV
    assert rows[1][2] == "'" + HOSTILE
    assert rows[1][1] == communes["code"].iloc[0]  # leading zero kept


def test_docx_holds_map_table_total_and_fonts(district_table, tmp_path):
    import docx

    png = _png(tmp_path)
    out = write_docx(tmp_path / "phu_luc.docx", title="Phụ lục: Kết quả rà soát hộ nghèo", table=district_table,
                     map_image=png, notes=["Ghi chú: số liệu chính thức."])
    doc = docx.Document(str(out))
    assert len(doc.inline_shapes) >= 1
    assert doc.paragraphs[0].text == "Phụ lục: Kết quả rà soát hộ nghèo"
    table = doc.tables[0]
    assert len(table.rows) == 11 + district_table.depth + 1
    values = [c.text for c in table.rows[district_table.depth].cells]
    assert values[2:6] == ["Thành phố Lạng Sơn", "27.964", "50", "0,18"]
    total = [c.text for c in table.rows[-1].cells]
    assert total[2:] == ["Cộng", "204.515", "16.115", "7,88", "18.959", "9,27"]
    assert any("Nguồn số liệu" in p.text for p in doc.paragraphs)
    for section in doc.sections:
        assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="Times New Roman"' in xml and 'w:cs="Times New Roman"' in xml


def test_geodata_and_selection(communes, tmp_path):
    sel_file = tmp_path / "chon.csv"
    sel_file.write_text("Mã xã,Tên\n5971,x\n'06040,y\n6253,z\n", encoding="utf-8-sig")
    codes = read_selection(sel_file, level="commune")
    assert codes == ["05971", "06040", "06253"]
    table = annex_table(communes, selection=codes, title="x")
    assert [r[1] for r in table.rows] == codes
    assert "2 đơn vị thiếu số liệu; dòng Cộng chỉ tính các số liệu có." in table.notes
    for ext in ("gpkg", "geojson"):
        out = write_geodata(tmp_path / f"chon.{ext}", communes, table=table)
        back = gpd.read_file(out)
        assert back["code"].tolist() == codes and back.crs.to_epsg() == 4326


def test_writers_refuse_to_overwrite(district_table, districts, tmp_path):
    for name, write in (("a.xlsx", lambda p, **kw: write_xlsx(p, district_table, **kw)),
                        ("a.csv", lambda p, **kw: write_csv(p, district_table, **kw)),
                        ("a.docx", lambda p, **kw: write_docx(p, title="Phụ lục", table=district_table, **kw)),
                        ("a.gpkg", lambda p, **kw: write_geodata(p, districts, **kw))):
        target = tmp_path / name
        target.write_bytes(b"keep")
        with pytest.raises(GeoError) as err:
            write(target)
        assert err.value.code == "output_exists" and target.read_bytes() == b"keep"
        write(target, overwrite=True)
        assert target.read_bytes() != b"keep"


def test_cli_annex_xlsx_and_refusal(langson, tmp_path, capsys):
    out = tmp_path / "phu_luc.xlsx"
    args = ["annex", "--level", "district", "--indicator", "poor_rate_2020",
            "--boundaries", str(langson / "districts_2019_gischinhphu.geojson"),
            "--indicators", "langson_kh78_2021", "--format", "xlsx", "--out", str(out)]
    assert main(args) == 0
    ws = openpyxl.load_workbook(out).active
    row = next(r for r in ws.iter_rows(values_only=True) if "Cộng" in r)
    assert [v for v in row if isinstance(v, (int, float))] == [204515, 16115, 7.88, 18959, 9.27]
    capsys.readouterr()
    assert main(args) == 2  # exists, no --overwrite
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "đã tồn tại" in err
    assert main([*args, "--overwrite", "--lang", "en"]) == 0


def test_cli_annex_pdf_png_atlas(langson, tmp_path):
    base = ["annex", "--level", "district", "--indicator", "poor_rate_2020",
            "--boundaries", str(langson / "districts_2019_gischinhphu.geojson")]
    assert main([*base, "--format", "pdf", "--out", str(tmp_path / "m.pdf")]) == 0
    assert len(pypdf.PdfReader(str(tmp_path / "m.pdf")).pages) == 1
    assert main([*base, "--format", "pdf", "--atlas", "--out", str(tmp_path / "a.pdf")]) == 0
    assert len(pypdf.PdfReader(str(tmp_path / "a.pdf")).pages) == 12
    assert main([*base, "--format", "png", "--atlas", "--out", str(tmp_path / "a.png")]) == 2


def _png(tmp_path) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 1131), (200, 60, 40)).save(buf, format="PNG")
    return buf.getvalue()


def test_annex_on_a_layer_without_gso_codes_says_so(tmp_path):
    """An office's commune file numbered its own way: the annex command explains, exit 2, no traceback."""
    import subprocess
    import sys
    from pathlib import Path

    import geopandas as gpd
    import shapely

    cells = [shapely.box(106 + i * 0.05, 21.8, 106.05 + i * 0.05, 21.85) for i in range(3)]
    path = tmp_path / "xa_rieng.gpkg"
    gpd.GeoDataFrame({"ten": ["A", "B", "C"], "ma": ["LS001", "LS002", "LS003"]}, geometry=cells, crs=4326).to_file(path)
    out = subprocess.run(
        [sys.executable, "-m", "geo", "annex", "--level", "commune", "--boundaries", str(path),
         "--indicator", "poor_rate", "--format", "pdf", "--out", str(tmp_path / "x.pdf")],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=600,
    )
    assert out.returncode == 2
    assert "không có cột mã đơn vị theo mã GSO" in out.stderr + out.stdout
    assert "Traceback" not in out.stderr and "TypeError" not in out.stderr
    assert not (tmp_path / "x.pdf").exists()
