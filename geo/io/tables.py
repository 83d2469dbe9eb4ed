"""Read planners' indicator tables (CSV or Excel) into one row per unit.

Planners hand over tables like the annex of Kế hoạch 78/KH-UBND (Lạng Sơn,
2021): title lines, a header merged over two or three rows, numbers typed as
Vietnamese text (``27.964``, ``8,51``), a ``Cộng`` row and footnotes.
:func:`read_indicators` finds the header, names the columns canonically
(``poor_rate_2020``), sets aside what is not a unit and keeps the file row of
every unit, so that each figure can be traced back to its file and row.

Files are treated as hostile: the size is capped, a workbook is checked for
zip bombs before it is opened, nothing in it is executed (formulas are read
as the values Excel cached) and nothing is ever written.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections import Counter
import copy
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.io.upload import (
    SUPPORTED_SUFFIXES, Grid as _Grid, filled as _filled,
    is_plain_number as _is_plain_number, read_grids,
)
from geo.text.i18n import DEFAULT_LANG, t
from geo.text.names import fold_words, nfc, strip_enumerator, unit_type_of
from geo.text.kinds import COUNT_INDICATORS, INDICATORS, is_rate
from geo.text.numbers import detect_style, parse_number, parse_numbers
from geo.units.registry import CODE_WIDTH, normalize_code

__all__ = [
    "IndicatorTable",
    "with_data",
    "TableWarning",
    "read_indicators",
    "INDICATORS",
    "IDENTITY_COLUMNS",
    "SKIP_REASONS",
    "SUPPORTED_SUFFIXES",
    "MAX_FILE_BYTES",
]

# --------------------------------------------------------------------------
# Limits and vocabulary
# --------------------------------------------------------------------------
MAX_FILE_BYTES = settings.MAX_TABLE_MB * 1024 * 1024  # budgets: geo.settings, enforced by geo.io.upload
MAX_ROWS = settings.MAX_TABLE_ROWS
MAX_COLUMNS = settings.MAX_TABLE_COLUMNS
HEADER_SCAN_ROWS = 40  # the header starts within the first rows
MAX_HEADER_ROWS = 4
MAX_UNIT_NAME_CHARS = 80  # longer text in the name column is a note
MAX_WARNINGS_PER_COLUMN = 20
PERCENT = 100


IDENTITY_COLUMNS = ("source_row", "code", "name", "parent_code", "parent_name", "province_name")

# Why a row of the file is not a unit.
BLANK, TITLE, COLUMN_NUMBERS, TOTAL, SUBTOTAL, GROUP, NOTE = (
    "blank", "title", "column_numbers", "total", "subtotal", "group", "note",
)
SKIP_REASONS = (BLANK, TITLE, COLUMN_NUMBERS, TOTAL, SUBTOTAL, GROUP, NOTE)

COMMUNE_TYPES = frozenset({"Xã", "Phường", "Thị trấn"})
DISTRICT_TYPES = frozenset({"Huyện", "Quận", "Thị xã", "Thành phố"})

# Header words, matched on folded text (no diacritics, lower case).
_ORDINAL = re.compile(r"(tt|stt|so tt|so thu tu|thu tu|no|n o|#)")
_CODE = re.compile(r"^(ma|ma so|id|geocode)\b|\bcode\b")
_NAME = re.compile(
    r"^(ten|don vi(?! tinh)|dvhc|dia ban|dia phuong|xa|phuong|thi tran|huyen|quan|thi xa|thanh pho|tinh"
    r"|name|unit|district|commune|ward|province|locality)\b"
)
_UNIT_HEADER = re.compile(r"^(tt|stt|so tt|no)$|" + _CODE.pattern + "|" + _NAME.pattern)
_INDICATOR_WORD = re.compile(r"\b(ho|ngheo|ty le|ti le|nam|so|households?|poor|poverty|rate|total)\b")
_COMMUNE_WORD = re.compile(r"\b(cap xa|xa|phuong|thi tran|commune|ward)\b")
_DISTRICT_WORD = re.compile(r"\b(cap huyen|huyen|quan|thi xa|district)\b")
_PROVINCE_WORD = re.compile(r"\b(cap tinh|tinh|province)\b")

_NEAR_POOR = re.compile(r"\bcan ngheo\b|\bnear ?poor\b")
_POOR = re.compile(r"\bngheo\b|\bpoor\b|\bpoverty\b")
_HOUSEHOLDS = re.compile(r"\b(tong so ho|tong ho|so ho dan cu|ho dan cu|households?)\b")
_RATE = re.compile(r"\b(ty le|ti le|rate|percent|pct)\b|%")
_REDUCED = re.compile(
    r"\b(so ho giam|ty le giam|ti le giam|thoat ngheo|reduc\w*|decreas\w*|escap\w*)\b|\bgiam\b(?! ngheo)"
)
# Persons, subsets and newly poor are other indicators: keep them under their own slug.
_OTHER_MEASURE = re.compile(
    r"\b(khau|nhan khau|nguoi|persons?|people|members?|trong do|of which|dtts|dan toc|thieu so"
    r"|phat sinh|tai ngheo|ho moi|moi roi|new)\b"
)
_BARE_MEASURE = re.compile(r"(ty le|ti le|rate|so ho giam|ty le giam|ti le giam|giam|reduced|reduction)( %)?")
_PROJECTED = re.compile(r"\b(du kien|uoc|ke hoach|projected|planned|estimated?|target)\b")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_YEAR_RANGE = re.compile(r"\d{4}\s*[-–—/]\s*\d{4}")

_TOTAL = re.compile(
    r"(tong cong|tong so|tong|cong|total|grand total|sum|toan tinh|toan huyen|ca tinh|ca huyen)"
    r"( (toan tinh|toan huyen|chung|ca tinh|cac huyen|cac xa|toan thanh pho))?"
)
_SUBTOTAL = re.compile(
    r"(tong cong|tong so|tong|cong|total) (huyen|quan|thi xa|thanh pho|tp|xa|district|vung|khu vuc)\b.*"
)
_NOTE = re.compile(
    r"^(ghi chu|chu thich|nguon|luu y|note|notes|source|nguoi lap|lap bieu|kt|tm|chu tich|giam doc|xac nhan"
    r"|thu truong|ngay \d|dvt|don vi tinh|bieu so|bieu mau|mau so)\b"
)
# Signature lines: below them come the signers' names, never units ("Ghi chú" may sit between units).
_SIGNATURE = re.compile(r"^(nguoi lap|lap bieu|kt|tm|chu tich|giam doc|xac nhan|thu truong|pho giam doc|truong phong)\b")
_ROMAN_OR_LETTER = re.compile(r"([ivxlc]+|[a-h])")
_COLUMN_NUMBER = re.compile(r"\(?\s*[0-9a-zA-Z]{1,2}\s*\)?(\s*[=+\-*/x:]\s*\(?\s*[0-9a-zA-Z]{1,2}\s*\)?)*")


# --------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TableWarning:
    """Something the reader noticed and handled, with the row and column it concerns.

    ``code`` is stable (``bad_number``, ``bad_code``, ``code_width``, ``text_column``,
    ``duplicate_column``, ``duplicate_unit``, ``no_unit``, ``total_mismatch``,
    ``projected``, ``no_year``, ``legacy_text``); :meth:`message` says it in the user's language.
    """

    code: str
    row: int | None = None
    column: str | None = None
    detail: str = ""

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The warning as one sentence in ``lang``."""
        return t(f"table_warning.{self.code}", lang, row=self.row, column=self.column, detail=self.detail)

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class IndicatorTable:
    """A planner's table read into one row per unit, with what was set aside and why.

    Attributes
    ----------
    data
        One row per unit: ``source_row`` (1-based row in the file or sheet), then
        ``code``, ``name``, ``parent_code``, ``parent_name`` where the table has
        them, then the indicators (floats; rates in percent as written).
    source
        The file name.
    sheet
        The worksheet read, or None for text files.
    header_rows
        1-based rows of the header block.
    columns
        Column of ``data`` -> the header text it came from (``"NĂM 2020 | Hộ nghèo | Số hộ"``).
    skipped
        ``(row, reason)`` for every other row; reasons are :data:`SKIP_REASONS`.
    years
        Years the indicator headers carry, ascending.
    level
        ``"district"``, ``"commune"`` (or ``"province"``) when it can be told, else None.
    warnings
        :class:`TableWarning` records: values left empty, suspicious totals...
    vintage
        ``"pre2025"`` or ``"2025"`` when known (a table converted by
        :func:`geo.analysis.reform.conversion_table` is ``"2025"``); None for a file read
        as typed, whose codes may be of either vintage.
    title
        The text of the rows above the header, one line per row ("SỐ HỘ NGHÈO NĂM 2020 (theo chuẩn nghèo
        giai đoạn 2016–2020)"): what the table says about itself, e.g. its poverty standard
        (:func:`geo.analysis.standards.standard_of_table`).
    """

    data: pd.DataFrame
    source: str
    sheet: str | None
    header_rows: list[int]
    columns: dict[str, str]
    skipped: list[tuple[int, str]]
    years: list[int]
    level: str | None
    warnings: list[TableWarning] = field(default_factory=list)
    vintage: str | None = None
    title: tuple[str, ...] = ()

    @property
    def indicators(self) -> list[str]:
        """The indicator columns of ``data``, in file order."""
        return [c for c in self.data.columns if c not in IDENTITY_COLUMNS]


def with_data(table, data: pd.DataFrame):
    """``table`` holding ``data`` instead of its rows, everything else kept; ``table`` itself is not changed.

    ``table`` is an :class:`IndicatorTable`, another object with a ``data`` frame (copied, the frame replaced),
    or a DataFrame (then ``data`` is the answer).
    """
    if isinstance(table, pd.DataFrame):
        return data
    try:
        return replace(table, data=data)
    except TypeError:  # not a dataclass: keep its other attributes
        out = copy.copy(table)
        out.data = data
        return out


@dataclass
class _Roles:
    """Which column holds what: indexes into the grid row."""

    ordinal: int | None = None
    code: int | None = None
    code_level: str | None = None
    parent_code: int | None = None
    name: int | None = None
    name_level: str | None = None
    parent_name: int | None = None
    province_name: int | None = None  # a commune table's province beside its district ("Tỉnh")
    indicators: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------
def read_indicators(
    path: str | os.PathLike | bytes | BinaryIO,
    *,
    sheet: str | int | None = None,
    level: str | None = None,
    name: str | None = None,
) -> IndicatorTable:
    """Read an indicator table (CSV, TSV, Excel "Unicode text" or .xlsx) as typed by planners.

    Parameters
    ----------
    path
        A file path, or the bytes or binary file object of an upload.
    sheet
        Worksheet name or 0-based index; by default the first visible sheet whose
        header can be found.
    level
        ``"commune"``, ``"district"`` or ``"province"`` when known: it decides how
        codes are zero-padded (``5971`` -> ``"05971"``). Guessed from headers,
        names and codes otherwise.
    name
        File name of an upload (its extension tells the format).

    Returns
    -------
    IndicatorTable
        Units with their indicators, and the rows set aside with the reason.

    Raises
    ------
    GeoError
        ``file_not_found``, ``file_too_large``, ``unsupported_format``, ``unreadable_file``,
        ``table_encoding``, ``table_empty``, ``table_no_header``, ``table_no_unit_column``,
        ``table_sheet_not_found``, ``table_too_large``, ``zip_too_large``, ``table_bad_level``.
    """
    if level is not None and level not in CODE_WIDTH:
        raise GeoError("table_bad_level", level=level, allowed=", ".join(CODE_WIDTH))
    display, grids = read_grids(path, name=name, sheet=sheet, max_bytes=MAX_FILE_BYTES)
    first_error: GeoError | None = None
    for grid in grids:
        try:
            return _parse_grid(grid, path=display, level=level)
        except GeoError as exc:  # try the next sheet when the sheet was not chosen
            if exc.code not in ("table_empty", "table_no_header", "table_no_unit_column"):
                raise
            first_error = first_error or exc
    raise first_error or GeoError("table_empty", path=display)


# --------------------------------------------------------------------------
# Bytes in: size, format, encoding
# --------------------------------------------------------------------------
# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------
def _is_number(value: object) -> bool:
    """A cell holding a number (Excel number or numeric text), not blank and not a dash."""
    if _is_plain_number(value):
        return True
    if not isinstance(value, str):
        return False
    try:
        return not math.isnan(parse_number(value))
    except ValueError:
        return False


def _is_text(value: object) -> bool:
    """A cell holding words rather than a number or a missing-value mark."""
    if not isinstance(value, str) or not value.strip():
        return False
    return _text_not_number(value)


@functools.lru_cache(maxsize=1 << 14)
def _text_not_number(value: str) -> bool:  # names repeat down a column (districts, provinces): asked once each
    try:
        parse_number(value)
    except ValueError:
        return True
    return False


def _is_year(value: object) -> bool:
    try:
        number = parse_number(value)
    except ValueError:
        return False
    return number.is_integer() and 1950 <= number <= 2099


def _fold(text: object) -> str:
    """Lower-case words without diacritics: "Tỷ lệ (%)" -> "ty le %"."""
    return _fold_str(text) if isinstance(text, str) else fold_words(text, keep="%#")


@functools.lru_cache(maxsize=1 << 14)
def _fold_str(text: str) -> str:
    return fold_words(text, keep="%#")


def _cell_text(value: object) -> str:
    """A header cell as text; Excel numbers like 2020.0 read as "2020"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(value)


# --------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------
def _find_header(rows: list[list[object]]) -> tuple[int, int] | None:
    """First and last row (0-based) of the header block.

    The block is anchored on the first row with a unit label (TT, Đơn vị, Mã
    xã...) beside another header word, then grows over the rows of group or
    sub-headers above and below it.
    """
    anchor = None
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        texts = {_fold(v) for v in row if _is_text(v)}
        unit_hits = sum(1 for x in texts if _UNIT_HEADER.search(x))
        other_hits = sum(1 for x in texts if _INDICATOR_WORD.search(x) and not _UNIT_HEADER.search(x))
        if len(texts) >= 2 and unit_hits >= 1 and unit_hits + other_hits >= 2:
            anchor = r
            break
    if anchor is None:
        return None
    keys = {c for c, v in enumerate(rows[anchor]) if _is_text(v) and _UNIT_HEADER.search(_fold(v))}

    def header_like(r: int) -> bool:
        row = rows[r]
        if any(_filled(row[c]) and row[c] != rows[anchor][c] for c in keys):
            return False  # a unit name where the header has its label: data or a group row
        others = [v for c, v in enumerate(row) if c not in keys and _filled(v)]
        if not others or any(_is_number(v) and not _is_year(v) for v in others):
            return False
        return not _is_column_numbers(row)

    start = end = anchor
    while end + 1 < len(rows) and end - start + 1 < MAX_HEADER_ROWS and header_like(end + 1):
        end += 1
    while start > 0 and end - start + 1 < MAX_HEADER_ROWS and header_like(start - 1):
        row = rows[start - 1]
        spread = [v for c, v in enumerate(row) if c not in keys and _filled(v)]
        if len(spread) < 2 or _NOTE.search(_fold(spread[0])):  # "ĐVT: hộ", dates: not a header
            break
        start -= 1
    return start, end


def _is_column_numbers(row: list[object]) -> bool:
    """A row of column numbers under the header: "1 2 3", "(1) (2)", "A B 1 2 3=1+2"."""
    cells = [_cell_text(v) for v in row if _filled(v)]
    if len(cells) < 2 or not all(_COLUMN_NUMBER.fullmatch(c) for c in cells):
        return False
    plain = (re.fullmatch(r"\(?\s*(\d{1,2})\s*\)?", c) for c in cells)
    numbers = [int(m.group(1)) for m in plain if m]
    return bool(numbers) and all(a < b for a, b in zip(numbers, numbers[1:]))


def _fill_header(cells: list[list[str]]) -> list[list[str]]:
    """Spread group labels ("NĂM 2020", "Hộ nghèo") over the columns they head.

    Needed for CSV, where a merged label sits in its first column only. A label
    spreads right over empty cells while the columns have sub-headers below and
    share the same labels above; a label with nothing below it ("TT", "Mã xã")
    heads only its own column. The bottom row holds leaves and never spreads.
    """
    filled = [row[:] for row in cells]
    last = len(cells) - 1

    def has_child(r: int, c: int) -> bool:
        return any(cells[k][c] for k in range(r + 1, last + 1))

    for r in range(last):
        origin = None
        for c, text in enumerate(cells[r]):
            if text:
                origin = c
            elif (
                origin is not None
                and has_child(r, origin)
                and has_child(r, c)
                and all(filled[k][c] == filled[k][origin] for k in range(r))
            ):
                filled[r][c] = filled[r][origin]
            else:
                origin = None
    return filled


def _header_paths(block: list[list[object]]) -> list[str]:
    """One "NĂM 2020 | Hộ nghèo | Tỷ lệ" path per column of a header block."""
    filled = _fill_header([[_cell_text(v) for v in row] for row in block])
    paths = []
    for c in range(len(filled[0]) if filled else 0):
        parts: list[str] = []
        for row in filled:
            if row[c] and (not parts or parts[-1] != row[c]):
                parts.append(row[c])
        paths.append(" | ".join(parts))
    return paths


def _level_of(folded: str) -> str | None:
    """Unit level a header names: "Mã xã" -> commune, "Tên huyện" -> district."""
    for pattern, level in ((r"\bcap xa\b", "commune"), (r"\bcap huyen\b", "district"), (r"\bcap tinh\b", "province")):
        if re.search(pattern, folded):
            return level
    head = re.sub(r"^(ma so|ma|ten|code|name)\s+", "", folded)
    for pattern, level in ((_COMMUNE_WORD, "commune"), (_DISTRICT_WORD, "district"), (_PROVINCE_WORD, "province")):
        if pattern.match(head):
            return level
    if _DISTRICT_WORD.search(folded):
        return "district"
    if _COMMUNE_WORD.search(folded):
        return "commune"
    if _PROVINCE_WORD.search(folded):
        return "province"
    return None


def _column_roles(paths: list[str], rows: list[list[object]], body: range) -> _Roles:
    """Ordinal, code, name and parent columns by header words and content."""
    roles = _Roles()
    codes: list[tuple[int, str | None]] = []
    names: list[tuple[int, str | None]] = []
    for c, path in enumerate(paths):
        parts = [_fold(p) for p in path.split(" | ")] if path else [""]
        folded = " ".join(parts)
        if not path:
            pass
        elif _ORDINAL.fullmatch(parts[-1]) and roles.ordinal is None:
            roles.ordinal = c
            continue
        elif any(_CODE.search(p) for p in parts):
            codes.append((c, _level_of(folded)))
            continue
        elif _NAME.search(parts[-1]):
            values = [rows[r][c] for r in body]
            if sum(map(_is_text, values)) >= sum(map(_is_number, values)) and any(map(_is_text, values)):
                names.append((c, _level_of(folded)))
                continue
        roles.indicators.append(c)
    rank = {"commune": 0, None: 1, "district": 2, "province": 3}
    if codes:
        ordered = sorted(codes, key=lambda x: rank[x[1]])
        roles.code, roles.code_level = ordered[0] if len({lv for _, lv in codes}) > 1 else codes[0]
        if len(codes) > 1 and rank[ordered[-1][1]] > rank[roles.code_level]:
            roles.parent_code = ordered[-1][0]
        roles.indicators += [c for c, _ in codes if c not in (roles.code, roles.parent_code)]
    if names:
        parents = [(c, lv) for c, lv in names if lv in ("district", "province")]
        units = [(c, lv) for c, lv in names if lv not in ("district", "province")]
        if parents and units:
            roles.name, roles.name_level = units[0]
            districts = [c for c, lv in parents if lv == "district"]
            provinces = [c for c, lv in parents if lv == "province"]
            roles.parent_name = (districts or provinces)[0]
            if districts and provinces:  # a commune's district and province: the province tells a national table
                roles.province_name = provinces[0]
        else:
            roles.name, roles.name_level = names[0]
        roles.indicators += [c for c, _ in names if c not in (roles.name, roles.parent_name, roles.province_name)]
    roles.indicators.sort()
    return roles


# --------------------------------------------------------------------------
# Indicator names
# --------------------------------------------------------------------------
def _year_of(path: str) -> int | None:
    """The year of the deepest header part that names one ("cuối năm 2020"); ranges do not count."""
    for part in reversed(path.split(" | ")):
        found = _YEAR.findall(_YEAR_RANGE.sub(" ", part))
        if found:
            return int(found[-1])
    return None


def _canonical(path: str, *, previous: str | None = None) -> str | None:
    """``households``, ``poor_rate``, ``near_poor_reduced``... for a header path, or None.

    ``previous`` is the indicator of the column to the left: a bare "Tỷ lệ (%)"
    after "Số hộ nghèo" is the poor rate.
    """
    parts = [_fold(p) for p in path.split(" | ")]
    folded = " ".join(parts)
    if _OTHER_MEASURE.search(folded):
        return None
    topic = None
    for part in reversed(parts):  # the deepest part that names a topic decides
        if _NEAR_POOR.search(part):
            topic = "near_poor"
        elif _POOR.search(part):
            topic = "poor"
        elif _HOUSEHOLDS.search(part):
            topic = "households"
        if topic:
            break
    rate, reduced = bool(_RATE.search(folded)), bool(_REDUCED.search(folded))
    if topic is None and previous in ("poor", "near_poor") and _BARE_MEASURE.fullmatch(parts[-1]):
        topic = previous
    if topic is None:
        return "households" if re.fullmatch(r"(tong )?so ho", parts[-1]) else None
    if topic == "households":
        return None if rate or reduced else topic
    return topic + ("_rate" if rate else "") + ("_reduced" if reduced else "")


def _slug(path: str, index: int) -> str:
    """ASCII column name for an unrecognised header: "Số người DTTS" -> "so_nguoi_dtts"."""
    slug = _fold(path.replace("%", " pct ")).replace("#", " ").strip().replace(" ", "_")[:60].strip("_")
    if not slug:
        return f"col_{index + 1}"
    return f"col_{slug}" if slug[0].isdigit() else slug


# --------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------
def _row_kind(row: list[object], roles: _Roles, *, level: str | None) -> str:
    """``data`` or one of the skip reasons (``group`` rows are confirmed later)."""
    cells = [v for v in row if _filled(v)]
    if not cells:
        return BLANK
    texts = []  # the first three text cells, folded (only they can say total, subtotal or note)
    for v in row:
        if len(texts) == 3:
            break
        if _is_text(v):
            texts.append(_fold(v))
    if any(_TOTAL.fullmatch(x) for x in texts[:3]):
        return TOTAL
    numbers = any(_is_number(row[c]) for c in roles.indicators)
    if any(_SUBTOTAL.fullmatch(x) for x in texts[:3]):
        return SUBTOTAL if numbers else GROUP
    if texts and not numbers and (_NOTE.search(texts[0]) or str(cells[0]).lstrip().startswith("*")):
        return NOTE
    if len(cells) > 2 and len({_cell_text(v) for v in cells}) == 1:
        return NOTE  # one text merged across the table
    name = row[roles.name] if roles.name is not None else None
    code = row[roles.code] if roles.code is not None else None
    has_name = _is_text(name) and len(str(name)) <= MAX_UNIT_NAME_CHARS
    has_code = normalize_code(code, "commune") is not None
    if not has_name and not has_code:
        return NOTE
    ordinal = _fold(row[roles.ordinal]) if roles.ordinal is not None else ""
    if _ROMAN_OR_LETTER.fullmatch(ordinal) and not has_code:
        return SUBTOTAL if numbers else GROUP
    if level == "commune" and has_name and unit_type_of(name) in DISTRICT_TYPES and not has_code:
        return SUBTOTAL if numbers else GROUP
    if level == "commune" and has_name and has_code and _coarser_code(code, name):
        # A GSO-style list gives every row its code: "178 Thành phố Lạng Sơn" heads its communes, "20 Tỉnh
        # Lạng Sơn" sums them; neither is a commune coded 00178 or 00020.
        if unit_type_of(name) == "Tỉnh":
            return TOTAL
        return SUBTOTAL if numbers else GROUP
    if not has_code and not any(_filled(row[c]) for c in roles.indicators):
        return GROUP
    return "data"


def _coarser_code(code: object, name: object) -> bool:
    """A district or province row of a commune table: its type says so and its code has 3 digits or fewer."""
    if unit_type_of(name) not in DISTRICT_TYPES | {"Tỉnh"}:
        return False
    text = _cell_text(code).strip()
    return text.isdigit() and len(text) <= CODE_WIDTH["district"]


def _signature_block(kinds: dict[int, str], rows: list[list[object]], roles: _Roles) -> dict[int, str]:
    """Rows under a signature or footnote line that follows the units are notes, not units.

    "Người lập biểu", "KT. GIÁM ĐỐC" below the table are followed by the signers' names ("Nguyễn Văn A")
    in the name column: without a code such a row is part of the footer. A "Ghi chú" line between units
    does not end the table.
    """
    seen_data, footer = False, False
    out = dict(kinds)
    for r, kind in kinds.items():
        if footer and kind == "data" and (roles.code is None or normalize_code(rows[r][roles.code], "commune") is None):
            out[r] = NOTE
        elif kind == "data":
            seen_data = True
        elif kind == NOTE and seen_data:
            texts = [_fold(v) for v in rows[r] if _is_text(v)]
            footer = footer or any(_SIGNATURE.search(x) for x in texts)
    return out


def _level_from_names(names: list[object]) -> str | None:
    """Commune when unit names carry Xã/Phường/Thị trấn, district when Huyện/Thị xã/... only."""
    types = Counter(unit_type_of(n) for n in names if _is_text(n))
    if sum(types[k] for k in COMMUNE_TYPES):
        return "commune"
    if sum(types[k] for k in DISTRICT_TYPES):
        return "district"
    return None


def _level_from_codes(values: list[object]) -> str | None:
    """Level told by code widths: typed text keeps its zeros, Excel numbers do not."""
    widths = {len(v.strip()) for v in values if isinstance(v, str) and v.strip().isdigit()}
    by_width = {w: lv for lv, w in CODE_WIDTH.items()}
    if len(widths) == 1 and widths <= set(by_width):
        return by_width[widths.pop()]
    numbers = [parse_number(v) for v in values if _is_number(v)]
    if not numbers:
        return None
    if max(numbers) >= 10 ** CODE_WIDTH["district"]:
        return "commune"
    if max(numbers) >= 10 ** CODE_WIDTH["province"]:
        return "district"
    return None


# --------------------------------------------------------------------------
# Whole table
# --------------------------------------------------------------------------
def _parse_grid(grid: _Grid, *, path: str, level: str | None) -> IndicatorTable:
    rows = grid.rows
    if not any(_filled(v) for row in rows for v in row):
        raise GeoError("table_empty", path=path)
    found = _find_header(rows)
    if found is None:
        raise GeoError("table_no_header", path=path)
    start, end = found
    header_rows = list(range(start + 1, end + 2))
    paths = _header_paths(rows[start:end + 1])
    skipped = [(r + 1, TITLE if any(_filled(v) for v in rows[r]) else BLANK) for r in range(start)]
    first = end + 1
    if first < len(rows) and _is_column_numbers(rows[first]):
        skipped.append((first + 1, COLUMN_NUMBERS))
        first += 1
    body = range(first, len(rows))
    roles = _column_roles(paths, rows, body)
    if roles.name is None and roles.code is None:
        listed = ", ".join(f"'{p}'" for p in paths if p) or "–"
        header = str(header_rows[0]) if len(header_rows) == 1 else f"{header_rows[0]}–{header_rows[-1]}"
        raise GeoError("table_no_unit_column", path=path, header_row=header, columns=listed)

    table_level = level or roles.code_level or roles.name_level
    if table_level is None and (roles.parent_name is not None or roles.parent_code is not None):
        table_level = "commune"
    if table_level is None and roles.name is not None:
        table_level = _level_from_names([rows[r][roles.name] for r in body])

    kinds = _signature_block({r: _row_kind(rows[r], roles, level=table_level) for r in body}, rows, roles)
    data_rows = [r for r in body if kinds[r] == "data"]
    if not data_rows:
        raise GeoError("table_empty", path=path)
    for r in body:  # headings after the last unit are signatures and notes
        if r > data_rows[-1] and kinds[r] == GROUP:
            kinds[r] = NOTE
    skipped += [(r + 1, kinds[r]) for r in body if kinds[r] != "data"]
    skipped.sort()
    warnings: list[TableWarning] = [TableWarning("legacy_text", detail=grid.legacy)] if grid.legacy else []

    # Identity columns.
    out: dict[str, list[object]] = {"source_row": [r + 1 for r in data_rows]}
    columns: dict[str, str] = {}
    code_level = roles.code_level or level or table_level
    if roles.code is not None:
        raw = [rows[r][roles.code] for r in data_rows]
        code_level = code_level or _level_from_codes(raw)
        table_level = table_level or code_level
        out["code"] = _codes(raw, data_rows, level=code_level, column=paths[roles.code], warnings=warnings)
        columns["code"] = paths[roles.code]
    if roles.name is not None:
        out["name"] = [strip_enumerator(rows[r][roles.name]) or None for r in data_rows]  # "1. Xã Hùng Sơn"
        columns["name"] = paths[roles.name]
    if roles.parent_code is not None:
        raw = [rows[r][roles.parent_code] for r in data_rows]
        parent_level = _level_of(_fold(paths[roles.parent_code])) or "district"
        out["parent_code"] = _filled_down(
            _codes(raw, data_rows, level=parent_level, column=paths[roles.parent_code], warnings=warnings)
        )
        columns["parent_code"] = paths[roles.parent_code]
    if roles.province_name is not None:
        out["province_name"] = _filled_down([nfc(rows[r][roles.province_name]) or None for r in data_rows])
        columns["province_name"] = paths[roles.province_name]
    if roles.parent_name is not None:
        out["parent_name"] = _filled_down([nfc(rows[r][roles.parent_name]) or None for r in data_rows])
        columns["parent_name"] = paths[roles.parent_name]
    else:
        parents = _parents_from_groups(rows, kinds, roles, level=table_level)
        if any(parents[r] for r in data_rows):
            out["parent_name"] = [parents[r] for r in data_rows]
            table_level = table_level or "commune"

    # Indicators.
    totals = [r for r in body if kinds[r] == TOTAL]
    values, sources, years, notes = _indicator_columns(
        grid, paths, roles, data_rows, total_row=totals[0] if len(totals) == 1 else None
    )
    out.update(values)
    columns.update(sources)
    warnings += notes
    warnings += _duplicate_units(out)

    data = pd.DataFrame(out)
    for col in ("code", "name", "parent_code", "parent_name", "province_name"):
        if col in data:
            data[col] = data[col].astype("str")
    return IndicatorTable(
        data=data,
        source=Path(path).name,
        sheet=grid.sheet,
        header_rows=header_rows,
        columns=columns,
        skipped=skipped,
        years=years,
        level=table_level,
        warnings=warnings,
        title=tuple(_line(rows[r]) for r in range(start) if any(_filled(v) for v in rows[r])),
    )


def _line(row: list) -> str:
    """One grid row as a line of text: its filled cells, in order, single-spaced (a merged cell once)."""
    cells = [_cell_text(v) for v in row if _filled(v)]
    return " ".join(c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1])


def _indicator_columns(
    grid: _Grid, paths: list[str], roles: _Roles, data_rows: list[int], *, total_row: int | None
) -> tuple[dict[str, list[float]], dict[str, str], list[int], list[TableWarning]]:
    """Indicator values by column name, the header each came from, the years, and warnings.

    Columns are read whole, so that ``1.423`` next to ``8,51`` is read the
    Vietnamese way. A bare "Tỷ lệ" or "Số hộ giảm" right after "Số hộ nghèo" is
    that indicator's rate or reduction, as in the seed-003 annex.
    """
    rows = grid.rows
    years_of = {c: _year_of(paths[c]) for c in roles.indicators}
    years = sorted({y for y in years_of.values() if y})
    out: dict[str, list[float]] = {}
    sources: dict[str, str] = {}
    warnings: list[TableWarning] = []
    previous: str | None = None  # canonical base of the indicator column just left of this one
    for c in roles.indicators:
        raw = [rows[r][c] for r in data_rows]
        n_filled = sum(1 for v in raw if _filled(v))
        if not paths[c] and not n_filled:
            continue
        base = _canonical(paths[c], previous=previous)
        values = [v * PERCENT if (r, c) in grid.percent else v for r, v in zip(data_rows, raw)]
        parsed, bad = parse_numbers(values, upper=settings.MAX_RATE if base and is_rate(base) else None)
        if base is None and (n_filled == 0 or len(bad) * 2 > n_filled):
            if n_filled:
                warnings.append(TableWarning("text_column", column=paths[c]))
            previous = None
            continue
        previous = base if c + 1 in roles.indicators else None
        year = years_of[c] or (years[0] if len(years) == 1 else None)
        if base and years and year is None:
            warnings.append(TableWarning("no_year", column=paths[c]))
        key = f"{base}_{year}" if base and year else base or _slug(paths[c], c)
        if key in out or key in IDENTITY_COLUMNS:
            renamed = _slug(paths[c], c)
            while renamed in out or renamed in IDENTITY_COLUMNS:
                renamed += "_"
            warnings.append(TableWarning("duplicate_column", column=paths[c], detail=key))
            key = renamed
        for i in bad[:MAX_WARNINGS_PER_COLUMN]:
            warnings.append(TableWarning("bad_number", row=data_rows[i] + 1, column=paths[c], detail=str(raw[i])))
        out[key] = [v if math.isnan(v) else round(v, 10) for v in parsed]  # 0.0851 * 100 -> 8.51
        sources[key] = paths[c]
        if base in COUNT_INDICATORS and total_row is not None:
            _check_total(rows[total_row][c], out[key], values, row=total_row + 1, column=paths[c], warnings=warnings)
    for year in years:
        marked = [paths[c] for c in roles.indicators if years_of[c] == year and _PROJECTED.search(_fold(paths[c]))]
        if marked:
            warnings.append(TableWarning("projected", column=marked[0].split(" | ")[0], detail=str(year)))
    return out, sources, years, warnings


def _codes(
    raw: list[object], data_rows: list[int], *, level: str | None, column: str, warnings: list[TableWarning]
) -> list[str | None]:
    """Zero-padded GSO codes; a code that is no code is left empty with a warning."""
    if level is None:
        warnings.append(TableWarning("code_width", column=column))
    out: list[str | None] = []
    for r, value in zip(data_rows, raw):
        if not _filled(value):
            out.append(None)
            continue
        code = normalize_code(value, level) if level else normalize_code(value, "commune") and _cell_text(value)
        if code is None:
            warnings.append(TableWarning("bad_code", row=r + 1, column=column, detail=_cell_text(value)))
        out.append(code)
    return out


def _filled_down(values: list[str | None]) -> list[str | None]:
    """A parent left blank under a filled one: the district cell was merged down over its communes."""
    out, last = [], None
    for value in values:
        last = value or last
        out.append(last)
    return out


def _parents_from_groups(
    rows: list[list[object]], kinds: dict[int, str], roles: _Roles, *, level: str | None
) -> dict[int, str | None]:
    """Parent name of each row from the heading row above it ("Huyện Tràng Định" then its communes)."""
    parents: dict[int, str | None] = {}
    current = None
    for r, kind in kinds.items():
        if kind in (GROUP, SUBTOTAL):
            name = rows[r][roles.name] if roles.name is not None else None
            footer = _SUBTOTAL.fullmatch(_fold(name))  # "Cộng huyện X" closes its group
            name = strip_enumerator(name) if _is_text(name) else name  # "I. HUYỆN TRÀNG ĐỊNH"
            if _is_text(name) and not footer and (level == "commune" or unit_type_of(name) in DISTRICT_TYPES):
                current = name
            else:
                current = None
        elif kind == TOTAL:
            current = None
        parents[r] = current
    return parents


def _check_total(
    total_cell: object, parsed: list[float], raw: list[object], *, row: int, column: str, warnings: list[TableWarning]
) -> None:
    """Warn when the table's own total row disagrees with the sum of its units."""
    try:
        stated = parse_number(total_cell, detect_style(raw + [total_cell]))
    except ValueError:
        return
    if math.isnan(stated) or any(math.isnan(v) for v in parsed):
        return
    summed = sum(parsed)
    if abs(summed - stated) > 0.5:
        warnings.append(TableWarning("total_mismatch", row=row, column=column, detail=f"{stated:g} ≠ {summed:g}"))


def _duplicate_units(out: dict[str, list[object]]) -> list[TableWarning]:
    """A unit listed twice is usually a copy-paste slip; say where."""
    if "code" in out:
            keys, labels = list(out["code"]), list(out["code"])
    elif "name" in out:
        parents = out.get("parent_name", [None] * len(out["name"]))
        keys, labels = [(p, _fold(n)) if n else None for p, n in zip(parents, out["name"])], out["name"]
    else:
        return []
    seen: set[object] = set()
    warnings = []
    for row, key, label in zip(out["source_row"], keys, labels):
        if key is None:
            continue
        if key in seen:
            warnings.append(TableWarning("duplicate_unit", row=row, detail=str(label)))
        seen.add(key)
    return warnings
