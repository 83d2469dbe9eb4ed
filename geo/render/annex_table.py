"""Annex tables (phụ lục): the priority or selected units as a plan prints them.

The model is the annex of Kế hoạch 78/KH-UBND (seed 003): a title, a
"(Kèm theo …)" line, a header of merged rows (``TT | Đơn vị | Năm 2020 >
Hộ nghèo > Số hộ, Tỷ lệ``), one row per unit, a **Cộng** row and footnotes
with the sources. :func:`annex_table` builds that table once as an
:class:`AnnexTable`; the writers lay it out:

- :func:`write_xlsx` — Excel, numbers stored as numbers with display formats,
  merged header, print setup (A4, fit to width, header rows repeated);
- :func:`write_csv` — UTF-8 with BOM, one header row, no total row (for
  machines: a total row would be counted twice);
- :func:`write_docx` — Word: "Phụ lục: …" heading, the map picture, the table
  with numbers written the Vietnamese way ("27.964", "8,51"), in Times New Roman;
- :func:`write_geodata` — the units' geometry as GeoPackage or GeoJSON.

Totals: counts are the column sums; rates in the **Cộng** row are recomputed
from those sums (poor / households × 100), never summed or averaged.

Text that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+``,
``-``, ``@``, tab, CR at the start) stays text: XLSX cells get the string
type explicitly, CSV cells a leading apostrophe (:mod:`geo.io.sheets`).
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import settings
from geo.analysis.indicators import pick_column
from geo._errors import GeoError
from geo.io.sheets import set_cell, to_csv_bytes
from geo.io.write import atomic_path, check_output
from geo.text.i18n import DEFAULT_LANG, format_number, t
from geo.text.names import nfc

__all__ = [
    "TABLE_FORMATS",
    "GEO_FORMATS",
    "AnnexColumn",
    "AnnexTable",
    "annex_table",
    "write_xlsx",
    "write_csv",
    "write_docx",
    "write_geodata",
    "read_selection",
]

TABLE_FORMATS = ("xlsx", "csv", "docx")
GEO_FORMATS = ("gpkg", "geojson")

# Excel number format codes are locale-independent: "," is always the
# thousands separator and "." the decimal point in the code itself. Excel
# renders them with the reader's separators, so on a Vietnamese system
# "#,##0" shows 27964 as "27.964" and "0.00" shows 8.51 as "8,51". Writing
# "#.##0" or "0,00" here would be wrong (Excel would read them as literal
# characters or as a scaling comma).
XLSX_COUNT_FORMAT = "#,##0"
XLSX_RATE_FORMAT = "0.00"
RATE_DECIMALS = 2
_MM_PER_XLSX_CHAR = 1.9  # an Excel column-width character in Word at 10 pt Times New Roman

_KINDS = ("index", "text", "count", "rate")
_YEAR = re.compile(r"^(.*)_(\d{4})$")


@dataclass(frozen=True)
class AnnexColumn:
    """One column of the annex.

    ``header`` is the path of header cells from top to bottom, e.g.
    ``("Năm 2020", "Hộ nghèo", "Số hộ")``; equal neighbours are merged.
    ``kind`` is ``index`` (TT), ``text``, ``count`` (``#,##0``) or ``rate``
    (``0.00``, recomputed in the total row from ``rate_of``: (numerator,
    denominator) keys).
    """

    key: str
    header: tuple[str, ...]
    kind: str
    width: float = 12.0  # Excel character widths
    rate_of: tuple[str, str] | None = None


@dataclass
class AnnexTable:
    """An annex table ready to be written in any format."""

    title: str
    subtitle: str | None
    columns: list[AnnexColumn]
    rows: list[list[object]]  # Python values (int, float, str, None) per column
    total: list[object]
    notes: list[str] = field(default_factory=list)
    lang: str = DEFAULT_LANG
    codes: list[str] = field(default_factory=list)

    @property
    def depth(self) -> int:
        """Number of header rows."""
        return max(len(c.header) for c in self.columns)

    def header_cells(self) -> list[tuple[int, int, int, int, str]]:
        """Merged header cells as (row, col, row_span, col_span, text), 0-based.

        A column whose header path is shorter than :attr:`depth` has its last
        cell stretched down; neighbours sharing the same path prefix share a
        horizontally merged cell.
        """
        depth = self.depth
        grid: list[list[tuple | None]] = []
        for c in self.columns:
            path = list(c.header)
            cells: list[tuple | None] = []
            for r in range(depth):
                if r < len(path) - 1:
                    cells.append(tuple(path[: r + 1]))
                elif r == len(path) - 1:
                    cells.append(tuple(path))
                else:
                    cells.append(None)  # covered by the cell above
            grid.append(cells)
        out = []
        for r in range(depth):
            j = 0
            while j < len(self.columns):
                key = grid[j][r]
                if key is None:
                    j += 1
                    continue
                span = 1
                while j + span < len(self.columns) and grid[j + span][r] == key and len(key) == r + 1:
                    span += 1
                path_len = len(self.columns[j].header)
                row_span = depth - r if r == path_len - 1 else 1
                out.append((r, j, row_span, span, key[-1]))
                j += span
        return out

    def flat_headers(self) -> list[str]:
        """One header per column: ``"Năm 2020 - Hộ nghèo - Số hộ"``."""
        return [" - ".join(c.header) for c in self.columns]

    def frame(self, *, total: bool = False) -> pd.DataFrame:
        """The rows (optionally with the total row) under flat headers."""
        rows = self.rows + ([self.total] if total else [])
        return pd.DataFrame(rows, columns=self.flat_headers())

    def text(self, value: object, column: AnnexColumn) -> str:
        """A cell as printed: ``27.964``, ``8,51`` in Vietnamese; empty when missing."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if column.kind in ("count", "index"):
            return format_number(value, 0, self.lang)
        if column.kind == "rate":
            return format_number(value, RATE_DECIMALS, self.lang)
        return str(value)


# --------------------------------------------------------------------------
# Building the table
# --------------------------------------------------------------------------
def _num(value: object) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


def _plain_text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (list, tuple, set)):
        return "; ".join(nfc(str(v)) for v in value if v is not None)
    return nfc(str(value))


def _priority_text(row: Mapping[str, object]) -> str | None:
    parts = [_plain_text(row.get(k)) for k in ("tier_label", "reasons")]
    parts = [p for p in parts if p]
    if not parts and row.get("designations") is not None:
        parts = [p for p in [_plain_text(row.get("designations"))] if p]
    return ": ".join(parts) if parts else None


def annex_table(
    df: pd.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = DEFAULT_LANG,
    year: str | int | None = None,
    selection: Iterable[str] | None = None,
    include_code: bool = True,
    priority: bool | None = None,
    extra_columns: Mapping[str, str] | None = None,
    sources: Sequence[str] = (),
    notes: Sequence[str] = (),
    level: str | None = None,
) -> AnnexTable:
    """Build the annex table of units from a ranked list or a joined layer.

    Parameters
    ----------
    df
        One row per unit: ``code``, ``name``; the district in
        ``district_name`` or ``parent_name`` (commune level); counts and
        rates in ``households``, ``poor``, ``poor_rate``, ``near_poor``,
        ``near_poor_rate`` (optionally suffixed by a year, ``poor_2020``);
        the priority in ``tier_label``/``reasons`` (a :func:`geo.analysis.ranking.rank`
        result) or ``designations``. Row order is kept.
    title, subtitle
        Title rows; default "Danh sách đơn vị ưu tiên".
    year
        Which year's columns to use; default the unsuffixed ones, else the
        earliest year present. A year adds a top header row "Năm 2020".
    selection
        Keep only these unit codes (in ``df``'s order).
    include_code
        Add the "Mã ĐVHC" column after TT.
    priority
        Add the "Diện ưu tiên / Lý do" column; default when the data hold one.
    extra_columns
        Further numeric columns, ``{column: header}``, shown as rates (2 decimals).
    sources, notes
        Footnote lines: "Nguồn số liệu: …" for each source, then the notes.
    level
        ``"district"`` drops the "Huyện" column; default: shown when present.

    Raises
    ------
    GeoError
        ``annex_column_missing`` (no ``name``), ``annex_no_units``.
    """
    if "name" not in df.columns:
        raise GeoError("annex_column_missing", column="name", columns=", ".join(map(str, df.columns)))
    data = df.drop(columns="geometry", errors="ignore").reset_index(drop=True)
    if selection is not None:
        wanted = {str(c) for c in selection}
        data = data[data["code"].astype(str).isin(wanted)].reset_index(drop=True) if "code" in data else data.iloc[0:0]
    if data.empty:
        raise GeoError("annex_no_units")
    year = str(year) if year is not None else None
    if year is None:
        found = sorted({m.group(2) for c in data.columns if (m := _YEAR.match(str(c))) and
                        m.group(1) in ("households", "poor", "near_poor", "poor_rate", "near_poor_rate")})
        if found and not any(b in data.columns for b in ("households", "poor", "poor_rate")):
            year = found[0]

    cols = {b: pick_column(data.columns, b, year) for b in ("households", "poor", "poor_rate", "near_poor", "near_poor_rate")}
    district_col = next((c for c in ("district_name", "parent_name") if c in data.columns), None)
    if level == "district":
        district_col = None
    has_priority = any(c in data.columns for c in ("tier_label", "reasons", "designations"))
    priority = has_priority if priority is None else priority

    group = (t("annex.year", lang, year=year),) if year else ()
    columns: list[AnnexColumn] = [AnnexColumn("no", (t("annex.no", lang),), "index", 5)]
    if include_code and "code" in data.columns:
        columns.append(AnnexColumn("code", (t("annex.code", lang),), "text", 9))
    columns.append(AnnexColumn("unit", (t("annex.unit", lang),), "text", 24))
    if district_col:
        columns.append(AnnexColumn("district", (t("annex.district", lang),), "text", 18))
    if cols["households"]:
        columns.append(AnnexColumn("households", (*group, t("annex.households", lang)), "count", 11))
    for topic in ("poor", "near_poor"):
        if cols[topic] or cols[f"{topic}_rate"]:
            head = (*group, t(f"annex.{topic}", lang))
            if cols[topic]:
                columns.append(AnnexColumn(topic, (*head, t("annex.count", lang)), "count", 10))
            if cols[f"{topic}_rate"] or (cols[topic] and cols["households"]):
                columns.append(AnnexColumn(f"{topic}_rate", (*head, t("annex.rate", lang)), "rate", 10,
                                           rate_of=(topic, "households")))
    for col, header in (extra_columns or {}).items():
        if col not in data.columns:
            raise GeoError("annex_column_missing", column=col, columns=", ".join(map(str, data.columns)))
        columns.append(AnnexColumn(f"extra:{col}", (nfc(header),), "rate", 12))
    if priority:
        columns.append(AnnexColumn("priority", (t("annex.priority", lang),), "text", 40))

    rows: list[list[object]] = []
    for i, rec in enumerate(data.to_dict("records"), start=1):
        values = {
            "no": i,
            "code": _plain_text(rec.get("code")),
            "unit": _plain_text(rec.get("name")),
            "district": _plain_text(rec.get(district_col)) if district_col else None,
            "priority": _priority_text(rec) if priority else None,
        }
        for b in ("households", "poor", "near_poor"):
            v = _num(rec.get(cols[b])) if cols[b] else None
            values[b] = int(round(v)) if v is not None else None
        for topic in ("poor", "near_poor"):
            rate_col = cols[f"{topic}_rate"]
            if rate_col:
                values[f"{topic}_rate"] = _num(rec.get(rate_col))
            elif values[topic] is not None and values["households"]:
                values[f"{topic}_rate"] = round(values[topic] / values["households"] * 100, RATE_DECIMALS)
            else:
                values[f"{topic}_rate"] = None
        for col in (extra_columns or {}):
            values[f"extra:{col}"] = _num(rec.get(col))
        rows.append([values.get(c.key) for c in columns])

    total = _total_row(columns, rows, lang)
    missing = sum(1 for r in rows if any(r[j] is None for j, c in enumerate(columns) if c.kind in ("count", "rate")))
    lines = [t("annex.source", lang, source=nfc(s)) for s in sources if s]
    if missing:
        lines.append(t("annex.missing_note", lang, n=missing))
    lines += [nfc(n) for n in notes if n]
    return AnnexTable(
        title=nfc(title or t("annex.default_title", lang)),
        subtitle=nfc(subtitle) if subtitle else None,
        columns=columns,
        rows=rows,
        total=total,
        notes=lines,
        lang=lang,
        codes=[_plain_text(c) or "" for c in data["code"]] if "code" in data else [],
    )


def _total_row(columns: list[AnnexColumn], rows: list[list[object]], lang: str) -> list[object]:
    """The "Cộng" row: counts summed; rates recomputed from the summed counts."""
    index = {c.key: j for j, c in enumerate(columns)}
    total: list[object] = [None] * len(columns)
    sums: dict[str, int | None] = {}
    for j, c in enumerate(columns):
        if c.kind == "count":
            vals = [r[j] for r in rows if r[j] is not None]
            sums[c.key] = int(sum(vals)) if vals else None
            total[j] = sums[c.key]
    for j, c in enumerate(columns):
        if c.kind == "rate" and c.rate_of:
            num, den = (sums.get(k) for k in c.rate_of)
            total[j] = round(num / den * 100, RATE_DECIMALS) if num is not None and den else None
    label_at = index.get("unit", 1)
    total[label_at] = t("annex.total", lang)
    return total


_CODE_HEADERS = ("code", "ma", "ma dvhc", "ma don vi", "ma xa", "ma huyen", "ma so")


def read_selection(path: str | os.PathLike, *, level: str) -> list[str]:
    """Unit codes listed in a file: CSV/TXT (one per line or a code column) or XLSX.

    The code column is the one headed ``code``/``Mã``/``Mã ĐVHC``/``Mã xã``…
    (any case or accents), else the first column. Codes are zero-padded for
    ``level`` (``5971`` -> ``05971``); an apostrophe added against formulas
    is removed; blanks and duplicates are dropped.
    """
    from geo.io.upload import cell_text, read_grids
    from geo.text.names import fold_text
    from geo.units.registry import normalize_code

    src = Path(path)
    _, grids = read_grids(src)  # the one safe reader: size, zip bomb, budgets, encodings
    frame = pd.DataFrame([[cell_text(v) or None for v in row] for row in grids[0].rows], dtype=object)
    if frame.empty:
        raise GeoError("table_empty", path=str(src))
    first = [fold_text(v) if isinstance(v, str) else "" for v in frame.iloc[0].tolist()]
    col = next((j for j, h in enumerate(first) if h in _CODE_HEADERS), None)
    body = frame.iloc[1:] if col is not None or not str(frame.iloc[0, 0]).strip().lstrip("'").isdigit() else frame
    values = body.iloc[:, col or 0].tolist()
    codes: list[str] = []
    for v in values:
        code = normalize_code(str(v).strip().lstrip("'"), level) if isinstance(v, str) and v.strip() else None
        if code and code not in codes:
            codes.append(code)
    return codes


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------
def _prepare_out(path, *, overwrite: bool, inputs: Iterable) -> Path:
    return check_output(path, inputs=inputs, overwrite=overwrite)


def _xlsx_set(cell, value: object, column: AnnexColumn | None = None) -> None:
    if value is None:
        return
    if isinstance(value, str):
        set_cell(cell, value)
        return
    cell.value = value
    if column is not None and column.kind == "count":
        cell.number_format = XLSX_COUNT_FORMAT
    elif column is not None and column.kind == "rate":
        cell.number_format = XLSX_RATE_FORMAT


def _lines_needed(text: str, width_chars: float) -> int:
    return max(1, sum(max(1, math.ceil(len(part) / max(width_chars, 1))) for part in text.split("\n")))


def write_xlsx(path: str | os.PathLike, table: AnnexTable, *, overwrite: bool = False,
               inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Write the annex as an Excel sheet laid out for printing.

    Rows: title, subtitle, a blank row, the merged header (:attr:`AnnexTable.depth`
    rows), the units, **Cộng**, a blank row and the footnotes. Counts are
    numbers formatted ``#,##0`` and rates ``0.00`` (shown ``27.964`` and
    ``8,51`` by a Vietnamese Excel). A4, landscape when wide, fit to one page
    wide, header rows repeated on every page, page numbers in the footer.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    out = _prepare_out(path, overwrite=overwrite, inputs=inputs)
    wb = Workbook()
    ws = wb.active
    ws.title = t("annex.sheet", table.lang)[:31]
    n = len(table.columns)
    last = get_column_letter(n)
    font = settings.XLSX_FONT
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    total_width = sum(c.width for c in table.columns)

    for j, c in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = c.width

    def banner(row: int, text: str, *, bold=False, italic=False, size=12.0) -> None:
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws.cell(row=row, column=1)
        set_cell(cell, text)
        cell.font = Font(name=font, bold=bold, italic=italic, size=size)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = 16.5 * _lines_needed(text, total_width * 11 / size * 0.95)

    banner(1, table.title.upper() if table.lang == "vi" else table.title, bold=True, size=13)
    row = 2
    if table.subtitle:
        banner(2, table.subtitle, italic=True)
        row = 3
    head0 = row + 1  # one blank row between the titles and the table
    depth = table.depth
    for r, j, rs, cs, text in table.header_cells():
        top, left = head0 + r, 1 + j
        if rs > 1 or cs > 1:
            ws.merge_cells(start_row=top, start_column=left, end_row=top + rs - 1, end_column=left + cs - 1)
        set_cell(ws.cell(row=top, column=left), text)
    for r in range(head0, head0 + depth):
        for j in range(1, n + 1):
            cell = ws.cell(row=r, column=j)
            cell.font = Font(name=font, bold=True, size=11)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box
        ws.row_dimensions[r].height = 30
    first = head0 + depth
    for i, values in enumerate([*table.rows, table.total]):
        r = first + i
        is_total = i == len(table.rows)
        for j, (c, v) in enumerate(zip(table.columns, values), start=1):
            cell = ws.cell(row=r, column=j)
            _xlsx_set(cell, v, c)
            cell.border = box
            cell.font = Font(name=font, size=11, bold=is_total)
            horizontal = {"index": "center", "text": "left"}.get(c.kind, "right")
            if is_total and c.key == "unit":
                horizontal = "center"
            cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=c.kind == "text")
        text_lens = [len(str(v)) / max(c.width * 1.1, 1) for c, v in zip(table.columns, values)
                     if c.kind == "text" and isinstance(v, str)]
        lines = max([1, *[math.ceil(x) for x in text_lens]])
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines
    total_row = first + len(table.rows)
    r = total_row + 2
    for note in table.notes:
        ws.merge_cells(f"A{r}:{last}{r}")
        cell = ws.cell(row=r, column=1)
        set_cell(cell, note)
        cell.font = Font(name=font, italic=True, size=10)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        ws.row_dimensions[r].height = 14 * _lines_needed(note, total_width * 1.1)
        r += 1

    ws.freeze_panes = ws.cell(row=first, column=1)
    ws.print_title_rows = f"{head0}:{first - 1}"
    ws.print_area = f"A1:{last}{max(r - 1, total_row)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total_width > 100 else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = t("annex.page_footer", table.lang)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


def write_csv(path: str | os.PathLike, table: AnnexTable, *, overwrite: bool = False,
              inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Write the units (no title, no total row) as CSV, UTF-8 with BOM.

    Numbers are plain (``8.51``); formula-looking text gets a leading apostrophe.
    """
    out = _prepare_out(path, overwrite=overwrite, inputs=inputs)
    frame = table.frame()
    for c, name in zip(table.columns, frame.columns):
        if c.kind == "count" or c.kind == "index":
            frame[name] = pd.array(frame[name], dtype="Int64")
        elif c.kind == "rate":
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
        else:
            frame[name] = frame[name].astype(object)
    with atomic_path(out) as tmp:
        tmp.write_bytes(to_csv_bytes(frame))
    return out


def write_geodata(path: str | os.PathLike, gdf, *, table: AnnexTable | None = None, format: str | None = None,
                  overwrite: bool = False, inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Write the units' geometry with their attributes as GeoPackage or GeoJSON (EPSG:4326).

    With ``table``, only the table's units are written, in its order. List
    values (reasons) are joined with "; ".
    """
    import geopandas as gpd

    out = _prepare_out(path, overwrite=overwrite, inputs=inputs)
    fmt = (format or out.suffix.lstrip(".")).lower()
    if fmt not in GEO_FORMATS:
        raise GeoError("unsupported_format", path=str(out), supported=", ".join(GEO_FORMATS))
    layer = gdf if gdf.crs is not None else gdf.set_crs("EPSG:4326")
    layer = layer.to_crs("EPSG:4326")
    if table is not None and table.codes and "code" in layer:
        order = {c: i for i, c in enumerate(table.codes)}
        keep = layer["code"].astype(str).map(order)
        layer = layer[keep.notna()].assign(_order=keep[keep.notna()]).sort_values("_order").drop(columns="_order")
    layer = layer.reset_index(drop=True)
    for col in layer.columns:
        if col != layer.geometry.name and layer[col].dtype == object:
            layer[col] = layer[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple, set)) else v)
    layer = gpd.GeoDataFrame(layer, geometry=layer.geometry.name, crs="EPSG:4326")
    with atomic_path(out) as tmp:
        if fmt == "gpkg":
            layer.to_file(tmp, driver="GPKG", layer="annex")
        else:
            layer.to_file(tmp, driver="GeoJSON")
    return out


# --------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------
def _docx_fonts(element, name: str) -> None:
    """Set the font for every script (ASCII, high ANSI, East-Asian, complex) on an rPr owner."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _run(paragraph, text: str, *, bold=False, italic=False, size: float | None = None):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    run.font.name = settings.DOCX_FONT
    _docx_fonts(run._element, settings.DOCX_FONT)
    return run


def _section_setup(section, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    w, h = settings.PAPER_MM["A4"]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(h), Mm(w)) if landscape else (Mm(w), Mm(h))
    m = settings.DOCX_MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    section.left_margin, section.right_margin = Mm(m["left"]), Mm(m["right"])


def _image_bytes(map_image) -> bytes | None:
    if map_image is None:
        return None
    if isinstance(map_image, (bytes, bytearray)):
        return bytes(map_image)
    return Path(map_image).read_bytes()


def write_docx(
    path: str | os.PathLike,
    *,
    title: str,
    table: AnnexTable | pd.DataFrame,
    map_image: bytes | str | os.PathLike | None = None,
    notes: Sequence[str] = (),
    subtitle: str | None = None,
    lang: str = DEFAULT_LANG,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike] = (),
) -> Path:
    """Write a Word annex: heading, map picture, table, total row, footnotes.

    Parameters
    ----------
    title
        "Phụ lục: …"; a title without the "Phụ lục" prefix gets it.
    table
        An :class:`AnnexTable`, or a DataFrame passed to :func:`annex_table`.
    map_image
        PNG bytes or a path (e.g. :func:`geo.render.printmap.figure_png`); fitted to
        the page width and the page height below the heading.
    notes
        Footnote lines after the table's own (sources, missing data).

    The page is A4 with the margins of Nghị định 30/2020/NĐ-CP; the table
    goes on a landscape page when it is too wide for portrait. Every run is
    Times New Roman for the ASCII, high-ANSI, East-Asian and complex-script
    slots, so Word never substitutes a font for the Vietnamese letters.
    Numbers are written as the reader reads them ("27.964", "8,51").
    """
    import docx
    from docx.enum.section import WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    out = _prepare_out(path, overwrite=overwrite, inputs=inputs)
    if not isinstance(table, AnnexTable):
        table = annex_table(table, title=title, subtitle=subtitle, lang=lang)
    lang = table.lang
    heading_text = nfc(title)
    if not heading_text.lower().startswith(("phụ lục", "annex")):
        heading_text = t("annex.heading", lang, title=heading_text)

    document = docx.Document()
    for style_name in ("Normal", "Heading 1", "Table Grid"):
        style = document.styles[style_name]
        style.font.name = settings.DOCX_FONT
        _docx_fonts(style.element, settings.DOCX_FONT)
    document.styles["Normal"].font.size = Pt(13)
    h1 = document.styles["Heading 1"]
    h1.font.size, h1.font.bold, h1.font.color.rgb = Pt(14), True, RGBColor(0, 0, 0)
    # The table goes landscape when it does not fit the portrait text width
    # (up to 15 % narrower columns are accepted first).
    m = settings.DOCX_MARGINS_MM
    portrait_w = settings.PAPER_MM["A4"][0] - m["left"] - m["right"]
    widths_mm = [c.width * _MM_PER_XLSX_CHAR for c in table.columns]
    landscape = sum(widths_mm) > portrait_w * 1.15
    image = _image_bytes(map_image)
    section = document.sections[0]
    _section_setup(section, landscape=landscape and not image)

    heading = document.add_paragraph(style="Heading 1")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, heading_text, bold=True, size=14)
    if table.title and table.title != title:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, table.title.upper() if lang == "vi" else table.title, bold=True, size=13)
    if subtitle or table.subtitle:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, nfc(subtitle or table.subtitle), italic=True, size=13)

    if image:
        from PIL import Image

        with Image.open(io.BytesIO(image)) as im:
            aspect = im.height / im.width
        usable_w = settings.PAPER_MM["A4"][0] - m["left"] - m["right"]
        usable_h = settings.PAPER_MM["A4"][1] - m["top"] - m["bottom"] - 40  # heading and title lines above
        width = min(usable_w, usable_h / aspect)
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(image), width=Mm(width))

    if image:  # the map fills page 1; the table starts on a new page
        if landscape:
            _section_setup(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        else:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    usable = (settings.PAPER_MM["A4"][1] if landscape else settings.PAPER_MM["A4"][0]) - m["left"] - m["right"]
    factor = min(1.0, usable / sum(widths_mm))
    widths_mm = [w * factor for w in widths_mm]

    depth = table.depth
    n_rows = depth + len(table.rows) + 1
    grid = document.add_table(rows=n_rows, cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    size = 10.0

    def put(cell, text: str, *, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT):
        cell.text = ""
        para = cell.paragraphs[0]
        para.alignment = align
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.space_before = Pt(0)
        _run(para, text, bold=bold, size=size)

    for r, j, rs, cs, text in table.header_cells():
        cell = grid.cell(r, j)
        if rs > 1 or cs > 1:
            cell = cell.merge(grid.cell(r + rs - 1, j + cs - 1))
        put(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r in range(depth):  # header rows repeat on every page
        tr_pr = grid.rows[r]._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        tr_pr.append(el)
    aligns = {"index": WD_ALIGN_PARAGRAPH.CENTER, "text": WD_ALIGN_PARAGRAPH.LEFT}
    for i, values in enumerate([*table.rows, table.total]):
        is_total = i == len(table.rows)
        row = grid.rows[depth + i]
        for j, (c, v) in enumerate(zip(table.columns, values)):
            align = aligns.get(c.kind, WD_ALIGN_PARAGRAPH.RIGHT)
            if is_total and c.key == "unit":
                align = WD_ALIGN_PARAGRAPH.CENTER
            put(row.cells[j], table.text(v, c), bold=is_total, align=align)
    for j, w in enumerate(widths_mm):
        grid.columns[j].width = Mm(w)  # the grid: LibreOffice and Word's layout read it, not only the cells
        for row in grid.rows:
            row.cells[j].width = Mm(w)

    for line in [*table.notes, *(nfc(n) for n in notes if n)]:
        p = document.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        _run(p, line, italic=True, size=11)

    with atomic_path(out) as tmp:
        document.save(str(tmp))
    return out
