"""An illustrative commune table for Lạng Sơn (194 communes, synthetic figures), for the priority tests.

The figures are made up (seeded), never real: the file name and the title row
say so, and nothing in it may be read as an official statistic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.units import registry

FILE_NAME = "xa_minh_hoa_illustrative_langson.csv"
TITLE = "SỐ LIỆU MINH HỌA (không phải số liệu chính thức) / ILLUSTRATIVE FIGURES (not official)"
SEED = 20210405


def commune_frame(seed: int = SEED) -> pd.DataFrame:
    """194 Lạng Sơn communes with synthetic households, poor and near-poor counts for 2020."""
    rng = np.random.default_rng(seed)
    reg = registry.units(province=20, level="commune", vintage="pre2025")
    households = rng.integers(400, 3000, len(reg))
    rate = np.round(rng.gamma(2.0, 6.0, len(reg)), 1).clip(0.2, 60.0)
    poor = np.round(households * rate / 100).astype(int)
    near_rate = np.round(rng.gamma(2.0, 5.0, len(reg)), 1).clip(0.2, 50.0)
    near_poor = np.round(households * near_rate / 100).astype(int)
    return pd.DataFrame({
        "code": reg["code"].to_numpy(),
        "name": reg["name"].to_numpy(),
        "district": reg["district_name"].to_numpy(),
        "households_2020": households,
        "poor_2020": poor,
        "poor_rate_2020": np.round(100 * poor / households, 2),
        "near_poor_2020": near_poor,
        "near_poor_rate_2020": np.round(100 * near_poor / households, 2),
    })


def commune_csv(seed: int = SEED) -> bytes:
    """The table as UTF-8 CSV with an illustrative title line above the header."""
    body = commune_frame(seed).to_csv(index=False)
    return (TITLE + "\n" + body).encode("utf-8")
