"""The July-2025 reform: carry figures, designations and boundaries from old units to new ones.

Until 2025-06-30 Lạng Sơn had 11 districts and 194 communes; since 2025-07-01
it has 65 communes and no districts. Poverty figures and designation lists up
to 2025 are in the old units, the 2026–2030 plans in the new ones. This
module converts by **code**, using the registry's old→new mapping
(:func:`geo.units.registry.old_to_new`, built from the ``vietnamadminunits``
package), never by name.

Rules
-----
Links
    One row per (old code, new code). An old commune merged whole into a new
    one has one link with weight 1. An old commune *split* between new units
    has several links. :data:`REGISTRY_ERRATA` removes links of the package
    that contradict Resolution 1672/NQ-UBTVQH15 (see there); ``errata=False``
    keeps the package as it is.
Weights of split communes
    Default: the *area share* of each target, i.e. the target's total area
    (``new_area_km2``) divided by the summed areas of that old commune's
    targets. This is an approximation: the registry has no area of the
    intersection of the old commune with each new one, so a large target that
    received a small piece gets a large share. When an area is missing the
    shares are equal. A planner with better knowledge overrides the weights
    with a CSV file (``old_code,new_code,weight``), see :func:`read_weights`.
Counts
    Every numeric column that is not a rate (households, poor, near_poor,
    ``*_reduced``, other counts) is summed over the old units of a new unit.
    The value of a split old unit is allocated by weight with the
    *largest-remainder* method, so integer counts stay integers and the old
    unit's value is preserved exactly across its targets (ties go to the
    package's default target, then to the lower code). Non-integer values are
    allocated as ``value × weight`` unrounded. Hence the totals of integer
    count columns are preserved exactly.
Rates
    ``<stem>_rate<rest>`` (``poor_rate_2020``) is *recomputed* as
    ``<stem><rest> / households<rest> × 100`` from the converted counts, at
    full float precision (round only for display); never averaged. A rate
    column without both counts (e.g. ``poor_rate_reduced``, a change in
    points) is dropped from the output and listed in the report: carrying it
    for the new units made of one whole old unit only would give a column that
    is silently empty elsewhere.
Missing values
    A sum skips empty cells; a new unit whose sources are all empty for a
    column stays empty. A new unit one of whose old units is missing from the
    input is no data (``complete = False``, every count and rate empty): a sum
    of the old units present would be an undercount. The report names the
    missing old communes (code and name), and the totals count what the present
    old units would have given it as ``incomplete``, so
    before − unmapped − incomplete = after. This is the rule of
    :func:`geo.analysis.indicators.aggregate` for districts.

Everything is recorded in a :class:`ConversionReport`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import GeoError
from geo.analysis.indicators import label as indicator_label
from geo.io.weights import read_weights
from geo.text.i18n import DEFAULT_LANG, format_number, t
from geo.text.kinds import is_rate
from geo.units import registry
from geo.units.crosswalk import FROM_VINTAGE, TO_VINTAGE, check_vintages, errata_applied, links

__all__ = [
    "SPLIT_METHODS",
    "Conversion",
    "ConversionReport",
    "convert_indicators",
    "sources_of",
    "convert_designations",
    "new_boundaries_from_old",
    "conversion_table",
]

PERCENT = 100
SPLIT_METHODS = ("default", "voronoi")  # how new_boundaries_from_old treats a split old polygon

_RATE_PARTS = re.compile(r"(?P<stem>.+?)_rate(?P<rest>(?:_.+)?)")
_IDENTITY = {"source_row", "source_file", "code", "name", "type", "parent_code", "parent_name", "level",
             "district_code", "district_name", "province_code"}
_FLAGS = {"partial", "complete", "n_sources", "approximate", "approximate_split"}
_EPS = 1e-9


# ---------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------
@dataclass
class ConversionReport:
    """What :func:`convert_indicators` did, unit by unit.

    Attributes
    ----------
    unmapped
        Input rows not converted: ``{"row", "code", "name", "reason"}`` with reason
        ``no_code`` (no usable 5-digit code), ``not_in_mapping`` (code not an old
        commune of the mapping/province) or ``duplicate`` (code seen on an earlier row).
    splits
        One record per split old unit in the input: its targets with weight,
        default flag and the amounts allocated to each, per count column.
    totals
        Per count column: ``before`` (all input rows), ``unmapped`` (rows not
        converted), ``incomplete`` (the part that would have gone to new units
        left without data because an old unit is missing), ``after`` (output) and
        ``preserved`` (before − unmapped − incomplete == after).
    sources
        Table ``new_code, new_name, old_code, old_name, old_district_code,
        old_district_name, weight, split`` — the old units each new unit came from.
    dropped_rates
        Rate columns not carried, with the reason.
    incomplete
        New units of which some old units are absent from the input (they are no
        data): ``{"new_code", "new_name", "missing_old_codes", "missing_old"}``,
        ``missing_old`` a list of ``{"code", "name"}``.
    blank_values
        New units left without one count because an old unit in the input has no value in that column (a blank
        cell, or one the reader dropped as impossible): ``{"new_code", "new_name", "column", "missing_old"}``.
        Summing the others would be an undercount, so that count (and its rate) is no data.
    errata
        Registry links removed by :data:`REGISTRY_ERRATA`.
    from_names
        Old communes whose code came from their name (a table without a code column).
    """

    from_vintage: str = FROM_VINTAGE
    to_vintage: str = TO_VINTAGE
    province: str | None = None
    weights_source: str = "area_share"
    counts: list[str] = field(default_factory=list)
    rates: list[str] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    splits: list[dict] = field(default_factory=list)
    totals: dict[str, dict] = field(default_factory=dict)
    dropped_rates: list[dict] = field(default_factory=list)
    incomplete: list[dict] = field(default_factory=list)
    blank_values: list[dict] = field(default_factory=list)
    errata: list[dict] = field(default_factory=list)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    from_names: int = 0

    def summary(self) -> dict[str, int]:
        """Counts for a one-line message."""
        return {
            "old_units": int(self.sources["old_code"].nunique()) if len(self.sources) else 0,
            "new_units": int(self.sources["new_code"].nunique()) if len(self.sources) else 0,
            "unmapped": len(self.unmapped),
            "splits": len(self.splits),
            "dropped_rates": len(self.dropped_rates),
            "incomplete": len({i["new_code"] for i in self.incomplete} | {b["new_code"] for b in self.blank_values}),
        }

    def gap_warnings(self, lang: str = DEFAULT_LANG) -> list[str]:
        """The new communes left without data, or without one column, and why: the part of :meth:`warnings` a
        command prints on screen."""
        out = []
        for item in self.incomplete:
            if item["missing_old"]:
                out.append(t("convert.incomplete", lang, code=item["new_code"], name=item["new_name"],
                             missing=", ".join(f"{m['code']} {m['name']}" for m in item["missing_old"])))
            if item.get("conflicting_old"):  # set by geo.workflows.reform.convert_checked
                out.append(t("convert.incomplete_conflict", lang, code=item["new_code"], name=item["new_name"],
                             conflicting="; ".join(f"{m['code']} {m['name']} ({', '.join(map(str, m['rows']))})"
                                                   for m in item["conflicting_old"])))
        for item in self.blank_values:
            out.append(t("convert.blank_value", lang, code=item["new_code"], name=item["new_name"],
                         column=indicator_label(item["column"], lang),
                         missing=", ".join(f"{m['code']} {m['name']}" for m in item["missing_old"])))
        return out

    def warnings(self, lang: str = DEFAULT_LANG) -> list[str]:
        """Things a planner should read, as sentences in ``lang``."""
        out = [t("qa.convert_from_names", lang, n=self.from_names)] if self.from_names else []
        for item in self.unmapped:
            out.append(t(f"convert.unmapped.{item['reason']}", lang, row=item.get("row"), code=item.get("code") or "",
                         name=item.get("name") or ""))
        for item in self.splits:
            parts = ", ".join(f"{tg['new_code']} {tg['new_name']} {format_number(tg['weight'], 3, lang)}"
                              for tg in item["targets"])
            out.append(t("convert.split", lang, code=item["old_code"], name=item["old_name"], targets=parts,
                         method=item["weight_method"]))
        for item in self.dropped_rates:
            out.append(t("convert.dropped_rate", lang, column=item["column"]))
        out += self.gap_warnings(lang)
        for item in self.errata:
            out.append(t("convert.erratum", lang, old_code=item["old_code"], new_code=item["new_code"]))
        return out

    def splits_table(self) -> pd.DataFrame:
        """The split old units as a flat table: one row per (old unit, target) with the allocated counts."""
        rows = []
        for item in self.splits:
            for tg in item["targets"]:
                rows.append({"old_code": item["old_code"], "old_name": item["old_name"], "new_code": tg["new_code"],
                             "new_name": tg["new_name"], "weight": tg["weight"], "is_default": tg["is_default"],
                             "weight_method": item["weight_method"],
                             **{f"{c}_old": item["values"][c] for c in self.counts},
                             **{f"{c}_allocated": tg["allocated"][c] for c in self.counts}})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready report (the ``sources`` table as records)."""
        out = {
            "from_vintage": self.from_vintage, "to_vintage": self.to_vintage, "province": self.province,
            "weights_source": self.weights_source, "counts": self.counts, "rates": self.rates,
            "summary": self.summary(), "unmapped": self.unmapped, "splits": self.splits, "totals": self.totals,
            "dropped_rates": self.dropped_rates, "incomplete": self.incomplete, "blank_values": self.blank_values,
            "errata": self.errata, "sources": self.sources.to_dict("records"), "from_names": self.from_names,
        }
        return _jsonable(out)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


@dataclass
class Conversion:
    """Indicators in the new units, with the report of how they were obtained.

    ``data`` columns: ``code`` (new 5-digit), ``name`` (new, from the registry),
    the count columns (int64 when every value is whole, else float), the
    recomputed rates, ``partial`` (receives a share of a
    split old unit), ``complete`` (all its old units were in the input),
    ``n_sources`` and ``source_codes`` (comma-joined old codes).
    ``input`` keeps the converted old rows (code-normalised) for side-by-side views.
    """

    data: pd.DataFrame
    report: ConversionReport
    input: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    weights: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        value = float(obj)
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


# ---------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------
def _apply_weights(base: pd.DataFrame, weights: pd.DataFrame | None, *, province) -> pd.DataFrame:
    """Replace the default weights of the old codes the user listed."""
    if weights is None or len(weights) == 0:
        return base
    listed = set(weights["old_code"])
    raw = links(province=province, errata=False).set_index(["old_code", "new_code"])
    extra = []
    for old in listed:
        given = weights[weights["old_code"] == old].set_index("new_code")["weight"]
        for new in raw.loc[old].index:
            r = raw.loc[(old, new)]
            extra.append({
                "old_code": old, "new_code": new, "is_default": bool(r["is_default"]),
                "n_targets": 0, "new_area_km2": r["new_area_km2"],
                "weight": float(given.get(new, 0.0)), "weight_method": "file",
            })
    out = pd.concat([base[~base["old_code"].isin(listed)], pd.DataFrame(extra)], ignore_index=True)
    out = out[out["weight"] > 0].copy()
    out["n_targets"] = out.groupby("old_code")["new_code"].transform("size")
    return out.sort_values(["old_code", "new_code"]).reset_index(drop=True)


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------
def _value_columns(data: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(count columns, rate columns) of a table: numeric, not identity, not flags."""
    counts, rates = [], []
    for col in data.columns:
        if col in _IDENTITY or col in _FLAGS or col == "source_codes":
            continue
        s = data[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        (rates if is_rate(col) else counts).append(col)
    return counts, rates


def _rate_recipe(col: str, counts: list[str]) -> tuple[str, str] | None:
    m = _RATE_PARTS.fullmatch(col)
    if not m:
        return None
    num, den = m["stem"] + m["rest"], "households" + m["rest"]
    if num in counts and den in counts:
        return num, den
    return None


def _largest_remainder(value: float, weights: list[float], order: list[int]) -> list[float]:
    """Split ``value`` by ``weights``; integer parts that sum exactly to an integer ``value``."""
    shares = [value * w for w in weights]
    if not float(value).is_integer():
        return shares
    base = [math.floor(s + _EPS) for s in shares]
    left = int(round(value - sum(base)))
    fracs = [s - b for s, b in zip(shares, base)]
    ranked = sorted(range(len(weights)), key=lambda i: (-round(fracs[i], 9), order[i]))
    for i in ranked[:max(left, 0)]:
        base[i] += 1
    return [float(b) for b in base]


# ---------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------
def _old_units() -> pd.DataFrame:
    return registry.units(level="commune", vintage=FROM_VINTAGE).set_index("code")


def _new_units() -> pd.DataFrame:
    return registry.units(level="commune", vintage=TO_VINTAGE).set_index("code")


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _codes_from_names(frame: pd.DataFrame, *, province: str) -> pd.DataFrame:
    """Old commune codes for a table of names only: its names matched within their district, as a join does.

    A name that matches no old commune, or several, keeps no code and is reported as ``no_code``.
    """
    from geo.join.files import resolve_codes

    columns = {k: k for k in ("name", "parent_name", "parent_code") if k in frame.columns}
    resolved, _ = resolve_codes(frame, columns=columns, level="commune", vintage=FROM_VINTAGE, province=province)
    return resolved.assign(code_from_name=True)


def convert_indicators(
    data,
    *,
    from_vintage: str = FROM_VINTAGE,
    to_vintage: str = TO_VINTAGE,
    weights: pd.DataFrame | str | Path | None = None,
    province: str | int | None = None,
    errata: bool = True,
) -> Conversion:
    """Convert a table of old (pre-2025) communes to the new (2025) communes, by code.

    Parameters
    ----------
    data
        A DataFrame (or :class:`geo.io.tables.IndicatorTable`) with a ``code``
        column of old 5-digit commune codes (leading zeros may be lost) and
        numeric indicator columns.
    from_vintage, to_vintage
        Only ``"pre2025"`` → ``"2025"`` is supported.
    weights
        Weights for split old communes: the path of a weights CSV, or a DataFrame
        already validated by :func:`read_weights`. Default: area shares (see the
        module docstring).
    province
        Old GSO province code limiting the mapping (rows of other provinces are
        reported as ``not_in_mapping``); None for the whole country.
    errata
        Apply :data:`REGISTRY_ERRATA` to the registry's links.

    Returns
    -------
    Conversion
        ``data``: one row per new unit that received at least one old unit, sorted
        by code; ``report``: a :class:`ConversionReport`.

    Raises
    ------
    GeoError
        ``convert_direction``, ``unknown_province``, ``table_empty``,
        ``convert_no_code`` and the weights file errors of :func:`read_weights`.
    """
    check_vintages(from_vintage, to_vintage)
    source = getattr(data, "source", None)
    frame = getattr(data, "data", data)
    if frame is None or len(frame) == 0:
        raise GeoError("table_empty", path=source or "?")
    if province is not None:
        registry.units(province=province, level="province", vintage=FROM_VINTAGE)  # validates the code
    prov = registry.normalize_code(province, "province") if province is not None else None
    if "code" not in frame.columns:
        if "name" not in frame.columns or prov is None:
            shown = [str(c) for c in frame.columns if c != "source_row"]
            raise GeoError("convert_no_code", path=source or "?", columns=", ".join(shown))
        frame = _codes_from_names(frame, province=prov)

    report = ConversionReport(province=prov)
    report.from_names = int(frame["code"].notna().sum()) if "code_from_name" in frame else 0
    frame = frame.drop(columns=["code_from_name"], errors="ignore")
    base = links(province=prov, errata=errata)
    if errata:
        report.errata = errata_applied(prov)
    if weights is not None and not isinstance(weights, pd.DataFrame):
        report.weights_source = Path(weights).name
        weights = read_weights(weights, province=prov)
    elif weights is not None:
        report.weights_source = "table"
    table = _apply_weights(base, weights, province=prov)
    by_old = {k: g for k, g in table.groupby("old_code", sort=False)}

    frame = frame.reset_index(drop=True)
    counts, rates = _value_columns(frame)
    report.counts = list(counts)
    rows_of = frame["source_row"].tolist() if "source_row" in frame else list(range(1, len(frame) + 1))
    names = frame["name"].tolist() if "name" in frame else [None] * len(frame)
    old_units = _old_units()
    new_units = _new_units()

    kept: list[int] = []
    kept_codes: list[str] = []
    seen: dict[str, int] = {}
    for i, value in enumerate(frame["code"].tolist()):
        code = registry.normalize_code(_text(value), "commune") if _text(value) else None
        item = {"row": int(rows_of[i]), "code": _text(value), "name": _text(names[i])}
        if code is None:
            report.unmapped.append({**item, "reason": "no_code"})
        elif code not in by_old:
            report.unmapped.append({**item, "code": code, "reason": "not_in_mapping"})
        elif code in seen:
            report.unmapped.append({**item, "code": code, "reason": "duplicate", "first_row": seen[code]})
        else:
            seen[code] = int(rows_of[i])
            kept.append(i)
            kept_codes.append(code)
    converted = frame.loc[kept].copy()
    converted["code"] = kept_codes
    converted = converted.reset_index(drop=True)

    # Allocation: one long row per (old unit, target).
    alloc_rows = []
    for r, code in enumerate(kept_codes):
        targets = by_old[code]
        ws = targets["weight"].tolist()
        order = [0 if d else 1 for d in targets["is_default"]]
        order = [o * 100000 + k for k, o in enumerate(order)]  # default first, then code order
        split = len(targets) > 1
        per_col = {}
        for col in counts:
            v = converted.at[r, col]
            if pd.isna(v):
                per_col[col] = [np.nan] * len(ws)
            elif split:
                per_col[col] = _largest_remainder(float(v), ws, order)
            else:
                per_col[col] = [float(v)]
        for k, (new, w, d) in enumerate(zip(targets["new_code"], ws, targets["is_default"])):
            alloc_rows.append({"old_code": code, "new_code": new, "weight": float(w), "is_default": bool(d),
                               "split": split, "weight_method": targets["weight_method"].iloc[k],
                               **{col: per_col[col][k] for col in counts}})
    alloc = pd.DataFrame(alloc_rows, columns=["old_code", "new_code", "weight", "is_default", "split",
                                              "weight_method", *counts])

    # Sum per new unit.
    grouped = alloc.groupby("new_code", sort=True)
    out = pd.DataFrame({"code": list(grouped.groups)})
    out["name"] = out["code"].map(new_units["name"])
    for col in counts:
        out[col] = out["code"].map(grouped[col].sum(min_count=1))
    mapped_sources = table.groupby("new_code")["old_code"].apply(set)  # links with weight > 0
    present = set(kept_codes)
    complete = pd.Series([mapped_sources.get(c, set()) <= present for c in out["code"]], index=out.index)
    withheld = alloc[alloc["new_code"].isin(set(out.loc[~complete, "code"]))]
    out.loc[~complete, counts] = np.nan  # a partial sum would be an undercount: no data
    # An old unit present but blank in one column (an empty cell, or one dropped as impossible): the sum of that
    # column over the new unit would be an undercount too, so that column is no data there.
    held_blank = {col: 0.0 for col in counts}
    whole = set(out.loc[complete, "code"])
    for col in counts:
        blank = alloc[alloc[col].isna() & alloc["new_code"].isin(whole)]
        for new, g in blank.groupby("new_code", sort=True):
            at = out["code"] == new
            if out.loc[at, col].isna().all():
                continue  # no old unit has a value: no sum to withhold
            held_blank[col] += float(alloc.loc[alloc["new_code"] == new, col].sum())
            out.loc[at, col] = np.nan
            olds = sorted(set(g["old_code"]))
            report.blank_values.append({"new_code": new, "new_name": new_units["name"].get(new), "column": col,
                                        "missing_old": [{"code": c, "name": old_units["name"].get(c)} for c in olds]})
    for col in rates:
        recipe = _rate_recipe(col, counts)
        if recipe is None:
            report.dropped_rates.append({
                "column": col,
                "reason": "no_counts",
                "detail": "needs <stem><rest> and households<rest> counts to recompute",
            })
            continue
        num, den = recipe
        hh = out[den].astype(float)
        out[col] = out[num].astype(float) / hh.where(hh > 0) * PERCENT
        report.rates.append(col)
    # Keep the input's column order for the value columns.
    values = [c for c in frame.columns if c in counts or c in report.rates]
    out["partial"] = out["code"].map(grouped["split"].any()).astype(bool)
    out["complete"] = complete.astype(bool)
    src = grouped["old_code"].apply(lambda s: sorted(set(s)))
    out["n_sources"] = out["code"].map(src.map(len)).astype(int)
    out["source_codes"] = out["code"].map(src.map(",".join))
    out = out[["code", "name", *values, "partial", "complete", "n_sources", "source_codes"]]
    for col in counts:  # whole counts stay integers; anything fractional or missing stays float
        if out[col].notna().all() and np.all(np.mod(out[col].to_numpy(dtype=float), 1) == 0):
            out[col] = out[col].astype("int64")
    for col in ("code", "name", "source_codes"):
        out[col] = out[col].astype(object)

    for code in out.loc[~out["complete"], "code"]:
        missing = sorted(mapped_sources.get(code, set()) - present)
        report.incomplete.append({"new_code": code, "new_name": new_units["name"].get(code),
                                  "missing_old_codes": missing,
                                  "missing_old": [{"code": c, "name": old_units["name"].get(c)} for c in missing]})

    # Splits.
    for code, g in alloc[alloc["split"]].groupby("old_code", sort=True):
        r = kept_codes.index(code)
        report.splits.append({
            "old_code": code,
            "old_name": old_units["name"].get(code),
            "weight_method": g["weight_method"].iloc[0],
            "values": {col: converted.at[r, col] for col in counts},
            "targets": [
                {"new_code": row["new_code"], "new_name": new_units["name"].get(row["new_code"]),
                 "weight": row["weight"], "is_default": row["is_default"],
                 "allocated": {col: row[col] for col in counts}}
                for row in g.to_dict("records")
            ],
        })

    # Totals.
    kept_set = set(kept)
    not_kept = [i for i in range(len(frame)) if i not in kept_set]
    for col in counts:
        before = float(pd.to_numeric(frame[col], errors="coerce").sum())
        unmapped = float(pd.to_numeric(frame.loc[not_kept, col], errors="coerce").sum()) if not_kept else 0.0
        held = float(withheld[col].sum()) + held_blank[col]
        after = float(out[col].sum())
        report.totals[col] = {"before": before, "unmapped": unmapped, "incomplete": held, "after": after,
                              "preserved": bool(abs(before - unmapped - held - after) <= 1e-6 * max(1.0, abs(before)))}

    # Sources table.
    sources = alloc[["new_code", "old_code", "weight", "split"]].copy()
    sources.insert(1, "new_name", sources["new_code"].map(new_units["name"]))
    sources.insert(3, "old_name", sources["old_code"].map(old_units["name"]))
    sources.insert(4, "old_district_code", sources["old_code"].map(old_units["district_code"]))
    sources.insert(5, "old_district_name", sources["old_code"].map(old_units["district_name"]))
    report.sources = sources.sort_values(["new_code", "old_code"]).reset_index(drop=True)
    return Conversion(data=out.reset_index(drop=True), report=report, input=converted,
                      weights=table[table["old_code"].isin(present)].reset_index(drop=True))


def sources_of(new_code: str | int, *, conversion: Conversion | None = None,
               province: str | int | None = None, errata: bool = True) -> pd.DataFrame:
    """The old communes a new commune came from, for a side-by-side table.

    Parameters
    ----------
    new_code
        A 2025 commune code.
    conversion
        A :class:`Conversion`; its weights are used and each old unit's
        figures are added: the old unit's own value per column, and for counts
        ``<column>_allocated`` (the part that went to ``new_code``). Without it,
        the registry links and default weights only.

    Returns
    -------
    DataFrame
        ``code, name, type, district_code, district_name, weight, split, in_input``
        then the figures, one row per old commune, sorted by code.
    """
    code = registry.normalize_code(new_code, "commune")
    old_units = _old_units()
    if conversion is not None:
        lk = conversion.weights
    else:
        lk = links(province=province, errata=errata)
    lk = lk[lk["new_code"] == code]
    out = pd.DataFrame({"code": lk["old_code"].tolist()})
    for col in ("name", "type", "district_code", "district_name"):
        out[col] = out["code"].map(old_units[col]).astype(object)
    out["weight"] = lk["weight"].to_numpy(dtype=float)
    out["split"] = (lk["n_targets"] > 1).to_numpy()
    if conversion is None:
        out["in_input"] = False
        return out.sort_values("code").reset_index(drop=True)
    src = conversion.input.set_index("code")
    out["in_input"] = out["code"].isin(src.index)
    counts, rates = conversion.report.counts, conversion.report.rates
    for col in counts + rates:
        out[col] = out["code"].map(src[col]) if col in src else np.nan
    split_alloc = {}
    for item in conversion.report.splits:
        for tg in item["targets"]:
            if tg["new_code"] == code:
                split_alloc[item["old_code"]] = tg["allocated"]
    for col in counts:
        out[f"{col}_allocated"] = [split_alloc[c][col] if c in split_alloc else v
                                   for c, v in zip(out["code"], out[col])]
    return out.sort_values("code").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Designations
# ---------------------------------------------------------------------------
def _designation_frame(designations, *, on=None) -> pd.DataFrame:
    """``code, type`` (and ``level``, ``vintage`` when known) of the designations in effect."""
    if hasattr(designations, "types_by_code") and hasattr(designations, "filter"):
        # geo.units.designations.DesignationSet: manual untag overrides and periods applied by the set itself.
        old = designations.filter(level="commune", vintage=FROM_VINTAGE)
        recs = [{"code": c, "type": k, "level": "commune", "vintage": FROM_VINTAGE}
                for c, kinds in old.types_by_code(on=on).items() for k in sorted(kinds)]
        other = [{"code": d.code, "type": d.type, "level": d.level, "vintage": d.vintage}
                 for d in designations if d.level != "commune" or d.vintage != FROM_VINTAGE]
        return pd.DataFrame(recs + other, columns=["code", "type", "level", "vintage"])
    if isinstance(designations, pd.DataFrame):
        df = designations.copy()
    else:
        recs = [{k: getattr(d, k, None) for k in ("code", "type", "level", "vintage", "action")} for d in designations]
        df = pd.DataFrame(recs, columns=["code", "type", "level", "vintage", "action"])
    if "action" in df.columns:  # an untag row switches off the tag of the same type and code
        action = df["action"].astype(object).where(df["action"].notna(), "tag")
        off = {(str(c), str(k)) for c, k, a in zip(df["code"], df["type"], action) if a == "untag"}
        keep = [a != "untag" and (str(c), str(k)) not in off for c, k, a in zip(df["code"], df["type"], action)]
        df = df[keep]
    return df


def convert_designations(designations, *, province: str | int | None = None, errata: bool = True,
                         lang: str = DEFAULT_LANG, on=None) -> pd.DataFrame:
    """Carry old-commune designations (border, ATK, P135, zone III...) onto the new communes.

    A new commune is not itself designated by this: the table says how many of
    its former communes were, e.g. "2/5 xã cũ là xã biên giới". A split old
    commune counts as a former commune of each of its targets.

    Parameters
    ----------
    designations
        A :class:`geo.units.designations.DesignationSet` (its effective designations:
        manual ``untag`` overrides and periods applied), a DataFrame with ``code``
        (old 5-digit) and ``type`` (optional ``level``, ``vintage``: rows not
        ``commune``/``pre2025`` are left out; optional ``action``: ``untag`` rows
        switch off the same type and code), or an iterable of objects with
        ``code`` and ``type`` attributes.
    lang
        Language of the ``text`` column.
    on
        A date: only designations in force that day (DesignationSet only).

    Returns
    -------
    DataFrame
        One row per (new unit, type) with at least one designated former
        commune: ``code, name, type, n_designated, n_former, designated_codes,
        designated_names, full`` (all former communes designated), ``text``.
        ``attrs["unmapped"]`` lists input codes that are not in the mapping,
        ``attrs["ignored"]`` rows of another level or vintage.
    """
    df = _designation_frame(designations, on=on)
    if "code" not in df.columns or "type" not in df.columns:
        raise GeoError("convert_no_code", path="designations", columns=", ".join(map(str, df.columns)))
    ignored = []
    mask = pd.Series(True, index=df.index)
    if "vintage" in df.columns:
        mask &= df["vintage"].isna() | (df["vintage"].astype(object) == FROM_VINTAGE)
    if "level" in df.columns:
        mask &= df["level"].isna() | (df["level"].astype(object) == "commune")
    for rec in df[~mask].to_dict("records"):
        ignored.append({"code": _text(rec["code"]), "type": _text(rec["type"])})
    df = df[mask]
    prov = registry.normalize_code(province, "province") if province is not None else None
    lk = links(province=prov, errata=errata)
    former = lk.groupby("new_code")["old_code"].apply(lambda s: sorted(set(s)))
    targets = lk.groupby("old_code")["new_code"].apply(list).to_dict()
    old_units, new_units = _old_units(), _new_units()
    unmapped = []
    hits: dict[tuple[str, str], set] = {}
    for rec in df.to_dict("records"):
        code = registry.normalize_code(_text(rec["code"]), "commune") if _text(rec["code"]) else None
        if code not in targets:
            unmapped.append({"code": _text(rec["code"]), "type": _text(rec["type"])})
            continue
        for new in targets[code]:
            hits.setdefault((new, str(rec["type"])), set()).add(code)
    rows = []
    for (new, typ), olds in sorted(hits.items()):
        olds = sorted(olds)
        n_former = len(former[new])
        label = t(f"convert.designation_label.{typ}", lang)
        if label == f"convert.designation_label.{typ}":
            label = typ
        rows.append({
            "code": new, "name": new_units["name"].get(new), "type": typ,
            "n_designated": len(olds), "n_former": n_former,
            "designated_codes": ",".join(olds),
            "designated_names": ", ".join(str(old_units["name"].get(o)) for o in olds),
            "full": len(olds) == n_former,
            "text": t("convert.designated_share", lang, n=len(olds), total=n_former, label=label),
        })
    out = pd.DataFrame(rows, columns=["code", "name", "type", "n_designated", "n_former", "designated_codes",
                                      "designated_names", "full", "text"])
    for col in ("code", "name", "type", "designated_codes", "designated_names", "text"):
        out[col] = out[col].astype(object)
    out.attrs["unmapped"] = unmapped
    out.attrs["ignored"] = ignored
    return out


# ---------------------------------------------------------------------------
# Boundaries
# ---------------------------------------------------------------------------
def _voronoi_pieces(polygon, points: list) -> list:
    """Split ``polygon`` into one piece per point (Voronoi cells clipped to it)."""
    import shapely
    from shapely.geometry import MultiPoint

    if len({(p.x, p.y) for p in points}) < len(points):
        return [None] * len(points)
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=polygon, ordered=True)
    pieces = []
    for cell in shapely.get_parts(cells):
        piece = cell.intersection(polygon)
        pieces.append(None if piece.is_empty else piece)
    return pieces


def new_boundaries_from_old(
    old_gdf: gpd.GeoDataFrame,
    *,
    code_column: str = "code",
    province: str | int | None = None,
    split: str = "voronoi",
    errata: bool = True,
) -> gpd.GeoDataFrame:
    """Approximate new-commune polygons by dissolving old-commune polygons along the mapping.

    Parameters
    ----------
    old_gdf
        Old (pre-2025) commune polygons with old codes in ``code_column``: the
        approximate default layer or an uploaded official one.
    split
        What to do with an old polygon split between new communes:
        ``"voronoi"`` (default) cuts it by the Voronoi cells of the targets'
        registry centroids; ``"default"`` gives it whole to the package's
        default target. Either way the targets are ``approximate_split``.

    Returns
    -------
    GeoDataFrame
        ``code, name, type, n_sources, source_codes, complete, approximate,
        approximate_split, geometry`` in EPSG:4326, one row per new unit that got
        a polygon. ``approximate`` is True when the input was approximate (its
        ``approximate`` column) or the unit is ``approximate_split``.
    """
    import shapely
    from shapely.geometry import Point

    if split not in SPLIT_METHODS:
        raise GeoError("unknown_split_method", method=split, allowed=", ".join(SPLIT_METHODS))
    if code_column not in old_gdf.columns:
        raise GeoError("map_column_missing", column=code_column, columns=", ".join(map(str, old_gdf.columns)))
    gdf = old_gdf.to_crs("EPSG:4326") if old_gdf.crs is not None else old_gdf.set_crs("EPSG:4326")
    prov = registry.normalize_code(province, "province") if province is not None else None
    lk = links(province=prov, errata=errata)
    targets = {k: g for k, g in lk.groupby("old_code")}
    new_units = _new_units()
    approx_in = gdf["approximate"].fillna(False).astype(bool).tolist() if "approximate" in gdf else [False] * len(gdf)
    pieces: list[dict] = []
    for code_raw, geom, approx in zip(gdf[code_column].tolist(), gdf.geometry, approx_in):
        code = registry.normalize_code(_text(code_raw), "commune") if _text(code_raw) else None
        if code not in targets or geom is None or geom.is_empty:
            continue
        geom = shapely.make_valid(geom)
        g = targets[code]
        if len(g) == 1:
            pieces.append({"new": g["new_code"].iloc[0], "old": code, "geom": geom, "split": False, "approx": approx})
            continue
        news = g["new_code"].tolist()
        parts = [None] * len(news)
        if split == "voronoi":
            pts = [Point(new_units.at[n, "lon"], new_units.at[n, "lat"]) for n in news]
            if all(math.isfinite(p.x) and math.isfinite(p.y) for p in pts):
                parts = _voronoi_pieces(geom, pts)
        if all(p is None for p in parts):
            default = g.loc[g["is_default"], "new_code"].iloc[0]
            parts = [geom if n == default else None for n in news]
        for n, part in zip(news, parts):
            pieces.append({"new": n, "old": code, "geom": part, "split": True, "approx": approx})
    rows = []
    by_new: dict[str, list[dict]] = {}
    for p in pieces:
        by_new.setdefault(p["new"], []).append(p)
    former = lk.groupby("new_code")["old_code"].apply(set)
    for new in sorted(by_new):
        ps = by_new[new]
        geoms = [p["geom"] for p in ps if p["geom"] is not None]
        if not geoms:
            continue
        olds = sorted({p["old"] for p in ps})
        any_split = any(p["split"] for p in ps)
        rows.append({
            "code": new, "name": new_units["name"].get(new), "type": new_units["type"].get(new),
            "n_sources": len(olds), "source_codes": ",".join(olds),
            "complete": former.get(new, set()) <= set(olds),
            "approximate": any(p["approx"] for p in ps) or any_split,
            "approximate_split": any_split,
            "geometry": shapely.union_all(geoms),
        })
    out = gpd.GeoDataFrame(rows, columns=["code", "name", "type", "n_sources", "source_codes", "complete",
                                          "approximate", "approximate_split", "geometry"],
                           geometry="geometry", crs="EPSG:4326")
    for col in ("code", "name", "type", "source_codes"):
        out[col] = out[col].astype(object)
    return out


def conversion_table(conversion: Conversion, *, name: str | None = None):
    """The converted figures as an indicator table of the 2025 communes, for maps and priority lists.

    Only ``code``, ``name`` and the converted counts and recomputed rates are
    kept as columns (the ``partial``/``complete`` flags and ``n_sources`` are
    not indicators). ``source_row`` is the line of the row in the CSV written by
    :func:`write_conversion` (line 1 is the header), so a unit can be traced.

    Parameters
    ----------
    conversion
        The result of :func:`convert_indicators`.
    name
        The table's source name (shown as the data source), e.g. ``"xa_2024.csv → 2025"``;
        default ``"conversion → 2025"``.

    Returns
    -------
    geo.io.tables.IndicatorTable
        ``level="commune"``, ``vintage="2025"``.
    """
    from geo.analysis.indicators import parse_column
    from geo.io.tables import IndicatorTable

    data = conversion.data
    values = [c for c in data.columns if c in conversion.report.counts or c in conversion.report.rates]
    out = data[["code", "name", *values]].copy()
    out.insert(0, "source_row", np.arange(len(out)) + 2)
    years = sorted({y for y in (parse_column(c)[1] for c in values) if y is not None})
    return IndicatorTable(
        data=out.reset_index(drop=True), source=name or f"conversion → {TO_VINTAGE}", sheet=None, header_rows=[1],
        columns={c: c for c in out.columns if c != "source_row"}, skipped=[], years=years, level="commune",
        vintage=TO_VINTAGE,
    )
