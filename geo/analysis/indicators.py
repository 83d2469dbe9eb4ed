"""Canonical indicators: what each column means, how to label it, how to aggregate it.

Columns are named ``<base>[_<year>]``: ``poor_rate_2020``, ``households``.
Counts add up; rates never do: a rate over several units is recomputed from
the summed counts (``poor / households × 100``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.text.i18n import format_number, has_message, t
from geo.text.kinds import BASES, PREFERRED, Indicator, indicator_kind, is_rate, parse_column, value_kind

# The kind of each indicator (count, rate, points) is the table of geo.text.kinds, re-exported here.
__all__ = ["Indicator", "BASES", "parse_column", "indicator_options", "label", "unit_label", "format_value",
           "Aggregation", "aggregate", "aggregate_units", "recompute_rates", "is_rate", "indicator_kind", "value_kind",
           "pick_column"]


def pick_column(columns, base: str, year: int | str | None = None, *, latest: bool = False) -> str | None:
    """The column holding ``base``: ``base_<year>`` when a year is given, else ``base`` itself,
    else its earliest (or, with ``latest``, its latest) ``base_YYYY``; None when absent."""
    columns = [str(c) for c in columns]
    if year is not None:
        name = f"{base}_{year}"
        return name if name in columns else None
    if base in columns:
        return base
    years = sorted(c for c in columns if re.fullmatch(rf"{re.escape(base)}_\d{{4}}", c))
    if not years:
        return None
    return years[-1] if latest else years[0]


def indicator_options(columns) -> dict[str, list[int | None]]:
    """Bases present in ``columns`` with their years, in planner order (rates first)."""
    found: dict[str, set] = {}
    for col in columns:
        base, year = parse_column(col)
        found.setdefault(base, set()).add(year)
    order = [b for b in PREFERRED if b in found] + sorted(b for b in found if b not in PREFERRED)
    return {b: sorted(found[b], key=lambda y: (y is None, y)) for b in order}


def column_name(base: str, year: int | None) -> str:
    return f"{base}_{year}" if year else base


def label(column: str, lang: str = "vi") -> str:
    """Human label: "Tỷ lệ hộ nghèo (%) năm 2020"."""
    base, year = parse_column(column)
    # A column the catalogue does not name (an uploaded table's own header) is shown as written.
    text = t(f"indicator.{base}", lang) if has_message(f"indicator.{base}") else base.replace("_", " ")
    if year:
        text += f" {'năm' if lang == 'vi' else 'in'} {year}"
    return text


def unit_label(column: str, lang: str = "vi") -> str:
    kind = indicator_kind(column)
    if kind is None:
        return ""
    return {"count": "hộ" if lang == "vi" else "households", "rate": "%", "points": "điểm %" if lang == "vi" else "points"}[kind]


def decimals(column: str) -> int:
    return 2 if is_rate(column) else 0


def format_value(value, column: str, lang: str = "vi") -> str:
    """A value with its unit, the reader's way: "8,51%", "1.423 hộ"."""
    text = format_number(value, decimals(column), lang)
    if text == "–":
        return t("no_data", lang)
    unit = unit_label(column, lang)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def recompute_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Rates from counts wherever both counts exist (used after summing)."""
    out = df.copy()
    for col in df.columns:
        base, year = parse_column(col)
        ind = BASES.get(base)
        if not ind or ind.kind != "rate":
            continue
        num, den = column_name(ind.numerator, year), column_name(ind.denominator, year)
        if num in out and den in out:
            den_values = pd.to_numeric(out[den], errors="coerce")
            out[col] = (pd.to_numeric(out[num], errors="coerce") / den_values.where(den_values > 0) * 100).round(2)
    return out


@dataclass
class Aggregation:
    """Units summed into groups (communes into districts), with what kept a group from a total.

    Attributes
    ----------
    data
        One row per group: ``by``, the counts summed, the rates recomputed from the summed counts.
    missing
        ``{group: [unit, ...]}``: the units of each group that lack a count (no row, or an empty
        cell). Their group has no data for that count, and none for the rates built on it.
    """

    data: pd.DataFrame
    missing: dict[str, list] = field(default_factory=dict)


def aggregate_units(df: pd.DataFrame, by: str, *, columns: list[str] | None = None,
                    unit: str | None = None) -> Aggregation:
    """Sum counts by ``by`` and recompute rates, the one rule for every level change.

    Rule: counts add up; rates never do (recomputed as ``count / households × 100`` from
    the sums; other rate-like columns are dropped). A group where any unit lacks a count
    gets no data for that count, never a partial sum; ``df`` should hold every unit of
    every group (a unit without a row as a row of NaN), so a missing unit is seen.

    Parameters
    ----------
    df
        One row per unit, with the group key ``by`` and numeric columns.
    by
        Column naming each unit's group (e.g. ``"parent_code"``).
    columns
        Columns to aggregate; default every numeric column but ``by``.
    unit
        Column naming each unit, to list the units that kept a group from a total.

    Returns
    -------
    Aggregation
    """
    columns = columns or [c for c in df.columns if c != by and pd.api.types.is_numeric_dtype(df[c])]
    counts = [c for c in columns if not is_rate(c)]
    rates = [c for c in columns if BASES.get(parse_column(c)[0], Indicator("", "")).kind == "rate"]
    grouped = df.groupby(by, sort=True)
    summed = grouped[counts].sum(min_count=1) if counts else pd.DataFrame(index=grouped.size().index)
    missing: dict[str, list] = {}
    if counts:
        lacking = df[counts].apply(pd.to_numeric, errors="coerce").isna()
        incomplete = lacking.groupby(df[by]).any()
        summed = summed.mask(incomplete.reindex(summed.index).fillna(False).astype(bool))
        if unit is not None:
            gaps = df.loc[lacking.any(axis=1), [by, unit]]
            for group, members in gaps.groupby(by, sort=True)[unit]:
                missing[group] = list(members)
    for col in rates:
        summed[col] = np.nan
    return Aggregation(data=recompute_rates(summed).reset_index(), missing=missing)


def aggregate(df: pd.DataFrame, by: str, *, columns: list[str] | None = None) -> pd.DataFrame:
    """The table of :func:`aggregate_units` (sums and recomputed rates per group)."""
    return aggregate_units(df, by, columns=columns).data
