"""Value checks on every indicator table, in one place: impossible values never reach a map.

:func:`check_table` runs before any join (the one layer builder,
:func:`geo.workflows.layer.build_layer`, calls it for every page and command):

- **impossible values** become no data and are listed in ``invalid_values``
  as ``{row, column, value, reason}``: a rate below 0 or above 100, a
  negative count, poor plus near-poor households above households;
- **duplicate units** (two rows for one code, or one name within one
  district): identical rows merge with a note; conflicting rows leave the
  unit without data until the planner picks a row (``picks``) or passes
  ``prefer="first"|"last"``;
- **rates written as fractions**: a rate column whose values are all within
  0–1 and agree with its counts only once multiplied by 100 (``0.0851`` for
  8.51 %, an Excel cell without the % format) is multiplied by 100, listed in
  ``scaled``;
- **rates from counts**: a table with ``poor`` and ``households`` but no
  ``poor_rate`` gets ``poor_rate = poor / households × 100`` (the same for
  near-poor), listed in ``derived``;
- **implausible but possible values** are kept and warned about
  (``implausible``): a rate that moves by more than
  :data:`geo.settings.RATE_JUMP_POINTS` between two years of one table; years
  measured under different poverty standards are listed (``standards``).

A rate that disagrees with its own counts is reported by the join
(:func:`geo.join.match.check_consistency`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo import settings
from geo.analysis.indicators import BASES, column_name, parse_column
from geo.analysis.standards import standard_for_year
from geo.io.tables import with_data
from geo.text.names import fold_key, fold_text, unit_type_of

__all__ = ["TableChecks", "check_table", "PREFER", "duplicate_key", "outliers_by_group"]

PREFER = ("first", "last")
_ID = ("code", "name", "parent_code", "parent_name", "province_name")


@dataclass
class TableChecks:
    """What the value checks found and did.

    Attributes
    ----------
    invalid_values
        ``{row, column, value, reason}`` for each cell made no data; reasons:
        ``rate_range``, ``negative_count``, ``more_than_households``.
    merged
        Identical rows merged into one: ``{unit, rows, kept}``.
    conflicts
        Rows that disagree for one unit: ``{key, unit, rows, columns, kept}``;
        ``kept`` is the row used (``None``: the unit has no data until a row is picked).
    derived
        Rate columns computed from counts.
    implausible
        Values kept but worth a look: ``{row, column, value, previous, reason}``.
    standards
        Years of the table by poverty standard period when it holds more than one.
    scaled
        Rate columns written as fractions (0–1) and multiplied by 100 to percent.
    maybe_fractions
        Rate columns all within 0–1 without counts to check them: kept as written, with a note.
    """

    invalid_values: list[dict] = field(default_factory=list)
    merged: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    implausible: list[dict] = field(default_factory=list)
    standards: dict[str, list[int]] = field(default_factory=dict)
    scaled: list[str] = field(default_factory=list)
    maybe_fractions: list[str] = field(default_factory=list)

    @property
    def problems(self) -> int:
        """How many things a planner must see: invalid cells, conflicting units, implausible values."""
        return len(self.invalid_values) + len(self.conflicts) + len(self.implausible)

    def to_dict(self) -> dict[str, Any]:
        return {
            "invalid_values": self.invalid_values, "merged_duplicates": self.merged, "conflicts": self.conflicts,
            "derived": self.derived, "implausible": self.implausible, "standards": self.standards,
            "scaled_rates": self.scaled, "maybe_fraction_rates": self.maybe_fractions,
        }


def _rows(data: pd.DataFrame) -> list[int]:
    if "source_row" in data:
        return [int(r) if pd.notna(r) else i + 1 for i, r in enumerate(data["source_row"].tolist())]
    return list(range(1, len(data) + 1))


def _num(value) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _value_columns(data: pd.DataFrame) -> list[str]:
    skip = set(_ID) | {"source_row", "source_file", "level", "type"}
    return [c for c in data.columns if c not in skip and pd.api.types.is_numeric_dtype(data[c])
            and not pd.api.types.is_bool_dtype(data[c])]


def _invalid(data: pd.DataFrame, rows: list[int], checks: TableChecks) -> pd.DataFrame:
    """Impossible cells become NaN, each listed once with its reason."""
    out = data.copy()
    bad: dict[tuple[int, str], str] = {}
    for col in _value_columns(data):
        base, _ = parse_column(col)
        kind = BASES[base].kind if base in BASES else None
        values = pd.to_numeric(data[col], errors="coerce")
        if kind == "rate":
            for i in np.flatnonzero(((values < 0) | (values > settings.MAX_RATE)).to_numpy()):
                bad.setdefault((i, col), "rate_range")
        elif kind == "count":
            for i in np.flatnonzero((values < 0).to_numpy()):
                bad.setdefault((i, col), "negative_count")
    for col in _value_columns(data):
        base, year = parse_column(col)
        if base != "households":
            continue
        hh = pd.to_numeric(data[col], errors="coerce")
        parts = [column_name(b, year) for b in ("poor", "near_poor") if column_name(b, year) in data]
        if not parts:
            continue
        total = sum(pd.to_numeric(data[p], errors="coerce").fillna(0) for p in parts)
        for i in np.flatnonzero((total > hh).to_numpy()):
            for p in parts:
                bad.setdefault((i, p), "more_than_households")
                rate = column_name(f"{parse_column(p)[0]}_rate", year)
                if rate in data:
                    bad.setdefault((i, rate), "more_than_households")
    for (i, col), reason in sorted(bad.items(), key=lambda kv: (kv[0][0], list(data.columns).index(kv[0][1]))):
        checks.invalid_values.append({"row": rows[i], "column": col, "value": _num(data[col].iloc[i]),
                                      "reason": reason})
        out.iloc[i, out.columns.get_loc(col)] = np.nan
    return out


def duplicate_key(row: dict) -> str | None:
    """The unit a row names: its code, else its folded name within its folded district name (and its province's,
    when the table has a province column: two "Huyện Châu Thành" are two districts)."""
    code = row.get("code")
    if isinstance(code, str) and code.strip():
        return code.strip().lstrip("0") or "0"
    name = row.get("name")
    if isinstance(name, str) and name.strip():
        parent = row.get("parent_code") or row.get("parent_name") or ""
        province = row.get("province_name")
        where = f"{fold_key(province)}|" if isinstance(province, str) and province not in ("", "None", "nan") else ""
        # The type stays in the key: "Thị trấn Chi Lăng" and "Xã Chi Lăng" are two units of one district.
        return f"{where}{fold_key(str(parent))}/{fold_text(unit_type_of(name))}/{fold_key(name)}"
    return None


def _differing(a: tuple, b: tuple) -> list[int]:
    """Positions where two rows' values differ (NaN equals NaN)."""
    out = []
    for j, (x, y) in enumerate(zip(a, b)):
        nx, ny = pd.isna(x), pd.isna(y)
        if (nx and ny) or (not nx and not ny and x == y):
            continue
        out.append(j)
    return out


def _duplicates(data: pd.DataFrame, rows: list[int], checks: TableChecks, *, prefer: str | None,
                picks: dict | None) -> pd.DataFrame:
    keys = [duplicate_key(r) for r in data[[c for c in _ID if c in data]].to_dict("records")]
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key is not None:
            groups.setdefault(key, []).append(i)
    values = _value_columns(data)
    drop: list[int] = []
    picks = picks or {}
    # Plain lists, read once: a pandas row look-up per duplicate took 15 s for a national table of bare names.
    cells = list(zip(*(data[c].tolist() for c in values))) if values else [()] * len(data)
    idents = {k: data[k].tolist() for k in ("code", "name") if k in data}
    order = {c: i for i, c in enumerate(data.columns)}
    for key, members in groups.items():
        if len(members) < 2:
            continue
        unit = {k: col[members[0]] for k, col in idents.items() if isinstance(col[members[0]], str)}
        differ = sorted({values[j] for m in members[1:] for j in _differing(cells[members[0]], cells[m])},
                        key=order.get)
        if not differ:
            checks.merged.append({"unit": unit, "rows": [rows[m] for m in members], "kept": rows[members[0]]})
            drop += members[1:]
            continue
        pick = picks.get(key)
        if pick is not None and pick in [rows[m] for m in members]:
            keep = members[[rows[m] for m in members].index(pick)]
        elif prefer == "first":
            keep = members[0]
        elif prefer == "last":
            keep = members[-1]
        else:
            keep = None
        checks.conflicts.append({"key": key, "unit": unit, "rows": [rows[m] for m in members], "columns": differ,
                                 "kept": rows[keep] if keep is not None else None})
        drop += [m for m in members if m != keep]
    if not drop:
        return data
    return data.drop(index=data.index[sorted(drop)])


def _fractions(data: pd.DataFrame, checks: TableChecks) -> pd.DataFrame:
    """Rate columns typed as fractions (``0.0851``), multiplied by 100 when their own counts say so.

    A column is scaled only when every value lies within 0–1 and, on the rows
    with counts, the value × 100 is nearer to count / households × 100 than the
    value as written on at least :data:`geo.settings.FRACTION_RATE_SHARE` of
    them: a real rate below 1 % (a city's 0,18) agrees with its counts as written.
    """
    out = data
    for col in _value_columns(data):
        base, year = parse_column(col)
        if base not in ("poor_rate", "near_poor_rate"):
            continue
        count, hh = column_name(base[: -len("_rate")], year), column_name("households", year)
        given = pd.to_numeric(data[col], errors="coerce")
        if not given.notna().any() or not given.dropna().between(0, 1).all():
            continue
        if count not in data or hh not in data:
            # Nothing to tell 0.0851 (a fraction) from 0.0851 % (a rich ward): say so once a column is all below 1.
            if given.notna().sum() >= settings.FRACTION_SUSPECT_MIN_ROWS and given.max() > 0:
                checks.maybe_fractions.append(col)
            continue
        den = pd.to_numeric(data[hh], errors="coerce")
        computed = pd.to_numeric(data[count], errors="coerce") / den.where(den > 0) * settings.PERCENT
        both = given.notna() & computed.notna()
        if not both.any():
            continue
        nearer = ((given * settings.PERCENT - computed).abs() < (given - computed).abs())[both]
        if nearer.mean() >= settings.FRACTION_RATE_SHARE:
            out = out.copy() if out is data else out
            out[col] = (given * settings.PERCENT).round(10)
            checks.scaled.append(col)
    return out


def _derive(data: pd.DataFrame, checks: TableChecks) -> pd.DataFrame:
    """``poor_rate`` (and ``near_poor_rate``) from counts where the table has counts and no rate."""
    out = data
    for col in list(data.columns):
        base, year = parse_column(col)
        if base not in ("poor", "near_poor"):
            continue
        rate, hh = column_name(f"{base}_rate", year), column_name("households", year)
        if rate in data or hh not in data:
            continue
        den = pd.to_numeric(data[hh], errors="coerce")
        values = (pd.to_numeric(data[col], errors="coerce") / den.where(den > 0) * settings.PERCENT).round(2)
        out = out.copy() if out is data else out
        out.insert(out.columns.get_loc(col) + 1, rate, values)
        checks.derived.append(rate)
    return out


def _jumps(data: pd.DataFrame, rows: list[int], checks: TableChecks) -> None:
    """Rates that move by more than RATE_JUMP_POINTS between two consecutive years of the table."""
    by_base: dict[str, list[tuple[int, str]]] = {}
    for col in _value_columns(data):
        base, year = parse_column(col)
        if year is not None and base in BASES and BASES[base].kind == "rate":
            by_base.setdefault(base, []).append((year, col))
    for base, cols in by_base.items():
        cols.sort()
        for (y0, c0), (y1, c1) in zip(cols, cols[1:]):
            a, b = pd.to_numeric(data[c0], errors="coerce"), pd.to_numeric(data[c1], errors="coerce")
            for i in np.flatnonzero(((b - a).abs() > settings.RATE_JUMP_POINTS).to_numpy()):
                checks.implausible.append({"row": rows[i], "column": c1, "value": _num(b.iloc[i]),
                                           "previous": _num(a.iloc[i]), "reason": "rate_jump"})


def _standards(data: pd.DataFrame, checks: TableChecks, *, declared: str | None) -> None:
    """Years of the table by poverty standard (:mod:`geo.analysis.standards`) when they span several."""
    years = sorted({y for c in _value_columns(data) for _, y in [parse_column(c)] if y is not None})
    periods: dict[str, list[int]] = {}
    for y in years:
        found = standard_for_year(y, declared=declared)
        if found is not None:
            periods.setdefault(found.key, []).append(y)
    if len(periods) > 1:
        checks.standards = periods


def check_table(table, *, prefer: str | None = None, picks: dict | None = None, standard: str | None = None):
    """Check and clean an indicator table; returns ``(table, TableChecks)``.

    Parameters
    ----------
    table
        An :class:`geo.io.tables.IndicatorTable` or a DataFrame (rows as read).
    prefer
        For units with conflicting rows: ``"first"`` or ``"last"`` row; None
        leaves them without data.
    picks
        Rows chosen by the planner: duplicate key (:func:`duplicate_key`) -> file row.
    standard
        The poverty standard the table declares (``"2016-2020"``...), else each year's own.

    Returns
    -------
    tuple
        The table with impossible cells emptied, duplicates resolved and rates
        derived (same type as given), and the :class:`TableChecks`.
    """
    if prefer not in (None, *PREFER):
        raise ValueError(f"prefer must be one of {PREFER}")
    frame = table if isinstance(table, pd.DataFrame) else getattr(table, "data", None)
    checks = TableChecks()
    if frame is None or len(frame) == 0:
        return table, checks
    frame = frame.reset_index(drop=True)
    rows = _rows(frame)
    if "source_row" not in frame:  # rows keep their place in the file when duplicates are dropped
        frame = frame.assign(source_row=rows)
    cleaned = _invalid(_fractions(frame, checks), rows, checks)
    cleaned = _duplicates(cleaned, rows, checks, prefer=prefer, picks=picks)
    kept_rows = _rows(cleaned)
    _jumps(cleaned.reset_index(drop=True), kept_rows, checks)
    _standards(cleaned, checks, declared=standard)
    cleaned = _derive(cleaned, checks).reset_index(drop=True)
    return with_data(table, cleaned), checks


def outliers_by_group(frame: pd.DataFrame, *, by: str, columns: list[str], rows: pd.Series | None = None,
                      factor: float = settings.OUTLIER_IQR_FACTOR) -> list[dict]:
    """Units far outside their group's range (beyond ``factor`` × IQR from the quartiles), kept but warned.

    ``frame`` holds one row per unit with the group column ``by`` (a commune's
    district); groups of fewer than :data:`geo.settings.OUTLIER_MIN_GROUP` units are skipped.
    """
    out = []
    groups = frame[by]
    for col in columns:
        base, _ = parse_column(col)
        if base not in BASES or BASES[base].kind != "rate":
            continue
        values = pd.to_numeric(frame[col], errors="coerce")
        # Quartiles of every group at once (one groupby, not a quantile call per district: 700 of them nationally).
        grouped = values.groupby(groups)
        sizes = grouped.count()
        q1, q3 = grouped.quantile(0.25), grouped.quantile(0.75)
        spread = (q3 - q1).clip(lower=settings.OUTLIER_MIN_SPREAD)
        # A rate lies within 0–100: the fences are said within that range ("0–20,08", never "-6,62–20,08").
        low = (q1 - factor * spread).clip(lower=0.0)
        high = (q3 + factor * spread).clip(upper=settings.MAX_RATE)
        checked = sizes.index[sizes >= settings.OUTLIER_MIN_GROUP]
        lows, highs = groups.map(low.loc[checked]), groups.map(high.loc[checked])
        far = values.notna() & lows.notna() & ((values < lows) | (values > highs))
        # Groups in the order groupby gives them, units in frame order within a group (as before).
        order = {g: k for k, g in enumerate(checked)}
        hits = sorted(frame.index[far.to_numpy()], key=lambda i: (order[groups[i]], frame.index.get_loc(i)))
        for i in hits:
            group = groups[i]
            item = {"code": frame.at[i, "code"], "name": frame.at[i, "name"] if "name" in frame else None,
                    "column": col, "value": _num(values[i]), "group": group, "low": round(float(low[group]), 2),
                    "high": round(float(high[group]), 2), "reason": "group_outlier"}
            if rows is not None and pd.notna(rows.get(i)):
                item["row"] = int(rows[i])
            out.append(item)
    return out
