"""Admin-unit registry: GSO codes, names, types, centroids and the 2025 mapping.

Built on the ``vietnamadminunits`` package (MIT), which ships the GSO lists
for both administrative vintages:

- ``"pre2025"``: province (2-digit code) -> district (3) -> commune (5), the
  63-province system valid until 2025-06-30;
- ``"2025"``: province -> commune, the 34-province system from 2025-07-01.

Codes are always zero-padded strings. Every table returned here is a plain
DataFrame with one row per unit, so callers can filter and join it freely.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo._errors import GeoError
from geo.text.names import fold_key, nfc

__all__ = [
    "VINTAGES",
    "LEVELS",
    "AdminUnit",
    "normalize_code",
    "provinces",
    "units",
    "positions",
    "unit_names",
    "unit",
    "old_to_new",
    "check_vintage_level",
    "province_of",
    "guess_vintage",
]

VINTAGES = ("pre2025", "2025")
LEVELS = {"pre2025": ("province", "district", "commune"), "2025": ("province", "commune")}
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

# Columns of every table returned by units().
UNIT_COLUMNS = [
    "code", "name", "short_name", "type", "level", "vintage",
    "province_code", "province_name", "district_code", "district_name", "parent_code",
    "lat", "lon", "minx", "miny", "maxx", "maxy", "area_km2",
]


@dataclass(frozen=True)
class AdminUnit:
    """One administrative unit of one vintage."""

    code: str
    name: str
    short_name: str
    type: str
    level: str
    vintage: str
    province_code: str
    parent_code: str | None
    lat: float | None
    lon: float | None
    bounds: tuple[float, float, float, float] | None  # minx, miny, maxx, maxy (lon/lat)
    area_km2: float | None


def normalize_code(value: object, level: str) -> str | None:
    """A GSO code as a zero-padded string, whatever Excel did to it.

    >>> normalize_code(5971, "commune"), normalize_code("5971.0", "commune"), normalize_code(" 20 ", "province")
    ('05971', '05971', '20')
    """
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        if not value.is_integer():
            return None
        value = int(value)
    text = str(value).strip()
    text = re.sub(r"\.0+$", "", text)
    if not text.isdigit():
        return None
    width = CODE_WIDTH[level]
    if len(text) > width:
        return None
    return text.zfill(width)


def check_vintage_level(vintage: str, level: str | None = None) -> None:
    """Raise GeoError for a vintage or level this registry does not have."""
    if vintage not in VINTAGES:
        raise GeoError("unknown_vintage", vintage=vintage)
    if level is not None and level not in LEVELS[vintage]:
        raise GeoError("unknown_level", level=level, vintage=vintage, allowed=", ".join(LEVELS[vintage]))


@functools.lru_cache(maxsize=None)
def _package_dir() -> Path:
    """The folder of the ``vietnamadminunits`` package, found without importing it: its ``__init__`` loads the
    address parser, whose regular expressions take seconds to compile, and the registry needs only its data."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def _query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Rows of the package's SQLite database (read-only), as ``vietnamadminunits.database.query`` returns them."""
    path = _package_dir() / "data" / "dataset.db"
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        cursor = conn.execute(sql, params)
        rows = cursor.fetchall()  # plain tuples: sqlite3.Row and a dict per row cost more than the query
        return pd.DataFrame(rows, columns=[d[0] for d in cursor.description]) if rows else pd.DataFrame()


_SQL_VARIABLES = 900  # codes per query: under SQLite's oldest limit on bound parameters (999)


def _query_codes(sql: str, codes: list[str]) -> pd.DataFrame:
    """Rows of ``sql`` (whose ``{codes}`` is replaced by placeholders) for ``codes``, asked in chunks of
    :data:`_SQL_VARIABLES`; an empty frame when none is found."""
    frames = []
    for start in range(0, len(codes), _SQL_VARIABLES):
        chunk = codes[start:start + _SQL_VARIABLES]
        found = _query(sql.format(codes=",".join("?" * len(chunk))), tuple(chunk))
        if len(found):
            frames.append(found)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _parse_bounds(text: object) -> tuple[float, float, float, float]:
    """'lat1,lon1 – lat2,lon2' -> (minx, miny, maxx, maxy)."""
    if not isinstance(text, str):
        return (float("nan"),) * 4
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)]
    if len(nums) != 4:
        return (float("nan"),) * 4
    lat1, lon1, lat2, lon2 = nums
    return (min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2))


_NUMBER = r"(-?\d+(?:\.\d+)?)"
_BOUNDS_RE = r"^\D*?" + r"\D+?".join([_NUMBER] * 4) + r"\D*$"  # exactly four numbers, as _parse_bounds reads them


def _with_bounds(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """``df`` with its 'lat1,lon1 – lat2,lon2' column replaced by minx, miny, maxx, maxy (vectorised
    :func:`_parse_bounds`: NaN unless the text holds exactly four numbers)."""
    found = df[column].astype(object).where(df[column].notna(), "").astype(str).str.extract(_BOUNDS_RE)
    lat1, lon1, lat2, lon2 = (pd.to_numeric(found[i], errors="coerce").to_numpy(dtype=float) for i in range(4))
    b = pd.DataFrame({"minx": np.minimum(lon1, lon2), "miny": np.minimum(lat1, lat2),
                      "maxx": np.maximum(lon1, lon2), "maxy": np.maximum(lat1, lat2)}, index=df.index)
    return pd.concat([df.drop(columns=[column]), b], axis=1)


# The package's columns the registry uses (its tables also hold long keyword, alias and address texts).
_LEGACY_COLUMNS = (
    "province", "district", "ward", "provinceShort", "districtShort", "wardShort", "districtType", "wardType",
    "provinceCode", "provinceLat", "provinceLon", "provinceBounds", "districtCode", "districtLat", "districtLon",
    "districtBounds", "wardCode", "wardLat", "wardLon", "wardBounds", "provinceKey", "districtKey", "wardKey",
)
_CURRENT_COLUMNS = (
    "province", "ward", "provinceShort", "wardShort", "wardType", "provinceCode", "provinceLat", "provinceLon",
    "wardCode", "wardLat", "wardLon", "wardAreaKm2", "provinceKey", "wardKey",
)


@functools.lru_cache(maxsize=None)
def _legacy() -> pd.DataFrame:
    return _query(f"SELECT {', '.join(_LEGACY_COLUMNS)} FROM admin_units_legacy")


@functools.lru_cache(maxsize=None)
def _legacy_firsts(column: str) -> pd.DataFrame:
    """The rows of :func:`_legacy` that ``drop_duplicates(column)`` keeps (the first of each province or
    district), read alone: a province's or district's list does not need the 10,000 commune rows."""
    return _query(f"SELECT {', '.join(_LEGACY_COLUMNS)} FROM admin_units_legacy WHERE rowid IN "
                  f"(SELECT MIN(rowid) FROM admin_units_legacy GROUP BY {column}) ORDER BY rowid")


@functools.lru_cache(maxsize=None)
def _current() -> pd.DataFrame:
    return _query(f"SELECT {', '.join(_CURRENT_COLUMNS)} FROM admin_units")


def _nfc_column(values: pd.Series) -> pd.Series:
    """NFC text of a column, each distinct value normalised once (a province's name repeats on every row)."""
    found = {v: nfc(v) if isinstance(v, str) else v for v in values.dropna().unique()}
    return values.map(found, na_action="ignore")


def _finish(df: pd.DataFrame, level: str, vintage: str) -> pd.DataFrame:
    df = df.copy()
    df["level"] = level
    df["vintage"] = vintage
    for col in UNIT_COLUMNS:
        if col not in df:
            df[col] = None
    for col in ("lat", "lon", "minx", "miny", "maxx", "maxy", "area_km2"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    df = df[UNIT_COLUMNS].sort_values("code", kind="stable").reset_index(drop=True)
    return df


@functools.lru_cache(maxsize=None)
def _units_all(level: str, vintage: str) -> pd.DataFrame:
    check_vintage_level(vintage, level)
    if vintage == "pre2025":
        raw = {"province": _legacy_firsts("provinceCode"), "district": _legacy_firsts("districtCode")}.get(level) \
            if level in ("province", "district") else _legacy()
        if level == "province":
            df = raw.drop_duplicates("provinceCode").rename(columns={
                "provinceCode": "code", "province": "name", "provinceShort": "short_name",
                "provinceLat": "lat", "provinceLon": "lon", "provinceBounds": "bounds"})
            df["type"] = df["name"].map(lambda n: "Thành phố" if str(n).startswith("Thành phố") else "Tỉnh")
            df["province_code"] = df["code"]
            df["province_name"] = df["name"]
        elif level == "district":
            df = raw.drop_duplicates("districtCode").rename(columns={
                "districtCode": "code", "district": "name", "districtShort": "short_name",
                "districtType": "type", "districtLat": "lat", "districtLon": "lon",
                "districtBounds": "bounds", "provinceCode": "province_code", "province": "province_name"})
            df["parent_code"] = df["province_code"]
            df["district_code"] = df["code"]
            df["district_name"] = df["name"]
        else:
            df = raw[raw["wardCode"].notna()].rename(columns={
                "wardCode": "code", "ward": "name", "wardShort": "short_name", "wardType": "type",
                "wardLat": "lat", "wardLon": "lon", "wardBounds": "bounds",
                "provinceCode": "province_code", "province": "province_name",
                "districtCode": "district_code", "district": "district_name"})
            df["parent_code"] = df["district_code"]
        df = _with_bounds(df, "bounds")
    else:
        raw = _current()
        if level == "province":
            df = raw.drop_duplicates("provinceCode").rename(columns={
                "provinceCode": "code", "province": "name", "provinceShort": "short_name",
                "provinceLat": "lat", "provinceLon": "lon"})
            df["type"] = df["name"].map(lambda n: "Thành phố" if str(n).startswith("Thành phố") else "Tỉnh")
            df["province_code"] = df["code"]
            df["province_name"] = df["name"]
            areas = raw.groupby("provinceCode")["wardAreaKm2"].sum()
            df["area_km2"] = df["code"].map(areas)
        else:
            df = raw.rename(columns={
                "wardCode": "code", "ward": "name", "wardShort": "short_name", "wardType": "type",
                "wardLat": "lat", "wardLon": "lon", "wardAreaKm2": "area_km2",
                "provinceCode": "province_code", "province": "province_name"})
            df["parent_code"] = df["province_code"]
            # A few units carry area 0 in the package: unknown, not empty.
            df.loc[df["area_km2"] <= 0, "area_km2"] = float("nan")
    for col in ("name", "short_name", "type", "province_name", "district_name"):
        if col in df:
            df[col] = _nfc_column(df[col])
    return _finish(df, level, vintage)


def provinces(vintage: str = "pre2025") -> pd.DataFrame:
    """All provinces of a vintage (63 before the reform, 34 after)."""
    return _units_all("province", vintage).copy()


# (code, lon, lat, province code) columns of each level's rows in the package's tables: what
# :func:`_units_all` renames to code, lon, lat, province_code.
_POSITION_COLUMNS = {
    ("pre2025", "province"): ("admin_units_legacy", "provinceCode", "provinceLon", "provinceLat", "provinceCode"),
    ("pre2025", "district"): ("admin_units_legacy", "districtCode", "districtLon", "districtLat", "provinceCode"),
    ("pre2025", "commune"): ("admin_units_legacy", "wardCode", "wardLon", "wardLat", "provinceCode"),
    ("2025", "province"): ("admin_units", "provinceCode", "provinceLon", "provinceLat", "provinceCode"),
    ("2025", "commune"): ("admin_units", "wardCode", "wardLon", "wardLat", "provinceCode"),
}


_POSITIONS: dict[tuple[str, str], pd.DataFrame] = {}  # (level, vintage) -> the whole list, read once per process


def _position_rows(level: str, vintage: str, codes: list[str] | None) -> pd.DataFrame:
    """Positions of a level's units (of ``codes`` only, when given), indexed by code; lon and lat as floats."""
    table, code, lon, lat, province = _POSITION_COLUMNS[(vintage, level)]
    # A province's or district's row repeats for each of its communes: the first one, chosen by the database.
    select = (f"SELECT {code} AS code, {lon} AS lon, {lat} AS lat, {province} AS province_code FROM {table} "
              f"WHERE rowid IN (SELECT MIN(rowid) FROM {table} WHERE {code} {{where}} GROUP BY {code}) ORDER BY rowid")
    if codes is None:
        df = _query(select.format(where="IS NOT NULL"))
    else:
        df = _query_codes(select.format(where="IN ({codes})"), codes)
    if df.empty:
        return pd.DataFrame({"lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float),
                             "province_code": pd.Series(dtype=object)}, index=pd.Index([], dtype=object, name="code"))
    for col in ("lon", "lat"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df.set_index("code")


def _positions(level: str, vintage: str) -> pd.DataFrame:
    key = (level, vintage)
    if key not in _POSITIONS:
        check_vintage_level(vintage, level)
        _POSITIONS[key] = _position_rows(level, vintage, None)
    return _POSITIONS[key]


def positions(*, level: str, vintage: str = "pre2025", codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Registry centroids of every unit of a level, indexed by code: ``lon``, ``lat``, ``province_code``.

    The same figures as those columns of :func:`units`, read once per process without the names (what
    the boundary placement check needs, at a fraction of the cost of the whole unit list). With ``codes``
    (GSO codes as the registry writes them), only those units, in the registry's order (unknown codes are
    left out): a province's file or table asks for its 200 codes, not the country's 10,000, unless the whole list
    was read already.
    """
    if codes is None:
        return _positions(level, vintage)
    check_vintage_level(vintage, level)
    wanted = sorted({c for c in codes if isinstance(c, str)})
    full = _POSITIONS.get((level, vintage))
    if full is not None:
        return full.loc[full.index.intersection(wanted, sort=False)]
    return _position_rows(level, vintage, wanted)


@functools.lru_cache(maxsize=64)
def _unit_names(province: str, level: str, vintage: str) -> frozenset[str]:
    check_vintage_level(vintage, level)
    table = "admin_units_legacy" if vintage == "pre2025" else "admin_units"
    column = {"province": "province", "district": "district", "commune": "ward"}[level]
    code = {"province": "provinceCode", "district": "districtCode", "commune": "wardCode"}[level]
    found = _query(f"SELECT DISTINCT {column} AS name FROM {table} WHERE provinceCode = ? AND {code} IS NOT NULL",
                   (province,))
    return frozenset(nfc(v) for v in (found["name"] if len(found) else ()) if isinstance(v, str))


def unit_names(*, province: str | int, level: str = "commune", vintage: str = "pre2025") -> frozenset[str]:
    """The full names (type included, NFC) of one province's units: the ``name`` column of :func:`units`
    for that province, read without building the whole country's list.

    Raises ``GeoError("unknown_province")`` as :func:`units` does.
    """
    code = normalize_code(province, "province")
    if code is None or code not in positions(level="province", vintage=vintage).index:
        raise GeoError("unknown_province", province=province, vintage=vintage)
    return _unit_names(code, level, vintage)


def units(*, province: str | int | None = None, level: str = "commune", vintage: str = "pre2025") -> pd.DataFrame:
    """Units of one level, optionally within one province.

    Parameters
    ----------
    province
        GSO province code (``20`` or ``"20"``) of the same vintage; None for the whole country.
    level
        ``"province"``, ``"district"`` (pre2025 only) or ``"commune"``.
    vintage
        ``"pre2025"`` or ``"2025"``.
    """
    df = _units_all(level, vintage)
    if province is not None:
        code = normalize_code(province, "province")
        if code is None or code not in set(_units_all("province", vintage)["code"]):
            raise GeoError("unknown_province", province=province, vintage=vintage)
        df = df[df["province_code"] == code]
    return df.reset_index(drop=True).copy()


@functools.lru_cache(maxsize=None)
def _province_names(vintage: str) -> dict[str, tuple[str, str]]:
    check_vintage_level(vintage, "province")
    table = "admin_units_legacy" if vintage == "pre2025" else "admin_units"
    found = _query(f"SELECT provinceCode AS code, province AS name, provinceShort AS short_name FROM {table} "
                   "WHERE rowid IN (SELECT MIN(rowid) FROM " + table + " GROUP BY provinceCode)")
    return {str(c): (nfc(n), nfc(s)) for c, n, s in zip(found["code"], found["name"], found["short_name"])
            if isinstance(c, str) and c}


def province_name(code: str | int, *, vintage: str = "pre2025", short: bool = False) -> str | None:
    """A province's name ("Tỉnh Lạng Sơn", or "Lạng Sơn" with ``short``), as :func:`unit` gives it, without
    building the province list (a title needs only this); None for a code the vintage does not have."""
    norm = normalize_code(code, "province")
    names = _province_names(vintage).get(norm) if norm is not None else None
    return None if names is None else names[1 if short else 0]


def unit(code: str | int, *, level: str, vintage: str = "pre2025") -> AdminUnit:
    """One unit by code, as an :class:`AdminUnit`. Raises KeyError when unknown."""
    norm = normalize_code(code, level)
    df = _units_all(level, vintage)
    row = df[df["code"] == norm]
    if row.empty:
        raise KeyError(code)
    r = row.iloc[0]
    bounds = None if pd.isna(r["minx"]) else tuple(float(r[k]) for k in ("minx", "miny", "maxx", "maxy"))
    return AdminUnit(
        code=r["code"], name=r["name"], short_name=r["short_name"], type=r["type"], level=level,
        vintage=vintage, province_code=r["province_code"], parent_code=r["parent_code"],
        lat=None if pd.isna(r["lat"]) else float(r["lat"]), lon=None if pd.isna(r["lon"]) else float(r["lon"]),
        bounds=bounds, area_km2=None if pd.isna(r["area_km2"]) else float(r["area_km2"]),
    )


def province_of(code: str, *, level: str, vintage: str = "pre2025") -> str | None:
    """Province code of a district or commune code, or None when unknown."""
    try:
        return unit(code, level=level, vintage=vintage).province_code
    except KeyError:
        return None


@functools.lru_cache(maxsize=None)
def _converter() -> dict:
    path = _package_dir() / "data" / "converter_2025.json"
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=None)
def _old_to_new_all() -> pd.DataFrame:
    conv = _converter()
    legacy = _legacy()
    legacy = legacy[legacy["wardCode"].notna()]
    old_by_key = {
        f"{p}_{d}_{w}": code
        for p, d, w, code in zip(legacy["provinceKey"], legacy["districtKey"], legacy["wardKey"], legacy["wardCode"])
    }
    current = _current()
    # Fold the package's keys: one of them carries diacritics by mistake.
    new_by_key = {
        (p, fold_key(w)): code for p, w, code in zip(current["provinceKey"], current["wardKey"], current["wardCode"])
    }
    area = dict(zip(current["wardCode"], current["wardAreaKm2"]))
    rows = []
    for new_prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_keys in wards.items():
            new_code = new_by_key.get((new_prov, fold_key(new_key)))
            for old_key in old_keys:
                old_code = old_by_key.get(old_key)
                if old_code and new_code:
                    rows.append((old_code, new_code, True, old_key))
    for new_prov, splits in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in splits.items():
            old_code = old_by_key.get(old_key)
            for target in targets:
                new_code = new_by_key.get((new_prov, fold_key(target["newWardKey"])))
                if old_code and new_code:
                    rows.append((old_code, new_code, bool(target["isDefaultNewWard"]), old_key))
    df = pd.DataFrame(rows, columns=["old_code", "new_code", "is_default", "old_key"]).drop_duplicates(
        ["old_code", "new_code"]
    )
    df["n_targets"] = df.groupby("old_code")["new_code"].transform("size")
    df["new_area_km2"] = df["new_code"].map(area)
    df.loc[df["new_area_km2"] <= 0, "new_area_km2"] = float("nan")
    old_units = _units_all("commune", "pre2025").set_index("code")
    df["old_province_code"] = df["old_code"].map(old_units["province_code"])
    df["old_district_code"] = df["old_code"].map(old_units["district_code"])
    df["new_province_code"] = df["new_code"].map(_units_all("commune", "2025").set_index("code")["province_code"])
    return df.drop(columns=["old_key"]).sort_values(["old_code", "new_code"]).reset_index(drop=True)


def old_to_new(*, province: str | int | None = None) -> pd.DataFrame:
    """Links from pre2025 commune codes to 2025 commune codes.

    One row per (old_code, new_code). An old commune split between several new
    units has ``n_targets > 1``; ``is_default`` marks the unit the package
    assigns when nothing else is known. ``province`` filters on the old
    (pre2025) province code.
    """
    df = _old_to_new_all()
    if province is not None:
        code = normalize_code(province, "province")
        df = df[df["old_province_code"] == code]
    return df.reset_index(drop=True).copy()


def _commune_codes_in(table: str, codes: list[str]) -> set[str]:
    """Which of ``codes`` (5-digit text, as the package stores them) are communes of ``table``: a query of the
    table's codes that are asked about, not a read of the country's 10,000 (a table's vintage is told by its own
    codes)."""
    found = _query_codes(f"SELECT DISTINCT wardCode AS code FROM {table} WHERE wardCode IN ({{codes}})", codes)
    return set(found["code"]) if len(found) else set()


def guess_vintage(codes, *, level: str | None = None) -> str | None:
    """Which vintage a table's codes belong to, or None when they fit both.

    District codes exist only before the reform. Many 2025 communes reuse an old
    commune's code, so only codes that exist in one vintage alone decide; a
    table mixing both kinds is left undecided (None).
    """
    if level == "district":
        return "pre2025"
    found = {normalize_code(c, "commune") for c in codes}
    found.discard(None)
    if not found:
        return None
    asked = sorted(found)
    old, new = _commune_codes_in("admin_units_legacy", asked), _commune_codes_in("admin_units", asked)
    only_old, only_new = bool(old - new), bool(new - old)
    if only_old and not only_new:
        return "pre2025"
    if only_new and not only_old:
        return "2025"
    return None
