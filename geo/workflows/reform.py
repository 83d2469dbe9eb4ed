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

from geo.analysis.indicators import format_value, label
from geo.analysis.reform import Conversion, ConversionReport, sources_of
from geo.io.conversion import write_conversion
from geo.text.i18n import DEFAULT_LANG, format_number, t
from geo.text.markup import markdown_text

__all__ = [
    "ReformView", "reform_view", "SourcesView", "sources_view", "designations_table", "designation_lines",
    "conversion_files",
]

WEIGHT_DECIMALS = 3


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
