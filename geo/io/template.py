"""Excel template an office fills in: the province's unit codes and names, ready to type numbers into.

Handing offices a file that already carries GSO codes is the surest way to get
tables that join on codes instead of names.
"""

from __future__ import annotations

import io

from geo.units import registry

__all__ = ["indicator_template", "TEMPLATE_HEADERS"]

# (header vi, header en) per column; the reader recognises both.
TEMPLATE_HEADERS = {
    "district": [("Mã huyện", "District code"), ("Tên đơn vị", "Unit name")],
    "commune": [("Mã xã", "Commune code"), ("Tên đơn vị", "Unit name"), ("Huyện", "District")],
    "values": [
        ("Tổng số hộ", "Households"),
        ("Số hộ nghèo", "Poor households"),
        ("Tỷ lệ hộ nghèo (%)", "Poor rate (%)"),
        ("Số hộ cận nghèo", "Near-poor households"),
        ("Tỷ lệ hộ cận nghèo (%)", "Near-poor rate (%)"),
    ],
}
_TITLE = {
    "vi": "BIỂU NHẬP SỐ LIỆU HỘ NGHÈO, HỘ CẬN NGHÈO – {province} ({vintage})",
    "en": "POOR AND NEAR-POOR HOUSEHOLDS DATA ENTRY – {province} ({vintage})",
}
_NOTE = {
    "vi": "Giữ nguyên cột mã. Tỷ lệ ghi theo phần trăm (ví dụ 8,51). Mã và tên theo danh mục hành chính GSO.",
    "en": "Keep the code column as it is. Rates in percent (e.g. 8.51). Codes and names from the GSO list.",
}


def indicator_template(*, province: str | int, level: str = "commune", vintage: str = "pre2025", lang: str = "vi") -> bytes:
    """An .xlsx with one row per unit of the province, codes stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    registry.check_vintage_level(vintage, level)
    units = registry.units(province=province, level=level, vintage=vintage)
    i = 0 if lang == "vi" else 1
    id_headers = TEMPLATE_HEADERS["district" if level == "district" else "commune"]
    if vintage == "2025":
        id_headers = id_headers[:2]
    headers = [h[i] for h in id_headers] + [h[i] for h in TEMPLATE_HEADERS["values"]]

    wb = Workbook()
    ws = wb.active
    ws.title = "So lieu"
    province_name = units["province_name"].iloc[0] if len(units) else str(province)
    ws.append([_TITLE[lang].format(province=province_name, vintage=vintage)])
    ws.append([_NOTE[lang]])
    ws.append(headers)
    header_row = 3
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws["A1"].font = Font(bold=True, size=13)
    for _, unit in units.iterrows():
        row = [unit["code"], unit["name"]]
        if len(id_headers) == 3:
            row.append(unit["district_name"])
        ws.append(row + [None] * len(TEMPLATE_HEADERS["values"]))
        ws.cell(row=ws.max_row, column=1).number_format = "@"  # codes stay text: 05971, not 5971
    widths = [12, 30, 24][: len(id_headers)] + [14] * len(TEMPLATE_HEADERS["values"])
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=len(id_headers) + 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
