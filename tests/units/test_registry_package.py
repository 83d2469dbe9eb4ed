"""The registry reads the package's database without importing the package's address parser (issue 15)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

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


def _expected_vintage(codes) -> str | None:
    """The rule of guess_vintage, from the two vintages' whole code lists."""
    old = set(registry.units(level="commune", vintage="pre2025")["code"])
    new = set(registry.units(level="commune", vintage="2025")["code"])
    found = {registry.normalize_code(c, "commune") for c in codes} - {None}
    only_old, only_new = bool(found & (old - new)), bool(found & (new - old))
    return "pre2025" if only_old and not only_new else "2025" if only_new and not only_old else None


def test_guess_vintage_asks_for_the_tables_codes_only():
    old = sorted(registry.units(level="commune", vintage="pre2025")["code"])
    new = sorted(registry.units(level="commune", vintage="2025")["code"])
    both = sorted(set(old) & set(new))
    old_only, new_only = sorted(set(old) - set(new)), sorted(set(new) - set(old))
    langson_old = sorted(registry.units(province="20", level="commune", vintage="pre2025")["code"])
    langson_new = sorted(registry.units(province="20", level="commune", vintage="2025")["code"])
    cases = {
        "Vũ Lễ, merged away": (["06373"], "pre2025"),
        "Lạng Sơn before the reform": (langson_old, "pre2025"),
        "Lạng Sơn after it": (langson_new, None if not set(langson_new) - set(old) else "2025"),
        "codes of both vintages only": (both[:300], None),
        "old and new only codes mixed": ([old_only[0], new_only[0]], None),
        "the whole country before (10,035 codes, in chunks)": (old, "pre2025"),
        "the whole country after": (new, "2025"),
        "an unknown code and an old one": (["99999", old_only[5]], "pre2025"),
        "numbers, not text": ([int(old_only[7])], "pre2025"),
        "nothing": ([], None),
    }
    for what, (codes, expected) in cases.items():
        assert registry.guess_vintage(codes) == expected == _expected_vintage(codes), what
    assert len(old) == 10_035 and len(new) == 3_321
    assert registry.guess_vintage(["06373"], level="district") == "pre2025"


def test_positions_are_each_units_first_row():
    provinces = registry.positions(level="province", vintage="pre2025")
    assert len(provinces) == 63 and provinces.index.is_unique
    units = registry.units(level="province", vintage="pre2025").set_index("code")
    assert (provinces["lon"] - units.loc[provinces.index, "lon"]).abs().max() == 0
    assert (provinces["lat"] - units.loc[provinces.index, "lat"]).abs().max() == 0
    districts = registry.positions(level="district", vintage="pre2025")
    assert len(districts) == 696
    assert districts.loc["178", "province_code"] == "20"  # Thành phố Lạng Sơn


def test_positions_of_some_codes_are_those_of_the_whole_list(monkeypatch):
    full = registry.positions(level="commune", vintage="pre2025")
    monkeypatch.setattr(registry, "_POSITIONS", {})  # as in a process that has not read the whole list
    langson = sorted(registry.units(province="20", level="commune")["code"])
    cases = [langson, langson[:3] + ["99999", None, 6373], sorted(full.index)[:2000], []]
    for codes in cases:
        asked = registry.positions(level="commune", vintage="pre2025", codes=codes)
        known = sorted({c for c in codes if isinstance(c, str)} & set(full.index))
        assert sorted(asked.index) == known
        assert list(asked.columns) == ["lon", "lat", "province_code"]
        if known:
            pd.testing.assert_frame_equal(asked.loc[known], full.loc[known])
        else:
            assert asked.empty and asked.index.dtype == object and asked["lon"].dtype == float
    assert registry._POSITIONS == {}  # 2,000 codes in three queries, the whole list never read
    registry._POSITIONS[("commune", "pre2025")] = full  # read already: the codes' rows are taken from it
    sliced = registry.positions(level="commune", vintage="pre2025", codes=langson[:3] + ["99999", None])
    assert list(sliced.index) == langson[:3]
    pd.testing.assert_frame_equal(sliced, full.loc[langson[:3]])
    districts = registry.positions(level="district", vintage="pre2025", codes=["178", "180", "000"])
    assert sorted(districts.index) == ["178", "180"]
    assert set(districts["province_code"]) == {"20"}
