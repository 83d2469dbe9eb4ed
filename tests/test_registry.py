import pytest

from geo import GeoError

from geo.units import registry


def test_langson_units_before_the_reform():
    districts = registry.units(province=20, level="district")
    communes = registry.units(province="20", level="commune")
    assert len(districts) == 11
    assert sorted(districts["code"]) == ["178"] + [str(c) for c in range(180, 190)]
    assert len(communes) == 194
    assert communes["code"].str.len().eq(5).all()
    assert set(communes["parent_code"]) == set(districts["code"])
    hoa_binh = communes[communes["short_name"] == "Hòa Bình"]
    assert len(hoa_binh) == 4 and hoa_binh["district_code"].nunique() == 4
    assert communes[["lat", "lon", "minx", "maxy"]].notna().all().all()


def test_langson_after_the_reform():
    communes = registry.units(province=20, vintage="2025")
    assert len(communes) == 65
    assert communes["district_code"].isna().all()
    assert (communes["type"] == "Phường").sum() == 4


def test_country_counts():
    assert len(registry.provinces()) == 63
    assert len(registry.provinces("2025")) == 34
    assert len(registry.units(level="commune")) > 10_000


def test_codes_are_zero_padded_strings():
    assert registry.normalize_code(5971, "commune") == "05971"
    assert registry.normalize_code(5971.0, "commune") == "05971"
    assert registry.normalize_code("5971.0", "commune") == "05971"
    assert registry.normalize_code(178, "district") == "178"
    assert registry.normalize_code("abc", "commune") is None
    assert registry.normalize_code(123456, "commune") is None


def test_unit_lookup():
    unit = registry.unit(5971, level="commune")
    assert unit.name == "Phường Hoàng Văn Thụ"
    assert unit.parent_code == "178"
    assert unit.bounds[0] < unit.lon < unit.bounds[2]


def test_old_to_new_mapping_covers_langson():
    links = registry.old_to_new(province=20)
    assert links["old_code"].nunique() == 194
    assert links["new_code"].nunique() == 65
    assert set(links["new_code"]) == set(registry.units(province=20, vintage="2025")["code"])
    split = links[links["n_targets"] > 1]
    assert split.groupby("old_code")["is_default"].sum().eq(1).all()


def test_unknown_province_and_level():
    with pytest.raises(GeoError) as err:
        registry.units(province=99)
    assert err.value.code == "unknown_province"
    assert "99" in err.value.message("vi")
    with pytest.raises(GeoError) as err:
        registry.units(province=20, level="district", vintage="2025")
    assert err.value.code == "unknown_level"


def test_guess_vintage_from_codes():
    old = registry.units(province=20)["code"]
    new = registry.units(province=20, vintage="2025")["code"]
    assert registry.guess_vintage(old) == "pre2025"
    assert registry.guess_vintage(["178"], level="district") == "pre2025"
    # every new Lạng Sơn code reuses an old commune's code: the codes alone cannot tell
    assert set(new) <= set(old)
    assert registry.guess_vintage(new) is None
    assert registry.guess_vintage([]) is None


@pytest.mark.parametrize("vintage", ["pre2025", "2025"])
def test_province_name_is_the_unit_list_name(vintage):
    provinces = registry.units(level="province", vintage=vintage)
    assert len(provinces) == {"pre2025": 63, "2025": 34}[vintage]
    for code, name, short in zip(provinces["code"], provinces["name"], provinces["short_name"]):
        assert registry.province_name(code, vintage=vintage) == name
        assert registry.province_name(code, vintage=vintage, short=True) == short


def test_province_name_of_langson_and_unknown_codes():
    assert registry.province_name(20) == "Tỉnh Lạng Sơn"
    assert registry.province_name("20", vintage="2025", short=True) == "Lạng Sơn"
    assert registry.province_name("99") is None
    assert registry.province_name("Lạng Sơn") is None
    with pytest.raises(GeoError):
        registry.province_name("20", vintage="2030")
