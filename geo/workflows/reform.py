"""The 2025-reform workflow shared by the app's reform page and ``python -m geo convert``.

:mod:`geo.analysis.reform` converts; this module turns a :class:`~geo.analysis.reform.Conversion`
into what people read: the totals before and after, the rows not converted, the split
old communes, the sources of one new commune and the carried designations, with
translated headers and figures formatted in the reader's language. Text that reaches
Markdown (notes, names, file names) is escaped with :func:`geo.text.markup.markdown_text`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import settings
from geo.analysis.classify import classify_together
from geo.analysis.indicators import format_value, is_rate, label
from geo.analysis.reform import Conversion, ConversionReport, sources_of
from geo.io.conversion import write_conversion
from geo.io.fingerprint import digest
from geo.join.files import BoundaryLayer
from geo.text.i18n import DEFAULT_LANG, format_number, t
from geo.text.markup import markdown_text
from geo.units import registry
from geo.units.crosswalk import FROM_VINTAGE, TO_VINTAGE
from geo.workflows.layer import LayerResult, build_layer

__all__ = [
    "ReformView", "reform_view", "SourcesView", "sources_view", "designations_table", "designation_lines",
    "conversion_files", "LEVEL", "convertible_tables", "converted_name", "new_commune_labels", "preferred_value",
    "ReformMaps", "reform_maps", "DOWNLOAD_MIMES", "download_name",
]

WEIGHT_DECIMALS = 3
LEVEL = "commune"  # the reform converts communes
# The downloads of a conversion, in the order the page offers them.
DOWNLOAD_MIMES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "json": "application/json"}


@dataclass
class ReformView:
    """A conversion as the page and the CLI show it.

    Attributes
    ----------
    summary
        :meth:`ConversionReport.summary` counts.
    totals
        One row per count column: before, not converted, after, preserved (✓/✗).
    preserved, lost
        Labels of the count columns whose totals are / are not preserved.
    unmapped, splits
        Rows not converted (with the reason in words), split old communes with weights and amounts.
    notes
        Every warning of the report, escaped for Markdown.
    partial
        New communes receiving part of a split old commune (their figures are estimates).
    dropped
        Rate columns not carried, escaped for Markdown.
    values
        Columns of the converted table that are indicators (counts, recomputed rates).
    """

    summary: dict[str, int]
    totals: pd.DataFrame
    preserved: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    unmapped: pd.DataFrame = field(default_factory=pd.DataFrame)
    splits: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    partial: int = 0
    dropped: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


def _totals(report: ConversionReport, lang: str) -> pd.DataFrame:
    return pd.DataFrame([
        {t("reform.col.indicator", lang): label(col, lang),
         t("reform.col.before", lang): format_number(v["before"], 0, lang),
         t("reform.col.unmapped", lang): format_number(v["unmapped"], 0, lang),
         t("reform.col.incomplete", lang): format_number(v["incomplete"], 0, lang),
         t("reform.col.after", lang): format_number(v["after"], 0, lang),
         t("reform.col.preserved", lang): "✓" if v["preserved"] else "✗"}
        for col, v in report.totals.items()
    ])


def _unmapped(report: ConversionReport, lang: str) -> pd.DataFrame:
    return pd.DataFrame([
        {t("reform.col.row", lang): u.get("row"), t("reform.col.old_code", lang): u.get("code") or "",
         t("ui.col.name", lang): u.get("name") or "",
         t("reform.col.reason", lang): t(f"convert.unmapped.{u['reason']}", lang, row=u.get("row"),
                                         code=u.get("code") or "", name=u.get("name") or "")}
        for u in report.unmapped
    ])


def _splits(report: ConversionReport, lang: str) -> pd.DataFrame:
    sp = report.splits_table()
    if sp.empty:
        return sp
    shown = pd.DataFrame({
        t("reform.col.old_code", lang): sp["old_code"], t("reform.col.old_name", lang): sp["old_name"],
        t("reform.col.new_code", lang): sp["new_code"], t("reform.col.new_name", lang): sp["new_name"],
        t("reform.col.weight", lang): [format_number(w, WEIGHT_DECIMALS, lang) for w in sp["weight"]],
    })
    for col in report.counts:
        words = label(col, lang)
        shown[t("reform.col.old_value", lang, label=words)] = [format_value(v, col, lang) for v in sp[f"{col}_old"]]
        shown[t("reform.col.allocated", lang, label=words)] = [
            format_value(v, col, lang) for v in sp[f"{col}_allocated"]]
    return shown


def reform_view(conversion: Conversion, *, lang: str = DEFAULT_LANG) -> ReformView:
    """Everything the reform page shows about a conversion, in ``lang``."""
    report = conversion.report
    data = conversion.data
    return ReformView(
        summary=report.summary(),
        totals=_totals(report, lang),
        preserved=[label(c, lang) for c, v in report.totals.items() if v["preserved"]],
        lost=[label(c, lang) for c, v in report.totals.items() if not v["preserved"]],
        unmapped=_unmapped(report, lang),
        splits=_splits(report, lang),
        notes=[markdown_text(line) for line in report.warnings(lang)],
        partial=int(data["partial"].sum()) if "partial" in data else 0,
        dropped=[markdown_text(d["column"]) for d in report.dropped_rates],
        values=[c for c in data.columns if c in report.counts or c in report.rates],
    )


@dataclass
class SourcesView:
    """The old communes of one new commune: ``table`` (headers translated), ``summary`` and ``values`` (Markdown-safe)."""

    table: pd.DataFrame
    summary: str
    values: str
    partial: bool


def sources_view(conversion: Conversion, code: str, *, lang: str = DEFAULT_LANG) -> SourcesView:
    """The side-by-side table of the old communes a new commune ``code`` came from, with their figures."""
    report = conversion.report
    src = sources_of(code, conversion=conversion)
    yes_no = {True: t("yes", lang), False: t("no", lang)}
    shown = pd.DataFrame({
        t("reform.col.old_code", lang): src["code"], t("reform.col.old_name", lang): src["name"],
        t("reform.col.old_district", lang): src["district_name"],
        t("reform.col.weight", lang): [format_number(w, WEIGHT_DECIMALS, lang) for w in src["weight"]],
        t("reform.col.split", lang): [yes_no[bool(s)] for s in src["split"]],
        t("reform.col.in_input", lang): [yes_no[bool(s)] for s in src["in_input"]],
    })
    values = [c for c in conversion.data.columns if c in report.counts or c in report.rates]
    for col in values:
        words = label(col, lang)
        if col in report.counts:
            shown[t("reform.col.old_value", lang, label=words)] = [format_value(v, col, lang) for v in src[col]]
            shown[t("reform.col.allocated", lang, label=words)] = [
                format_value(v, col, lang) for v in src[f"{col}_allocated"]]
        else:
            shown[words] = [format_value(v, col, lang) for v in src[col]]
    row = conversion.data.set_index("code").loc[code]
    name = markdown_text(row["name"])
    figures = "; ".join(f"{label(c, lang)} {format_value(row[c], c, lang)}" for c in values)
    return SourcesView(
        table=shown,
        summary=t("reform.sources.summary", lang, name=name, code=markdown_text(code), n=len(src)),
        values=t("reform.sources.new_values", lang, name=name) + ": " + figures,
        partial=bool(row["partial"]),
    )


def designations_table(carried: pd.DataFrame, *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The carried designations (:func:`geo.analysis.reform.convert_designations`) with translated headers."""
    return pd.DataFrame({
        t("reform.col.new_code", lang): carried["code"], t("reform.col.new_name", lang): carried["name"],
        t("map.designations", lang): carried["text"], t("reform.col.old_name", lang): carried["designated_names"],
    })


def designation_lines(carried: pd.DataFrame, code: str) -> list[str]:
    """Markdown list items for one new commune: "2/3 xã cũ là xã ATK: Xã A, Xã B" (names escaped)."""
    mine = carried[carried["code"] == code]
    return [f"- {r['text']}: {markdown_text(r['designated_names'])}" for r in mine.to_dict("records")]


def conversion_files(conversion: Conversion, *, lang: str = DEFAULT_LANG) -> dict[str, bytes]:
    """The converted table as downloads: ``csv``, ``xlsx`` (three sheets) and ``json`` (the report)."""
    with tempfile.TemporaryDirectory(prefix="geo-reform-") as tmp:
        files = {ext: write_conversion(conversion, Path(tmp) / f"x.{ext}", lang=lang).read_bytes()
                 for ext in ("csv", "xlsx")}
    files["json"] = conversion.report.to_json().encode("utf-8")
    return files


# ---------------------------------------------------------------------------
# The reform page's choices
# ---------------------------------------------------------------------------
def convert_checked(table, *, province: str | None, weights=None, prefer: str | None = None,
                    from_vintage: str = FROM_VINTAGE, to_vintage: str = TO_VINTAGE):
    """The table's value checks, then the conversion: what ``python -m geo convert`` and the Sáp nhập 2025 page
    both do. Impossible values are dropped (poor > households), identical repeated rows merged, rates computed
    from counts, before anything is summed into a new commune.

    Returns
    -------
    (Conversion, LayerResult)
        The conversion, and the checked table's layer (``notes`` and ``build.warnings(lang)`` say what the checks
        did).
    """
    from geo.analysis.reform import convert_indicators

    layer = build_layer(boundaries=None, table=table, province=province, level=LEVEL, vintage=from_vintage,
                        prefer=prefer)
    conversion = convert_indicators(layer.table, from_vintage=from_vintage, to_vintage=to_vintage, weights=weights,
                                    province=province)
    # An old commune whose rows disagree was set aside by the checks until one row is chosen: it is not missing
    # from the table, and the report says so (with its rows) instead of asking to add it.
    conflicting = {registry.normalize_code(i["unit"].get("code"), LEVEL): i["rows"]
                   for i in layer.build.checks.conflicts if i["kept"] is None and i["unit"].get("code")}
    for item in conversion.report.incomplete:
        item["conflicting_old"] = [dict(m, rows=conflicting[m["code"]]) for m in item["missing_old"]
                                   if m["code"] in conflicting]
        item["missing_old"] = [m for m in item["missing_old"] if m["code"] not in conflicting]
    return conversion, layer


def check_lines(layer: LayerResult, *, lang: str = DEFAULT_LANG) -> list[str]:
    """What the value checks of :func:`convert_checked` did, one sentence each."""
    return [t(note, lang) for note in layer.notes] + list(layer.build.warnings(lang))


def convertible_tables(tables: dict) -> list[str]:
    """Names of the tables (name -> IndicatorTable) that can be converted: commune tables or tables of no stated
    level, not already in the 2025 communes."""
    return [name for name, tab in tables.items()
            if getattr(tab, "vintage", None) != TO_VINTAGE and tab.level in (LEVEL, None)]


def converted_name(source: str, conversion: Conversion) -> str:
    """The converted table's dataset name: ``"<source> → 2025 · <6 hex digits of its content>"``.

    Examples
    --------
    >>> conv = Conversion(data=pd.DataFrame({"code": ["06187"]}), report=ConversionReport())
    >>> converted_name("xa.csv", conv)
    'xa.csv → 2025 · 68affd'
    """
    return f"{source} → {TO_VINTAGE} · {digest(conversion.data.to_csv(index=False).encode())[:6]}"


def new_commune_labels(conversion: Conversion) -> dict[str, str]:
    """New commune code -> "name (code)", ordered by that label (the page's picker)."""
    data = conversion.data
    labels = {c: f"{n} ({c})" for c, n in zip(data["code"], data["name"])}
    return dict(sorted(labels.items(), key=lambda item: item[1]))


def preferred_value(values: list[str]) -> str | None:
    """The value column shown first: the first rate (comparable between old and new communes), else the first."""
    return next((c for c in values if is_rate(c)), values[0] if values else None)


def download_name(source: str, ext: str) -> str:
    """``<stem>_2025.csv``, ``.xlsx``, or ``<stem>_2025_report.json`` for the report.

    Examples
    --------
    >>> download_name("data/xa cu.xlsx", "json"), download_name("xa.csv", "csv")
    ('xa cu_2025_report.json', 'xa_2025.csv')
    """
    stem = Path(source).stem + "_" + TO_VINTAGE
    return f"{stem}_report.json" if ext == "json" else f"{stem}.{ext}"


@dataclass
class ReformMaps:
    """The old and new layers side by side, classified on the same classes, and their two maps."""

    old: LayerResult
    new: LayerResult
    old_map: object
    new_map: object


def reform_maps(conversion: Conversion, new_table, *, column: str, province: str, new_province: str,
                old_boundaries: BoundaryLayer, new_boundaries: BoundaryLayer, picked: str | None = None,
                palette: str = settings.DEFAULT_PALETTE, lang: str = DEFAULT_LANG, asset_urls=None) -> ReformMaps:
    """The converted figures on the old communes and on the new ones, on the same classes.

    Both layers come from the one layer builder: the old communes with the converted input rows, the new
    communes with ``new_table`` (:func:`geo.analysis.reform.conversion_table`). With ``picked`` (a new
    commune) the new map selects it and the old map its old communes.
    """
    from geo.render.webmap import build_map

    old = build_layer(boundaries=old_boundaries, table=conversion.input, level=LEVEL, vintage=FROM_VINTAGE,
                      province=province)
    new = build_layer(boundaries=new_boundaries, table=new_table, level=LEVEL, vintage=TO_VINTAGE,
                      province=new_province)
    old_classes, new_classes = classify_together([old.gdf[column], new.gdf[column]], scheme=settings.DEFAULT_SCHEME,
                                                 k=settings.DEFAULT_K, column=column)
    weights = conversion.weights
    sources = set(weights.loc[weights["new_code"] == picked, "old_code"]) if picked else set()
    common = dict(value_column=column, palette=palette, lang=lang, asset_urls=asset_urls,
                  legend_kwds={"title": label(column, lang)})
    old_map = build_map(old.gdf, classification=old_classes, selected=sources,
                        district_outlines=True if "district_code" in old.gdf else None,
                        approximate=old_boundaries.approximate,
                        geometry_key=(province, LEVEL, FROM_VINTAGE, old_boundaries.source), **common)
    new_map = build_map(new.gdf, classification=new_classes, selected={picked} if picked else (), approximate=True,
                        geometry_key=(new_province, LEVEL, TO_VINTAGE,
                                      f"{new_boundaries.source}:{old_boundaries.source}"), **common)
    return ReformMaps(old=old, new=new, old_map=old_map, new_map=new_map)
