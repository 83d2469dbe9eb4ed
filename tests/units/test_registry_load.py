"""The registry reads the package's database without importing its address parser (seconds of regex compiling)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo._errors import GeoError
from geo.units import registry

ROOT = Path(__file__).resolve().parents[2]


def test_units_without_importing_the_parser():
    code = ("import sys; from geo.units import registry; registry.units(province='20', level='commune'); "
            "registry.old_to_new(); print(sorted(m for m in sys.modules if m.startswith('vietnamadminunits')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rows_are_the_packages_own():
    from vietnamadminunits.database import query

    assert registry._query("SELECT * FROM admin_units").equals(pd.DataFrame(query("SELECT * FROM admin_units")))


def test_positions_are_the_unit_lists_centroids():
    for level, vintage in (("commune", "pre2025"), ("district", "pre2025"), ("province", "2025")):
        full = registry.units(level=level, vintage=vintage).set_index("code")[["lon", "lat", "province_code"]]
        fast = registry.positions(level=level, vintage=vintage).reindex(full.index)
        assert len(registry.positions(level=level, vintage=vintage)) == len(full)
        assert np.allclose(fast["lon"], full["lon"], equal_nan=True) and np.allclose(fast["lat"], full["lat"],
                                                                                     equal_nan=True)
        assert fast["province_code"].astype(str).tolist() == full["province_code"].astype(str).tolist()
    # Lạng Sơn (province 20) and its city (district 178) where the unit list has them.
    assert registry.positions(level="district", vintage="pre2025").loc["178", "province_code"] == "20"


def test_unit_names_are_one_provinces_names():
    for vintage in ("pre2025", "2025"):
        names = registry.unit_names(province="20", level="commune", vintage=vintage)
        assert names == set(registry.units(province="20", level="commune", vintage=vintage)["name"])
    assert "Phường Hoàng Văn Thụ" in registry.unit_names(province=20, level="commune", vintage="pre2025")
    with pytest.raises(GeoError) as err:
        registry.unit_names(province="99", level="commune")
    assert err.value.code == "unknown_province"
