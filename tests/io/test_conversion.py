"""Writing a converted table (geo.io.conversion): CSV and three-sheet XLSX, formulas stored as text."""

import pandas as pd
from openpyxl import load_workbook

from geo.analysis.reform import convert_indicators
from geo.io.conversion import write_conversion

EVIL = '=HYPERLINK("http://x","y")'


def test_csv_and_xlsx_keep_formula_looking_text_as_text(tmp_path):
    table = pd.DataFrame({"code": ["06622", "06613"], "households": [10, 20], "poor": [3, 4]})
    conv = convert_indicators(table, province=20)
    conv.data.loc[0, "name"] = EVIL  # as if a name had come from an uploaded file
    csv = write_conversion(conv, tmp_path / "x.csv", lang="vi")
    assert pd.read_csv(csv, dtype=str).loc[0, "name"] == "'" + EVIL
    xlsx = write_conversion(conv, tmp_path / "x.xlsx", lang="en")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["New communes", "Old sources", "Split old communes"]
    cell = wb["New communes"]["B2"]
    assert (cell.value, cell.data_type) == ("'" + EVIL, "s")
    assert [c.value for c in wb["Split old communes"][1]][:4] == ["old_code", "old_name", "new_code", "new_name"]
