"""The print map's geometry: the UTM zone, paper-resolution simplification, its cache, and what the files keep."""

from __future__ import annotations

import io
import re
import zlib

import geopandas as gpd
import numpy as np
import shapely
from PIL import Image

from geo.render import printmap
from geo.render.codes import code_strings
from geo.units.tessellation import default_boundaries


def _layer() -> gpd.GeoDataFrame:
    gdf = default_boundaries(province="20", level="commune", vintage="pre2025")
    return gdf.assign(poor_rate=np.arange(len(gdf), dtype=float) % 37)


def test_utm_zone_is_computed_as_geopandas_estimates_it():
    gdf = _layer()
    assert printmap._metric_crs(gdf) == "EPSG:32648" == gdf.estimate_utm_crs().to_string()
    south = gpd.GeoDataFrame(geometry=[shapely.box(-47.0, -16.0, -46.0, -15.0)], crs="EPSG:4326")  # Brasília
    assert printmap._metric_crs(south) == "EPSG:32723" == south.estimate_utm_crs().to_string()


def test_simplify_keeps_every_polygon_valid_and_within_tolerance():
    gdf = _layer().to_crs("EPSG:32648")
    geoms = np.asarray(gdf.geometry.to_numpy(), dtype=object)
    simple = printmap._simplify(geoms, 15.0)
    assert shapely.is_valid(simple).all() and not shapely.is_empty(simple).any()
    assert shapely.get_num_coordinates(simple).sum() <= shapely.get_num_coordinates(geoms).sum()
    assert (shapely.hausdorff_distance(geoms, simple) <= 15.0 + 1e-6).all()


def test_geometry_is_prepared_once_per_layer():
    gdf = _layer()
    printmap._GEOMETRY_CACHE.clear()
    first = printmap._geometry(gdf, district_outlines=None, district_column="district_code")
    again = printmap._geometry(gdf.assign(poor_rate=1.0), district_outlines=None, district_column="district_code")
    assert again is first and len(printmap._GEOMETRY_CACHE) == 1
    moved = gdf.set_geometry(gdf.geometry.translate(0.01, 0))
    assert printmap._geometry(moved, district_outlines=None, district_column="district_code") is not first
    assert first.crs == "EPSG:32648" and len(first.districts) == 11 and len(first.paths) == len(gdf)
    assert -2.0 < first.north_deg < 0.0  # Lạng Sơn lies east of 105°E, the zone's central meridian


def test_code_strings_mark_units_without_a_code():
    assert code_strings(["20001", None, float("nan"), 178]) == ["20001", "?2", "?3", "178"]


def test_pdf_fonts_are_subset_without_layout_tables_and_text_stays_searchable(tmp_path):
    fig = printmap.print_map(_layer(), value_column="poor_rate", title="Tỷ lệ hộ nghèo Lạng Sơn")
    out = printmap.save_figure(fig, tmp_path / "map.pdf")
    data = out.read_bytes()
    fonts = [zlib.decompress(data[m.end():m.end() + int(m.group(1))])
             for m in re.finditer(rb"/Length1 \d+ /Length (\d+) /Filter /FlateDecode >>\nstream\n", data)]
    assert len(fonts) == 2  # DejaVu Sans and DejaVu Sans Bold, as TrueType
    for font in fonts:
        tables = {font[12 + 16 * i:16 + 16 * i] for i in range(int.from_bytes(font[4:6], "big"))}
        assert {b"glyf", b"loca", b"head", b"hhea", b"hmtx", b"maxp", b"cvt ", b"fpgm", b"prep"} <= tables
        assert not tables & {b"GSUB", b"GPOS", b"GDEF", b"kern", b"cmap"}  # ISO 32000-1 9.9: no cmap in a CIDFont
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "Tỷ lệ hộ nghèo Lạng Sơn" in text


def test_png_is_rgb_at_the_paper_size_with_its_dpi_and_title(tmp_path):
    fig = printmap.print_map(_layer(), value_column="poor_rate", title="Thử PNG")
    preview = Image.open(io.BytesIO(printmap.figure_png(fig, dpi=100)))
    assert preview.mode == "RGB" and preview.size == printmap.paper_size_px(dpi=100) == (827, 1169)
    image = Image.open(printmap.save_figure(fig, tmp_path / "map.png", title="Thử PNG"))
    assert image.mode == "RGB" and image.size == (2480, 3508)
    assert image.info["Title"] == "Thử PNG" and round(image.info["dpi"][0]) == 300
    assert image.getpixel((5, 5)) == (255, 255, 255)  # the page's white margin, no transparency
