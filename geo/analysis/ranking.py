"""Ranking: tiers from rules, a composite score, the tie order and the reasons in words.

The app's Priority page and ``python -m geo priority`` both call :func:`rank`
(through :func:`geo.workflows.priority.prioritise`).

Tiers are tried in order; a unit gets the first tier whose rule holds
(tier 1 is the highest priority). The reasons are the parts of that rule
which held, in words: ``"Xã biên giới; tỷ lệ hộ nghèo 24,3% ≥ 20%"``.
Designations count only when in force on ``rules.on`` (their validity period).

Score
-----
``score = 100 × Σ wᵢ·nᵢ / Σ wᵢ + Σ bonus(designation)``, where ``nᵢ`` is
indicator ``i`` min–max normalised *within the units ranked*:
``(x − min) / (max − min)``, or ``(max − x) / (max − min)`` when a lower value
means more need. A missing value counts 0 (no evidence of need); a column
whose values are all equal gives 0 to every unit. Bonuses are points added
for each effective designation of the unit.

Order
-----
Tier (1 first, units without a tier last), then score (descending), then the
poor rate (descending, missing last), then the code (ascending): the same
inputs always give the same ranks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.analysis.rules import (
    ManualDecision,
    RuleSet,
    ScoreSpec,
    indicator_header,
    is_missing,
    join_reasons,
    reason_text,
)
from geo.units.designations import DESIGNATION_TYPES, DesignationSet, designation_label
from geo.text.i18n import DEFAULT_LANG, has_message, t

__all__ = ["RANK_COLUMNS", "rank", "rule_warnings", "ranking_table", "district_is_unit", "numeric_columns",
           "district_columns"]

# Columns rank() puts first, in this order (district columns only when the input has them).
RANK_COLUMNS = [
    "rank", "code", "name", "district_code", "district_name", "designations", "rule_tier", "tier", "tier_label",
    "score", "selected", "manual", "manual_reason", "reasons",
]


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------
def _tie_break_column(rules: RuleSet, columns) -> str | None:
    if rules.tie_break:
        return rules.tie_break
    if "poor_rate" in columns:
        return "poor_rate"
    years = sorted(c for c in columns if re.fullmatch(r"poor_rate_\d{4}", str(c)))
    return years[-1] if years else None


def numeric_columns(df: pd.DataFrame) -> list[str]:
    return [str(c) for c in df.columns if c not in ("geometry", "source_row") and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])]


def _check_names(rules: RuleSet, df: pd.DataFrame, designations: DesignationSet) -> None:
    known_types = set(DESIGNATION_TYPES) | set(designations.types)
    numeric = numeric_columns(df)
    for tier in rules.tiers:
        expr = tier.rule.text
        for name in tier.rule.flags:
            if name in known_types:
                continue
            if name in df.columns:
                raise GeoError("rule_flag_is_indicator", name=name, expression=expr)
            raise GeoError("rule_unknown_name", name=name, expression=expr,
                           designations=", ".join(sorted(known_types)), columns=", ".join(numeric) or "–")
        for name in tier.rule.indicators:
            if name in known_types and name not in df.columns:
                raise GeoError("rule_indicator_is_flag", name=name, expression=expr)
            if name not in df.columns:
                raise GeoError("rule_unknown_name", name=name, expression=expr,
                               designations=", ".join(sorted(known_types)), columns=", ".join(numeric) or "–")
            if name not in numeric:
                raise GeoError("rule_not_numeric", name=name, expression=expr)
    for w in rules.score.weights:
        if w.column not in numeric:
            raise GeoError("score_unknown_column", column=w.column, columns=", ".join(numeric) or "–")
    if rules.tie_break and rules.tie_break not in numeric:
        raise GeoError("score_unknown_column", column=rules.tie_break, columns=", ".join(numeric) or "–")


def _scores(df: pd.DataFrame, types_of: list[set[str]], spec: ScoreSpec) -> pd.Series:
    total_w = sum(w.weight for w in spec.weights)
    score = pd.Series(0.0, index=df.index)
    if total_w > 0:
        for w in spec.weights:
            x = pd.to_numeric(df[w.column], errors="coerce").astype(float)
            lo, hi = x.min(), x.max()
            if pd.isna(lo) or hi == lo:
                norm = pd.Series(0.0, index=df.index)
            else:
                norm = (x - lo) / (hi - lo) if w.higher_is_need else (hi - x) / (hi - lo)
            score += w.weight * norm.fillna(0.0)
        score = 100.0 * score / total_w
    bonus = [sum(spec.bonuses.get(k, 0.0) for k in kinds) for kinds in types_of]
    return (score + pd.Series(bonus, index=df.index, dtype=float)).round(settings.SCORE_DECIMALS)


def district_columns(df: pd.DataFrame) -> dict[str, str]:
    out = {}
    for target, candidates in (("district_code", ("district_code", "parent_code")),
                               ("district_name", ("district_name", "parent_name"))):
        for c in candidates:
            if c in df.columns:
                out[target] = c
                break
    return out


def rank(
    units_df: pd.DataFrame,
    *,
    designations: DesignationSet,
    rules: RuleSet,
    manual: Iterable[ManualDecision] | None = None,
    lang: str = DEFAULT_LANG,
) -> pd.DataFrame:
    """Every unit with its tier, score, rank and the reasons in words.

    Parameters
    ----------
    units_df
        One row per unit: ``code`` (GSO, text), ``name``, optionally
        ``district_code``/``district_name`` (or ``parent_code``/``parent_name``)
        and the indicator columns the rules read. A GeoDataFrame keeps its geometry.
    designations
        Effective designations are looked up by code (at ``rules.on`` when set).
    rules
        Tiers, score and labels.
    manual
        Include/exclude decisions, each with a reason; reflected in ``tier``,
        ``selected`` and ``reasons`` (``rule_tier`` keeps what the rules said).
    lang
        Language of ``reasons`` and ``tier_label`` defaults: ``"vi"`` or ``"en"``.

    Returns
    -------
    DataFrame
        Sorted by ``rank`` (see the module docstring for the order), columns
        :data:`RANK_COLUMNS` first, then the input's other columns.
        ``tier`` is a nullable integer (<NA> = no tier); ``designations`` lists
        the unit's effective types, comma-separated.

    Raises
    ------
    GeoError
        For a rule or weight naming an unknown or non-numeric column, or a
        manual decision on a code not in ``units_df``.
    """
    if "code" not in units_df.columns:
        raise GeoError("units_no_code", columns=", ".join(map(str, units_df.columns)))
    df = units_df.reset_index(drop=True).copy()
    df["code"] = df["code"].astype(object).map(lambda v: None if is_missing(v) else str(v))
    if df["code"].isna().any() or df["code"].duplicated().any():
        bad = sorted(set(df["code"][df["code"].duplicated()].dropna())) or ["∅"]
        raise GeoError("units_bad_codes", codes=", ".join(bad[:10]))
    if "name" not in df.columns:
        df["name"] = None
    _check_names(rules, df, designations)

    by_code = designations.types_by_code(on=rules.on)
    types_of = [by_code.get(code, set()) for code in df["code"]]
    read = rules.indicators
    records = df[read].to_dict("records") if read else [{} for _ in range(len(df))]

    rule_tier: list[int | None] = []
    reasons: list[list[str]] = []
    for kinds, values in zip(types_of, records):
        found, why = None, []
        for number, tier in enumerate(rules.tiers, start=1):
            held, parts = tier.rule.evaluate(kinds, values)
            if held is True:
                found, why = number, [reason_text(p, lang, rules.labels) for p in parts]
                break
        rule_tier.append(found)
        reasons.append(why)

    decisions: dict[str, ManualDecision] = {}
    for d in manual or ():
        if d.code not in set(df["code"]):
            raise GeoError("manual_unknown_code", code=d.code)
        if d.code in decisions:
            raise GeoError("manual_duplicate", code=d.code)
        if d.tier is not None and d.tier > max(len(rules.tiers), 1):
            raise GeoError("manual_invalid", code=d.code, field="tier", value=d.tier)
        decisions[d.code] = d

    lowest = max(len(rules.tiers), 1)
    tier, manual_action, manual_reason, texts = [], [], [], []
    for code, computed, why in zip(df["code"], rule_tier, reasons):
        d = decisions.get(code)
        if d is None:
            tier.append(computed)
            manual_action.append(None)
            manual_reason.append(None)
            texts.append(join_reasons(why))
        elif d.action == "include":
            tier.append(d.tier or computed or lowest)
            manual_action.append("include")
            manual_reason.append(d.reason)
            texts.append(join_reasons([t("reason.include", lang, reason=d.reason)] + why))
        else:
            tier.append(None)
            manual_action.append("exclude")
            manual_reason.append(d.reason)
            texts.append(join_reasons([t("reason.exclude", lang, reason=d.reason)] + why))

    def label_of(number):
        if number is None:
            return ""
        if number <= len(rules.tiers) and rules.tiers[number - 1].label:
            return rules.tiers[number - 1].label
        return t("priority.tier_default", lang, n=number)

    out = df
    out["designations"] = [",".join(k for k in _ordered_types(kinds)) for kinds in types_of]
    out["rule_tier"] = pd.array(rule_tier, dtype="Int64")
    out["tier"] = pd.array(tier, dtype="Int64")
    out["tier_label"] = pd.Series([label_of(n) for n in tier], dtype=object)
    out["score"] = _scores(df, types_of, rules.score)
    out["selected"] = out["tier"].notna().to_numpy(dtype=bool)
    out["manual"] = pd.Series(manual_action, dtype=object)
    out["manual_reason"] = pd.Series(manual_reason, dtype=object)
    out["reasons"] = pd.Series(texts, dtype=object)

    tie = _tie_break_column(rules, out.columns)
    keys = pd.DataFrame({
        "t": out["tier"].astype("Float64").fillna(np.inf).astype(float),
        "s": -out["score"].astype(float),
        "p": (-pd.to_numeric(out[tie], errors="coerce").astype(float)).fillna(np.inf) if tie else 0.0,
        "c": out["code"],
    })
    order = keys.sort_values(["t", "s", "p", "c"], kind="mergesort").index
    out = out.loc[order].reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    districts = district_columns(out)
    for target, source in districts.items():
        if target not in out.columns:
            out[target] = out[source]
    lead = [c for c in RANK_COLUMNS if c in out.columns]
    rest = [c for c in out.columns if c not in lead]
    result = out[lead + rest]
    return result


def _ordered_types(kinds: set[str]) -> list[str]:
    return [k for k in DESIGNATION_TYPES if k in kinds] + sorted(kinds - set(DESIGNATION_TYPES))


def rule_warnings(
    units_df: pd.DataFrame, *, designations: DesignationSet, rules: RuleSet, lang: str = DEFAULT_LANG,
) -> list[str]:
    """Things a planner should know before trusting a ranking, in words.

    A rule naming a designation type that no unit carries (e.g. ``border``
    while no border list was loaded: the condition is always false), and
    indicator columns with missing values.
    """
    out = []
    by_code = designations.types_by_code(on=rules.on)
    codes = set(units_df["code"].astype(str)) if "code" in units_df else set()
    present = {k for code, kinds in by_code.items() if code in codes for k in kinds}
    for name in rules.flags:
        if name not in present:
            out.append(t("priority.warn.empty_designation", lang, name=name, label=designation_label(name, lang)))
    for column in rules.indicators:
        if column in units_df:
            n = int(pd.to_numeric(units_df[column], errors="coerce").isna().sum())
            if n:
                out.append(t("priority.warn.missing_values", lang, n=n, column=column))
    return out


_TABLE_COLUMNS = ("rank", "code", "name", "district_name", "designations", "tier", "tier_label", "score", "selected",
                  "reasons")


def district_is_unit(frame: pd.DataFrame) -> bool:
    """Whether the rows are districts themselves (their ``district_name`` is their ``name``), whatever the dtypes."""
    if "district_name" not in frame or "name" not in frame:
        return False
    return bool((frame["district_name"].astype(object) == frame["name"].astype(object)).all())


def ranking_table(ranked: pd.DataFrame, *, lang: str = DEFAULT_LANG, indicators: Iterable[str] = ()) -> pd.DataFrame:
    """The ranked list for people: translated headers, designation words, yes/no (for CSV/XLSX and the app)."""
    cols = [c for c in _TABLE_COLUMNS if c in ranked.columns]
    if "district_name" in cols and "name" in cols and district_is_unit(ranked):
        cols.remove("district_name")  # district-level ranking: the district is the unit itself
    extra = [c for c in indicators if c in ranked.columns and c not in cols]
    head = [c for c in cols if c in ("rank", "code", "name", "district_name")]  # the unit, then its indicators
    out = ranked[head + extra + [c for c in cols if c not in head]].copy()
    if "designations" in out:
        out["designations"] = [
            ", ".join(designation_label(k, lang) for k in str(v).split(",") if k) if isinstance(v, str) else ""
            for v in out["designations"]
        ]
    if "selected" in out:
        out["selected"] = [t("yes" if v else "no", lang) for v in out["selected"]]
    headers = {c: t(f"priority.col.{c}", lang) for c in cols if has_message(f"priority.col.{c}")}
    headers.update({c: indicator_header(c, lang) for c in extra})
    return out.rename(columns=headers)
