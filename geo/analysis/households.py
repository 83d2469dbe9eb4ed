"""Household lists -> commune, district and village indicators, computed in DuckDB.

Input: the table ``households`` written by :func:`geo.io.households.load_households` (one
row per list row, no personal column) and ``commune_map`` (raw commune/district text ->
GSO code, from :func:`resolve_communes`). What is computed from what (see also
docs/households.md):

- ``listed``: rows classified poor, near-poor or escaped; ``poor``, ``near_poor``: rows so
  classified; ``escaped``: classified "thoát nghèo" or marked so in a change column;
  ``new``: poor or near-poor rows marked "mới phát sinh"; ``members``: sum of members of
  poor and near-poor households;
- ``minority``: poor and near-poor households whose ethnicity is not Kinh;
  ``minority_share`` = minority / ``ethnicity_known`` (poor and near-poor with an ethnicity) × 100;
- ``deprived_<k>``: poor households deprived in indicator ``k``;
  ``deprived_<k>_share`` = deprived_<k> / poor × 100;
- ``multidim_poor``: poor and near-poor households deprived in 3 or more of the 12 indicators
  and, where the list gives income, with income at or under the line (1,500,000 VND rural,
  2,000,000 urban: phường and thị trấn); ``multidim_intensity`` = mean number of deprivations of
  those households / 12 × 100;
- with a table of total households (``households``): ``poor_rate`` and ``near_poor_rate`` =
  count / households × 100, ``multidim_headcount`` = multidim_poor / households × 100 and
  ``mpi`` = headcount × intensity / 100 (Alkire–Foster M0, in percent). Without it these
  columns are absent: never guessed.

Counts add up over communes; shares and rates are recomputed from the summed counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo import settings
from geo.join.match import match_units, prepare_units
from geo.text.names import fold_text, nfc

__all__ = ["HouseholdTables", "resolve_communes", "aggregate", "add_shares", "problems", "DEPRIVATIONS",
           "COUNT_COLUMNS", "commune_indicators"]

DEPRIVATIONS = tuple(key for key, _ in settings.HOUSEHOLD_DEPRIVATIONS)
N_INDICATORS = len(DEPRIVATIONS)
COUNT_COLUMNS = (["listed", "poor", "near_poor", "escaped", "new", "members", "minority", "ethnicity_known"]
                 + [f"deprived_{k}" for k in DEPRIVATIONS] + ["multidim_poor", "multidim_deprivations"])
_LIVE = "('poor', 'near_poor')"


@dataclass
class HouseholdTables:
    """The aggregate: one frame per level, the village table and where each figure came from."""

    communes: pd.DataFrame
    districts: pd.DataFrame
    total: pd.DataFrame
    villages: pd.DataFrame
    provenance: pd.DataFrame
    resolution: list[dict] = field(default_factory=list)


def _fold_place(text: object) -> str:
    out = fold_text(text)
    for prefix in ("thanhpho", "thixa", "huyen", "quan", "tp", "tx", "h"):
        if out.startswith(prefix) and len(out) > len(prefix) + 2:
            return out[len(prefix):]
    return out


def _fold_province(text: object) -> str:
    out = fold_text(text)
    for prefix in ("thanhpho", "tinh", "tp"):
        if out.startswith(prefix) and len(out) > len(prefix) + 2:
            return out[len(prefix):]
    return out


def _province_codes(values, *, vintage: str) -> dict:
    """Province text of the lists (code, "Tỉnh Lạng Sơn", "Lang Son") -> GSO province code, or None."""
    from geo.units import registry

    provinces = registry.units(province=None, level="province", vintage=vintage)
    codes = set(provinces["code"])
    keys: dict[str, str] = {}
    for code, name, short in provinces[["code", "name", "short_name"]].itertuples(index=False):
        keys[_fold_province(name)] = code
        keys[_fold_province(short)] = code
    out = {}
    for value in values:
        text = nfc(value) if value else ""
        if text.isdigit() and text.zfill(2) in codes:
            out[value] = text.zfill(2)
        else:
            out[value] = keys.get(_fold_province(text)) if text else None
    return out


def _unit_columns(has_districts: bool) -> dict:
    cols = {"code": "code", "name": "name", "type": "type"}
    if has_districts:
        cols.update(parent_code="district_code", parent_name="district_name")
    return cols


def _match_scope(reg: pd.DataFrame, triples: list[tuple], *, has_districts: bool,
                 units: pd.DataFrame | None = None) -> tuple[list, pd.DataFrame]:
    """Match (province, district, commune) texts to the communes of ``reg`` (one province, or the country).

    ``units`` is ``reg`` already through :func:`prepare_units` (same index), when the caller has it.
    Returns (position in ``reg`` or None, match record) per triple, and ``reg`` re-indexed from 0.
    """
    if units is None:
        units = prepare_units(reg, level="commune", columns=_unit_columns(has_districts))
    reg = reg.reset_index(drop=True)
    units = units.reset_index(drop=True)
    districts = {}
    if has_districts:
        for name in reg["district_name"].dropna().unique():
            districts[_fold_place(name)] = name
    rows = pd.DataFrame({
        "name": [nfc(c) if c else None for _, _, c in triples],
        "parent_name": [districts.get(_fold_place(d)) if d else None for _, d, _ in triples],
        "code": [None] * len(triples),
    })
    rows["code"] = [str(c) if c and str(c).isdigit() and len(str(c)) == 5 else None for c in rows["name"]]
    prepared = prepare_units(rows, level="commune", columns={"code": "code", "name": "name", "parent_name": "parent_name"})
    found, records = match_units(prepared, units)
    return [(None if idx is None else int(idx), rec) for idx, rec in zip(found, records)], reg


def resolve_communes(con, *, province: str | None, vintage: str) -> list[dict]:
    """Match every distinct (province, district, commune) text of the lists to a GSO commune; writes ``commune_map``.

    Communes are looked up within one province, never across provinces (district and commune names
    repeat between provinces: "Huyện Châu Thành", "Xã Tân Phú"): the province of a row is its
    province column, else ``province``. A row whose province column names another province than
    ``province`` is not matched (``other_province``); with neither (a national list without a
    province column) a name found in several provinces is ``ambiguous`` and names them. Uses the
    project's join (:func:`geo.join.match.match_units`: codes, then names within the district, then
    folded names; fuzzy candidates only suggested). Returns one record per distinct text.
    """
    from geo.units import registry

    has_districts = vintage == "pre2025"
    triples = con.execute("SELECT DISTINCT province_raw, district_raw, commune_raw FROM households "
                          "WHERE set_aside IS NULL ORDER BY 3, 2, 1").fetchall()
    prov_of = _province_codes({p for p, _, _ in triples if p}, vintage=vintage)
    scopes: dict[str | None, list[int]] = {}
    out: list[dict] = [{"province": p, "district": d, "commune": c, "method": None} for p, d, c in triples]
    for i, (p_raw, _, _) in enumerate(triples):
        given = prov_of.get(p_raw) if p_raw else None
        if p_raw and given is None:
            out[i].update(method="unknown_province")
        elif province and given and given != province:
            out[i].update(method="other_province", province_code=given)
        else:
            scopes.setdefault(given or province, []).append(i)
    mapping = []
    everywhere = None
    if len(scopes) > 1 or None in scopes:  # a national list: the registry prepared once, cut by province
        everywhere = registry.units(province=None, level="commune", vintage=vintage).reset_index(drop=True)
        prepared = prepare_units(everywhere, level="commune", columns=_unit_columns(has_districts))
        by_province = {code: part.index for code, part in everywhere.groupby("province_code", sort=False)}
    for scope, members in scopes.items():
        if everywhere is None:
            reg, units = registry.units(province=scope, level="commune", vintage=vintage), None
        elif scope is None:
            reg, units = everywhere, prepared
        else:
            rows = by_province.get(scope, everywhere.index[:0])
            reg, units = everywhere.loc[rows], prepared.loc[rows]
        matched, reg = _match_scope(reg, [triples[i] for i in members], has_districts=has_districts, units=units)
        # Plain lists: a row lookup per matched unit (reg.loc) would cost seconds nationally.
        u_code, u_name, u_type = reg["code"].tolist(), reg["name"].tolist(), reg["type"].tolist()
        u_dcode = reg["district_code"].tolist() if has_districts else [None] * len(reg)
        u_dname = reg["district_name"].tolist() if has_districts else [None] * len(reg)
        for i, (idx, rec) in zip(members, matched):
            p_raw, district, commune = triples[i]
            item = out[i]
            item["method"] = rec["method"]
            if idx is not None:
                mapping.append((p_raw, district, commune, u_code[idx], u_name[idx], u_dcode[idx], u_dname[idx],
                                u_type[idx] in ("Phường", "Thị trấn"), None, None))
                item["code"] = u_code[idx]
                continue
            item["suggestions"] = [{"code": s.get("code"), "name": s.get("name"), "score": s.get("score")}
                                   for s in rec.get("suggestions", [])]
            item["candidates"] = rec.get("candidates", [])
            if rec["method"] == "ambiguous":
                where = reg.set_index("code")["province_name"]
                item["provinces"] = sorted({str(where.get(c["code"], "")) for c in item["candidates"] if c.get("code")})
    for item in out:  # rows left without a commune, with the reason and the provinces that would fit
        if item.get("code") is None:
            mapping.append((item["province"], item["district"], item["commune"], None, None, None, None, False,
                            item["method"], ", ".join(item.get("provinces", []))))
    con.execute("CREATE OR REPLACE TABLE commune_map (province_raw VARCHAR, district_raw VARCHAR, commune_raw VARCHAR, "
                "code VARCHAR, name VARCHAR, parent_code VARCHAR, parent_name VARCHAR, urban BOOLEAN, reason VARCHAR, "
                "provinces VARCHAR)")
    if mapping:
        frame = pd.DataFrame(mapping, columns=["province_raw", "district_raw", "commune_raw", "code", "name",
                                               "parent_code", "parent_name", "urban", "reason", "provinces"], dtype=object)
        frame["urban"] = frame["urban"].astype(bool)
        con.register("_hh_map", frame)
        try:
            con.execute("INSERT INTO commune_map SELECT * FROM _hh_map")
        finally:
            con.unregister("_hh_map")
    return out


def _prepare(con) -> None:
    """The view ``hh``: household rows with their commune's code, deprivation count and income line.

    A view, not a copy: each aggregate joins the (small) ``commune_map`` again, which costs less than
    holding the national list twice.
    """
    deps = " + ".join(f"coalesce(dep_{k}::INTEGER, 0)" for k in DEPRIVATIONS)
    known = " OR ".join(f"dep_{k} IS NOT NULL" for k in DEPRIVATIONS)
    line_rural, line_urban = (settings.HOUSEHOLD_INCOME_LINE_VND[k] for k in ("rural", "urban"))
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW hh AS
        SELECT h.*, m.code, m.name, m.parent_code, m.parent_name, coalesce(m.urban, false) AS urban,
               m.reason, m.provinces,
               CASE WHEN {known} THEN {deps} ELSE h.dep_given END AS dep_count,
               CASE WHEN coalesce(m.urban, false) THEN {line_urban} ELSE {line_rural} END AS income_line
        FROM households h LEFT JOIN commune_map m
          ON h.commune_raw IS NOT DISTINCT FROM m.commune_raw AND h.district_raw IS NOT DISTINCT FROM m.district_raw
         AND h.province_raw IS NOT DISTINCT FROM m.province_raw
        WHERE h.set_aside IS NULL
    """)


def _count_sql() -> str:
    mdp = (f"cls IN {_LIVE} AND dep_count >= {settings.HOUSEHOLD_POOR_MIN_DEPRIVATIONS} "
           "AND (income IS NULL OR income <= income_line)")
    parts = [
        "count(*) AS listed",
        "count(*) FILTER (WHERE cls = 'poor') AS poor",
        "count(*) FILTER (WHERE cls = 'near_poor') AS near_poor",
        "count(*) FILTER (WHERE cls = 'escaped' OR escaped_change) AS escaped",
        f"count(*) FILTER (WHERE is_new AND cls IN {_LIVE}) AS new",
        f"coalesce(sum(members) FILTER (WHERE cls IN {_LIVE}), 0) AS members",
        f"count(*) FILTER (WHERE cls IN {_LIVE} AND minority) AS minority",
        f"count(*) FILTER (WHERE cls IN {_LIVE} AND minority IS NOT NULL) AS ethnicity_known",
    ]
    # An indicator no list of the group carries is unknown (NULL), not 0.
    parts += [f"CASE WHEN count(dep_{k}) > 0 THEN count(*) FILTER (WHERE cls = 'poor' AND dep_{k}) END AS deprived_{k}"
              for k in DEPRIVATIONS]
    parts += [f"count(*) FILTER (WHERE {mdp}) AS multidim_poor",
              f"coalesce(sum(dep_count) FILTER (WHERE {mdp}), 0) AS multidim_deprivations"]
    return ",\n".join(parts)


def add_shares(df: pd.DataFrame) -> pd.DataFrame:
    """Shares and rates from the counts of ``df`` (after any sum); rates only where ``households`` is known."""
    out = df.copy()

    def ratio(num, den, scale=100.0):
        den = pd.to_numeric(den, errors="coerce")
        return (pd.to_numeric(num, errors="coerce") / den.where(den > 0) * scale).round(2)

    for k in DEPRIVATIONS:
        out[f"deprived_{k}_share"] = ratio(out[f"deprived_{k}"], out["poor"])
    out["minority_share"] = ratio(out["minority"], out["ethnicity_known"])
    out["multidim_intensity"] = ratio(out["multidim_deprivations"], out["multidim_poor"] * N_INDICATORS)
    if "households" in out:
        out["poor_rate"] = ratio(out["poor"], out["households"])
        out["near_poor_rate"] = ratio(out["near_poor"], out["households"])
        out["multidim_headcount"] = ratio(out["multidim_poor"], out["households"])
        out["mpi"] = (out["multidim_headcount"] * out["multidim_intensity"] / 100).round(2)
    return out


def _order(df: pd.DataFrame, lead: list[str]) -> pd.DataFrame:
    head = [c for c in lead if c in df]
    first = [c for c in ("households", "poor_rate", "near_poor_rate") if c in df]
    counts = [c for c in COUNT_COLUMNS if c in df]
    shares = [c for c in df.columns if c.endswith("_share")]
    rest = [c for c in df.columns if c not in head + first + counts + shares]
    return df[head + first + counts[:8] + shares + counts[8:] + rest]


def commune_indicators(con, *, totals: pd.Series | None = None) -> pd.DataFrame:
    """Counts per commune (rows whose commune is known), with ``households`` from ``totals`` (code -> total)."""
    df = con.execute(f"""
        SELECT code, any_value(name) AS name, any_value(parent_code) AS parent_code,
               any_value(parent_name) AS parent_name, {_count_sql()}
        FROM hh WHERE code IS NOT NULL GROUP BY code ORDER BY code
    """).df()
    for col in COUNT_COLUMNS:
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    if totals is not None:
        df["households"] = df["code"].map(totals).astype("Float64")
    return df


def aggregate(con, *, totals: pd.Series | None = None, vintage: str = settings.DEFAULT_VINTAGE) -> HouseholdTables:
    """Commune, district, province and village tables from ``households`` and ``commune_map``."""
    _prepare(con)
    communes = commune_indicators(con, totals=totals)
    counts = [c for c in COUNT_COLUMNS + ["households"] if c in communes]
    if vintage == "pre2025" and not communes.empty:
        districts = communes.groupby(["parent_code", "parent_name"], sort=True)[counts].sum(min_count=1).reset_index()
        districts = districts.rename(columns={"parent_code": "code", "parent_name": "name"})
        if "households" in communes:
            missing = communes.groupby("parent_code")["households"].apply(lambda s: s.isna().any())
            districts.loc[districts["code"].map(missing).fillna(False).astype(bool), "households"] = pd.NA
    else:
        districts = pd.DataFrame(columns=["code", "name"] + counts)
    total = communes[counts].sum(min_count=1).to_frame().T
    if "households" in communes and communes["households"].isna().any():
        total["households"] = pd.NA
    total.insert(0, "name", "Cộng")
    total.insert(0, "code", "")
    lead = ["code", "name", "parent_code", "parent_name"]
    communes = _order(add_shares(communes), lead)
    districts = _order(add_shares(districts), lead)
    total = _order(add_shares(total), lead)
    villages = con.execute(f"""
        SELECT code, coalesce(name, commune_raw) AS commune, any_value(parent_name) AS district,
               coalesce(village, '') AS village, {_count_sql()}
        FROM hh GROUP BY code, coalesce(name, commune_raw), coalesce(village, '')
        ORDER BY code NULLS LAST, commune, village
    """).df()
    villages = villages[["code", "commune", "district", "village"] + [c for c in COUNT_COLUMNS if c in villages]]
    villages = add_shares(villages)
    villages = villages.drop(columns=["multidim_intensity", "multidim_deprivations", "ethnicity_known"])
    provenance = con.execute("""
        WITH r AS (
            SELECT code, name, file, sheet, row,
                   row - row_number() OVER (PARTITION BY code, file, sheet ORDER BY row) AS island
            FROM hh WHERE code IS NOT NULL
        )
        SELECT code, any_value(name) AS name, file, sheet, sum(n) AS rows,
               string_agg(CASE WHEN lo = hi THEN lo::VARCHAR ELSE lo::VARCHAR || '-' || hi::VARCHAR END, ', '
                          ORDER BY lo) AS row_ranges
        FROM (SELECT code, any_value(name) AS name, file, sheet, island, min(row) AS lo, max(row) AS hi, count(*) AS n
              FROM r GROUP BY code, file, sheet, island)
        GROUP BY code, file, sheet ORDER BY code, file, sheet
    """).df()
    provenance["rows"] = provenance["rows"].astype("int64")
    return HouseholdTables(communes=communes, districts=districts, total=total, villages=villages,
                           provenance=provenance)


def problems(con, *, limit: int = settings.HOUSEHOLD_REPORT_MAX_ITEMS) -> dict[str, dict]:
    """Rows a planner must look at: unknown commune, listed twice, class against its deprivations.

    Each entry: ``count`` (all of them) and ``items`` (the first ``limit``), every item naming the
    file, the sheet and the row(s). Nothing personal and no hash is returned.
    """
    out: dict[str, dict] = {}
    unknown = con.execute("""
        SELECT file, sheet, commune_raw, district_raw, province_raw, any_value(reason), any_value(provinces),
               count(*) AS n, min(row) AS first_row, list(row ORDER BY row)[1:10] AS rows
        FROM hh WHERE code IS NULL GROUP BY file, sheet, commune_raw, district_raw, province_raw
        ORDER BY file, sheet, first_row
    """).fetchall()
    out["unknown_commune"] = {
        "count": int(sum(r[7] for r in unknown)),
        "items": [{"file": f, "sheet": s, "commune": c, "district": d, "province": p, "reason": reason or "not_found",
                   "provinces": provinces or "", "rows_count": int(n), "row": int(first), "rows": [int(x) for x in rows]}
                  for f, s, c, d, p, reason, provinces, n, first, rows in unknown[:limit]],
    }
    dups = con.execute("""
        WITH twice AS (SELECT hkey FROM hh WHERE hkey IS NOT NULL GROUP BY hkey HAVING count(*) > 1)
        SELECT list(struct_pack(file := file, sheet := sheet, row := row, code := code, commune := coalesce(name, commune_raw))
                    ORDER BY file, sheet, row) AS rows,
               count(DISTINCT coalesce(code, commune_raw)) AS communes
        FROM hh JOIN twice USING (hkey) GROUP BY hkey
        ORDER BY communes DESC, rows[1].file, rows[1].row
    """).fetchall()
    out["duplicate"] = {
        "count": len(dups),
        "two_communes": int(sum(1 for _, n in dups if n > 1)),
        "items": [{"rows": [{k: (int(v) if k == "row" else v) for k, v in r.items()} for r in rows],
                   "kind": "two_communes" if n > 1 else "same_commune"} for rows, n in dups[:limit]],
    }
    minimum = settings.HOUSEHOLD_POOR_MIN_DEPRIVATIONS
    bad = con.execute(f"""
        SELECT file, sheet, row, cls, dep_count, income, income_line,
               CASE WHEN cls = 'poor' AND dep_count < {minimum} THEN 'poor_few'
                    WHEN cls = 'near_poor' AND dep_count >= {minimum} THEN 'near_poor_many'
                    WHEN income > income_line THEN 'income_above'
                    ELSE 'count_mismatch' END AS kind
        FROM hh
        WHERE cls IN {_LIVE} AND (
              (cls = 'poor' AND dep_count < {minimum}) OR (cls = 'near_poor' AND dep_count >= {minimum})
              OR income > income_line
              OR (dep_given IS NOT NULL AND dep_count IS DISTINCT FROM dep_given))
        ORDER BY file, sheet, row
    """).fetchall()
    out["contradiction"] = {
        "count": len(bad),
        "items": [{"file": f, "sheet": s, "row": int(r), "classification": c, "deprivations": None if d is None else int(d),
                   "kind": k, **({"income_above_line": True} if inc is not None and inc > line else {})}
                  for f, s, r, c, d, inc, line, k in bad[:limit]],
    }
    skipped = con.execute("""
        SELECT set_aside, count(*), list(struct_pack(file := file, sheet := sheet, row := row) ORDER BY file, sheet, row)[1:?]
        FROM households WHERE set_aside IS NOT NULL GROUP BY set_aside ORDER BY set_aside
    """, [limit]).fetchall()
    out["set_aside"] = {
        "count": int(sum(n for _, n, _ in skipped)),
        "by_reason": {reason: {"count": int(n), "items": [{**i, "row": int(i["row"])} for i in items]}
                      for reason, n, items in skipped},
    }
    return out
