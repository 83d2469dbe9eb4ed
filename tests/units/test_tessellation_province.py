"""One province's default boundaries are built from its own neighbourhood (lazily), equal to the national cells."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.units import tessellation


def test_one_province_never_tessellates_the_country(tmp_path, monkeypatch):
    def national(*args, **kwargs):
        raise AssertionError("the whole country was tessellated for one province")

    monkeypatch.setattr(tessellation, "_pre2025_cells", national)
    monkeypatch.setattr(tessellation, "_national_cells", national)
    districts = tessellation.default_boundaries(province="20", level="district", cache_dir=tmp_path)
    communes = tessellation.default_boundaries(province="20", level="commune", cache_dir=tmp_path)
    assert (len(districts), len(communes)) == (11, 194)
    assert shapely.coverage_is_valid(communes.geometry.to_numpy())
    assert shapely.coverage_is_valid(districts.geometry.to_numpy())


@pytest.mark.parametrize("province", ["20", "01"])  # Lạng Sơn (a land border), Hà Nội (surrounded)
def test_province_cells_are_the_national_cells(province):
    local = tessellation._province_cells(province).set_index("code").geometry
    national = tessellation._pre2025_cells()
    national = national[national["province_code"] == province].set_index("code").geometry
    assert sorted(local.index) == sorted(national.index)
    national = national.loc[local.index]
    moved = shapely.area(shapely.symmetric_difference(local.to_numpy(), national.to_numpy()))
    # Cleaning may place a vertex differently by centimetres (a few m² on Hà Nội's smallest wards), never a cell.
    assert float(np.max(moved / shapely.area(national.to_numpy()))) < 1e-4
    assert float(np.max(moved)) < 1e-8  # square degrees: about 120 m²
