"""Coverage of a selection: communes, households, poor and near-poor households reached, total and by district."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.analysis.indicators import pick_column
from geo.analysis.ranking import district_columns, numeric_columns

__all__ = ["Coverage", "coverage"]

# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    """What a selection reaches: ``total`` (one row) and ``by_district`` (one row per district).

    Columns: ``communes_total``, ``communes_selected``, ``households_covered``,
    ``poor_covered``, ``near_poor_covered``, ``poor_total`` and
    ``poor_share_pct`` (poor households covered / all poor households of the
    units given × 100); ``by_district`` adds ``district_code``,
    ``district_name`` and ``province_poor_share_pct`` (the district's covered
    poor households / all poor households of the units given × 100).
    """

    total: pd.DataFrame
    by_district: pd.DataFrame
    columns: Mapping[str, str | None] = field(default_factory=dict)


def coverage(
    units_df: pd.DataFrame,
    *,
    selection: Iterable[str] | None = None,
    year: str | int | None = None,
) -> Coverage:
    """Communes, households, poor and near-poor households covered by a selection, total and by district.

    Parameters
    ----------
    units_df
        All units of the province (the denominators), with ``code``,
        ``district_code``/``district_name`` (or ``parent_*``) and
        ``households``/``poor``/``near_poor`` columns, optionally suffixed by year.
    selection
        Codes selected; None uses the ``selected`` column of a :func:`rank` result.
    year
        Which year's columns to use (``2020`` -> ``poor_2020``); None takes the
        unsuffixed column, else the latest year present.
    """
    df = units_df.reset_index(drop=True)
    if selection is None:
        if "selected" not in df:
            raise GeoError("coverage_no_selection")
        chosen = df["selected"].fillna(False).astype(bool).to_numpy()
    else:
        wanted = {str(c) for c in selection}
        chosen = df["code"].astype(str).isin(wanted).to_numpy()
    cols = {k: pick_column(df.columns, k, year, latest=True) for k in ("households", "poor", "near_poor")}
    if cols["poor"] is None:
        raise GeoError("coverage_no_poor", columns=", ".join(numeric_columns(df)) or "–")

    def num(key):
        col = cols[key]
        return pd.to_numeric(df[col], errors="coerce").astype(float) if col else pd.Series(np.nan, index=df.index)

    districts = district_columns(df)
    frame = pd.DataFrame({
        "district_code": df[districts["district_code"]].astype(object) if "district_code" in districts else None,
        "district_name": df[districts["district_name"]].astype(object) if "district_name" in districts else None,
        "chosen": chosen,
        "households": num("households"), "poor": num("poor"), "near_poor": num("near_poor"),
    })
    province_poor = float(frame["poor"].sum())

    def summarise(part: pd.DataFrame) -> dict:
        sel = part[part["chosen"]]
        poor_total = float(part["poor"].sum())
        covered = float(sel["poor"].sum())
        return {
            "communes_total": int(len(part)),
            "communes_selected": int(len(sel)),
            "households_covered": float(sel["households"].sum(min_count=1)) if cols["households"] else np.nan,
            "poor_covered": covered,
            "near_poor_covered": float(sel["near_poor"].sum(min_count=1)) if cols["near_poor"] else np.nan,
            "poor_total": poor_total,
            "poor_share_pct": round(100.0 * covered / poor_total, settings.SHARE_DECIMALS) if poor_total else np.nan,
        }

    total = pd.DataFrame([summarise(frame)])
    rows = []
    key = "district_code" if "district_code" in districts else ("district_name" if districts else None)
    if key is not None:
        for value, part in frame.groupby(key, sort=True, dropna=False):
            entry = {"district_code": part["district_code"].iloc[0], "district_name": part["district_name"].iloc[0]}
            entry.update(summarise(part))
            entry["province_poor_share_pct"] = (
                round(100.0 * entry["poor_covered"] / province_poor, settings.SHARE_DECIMALS) if province_poor else np.nan
            )
            rows.append(entry)
    by_district = pd.DataFrame(rows, columns=[
        "district_code", "district_name", "communes_total", "communes_selected", "households_covered", "poor_covered",
        "near_poor_covered", "poor_total", "poor_share_pct", "province_poor_share_pct",
    ])
    return Coverage(total=total, by_district=by_district, columns=cols)
