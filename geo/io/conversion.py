"""Writing a converted table (:class:`geo.analysis.reform.Conversion`): CSV, or XLSX with three sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo._errors import GeoError
from geo.io.sheets import safe_cell
from geo.text.i18n import DEFAULT_LANG

__all__ = ["write_conversion"]

_SHEETS = {
    "vi": ("Xã mới", "Nguồn xã cũ", "Xã cũ bị chia"),
    "en": ("New communes", "Old sources", "Split old communes"),
}


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    """Formula-looking text in text columns neutralised (:func:`geo.io.sheets.safe_cell`)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(safe_cell)
    return out


def write_conversion(conversion, path: str | Path, *, lang: str = DEFAULT_LANG) -> Path:
    """Write converted indicators: ``.csv`` (UTF-8 with BOM, opens in Excel) or ``.xlsx``.

    The workbook has three sheets: the new communes, the sources table (old
    communes each new commune came from) and the split old communes with the
    amounts allocated. Text that a spreadsheet would read as a formula is
    written with a leading apostrophe. Call it on a temporary path (:func:`geo.io.write.atomic_path`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _safe(conversion.data).to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        names = _SHEETS.get(lang, _SHEETS[DEFAULT_LANG])
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            _safe(conversion.data).to_excel(xl, sheet_name=names[0], index=False)
            _safe(conversion.report.sources).to_excel(xl, sheet_name=names[1], index=False)
            _safe(conversion.report.splits_table()).to_excel(xl, sheet_name=names[2], index=False)
    else:
        raise GeoError("unsupported_format", path=str(path), supported=".csv, .xlsx")
    return path
