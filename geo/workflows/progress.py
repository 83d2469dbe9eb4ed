"""Progress task, shared by the "Tiến độ" page and ``python -m geo review``.

From a map layer (boundaries joined to the dataset) and another year's table: the stacked dataset, change maps
with a diverging palette centred on zero, targets against results with a map, a table and the review annex
("Đánh giá kết quả thực hiện…"), a unit's trend chart, and the units that missed their target as ``lagging``
designations for the priority rules.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.analysis import progress as pg
from geo.analysis.indicators import parse_column
from geo.analysis.progress import Assessment, RuleTarget, YearTable
from geo.text.i18n import DEFAULT_LANG, t

__all__ = ["MEASURES", "REVIEW_FORMATS", "dataset_from_layer", "add_table", "change_map", "gap_map",
           "add_upload", "review_table", "write_review", "review_bytes", "trend_png", "poor_codes", "assess_rule", "review_files",
           "ReviewResult", "base_year_needed", "rate_notes"]

MEASURES = ("change", "change_pct", "gap")
_RATE_NOTES = ("note.rates_scaled", "note.rates_maybe_fractions")
# A table the join sets aside whole (its note beside the map) -> why it cannot be stacked onto the dataset.
_SET_ASIDE = {"note.other_vintage.2025": "progress_table_of_new_units",
              "note.other_vintage.pre2025": "progress_table_of_old_units",
              "note.coarser_data": "progress_table_of_districts"}
REVIEW_FORMATS = ("xlsx", "csv", "docx")


def _plan_years(table, meta: dict | None) -> tuple[int, ...]:
    if meta is not None and meta.get("projected_years"):
        return tuple(int(y) for y in meta["projected_years"])
    warnings = getattr(table, "warnings", None) or []
    return tuple(sorted({int(w.detail) for w in warnings if getattr(w, "code", "") == "projected"
                         and str(w.detail).isdigit()}))


def _standard_of(table, meta: dict | None) -> str | None:
    """The standard a table declares: a built-in table's metadata, else what its title or headers name."""
    from geo.analysis.standards import standard_from_text, standard_of_table

    if meta is not None and meta.get("standard"):
        return meta["standard"]
    found = standard_of_table(table) or standard_from_text(getattr(table, "source", ""))
    return found.key if found is not None else None


def _layer_rows(layer) -> pd.DataFrame:
    """Code, name and indicators of the units that have data, from a joined map layer."""
    gdf = layer.gdf
    cols = ["code"] + [c for c in ("name",) if c in gdf.columns] + list(layer.indicators)
    rows = pd.DataFrame(gdf[cols])
    if layer.indicators:
        rows = rows[rows[list(layer.indicators)].notna().any(axis=1)]
    return rows.reset_index(drop=True)


def dataset_from_layer(layer, *, table=None, meta: dict | None = None, source: str = "",
                       year: int | None = None) -> YearTable:
    """The first year(s) of a dataset from the current map layer.

    ``meta`` is a built-in table's metadata (``projected_years``: plan years, ``standard``: declared standard);
    for an upload, plan years come from the reader's ``projected`` warnings ("Dự kiến", "Kế hoạch" headers).
    ``year`` is the year of the layer's columns whose header names none (see :func:`base_year_needed`).
    """
    return pg.year_table(_layer_rows(layer), source=source or (meta or {}).get("citation", ""),
                         plan_years=_plan_years(table, meta), standard=_standard_of(table, meta), year=year)


def base_year_needed(layer) -> list[str]:
    """The layer's indicator columns with no year in their header, when none has one: the dataset would have no
    year at all unless the planner types it (a table titled "... năm 2023" above headers without a year)."""
    rows = _layer_rows(layer)
    if any(parse_column(str(c))[1] for c in rows.columns):
        return []
    return pg.undated_columns(rows)


def add_table(dataset: YearTable, layer, *, year: int | None = None, source: str = "", standard: str | None = None,
              plan: bool = False, table=None) -> tuple[YearTable, pg.StackReport]:
    """Stack another year's table, already joined to the same boundaries (``layer`` from
    :func:`geo.workflows.layer.build_layer`, so names are matched to codes by the join's own rules)."""
    plan = plan or bool(_plan_years(table, None))
    declared = standard or _standard_of(table, None)
    stacked, report = pg.add_year(dataset, _layer_rows(layer), year=year, source=source, standard=declared,
                                  plan=plan)
    if declared and not standard:  # read from the table's title or headers: say so
        report = replace(report, standard_from="title")
    notes = rate_notes(layer)
    if notes:  # rates read as fractions (or maybe so): a review of them must say it
        report = replace(report, notes=notes)
    return stacked, report


def rate_notes(layer) -> list[str]:
    """The layer's notes about its rates: scaled from fractions (0,0851 -> 8,51 %), or all below 1 % (maybe
    fractions with nothing to tell): the change and the review of such a table would otherwise look right."""
    return [n for n in getattr(layer, "notes", None) or [] if n in _RATE_NOTES]


def add_upload(dataset: YearTable, layer, table, *, year: int | None = None, source: str = "",
               standard: str | None = None, plan: bool = False) -> tuple[YearTable, pg.StackReport]:
    """Join another year's table (an :class:`geo.io.tables.IndicatorTable`) to the boundaries of ``layer`` by the
    join's own rules (codes, then names within the parent), then stack it onto ``dataset``."""
    from geo.join.files import BoundaryLayer
    from geo.workflows.layer import build_layer, unit_columns

    shell = layer.gdf[[c for c in layer.gdf.columns if c not in set(layer.indicators)]]
    joined = build_layer(
        boundaries=BoundaryLayer(gdf=shell, level=layer.level, vintage=layer.vintage, source="layer",
                                 approximate=layer.approximate, columns=unit_columns(layer.level, layer.vintage)),
        table=table, level=layer.level, vintage=layer.vintage, province=layer.province)
    name = source or getattr(table, "source", "") or "–"
    for note, code in _SET_ASIDE.items():  # a table the join set aside whole: say why, not "no code in common"
        if note in joined.notes:
            raise GeoError(code, file=name)
    try:
        return add_table(dataset, joined, year=year, source=source or getattr(table, "source", ""),
                         standard=standard, plan=plan, table=table)
    except GeoError as exc:
        rows = getattr(table, "data", table)
        if exc.code != "progress_no_overlap" or "code" not in getattr(rows, "columns", ()):
            raise
        sample = ", ".join(sorted({str(c) for c in rows["code"].dropna()})[:5]) or "–"
        raise GeoError("progress_no_overlap", file=name, sample=sample) from exc


def poor_codes(designations, *, gdf=None) -> frozenset[str]:
    """Codes of poor units for rule targets: poor districts, and the communes of a poor district (by the
    layer's ``district_code``) or carrying ``poor_district`` themselves (2025 communes)."""
    if designations is None:
        return frozenset()
    poor = set(designations.codes("poor_district"))
    if gdf is not None and "district_code" in gdf.columns:
        poor |= set(gdf.loc[gdf["district_code"].astype(str).isin(poor), "code"].astype(str))
    return frozenset(poor)


def _map(gdf, column: str, *, title: str, lang: str, approximate: bool, illustrative: bool, tooltip=(),
         geometry_key=None, asset_urls=None, bins=None, designations=None):
    from geo.render.webmap import build_map

    bins = bins if bins is not None else pg.diverging_bins(gdf[column], k=settings.CHANGE_K)
    return build_map(
        gdf, value_column=column, scheme="manual", bins=bins, palette=settings.CHANGE_PALETTE, lang=lang,
        value_kind="number", tooltip_columns=list(tooltip), approximate=approximate, illustrative=illustrative,
        title=title, geometry_key=geometry_key, asset_urls=asset_urls, legend_kwds={"title": title},
        designations=designations,
        district_outlines=True if "district_code" in gdf.columns and gdf["code"].astype(str).str.len().max() == 5
        else None,
    )


def change_map(layer, dataset: YearTable, *, year_from: int, year_to: int, measure: str = "change",
               lang: str = DEFAULT_LANG, illustrative: bool = False, geometry_key=None, asset_urls=None):
    """``(folium.Map, change table)``: the change between two years, diverging palette centred on zero.

    ``measure`` is ``"change"`` (rate, points) or ``"change_pct"`` (poor households, %). The table's
    ``attrs["warning"]`` flags a change of poverty standard between the two years.
    """
    change = pg.change_table(dataset, year_from=year_from, year_to=year_to, lang=lang)
    column = "change_points" if measure == "change" else "poor_change_pct"
    if column not in change.columns:
        raise GeoError("progress_year_missing", year=f"{year_from}/{year_to} (poor)",
                       years=", ".join(map(str, dataset.years)))
    key = "progress.change_title" if measure == "change" else "progress.change_pct_title"
    title = t(key, lang, year_from=year_from, year_to=year_to)
    rate_a = t("progress.col.baseline", lang, year=year_from)
    rate_b = t("progress.col.baseline", lang, year=year_to)
    values = change.set_index("code")
    gdf = layer.gdf.copy()
    gdf[column] = gdf["code"].map(values[column])
    gdf[rate_a] = gdf["code"].map(values[f"{pg.RATE}_{year_from}"])
    gdf[rate_b] = gdf["code"].map(values[f"{pg.RATE}_{year_to}"])
    m = _map(gdf, column, title=title, lang=lang, approximate=layer.approximate, illustrative=illustrative,
             tooltip=(rate_a, rate_b), geometry_key=geometry_key, asset_urls=asset_urls)
    return m, change


def gap_map(layer, assessment: Assessment, *, lang: str = DEFAULT_LANG, illustrative: bool = False,
            geometry_key=None, asset_urls=None, designations=None):
    """``folium.Map`` of each unit's gap to its target (points; positive: behind), red behind, blue ahead."""
    title = t("progress.gap_title", lang, year=assessment.year_to)
    rows = assessment.table.set_index("code")
    target = t("progress.col.target", lang, year=assessment.year_to)
    result = t("progress.col.result", lang, year=assessment.year_to)
    gdf = layer.gdf.copy()
    gdf["gap"] = gdf["code"].map(rows["gap"])
    gdf[target] = gdf["code"].map(rows["target"])
    gdf[result] = gdf["code"].map(rows["result"])
    return _map(gdf, "gap", title=title, lang=lang, approximate=layer.approximate, illustrative=illustrative,
                tooltip=(target, result), geometry_key=geometry_key, asset_urls=asset_urls,
                designations=designations, bins=pg.split_bins(gdf["gap"]))


# ---------------------------------------------------------------------------
# The review annex
# ---------------------------------------------------------------------------
def review_table(assessment: Assessment, *, lang: str = DEFAULT_LANG, illustrative: bool = False,
                 title: str | None = None):
    """The review as an :class:`geo.render.annex_table.AnnexTable` titled "Đánh giá kết quả thực hiện…"."""
    from geo.render.annex_table import AnnexColumn, AnnexTable

    a = assessment
    y0, y1 = a.year_from, a.year_to
    columns = [
        AnnexColumn("tt", ("TT",), "index", 5),
        AnnexColumn("name", (t("progress.col.unit", lang),), "text", 24),
        AnnexColumn("baseline", (t("progress.col.baseline", lang, year=y0),), "rate", 12),
        AnnexColumn("target", (t("progress.col.group_target", lang), t("progress.col.target", lang, year=y1)),
                    "rate", 12),
        AnnexColumn("planned", (t("progress.col.group_target", lang), t("progress.col.planned", lang)), "rate", 12),
        AnnexColumn("result", (t("progress.col.group_result", lang), t("progress.col.result", lang, year=y1)),
                    "rate", 12),
        AnnexColumn("reduction", (t("progress.col.group_result", lang), t("progress.col.reduction", lang)),
                    "rate", 12),
        AnnexColumn("gap", (t("progress.col.gap", lang),), "rate", 13),
        AnnexColumn("status", (t("progress.col.status", lang),), "text", 13),
    ]

    def num(v):
        return None if v is None or pd.isna(v) else float(v)

    rows = [[i + 1, r["name"] or r["code"], num(r["baseline"]), num(r["target"]), num(r["planned_reduction"]),
             num(r["result"]), num(r["reduction"]), num(r["gap"]), r["status"]]
            for i, r in enumerate(a.table.to_dict("records"))]
    counts = a.counts()
    total = [None, t("progress.summary", lang, **counts), None, None, None, None, None, None, None]
    subtitle = (t("progress.review_subtitle_plan", lang, year_from=y0) if a.basis == "plan"
                else t("progress.review_subtitle_rule", lang, rule=a.rule.text(lang), year_from=y0))
    notes = [t("progress.source_line", lang, year=y, source=s) for y, s in sorted(a.sources.items()) if s]
    if a.standard_change is not None:
        notes.append(a.standard_change.message(lang))
    if illustrative:
        notes.append(t("progress.illustrative_note", lang))
    return AnnexTable(title=title or t("progress.review_title", lang, year=y1), subtitle=subtitle, columns=columns,
                      rows=rows, total=total, notes=notes, lang=lang, codes=list(a.table["code"]))


def write_review(assessment: Assessment, path: str | Path, *, format: str | None = None,  # noqa: A002
                 lang: str = DEFAULT_LANG, illustrative: bool = False, overwrite: bool = False,
                 inputs: Iterable[str | Path] = (), map_image: bytes | None = None) -> Path:
    """Write the review annex as XLSX, CSV or DOCX (chosen by ``format`` or the file's suffix)."""
    from geo.render import annex_table as at

    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in REVIEW_FORMATS:
        raise GeoError("unsupported_format", path=path.name, supported=", ".join(REVIEW_FORMATS))
    table = review_table(assessment, lang=lang, illustrative=illustrative)
    if fmt == "xlsx":
        return at.write_xlsx(path, table, overwrite=overwrite, inputs=inputs)
    if fmt == "csv":
        return at.write_csv(path, table, overwrite=overwrite, inputs=inputs)
    return at.write_docx(path, title=table.title, subtitle=table.subtitle, table=table, lang=lang,
                         overwrite=overwrite, inputs=inputs, map_image=map_image)


def review_bytes(assessment: Assessment, *, format: str, lang: str = DEFAULT_LANG,  # noqa: A002
                 illustrative: bool = False) -> bytes:
    """The review annex as bytes, for a download button."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="geo-review-") as tmp:
        out = write_review(assessment, Path(tmp) / f"danh_gia.{format}", format=format, lang=lang,
                           illustrative=illustrative)
        return out.read_bytes()


def trend_png(dataset: YearTable, code: str, *, name: str | None = None, lang: str = DEFAULT_LANG) -> bytes:
    """A small PNG chart of one unit's poverty rate across the years, with its target line."""
    from geo.render.trend import trend_figure

    fig = trend_figure(pg.trend(dataset, code), title=t("progress.trend_title", lang, name=name or code), lang=lang)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


@dataclass
class ReviewResult:
    """What ``python -m geo review`` did: the dataset, the assessment and the stacking report."""

    dataset: YearTable
    assessment: Assessment
    report: pg.StackReport
    layer: object
    illustrative: bool


def assess_rule(dataset: YearTable, *, year_to: int, year_from: int | None = None, points: float,
                poor_points: float, designations=None, gdf=None, lang: str = DEFAULT_LANG) -> Assessment:
    """Rule targets (no plan table): ``points`` a year, ``poor_points`` for poor units."""
    rule = RuleTarget(points=points, poor_points=poor_points, poor_codes=poor_codes(designations, gdf=gdf))
    return pg.assess(dataset, year_to=year_to, year_from=year_from, rule=rule, lang=lang)


def review_files(*, boundaries: str = "default", indicators: str, results: str, province: str | None,
                 level: str | None = None, vintage: str = settings.DEFAULT_VINTAGE, crs: str | None = None,
                 year: int | None = None, standard: str | None = None, year_from: int | None = None,
                 year_to: int | None = None, rule: tuple[float, float] | None = None,
                 indicators_year: int | None = None, lang: str = DEFAULT_LANG) -> ReviewResult:
    """The CLI's review: the plan/baseline table, the results table, joined to the same boundaries, assessed."""
    from geo.join.files import BUILTIN_INDICATORS, load_indicators
    from geo.units.designations import builtin_designations
    from geo.workflows.layer import build_layer

    base_layer = build_layer(boundaries=boundaries, table=indicators, province=province, level=level,
                             vintage=vintage, crs=crs)
    meta = BUILTIN_INDICATORS.get(str(indicators))
    base_table = load_indicators(indicators, level=base_layer.level)
    undated = base_year_needed(base_layer)
    if undated and indicators_year is None:
        raise GeoError("progress_base_year_needed", file=Path(str(indicators)).name, columns=", ".join(undated))
    dataset = dataset_from_layer(base_layer, table=base_table, meta=meta, source=(meta or {}).get("citation")
                                 or Path(str(indicators)).name, year=indicators_year if undated else None)
    table = load_indicators(results, level=base_layer.level)
    dataset, report = add_upload(dataset, base_layer, table, year=year, source=Path(str(results)).name,
                                 standard=standard)
    to = year_to or (report.years[-1] if report.years else dataset.years[-1])
    if rule is not None:
        designations = builtin_designations(province=province, vintage=base_layer.vintage)
        assessment = assess_rule(dataset, year_to=to, year_from=year_from, points=rule[0], poor_points=rule[1],
                                 designations=designations, gdf=base_layer.gdf, lang=lang)
    else:
        assessment = pg.assess(dataset, year_to=to, year_from=year_from, lang=lang)
    illustrative = meta is not None and not meta.get("official", False)
    return ReviewResult(dataset, assessment, report, base_layer, illustrative)
