"""Weights files for split old communes (``old_code,new_code,weight``), read as uploads.

See :func:`read_weights`. The links a file may name are those of
:func:`geo.units.crosswalk.links` (before errata: the planner decides).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.io.upload import read_records
from geo.text.numbers import detect_style, parse_number
from geo.units import registry
from geo.units.crosswalk import TO_VINTAGE

__all__ = ["WEIGHT_COLUMNS", "read_weights"]

WEIGHT_COLUMNS = ("old_code", "new_code", "weight")
PERCENT = 100
_EPS = 1e-9


def _parse_weight(text: object, style: str | None = None) -> float:
    """A weight typed either way (``0,5``, ``0.5``, ``50%``), read by :func:`geo.text.numbers.parse_number`;
    NaN when it is not a number."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan
    percent = str(text).strip().endswith("%")
    try:
        value = parse_number(text, style)
    except ValueError:
        return math.nan
    return value / PERCENT if percent else value


def read_weights(path: str | Path, *, province: str | int | None = None) -> pd.DataFrame:
    """Read and validate a weights file for split old communes.

    The file is a CSV (comma, semicolon or tab) with the columns
    ``old_code,new_code,weight``; one row per link. Every old code listed must
    give weights for its links that sum to 1 (± ``settings.WEIGHT_SUM_TOLERANCE``);
    they are then rescaled to sum to exactly 1. Links of a listed old code that
    the file omits get weight 0. Old codes not listed keep the default weights.
    A link may be one the errata removed (the planner decides), but it must
    be a link of the registry.

    Returns
    -------
    DataFrame
        ``old_code, new_code, weight`` (exact floats, summing to 1 per old code).

    Raises
    ------
    GeoError
        ``file_not_found``, ``unreadable_file``, ``table_empty``, ``weights_columns``,
        ``weights_bad_code``, ``weights_bad_value``, ``weights_unknown_code``,
        ``weights_unknown_link``, ``weights_duplicate``, ``weights_sum``; each names
        the file and, where it can, the row (1 = header line).
    """
    name = str(path)
    raw = read_records(path).frame.drop(columns="source_row")  # the one safe reader: budgets, encodings
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in WEIGHT_COLUMNS if c not in raw.columns]
    if missing:
        raise GeoError("weights_columns", path=name, missing=", ".join(missing), columns=", ".join(raw.columns))
    if raw.empty:
        raise GeoError("table_empty", path=name)
    all_links = registry.old_to_new(province=province)
    targets = all_links.groupby("old_code")["new_code"].apply(list).to_dict()
    new_codes = set(registry.units(level="commune", vintage=TO_VINTAGE)["code"])
    rows = []
    seen: dict[tuple[str, str], int] = {}
    style = detect_style(raw["weight"].tolist())  # "0,5" elsewhere in the column makes "1,000" one
    for i, rec in enumerate(raw[list(WEIGHT_COLUMNS)].to_dict("records")):
        row = i + 2  # line 1 is the header
        codes = {}
        for col in ("old_code", "new_code"):
            code = registry.normalize_code(rec[col], "commune")
            if code is None:
                raise GeoError("weights_bad_code", path=name, row=row, column=col, value=rec[col])
            codes[col] = code
        old, new = codes["old_code"], codes["new_code"]
        weight = _parse_weight(rec["weight"], style)
        if math.isnan(weight) or weight < 0 or weight > 1 + _EPS:
            raise GeoError("weights_bad_value", path=name, row=row, value=rec["weight"])
        if old not in targets:
            raise GeoError("weights_unknown_code", path=name, row=row, column="old_code", code=old)
        if new not in new_codes:
            raise GeoError("weights_unknown_code", path=name, row=row, column="new_code", code=new)
        if new not in targets[old]:
            raise GeoError("weights_unknown_link", path=name, row=row, old_code=old, new_code=new,
                           targets=", ".join(targets[old]))
        if (old, new) in seen:
            raise GeoError("weights_duplicate", path=name, row=row, first_row=seen[(old, new)], old_code=old,
                           new_code=new)
        seen[(old, new)] = row
        rows.append({"old_code": old, "new_code": new, "weight": weight, "row": row})
    df = pd.DataFrame(rows)
    sums = df.groupby("old_code")["weight"].sum()
    for old, total in sums.items():
        if abs(total - 1) > settings.WEIGHT_SUM_TOLERANCE:
            lines = ", ".join(str(r) for r in df.loc[df["old_code"] == old, "row"])
            raise GeoError("weights_sum", path=name, old_code=old, total=f"{total:g}", rows=lines)
    df["weight"] = df["weight"] / df["old_code"].map(sums)
    return df[list(WEIGHT_COLUMNS)].reset_index(drop=True)
