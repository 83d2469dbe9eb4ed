"""Regression corpus of the layer-and-map fuzz targets (bench/fuzz.py ``layer/*``; issue 16).

Each case is a minimal input that once escaped as a raw exception between the layer builder and the map.
Boundaries are small made-up squares in Lạng Sơn (illustrative, not real borders).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from geo._errors import GeoError
from geo.render import webmap
from geo.workflows.layer import build_layer
from geo.workflows.mapview import render_map

sys.path.insert(0, str(Path(__file__).parents[1] / "io"))
import _hostile as h  # noqa: E402


def _draw(layer):
    m = render_map(layer, lang="vi")
    webmap.to_html(m)
    return m.geo_parts.geometry.codes


def test_codes_under_the_files_own_column_are_drawn_without_a_table(tmp_path):
    # Was KeyError 'code' in render_map: a layer without a table kept the file's column names (MaHuyen).
    path = h.write(tmp_path / "huyen.geojson", h.geojson_bytes([
        h.feature({"MaHuyen": "182", "TenHuyen": "Huyện Văn Lãng"}, h.square(106.6, 22.0)),
        h.feature({"MaHuyen": 178, "TenHuyen": "Thành phố Lạng Sơn"}, h.square(106.75, 21.85))]))
    layer = build_layer(boundaries=path, level="district")
    assert layer.gdf["code"].tolist() == ["182", "178"]
    assert layer.gdf["name"].tolist() == ["Huyện Văn Lãng", "Thành phố Lạng Sơn"]
    assert sorted(_draw(layer)) == ["178", "182"]


@pytest.mark.parametrize("table", [None, "langson_kh78_2021"])
def test_names_only_boundaries_with_unknown_names_are_drawn(tmp_path, table):
    # Was TypeError in webmap._codes: two unknown names leave two units without a code (NaN).
    path = h.write(tmp_path / "ten.geojson", h.geojson_bytes([
        h.feature({"ten": "Huyện Văn Lãng"}, h.square(106.6, 22.0)),
        h.feature({"ten": "Huyện Không Có"}, h.square(106.8, 22.0)),
        h.feature({"ten": "Huyện Cũng Không"}, h.square(106.9, 22.0))]))
    layer = build_layer(boundaries=path, table=table, level="district")
    assert layer.gdf["code"].tolist()[0] == "182"
    assert layer.gdf["code"].isna().tolist() == [False, True, True]
    # A unit without a code is keyed by its position on the map, never by another unit's code.
    assert sorted(_draw(layer)) == ["182", "?2", "?3"]


def test_null_codes_are_drawn_and_a_file_without_code_or_name_is_refused(tmp_path):
    path = h.write(tmp_path / "ma_rong.json", h.geojson_bytes([h.feature({"MaXa": None, "code": None}, h.square(106.7, 21.8))]))
    assert list(_draw(build_layer(boundaries=path, level="commune"))) == ["?1"]
    path = h.write(tmp_path / "khong_ma.geojson", h.geojson_bytes([
        h.feature({}, h.square(106.7, 21.8)), h.feature({}, h.square(106.9, 21.8))]))
    with pytest.raises(GeoError) as info:
        build_layer(boundaries=path, level="district")
    assert info.value.code == "no_join_key"
    assert "khong_ma.geojson" in info.value.message("vi") and "/" not in info.value.params["path"]


def test_a_column_the_catalogue_does_not_name_is_labelled_as_written(tmp_path):
    # Was MissingMessage 'indicator.col_27_964' (the label compared t() with its key).
    from geo.analysis.indicators import label

    assert label("col_27_964", "vi") == "col 27 964"
    assert label("poor_rate_2020", "vi") == "Tỷ lệ hộ nghèo (%) năm 2020"


def test_units_without_a_code_are_printed(tmp_path):
    # Was TypeError in printmap._prepare (joining NaN codes into the duplicate-code message).
    from geo.render.printmap import print_map

    path = h.write(tmp_path / "ten.geojson", h.geojson_bytes([
        h.feature({"ten": "Huyện Văn Lãng"}, h.square(106.6, 22.0)),
        h.feature({"ten": "Huyện Không Có"}, h.square(106.8, 22.0)),
        h.feature({"ten": "Huyện Cũng Không"}, h.square(106.9, 22.0))]))
    layer = build_layer(boundaries=path, table="langson_kh78_2021", level="district")
    fig = print_map(layer.gdf, value_column="poor_rate_2021", labels="code", title="Thử")
    texts = sorted(t.get_text() for ax in fig.axes for t in ax.texts if t.get_text() in ("182", "?2", "?3", ""))
    assert "182" in texts and "?2" not in texts and "?3" not in texts
