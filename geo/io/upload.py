"""The one safe reader for every uploaded table and text file.

Indicator tables, designation lists, selections, conversion weights, manual
include/exclude lists and rules files all arrive from planners' machines and
are treated as hostile. Every one is read here, with the same guarantees:

- **Size first.** The file is refused before it is read past its limit
  (:data:`geo.settings.MAX_TABLE_MB`, :data:`geo.settings.RULES_MAX_BYTES`).
- **Workbooks are inspected before they are opened.** An ``.xlsx`` is a ZIP of
  XML: its members, the shared strings, the merged ranges and the rows and
  columns that hold values are measured from the ZIP with a byte scan
  (:func:`check_workbook`) so that a merged range over the whole sheet, one
  far-away cell, a 250 MB shared string or a million rows are refused in well
  under a second, before openpyxl builds any cell.
- **Text in any encoding planners meet:** BOMs, UTF-16 ("Unicode text" from
  Excel), UTF-8, Windows-1258. CSV cells are capped at
  :data:`geo.settings.MAX_CSV_FIELD_CHARS` characters.
- **Errors are** :class:`~geo._errors.GeoError` **naming the file** (and the
  sheet, row or member where it can), never a raw parser exception.

Nothing is executed (formulas are read as the values Excel cached, no macros,
no external links) and nothing is written.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import math
import os
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import Num, megabytes
from geo.text.encoding import legacy_cells
from geo.text.names import nfc

__all__ = [
    "Grid",
    "Records",
    "EXCEL_SUFFIXES",
    "TEXT_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "load_bytes",
    "read_text",
    "decode_text",
    "is_excel",
    "check_workbook",
    "read_grids",
    "read_records",
]

MB = 1024 * 1024
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES + TEXT_SUFFIXES
CSV_DELIMITERS = (",", ";", "\t")
TEXT_ENCODINGS = ("utf-8", "cp1258")  # cp1258: Windows Vietnamese, what old Excel saves
HEADER_SCAN_ROWS = 40  # lines looked at to choose the delimiter (x 5)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
_SCAN_CHUNK = 4 * MB
_SCAN_CARRY = 4096  # bytes kept between chunks (a tag cut in two)

SourceLike = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO


@dataclass
class Grid:
    """Cell values of one sheet; ``rows[i]`` is row ``i + 1`` of the file."""

    rows: list[list[object]]
    sheet: str | None = None
    percent: set[tuple[int, int]] = field(default_factory=set)  # cells Excel shows as percent
    legacy: str | None = None  # "tcvn3" or "vni" when the text was converted from a legacy font encoding


@dataclass(frozen=True)
class Records:
    """A list read with its first filled row as header: text cells, the file row of each record.

    ``frame`` has one column per header cell (blank headers become ``column_<n>``)
    and ``source_row`` (1-based row in the file or sheet); every cell is text
    (``""`` when blank).
    """

    frame: pd.DataFrame
    source: str
    sheet: str | None
    header_row: int


# --------------------------------------------------------------------------
# Bytes
# --------------------------------------------------------------------------
def _limit_mb(max_bytes: int) -> Num:
    return Num(round(max_bytes / MB, 2), None)


def load_bytes(source: SourceLike, *, name: str | None = None, max_bytes: int | None = None) -> tuple[str, bytes]:
    """The display name and the bytes of a path, bytes or binary file object, within the size limit.

    Parameters
    ----------
    source
        A path, or the bytes or file object of an upload.
    name
        The name to show (an upload's file name); by default the path as given.
    max_bytes
        The limit; :data:`geo.settings.MAX_TABLE_MB` by default. The file is
        never read past it.

    Raises
    ------
    GeoError
        ``file_not_found``, ``file_too_large``, ``unreadable_file``.
    """
    limit = max_bytes if max_bytes is not None else settings.MAX_TABLE_MB * MB
    if isinstance(source, (bytes, bytearray, memoryview)):
        display, data = name or "upload", bytes(source)
    elif hasattr(source, "read"):
        display = name or os.path.basename(str(getattr(source, "name", "") or "")) or "upload"
        try:
            data = source.read(limit + 1)
        except (OSError, ValueError) as exc:
            raise GeoError("unreadable_file", path=display, reason=type(exc).__name__) from None
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        path = Path(source)
        display = name or str(path)
        if not path.is_file():  # also refuses folders, devices and pipes that never end
            raise GeoError("file_not_found", path=display)
        size = path.stat().st_size
        if size > limit:
            raise GeoError("file_too_large", path=display, size_mb=megabytes(size), limit_mb=_limit_mb(limit))
        try:
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise GeoError("unreadable_file", path=display, reason=exc.strerror or type(exc).__name__) from None
    if len(data) > limit:
        raise GeoError("file_too_large", path=display, size_mb=megabytes(len(data)), limit_mb=_limit_mb(limit))
    return display, data


def decode_text(data: bytes, *, path: str) -> str:
    """Text of a CSV or YAML file: BOMs first, then UTF-16 without BOM, UTF-8, Windows-1258.

    Raises ``table_encoding`` when none fits (or the text holds NUL characters).
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # Excel "Unicode text"
    else:
        sample = data[:4096]
        if sample.count(0) > len(sample) // 4:  # ASCII in UTF-16 leaves every other byte NUL
            candidates = ["utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"]
        else:
            candidates = list(TEXT_ENCODINGS)
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            # Windows-1258 writes tone marks as combining characters: compose them.
            return unicodedata.normalize("NFC", text) if encoding == "cp1258" else text
    raise GeoError("table_encoding", path=path)


def read_text(source: SourceLike, *, name: str | None = None, max_bytes: int | None = None) -> tuple[str, str]:
    """The display name and decoded text of a small text file (a rules file by default).

    ``max_bytes`` defaults to :data:`geo.settings.RULES_MAX_BYTES`; encodings as
    :func:`decode_text`.
    """
    limit = max_bytes if max_bytes is not None else settings.RULES_MAX_BYTES
    display, data = load_bytes(source, name=name, max_bytes=limit)
    return display, decode_text(data, path=display)


def is_excel(display: str, data: bytes) -> bool:
    """True for a workbook, False for text; the content decides when it contradicts the name.

    Raises ``table_old_excel`` for a legacy ``.xls`` (or encrypted) workbook, ``unsupported_format`` for unknown extensions,
    ``unreadable_file`` for an ``.xlsx`` that is not a ZIP.
    """
    suffix = Path(display).suffix.lower()
    supported = ", ".join(SUPPORTED_SUFFIXES)
    if data.startswith(_OLE_MAGIC):  # Excel 97-2003 (.xls), or a password-protected workbook
        raise GeoError("table_old_excel", path=display)
    if suffix not in SUPPORTED_SUFFIXES + ("",):
        raise GeoError("unsupported_format", path=display, supported=supported)
    if data.startswith(_ZIP_MAGIC):
        return True
    if suffix in EXCEL_SUFFIXES:
        reason = "not an Excel .xlsx workbook / không phải tệp .xlsx"
        raise GeoError("unreadable_file", path=display, reason=reason)
    return False


# --------------------------------------------------------------------------
# Text tables
# --------------------------------------------------------------------------
def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits most lines into the same number (> 1) of fields."""
    best, best_score = ",", -1
    for delimiter in CSV_DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1]
        except csv.Error:
            continue
        if not counts:
            continue
        width, lines_with_width = Counter(counts).most_common(1)[0]
        score = width * lines_with_width
        if score > best_score:
            best, best_score = delimiter, score
    return best


def text_grid(data: bytes, *, path: str) -> Grid:
    """Cells of a delimited text file within the row, column, cell and field budgets."""
    text = decode_text(data, path=path)
    if text.count("\n") > settings.MAX_TABLE_ROWS and '"' not in text:  # no quoted line breaks: lines are rows
        raise GeoError("table_too_large", path=path, max_rows=settings.MAX_TABLE_ROWS,
                       max_columns=settings.MAX_TABLE_COLUMNS)
    if len(text) > settings.MAX_CSV_FIELD_CHARS and not any(ch in text for ch in "\r\n,;\t"):
        raise GeoError("table_field_too_long", path=path, row=1, limit=settings.MAX_CSV_FIELD_CHARS)
    head = text[: 200 * HEADER_SCAN_ROWS * 5].splitlines()[: HEADER_SCAN_ROWS * 5]
    delimiter = _delimiter(head)
    rows = _text_rows(text, path=path, delimiter=delimiter)
    if _single_byte(data):
        # Not UTF: the bytes may be TCVN3 or VNI (a CSV saved from an old .VnTime workbook), which Windows-1258
        # reads as other letters; their Latin-1 view is converted when its cells read as Vietnamese.
        view = _text_rows(data.decode("latin-1"), path=path, delimiter=delimiter)
        mapping, legacy = legacy_cells(v for row in view for v in row)
        if mapping and len(view) == len(rows):
            rows = [[mapping.get(v, v) if isinstance(v, str) else v for v in row] for row in view]
            rows = [[nfc(v) if isinstance(v, str) else v for v in row] for row in rows]
            return Grid(rows=_rectangular(rows), legacy=legacy)
    return Grid(rows=_rectangular(rows))


def _single_byte(data: bytes) -> bool:
    """Text that decode_text read as Windows-1258: no BOM, not UTF-16, not UTF-8."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:4096]
    if sample.count(0) > len(sample) // 4:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


_EXCEL_LITERAL = re.compile(r'^="(.*)"$', re.DOTALL)


def _excel_literal(value: str) -> str:
    """The text of a CSV cell written as Excel's literal ``="05974"`` (how exports keep a code's leading zero)."""
    found = _EXCEL_LITERAL.match(value.strip()) if value.startswith(("=", " ")) else None
    return found.group(1) if found else value


def _legacy_grid(grid: Grid) -> Grid:
    """A worksheet typed in a TCVN3 or VNI font ("Tæng sè hé"), its text cells in Unicode."""
    mapping, legacy = legacy_cells(v for row in grid.rows for v in row)
    if not mapping:
        return grid
    rows = [[mapping.get(v, v) if isinstance(v, str) else v for v in row] for row in grid.rows]
    return Grid(rows=rows, sheet=grid.sheet, percent=grid.percent, legacy=legacy)


def _text_rows(text: str, *, path: str, delimiter: str) -> list[list[object]]:
    """The records of delimited text within the row, column, cell and field budgets."""
    rows: list[list[object]] = []
    old_limit = csv.field_size_limit()
    csv.field_size_limit(settings.MAX_CSV_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if (len(rows) >= settings.MAX_TABLE_ROWS or len(record) > settings.MAX_TABLE_COLUMNS
                    or len(rows) * len(record) > settings.MAX_TABLE_CELLS):
                raise GeoError("table_too_large", path=path, max_rows=settings.MAX_TABLE_ROWS,
                               max_columns=settings.MAX_TABLE_COLUMNS)
            rows.append([nfc(_excel_literal(v)) or None for v in record])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise GeoError("table_field_too_long", path=path, row=reader.line_num,
                           limit=settings.MAX_CSV_FIELD_CHARS) from None
        raise GeoError("unreadable_file", path=path, reason=f"line {reader.line_num}: {exc}") from None
    finally:
        csv.field_size_limit(old_limit)
    return rows


def filled(value: object) -> bool:
    """A cell with something in it (not None, not only spaces)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def is_plain_number(value: object) -> bool:
    """An Excel number (not a bool, not NaN)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


def _rectangular(rows: list[list[object]]) -> list[list[object]]:
    """Rows padded to one width, without trailing empty rows."""
    while rows and not any(filled(v) for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]


# --------------------------------------------------------------------------
# Workbooks: budgets from the ZIP, before openpyxl
# --------------------------------------------------------------------------
_SHEET_MEMBER = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|mergeCell)\b([^>]*)>")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})(\d+)["']""")
_REF_ATTR = re.compile(rb"""\bref\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?["']""")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


@dataclass
class _SheetScan:
    rows: int = 0  # last row holding a value
    columns: int = 0  # last column holding a value
    cells: int = 0  # cell elements, empty or not
    merged: int = 0  # merged ranges
    merged_cells: int = 0  # cells they cover


def _too_large(path: str, sheet: str) -> GeoError:
    return GeoError("table_too_large", path=f"{path} [{sheet}]", max_rows=settings.MAX_TABLE_ROWS,
                    max_columns=settings.MAX_TABLE_COLUMNS)


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, path: str) -> _SheetScan:
    """Rows, columns, cells and merged ranges of one worksheet's XML, streamed."""
    scan = _SheetScan()
    sheet = Path(info.filename).stem
    row_no = 0
    carry = b""
    read = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_SCAN_CHUNK)
            read += len(chunk)
            if read > settings.MAX_XLSX_SHEET_MB * MB:
                raise GeoError("zip_too_large", path=path, size_mb=megabytes(read, 0),
                                 limit_mb=Num(settings.MAX_XLSX_SHEET_MB, None))
            buf = carry + chunk
            cut = buf.rfind(b">") + 1 if chunk else len(buf)
            body, carry = buf[:cut], buf[cut:][-_SCAN_CARRY:]
            # Rows, then cells in document order: a cell without r= is in the current row.
            for m in _TAG.finditer(body):
                tag, attrs = m.group(1), m.group(2)
                if tag == b"row":
                    r = _R_ATTR.search(attrs)
                    row_no = int(r.group(2)) if r else row_no + 1  # an empty row costs nothing
                elif tag == b"c":
                    scan.cells += 1
                    if scan.cells > settings.MAX_TABLE_CELLS:
                        raise _too_large(path, sheet)
                    if attrs.rstrip().endswith(b"/"):
                        continue  # <c r="B2" s="1"/>: formatting only, no value
                    r = _R_ATTR.search(attrs)
                    row = int(r.group(2)) if r and r.group(2) else row_no
                    col = _col_number(r.group(1)) if r and r.group(1) else scan.columns + 1
                    scan.rows = max(scan.rows, row)
                    scan.columns = max(scan.columns, col)
                    if scan.rows > settings.MAX_TABLE_ROWS or scan.columns > settings.MAX_TABLE_COLUMNS:
                        raise _too_large(path, sheet)
                else:
                    ref = _REF_ATTR.search(attrs)
                    if not ref:
                        continue
                    c1, r1 = _col_number(ref.group(1)), int(ref.group(2))
                    c2 = _col_number(ref.group(3)) if ref.group(3) else c1
                    r2 = int(ref.group(4)) if ref.group(4) else r1
                    scan.merged += 1
                    scan.merged_cells += (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
                    if scan.merged > settings.MAX_MERGED_RANGES or scan.merged_cells > settings.MAX_MERGED_CELLS:
                        raise GeoError("table_merged_too_large", path=path, sheet=sheet,
                                       ranges=scan.merged, cells=scan.merged_cells,
                                       limit=settings.MAX_MERGED_CELLS)
            if not chunk:
                break
    if scan.rows * scan.columns > settings.MAX_TABLE_CELLS:
        raise _too_large(path, sheet)
    return scan


def check_workbook(data: bytes, *, path: str) -> dict[str, _SheetScan]:
    """Measure a workbook from its ZIP members and refuse it past a budget, before it is opened.

    Checks the member count, the unpacked size (declared, and against the
    archive's size as a whole), the shared strings and every other XML part,
    then streams each worksheet's XML counting cells, the last row and column
    that hold a value and the cells covered by merged ranges.

    Raises
    ------
    GeoError
        ``unreadable_file``, ``zip_too_many_files``, ``zip_too_large``,
        ``table_shared_strings_too_large``, ``table_too_large``, ``table_merged_too_large``.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError) as exc:  # "zip file version 19.8"
        raise GeoError("unreadable_file", path=path, reason=f"{type(exc).__name__}: {exc}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > settings.MAX_XLSX_MEMBERS:
            raise GeoError("zip_too_many_files", path=path, count=len(infos), limit=settings.MAX_XLSX_MEMBERS)
        scans = {}
        for info in infos:
            lower = info.filename.lower()
            if _SHEET_MEMBER.match(info.filename):
                if info.file_size > settings.MAX_XLSX_SHEET_MB * MB:
                    raise GeoError("zip_too_large", path=path, size_mb=megabytes(info.file_size, 0),
                                   limit_mb=Num(settings.MAX_XLSX_SHEET_MB, None))
            elif lower.endswith(".xml") or lower.endswith(".rels"):
                if info.file_size > settings.MAX_SHARED_STRINGS_MB * MB:
                    raise GeoError("table_shared_strings_too_large", path=path, member=info.filename,
                                   size_mb=megabytes(info.file_size),
                                   limit_mb=Num(settings.MAX_SHARED_STRINGS_MB, None))
        unpacked = sum(i.file_size for i in infos)
        limit = settings.MAX_XLSX_UNPACKED_MB * MB
        if unpacked > limit or unpacked > max(MB, settings.MAX_ZIP_RATIO * len(data)):
            raise GeoError("zip_too_large", path=path, size_mb=megabytes(unpacked, 0),
                           limit_mb=Num(settings.MAX_XLSX_UNPACKED_MB, None))
        for info in infos:
            if _SHEET_MEMBER.match(info.filename):
                try:
                    scans[info.filename] = _scan_sheet(zf, info, path=path)
                except GeoError:
                    raise
                except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, ValueError,
                        zipfile.LargeZipFile, zlib.error) as exc:  # damaged, encrypted or oddly compressed
                    raise GeoError("unreadable_file", path=path, reason=f"{type(exc).__name__}") from None
    return scans


def _excel_grids(data: bytes, *, path: str, sheet: str | int | None) -> list[Grid]:
    """Grids of the requested sheet, or of every visible sheet with data, in workbook order."""
    import warnings

    check_workbook(data, path=path)  # budgets first, before openpyxl is even imported

    import openpyxl
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # data_only: cached values, formulas are never evaluated; no macros, no external links.
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_vba=False, keep_links=False)
    except MemoryError:
        raise GeoError("table_too_large", path=path, max_rows=settings.MAX_TABLE_ROWS,
                       max_columns=settings.MAX_TABLE_COLUMNS) from None
    except Exception as exc:  # a hostile or damaged file can fail in many ways inside openpyxl
        raise GeoError("unreadable_file", path=path, reason=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    names = book.sheetnames
    if sheet is not None:
        if isinstance(sheet, int) and not isinstance(sheet, bool) and 0 <= sheet < len(names):
            chosen = [book.worksheets[sheet]]
        elif isinstance(sheet, str) and sheet in names:
            chosen = [book[sheet]]
        else:
            raise GeoError("table_sheet_not_found", path=path, sheet=sheet, sheets=", ".join(names))
    else:
        chosen = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    grids = [_legacy_grid(_sheet_grid(ws, path=path)) for ws in chosen if hasattr(ws, "merged_cells")]  # no chartsheets
    grids = [g for g in grids if g.rows]
    if not grids:
        raise GeoError("table_empty", path=path)
    return grids


def _sheet_grid(ws, *, path: str) -> Grid:
    """Values of one worksheet, merged ranges filled with their top-left value."""
    # Walk the stored cells only: iter_rows() would create every empty cell of a
    # sparse sheet, which a hostile file can use to exhaust memory.
    stored = getattr(ws, "_cells", None)
    if stored is None:  # pragma: no cover - other openpyxl internals
        stored = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    values = {rc: cell for rc, cell in stored.items() if cell.value is not None and cell.value != ""}
    if not values:
        return Grid(rows=[], sheet=ws.title)
    n_rows = max(r for r, _ in values)
    n_cols = max(c for _, c in values)
    if (n_rows > settings.MAX_TABLE_ROWS or n_cols > settings.MAX_TABLE_COLUMNS
            or n_rows * n_cols > settings.MAX_TABLE_CELLS):
        raise GeoError("table_too_large", path=path, max_rows=settings.MAX_TABLE_ROWS,
                       max_columns=settings.MAX_TABLE_COLUMNS)
    rows: list[list[object]] = [[None] * n_cols for _ in range(n_rows)]
    percent: set[tuple[int, int]] = set()
    for (r, c), cell in values.items():
        value = cell.value
        rows[r - 1][c - 1] = (nfc(value) or None) if isinstance(value, str) else value
        if "%" in str(cell.number_format or "") and is_plain_number(value):
            percent.add((r - 1, c - 1))
    for merged in ws.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= n_rows or left >= n_cols:
            continue
        value = rows[top][left]
        for r in range(top, min(merged.max_row, n_rows)):
            for c in range(left, min(merged.max_col, n_cols)):
                rows[r][c] = value
                if (top, left) in percent:
                    percent.add((r, c))
    return Grid(rows=_rectangular(rows), sheet=ws.title, percent=percent)


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------
def read_grids(
    source: SourceLike,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    max_bytes: int | None = None,
) -> tuple[str, list[Grid]]:
    """The display name and the cell grids of a CSV/TSV/text or ``.xlsx`` upload, within every budget.

    A workbook gives the chosen sheet, or every visible sheet holding data;
    a text file gives one grid.

    Raises
    ------
    GeoError
        ``file_not_found``, ``file_too_large``, ``unsupported_format``, ``unreadable_file``,
        ``table_encoding``, ``table_empty``, ``table_sheet_not_found``, ``table_too_large``,
        ``table_field_too_long``, ``table_merged_too_large``, ``table_shared_strings_too_large``,
        ``zip_too_large``, ``zip_too_many_files``.
    """
    display, data = load_bytes(source, name=name, max_bytes=max_bytes)
    if not data.strip():
        raise GeoError("table_empty", path=display)
    if is_excel(display, data):
        return display, _excel_grids(data, path=display, sheet=sheet)
    grid = text_grid(data, path=display)
    if not grid.rows:
        raise GeoError("table_empty", path=display)
    return display, [grid]


def cell_text(value: object) -> str:
    """A cell as text: Excel numbers 5971.0 -> "5971", dates -> "2024-01-31", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    return nfc(str(value)).strip()


def read_records(
    source: SourceLike,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    max_bytes: int | None = None,
) -> Records:
    """A list whose first filled row is the header: designation lists, weights, manual decisions.

    Every cell is text (codes keep their leading zeros; Excel numbers lose
    the ``.0``); ``source_row`` is the row in the file. Same budgets and
    errors as :func:`read_grids`; the first sheet with data unless ``sheet``.
    """
    display, grids = read_grids(source, name=name, sheet=sheet, max_bytes=max_bytes)
    grid = grids[0]
    start = next((i for i, row in enumerate(grid.rows) if any(filled(v) for v in row)), None)
    if start is None:
        raise GeoError("table_empty", path=display)
    header: list[str] = []
    seen: Counter = Counter()
    for j, value in enumerate(grid.rows[start]):
        text = cell_text(value) or f"column_{j + 1}"
        seen[text] += 1
        header.append(text if seen[text] == 1 else f"{text}.{seen[text] - 1}")
    body = [(i + 1, row) for i, row in enumerate(grid.rows[start + 1:], start=start + 1) if any(filled(v) for v in row)]
    frame = pd.DataFrame(
        [[cell_text(v) for v in row] for _, row in body] or None, columns=header, dtype=object,
    ) if body else pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
    if "source_row" in frame.columns:
        frame = frame.rename(columns={"source_row": "source_row.file"})
    frame["source_row"] = [i for i, _ in body]
    return Records(frame=frame, source=display, sheet=grid.sheet, header_row=start + 1)
