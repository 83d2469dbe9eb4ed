"""The July-2025 crosswalk: old (pre2025) commune codes linked to the new (2025) ones, with default weights.

The links come from the registry (:func:`geo.units.registry.old_to_new`, built from
the ``vietnamadminunits`` package). :data:`REGISTRY_ERRATA` removes the links of the
package that contradict Resolution 1672/NQ-UBTVQH15. An old commune *split*
between new communes has several links; its default weights are the targets'
*area shares* (each target's area over the summed areas of that old commune's
targets), or equal shares when an area is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo._errors import GeoError
from geo.units import registry

__all__ = ["FROM_VINTAGE", "TO_VINTAGE", "REGISTRY_ERRATA", "check_vintages", "links", "errata_applied"]

FROM_VINTAGE = "pre2025"
TO_VINTAGE = "2025"

# Links of the vietnamadminunits package that contradict the law. Each is
# removed by links(errata=True) and reported.
REGISTRY_ERRATA: tuple[dict[str, str], ...] = (
    {
        "old_code": "06079",
        "new_code": "06184",
        "reason": "Nghị quyết 1672/NQ-UBTVQH15, khoản 10: toàn bộ xã Hồng Phong (huyện Bình Gia) và xã Minh Khai "
        "thành xã Hồng Phong (06079); khoản 58 nhập xã Hồng Phong của huyện Cao Lộc (06205), không phải của Bình Gia, "
        "vào xã Đồng Đăng (06184). Gói vietnamadminunits nhầm hai xã cùng tên nên coi 06079 bị chia. / "
        "Resolution 1672, items 10 and 58: Hồng Phong of Bình Gia goes wholly to the new Hồng Phong; the Hồng Phong "
        "merged into Đồng Đăng is Cao Lộc's (06205). The package confuses the two namesakes.",
    },
)


def check_vintages(from_vintage: str, to_vintage: str) -> None:
    for v in (from_vintage, to_vintage):
        registry.check_vintage_level(v)
    if (from_vintage, to_vintage) != (FROM_VINTAGE, TO_VINTAGE):
        raise GeoError("convert_direction", from_vintage=from_vintage, to_vintage=to_vintage)


def _area_weights(df: pd.DataFrame) -> pd.DataFrame:
    """Default weight and its method per link (see the module docstring)."""
    df = df.copy()
    area = df["new_area_km2"].astype(float)
    total = area.groupby(df["old_code"]).transform("sum", min_count=1)
    any_missing = area.isna().groupby(df["old_code"]).transform("any")
    df["weight"] = np.where(any_missing | ~(total > 0), 1.0 / df["n_targets"], area / total)
    df["weight_method"] = np.where(df["n_targets"] == 1, "whole", np.where(any_missing, "equal", "area_share"))
    df.loc[df["n_targets"] == 1, "weight"] = 1.0
    return df


def links(*, province: str | int | None = None, errata: bool = True) -> pd.DataFrame:
    """Old→new commune links with default weights.

    Parameters
    ----------
    province
        Old (pre2025) GSO province code; None for the whole country.
    errata
        Remove the links listed in :data:`REGISTRY_ERRATA`.

    Returns
    -------
    DataFrame
        ``old_code, new_code, is_default, n_targets, new_area_km2, weight,
        weight_method`` (``whole``, ``area_share`` or ``equal``), ``erratum``
        (False; removed links are not returned).
    """
    df = registry.old_to_new(province=province)
    if errata:
        drop = {(e["old_code"], e["new_code"]) for e in REGISTRY_ERRATA}
        keep = [(o, n) not in drop for o, n in zip(df["old_code"], df["new_code"])]
        df = df[keep].copy()
        df["n_targets"] = df.groupby("old_code")["new_code"].transform("size")
        no_default = ~df.groupby("old_code")["is_default"].transform("any")
        df.loc[no_default | (df["n_targets"] == 1), "is_default"] = True
    df = _area_weights(df)
    cols = ["old_code", "new_code", "is_default", "n_targets", "new_area_km2", "weight", "weight_method"]
    return df[cols].reset_index(drop=True)


def errata_applied(province: str | int | None) -> list[dict]:
    raw = registry.old_to_new(province=province)
    present = set(zip(raw["old_code"], raw["new_code"]))
    return [dict(e) for e in REGISTRY_ERRATA if (e["old_code"], e["new_code"]) in present]
