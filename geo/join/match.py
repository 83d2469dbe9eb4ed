"""Join indicator rows to boundary units: codes first, names within parents second.

The rules, in order:

1. Where both sides carry GSO codes, rows join on the zero-padded code.
2. Otherwise names are matched, within the parent unit (district) when the
   row names one. Tiers: the full name exactly (``Xã Hòa Bình``), then the
   name without its type prefix exactly, then folded (no diacritics, no
   spaces). A higher tier always wins; a tier that leaves two candidates is
   *ambiguous* and nothing is applied. A bare type such as ``Thành phố``
   matches the only unit of that type in the layer.
3. Fuzzy candidates (rapidfuzz) are only *suggested*, with scores.

Everything is reported in a :class:`JoinReport`, so a planner can see which
rows matched how, which did not, and which numbers disagree with each other.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.units import registry

from geo import settings
from geo._errors import GeoError
from geo.text.names import exact_key, fold_key, fold_text, nfc, strip_type, unit_type_of

__all__ = ["JoinReport", "JoinResult", "match_units", "prepare_units", "join_indicators", "check_consistency"]

METHODS = ("code", "name_exact", "name_short", "name_folded", "type_unique", "manual")
_TIERS = ("name_exact", "name_short", "name_folded")
UNIT_KEYS = ("code", "name", "type", "parent_code", "parent_name")
_RATE_PAIRS = (("poor", "poor_rate"), ("near_poor", "near_poor_rate"))


@dataclass
class JoinReport:
    """What the join did, row by row. ``to_dict`` gives the JSON report."""

    matched: list[dict] = field(default_factory=list)
    unmatched_boundaries: list[dict] = field(default_factory=list)
    unmatched_rows: list[dict] = field(default_factory=list)
    ambiguous: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    inconsistent: list[dict] = field(default_factory=list)
    # Rows joined on a code whose name is another unit's: a typo in the code, or a table of the other vintage.
    name_mismatches: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    level: str | None = None
    source: str | None = None

    @property
    def by_method(self) -> dict[str, int]:
        counts = Counter(m["method"] for m in self.matched)
        return {m: counts[m] for m in METHODS if counts[m]}

    def summary(self) -> dict[str, int]:
        return {
            "matched": len(self.matched),
            "unmatched_boundaries": len(self.unmatched_boundaries),
            "unmatched_rows": len(self.unmatched_rows),
            "ambiguous": len(self.ambiguous),
            "duplicates": len(self.duplicates),
            "inconsistent": len(self.inconsistent),
            "name_mismatches": len(self.name_mismatches),
        }

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["by_method"] = self.by_method
        out["summary"] = self.summary()
        return _jsonable(out)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, **kwargs)


@dataclass
class JoinResult:
    """Boundaries with indicators attached, plus the report."""

    gdf: gpd.GeoDataFrame
    report: JoinReport
    indicators: list[str] = field(default_factory=list)  # indicator columns taken from the table


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return None if np.isnan(obj) else float(obj)
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


# ---------------------------------------------------------------------------
# Preparing both sides
# ---------------------------------------------------------------------------
def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _clean_code(value: object, level: str | None) -> str | None:
    if level is None:
        return None
    return registry.normalize_code(value, level)


def _parent_level(level: str | None) -> str | None:
    return {"commune": "district", "district": "province"}.get(level or "")


def prepare_units(df: pd.DataFrame, *, level: str | None, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Standard identity columns (code, name, type, parent_code, parent_name) for matching.

    ``columns`` maps those keys to the frame's own column names; absent keys
    are looked up under their standard names. Codes are zero-padded for
    ``level``; a name's type prefix fills ``type`` when no type column exists.
    """
    columns = columns or {}
    raw = {key: (df[columns.get(key, key)] if columns.get(key, key) in df.columns else None) for key in UNIT_KEYS}

    def values(key):
        col = raw[key]
        return [None] * len(df) if col is None else [None if _missing(v) else v for v in col]

    names = [nfc(v) or None for v in values("name")]
    types = [
        nfc(t) if isinstance(t, str) and t.strip() else (unit_type_of(n) or None if n else None)
        for t, n in zip(values("type"), names)
    ]
    data = {
        "code": [_clean_code(v, level) for v in values("code")],
        "name": names,
        "type": types,
        "parent_code": [_clean_code(v, _parent_level(level)) for v in values("parent_code")],
        "parent_name": [nfc(v) or None for v in values("parent_name")],
    }
    # object dtype keeps None as None (pandas 3 would turn it into NaN in a str column).
    out = pd.DataFrame({k: pd.Series(v, index=df.index, dtype=object) for k, v in data.items()})
    return out


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------
_BARE_TYPES = {fold_key(t): t for t in ("Thành phố", "Thị xã")}


def _unit_label(units: pd.DataFrame, idx) -> dict:
    row = units.loc[idx]
    return {"code": row["code"], "name": row["name"], "parent": row["parent_name"]}


def _parent_filter(row: dict, units: pd.DataFrame) -> tuple[pd.Index, bool]:
    """Candidate units within the row's parent, and whether a parent was applied."""
    if row["parent_code"] and units["parent_code"].notna().any():
        return units.index[units["parent_code"] == row["parent_code"]], True
    if row["parent_name"] and units["parent_name"].notna().any():
        key = fold_key(row["parent_name"])
        return units.index[units["_parent_fold"] == key], True
    return units.index, False


def _name_candidates(row: dict, units: pd.DataFrame, pool: pd.Index) -> tuple[str | None, list]:
    """Best name tier and its candidates within ``pool``."""
    name = row["name"]
    if not name:
        return None, []
    sub = units.loc[pool]
    row_type = row["type"]  # prepare_units filled it from the name's prefix when the table has no type column
    type_ok = sub["type"].isna() | (sub["type"] == row_type) if row_type else pd.Series(True, index=sub.index)
    full = exact_key(name)
    short = exact_key(strip_type(name))
    whole = fold_text(name)  # unstripped: "Quan Son" may be a name, not "Quận Son"
    folded = fold_key(name)
    tiers = (
        ("name_exact", sub.index[sub["_exact"] == full]),
        ("name_short", sub.index[(sub["_short"] == short) & type_ok]),
        ("name_folded", sub.index[(sub["_fold_full"] == whole) | (sub["_fold"] == whole)]),
        ("name_folded", sub.index[(sub["_fold"] == folded) & type_ok]),
    )
    for method, found in tiers:
        if len(found):
            return method, list(found)
    bare = _BARE_TYPES.get(fold_key(name))  # a bare "Thành phố" / "Thị xã": the one unit of that type
    if bare:
        found = list(sub.index[sub["type"] == bare])
        if found:
            return "type_unique", found
    return None, []


def _suggest(row: dict, units: pd.DataFrame, pool: pd.Index, free: set) -> list[dict]:
    """Fuzzy suggestions (never applied), best first."""
    from rapidfuzz import fuzz, process

    if not row["name"]:
        return []
    choices = {idx: units.at[idx, "_fold"] for idx in pool if units.at[idx, "_fold"]}
    if not choices:
        return []
    found = fold_key(row["name"])
    hits = process.extract(
        found, choices, scorer=fuzz.ratio, limit=settings.FUZZY_SUGGEST_LIMIT + 2,
        score_cutoff=settings.FUZZY_SUGGEST_MIN_SCORE,
    )
    out = []
    for _choice, score, idx in hits:
        item = _unit_label(units, idx)
        item["score"] = round(float(score), 1)
        item["free"] = idx in free
        out.append(item)
    out.sort(key=lambda d: (-d["score"], not d["free"], str(d["code"] or d["name"])))
    return out[: settings.FUZZY_SUGGEST_LIMIT]


def match_units(
    rows: pd.DataFrame,
    units: pd.DataFrame,
    *,
    overrides: dict | None = None,
) -> tuple[pd.Series, list[dict]]:
    """Match prepared ``rows`` to prepared ``units`` (both from :func:`prepare_units`).

    Returns the matched unit index per row (NaN-free object Series, None when
    unmatched) and one record per row: method, candidates, suggestions. A unit
    claimed by several rows goes to the first; later rows are marked
    ``duplicate``. ``overrides`` maps a row index to a unit code chosen by hand.
    """
    units = units.copy()
    units["_exact"] = [exact_key(n) if n else None for n in units["name"]]
    units["_short"] = [exact_key(strip_type(n)) if n else None for n in units["name"]]
    units["_fold"] = [fold_key(n) if n else None for n in units["name"]]
    units["_fold_full"] = [fold_text(n) if n else None for n in units["name"]]
    units["_parent_fold"] = [fold_key(n) if n else None for n in units["parent_name"]]
    by_code: dict[str, list] = {}
    for idx, code in units["code"].items():
        if code:
            by_code.setdefault(code, []).append(idx)
    use_codes = bool(by_code) and rows["code"].notna().any()
    overrides = overrides or {}

    result = pd.Series([None] * len(rows), index=rows.index, dtype=object)
    records: list[dict] = []
    taken: dict = {}
    # Plain dicts: iterrows() would re-infer dtypes and turn None into NaN.
    row_dicts = rows.to_dict("index")
    for ridx, row in row_dicts.items():
        rec: dict[str, Any] = {"row": ridx, "method": None, "candidates": [], "suggestions": []}
        chosen = None
        if ridx in overrides and overrides[ridx] in by_code:
            chosen, rec["method"] = by_code[overrides[ridx]][0], "manual"
        elif use_codes and row["code"]:
            hits = by_code.get(row["code"], [])
            if len(hits) >= 1:
                chosen, rec["method"] = hits[0], "code"
            else:
                rec["code_not_found"] = row["code"]
        if chosen is None and rec["method"] is None:
            pool, applied = _parent_filter(row, units)
            if applied and not len(pool):
                # The stated district is not in the boundaries: never look for the name province-wide.
                rec["parent_not_found"] = row["parent_code"] or row["parent_name"]
            method, found = _name_candidates(row, units, pool)
            if method and len(found) == 1:
                chosen, rec["method"] = found[0], method
            elif method:
                rec["method"] = "ambiguous"
                rec["candidates"] = [_unit_label(units, i) for i in found]
        if chosen is not None and chosen in taken:
            rec["duplicate_of_row"] = taken[chosen]
            rec["unit"] = _unit_label(units, chosen)
            rec["method"] = "duplicate"
            chosen = None
        if chosen is not None:
            taken[chosen] = ridx
            rec["unit"] = _unit_label(units, chosen)
        result[ridx] = chosen
        records.append(rec)

    free = set(units.index) - set(taken)
    for rec in records:
        if rec["method"] is None:
            row = row_dicts[rec["row"]]
            pool, applied = _parent_filter(row, units)
            suggestions = _suggest(row, units, pool, free)
            if not suggestions and applied:
                suggestions = _suggest(row, units, units.index, free)
            rec["suggestions"] = suggestions
    return result, records


# ---------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------
def _suffixes(columns) -> list[str]:
    found = set()
    for col in columns:
        m = re.fullmatch(r"(?:near_)?poor_rate(_\d{4})?", col)
        if m:
            found.add(m.group(1) or "")
    return sorted(found)


def check_consistency(data: pd.DataFrame, *, tolerance: float = settings.RATE_TOLERANCE_POINTS) -> list[dict]:
    """Rows whose rate disagrees with count / households × 100 by more than ``tolerance`` points."""
    out = []
    for suffix in _suffixes(data.columns):
        households = f"households{suffix}"
        if households not in data:
            continue
        for count_col, rate_col in _RATE_PAIRS:
            count_col, rate_col = count_col + suffix, rate_col + suffix
            if count_col not in data or rate_col not in data:
                continue
            hh = pd.to_numeric(data[households], errors="coerce")
            computed = pd.to_numeric(data[count_col], errors="coerce") / hh.where(hh > 0) * 100
            given = pd.to_numeric(data[rate_col], errors="coerce")
            diff = (given - computed).abs()
            for idx in diff.index[diff > tolerance + 1e-9]:
                out.append({
                    "row": idx,
                    "column": rate_col,
                    "given": float(given[idx]),
                    "computed": round(float(computed[idx]), 4),
                    "difference": round(float(diff[idx]), 4),
                })
    return out


# ---------------------------------------------------------------------------
# The join
# ---------------------------------------------------------------------------
def _row_identity(table: pd.DataFrame, idx) -> dict:
    row = table.loc[idx]
    out = {"row": int(row["source_row"]) if "source_row" in row and pd.notna(row["source_row"]) else idx}
    for key in ("code", "name", "parent_name"):
        if key in row and isinstance(row[key], str) and row[key]:
            out[key] = row[key]
    return out


def indicator_columns(data: pd.DataFrame) -> list[str]:
    """The numeric indicator columns of a table (identity and trace columns excluded)."""
    skip = set(UNIT_KEYS) | {"source_row", "source_file", "level"}
    return [c for c in data.columns if c not in skip and pd.api.types.is_numeric_dtype(data[c])]


def join_indicators(
    boundaries: gpd.GeoDataFrame,
    table,
    *,
    level: str,
    boundary_columns: dict[str, str] | None = None,
    table_columns: dict[str, str] | None = None,
    overrides: dict | None = None,
    source: str | None = None,
) -> JoinResult:
    """Attach an indicator table to boundary units.

    Parameters
    ----------
    boundaries
        Polygons in EPSG:4326 with unit identity columns (see :func:`prepare_units`).
    table
        A :class:`geo.io.tables.IndicatorTable` or a DataFrame with ``code`` and/or
        ``name`` (and optionally ``parent_code``/``parent_name``, ``source_row``).
    level
        ``"district"`` or ``"commune"``: decides code widths.
    overrides
        Hand-made choices: table index -> unit code. Reported as ``manual``.

    Returns
    -------
    JoinResult
        ``gdf`` has one row per boundary unit: ``code``, ``name``, the
        identity columns, every indicator column, ``source_file``,
        ``source_row`` and ``match_method``; units without data carry NaN.
    """
    data = getattr(table, "data", table)
    source = source or getattr(table, "source", None)
    if data is None or len(data) == 0:
        raise GeoError("table_empty", path=source or "?")
    data = data.reset_index(drop=True)
    units = prepare_units(boundaries, level=level, columns=boundary_columns)
    if units["code"].isna().all() and units["name"].isna().all():
        raise GeoError("no_join_key", path=source or "?", columns=", ".join(map(str, boundaries.columns)))
    rows = prepare_units(data, level=level, columns=table_columns)
    matched_unit, records = match_units(rows, units, overrides=overrides)

    report = JoinReport(level=level, source=source)
    for rec in records:
        ident = _row_identity(data, rec["row"])
        method = rec["method"]
        if "code_not_found" in rec:
            report.warnings.append(f"code {rec['code_not_found']} (row {ident['row']}) not in boundaries")
        if "parent_not_found" in rec:
            report.warnings.append(f"district {rec['parent_not_found']} (row {ident['row']}) not in boundaries")
        if method in METHODS:
            report.matched.append({**ident, "unit_code": rec["unit"]["code"], "unit_name": rec["unit"]["name"], "method": method})
            row_name, unit_name = rows.at[rec["row"], "name"], rec["unit"]["name"]
            if method == "code" and row_name and unit_name and _other_unit(row_name, unit_name):
                report.name_mismatches.append({**ident, "unit_code": rec["unit"]["code"], "unit_name": unit_name})
        elif method == "ambiguous":
            report.ambiguous.append({**ident, "candidates": rec["candidates"]})
        elif method == "duplicate":
            report.duplicates.append({**ident, "unit_code": rec["unit"]["code"], "unit_name": rec["unit"]["name"],
                                      "duplicate_of_row": _row_identity(data, rec["duplicate_of_row"])["row"]})
        else:
            extra = {"parent_not_found": rec["parent_not_found"]} if "parent_not_found" in rec else {}
            report.unmatched_rows.append({**ident, **extra, "suggestions": rec["suggestions"]})

    dup_codes = units["code"][units["code"].notna() & units["code"].duplicated(keep=False)]
    for code in sorted(set(dup_codes)):
        report.duplicates.append({"boundary_code": code, "count": int((units["code"] == code).sum())})

    taken = {u for u in matched_unit if u is not None}
    free_rows = [r for r in records if r["method"] is None]
    for idx in units.index:
        if idx in taken:
            continue
        entry = {"code": units.at[idx, "code"], "name": units.at[idx, "name"], "parent": units.at[idx, "parent_name"]}
        entry["suggestions"] = _row_suggestions(units, idx, rows, free_rows, data)
        report.unmatched_boundaries.append(entry)

    for item in check_consistency(data):
        report.inconsistent.append({**_row_identity(data, item.pop("row")), **item})

    # Build the output layer: one row per boundary unit.
    values = indicator_columns(data)
    out = boundaries.copy()
    for key in UNIT_KEYS:
        if key in ("code", "name") or units[key].notna().any():
            out[key] = units[key]
    row_of_unit = {u: r for r, u in matched_unit.items() if u is not None}
    method_of_row = {rec["row"]: rec["method"] for rec in records}
    take = pd.Series([row_of_unit.get(i) for i in out.index], index=out.index, dtype=object)
    for col in values:
        series = data[col]
        out[col] = [series.at[r] if r is not None else np.nan for r in take]
    src_rows = data["source_row"] if "source_row" in data else pd.Series(data.index + 1, index=data.index)
    out["source_file"] = [source if r is not None else None for r in take]
    out["source_row"] = pd.array([src_rows.at[r] if r is not None else None for r in take], dtype="Float64").astype("Int64")
    out["match_method"] = [method_of_row.get(r) if r is not None else None for r in take]
    if out.crs is None:
        out = out.set_crs("EPSG:4326")
    return JoinResult(gdf=out, report=report, indicators=values)


def _other_unit(row_name: str, unit_name: str) -> bool:
    """Whether two names denote different units (a different name, or the same name with another type)."""
    if fold_key(row_name) != fold_key(unit_name):
        return True
    row_type, unit_type = unit_type_of(row_name), unit_type_of(unit_name)
    return bool(row_type and unit_type and row_type != unit_type)


def _row_suggestions(units, idx, rows, free_rows, data) -> list[dict]:
    """For an unmatched unit, the unmatched rows whose names look like it."""
    from rapidfuzz import fuzz

    target = fold_key(units.at[idx, "name"]) if units.at[idx, "name"] else ""
    if not target:
        return []
    scored = []
    for rec in free_rows:
        name = rows.at[rec["row"], "name"]
        if not name:
            continue
        score = fuzz.ratio(target, fold_key(name))
        if score >= settings.FUZZY_SUGGEST_MIN_SCORE:
            scored.append({**_row_identity(data, rec["row"]), "score": round(float(score), 1)})
    scored.sort(key=lambda d: -d["score"])
    return scored[: settings.FUZZY_SUGGEST_LIMIT]
