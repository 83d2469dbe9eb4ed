"""An ILLUSTRATIVE table of the 194 old (pre-2025) communes of Lạng Sơn, for the reform page tests.

The counts are random with a fixed seed: not official data. Codes and names
are the real ones from the registry. The file says so in its title row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geo.units import registry

PROVINCE = "20"
SEED = 20250701
TITLE = "SỐ LIỆU MINH HỌA (ngẫu nhiên, không phải số liệu chính thức) / ILLUSTRATIVE figures, not official"
FILE_NAME = "xa_cu_minh_hoa_illustrative.csv"


def old_communes() -> pd.DataFrame:
    return registry.units(province=PROVINCE, level="commune", vintage="pre2025")


def write_commune_csv(folder: Path) -> Path:
    """Write the illustrative commune table (title row, header, 194 rows); return its path."""
    units = old_communes()
    rng = np.random.default_rng(SEED)
    households = rng.integers(300, 4000, len(units))
    poor = (households * rng.uniform(0.01, 0.45, len(units))).astype(int)
    near_poor = (households * rng.uniform(0.01, 0.2, len(units))).astype(int)
    table = pd.DataFrame({
        "Mã xã": units["code"].to_numpy(),
        "Tên xã": units["name"].to_numpy(),
        "Tổng số hộ": households,
        "Số hộ nghèo": poor,
        "Tỷ lệ hộ nghèo (%)": np.round(poor / households * 100, 2),
        "Số hộ cận nghèo": near_poor,
    })
    path = Path(folder) / FILE_NAME
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(TITLE + "\n")
        table.to_csv(f, index=False)
    return path
