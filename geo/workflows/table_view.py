"""An indicator table as a planner reads it on the Data page: words for headers, numbers in the chosen locale.

The table itself (:class:`geo.io.tables.IndicatorTable`) keeps machine names (``households_2020``,
``source_row``) and floats; this view gives each column its catalogue header ("Tổng số hộ 2020", "Dòng trong
tệp") and writes every number with Babel (``27.964`` and ``8,51`` in Vietnamese, ``27,964`` and ``8.51`` in
English), an empty cell as a dash.
"""

from __future__ import annotations

import pandas as pd

from geo.analysis.indicators import decimals
from geo.analysis.rules import indicator_header
from geo.text.i18n import DEFAULT_LANG, MISSING, format_numbers, t

__all__ = ["table_preview"]

_NAMED = {"code": "ui.col.code", "name": "ui.col.name", "district_name": "ui.col.district", "source_row": "ui.col.row",
          "parent_name": "ui.col.parent", "parent_code": "ui.col.parent_code", "province_name": "ui.level.province"}


def _text(value) -> str:
    return MISSING if value is None or (not isinstance(value, str) and bool(pd.isna(value))) else str(value)


def table_preview(data: pd.DataFrame, *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """``data`` with headers in ``lang`` and every cell as text (numbers via Babel, a dash when empty).

    >>> frame = pd.DataFrame({"code": ["178"], "households_2020": [27964.0], "poor_rate_2020": [0.18]})
    >>> table_preview(frame).to_dict("records")
    [{'Mã': '178', 'Tổng số hộ 2020': '27.964', 'Tỷ lệ hộ nghèo (%) 2020': '0,18'}]
    """
    out = {}
    for column in data.columns:
        values = data[column]
        if column == "source_row" or (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
            places = 0 if column == "source_row" else decimals(str(column))
            cells = format_numbers(pd.to_numeric(values, errors="coerce").tolist(), places, lang)
        else:
            cells = [_text(v) for v in values]
        header = t(_NAMED[column], lang) if column in _NAMED else indicator_header(str(column), lang)
        out[header] = cells
    return pd.DataFrame(out, index=data.index)
