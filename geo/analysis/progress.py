"""Progress of poverty reduction: several years in one dataset, change maps, targets against results, trends.

The planner's year runs from the review (rà soát) to the plan with its targets, to the reviews that ask whether
each unit met them. This module holds the arithmetic; :mod:`geo.workflows.progress` glues it to maps and files.

Columns follow :mod:`geo.analysis.indicators`: ``<base>_<year>`` holds a result (``poor_rate_2020``); a plan's
figures are kept apart as ``target_<base>_<year>`` (``target_poor_rate_2021``), so that stacking the next
review's results for the same year never overwrites the plan they are judged against.

Targets come from a plan table (its planned rate and planned reduction per unit, e.g. the "Dự kiến năm 2021"
columns of Kế hoạch 78/KH-UBND) or from a rule without a plan table (:class:`RuleTarget`: "giảm ≥ 2 điểm %/năm;
≥ 3,5 với huyện nghèo"). A unit *đạt* (meets its target) when its result is at or below its target rate, within
:data:`ROUNDING_TOLERANCE` (published rates have two decimals).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from geo._errors import GeoError
from geo.analysis.indicators import parse_column
from geo.analysis.standards import (PovertyStandard, StandardChange, standard_by_key, standard_change,
                                    standard_for_year)

__all__ = [
    "TARGET_PREFIX", "ROUNDING_TOLERANCE", "RATE", "COUNT", "YearTable", "StackReport", "year_table", "undated_columns",
    "add_year", "change_table", "diverging_bins", "split_bins", "RuleTarget", "Assessment", "assess", "trend",
    "lagging_designations",
]

TARGET_PREFIX = "target_"
ROUNDING_TOLERANCE = 0.005  # points: rates are published with two decimals
RATE = "poor_rate"
COUNT = "poor"
REDUCED = "poor_rate_reduced"
DEFAULT_RULE_POINTS = 2.0  # Kế hoạch 78/KH-UBND: giảm bình quân từ 2% trở lên mỗi năm
DEFAULT_RULE_POOR_POINTS = 3.5  # ... riêng các huyện, xã có tỷ lệ hộ nghèo cao từ 3,5% trở lên
_IDENTITY = ("code", "name", "parent_code", "parent_name")


# ---------------------------------------------------------------------------
# Several years in one dataset
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class YearTable:
    """One row per unit with indicators of several years, and what each year is.

    Attributes
    ----------
    data
        ``code``, ``name`` (and parents when known), results ``<base>_<year>`` and plan figures
        ``target_<base>_<year>``.
    sources
        Year -> where that year's figures come from (file name or citation).
    standards
        Year -> poverty standard key (``"2016-2020"``...), declared by the table or the year's own.
    plan_years
        Years whose figures are a plan (kept under ``target_``), not results.
    """

    data: pd.DataFrame
    sources: Mapping[int, str] = field(default_factory=dict)
    standards: Mapping[int, str] = field(default_factory=dict)
    plan_years: tuple[int, ...] = ()

    @property
    def years(self) -> list[int]:
        """Years with a result for the poverty rate, in order."""
        return sorted({y for c in self.data.columns for b, y in [parse_column(str(c))] if b == RATE and y})

    @property
    def target_years(self) -> list[int]:
        """Years with a planned rate or a planned reduction."""
        out = set()
        for c in self.data.columns:
            base, year = parse_column(str(c))
            if year and base in (TARGET_PREFIX + RATE, TARGET_PREFIX + REDUCED):
                out.add(year)
        return sorted(out)

    def standard(self, year: int) -> PovertyStandard | None:
        """The standard the figures of ``year`` are measured by."""
        return standard_for_year(year, declared=self.standards.get(int(year)))


@dataclass
class StackReport:
    """What stacking another year's table did."""

    years: list[int]
    year_from: str  # "header" | "typed"
    columns: list[str]
    matched: int
    missing: list[str] = field(default_factory=list)  # codes of the dataset absent from the new table
    extra: list[str] = field(default_factory=list)  # codes of the new table absent from the dataset
    replaced: list[str] = field(default_factory=list)  # result columns already present, replaced by the new table
    kept_as_targets: list[str] = field(default_factory=list)  # plan columns of the same year, kept as targets
    standards: dict[int, str] = field(default_factory=dict)  # year -> poverty standard key it is measured under
    standard_from: str = "year"  # "year" (the year's own) | "declared" (chosen by the user) | "title" (read from it)
    notes: list[str] = field(default_factory=list)  # catalogue keys about the table's rates (scaled, maybe fractions)

    def summary(self, lang: str = "vi") -> str:
        from geo.text.i18n import t

        text = t("progress.stacked", lang, years=", ".join(map(str, self.years)), matched=self.matched,
                 columns=len(self.columns), how=t(f"progress.year_from.{self.year_from}", lang))
        if self.missing:
            text += " " + t("progress.stack_missing", lang, n=len(self.missing), codes=", ".join(self.missing[:10]))
        if self.extra:
            text += " " + t("progress.stack_extra", lang, n=len(self.extra), codes=", ".join(self.extra[:10]))
        if self.replaced:
            text += " " + t("progress.stack_replaced", lang, columns=", ".join(self.replaced))
        by_standard: dict[str, list[int]] = {}
        for year, key in sorted(self.standards.items()):
            if key:
                by_standard.setdefault(key, []).append(year)
        for key, years in by_standard.items():
            found = standard_by_key(key)
            text += " " + t("progress.stack_standard", lang, years=", ".join(map(str, years)),
                            standard=found.label(lang) if found else key,
                            how=t(f"progress.standard_from.{self.standard_from}", lang))
        for note in self.notes:
            text += " " + t(note, lang)
        return text


def _value_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c not in _IDENTITY and c != "source_row" and pd.api.types.is_numeric_dtype(df[c])]


def _as_targets(df: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    years = {int(y) for y in years}
    renames = {}
    for col in _value_columns(df):
        base, year = parse_column(col)
        if year in years and not base.startswith(TARGET_PREFIX):
            renames[col] = f"{TARGET_PREFIX}{col}"
    return df.rename(columns=renames)


def undated_columns(data: pd.DataFrame) -> list[str]:
    """Indicator columns whose header names no year (``poor_rate``): a year must be given for them."""
    return [c for c in _value_columns(data) if parse_column(c)[1] is None]


def year_table(data: pd.DataFrame, *, source: str = "", plan_years: Iterable[int] = (),
               standard: str | None = None, year: int | None = None) -> YearTable:
    """A :class:`YearTable` from one table (e.g. the built-in KH 78 table, whose 2021 columns are the plan).

    ``standard`` is the poverty standard the table declares for all its years (KH 78: "theo chuẩn nghèo giai
    đoạn 2016–2020"); otherwise each year takes its period's. ``year`` is the year of the columns whose header
    names none (``poor_rate`` -> ``poor_rate_2021``).
    """
    if "code" not in data.columns:
        raise GeoError("progress_no_code", columns=", ".join(map(str, data.columns)))
    if year is not None:
        data = data.rename(columns={c: f"{c}_{int(year)}" for c in undated_columns(data)})
    keep = [c for c in _IDENTITY if c in data.columns] + _value_columns(data)
    df = data[keep].copy()
    df["code"] = df["code"].astype(object).map(lambda v: None if v is None or v != v else str(v))
    df = df[df["code"].notna()].drop_duplicates("code").reset_index(drop=True)
    plan_years = tuple(sorted({int(y) for y in plan_years}))
    df = _as_targets(df, plan_years)
    years = {parse_column(c)[1] for c in _value_columns(df)} - {None}
    return YearTable(
        data=df, sources={y: source for y in years},
        standards={y: (standard_for_year(y, declared=standard).key if standard_for_year(y, declared=standard) else "")
                   for y in years},
        plan_years=plan_years,
    )


def add_year(dataset: YearTable, table: pd.DataFrame, *, year: int | None = None, source: str = "",
             standard: str | None = None, plan: bool = False) -> tuple[YearTable, StackReport]:
    """Stack another year's table onto ``dataset`` by unit code.

    Parameters
    ----------
    table
        One row per unit with ``code`` and indicator columns, e.g. ``IndicatorTable.data``.
    year
        The year of columns whose header has none (``poor_rate`` -> ``poor_rate_2021``). Columns whose header
        names a year keep it. Without a year in the headers, ``year`` is required.
    standard
        The poverty standard the table declares; default: each year's period.
    plan
        The table is a plan: its figures become targets.

    Raises
    ------
    GeoError
        ``progress_year_needed`` (no year in the headers and none typed), ``progress_no_code``,
        ``progress_no_overlap`` (no code in common with the dataset).
    """
    if "code" not in table.columns:
        raise GeoError("progress_no_code", columns=", ".join(map(str, table.columns)))
    values = _value_columns(table)
    undated = undated_columns(table)
    if undated and year is None:
        raise GeoError("progress_year_needed", file=source or "–", columns=", ".join(undated))
    renames = {c: f"{c}_{int(year)}" for c in undated}
    new = table[[c for c in _IDENTITY if c in table.columns] + values].rename(columns=renames).copy()
    new["code"] = new["code"].astype(object).map(lambda v: None if v is None or v != v else str(v))
    new = new[new["code"].notna()].drop_duplicates("code")
    years = sorted({parse_column(c)[1] for c in _value_columns(new)} - {None})
    if plan:
        new = _as_targets(new, years)
    base = dataset.data.copy()
    common = set(base["code"]) & set(new["code"])
    if not common:
        raise GeoError("progress_no_overlap", file=source or "–", sample=", ".join(sorted(new["code"])[:5]) or "–")
    new_values = _value_columns(new)
    replaced, kept = [], []
    for col in new_values:
        if col in base.columns:
            replaced.append(col)
            base = base.drop(columns=col)
    plan_years = set(dataset.plan_years)
    if not plan:
        # Results for a planned year: the plan's figures stay (they are already target_ columns).
        kept = [c for c in base.columns if c.startswith(TARGET_PREFIX) and parse_column(c)[1] in years]
    merged = base.merge(new[["code"] + new_values], on="code", how="outer", sort=False)
    # Units only in the new table keep their name.
    if "name" in new.columns and "name" in merged.columns:
        names = new.set_index("code")["name"]
        merged["name"] = merged["name"].where(merged["name"].notna(), merged["code"].map(names))
    sources = dict(dataset.sources)
    standards = dict(dataset.standards)
    for y in years:
        sources[y] = source
        found = standard_for_year(y, declared=standard)
        standards[y] = found.key if found else ""
    if plan:
        plan_years |= set(years)
    report = StackReport(
        years=years, year_from="typed" if undated else "header", columns=new_values, matched=len(common),
        missing=sorted(set(base["code"]) - set(new["code"])), extra=sorted(set(new["code"]) - set(base["code"])),
        replaced=replaced, kept_as_targets=kept, standards={y: standards[y] for y in years},
        standard_from="declared" if standard else "year",
    )
    return YearTable(merged, sources, standards, tuple(sorted(plan_years))), report


# ---------------------------------------------------------------------------
# Change between two years
# ---------------------------------------------------------------------------
def change_table(dataset: YearTable, *, year_from: int, year_to: int, lang: str = "vi") -> pd.DataFrame:
    """Change of each unit between two years.

    Returns
    -------
    DataFrame
        ``code, name, poor_rate_<from>, poor_rate_<to>, change_points`` (to − from: negative is a reduction),
        and when both years have counts ``poor_<from>, poor_<to>, poor_change_pct`` ((to − from) / from × 100).
        ``attrs["standard_change"]`` is a :class:`StandardChange` when the two years are measured by different
        poverty standards (None otherwise); ``attrs["warning"]`` says it in ``lang``.
    """
    df = dataset.data
    a, b = f"{RATE}_{year_from}", f"{RATE}_{year_to}"
    for col, y in ((a, year_from), (b, year_to)):
        if col not in df.columns:
            raise GeoError("progress_year_missing", year=y, years=", ".join(map(str, dataset.years)) or "–")
    out = df[[c for c in ("code", "name") if c in df.columns]].copy()
    out[a], out[b] = df[a], df[b]
    out["change_points"] = (df[b] - df[a]).round(2)
    pa, pb = f"{COUNT}_{year_from}", f"{COUNT}_{year_to}"
    if pa in df.columns and pb in df.columns:
        out[pa], out[pb] = df[pa], df[pb]
        den = df[pa].where(df[pa] > 0)
        out["poor_change_pct"] = ((df[pb] - df[pa]) / den * 100).round(2)
    change = standard_change(year_from, year_to, declared_from=dataset.standards.get(year_from),
                             declared_to=dataset.standards.get(year_to))
    out.attrs["standard_change"] = change
    out.attrs["warning"] = change.message(lang) if change else None
    return out


def diverging_bins(values, *, k: int = 7) -> list[float]:
    """Upper bounds of ``k`` (odd) classes symmetric about zero, the middle class straddling zero.

    Classes are ``step`` wide with ``step`` from the 1–2–5 series, so the legend reads in round numbers and
    both sides have the same colour strength for the same size of change:
    ``diverging_bins([-4.06, -0.06])`` -> ``[-5, -3, -1, 1, 3, 5, 7]``.
    """
    if k % 2 == 0 or k < 3:
        raise GeoError("classes_out_of_range", k=k, min_k=3, max_k=7)
    arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    arr = arr[np.isfinite(arr)]
    top = float(np.abs(arr).max()) if arr.size else 0.0
    step = _step_at_least(2 * top / k if top > 0 else 0.1)
    half = (k - 1) // 2
    edges = [step * (2 * i + 1) / 2 for i in range(-half, half + 1)]
    return [round(e, 6) for e in edges]


def split_bins(values, *, k: int = 6) -> list[float]:
    """Upper bounds of ``k`` (even) classes with zero as a class boundary: ``≤ 0`` on one side, ``> 0`` on the
    other. For the gap to target, where ``≤ 0`` is *đạt* and ``> 0`` *không đạt* (gaps have two decimals),
    so no class mixes the two. ``split_bins([-0.72, 1.27])`` -> ``[-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]``.
    """
    if k % 2 or k < 2:
        raise GeoError("classes_out_of_range", k=k, min_k=2, max_k=6)
    arr = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    arr = arr[np.isfinite(arr)]
    top = float(np.abs(arr).max()) if arr.size else 0.0
    half = k // 2
    step = _step_at_least(top / half if top > 0 else 0.1)
    return [round(step * i, 6) for i in range(-(half - 1), half + 1)]


def _step_at_least(x: float) -> float:
    """The smallest of 1, 2, 5 × 10^n that is ≥ ``x``."""
    exp = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * 10 ** exp >= x - 1e-12:
            return round(m * 10 ** exp, 10)
    return 10.0 ** (exp + 1)


# ---------------------------------------------------------------------------
# Targets vs results
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleTarget:
    """A reduction rule without a plan table: at least ``points`` a year, ``poor_points`` for poor units."""

    points: float = DEFAULT_RULE_POINTS
    poor_points: float = DEFAULT_RULE_POOR_POINTS
    poor_codes: frozenset[str] = frozenset()

    def text(self, lang: str = "vi") -> str:
        from geo.text.i18n import format_number, t

        return t("progress.rule_text", lang, points=format_number(self.points, 1, lang).rstrip("0").rstrip(",."),
                 poor_points=format_number(self.poor_points, 1, lang).rstrip("0").rstrip(",."))


@dataclass
class Assessment:
    """Targets against results for one period.

    ``table`` has one row per unit: ``code, name, baseline`` (rate of ``year_from``), ``target`` (target rate of
    ``year_to``), ``planned_reduction``, ``result`` (rate of ``year_to``), ``reduction`` (achieved),
    ``gap`` (result − target, points: positive is behind), ``met`` (True/False, None without data),
    ``status`` ("đạt" / "không đạt" / "chưa có số liệu"), ``target_source`` ("plan" | "rule").
    """

    table: pd.DataFrame
    year_from: int
    year_to: int
    basis: str  # "plan" | "rule"
    rule: RuleTarget | None = None
    standard_change: StandardChange | None = None
    sources: dict = field(default_factory=dict)

    @property
    def lagging(self) -> list[str]:
        """Codes that did not meet their target."""
        return list(self.table.loc[self.table["met"] == False, "code"])  # noqa: E712 - None is "no data"

    def counts(self) -> dict[str, int]:
        met = self.table["met"]
        return {"met": int((met == True).sum()), "not_met": int((met == False).sum()),  # noqa: E712
                "no_data": int(met.isna().sum())}


def assess(dataset: YearTable, *, year_to: int, year_from: int | None = None, rule: RuleTarget | None = None,
           lang: str = "vi") -> Assessment:
    """Each unit's target, result, gap and đạt / không đạt.

    With a plan for ``year_to`` in the dataset (``target_poor_rate_<year_to>`` or
    ``target_poor_rate_reduced_<year_to>``) and no ``rule``, the plan's targets are used; otherwise ``rule``
    (default :class:`RuleTarget` with no poor units) over ``year_to − year_from`` years. ``year_from`` defaults to
    the latest result year before ``year_to``.

    Raises
    ------
    GeoError
        ``progress_year_missing`` when a year has no poverty rate.
    """
    df = dataset.data
    result_col = f"{RATE}_{year_to}"
    if result_col not in df.columns:
        raise GeoError("progress_year_missing", year=year_to, years=", ".join(map(str, dataset.years)) or "–")
    if year_from is None:
        before = [y for y in dataset.years if y < year_to]
        if not before:
            raise GeoError("progress_year_missing", year=year_to - 1, years=", ".join(map(str, dataset.years)))
        year_from = before[-1]
    base_col = f"{RATE}_{year_from}"
    if base_col not in df.columns:
        raise GeoError("progress_year_missing", year=year_from, years=", ".join(map(str, dataset.years)) or "–")
    baseline = pd.to_numeric(df[base_col], errors="coerce")
    result = pd.to_numeric(df[result_col], errors="coerce")
    t_rate = f"{TARGET_PREFIX}{RATE}_{year_to}"
    t_red = f"{TARGET_PREFIX}{REDUCED}_{year_to}"
    has_plan = t_rate in df.columns or t_red in df.columns
    if has_plan and rule is None:
        basis = "plan"
        target = pd.to_numeric(df[t_rate], errors="coerce") if t_rate in df.columns else None
        planned = pd.to_numeric(df[t_red], errors="coerce") if t_red in df.columns else None
        if target is None:
            target = (baseline - planned).round(2)
        if planned is None:
            planned = (baseline - target).round(2)
    else:
        basis = "rule"
        rule = rule or RuleTarget()
        years = max(1, int(year_to) - int(year_from))
        per_year = df["code"].map(lambda c: rule.poor_points if str(c) in rule.poor_codes else rule.points)
        # A unit cannot go below zero: its planned reduction is at most its baseline.
        planned = np.minimum(per_year * years, baseline).round(2)
        target = (baseline - planned).clip(lower=0).round(2)
    gap = (result - target).round(2)
    met = pd.Series([None if (math.isnan(g) if isinstance(g, float) else pd.isna(g)) else bool(g <= ROUNDING_TOLERANCE)
                     for g in gap], index=df.index, dtype=object)
    from geo.text.i18n import t

    status = [t("progress.status.no_data" if m is None else "progress.status.met" if m else "progress.status.not_met",
                lang) for m in met]
    table = pd.DataFrame({
        "code": df["code"], "name": df["name"] if "name" in df.columns else None,
        "baseline": baseline, "target": target, "planned_reduction": planned, "result": result,
        "reduction": (baseline - result).round(2), "gap": gap, "met": met, "status": status,
        "target_source": basis,
    })
    if basis == "rule":
        table["poor_unit"] = df["code"].astype(str).isin(rule.poor_codes)
    change = standard_change(year_from, year_to, declared_from=dataset.standards.get(year_from),
                             declared_to=dataset.standards.get(year_to))
    return Assessment(table=table.reset_index(drop=True), year_from=int(year_from), year_to=int(year_to), basis=basis,
                      rule=rule if basis == "rule" else None, standard_change=change,
                      sources={y: dataset.sources.get(y, "") for y in (year_from, year_to)})


def lagging_designations(assessment: Assessment, *, level: str, vintage: str = "pre2025"):
    """The units that did not meet their target as ``lagging`` designations (usable in priority rules)."""
    from geo.units.designations import Designation, DesignationSet

    from geo.text.i18n import format_number, t

    rows = assessment.table[assessment.table["met"] == False]  # noqa: E712
    basis = t("progress.basis.plan", "vi") if assessment.basis == "plan" else assessment.rule.text("vi")
    src = t("progress.lagging_source", "vi", year_from=assessment.year_from, year_to=assessment.year_to, basis=basis)

    def num(v):
        return format_number(v, 2, "vi")

    return DesignationSet(tuple(
        Designation(type="lagging", code=r["code"], level=level, vintage=vintage, origin="imported", source=src,
                    note=t("progress.lagging_note", "vi", result=num(r["result"]), target=num(r["target"]),
                           gap=("+" if r["gap"] > 0 else "") + num(r["gap"])))
        for r in rows.to_dict("records")
    ))


# ---------------------------------------------------------------------------
# Trend of one unit
# ---------------------------------------------------------------------------
def trend(dataset: YearTable, code: str) -> pd.DataFrame:
    """Rates of one unit across the years: ``year, rate, target, standard`` (target where a plan gives one)."""
    df = dataset.data.set_index("code")
    if str(code) not in df.index:
        raise GeoError("progress_unknown_unit", code=code)
    row = df.loc[str(code)]
    years = sorted(set(dataset.years) | set(dataset.target_years))
    out = []
    for y in years:
        rate = row.get(f"{RATE}_{y}")
        target = row.get(f"{TARGET_PREFIX}{RATE}_{y}")
        if target is None or pd.isna(target):
            red = row.get(f"{TARGET_PREFIX}{REDUCED}_{y}")
            prev = row.get(f"{RATE}_{y - 1}")
            target = prev - red if red is not None and prev is not None and not pd.isna(red) else np.nan
        std = dataset.standard(y)
        out.append({"year": y, "rate": float(rate) if rate is not None and not pd.isna(rate) else np.nan,
                    "target": float(target) if not pd.isna(target) else np.nan, "standard": std.key if std else ""})
    return pd.DataFrame(out)


def with_years(dataset: YearTable, **changes) -> YearTable:
    """A copy of ``dataset`` with fields replaced (the dataclass is frozen)."""
    return replace(dataset, **changes)
