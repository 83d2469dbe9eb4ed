"""Join indicator rows to boundary units: codes first, names within parents second.

The rules, in order:

1. Where both sides carry GSO codes, rows join on the zero-padded code.
2. Otherwise names are matched, within the parent unit (district) when the
   row names one. Tiers: the full name exactly (``Xã Hòa Bình``), then the
   name without its type prefix exactly, then folded (no diacritics, no
   spaces). A higher tier always wins; a tier that leaves two candidates is
   *ambiguous* and nothing is applied. A bare type such as ``Thành phố``
   matches the only unit of that type in the layer.
3. Fuzzy candidates (rapidfuzz) are only *suggested*, with scores, units
   not yet matched first; a suggestion is never applied.

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

METHODS = ("code", "name_exact", "name_short", "name_folded", "type_unique", "name_in_district", "manual")
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


def _by_unique(values, func) -> list:
    """``func`` applied once per distinct value (names repeat: "Xã Hòa Bình", district names)."""
    seen: dict = {}
    out = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        if v not in seen:
            seen[v] = func(v)
        out.append(seen[v])
    return out


def prepare_units(df: pd.DataFrame, *, level: str | None, columns: dict[str, str] | None = None,
                  infer_type: bool = True) -> pd.DataFrame:
    """Standard identity columns (code, name, type, parent_code, parent_name) for matching.

    ``columns`` maps those keys to the frame's own column names; absent keys
    are looked up under their standard names. Codes are zero-padded for
    ``level``; a name's type prefix fills ``type`` when no type column exists
    (with ``infer_type``; :func:`match_units` reads it from the name when it needs it).
    """
    columns = columns or {}
    raw = {key: (df[columns.get(key, key)] if columns.get(key, key) in df.columns else None) for key in UNIT_KEYS}

    def values(key):
        col = raw[key]
        if col is None:
            return [None] * len(df)
        return [None if _missing(v) else v for v in col.astype(object).tolist()]

    def text(v):
        return nfc(v) or None

    names = _by_unique(values("name"), text)
    given = _by_unique(values("type"), lambda t: nfc(t) if isinstance(t, str) and t.strip() else None)
    if infer_type:
        inferred = _by_unique([n if not t else None for n, t in zip(names, given)], lambda n: unit_type_of(n) or None)
        types = [t if t else i for t, i in zip(given, inferred)]
    else:
        types = given
    parent_level = _parent_level(level)
    data = {
        "code": _by_unique(values("code"), lambda v: _clean_code(v, level)),
        "name": names,
        "type": types,
        "parent_code": _by_unique(values("parent_code"), lambda v: _clean_code(v, parent_level)),
        "parent_name": _by_unique(values("parent_name"), text),
    }
    # object dtype keeps None as None (pandas 3 would turn it into NaN in a str column).
    out = pd.DataFrame({k: pd.Series(v, index=df.index, dtype=object) for k, v in data.items()})
    return out


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------
_BARE_TYPES = {fold_key(t): t for t in ("Thành phố", "Thị xã")}


class _Units:
    """Prepared units with their name keys, folded once per unit and only for the units a row can reach.

    Folding a name is slow (type prefixes, diacritics), so the keys of a unit
    are computed the first time a row's pool holds it, and each pool (a
    parent's units, or all units) is indexed by key once.
    """

    def __init__(self, units: pd.DataFrame):
        self.frame = units
        self.index = list(units.index)
        self.pos = {idx: k for k, idx in enumerate(self.index)}
        self.code = units["code"].tolist()
        self.name = units["name"].tolist()
        self.type = units["type"].tolist()
        self.parent_code = units["parent_code"].tolist()
        self.parent_name = units["parent_name"].tolist()
        self.has_parent_code = any(c is not None for c in self.parent_code)
        self.has_parent_name = any(n is not None for n in self.parent_name)
        # The province of each unit (folded), when the layer has it: a district name is only valid within it.
        self.province = units["province"].tolist() if "province" in units else [None] * len(self.index)
        self.has_province = any(p for p in self.province)
        self._keys: dict[int, tuple] = {}
        self._pools: dict[tuple, list[int]] = {}
        self._lookup: dict[tuple, dict] = {}
        self._cache: dict[str, tuple] = {}

    def label(self, k: int) -> dict:
        return {"code": self.code[k], "name": self.name[k], "parent": self.parent_name[k]}

    def keys(self, k: int) -> tuple:
        """(exact, short, folded, folded with prefix) of unit position ``k``."""
        if k not in self._keys:
            name = self.name[k]
            if not name:
                self._keys[k] = (None, None, None, None)
            elif name in self._cache:
                self._keys[k] = self._cache[name]
            else:
                short = strip_type(name)
                self._keys[k] = self._cache[name] = (exact_key(name), exact_key(short), fold_text(short),
                                                     fold_text(name))
        return self._keys[k]

    def pool(self, row: dict) -> tuple[tuple, bool]:
        """Key of the candidate units within the row's parent, and whether a parent was applied."""
        if row["parent_code"] and self.has_parent_code:
            key = ("code", row["parent_code"])
        elif row["parent_name"] and self.has_parent_name:
            key = ("fold", fold_key(row["parent_name"]))
            if row.get("province") and self.has_province:  # "Huyện Châu Thành" of one province, not of five
                key = ("fold", fold_key(row["parent_name"]), row["province"])
        else:
            return ("all",), False
        if not self._pools:
            for k, (c, f) in enumerate(zip(self.parent_code, _by_unique(self.parent_name, fold_key))):
                if c is not None:
                    self._pools.setdefault(("code", c), []).append(k)
                if f:
                    self._pools.setdefault(("fold", f), []).append(k)
                    if self.province[k]:
                        self._pools.setdefault(("fold", f, self.province[k]), []).append(k)
        self._pools.setdefault(key, [])
        return key, True

    def members(self, pool: tuple) -> list[int]:
        if pool == ("all",):
            return list(range(len(self.index)))
        return self._pools[pool]

    def lookup(self, pool: tuple) -> dict:
        """Key -> unit positions (in unit order) of one pool, for each of the four name keys."""
        if pool not in self._lookup:
            maps: tuple[dict, ...] = ({}, {}, {}, {})
            for k in self.members(pool):
                for m, key in zip(maps, self.keys(k)):
                    if key:
                        m.setdefault(key, []).append(k)
            self._lookup[pool] = {"exact": maps[0], "short": maps[1], "fold": maps[2], "fold_full": maps[3]}
        return self._lookup[pool]


def _name_candidates(row: dict, units: _Units, pool: tuple) -> tuple[str | None, list[int]]:
    """Best name tier and its candidate unit positions within ``pool``."""
    name = row["name"]
    if not name:
        return None, []
    look = units.lookup(pool)
    row_type = row["type"] or unit_type_of(name)

    def type_ok(found: list[int]) -> list[int]:
        return [k for k in found if units.type[k] is None or units.type[k] == row_type] if row_type else found

    whole = fold_text(name)  # unstripped: "Quan Son" may be a name, not "Quận Son"
    folded = fold_key(name)
    tiers = (
        ("name_exact", look["exact"].get(exact_key(name), [])),
        ("name_short", type_ok(look["short"].get(exact_key(strip_type(name)), []))),
        ("name_folded", sorted(set(look["fold_full"].get(whole, [])) | set(look["fold"].get(whole, [])))),
        ("name_folded", type_ok(look["fold"].get(folded, []))),
    )
    for method, found in tiers:
        if found:
            return method, list(found)
    bare = _BARE_TYPES.get(folded)  # a bare "Thành phố" / "Thị xã": the one unit of that type
    if bare:
        found = [k for k in units.members(pool) if units.type[k] == bare]
        if found:
            return "type_unique", found
    return None, []


def _suggest_pool(queries: list[str], units: _Units, pool: tuple, free: set) -> list[list[dict]]:
    """Fuzzy suggestions (never applied) for folded row names against one pool, best first, one list per query.

    Scores come from one ``rapidfuzz.process.cdist`` per chunk of rows (C code, no Python loop over
    pairs); units still free rank first, then by score, then by code.
    """
    out: list[list[dict]] = [[] for _ in queries]
    members = [k for k in units.members(pool) if units.keys(k)[2]]
    if not members or not queries:
        return out
    for q, row_scores, hits in _fuzzy_hits(queries, [units.keys(k)[2] for k in members]):
        found = []
        for j in hits:
            k = members[j]
            item = units.label(k)
            item["score"] = round(float(row_scores[j]), 1)
            item["free"] = k in free
            found.append(item)
        # Units still free first: a unit another row already claimed is rarely the answer.
        found.sort(key=lambda d: (not d["free"], -d["score"], str(d["code"] or d["name"])))
        out[q] = found[: settings.FUZZY_SUGGEST_LIMIT]
    return out


def _fuzzy_hits(queries: list[str], choices: list[str]):
    """``(query position, its scores, choice positions at or above the cutoff)`` for each non-empty query.

    Scores come from one ``rapidfuzz.process.cdist`` per chunk of :data:`geo.settings.FUZZY_SUGGEST_CHUNK`
    queries (C code, no Python loop over pairs).
    """
    from rapidfuzz import fuzz, process

    cutoff = settings.FUZZY_SUGGEST_MIN_SCORE
    for start in range(0, len(queries), settings.FUZZY_SUGGEST_CHUNK):
        chunk = queries[start:start + settings.FUZZY_SUGGEST_CHUNK]
        scores = process.cdist(chunk, choices, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float64, workers=1)
        for i, query in enumerate(chunk):
            if query:
                yield start + i, scores[i], np.flatnonzero(scores[i] >= cutoff)


def _suggest_rows(records: list[dict], row_dicts: dict, units: _Units, free: set) -> None:
    """Suggestions for the unmatched ``records`` (in place), within each row's parent unit.

    Only the first :data:`geo.settings.FUZZY_SUGGEST_MAX_ROWS` unmatched rows with a name get
    suggestions; later ones are marked ``suggestions_skipped`` (a table whose names match nothing
    must not cost a second per row). A row whose parent holds no close name is tried against all units.
    """
    named = [rec for rec in records if rec["method"] is None and row_dicts[rec["row"]]["name"]]
    for rec in records:
        if rec["method"] is None:
            rec["suggestions"] = []
    for rec in named[settings.FUZZY_SUGGEST_MAX_ROWS:]:
        rec["suggestions_skipped"] = True
    by_pool: dict[tuple, list[tuple[dict, bool]]] = {}
    for rec in named[: settings.FUZZY_SUGGEST_MAX_ROWS]:
        pool, applied = units.pool(row_dicts[rec["row"]])
        by_pool.setdefault(pool, []).append((rec, applied))
    retry: list[dict] = []
    for pool, items in by_pool.items():
        queries = [fold_key(row_dicts[rec["row"]]["name"]) for rec, _ in items]
        for (rec, applied), found in zip(items, _suggest_pool(queries, units, pool, free)):
            rec["suggestions"] = found
            if not found and applied:
                retry.append(rec)
    if retry:
        queries = [fold_key(row_dicts[rec["row"]]["name"]) for rec in retry]
        for rec, found in zip(retry, _suggest_pool(queries, units, ("all",), free)):
            rec["suggestions"] = found


def _resolve_in_dominant_district(records: list[dict], chosen_pos: list, ambiguous: dict, index: _Units,
                                  taken: dict) -> None:
    """A district office's table names no district: resolve a name found in several districts within the one
    district that all the table's other matched rows belong to (``name_in_district``).

    Applies only when at least :data:`settings.DOMINANT_DISTRICT_MIN_ROWS` rows matched, every one of them lies
    in the same district, and exactly one candidate of the ambiguous row lies there and is still free. The
    record keeps the other candidates and says how many rows decided it.
    """
    if not ambiguous:
        return
    def parent(k: int):  # the district's code, or its folded name on boundaries without codes (GADM)
        return index.parent_code[k] or (fold_key(index.parent_name[k]) if index.parent_name[k] else None)

    parents = [parent(k) for k in chosen_pos if k is not None]
    if len(parents) < settings.DOMINANT_DISTRICT_MIN_ROWS or None in parents or len(set(parents)) != 1:
        return
    district = parents[0]
    for pos, rec in enumerate(records):
        found = ambiguous.get(rec["row"])
        if not found:
            continue
        inside = [k for k in found if parent(k) == district and k not in taken]
        if len(inside) != 1:
            continue
        k = inside[0]
        taken[k] = rec["row"]
        chosen_pos[pos] = k
        rec.update(method="name_in_district", unit=index.label(k),
                   district={"code": index.parent_code[k], "name": index.parent_name[k], "rows": len(parents)})


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

    Codes are matched for all rows at once (a pandas lookup); only the rows
    left over go through the name tiers one by one, and unit names are folded
    only for the units those rows could match.
    """
    index = _Units(units)
    first_of_code: dict = {}
    for k, code in enumerate(index.code):
        if code is not None and code not in first_of_code:
            first_of_code[code] = k
    use_codes = bool(first_of_code) and rows["code"].notna().any()
    overrides = overrides or {}

    chosen_pos: list = []
    records: list[dict] = []
    taken: dict = {}
    ambiguous: dict = {}  # row -> candidate positions, for rows that named no district
    # Plain dicts: iterrows() would re-infer dtypes and turn None into NaN.
    keys = list(rows.columns)
    row_dicts = dict(zip(rows.index, (dict(zip(keys, vals)) for vals in zip(*(rows[k].tolist() for k in keys)))))
    for ridx, row in row_dicts.items():
        rec: dict[str, Any] = {"row": ridx, "method": None, "candidates": [], "suggestions": []}
        chosen = None
        if ridx in overrides and overrides[ridx] in first_of_code:
            chosen, rec["method"] = first_of_code[overrides[ridx]], "manual"
        elif use_codes and row["code"]:
            chosen = first_of_code.get(row["code"])
            if chosen is not None:
                rec["method"] = "code"
            else:
                rec["code_not_found"] = row["code"]
        if chosen is None and rec["method"] is None:
            pool, applied = index.pool(row)
            if applied and not index.members(pool):
                # The stated district is not in the boundaries: never look for the name province-wide.
                rec["parent_not_found"] = row["parent_code"] or row["parent_name"]
            method, found = _name_candidates(row, index, pool)
            if method and len(found) == 1:
                chosen, rec["method"] = found[0], method
            elif method:
                rec["method"] = "ambiguous"
                rec["candidates"] = [index.label(k) for k in found]
                if not applied:
                    ambiguous[ridx] = found
        if chosen is not None and chosen in taken:
            rec["duplicate_of_row"] = taken[chosen]
            rec["unit"] = index.label(chosen)
            rec["method"] = "duplicate"
            chosen = None
        if chosen is not None:
            taken[chosen] = ridx
            rec["unit"] = index.label(chosen)
        chosen_pos.append(chosen)
        records.append(rec)

    _resolve_in_dominant_district(records, chosen_pos, ambiguous, index, taken)
    free = set(range(len(index.index))) - set(taken)
    _suggest_rows(records, row_dicts, index, free)
    result = pd.Series([index.index[k] if k is not None else None for k in chosen_pos], index=rows.index,
                       dtype=object)
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
    rows = prepare_units(data, level=level, columns=table_columns, infer_type=False)
    if "province_name" in data and "province_name" in boundaries:  # names within their province too
        rows["province"] = _province_keys(data["province_name"])
        units["province"] = _province_keys(boundaries["province_name"])
    matched_unit, records = match_units(rows, units, overrides=overrides)

    report = JoinReport(level=level, source=source)
    ident_of = _identities(data)
    row_names = dict(zip(rows.index, rows["name"]))
    for rec in records:
        ident = dict(ident_of[rec["row"]])
        method = rec["method"]
        if "code_not_found" in rec:
            report.warnings.append(f"code {rec['code_not_found']} (row {ident['row']}) not in boundaries")
        if "parent_not_found" in rec:
            report.warnings.append(f"district {rec['parent_not_found']} (row {ident['row']}) not in boundaries")
        if method in METHODS:
            report.matched.append({**ident, "unit_code": rec["unit"]["code"], "unit_name": rec["unit"]["name"], "method": method,
                                   **({"district": rec["district"]} if "district" in rec else {})})
            row_name, unit_name = row_names[rec["row"]], rec["unit"]["name"]
            if method == "code" and row_name and unit_name and _other_unit(row_name, unit_name):
                report.name_mismatches.append({**ident, "unit_code": rec["unit"]["code"], "unit_name": unit_name})
        elif method == "ambiguous":
            report.ambiguous.append({**ident, "candidates": rec["candidates"]})
        elif method == "duplicate":
            report.duplicates.append({**ident, "unit_code": rec["unit"]["code"], "unit_name": rec["unit"]["name"],
                                      "duplicate_of_row": ident_of[rec["duplicate_of_row"]]["row"]})
        else:
            extra = {"parent_not_found": rec["parent_not_found"]} if "parent_not_found" in rec else {}
            if rec.get("suggestions_skipped"):
                extra["suggestions_skipped"] = True
            report.unmatched_rows.append({**ident, **extra, "suggestions": rec["suggestions"]})
    skipped = sum(1 for rec in records if rec.get("suggestions_skipped"))
    if skipped:
        report.warnings.append(f"fuzzy suggestions for the first {settings.FUZZY_SUGGEST_MAX_ROWS} unmatched rows "
                               f"only; {skipped} more unmatched rows are listed without suggestions")

    dup_codes = units["code"][units["code"].notna() & units["code"].duplicated(keep=False)]
    for code in sorted(set(dup_codes)):
        report.duplicates.append({"boundary_code": code, "count": int((units["code"] == code).sum())})

    taken = {u for u in matched_unit if u is not None}
    # The rows that got suggestions (the first FUZZY_SUGGEST_MAX_ROWS unmatched ones) are offered to free units.
    free_keys = {r["row"]: fold_key(row_names[r["row"]]) for r in records
                 if r["method"] is None and row_names[r["row"]] and not r.get("suggestions_skipped")}
    free_units = [(code, name, parent) for idx, code, name, parent
                  in zip(units.index, units["code"], units["name"], units["parent_name"]) if idx not in taken]
    row_hits = _row_suggestions([name for _, name, _ in free_units], free_keys, ident_of)
    for (code, name, parent), hits in zip(free_units, row_hits):
        report.unmatched_boundaries.append({"code": code, "name": name, "parent": parent, "suggestions": hits})

    for item in check_consistency(data):
        report.inconsistent.append({**ident_of[item.pop("row")], **item})

    # Build the output layer: one row per boundary unit (positions into the table, -1 for none).
    values = indicator_columns(data)
    out = boundaries.copy()
    for key in UNIT_KEYS:
        if key in ("code", "name") or units[key].notna().any():
            out[key] = units[key].to_numpy()
    row_of_unit = {u: r for r, u in matched_unit.items() if u is not None}
    pos = np.array([row_of_unit.get(i, -1) for i in units.index], dtype=np.int64)
    has = pos >= 0
    safe = np.where(has, pos, 0)
    for col in values:
        series = data[col]
        taken_values = series.to_numpy()[safe]
        out[col] = pd.Series(taken_values, index=out.index).where(has) if len(series) else np.nan
    src_rows = data["source_row"] if "source_row" in data else pd.Series(data.index + 1, index=data.index)
    src = pd.to_numeric(src_rows, errors="coerce").astype("Float64").to_numpy()[safe]
    out["source_file"] = np.where(has, source, None)
    out["source_row"] = pd.array(pd.Series(src, index=out.index).where(has), dtype="Float64").astype("Int64")
    methods = np.array([rec["method"] for rec in records], dtype=object)
    out["match_method"] = np.where(has, methods[safe], None)
    if out.crs is None:
        out = out.set_crs("EPSG:4326")
    return JoinResult(gdf=out, report=report, indicators=values)


def _province_keys(values: pd.Series) -> list:
    """Folded province names ("Tỉnh Bến Tre", "Bến Tre" -> "bentre"), None where empty."""
    return _by_unique([v if isinstance(v, str) and v.strip() and v not in ("None", "nan") else None
                       for v in values.astype(object).tolist()], fold_key)


def _identities(data: pd.DataFrame) -> list[dict]:
    """Per table row: its file row and, where written, code, name and parent name (for the report)."""
    n = len(data)
    rows = (data["source_row"].tolist() if "source_row" in data else [None] * n)
    cols = {key: (data[key].tolist() if key in data else [None] * n) for key in ("code", "name", "parent_name")}
    out = []
    for i in range(n):
        r = rows[i]
        ident = {"row": int(r) if r is not None and pd.notna(r) else i}
        for key, vals in cols.items():
            v = vals[i]
            if isinstance(v, str) and v:
                ident[key] = v
        out.append(ident)
    return out


def _other_unit(row_name: str, unit_name: str) -> bool:
    """Whether two names denote different units (a different name, or the same name with another type)."""
    if row_name == unit_name:
        return False
    if fold_key(row_name) != fold_key(unit_name):
        return True
    row_type, unit_type = unit_type_of(row_name), unit_type_of(unit_name)
    return bool(row_type and unit_type and row_type != unit_type)


def _row_suggestions(names: list, free_keys: dict, ident_of: list[dict]) -> list[list[dict]]:
    """For each unmatched unit name, the unmatched rows whose names look like it (best first).

    One ``rapidfuzz.process.cdist`` per chunk of units; ties keep the rows' order.
    """
    out: list[list[dict]] = [[] for _ in names]
    if not free_keys or not names:
        return out
    rows, keys = list(free_keys), list(free_keys.values())
    targets = [fold_key(name) if name else "" for name in names]
    for q, scores, hits in _fuzzy_hits(targets, keys):
        ordered = sorted(hits, key=lambda j: -scores[j])
        out[q] = [{**ident_of[rows[j]], "score": round(float(scores[j]), 1)}
                  for j in ordered[: settings.FUZZY_SUGGEST_LIMIT]]
    return out
