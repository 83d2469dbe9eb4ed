"""Print maps show the neighbouring country shaded and named, and the archipelagos labelled with their province."""

from __future__ import annotations

import numpy as np

from geo.render.printmap import print_map
from geo.units.tessellation import default_boundaries


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_border_province_map_names_china():
    gdf = default_boundaries(province=20, level="district").assign(poor_rate=np.arange(11, dtype=float))
    texts = _texts(print_map(gdf, value_column="poor_rate", title="Lạng Sơn"))
    assert "TRUNG QUỐC" in texts
    assert not any("Hoàng Sa" in t for t in texts)


def test_national_map_labels_hoang_sa_and_truong_sa_with_their_province():
    gdf = default_boundaries(province=None, level="province").assign(poor_rate=0.0)
    gdf["poor_rate"] = np.arange(len(gdf), dtype=float)
    texts = _texts(print_map(gdf, value_column="poor_rate", title="Toàn quốc"))
    assert "QĐ. Hoàng Sa (TP. Đà Nẵng)" in texts and "QĐ. Trường Sa (Khánh Hòa)" in texts
    assert {"TRUNG QUỐC", "LÀO", "CAMPUCHIA"} <= set(texts)


def test_inland_province_far_from_any_border_names_no_country():
    gdf = default_boundaries(province=1, level="district").assign(poor_rate=1.0)  # Hà Nội
    texts = _texts(print_map(gdf, value_column="poor_rate", title="Hà Nội"))
    assert not {"TRUNG QUỐC", "LÀO", "CAMPUCHIA"} & set(texts)
