"""The default boundaries' file cache (geo.units.tessellation): layers of an earlier method are removed."""

from __future__ import annotations

from geo.units import tessellation


def test_writing_a_layer_removes_the_layers_of_earlier_versions(tmp_path, monkeypatch):
    monkeypatch.setattr(tessellation, "USER_CACHE_DIR", tmp_path / "user")
    current = tessellation.cache_path(province="20", level="district", vintage="pre2025", cache_dir=tmp_path)
    stale = [tmp_path / "default_pre2025_20_district_m1-vau1.0.4.gpkg",
             tmp_path / "default_2025_all_commune_m0-vau0.9.gpkg"]
    others = [tmp_path / "default_notes.gpkg", tmp_path / "my_districts.gpkg",
              tmp_path / current.name.replace(".gpkg", ".tmp.gpkg")]
    for path in stale + others:
        path.write_bytes(b"old")

    gdf = tessellation.default_boundaries(province="20", level="district", vintage="pre2025", cache_dir=tmp_path)
    assert len(gdf) == 11
    assert current.is_file()
    assert [p.exists() for p in stale] == [False, False]
    assert [p.read_bytes() for p in others] == [b"old"] * 3  # not a cached layer's name: left alone
    # Read again from the cache: nothing else removed.
    assert len(tessellation.default_boundaries(province="20", level="district", vintage="pre2025",
                                               cache_dir=tmp_path)) == 11
    assert current.is_file()
