"""Household review lists -> commune indicators: one call shared by ``python -m geo households`` and the app.

:func:`preview_lists` shows how each file was understood (header, column roles, a few rows
with personal columns masked) so that the planner can correct the :class:`ColumnMapping`;
:func:`import_lists` reads everything into DuckDB, resolves communes with the project's join,
aggregates and checks; :func:`write_workbook` and :func:`report_dict` write what a planner
keeps. The aggregate is an ordinary :class:`geo.io.tables.IndicatorTable` (:func:`as_indicator_table`)
that maps, ranks and exports like any uploaded table. Nothing personal leaves
:mod:`geo.io.households`: not in DuckDB, not in the outputs, not in the report.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.analysis import households as agg
from geo.analysis.indicators import label
from geo.io import households as hio
from geo.io.sheets import _plain
from geo.io.tables import IndicatorTable
from geo.io.write import atomic_path
from geo.text.i18n import DEFAULT_LANG, t

__all__ = ["HouseholdImport", "preview_lists", "import_lists", "as_indicator_table", "write_workbook", "report_dict",
           "report_bytes", "distinct_layouts", "commune_name", "breakdown", "problem_messages", "ColumnMapping", "read_totals", "load_mapping", "mapping_message"]

ColumnMapping = hio.ColumnMapping
PROBLEM_KINDS = ("unknown_commune", "duplicate", "contradiction")


@dataclass
class HouseholdImport:
    """Everything an import produced (all free of personal data)."""

    tables: agg.HouseholdTables
    load: hio.LoadReport
    problems: dict
    resolution: list[dict]
    sources: list[str]
    province: str | None
    vintage: str
    totals: dict | None = None
    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    layouts: list[hio.SheetLayout] = field(default_factory=list, repr=False)  # headers and roles (no cell kept)

    @property
    def communes(self) -> pd.DataFrame:
        return self.tables.communes

    @property
    def saved_mapping_applied(self) -> list[dict]:
        """The sheets read with a column mapping saved in the workspace for their header shape."""
        return [{"file": lay.source.display, "sheet": lay.sheet, "saved": lay.saved_mapping}
                for lay in self.layouts if lay.saved_mapping]


def load_mapping(path: str | os.PathLike | None) -> ColumnMapping:
    """A saved column mapping (JSON: ``{"columns": {header: role}, "commune": {file: commune}}``)."""
    if not path:
        return ColumnMapping()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeoError("household_bad_mapping", path=str(path), reason=str(exc)[:200]) from exc
    return ColumnMapping.from_dict(data)


def preview_lists(paths, *, mapping: ColumnMapping | None = None, workdir=None) -> list[hio.SheetLayout]:
    """The layout of every sheet of every file (archives unpacked), for the preview and the mapping step."""
    work = Path(workdir) if workdir else hio.workdir()
    try:
        sources = hio.open_sources(paths, workdir=work)
        return [layout for source in sources for layout in hio.inspect_source(source, mapping=mapping)]
    finally:
        if workdir is None:
            hio.cleanup(work)


def read_totals(path, *, province: str | None, vintage: str) -> tuple[pd.Series, dict]:
    """Total households per commune code from a separate table (any table :func:`read_indicators` reads)."""
    import geopandas as gpd

    from geo.io.tables import read_indicators
    from geo.join.match import join_indicators
    from geo.units import registry

    table = read_indicators(path, level="commune")
    if "households" not in table.data:
        raise GeoError("household_totals_no_households", path=table.source,
                       columns=", ".join(table.columns.values()))
    reg = registry.units(province=province, level="commune", vintage=vintage)
    shell = gpd.GeoDataFrame(reg, geometry=gpd.GeoSeries([None] * len(reg)), crs="EPSG:4326")
    cols = {"code": "code", "name": "name", "type": "type"}
    if vintage == "pre2025":
        cols.update(parent_code="district_code", parent_name="district_name")
    result = join_indicators(shell, table, level="commune", boundary_columns=cols)
    gdf = result.gdf
    totals = pd.Series(pd.to_numeric(gdf["households"], errors="coerce").to_numpy(), index=gdf["code"]).dropna()
    summary = {"source": table.source, "matched": int(len(totals)),
               "unmatched_rows": [{"row": r.get("source_row") or r.get("row"), "name": r.get("name")}
                                  for r in result.report.unmatched_rows][: settings.HOUSEHOLD_REPORT_MAX_ITEMS]}
    return totals, summary


def _connect(work: Path):
    """A DuckDB database in the import's private folder: memory bounded by ``HOUSEHOLD_DUCKDB_MEMORY`` whatever
    the size of the lists (tables live in the file and spill files beside it; the folder is removed after)."""
    import duckdb

    spill = work / "spill"
    spill.mkdir(exist_ok=True)
    con = duckdb.connect(str(work / "households.duckdb"), config={
        "memory_limit": settings.HOUSEHOLD_DUCKDB_MEMORY, "threads": settings.HOUSEHOLD_DUCKDB_THREADS,
        "temp_directory": str(spill), "preserve_insertion_order": False,
    })
    con.execute("SET enable_progress_bar = false")
    con.execute("PRAGMA disable_checkpoint_on_shutdown")  # the file is thrown away: nothing to write at close
    return con


def import_lists(paths, *, totals=None, mapping: ColumnMapping | None = None, province: str | None = settings.DEFAULT_PROVINCE,
                 vintage: str = settings.DEFAULT_VINTAGE, key: bytes | None = None) -> HouseholdImport:
    """Read household lists, resolve their communes, aggregate and check them.

    Parameters
    ----------
    paths
        Files (XLSX, CSV), folders or ZIP archives of them.
    totals
        A table of total households per commune (path), for the rates; optional.
    mapping
        The planner's corrections of column roles, and communes of files that name none.
    province, vintage
        Where the communes are looked up (GSO registry).
    key
        The secret of the duplicate hash; :func:`geo.io.households.installation_key` by default.
    """
    mapping = mapping or ColumnMapping()
    key = key or hio.installation_key()
    work = hio.workdir()
    try:
        sources = hio.open_sources(paths, workdir=work)
        layouts = [layout for source in sources for layout in hio.inspect_source(source, mapping=mapping)]
        con = _connect(work)
        try:
            load = hio.load_households(con, layouts, key=key, mapping=mapping)
            resolution = agg.resolve_communes(con, province=province, vintage=vintage)
            total_series, totals_summary = (read_totals(totals, province=province, vintage=vintage)
                                            if totals else (None, None))
            tables = agg.aggregate(con, totals=total_series, vintage=vintage)
            problems = agg.problems(con)
        finally:
            con.close()
    finally:
        hio.cleanup(work)
    for layout in layouts:  # nothing of a cell stays with the result: the preview rows are dropped
        layout.samples, layout.grid = [], None
    return HouseholdImport(tables=tables, load=load, problems=problems, resolution=resolution,
                           sources=[s.display for s in sources], province=province, vintage=vintage,
                           totals=totals_summary, mapping=mapping, layouts=layouts)


# --------------------------------------------------------------------------
# The aggregate as a dataset
# --------------------------------------------------------------------------
def as_indicator_table(result: HouseholdImport, *, name: str = "households") -> IndicatorTable:
    """The commune aggregate as an ordinary indicator table (joins on the GSO code)."""
    data = result.communes.copy()
    data.insert(0, "source_row", range(1, len(data) + 1))
    data = data.rename(columns={})
    columns = {c: c for c in data.columns if c not in ("source_row",)}
    indicators = [c for c in data.columns if c not in ("source_row", "code", "name", "parent_code", "parent_name")]
    for c in indicators:
        data[c] = pd.to_numeric(data[c], errors="coerce").astype(float)
    return IndicatorTable(data=data, source=name, sheet=None, header_rows=[], columns=columns, skipped=[],
                          years=[], level="commune", vintage=result.vintage)


def breakdown(result: HouseholdImport, code: str, *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The 12 deprivations of one commune's poor households: dimension, indicator, households, share."""
    row = result.communes[result.communes["code"] == code]
    if row.empty:
        return pd.DataFrame(columns=["dimension", "indicator", "deprived", "share"])
    row = row.iloc[0]
    return pd.DataFrame([
        {"dimension": t(f"household.dimension.{dim}", lang), "indicator": label(f"deprived_{k}", lang),
         "deprived": None if pd.isna(row[f"deprived_{k}"]) else int(row[f"deprived_{k}"]),
         "share": None if pd.isna(row[f"deprived_{k}_share"]) else float(row[f"deprived_{k}_share"])}
        for k, dim in settings.HOUSEHOLD_DEPRIVATIONS
    ])


# --------------------------------------------------------------------------
# Messages, report, workbook
# --------------------------------------------------------------------------
def _where(item: dict) -> dict:
    return {"file": item.get("file"), "sheet": item.get("sheet") or "-", "row": item.get("row")}


def mapping_message(layouts, *, lang: str = DEFAULT_LANG) -> str | None:
    """"Applied the column mapping saved on … to N sheets …" for ``layouts`` (or an import's), else None."""
    if isinstance(layouts, HouseholdImport):
        layouts = layouts.layouts
    applied = [lay for lay in layouts if lay.saved_mapping]
    if not applied:
        return None
    where = ", ".join(lay.where for lay in applied[:5]) + (", …" if len(applied) > 5 else "")
    return t("household.mapping_applied", lang, date=", ".join(sorted({lay.saved_mapping for lay in applied})),
             n=len(applied), where=where)


def summary_line(result: HouseholdImport, *, path: str, lang: str = DEFAULT_LANG) -> str:
    """The import's one-line summary (households, communes, problems, personal columns dropped), as the CLI
    prints it and the page shows it."""
    from geo.text.i18n import t

    p = result.problems
    return t("household.cli_done", lang,
             households=int(result.communes["listed"].sum()) if len(result.communes) else 0,
             communes=len(result.communes), unknown=p["unknown_commune"]["count"], duplicates=p["duplicate"]["count"],
             contradictions=p["contradiction"]["count"],
             dropped=len({d["column"] for d in result.load.dropped_personal}), path=path)


def problem_messages(result: HouseholdImport, *, lang: str = DEFAULT_LANG, limit: int | None = None) -> list[str]:
    """One sentence per problem row (file, sheet, row, what to do), unknown communes first."""
    out = []
    for item in result.problems["unknown_commune"]["items"]:
        reason = item.get("reason")
        if reason == "ambiguous" and item.get("provinces"):
            key = "household.issue.ambiguous_commune"
        elif reason in ("other_province", "unknown_province"):
            key = f"household.issue.{reason}"
        else:
            key = "household.issue.unknown_commune"
        out.append(t(key, lang, **_where(item), commune=item["commune"] or "", n=item["rows_count"],
                     district=item.get("district") or "", province=item.get("province") or "",
                     provinces=item.get("provinces") or ""))
    for item in result.problems["duplicate"]["items"]:
        first, second = item["rows"][0], item["rows"][1]
        out.append(t(f"household.issue.duplicate_{item['kind']}", lang, file=first["file"], sheet=first["sheet"] or "-",
                     row=first["row"], commune=first["commune"] or "", file2=second["file"],
                     sheet2=second["sheet"] or "-", row2=second["row"], commune2=second["commune"] or ""))
    for item in result.problems["contradiction"]["items"]:
        cls = t(f"household.class.{item['classification']}", lang)
        out.append(t(f"household.issue.{item['kind']}", lang, **_where(item), classification=cls,
                     n=item["deprivations"] if item["deprivations"] is not None else "?"))
    return out[:limit] if limit else out


def report_dict(result: HouseholdImport, *, lang: str = DEFAULT_LANG, outputs: dict | None = None) -> dict:
    """The JSON import report: inputs, columns read and dropped, resolution, problems, method."""
    communes = result.communes
    return {
        "sources": result.sources,
        "province": result.province,
        "vintage": result.vintage,
        "rows_read": result.load.rows_read,
        "households_counted": int(communes["listed"].sum()) if not communes.empty else 0,
        "communes": int(len(communes)),
        "sheets": result.load.sheets,
        "dropped_personal_columns": result.load.dropped_personal,
        "ignored_columns": result.load.ignored_columns,
        "unknown_marks": result.load.unknown_marks,
        "unknown_classifications": result.load.unknown_classifications,
        "commune_resolution": result.resolution,
        "totals": result.totals,
        "problems": result.problems,
        "messages": problem_messages(result, lang=lang),
        "mapping": result.mapping.to_dict(),
        "saved_mapping_applied": result.saved_mapping_applied,
        "saved_mapping_message": mapping_message(result, lang=lang),
        "method": t("household.method", lang),
        "outputs": outputs or {},
    }


def _cell(ws, value: object, *, bold: bool = False):
    """A value for a write-only row: text that looks like a formula stays text (as :func:`geo.io.sheets.set_cell`)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from geo.io.sheets import looks_like_formula

    value = _plain(value)
    if not bold and not looks_like_formula(value):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = looks_like_formula(value)
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(wb, title: str, df: pd.DataFrame, *, lang: str, labels: bool = True) -> None:
    """One table in a write-only workbook: translated headers, then the column keys, then the rows (streamed)."""
    ws = wb.create_sheet(title[:31])
    ws.freeze_panes = "C3"
    columns = list(df.columns)
    ws.append([_cell(ws, label(c, lang) if labels and _has_label(c) else str(c), bold=True) for c in columns])
    ws.append([_cell(ws, str(c)) for c in columns])
    from geo.io.sheets import looks_like_formula

    frame = df.astype(object).where(df.notna(), None)  # NaN and NA -> empty cells, numbers as Python numbers
    risky = [j for j, c in enumerate(columns) if frame[c].map(looks_like_formula).any()]  # text read as a formula
    for row in frame.itertuples(index=False, name=None):
        if risky:
            row = list(row)
            for j in risky:
                row[j] = _cell(ws, row[j])
        ws.append(row)


def _has_label(col: str) -> bool:
    from geo.text.i18n import has_message

    return has_message(f"indicator.{col}")


def workbook_bytes(result: HouseholdImport, *, lang: str = DEFAULT_LANG) -> bytes:
    """The indicators workbook: communes (with the total row), districts, villages, sources, method.

    Written row by row (openpyxl's write-only mode). A village table longer than
    ``HOUSEHOLD_WORKBOOK_MAX_VILLAGES`` rows (a national list: ~80,000 villages, millions of cells) is
    not put in the workbook: its sheet says so and points to the village table written on its own
    (``--villages thon.csv``, or the page's download).
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    tables = result.tables
    communes = pd.concat([tables.communes, tables.total], ignore_index=True)
    _sheet(wb, t("household.sheet.communes", lang), communes, lang=lang)
    if not tables.districts.empty:
        _sheet(wb, t("household.sheet.districts", lang), pd.concat([tables.districts, tables.total], ignore_index=True),
               lang=lang)
    if len(tables.villages) <= settings.HOUSEHOLD_WORKBOOK_MAX_VILLAGES:
        _sheet(wb, t("household.sheet.villages", lang), tables.villages, lang=lang)
    else:
        ws = wb.create_sheet(t("household.sheet.villages", lang)[:31])
        ws.append([_cell(ws, t("household.villages_elsewhere", lang, n=len(tables.villages),
                               limit=settings.HOUSEHOLD_WORKBOOK_MAX_VILLAGES))])
    _sheet(wb, t("household.sheet.sources", lang), tables.provenance, lang=lang, labels=False)
    ws = wb.create_sheet(t("household.sheet.method", lang)[:31])
    for line in t("household.method", lang).split("\n"):
        ws.append([_cell(ws, line)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def villages_bytes(result: HouseholdImport, *, fmt: str = "xlsx", lang: str = DEFAULT_LANG) -> bytes:
    """The village table alone (annex; no map: villages have no official codes or boundaries)."""
    from geo.io.sheets import to_csv_bytes, to_xlsx_bytes

    df = result.tables.villages
    if fmt == "csv":
        return to_csv_bytes(df)
    return to_xlsx_bytes(df, sheet_name=t("household.sheet.villages", lang))


def write_workbook(result: HouseholdImport, path, *, lang: str = DEFAULT_LANG) -> Path:
    """Write the indicators workbook (``.xlsx``) or the commune table alone (``.csv``) atomically."""
    from geo.io.sheets import to_csv_bytes

    path = Path(path)
    data = (to_csv_bytes(pd.concat([result.tables.communes, result.tables.total], ignore_index=True))
            if path.suffix.lower() == ".csv" else workbook_bytes(result, lang=lang))
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def report_bytes(result: HouseholdImport, *, lang: str = DEFAULT_LANG, outputs: dict | None = None) -> bytes:
    """The import report (:func:`report_dict`) as UTF-8 JSON, as the CLI writes it and the page offers it."""
    return json.dumps(report_dict(result, lang=lang, outputs=outputs), ensure_ascii=False, indent=2,
                      default=_json).encode("utf-8")


def write_report(result: HouseholdImport, path, *, lang: str = DEFAULT_LANG, outputs: dict | None = None) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(report_bytes(result, lang=lang, outputs=outputs))
    return path


def _json(value):
    if hasattr(value, "item"):
        return value.item()
    if pd.isna(value):
        return None
    return str(value)


# --------------------------------------------------------------------------
# Page helpers
# --------------------------------------------------------------------------
def role_label(role: str, lang: str = DEFAULT_LANG) -> str:
    """"Nguồn nước sinh hoạt (thiếu hụt)" for ``dep_water``; the catalogue's word for other roles."""
    if role.startswith("dep_"):
        return t("household.role.deprivation", lang, name=label(f"deprived_{role[4:]}", lang).split(": ", 1)[-1])
    return t(f"household.role.{role}", lang)


def mapping_table(layout: hio.SheetLayout, *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The preview of one sheet: each column's header, what it was read as, and a few values (personal masked)."""
    samples = layout.samples
    return pd.DataFrame({
        t("hh.col.column", lang): [h or "–" for h in layout.headers],
        t("hh.col.role", lang): [role_label(r, lang) for r in layout.roles],
        t("hh.col.values", lang): [", ".join(s[j] for s in samples if j < len(s) and s[j])[:80]
                                   for j in range(len(layout.headers))],
    })


def distinct_layouts(layouts) -> list[hio.SheetLayout]:
    """The first sheet of each header shape: one preview per shape, however many sheets share it."""
    first: dict = {}
    for lay in layouts:
        first.setdefault(lay.shape, lay)
    return list(first.values())


def commune_name(result: HouseholdImport, code: str) -> str:
    """The imported commune's name, or its code when it has none."""
    row = result.communes[result.communes["code"] == code]
    return str(row["name"].iloc[0]) if len(row) else code


def map_indicators(columns) -> list[str]:
    """Columns worth a map, rates and shares first: poor rate, the 12 deprivation shares, minority share..."""
    order = ["poor_rate", "near_poor_rate", "multidim_headcount", "mpi"] + [
        f"deprived_{k}_share" for k in agg.DEPRIVATIONS] + ["minority_share", "multidim_intensity", "poor", "near_poor",
                                                           "listed"]
    return [c for c in order if c in list(columns)]


def breakdown_display(table: pd.DataFrame, *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The breakdown with translated headers and the share as "45,2%"."""
    from geo.text.i18n import format_percent

    return pd.DataFrame({
        t("hh.col.dimension", lang): table["dimension"],
        t("hh.col.indicator", lang): [s.split(": ", 1)[-1] for s in table["indicator"]],
        t("hh.col.deprived", lang): ["–" if pd.isna(v) else str(int(v)) for v in table["deprived"]],
        t("hh.col.share", lang): ["–" if pd.isna(v) else format_percent(v, 1, lang) for v in table["share"]],
    })
