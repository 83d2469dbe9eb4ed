"""The registry reads the package's database without importing its address parser (seconds of regex compiling)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

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
