"""Import designation lists (border, ATK, Program 135 ...) from planners' tables and resolve them to codes.

The list arrives as names, usually with a district, sometimes with codes; :func:`match_designations`
resolves each row with the join's own rules (codes first, names within the district second) and
reports matched, unmatched and ambiguous rows. The records themselves are
:class:`geo.units.designations.Designation`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.io.upload import read_records
from geo.units import registry
from geo.units.designations import (
    Designation, DesignationSet, _text,
)
from geo.text.names import fold_key, fold_text
from geo.join.match import _jsonable, match_units, prepare_units

@dataclass
class DesignationImportReport:
    """How the rows of an imported list were resolved to codes."""

    source: str = ""
    matched: list[dict] = field(default_factory=list)  # row, type, code, name, district, method
    unmatched: list[dict] = field(default_factory=list)  # row, type, name, district, suggestions, district_unknown
    ambiguous: list[dict] = field(default_factory=list)  # row, type, name, candidates
    duplicates: list[dict] = field(default_factory=list)  # row, type, code, duplicate_of_row
    skipped: list[dict] = field(default_factory=list)  # row, reason (blank rows)

    def summary(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in ("matched", "unmatched", "ambiguous", "duplicates", "skipped")}

    def to_dict(self) -> dict:
        return _jsonable({
            "source": self.source, "matched": self.matched, "unmatched": self.unmatched,
            "ambiguous": self.ambiguous, "duplicates": self.duplicates, "skipped": self.skipped,
            "summary": self.summary(),
        })


# Header aliases, compared folded (no diacritics, no spaces, lower case).
_ALIASES = {
    "code": ("code", "ma", "maxa", "madonvi", "mahanhchinh", "communecode", "unitcode", "mahuyen"),
    "name": ("name", "ten", "tenxa", "xa", "tendonvi", "donvi", "commune", "communename", "unitname", "xaphuongthitran"),
    "parent_name": ("district", "districtname", "huyen", "tenhuyen", "parentname", "huyenthixathanhpho"),
    "parent_code": ("districtcode", "mahuyen", "parentcode"),
    "type": ("type", "designation", "loai", "dien", "loaidien", "dienchinhsach"),
    "valid_from": ("validfrom", "tungay", "hieuluctu"),
    "valid_to": ("validto", "denngay", "hieulucden"),
    "source": ("source", "nguon", "vanban", "canctu", "cancu"),
    "source_date": ("sourcedate", "ngayvanban", "ngaybanhanh"),
    "note": ("note", "ghichu"),
}


def _guess_columns(columns: Iterable[str], level: str) -> dict[str, str]:
    folded = {fold_text(str(c)): c for c in columns}
    found: dict[str, str] = {}
    order = ["parent_code", "parent_name", "code", "name", "type", "valid_from", "valid_to", "source_date", "source", "note"]
    used: set = set()
    for key in order:
        aliases = _ALIASES[key]
        if level == "district" and key in ("parent_code", "parent_name"):
            continue
        if level == "district" and key == "code":
            aliases = aliases + ("mahuyen", "districtcode")
        if level == "district" and key == "name":
            aliases = aliases + ("huyen", "tenhuyen", "district", "districtname")
        for alias in aliases:
            col = folded.get(alias)
            if col is not None and col not in used:
                found[key] = col
                used.add(col)
                break
    return found


def match_designations(
    table: pd.DataFrame,
    *,
    type: str | None = None,  # noqa: A002 - the domain word
    province: str | int | None = "20",
    level: str = "commune",
    vintage: str = "pre2025",
    columns: dict[str, str] | None = None,
    source: str = "",
    source_date: _dt.date | str | None = None,
    valid_from: _dt.date | str | None = None,
    valid_to: _dt.date | str | None = None,
    overrides: dict | None = None,
) -> tuple[DesignationSet, DesignationImportReport]:
    """Resolve a list of units (codes, or names with their district) to designations.

    Matching reuses :func:`geo.join.match.match_units` against
    ``registry.units(province=..., level=..., vintage=...)``: codes first, then
    names within the district (exact, without type prefix, folded); fuzzy
    candidates are only suggested. Rows are matched per designation type, so
    one unit may be listed once for each category.

    Parameters
    ----------
    table
        One row per designated unit. Columns are guessed from their headers
        (``Mã xã``/``code``, ``Tên xã``/``name``, ``Huyện``/``district``,
        ``Loại``/``type``, ``Từ ngày``, ``Đến ngày``, ``Nguồn``, ``Ghi chú``)
        unless ``columns`` maps those keys to the table's own names.
    type
        The designation type of every row; required unless the table has a type column.
    source, source_date, valid_from, valid_to
        Defaults for rows that do not carry their own.
    overrides
        Hand choices for unresolved rows: table index -> unit code.

    Returns
    -------
    (DesignationSet, DesignationImportReport)
        Records with origin ``"imported"``; the report lists matched,
        unmatched (with suggestions) and ambiguous (with candidates) rows.
        Row numbers are the table's ``source_row`` when present, else index + 2
        (the spreadsheet row under a one-line header).
    """
    registry.check_vintage_level(vintage, level)
    cols = {**_guess_columns(table.columns, level), **(columns or {})}
    if "code" not in cols and "name" not in cols:
        raise GeoError("designation_columns", columns=", ".join(map(str, table.columns)), missing="code / name")
    if type is None and "type" not in cols:
        raise GeoError("designation_type_missing", columns=", ".join(map(str, table.columns)))
    data = table.reset_index(drop=True)
    row_no = (
        [int(v) for v in data["source_row"]] if "source_row" in data else [i + 2 for i in range(len(data))]
    )
    reg = registry.units(province=province, level=level, vintage=vintage)
    if level == "commune" and vintage == "pre2025":
        reg = reg.drop(columns=["parent_code"]).rename(
            columns={"district_name": "parent_name", "district_code": "parent_code"})
    else:
        reg = reg.assign(parent_name=None, parent_code=None)
    units = prepare_units(reg, level=level)
    rows = prepare_units(data, level=level, columns={k: v for k, v in cols.items() if k in (
        "code", "name", "parent_code", "parent_name")})
    kinds = [(_text(v) or _text(type)) if "type" in cols else _text(type) for v in (
        data[cols["type"]] if "type" in cols else [None] * len(data))]

    report = DesignationImportReport(source=source)
    districts = {fold_key(v) for v in units["parent_name"].dropna()}
    found_unit: dict[int, object] = {}
    blank = [i for i in rows.index if not rows.at[i, "code"] and not rows.at[i, "name"]]
    for i in blank:
        report.skipped.append({"row": row_no[i], "reason": "blank"})
    for kind in dict.fromkeys(k for i, k in enumerate(kinds) if i not in blank):
        idx = [i for i, k in enumerate(kinds) if k == kind and i not in blank]
        sub_over = {i: v for i, v in (overrides or {}).items() if i in idx}
        result, records = match_units(rows.loc[idx], units, overrides=sub_over)
        for rec in records:
            i = rec["row"]
            ident = {"row": row_no[i], "type": kind, "name": rows.at[i, "name"], "district": rows.at[i, "parent_name"]}
            if rows.at[i, "code"]:
                ident["given_code"] = rows.at[i, "code"]
            method = rec["method"]
            if method == "ambiguous":
                report.ambiguous.append({**ident, "candidates": rec["candidates"]})
            elif method == "duplicate":
                first = rec["duplicate_of_row"]
                report.duplicates.append({**ident, "code": rec["unit"]["code"], "duplicate_of_row": row_no[first]})
            elif method is None:
                district = rows.at[i, "parent_name"]
                if district and fold_key(district) not in districts:
                    ident["district_unknown"] = True  # e.g. a commune of another province
                report.unmatched.append({**ident, "suggestions": rec["suggestions"]})
            else:
                unit_idx = result[i]
                found_unit[i] = unit_idx
                report.matched.append({
                    **ident, "code": units.at[unit_idx, "code"], "unit_name": units.at[unit_idx, "name"],
                    "unit_district": units.at[unit_idx, "parent_name"], "method": method,
                })

    def cell(i, key, default):
        if key not in cols:
            return default
        value = data.at[i, cols[key]]
        return default if _text(value) == "" else value

    items = []
    for i in sorted(found_unit):
        unit_idx = found_unit[i]
        items.append(Designation(
            type=kinds[i], code=units.at[unit_idx, "code"], level=level, vintage=vintage,
            valid_from=cell(i, "valid_from", valid_from), valid_to=cell(i, "valid_to", valid_to),
            source=cell(i, "source", source), source_date=cell(i, "source_date", source_date),
            origin="imported", note=cell(i, "note", ""),
        ))
    report.matched.sort(key=lambda r: r["row"])
    return DesignationSet(tuple(items)), report


def read_designations(
    path: str | Path,
    *,
    type: str | None = None,  # noqa: A002 - the domain word
    province: str | int | None = "20",
    level: str = "commune",
    vintage: str = "pre2025",
    sheet: str | int | None = None,
    source: str | None = None,
    **kwargs,
) -> tuple[DesignationSet, DesignationImportReport]:
    """Read a designation list from CSV or XLSX and resolve it to codes.

    Read by the one safe reader (:func:`geo.io.upload.read_records`): the first
    filled row is the header; codes are read as text (leading zeros kept);
    ``source_row`` is the row in the file. Keyword arguments as in
    :func:`match_designations`; ``source`` defaults to the file name.
    """
    records = read_records(path, sheet=sheet)  # size, zip-bomb, budget and encoding checks
    table = records.frame
    if table.empty:
        raise GeoError("table_empty", path=str(path))
    if len(table) > settings.MAX_DESIGNATION_ROWS:  # bounded before any per-row matching
        raise GeoError("designation_too_many_rows", path=str(path), count=len(table),
                       limit=settings.MAX_DESIGNATION_ROWS)
    path = Path(path)
    try:
        return match_designations(
            table, type=type, province=province, level=level, vintage=vintage,
            source=source if source is not None else path.name, **kwargs,
        )
    except GeoError as exc:
        if "path" not in exc.params and exc.code in ("designation_columns", "designation_type_missing"):
            raise GeoError(exc.code, path=str(path), **exc.params) from exc
        raise
