"""The registry reads the package's database without importing the package's address parser (issue 15)."""

from __future__ import annotations

import subprocess
import sys

from geo.units import registry


def test_query_matches_the_package_query():
    from vietnamadminunits.database import query

    sql = "SELECT wardCode, ward, districtCode FROM admin_units_legacy WHERE provinceCode = '20' ORDER BY wardCode"
    ours = registry._query(sql)
    assert ours.to_dict("records") == query(sql)
    assert len(ours) == 194  # Lạng Sơn's 194 communes before the reform


def test_registry_does_not_import_the_address_parser():
    code = ("import sys; from geo.units import registry; registry.units(level='commune', vintage='2025');"
            "registry.guess_vintage(['06373']); print(sorted(m for m in sys.modules"
            " if m.startswith(('vietnamadminunits.parser', 'geopy', 'requests'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_vintage_only_codes_computed_once():
    registry._vintage_only_codes.cache_clear()
    assert registry.guess_vintage(["06373"], level="commune") == "pre2025"  # Vũ Lễ, merged away in 2025
    assert registry._vintage_only_codes.cache_info().misses == 1
    registry.guess_vintage(["06349", "06352"])
    assert registry._vintage_only_codes.cache_info().misses == 1
