"""Spreadsheet-safe output: text that looks like a formula stays text.

A planner's file may hold a unit name such as ``=HYPERLINK("http://x","y")``.
Written as-is, Excel or LibreOffice would run it (CSV/formula injection).
Here every text value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is neutralised:

- CSV: :func:`safe_cell` prefixes it with an apostrophe, which spreadsheet
  programs show as a text marker and never evaluate;
- XLSX: :func:`write_xlsx` stores it as a string cell (``data_type 's'``)
  with Excel's "quote prefix" style, so the value is kept exactly and is
  never a formula, even after editing.

Numbers are untouched. CSV is written as UTF-8 with a BOM, so Excel opens
Vietnamese text correctly.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "safe_cell", "looks_like_formula", "set_cell", "to_csv_bytes", "to_xlsx_bytes", "write_table"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_TEXT_MARK = "'"


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet would evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(value: object) -> object:
    """A CSV-safe cell: formula-looking text gets a leading apostrophe; anything else is returned as is.

    >>> safe_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> safe_cell(-3.5)
    -3.5
    """
    return _TEXT_MARK + value if looks_like_formula(value) else value


def _plain(value: object) -> object:
    """A value openpyxl can write: NaN/NA become empty, numpy scalars become Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    return value


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The frame as CSV (UTF-8 with BOM), formula-looking text neutralised."""
    safe = df.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]) and not pd.api.types.is_bool_dtype(safe[col]):
            safe[col] = safe[col].astype(object).map(safe_cell)
    header = [safe_cell(str(c)) for c in safe.columns]
    text = safe.to_csv(index=False, header=header, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, *, sheet_name: str = "Sheet1", notes: list[str] | None = None) -> bytes:
    """The frame as an XLSX workbook; text is always written as text, never as a formula.

    ``notes`` (e.g. sources, the rule set) go below the table, one per row.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name[:31]
    for j, col in enumerate(df.columns, start=1):
        set_cell(ws.cell(row=1, column=j), str(col))
        ws.cell(row=1, column=j).font = Font(bold=True)
    for i, row in enumerate(df.itertuples(index=False, name=None), start=2):
        for j, value in enumerate(row, start=1):
            set_cell(ws.cell(row=i, column=j), _plain(value))
    for k, note in enumerate(notes or [], start=len(df) + 3):
        set_cell(ws.cell(row=k, column=1), note)
    for j, col in enumerate(df.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in df.iloc[:200, j - 1].tolist()])
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def set_cell(cell, value: object) -> None:
    """Put ``value`` in an openpyxl cell; text is always stored as text, never run as a formula.

    Formula-looking text also gets Excel's quote prefix, so it stays text after the cell is edited.
    """
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if looks_like_formula(value):
            cell.quotePrefix = True
    else:
        cell.value = value


def write_table(df: pd.DataFrame, path: str | Path, *, sheet_name: str = "Sheet1", notes: list[str] | None = None) -> None:
    """Write ``df`` to ``path`` as CSV or XLSX by extension (the caller handles atomicity)."""
    path = Path(path)
    data = to_xlsx_bytes(df, sheet_name=sheet_name, notes=notes) if path.suffix.lower() == ".xlsx" else to_csv_bytes(df)
    path.write_bytes(data)
