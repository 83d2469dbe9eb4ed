"""Default (approximate) boundaries: counts, topology, centroids, cache, and quality.

Quality is measured against the official Lạng Sơn outlines in
``../shared/data/langson``; those files are only read here, never used to
build anything.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.units import tessellation
from geo._errors import GeoError

LANGSON = "20"
METRIC_CRS = "EPSG:32648"  # UTM 48N
MIN_PROVINCE_IOU = 0.8
MIN_MEDIAN_DISTRICT_IOU = 0.6
# Relative tolerance of "sum of cell areas == area of their union" (float grid noise).
AREA_RTOL = 1e-5
COUNTS = {
    ("pre2025", "commune"): 194,
    ("pre2025", "district"): 11,
    ("pre2025", "province"): 1,
    ("2025", "commune"): 65,
    ("2025", "province"): 1,
}


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("boundaries")


@pytest.fixture(scope="session")
def langson_layers(cache_dir):
    return {
        key: tessellation.default_boundaries(province=LANGSON, level=key[1], vintage=key[0], cache_dir=cache_dir)
        for key in COUNTS
    }


def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    # Reprojection can pinch a sub-decimetre spike; repair before overlay.
    return gdf.to_crs(METRIC_CRS).geometry.make_valid()


def _iou(a, b) -> float:
    return a.intersection(b).area / a.union(b).area


def test_quality_against_official_langson_outlines(langson, langson_layers):
    real_province = gpd.read_file(langson / "province_2019_gischinhphu.geojson").to_crs(METRIC_CRS)
    real_districts = gpd.read_file(langson / "districts_2019_gischinhphu.geojson").to_crs(METRIC_CRS)
    ours_province = _metric(langson_layers[("pre2025", "province")]).iloc[0]
    districts = langson_layers[("pre2025", "district")]
    ours_districts = dict(zip(districts["code"], _metric(districts)))

    province_iou = _iou(ours_province, real_province.geometry.union_all())
    district_ious = {
        code: _iou(ours_districts[code], geom)
        for code, geom in zip(real_districts["level2_id"].astype(str).str.zfill(3), real_districts.geometry)
    }
    median = float(np.median(list(district_ious.values())))
    print(f"\nLạng Sơn province IoU {province_iou:.3f}; district IoU median {median:.3f}, "
          f"min {min(district_ious.values()):.3f}: "
          + ", ".join(f"{k} {v:.2f}" for k, v in sorted(district_ious.items())))
    assert set(district_ious) == set(ours_districts)
    assert province_iou >= MIN_PROVINCE_IOU
    assert median >= MIN_MEDIAN_DISTRICT_IOU


@pytest.mark.parametrize(("vintage", "level"), list(COUNTS))
def test_langson_counts_columns_and_validity(langson_layers, vintage, level):
    gdf = langson_layers[(vintage, level)]
    assert len(gdf) == COUNTS[(vintage, level)]
    assert list(gdf.columns) == tessellation.COLUMNS
    assert gdf.crs.to_epsg() == 4326
    assert gdf["code"].str.len().eq(tessellation.registry.CODE_WIDTH[level]).all()
    assert gdf["code"].is_unique
    assert (gdf["level"] == level).all() and (gdf["vintage"] == vintage).all()
    assert (gdf["province_code"] == LANGSON).all()
    assert gdf["approximate"].tolist() == [True] * len(gdf)
    assert gdf["source"].str.contains("vietnamadminunits").all()
    assert gdf["source"].str.contains("gần đúng").all()
    assert gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert gdf.is_valid.all()
    if vintage == "2025":
        assert gdf["district_code"].isna().all() and gdf["district_name"].isna().all()
    elif level == "commune":
        assert gdf["district_code"].notna().all()


@pytest.mark.parametrize(("vintage", "level"), list(COUNTS))
def test_no_overlaps_between_neighbours(langson_layers, vintage, level):
    geoms = _metric(langson_layers[(vintage, level)])
    union = shapely.union_all(geoms.to_numpy())
    assert geoms.area.sum() == pytest.approx(union.area, rel=AREA_RTOL)


@pytest.mark.parametrize("vintage", ["pre2025", "2025"])
def test_levels_nest_exactly(langson_layers, vintage):
    communes = _metric(langson_layers[(vintage, "commune")])
    province = _metric(langson_layers[(vintage, "province")]).iloc[0]
    assert shapely.union_all(communes.to_numpy()).symmetric_difference(province).area < AREA_RTOL * province.area
    if vintage == "pre2025":
        commune_rows = langson_layers[(vintage, "commune")]
        districts = langson_layers[(vintage, "district")]
        for code, geom in zip(districts["code"], _metric(districts)):
            parts = communes[(commune_rows["district_code"] == code).to_numpy()]
            dissolved = shapely.union_all(parts.to_numpy())
            assert dissolved.symmetric_difference(geom).area < AREA_RTOL * geom.area, code


@pytest.mark.parametrize("vintage", ["pre2025", "2025"])
def test_every_commune_centroid_in_its_own_cell_nationally(cache_dir, vintage):
    cells = tessellation._national_cells(vintage, cache_dir)
    seeds = tessellation._seeds(vintage)
    assert seeds["code"].tolist() == cells["code"].tolist()
    # The generator point of every unit lies in its own cell ...
    assert shapely.contains_xy(cells.geometry.to_numpy(), seeds["x"], seeds["y"]).all()
    # ... and it is the registry centroid itself, except for units that share
    # one centroid: the first in code order keeps it, the others move a little.
    moved = (seeds["x"] != seeds["lon"]) | (seeds["y"] != seeds["lat"])
    shared = seeds.duplicated(["lon", "lat"], keep=False)
    assert not (moved & ~shared).any()
    assert not seeds[["x", "y"]].duplicated().any()
    unmoved = ~moved.to_numpy()
    assert shapely.contains_xy(
        cells.geometry.to_numpy()[unmoved], seeds["lon"].to_numpy()[unmoved], seeds["lat"].to_numpy()[unmoved]
    ).all()
    spread = np.hypot(seeds["x"] - seeds["lon"], seeds["y"] - seeds["lat"])
    assert spread.max() <= tessellation.DUPLICATE_SPREAD_DEG * (1 + 1e-9)


def test_national_layers_cover_every_unit(cache_dir):
    communes = tessellation.default_boundaries(province=None, level="commune", cache_dir=cache_dir)
    districts = tessellation.default_boundaries(province=None, level="district", cache_dir=cache_dir)
    registry = tessellation.registry
    assert set(communes["code"]) == set(registry.units(level="commune")["code"])
    # Island districts without communes (Côn Đảo, Lý Sơn, ...) still get a cell.
    assert set(districts["code"]) == set(registry.units(level="district")["code"])
    assert "755" in set(districts["code"])
    assert communes.is_valid.all() and districts.is_valid.all()
    new = tessellation.default_boundaries(province=None, level="province", vintage="2025", cache_dir=cache_dir)
    assert len(new) == 34 and new.is_valid.all()


def test_cache_is_reused(cache_dir, monkeypatch):
    first = tessellation.default_boundaries(province=LANGSON, level="district", cache_dir=cache_dir)
    path = tessellation.cache_path(province=LANGSON, level="district", vintage="pre2025", cache_dir=cache_dir)
    assert path.is_file()
    assert f"m{tessellation.METHOD_VERSION}-" in path.name
    assert not list(cache_dir.glob("*.tmp.gpkg"))

    def fail(**kwargs):
        raise AssertionError("rebuilt instead of reading the cache")

    monkeypatch.setattr(tessellation, "_build", fail)
    second = tessellation.default_boundaries(province=LANGSON, level="district", cache_dir=cache_dir)
    assert second.drop(columns="geometry").equals(first.drop(columns="geometry"))
    assert second.geometry.geom_equals_exact(first.geometry, tolerance=1e-9).all()


def test_cache_of_another_method_version_is_ignored(cache_dir, monkeypatch):
    tessellation.default_boundaries(province=LANGSON, level="province", cache_dir=cache_dir)
    path = tessellation.cache_path(province=LANGSON, level="province", vintage="pre2025", cache_dir=cache_dir)
    monkeypatch.setattr(tessellation, "METHOD_VERSION", "old")
    assert tessellation._read_cache(path) is None


def test_unwritable_cache_falls_back_to_user_cache(cache_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    user = tmp_path / "user-cache"
    monkeypatch.setattr(tessellation, "USER_CACHE_DIR", user)
    gdf = tessellation.default_boundaries(province=LANGSON, level="commune", vintage="2025", cache_dir=blocker / "sub")
    assert len(gdf) == COUNTS[("2025", "commune")]
    assert len(list(user.glob("default_2025_20_commune_*.gpkg"))) == 1


def test_unknown_province_level_and_vintage():
    with pytest.raises(GeoError) as err:
        tessellation.default_boundaries(province=99, level="commune")
    assert err.value.code == "unknown_province"
    with pytest.raises(GeoError) as err:
        tessellation.default_boundaries(province=LANGSON, level="district", vintage="2025")
    assert err.value.code == "unknown_level"
    with pytest.raises(GeoError) as err:
        tessellation.default_boundaries(province=LANGSON, level="commune", vintage="2024")
    assert err.value.code == "unknown_vintage"


@pytest.mark.parametrize(
    ("vintage", "level"),
    [("pre2025", "commune"), ("pre2025", "district"), ("pre2025", "province"), ("2025", "commune"), ("2025", "province")],
)
def test_national_layers_are_valid_coverages(cache_dir, vintage, level):
    gdf = tessellation.default_boundaries(province=None, level=level, vintage=vintage, cache_dir=cache_dir)
    geoms = gdf.geometry.to_numpy()
    assert int((~shapely.is_valid(geoms)).sum()) == 0
    misaligned = shapely.coverage_invalid_edges(geoms)
    assert int((~shapely.is_empty(misaligned)).sum()) == 0
    assert shapely.coverage_is_valid(geoms)
    # No overlap: neighbours meet along edges only, their intersections have no area.
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    assert float(shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum()) == 0.0
