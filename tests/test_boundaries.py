"""Boundary readers: formats, CRS detection, legacy text, geometry repair, hostile uploads.

Every fixture is generated into tmp_path from the real Lạng Sơn district
outlines (../shared/data/langson) or from small synthetic shapes.
"""

from __future__ import annotations

import json
import os
import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import CRS, Transformer
from shapely.geometry import Polygon, box

from geo._errors import GeoError
from geo.io.boundaries import (
    PROVINCE_MERIDIANS,
    VN2000_CANDIDATES,
    guess_key_columns,
    rank_crs_candidates,
    read_boundaries,
    tm3_crs,
)
from geo.text.encoding import to_legacy

METRIC = "EPSG:3405"  # VN-2000 / UTM 48N, for distances in metres
NAMES_UTF8 = ["Tràng Định", "Bắc Sơn", "Hữu Lũng", "Lộc Bình", "Đình Lập", "Văn Quãn", "Thị trấn Na Sầm"]


@pytest.fixture(scope="module")
def districts(langson) -> gpd.GeoDataFrame:
    return gpd.read_file(langson / "districts_2019_gischinhphu.geojson")


def _zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    return archive


def _shapefile_without_prj(gdf: gpd.GeoDataFrame, folder: Path, name: str = "huyen") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / f"{name}.shp"
    gdf.to_file(shp)
    (folder / f"{name}.prj").unlink()
    return shp


def _centroid_error_m(original: gpd.GeoDataFrame, read: gpd.GeoDataFrame) -> float:
    a = original.to_crs(METRIC).centroid.reset_index(drop=True)
    b = read.to_crs(METRIC).centroid.reset_index(drop=True)
    return float(a.distance(b).max())


def _listing(*folders: Path) -> dict[str, list[str]]:
    return {str(f): sorted(os.listdir(f)) for f in folders}


# --------------------------------------------------------------------------
# VN-2000 without .prj
# --------------------------------------------------------------------------
@pytest.fixture
def vn2000_zip(districts, tmp_path) -> Path:
    """The real districts as a zipped VN-2000 / TM-3 107-15 shapefile without .prj."""
    shp = _shapefile_without_prj(districts.to_crs("EPSG:9215"), tmp_path / "shp")
    return _zip_folder(shp.parent, tmp_path / "huyen_vn2000.zip")


@pytest.mark.parametrize("province", [None, "20"])
def test_missing_prj_offers_the_provincial_zone_first(vn2000_zip, province):
    with pytest.raises(GeoError) as err:
        read_boundaries(vn2000_zip, province=province)
    e = err.value
    assert e.code == "crs_missing_projected"
    assert e.params["likely_code"] == "EPSG:9215"
    assert e.params["codes"][0] == "EPSG:9215"
    assert sorted(e.params["codes"]) == sorted(f"EPSG:{c}" for c in VN2000_CANDIDATES)
    for lang in ("vi", "en"):
        msg = e.message(lang)
        assert "huyen_vn2000.zip" in msg
        # the first EPSG code named, and the first of the list of zones, is 9215
        assert msg[msg.index("EPSG:"):].startswith("EPSG:9215")
        zones = msg.split("TM-3 zones: " if lang == "en" else "Các múi VN-2000 TM-3: ", 1)[1]
        assert zones.startswith("EPSG:9215 (VN-2000 / TM-3 107-15)")
        assert "EPSG:3405" in msg and "EPSG:3406" in msg


def test_missing_prj_without_any_province_hint(vn2000_zip, districts, tmp_path):
    # no level1_id column and no province argument: geometry alone must point at 9215
    bare = districts[["geometry"]].to_crs("EPSG:9215")
    archive = _zip_folder(_shapefile_without_prj(bare, tmp_path / "bare").parent, tmp_path / "bare.zip")
    with pytest.raises(GeoError) as err:
        read_boundaries(archive)
    assert err.value.params["likely_code"] == "EPSG:9215"


def test_single_district_uses_the_province_meridian(districts):
    # One district fits inside Lạng Sơn under several zones; the province's official meridian decides.
    one = districts.to_crs("EPSG:9215").iloc[[0]]
    ranked = rank_crs_candidates(tuple(one.total_bounds), province="20")
    assert ranked[0].code == "EPSG:9215"
    assert ranked[0].meridian_match and ranked[0].inside >= 0.99
    assert sum(c.inside >= 0.99 for c in ranked) > 1


def test_explicit_crs_reads_vn2000_within_50_m(vn2000_zip, districts):
    gdf, report = read_boundaries(vn2000_zip, crs="EPSG:9215")
    assert gdf.crs == CRS("EPSG:4326")
    assert len(gdf) == report.n_features == 11
    assert report.crs_source == "explicit" and report.crs_explicit and report.crs_in is None
    assert report.crs_used == "EPSG:9215"
    assert report.driver == "ESRI Shapefile"
    assert _centroid_error_m(districts, gdf) < 50
    assert sorted(gdf["level2_id"].astype(int)) == sorted(districts["level2_id"].astype(int))
    assert json.dumps(report.to_dict())


def test_explicit_crs_overrides_a_wrong_prj(districts, tmp_path):
    folder = tmp_path / "wrong"
    folder.mkdir()
    shp = folder / "huyen.shp"
    districts.to_crs("EPSG:9215").to_file(shp)
    # a .prj that claims the neighbouring zone
    (folder / "huyen.prj").write_text(CRS("EPSG:9214").to_wkt("WKT1_ESRI"))
    gdf, report = read_boundaries(shp, crs="EPSG:9215")
    assert _centroid_error_m(districts, gdf) < 50
    assert report.crs_source == "explicit"
    assert [n.code for n in report.warnings] == ["crs_overridden"]
    assert "EPSG:9215" in report.warnings[0].message("vi")
    # without the override the file's (wrong) zone is used: about 26 km off
    wrong, report = read_boundaries(shp)
    assert report.crs_source == "file"
    assert _centroid_error_m(districts, wrong) > 10_000


def test_invalid_crs_string(vn2000_zip):
    with pytest.raises(GeoError) as err:
        read_boundaries(vn2000_zip, crs="EPSG:999999")
    assert err.value.code == "crs_invalid"


def test_layer_outside_vietnam(districts, tmp_path):
    # Lạng Sơn coordinates read as UTM 49N (meridian 111°) land in China's sea.
    shp = _shapefile_without_prj(districts.to_crs("EPSG:9215"), tmp_path / "far")
    with pytest.raises(GeoError) as err:
        read_boundaries(shp, crs="EPSG:32650")
    assert err.value.code == "crs_out_of_vietnam"
    assert "huyen.shp" in err.value.message("vi") and "huyen.shp" in err.value.message("en")


def test_geographic_without_crs_assumed_wgs84(districts, tmp_path):
    shp = _shapefile_without_prj(districts, tmp_path / "ll")
    gdf, report = read_boundaries(shp)
    assert report.crs_assumed and report.crs_used == "EPSG:4326"
    assert [n.code for n in report.warnings] == ["crs_assumed_wgs84"]
    assert _centroid_error_m(districts, gdf) < 1


def test_tm3_crs_from_proj_string_matches_epsg():
    # the PROJ-string construction used for meridians without an EPSG code
    built = tm3_crs(107.25, use_epsg=False)
    assert "towgs84" in built.srs
    a = Transformer.from_crs("EPSG:9215", "EPSG:4326", always_xy=True).transform(450_000, 2_420_000)
    b = Transformer.from_crs(built, "EPSG:4326", always_xy=True).transform(450_000, 2_420_000)
    assert abs(a[0] - b[0]) < 1e-7 and abs(a[1] - b[1]) < 1e-7  # about a centimetre
    assert tm3_crs(107.25).to_epsg() == 9215


def test_province_meridian_table_covers_the_63_provinces():
    from geo.units.registry import provinces

    assert set(PROVINCE_MERIDIANS) == set(provinces()["code"])
    assert PROVINCE_MERIDIANS["20"] == 107.25  # Lạng Sơn, 107°15'
    assert PROVINCE_MERIDIANS["01"] == 105.0  # Hà Nội
    assert PROVINCE_MERIDIANS["79"] == 105.75  # TP. Hồ Chí Minh
    for meridian in PROVINCE_MERIDIANS.values():
        assert tm3_crs(meridian).to_epsg() is not None


# --------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------
@pytest.mark.parametrize(("suffix", "driver"), [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".shp", "ESRI Shapefile")])
def test_round_trip_formats(districts, tmp_path, suffix, driver):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / f"huyen{suffix}"
    source = districts.to_crs("EPSG:9215") if suffix == ".shp" else districts
    source.to_file(path, driver=driver)
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()}
    gdf, report = read_boundaries(path)
    assert report.driver == driver and report.crs_source == "file"
    assert len(gdf) == 11 and gdf.crs == CRS("EPSG:4326")
    assert _centroid_error_m(districts, gdf) < 50
    assert sorted(gdf["name"]) == sorted(districts["name"])
    # inputs untouched, nothing added beside them
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()} == before


def test_kml_round_trip(districts, tmp_path):
    path = tmp_path / "huyen.kml"
    districts.to_file(path, driver="KML")
    gdf, report = read_boundaries(path)
    assert report.driver in ("LIBKML", "KML")
    assert len(gdf) == 11
    assert _centroid_error_m(districts, gdf) < 50
    names = gdf["Name"] if "Name" in gdf else gdf["name"]
    assert sorted(names) == sorted(districts["name"])


def test_zipped_geojson_and_kmz(districts, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    districts.to_file(src / "huyen.geojson")
    gdf, report = read_boundaries(_zip_folder(src, tmp_path / "huyen.zip"))
    assert len(gdf) == 11 and report.driver == "GeoJSON"
    kml_dir = tmp_path / "kml"
    kml_dir.mkdir()
    districts.to_file(kml_dir / "doc.kml", driver="KML")
    gdf, _ = read_boundaries(_zip_folder(kml_dir, tmp_path / "huyen.kmz"))
    assert len(gdf) == 11


def test_zip_with_two_layers_asks_which(districts, tmp_path):
    src = tmp_path / "two"
    src.mkdir()
    districts.to_file(src / "a.geojson")
    districts.iloc[:3].to_file(src / "b.geojson")
    archive = _zip_folder(src, tmp_path / "two.zip")
    with pytest.raises(GeoError) as err:
        read_boundaries(archive)
    assert err.value.code == "zip_many_layers"
    gdf, _ = read_boundaries(archive, layer="b")
    assert len(gdf) == 3


# --------------------------------------------------------------------------
# Legacy text in DBF files
# --------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_legacy_dbf_names_come_back_as_unicode(tmp_path, encoding):
    folder = tmp_path / encoding
    folder.mkdir()
    shapes = [box(106.3 + i * 0.1, 21.6, 106.35 + i * 0.1, 21.65) for i in range(len(NAMES_UTF8))]
    legacy = gpd.GeoDataFrame({"ten_xa": [to_legacy(n, encoding) for n in NAMES_UTF8],
                               "ma_xa": [f"{6000 + i:05d}" for i in range(len(NAMES_UTF8))]},
                              geometry=shapes, crs="EPSG:4326")
    shp = folder / "xa.shp"
    legacy.to_file(shp, encoding="latin1")  # the legacy bytes, one per character
    (folder / "xa.cpg").unlink()  # old files have no .cpg
    raw = (folder / "xa.dbf").read_bytes()
    assert "Định".encode("utf-8") not in raw
    gdf, report = read_boundaries(shp)
    assert list(gdf["ten_xa"]) == NAMES_UTF8
    assert all(unicodedata.is_normalized("NFC", n) for n in gdf["ten_xa"])
    assert report.encoding_fixes == {"ten_xa": encoding}
    assert list(gdf["ma_xa"]) == list(legacy["ma_xa"])  # codes untouched


def test_utf8_dbf_without_cpg(tmp_path):
    shapes = [box(106.3 + i * 0.1, 21.6, 106.35 + i * 0.1, 21.65) for i in range(len(NAMES_UTF8))]
    gdf = gpd.GeoDataFrame({"TenXa": NAMES_UTF8}, geometry=shapes, crs="EPSG:4326")
    shp = tmp_path / "xa.shp"
    gdf.to_file(shp)
    (tmp_path / "xa.cpg").unlink()
    out, report = read_boundaries(shp)
    assert list(out["TenXa"]) == NAMES_UTF8
    assert report.encoding_fixes == {"TenXa": "utf-8"}


def test_unicode_text_untouched(districts, tmp_path):
    path = tmp_path / "huyen.geojson"
    districts.to_file(path)
    gdf, report = read_boundaries(path)
    assert report.encoding_fixes == {}
    assert list(gdf["name"]) == list(districts["name"])


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------
def test_bow_tie_repaired_and_empty_dropped(tmp_path):
    bow_tie = Polygon([(106.5, 21.8), (106.6, 21.9), (106.6, 21.8), (106.5, 21.9), (106.5, 21.8)])
    assert not bow_tie.is_valid
    good = box(106.7, 21.8, 106.8, 21.9)
    gdf = gpd.GeoDataFrame({"name": ["Nơ", "Tốt", "Trống"]}, geometry=[bow_tie, good, None], crs="EPSG:4326")
    path = tmp_path / "bow.geojson"
    gdf.to_file(path)
    out, report = read_boundaries(path)
    assert report.repaired == 1 and report.dropped_empty == 1 and report.n_features == 2
    assert out.is_valid.all()
    fixed = out.loc[out["name"] == "Nơ"].geometry.iloc[0]
    assert fixed.geom_type == "MultiPolygon" and len(fixed.geoms) == 2
    assert fixed.area == pytest.approx(0.005, rel=1e-6)  # two triangles of 0.0025 deg²
    assert {n.code for n in report.warnings} == {"geometry_repaired", "geometry_empty_dropped"}


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
def test_unsupported_extension(tmp_path):
    path = tmp_path / "xa.xlsx"
    path.write_bytes(b"not a map")
    with pytest.raises(GeoError) as err:
        read_boundaries(path)
    assert err.value.code == "unsupported_format"
    assert "xa.xlsx" in err.value.message("vi") and "xa.xlsx" in err.value.message("en")


def test_missing_file(tmp_path):
    with pytest.raises(GeoError) as err:
        read_boundaries(tmp_path / "khong_co.geojson")
    assert err.value.code == "file_not_found"
    assert "khong_co.geojson" in err.value.message("vi") and "khong_co.geojson" in err.value.message("en")


def test_empty_layer(tmp_path):
    path = tmp_path / "rong.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": None}]}))
    with pytest.raises(GeoError) as err:
        read_boundaries(path)
    assert err.value.code == "empty_layer"
    assert "rong.geojson" in err.value.message("vi") and "rong.geojson" in err.value.message("en")


def test_shapefile_without_dbf(districts, tmp_path):
    shp = tmp_path / "huyen.shp"
    districts.to_file(shp)
    (tmp_path / "huyen.dbf").unlink()
    with pytest.raises(GeoError) as err:
        read_boundaries(shp)
    assert err.value.code == "shapefile_incomplete"
    assert ".dbf" in err.value.message("en")


def test_garbage_geojson_unreadable(tmp_path):
    path = tmp_path / "hong.geojson"
    path.write_text("{ this is not json")
    with pytest.raises(GeoError) as err:
        read_boundaries(path)
    assert err.value.code == "unreadable_file"
    assert "hong.geojson" in err.value.message("vi")


# --------------------------------------------------------------------------
# Hostile archives through read_boundaries
# --------------------------------------------------------------------------
@pytest.mark.parametrize("member", ["../evil.txt", "/tmp/evil_abs.txt"])
def test_hostile_zip_refused_and_nothing_written(districts, tmp_path, monkeypatch, member):
    work = tmp_path / "upload"
    work.mkdir()
    monkeypatch.chdir(work)
    archive = work / "huyen.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("huyen.geojson", districts.to_json())
        zf.writestr(member, b"owned")
    before = _listing(tmp_path, work, Path.cwd())
    with pytest.raises(GeoError) as err:
        read_boundaries(archive)
    assert err.value.code == "zip_unsafe_member"
    assert "huyen.zip" in err.value.message("vi") and "huyen.zip" in err.value.message("en")
    assert _listing(tmp_path, work, Path.cwd()) == before
    assert not Path("/tmp/evil_abs.txt").exists()


def test_zip_bomb_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("bomb.geojson", "w") as fh:
            for _ in range(50):
                fh.write(b" " * (1024 * 1024))
    before = _listing(tmp_path)
    with pytest.raises(GeoError) as err:
        read_boundaries(archive)
    assert err.value.code == "zip_too_large"
    assert _listing(tmp_path) == before


def test_temporary_folder_removed_after_reading(districts, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    src = tmp_path / "src"
    src.mkdir()
    districts.to_file(src / "huyen.geojson")
    archive = _zip_folder(src, tmp_path / "huyen.zip")
    read_boundaries(archive)
    assert os.listdir(scratch) == []


# --------------------------------------------------------------------------
# Key columns
# --------------------------------------------------------------------------
def test_guess_key_columns_real_layers(districts, langson):
    assert guess_key_columns(districts) == {
        "code": "level2_id", "name": "name", "parent_code": "level1_id", "parent_name": None, "level": "district"}
    communes = gpd.read_file(langson / "communes_gadm41_pre2019.geojson")
    assert guess_key_columns(communes) == {
        "code": "GID_3", "name": "NAME_3", "parent_code": "GID_2", "parent_name": "NAME_2", "level": "commune"}


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["MaXa", "TenXa", "Ten_Huyen", "geometry"],
         {"code": "MaXa", "name": "TenXa", "parent_code": None, "parent_name": "Ten_Huyen", "level": "commune"}),
        (["ma_xa", "ten_xa", "ma_huyen", "geometry"],
         {"code": "ma_xa", "name": "ten_xa", "parent_code": "ma_huyen", "parent_name": None, "level": "commune"}),
        (["Mã xã", "Tên xã", "geometry"],
         {"code": "Mã xã", "name": "Tên xã", "parent_code": None, "parent_name": None, "level": "commune"}),
        (["OBJECTID", "Shape_Area", "geometry"],
         {"code": None, "name": None, "parent_code": None, "parent_name": None, "level": None}),
    ],
)
def test_guess_key_columns_spellings(columns, expected):
    assert guess_key_columns(gpd.GeoDataFrame(columns=columns)) == expected


def test_guess_key_columns_generic_level_from_code_length():
    gdf = gpd.GeoDataFrame({"MAHC": ["06001", "06004"], "name": ["a", "b"]}, geometry=[None, None])
    assert guess_key_columns(gdf) == {
        "code": "MAHC", "name": "name", "parent_code": None, "parent_name": None, "level": "commune"}
