"""The Data page's preview of an indicator table: catalogue headers, Babel numbers, dashes (geo.workflows.table_view)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.join.files import builtin_indicators
from geo.workflows.table_view import table_preview


def test_builtin_table_reads_in_words_and_vietnamese_numbers():
    view = table_preview(builtin_indicators("langson_kh78_2021").data, lang="vi")
    assert "households_2020" not in view.columns and "source_row" not in view.columns
    city = view.set_index("Mã").loc["178"]
    assert city["Tổng số hộ 2020"] == "27.964"
    assert city["Tỷ lệ hộ nghèo (%) 2020"] == "0,18"
    assert city["Dòng trong tệp"] == "2"
    assert city["Tên đơn vị"] == "Thành phố Lạng Sơn"


def test_english_numbers_and_missing_cells():
    frame = pd.DataFrame({"code": ["1", None], "households_2020": [27964.0, np.nan], "poor_rate_2020": [8.514, None]})
    view = table_preview(frame, lang="en")
    assert view.to_dict("list") == {"Code": ["1", "–"], "Households 2020": ["27,964", "–"],
                                    "Poor household rate (%) 2020": ["8.51", "–"]}
