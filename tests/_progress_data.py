"""An ILLUSTRATIVE second-year table for the progress tests (made-up 2021 results, not official figures).

The 2021 rates are chosen by hand around Kế hoạch 78's targets so that every case occurs: met exactly (Bình Gia),
missed by 0.01 point (Chi Lăng), met and missed by a wide margin.
"""

from __future__ import annotations

import pandas as pd

# code -> illustrative poverty rate at the end-2021 review (%)
RESULT_2021 = {
    "178": 0.12, "180": 6.90, "181": 12.16, "182": 5.10, "183": 5.20, "184": 9.50,
    "185": 6.00, "186": 4.80, "187": 4.79, "188": 8.20, "189": 10.10,
}
NAMES = {
    "178": "Thành phố Lạng Sơn", "180": "Huyện Tràng Định", "181": "Huyện Bình Gia", "182": "Huyện Văn Lãng",
    "183": "Huyện Cao Lộc", "184": "Huyện Văn Quan", "185": "Huyện Bắc Sơn", "186": "Huyện Hữu Lũng",
    "187": "Huyện Chi Lăng", "188": "Huyện Lộc Bình", "189": "Huyện Đình Lập",
}
HOUSEHOLDS = {
    "178": 27964, "180": 16718, "181": 13406, "182": 13909, "183": 19955, "184": 13850,
    "185": 17810, "186": 32061, "187": 19497, "188": 21842, "189": 7503,
}
TITLE = "SỐ LIỆU MINH HỌA - KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2021 (không phải số liệu chính thức)"


def results_frame() -> pd.DataFrame:
    """Canonical columns without a year: the year is typed by the planner (2021)."""
    rows = []
    for code, rate in RESULT_2021.items():
        poor = round(HOUSEHOLDS[code] * rate / 100)
        rows.append({"code": code, "name": NAMES[code], "households": HOUSEHOLDS[code], "poor": poor,
                     "poor_rate": rate})
    return pd.DataFrame(rows)


def results_csv() -> bytes:
    """The same table as a planner would save it: title row, Vietnamese headers, decimal commas."""
    lines = [TITLE, "Mã huyện;Đơn vị;Tổng số hộ;Số hộ nghèo;Tỷ lệ hộ nghèo (%)"]
    for r in results_frame().to_dict("records"):
        lines.append(f"{r['code']};{r['name']};{r['households']};{r['poor']};{str(r['poor_rate']).replace('.', ',')}")
    return ("\n".join(lines) + "\n").encode("utf-8")
