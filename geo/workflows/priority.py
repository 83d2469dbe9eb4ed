"""The priority workflow shared by the app's Priority page and ``python -m geo priority``.

:mod:`geo.analysis.ranking` ranks; this module holds what both front ends need around
it, so that a page and a batch job give the same list for the same inputs:

- :func:`prioritise` — rank, warn and compute coverage in one call;
- :func:`default_rules` — a starting rule set built from the indicator
  columns actually present (the planner edits it);
- :func:`rule_threshold` / :func:`replace_threshold` — the high-poverty
  threshold inside rule texts, so one number input re-ranks;
- :func:`weights_table` / :func:`bonuses_table` / :func:`score_from_tables`
  — the composite score as editable tables and back;
- :func:`scenario_bytes` / :func:`scenario_from_bytes` — a scenario as the
  bytes of one GeoPackage (download and upload);
- small formatting helpers for tables shown to people (text escaped with
  :func:`geo.text.markup.markdown_text`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.units import registry
from geo.units.designations import DESIGNATION_TYPES, DesignationSet, designation_label
from geo.join.designations import DesignationImportReport
from geo.text.i18n import DEFAULT_LANG, Num, format_number, has_message, megabytes, t
from geo.text.markup import markdown_text
from geo.analysis.coverage import Coverage, coverage
from geo.analysis.indicators import aggregate
from geo.analysis.ranking import district_is_unit, rank, rule_warnings
from geo.analysis.rules import ManualDecision, RuleSet, ScoreSpec, Tier, Weight, format_threshold, indicator_label

__all__ = [
    "Prioritised",
    "prioritise",
    "rate_column",
    "default_rules",
    "default_threshold",
    "province_rate",
    "rule_threshold",
    "replace_threshold",
    "format_threshold",
    "weights_table",
    "bonuses_table",
    "score_from_tables",
    "scenario_units",
    "scenario_bytes",
    "scenario_from_bytes",
    "unit_labels",
    "top_table",
    "map_includes",
    "designation_tables",
    "import_report_tables",
    "tier_counts",
    "CoverageView",
    "coverage_view",
]

_RATE = re.compile(r"^poor_rate(?:_((?:19|20)\d\d))?$")
_NUMBER = r"-?\d+(?:[.,]\d+)?"


# ---------------------------------------------------------------------------
# Ranking, warnings and coverage in one call
# ---------------------------------------------------------------------------
@dataclass
class Prioritised:
    """What a page or the CLI shows after ranking.

    ``ranked`` is :func:`geo.analysis.ranking.rank`'s result; ``warnings`` the
    :func:`geo.analysis.ranking.rule_warnings` sentences; ``coverage`` the selection's
    coverage, or None with ``coverage_error`` saying why (e.g. no poor-household column).
    """

    ranked: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    coverage: Coverage | None = None
    coverage_error: GeoError | None = None


def coverage_year(rules: RuleSet) -> str | None:
    """The year of the poor-rate column the rules read first (``poor_rate_2020`` -> ``"2020"``), else None."""
    for column in [rules.tie_break or "", *rules.indicators]:
        m = _RATE.match(column)
        if m and m.group(1):
            return m.group(1)
    return None


def prioritise(
    units: pd.DataFrame,
    *,
    designations: DesignationSet,
    rules: RuleSet,
    manual: Iterable[ManualDecision] = (),
    lang: str = DEFAULT_LANG,
) -> Prioritised:
    """Rank ``units`` with :func:`geo.analysis.ranking.rank`, list the warnings and the coverage of the selection.

    ``units`` is the joined layer (a GeoDataFrame keeps its geometry). Raises
    :class:`GeoError` for rules naming unknown columns or bad manual decisions;
    a coverage problem is returned in ``coverage_error`` instead.
    """
    ranked = rank(units, designations=designations, rules=rules, manual=list(manual), lang=lang)
    warnings = rule_warnings(units, designations=designations, rules=rules, lang=lang)
    cov, problem = None, None
    year = coverage_year(rules)
    try:
        try:
            cov = coverage(ranked, year=year)
        except GeoError:
            if year is None:
                raise
            cov = coverage(ranked)
    except GeoError as exc:
        problem = exc
    return Prioritised(ranked=ranked, warnings=warnings, coverage=cov, coverage_error=problem)


# ---------------------------------------------------------------------------
# Default rules
# ---------------------------------------------------------------------------
def rate_column(columns: Iterable[str], *, projected_years: Iterable[int | str] = ()) -> str | None:
    """The poor-rate column to build default rules on: ``poor_rate``, else the latest ``poor_rate_YYYY``
    whose year is not a projection, else the latest one."""
    columns = [str(c) for c in columns]
    if "poor_rate" in columns:
        return "poor_rate"
    found = sorted((m.group(1), c) for c in columns if (m := _RATE.match(c)) and m.group(1))
    if not found:
        return None
    planned = {str(y) for y in projected_years}
    measured = [c for year, c in found if year not in planned]
    return (measured or [c for _, c in found])[-1]


def province_rate(units: pd.DataFrame, rate: str) -> float | None:
    """The province-wide value of the rate column ``rate`` over ``units``, in percent, or None without values.

    Counts are summed and the rate recomputed (:func:`geo.analysis.indicators.aggregate`, the one rule for a
    level change): ``poor_2020`` ÷ ``households_2020`` × 100 for ``poor_rate_2020``. Without both counts for
    every unit, the mean of the units' rates.
    """
    if rate not in units:
        return None
    values = pd.to_numeric(units[rate], errors="coerce")
    if not values.notna().any():
        return None
    counts = [c for c in units.columns if c != rate and pd.api.types.is_numeric_dtype(units[c])]
    whole = aggregate(pd.DataFrame(units[counts + [rate]]).assign(_all=1), "_all", columns=counts + [rate])
    value = pd.to_numeric(whole[rate], errors="coerce").iloc[0] if rate in whole else np.nan
    return float(value) if pd.notna(value) else float(values.mean())


def default_threshold(units: pd.DataFrame | None, rate: str | None, *, level: str = "commune") -> float:
    """The high-poverty threshold the default rules start from.

    Communes: :data:`settings.PRIORITY_THRESHOLD` (the documented 20%). Districts: the province's own rate
    (:func:`province_rate`, rounded to :data:`settings.PRIORITY_DISTRICT_THRESHOLD_DECIMALS`), so that the
    districts poorer than their province are high-poverty; the commune threshold when there are no values.
    """
    if level == "district" and units is not None and rate is not None:
        value = province_rate(units, rate)
        if value is not None:
            return round(value, settings.PRIORITY_DISTRICT_THRESHOLD_DECIMALS)
    return settings.PRIORITY_THRESHOLD


def default_rules(
    columns: Iterable[str],
    *,
    designation_types: Iterable[str] = (),
    threshold: float | None = None,
    projected_years: Iterable[int | str] = (),
    level: str = "commune",
    units: pd.DataFrame | None = None,
    lang: str = DEFAULT_LANG,
) -> RuleSet:
    """A starting rule set from the indicator columns present, for units of ``level``.

    With a poor-rate column ``r`` and the designations ``F`` of the level (communes:
    :data:`settings.PRIORITY_FLAGS` plus the types already loaded; districts:
    :data:`settings.PRIORITY_DISTRICT_FLAGS`):

    1. ``(F) and r >= threshold`` — designated and high-poverty;
    2. ``r >= threshold`` — high-poverty;
    3. ``F`` — designated.

    ``threshold`` defaults to :func:`default_threshold` (20% for communes; for districts the rate of the
    province computed from ``units``). Without a rate column, a single tier ``F``. The score weights the poor
    rate (and the near-poor rate of the same year) as in :data:`settings.PRIORITY_WEIGHTS` and adds
    :data:`settings.PRIORITY_BONUSES`.

    ``designation_types`` are the types loaded for this level; at district level only district designations
    (:data:`settings.PRIORITY_DISTRICT_FLAGS`) are named, since a commune list never tags a district.
    """
    columns = [str(c) for c in columns]
    if level == "district":
        flags = list(settings.PRIORITY_DISTRICT_FLAGS)
    else:
        flags = list(dict.fromkeys([*settings.PRIORITY_FLAGS, *(
            k for k in designation_types if k in DESIGNATION_TYPES and k != "poor_district")]))
    any_flag = " or ".join(flags)
    rate = rate_column(columns, projected_years=projected_years)
    bonuses = {k: v for k, v in settings.PRIORITY_BONUSES.items() if k in flags}
    if rate is None:
        tiers = (Tier(t("prio.default.tier_flags", lang), any_flag),)
        return RuleSet(tiers=tiers, score=ScoreSpec(bonuses=bonuses), name=t("prio.default.name", lang))
    limit = format_threshold(default_threshold(units, rate, level=level) if threshold is None else threshold)
    suffix = rate[len("poor_rate"):]
    first = f"({any_flag})" if len(flags) > 1 else any_flag
    tiers = (
        Tier(t("prio.default.tier1", lang), f"{first} and {rate} >= {limit}"),
        Tier(t("prio.default.tier2", lang), f"{rate} >= {limit}"),
        Tier(t("prio.default.tier3", lang), any_flag),
    )
    weights = []
    for base, w in settings.PRIORITY_WEIGHTS.items():
        column = base + suffix
        if column in columns:
            weights.append(Weight(column=column, weight=w))
    return RuleSet(tiers=tiers, score=ScoreSpec(weights=tuple(weights), bonuses=bonuses), tie_break=rate,
                   name=t("prio.default.name", lang))


def _comparison(column: str) -> re.Pattern:
    return re.compile(rf"(?<![\w.]){re.escape(column)}(\s*)(>=|≥|>)(\s*)({_NUMBER})(?![\w.])")


def _as_float(text: str) -> float:
    return float(text.replace(",", "."))


def rule_threshold(texts: Iterable[str], column: str) -> float | None:
    """The number in the first ``column >= N`` (or ``>``, ``≥``) comparison of the rule texts, else None."""
    pattern = _comparison(column)
    for text in texts:
        m = pattern.search(str(text or ""))
        if m:
            return _as_float(m.group(4))
    return None


def replace_threshold(text: str, column: str, old: float, new: float) -> str:
    """The rule text with every ``column >= old`` (or ``>``, ``≥``) comparison set to ``new``; others untouched."""
    def swap(m: re.Match) -> str:
        if _as_float(m.group(4)) != float(old):
            return m.group(0)
        return f"{column}{m.group(1)}{m.group(2)}{m.group(3)}{format_threshold(new)}"

    return _comparison(column).sub(swap, str(text or ""))


# ---------------------------------------------------------------------------
# The score as editable tables
# ---------------------------------------------------------------------------
WEIGHT_COLUMNS = ["column", "label", "weight", "higher_is_need"]
BONUS_COLUMNS = ["type", "label", "points"]


def weights_table(rules: RuleSet, columns: Iterable[str], *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """One row per indicator column (weight 0 when the score does not use it), for a table editor."""
    spec = {w.column: w for w in rules.score.weights}
    names = list(dict.fromkeys([*spec, *(str(c) for c in columns)]))
    return pd.DataFrame({
        "column": pd.Series(names, dtype=object),
        "label": pd.Series([indicator_label(c, lang, rules.labels) for c in names], dtype=object),
        "weight": pd.Series([spec[c].weight if c in spec else 0.0 for c in names], dtype=float),
        "higher_is_need": pd.Series([spec[c].higher_is_need if c in spec else True for c in names], dtype=bool),
    })


def bonuses_table(rules: RuleSet, types: Iterable[str], *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """One row per designation type (known types, those loaded, those the rules give points)."""
    names = list(dict.fromkeys([*DESIGNATION_TYPES, *(str(k) for k in types), *rules.score.bonuses]))
    return pd.DataFrame({
        "type": pd.Series(names, dtype=object),
        "label": pd.Series([designation_label(k, lang) for k in names], dtype=object),
        "points": pd.Series([float(rules.score.bonuses.get(k, 0.0)) for k in names], dtype=float),
    })


def _number_cell(value) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if np.isnan(x) else x


def score_from_tables(weights: pd.DataFrame, bonuses: pd.DataFrame) -> ScoreSpec:
    """The :class:`ScoreSpec` of edited tables: weights above 0, bonuses other than 0 (empty cells are 0)."""
    ws = tuple(
        Weight(column=str(r["column"]), weight=w, higher_is_need=bool(r.get("higher_is_need", True)))
        for r in weights.to_dict("records") if (w := _number_cell(r.get("weight"))) != 0
    )
    bs = {str(r["type"]): p for r in bonuses.to_dict("records") if (p := _number_cell(r.get("points"))) != 0}
    return ScoreSpec(weights=ws, bonuses=bs)


# ---------------------------------------------------------------------------
# Scenarios as bytes
# ---------------------------------------------------------------------------
_SCENARIO_KEEP = ("code", "name", "district_code", "district_name", "source_file", "source_row")


def scenario_units(units: pd.DataFrame, indicators: Iterable[str]) -> pd.DataFrame:
    """The unit table a scenario stores: identity, district, the indicators and where each row came from."""
    keep = [c for c in _SCENARIO_KEEP[:4] if c in units] + [c for c in indicators if c in units]
    keep += [c for c in _SCENARIO_KEEP[4:] if c in units and c not in keep]
    return pd.DataFrame(units[keep]).reset_index(drop=True)


def scenario_bytes(scenario) -> bytes:
    """The scenario written by :func:`geo.workflows.scenario.save_scenario` to a temporary ``.gpkg``, as bytes."""
    from geo.workflows.scenario import save_scenario

    with tempfile.TemporaryDirectory(prefix="geo-scenario-") as folder:
        path = save_scenario(scenario, Path(folder) / "scenario.gpkg")
        return path.read_bytes()


def scenario_from_bytes(data: bytes, *, name: str = "scenario.gpkg"):
    """Open the bytes of a scenario file with :func:`geo.workflows.scenario.open_scenario` (``name`` is only for messages)."""
    from geo.workflows.scenario import open_scenario

    if len(data) > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoError("file_too_large", path=name, size_mb=megabytes(len(data)),
                       limit_mb=Num(settings.MAX_UPLOAD_MB, None))
    with tempfile.TemporaryDirectory(prefix="geo-scenario-") as folder:
        path = Path(folder) / "scenario.gpkg"
        path.write_bytes(data)
        try:
            return open_scenario(path)
        except GeoError as exc:
            if exc.params.get("path") == str(path):
                raise GeoError(exc.code, **{**exc.params, "path": name}) from None
            raise


# ---------------------------------------------------------------------------
# Tables for people
# ---------------------------------------------------------------------------
def unit_labels(units: pd.DataFrame) -> dict[str, str]:
    """Code -> "Xã Chiến Thắng – Huyện Bắc Sơn (06364)" for choosers (the district only when known)."""
    districts = units["district_name"] if "district_name" in units else pd.Series([None] * len(units), index=units.index)
    out = {}
    for code, name, district in zip(units["code"].astype(str), units.get("name", units["code"]), districts):
        label = str(name) if isinstance(name, str) and name else code
        if isinstance(district, str) and district and district != label:
            label = f"{label} – {district}"
        out[code] = f"{label} ({code})"
    return out


def top_table(ranked: pd.DataFrame, *, n: int = settings.PRIORITY_TOP_N, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The first ``n`` selected units as a small table (text escaped for Markdown cells)."""
    head = ranked[ranked["selected"].astype(bool)].head(n)
    same = district_is_unit(head)
    out = pd.DataFrame({
        t("priority.col.rank", lang): head["rank"].astype(int).to_numpy(),
        t("priority.col.name", lang): [markdown_text(v) for v in head["name"]],
    })
    if "district_name" in head and not same:
        out[t("priority.col.district_name", lang)] = [markdown_text(v) for v in head["district_name"]]
    out[t("priority.col.tier", lang)] = [markdown_text(v) for v in head["tier_label"]]
    out[t("priority.col.score", lang)] = [format_number(v, 1, lang) for v in head["score"]]
    out[t("priority.col.reasons", lang)] = [markdown_text(v) for v in head["reasons"]]
    return out


def map_includes(map_codes: Iterable[str], ranked: pd.DataFrame, manual: Iterable[ManualDecision], *,
                 reason: str) -> list[ManualDecision]:
    """Manual includes for the units selected on the map that the rules leave out (and no decision covers)."""
    decided = {d.code for d in manual}
    chosen = set(ranked.loc[ranked["selected"].astype(bool), "code"].astype(str))
    known = set(ranked["code"].astype(str))
    return [ManualDecision(code=c, action="include", reason=reason)
            for c in sorted({str(c) for c in map_codes}) if c in known and c not in chosen and c not in decided]


def designation_tables(designations: DesignationSet, labels: Mapping[str, str], *,
                       lang: str = DEFAULT_LANG) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lists, hand): built-in and imported records, and hand tags/untags, with words for people."""
    frame = designations.to_frame()
    if frame.empty:
        frame = pd.DataFrame(columns=frame.columns)
    shown = pd.DataFrame({
        "type": frame["type"],
        "label": [designation_label(k, lang) for k in frame["type"]],
        "code": frame["code"],
        "unit": _unit_names(frame, labels),
        "origin": [t(f"prio.origin.{o}", lang) for o in frame["origin"]],
        "action": [t(f"prio.action.{a}", lang) for a in frame["action"]],
        "source": frame["source"],
        "note": frame["note"],
    })
    hand = frame["origin"] == "manual"
    return shown[~hand].reset_index(drop=True), shown[hand].reset_index(drop=True)


def _unit_names(frame: pd.DataFrame, labels: Mapping[str, str]) -> list[str]:
    """Each record's unit as people read it: the page's label, else the registry's name and district for a unit of
    another level (the ATK communes listed on a district-level page), else the code."""
    others: dict[tuple[str, str], dict[str, str]] = {}
    out = []
    for code, level, vintage in zip(frame["code"].astype(str), frame["level"], frame["vintage"]):
        if code in labels:
            out.append(labels[code])
            continue
        key = (str(level), str(vintage))
        if key not in others:
            try:
                others[key] = unit_labels(registry.units(level=key[0], vintage=key[1]))
            except GeoError:
                others[key] = {}
        out.append(others[key].get(code, code))
    return out


def import_report_tables(report: DesignationImportReport, labels: Mapping[str, str], *,
                         lang: str = DEFAULT_LANG) -> dict[str, pd.DataFrame]:
    """The import report as tables: matched, unmatched (with suggestions, or why none), ambiguous (with
    candidates) and repeated rows; designation types and match methods in words of ``lang``."""
    def who(items) -> str:
        return "; ".join(labels.get(str(c.get("code")), f"{c.get('name', '')} ({c.get('code', '')})") for c in items)

    def kind(r) -> str:
        return designation_label(r["type"], lang) if r.get("type") else ""

    def how(method) -> str:
        return t(f"method.{method}", lang) if has_message(f"method.{method}") else str(method)

    def hint(r) -> str:
        if r.get("district_unknown"):
            return t("prio.d.district_unknown", lang, district=r.get("district") or "–")
        return who(r.get("suggestions", []))

    return {
        "matched": pd.DataFrame([{"row": r["row"], "type": kind(r), "name": r.get("name") or r.get("given_code"),
                                  "unit": labels.get(str(r["code"]), r["code"]), "method": how(r["method"])}
                                 for r in report.matched], columns=["row", "type", "name", "unit", "method"]),
        "unmatched": pd.DataFrame([{"row": r["row"], "type": kind(r), "name": r.get("name") or r.get("given_code"),
                                    "district": r.get("district"), "suggestions": hint(r)}
                                   for r in report.unmatched], columns=["row", "type", "name", "district", "suggestions"]),
        "ambiguous": pd.DataFrame([{"row": r["row"], "type": kind(r), "name": r.get("name"),
                                    "candidates": who(r.get("candidates", []))}
                                   for r in report.ambiguous], columns=["row", "type", "name", "candidates"]),
        "duplicates": pd.DataFrame([{"row": r["row"], "type": kind(r), "name": r.get("name") or r.get("given_code"),
                                     "unit": labels.get(str(r["code"]), r["code"]),
                                     "duplicate_of_row": r["duplicate_of_row"]}
                                    for r in report.duplicates],
                                   columns=["row", "type", "name", "unit", "duplicate_of_row"]),
    }


def import_report_lines(report: DesignationImportReport, labels: Mapping[str, str], *,
                        lang: str = DEFAULT_LANG) -> list[str]:
    """One sentence per row of an imported list that was not tagged as written: not found (with the closest
    units, or the district that is not in the province), ambiguous (the candidates), or listed twice."""
    def who(items) -> str:
        return "; ".join(labels.get(str(c.get("code")), f"{c.get('name', '')} ({c.get('code', '')})")
                         for c in items[:3])

    lines = []
    for r in report.unmatched:
        name = r.get("name") or r.get("given_code") or ""
        district = r.get("district") or "–"
        if r.get("district_unknown"):
            key = "prio.d.line.district_unknown"
        else:
            key = "prio.d.line.unmatched" if r.get("suggestions") else "prio.d.line.unmatched_none"
        lines.append(t(key, lang, row=r["row"], name=name, district=district,
                       suggestions=who(r.get("suggestions", []))))
    for r in report.ambiguous:
        lines.append(t("prio.d.line.ambiguous", lang, row=r["row"], name=r.get("name") or "",
                       candidates=who(r.get("candidates", []))))
    for r in report.duplicates:
        lines.append(t("prio.d.line.duplicate", lang, row=r["row"], name=r.get("name") or r.get("given_code") or "",
                       first=r["duplicate_of_row"], unit=labels.get(str(r["code"]), r["code"])))
    return lines


# ---------------------------------------------------------------------------
# Counts and coverage as people read them (the page and the CLI print the same)
# ---------------------------------------------------------------------------
def tier_counts(ranked: pd.DataFrame, *, lang: str = DEFAULT_LANG) -> str:
    """Units per tier in words: "Nhóm 1: 4, Nhóm 2: 31" ("–" when no unit has a tier)."""
    counts = ranked["tier"].dropna().astype(int).value_counts().sort_index()
    return ", ".join(f"{t('priority.tier_default', lang, n=int(k))}: {format_number(v, 0, lang)}"
                     for k, v in counts.items()) or "–"


@dataclass
class CoverageView:
    """Coverage for people: ``metrics`` (label, value) pairs, the ``columns`` used and ``by_district`` (formatted)."""

    metrics: list[tuple[str, str]]
    columns: str
    by_district: pd.DataFrame


def coverage_view(cov: Coverage, *, level: str, lang: str = DEFAULT_LANG) -> CoverageView | None:
    """The coverage of a selection with translated headers and numbers formatted in ``lang``; None without poor households."""
    if cov is None or not (cov.total["poor_total"].iloc[0] > 0):
        return None
    tot = cov.total.iloc[0]
    units = t("prio.cov.units", lang, unit=t(f"prio.units.{level}", lang))
    metrics = [
        (units, f"{format_number(tot['communes_selected'], 0, lang)}/{format_number(tot['communes_total'], 0, lang)}"),
        (t("prio.cov.households", lang), format_number(tot["households_covered"], 0, lang)),
        (t("prio.cov.poor", lang), format_number(tot["poor_covered"], 0, lang)),
        (t("prio.cov.near_poor", lang), format_number(tot["near_poor_covered"], 0, lang)),
        (t("prio.cov.share", lang), format_number(tot["poor_share_pct"], 1, lang) + " %"),
    ]
    by = cov.by_district
    table = pd.DataFrame({
        t("ui.col.district", lang): by["district_name"].fillna(by["district_code"]).astype(object),
        units: [f"{format_number(a, 0, lang)}/{format_number(b, 0, lang)}"
                for a, b in zip(by["communes_selected"], by["communes_total"])],
        t("prio.cov.households", lang): [format_number(v, 0, lang) for v in by["households_covered"]],
        t("prio.cov.poor", lang): [format_number(v, 0, lang) for v in by["poor_covered"]],
        t("prio.cov.near_poor", lang): [format_number(v, 0, lang) for v in by["near_poor_covered"]],
        t("prio.cov.district_share", lang): [format_number(v, 1, lang) + " %" for v in by["poor_share_pct"]],
        t("prio.cov.share", lang): [format_number(v, 1, lang) + " %" for v in by["province_poor_share_pct"]],
    })
    used = ", ".join(indicator_label(v, lang) for v in cov.columns.values() if v)
    return CoverageView(metrics=metrics, columns=t("prio.cov.columns", lang, columns=used), by_district=table)
