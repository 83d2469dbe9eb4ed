"""Border units derived from Natural Earth's land border: candidates with their length, confirmed by a planner."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo._errors import GeoError
from geo.analysis.border import border_candidates, confirm_border
from geo.units.border import BORDER_FILE, border_lines, neighbour_label, neighbours
from geo.units.tessellation import default_boundaries


def test_official_district_outlines_give_exactly_the_five_border_districts(langson):
    districts = gpd.read_file(langson / "districts_2019_gischinhphu.geojson")
    found = border_candidates(districts, code_column="level2_id")
    table = found.table.set_index("code")
    assert sorted(found.codes) == ["180", "182", "183", "188", "189"]
    assert sorted(table.loc[found.codes, "name"]) == [
        "Huyện Cao Lộc", "Huyện Lộc Bình", "Huyện Tràng Định", "Huyện Văn Lãng", "Huyện Đình Lập"]
    # Lengths in km along Natural Earth's 1:10m line (1 km tolerance), longest first
    assert found.codes[0] == "183" and table.at["183", "border_km"] == pytest.approx(44.4, abs=0.2)
    assert table.at["180", "border_km"] == pytest.approx(37.7, abs=0.2)
    assert set(table.loc[found.codes, "neighbours"]) == {"Trung Quốc"}
    assert table.at["181", "border_km"] == 0.0  # Bình Gia: inland


def test_default_boundaries_give_the_same_five_districts_and_commune_candidates():
    districts = default_boundaries(province=20, level="district")
    assert sorted(border_candidates(districts).codes) == ["180", "182", "183", "188", "189"]
    communes = default_boundaries(province=20, level="commune")
    found = border_candidates(communes)
    by_district = communes.set_index("code").loc[found.codes, "district_code"]
    assert set(by_district) == {"180", "182", "183", "188", "189"}
    assert 15 <= len(found.codes) <= 30  # the province counts 21 border communes; these are candidates


def test_confirmed_candidates_become_border_designations_labelled_derived():
    districts = default_boundaries(province=20, level="district")
    found = border_candidates(districts)
    dset = confirm_border(found, ["183", "181"], user="Nguyễn Văn A", level="district")
    recs = {d.code: d for d in dset}
    assert {d.type for d in dset} == {"border"} and {d.source for d in dset} == {"xác nhận bởi Nguyễn Văn A"}
    assert recs["183"].note.startswith("Suy ra từ hình học, cần xác nhận") and "km" in recs["183"].note
    assert recs["181"].note.startswith("Xác nhận thủ công")
    with pytest.raises(GeoError) as err:
        confirm_border(found, ["183"], user=" ")
    assert err.value.code == "border_confirm_user"


def test_border_file_is_natural_earth_generated_by_the_script():
    text = BORDER_FILE.read_text(encoding="utf-8")
    assert "Natural Earth" in text and "public domain" in text and "scripts/build_border.py" in text
    assert list(border_lines()["iso"]) == ["CHN", "LAO", "KHM"]
    assert neighbour_label("CHN") == "TRUNG QUỐC"
    near = neighbours((106.0, 21.0, 108.0, 23.0))
    assert list(near["iso"]) == ["CHN"]
