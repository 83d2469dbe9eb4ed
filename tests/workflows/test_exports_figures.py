"""The Annex page's preview and its download draw the print map once (geo.workflows.exports)."""

from __future__ import annotations

import dataclasses
import io

import pypdf
from PIL import Image

from geo.workflows import exports
from geo.workflows.layer import build_layer


def _choices(title: str) -> exports.AnnexChoices:
    return exports.AnnexChoices(value_column="poor_rate_2020", title=title)


def test_download_after_preview_reuses_the_page(monkeypatch):
    layer = build_layer(table="langson_kh78_2021", province="20", level="district")
    units = exports.annex_units(layer, "all")
    drawn = []
    real = exports._map_args
    monkeypatch.setattr(exports, "_map_args", lambda *a, **k: drawn.append(1) or real(*a, **k))
    exports._FIGURES.clear()

    preview = Image.open(io.BytesIO(exports.preview_png(layer, _choices("Thử"), units)))
    pdf = exports.export_bytes(layer, _choices("Thử"), "pdf", units=units)
    assert preview.size == (331, 468) and len(drawn) == 1  # the PDF is the preview's page
    assert "Thử" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    # Another title: the same page, its header written again.
    other = pypdf.PdfReader(io.BytesIO(exports.export_bytes(layer, _choices("Khác"), "pdf", units=units)))
    text = other.pages[0].extract_text()
    assert len(drawn) == 1 and "Khác" in text and "Thử" not in text
    assert other.metadata.title == "Khác"
    subtitled = dataclasses.replace(_choices("Khác"), subtitle="Kế hoạch năm 2026")
    text = pypdf.PdfReader(io.BytesIO(exports.export_bytes(layer, subtitled, "pdf", units=units))).pages[0].extract_text()
    assert len(drawn) == 1 and "Kế hoạch năm 2026" in text
    # Other classes: another page.
    exports.export_bytes(layer, dataclasses.replace(_choices("Thử"), k=3), "pdf", units=units)
    assert len(drawn) == 2
    same_data = build_layer(table="langson_kh78_2021", province="20", level="district")
    exports.export_bytes(same_data, _choices("Thử"), "png", units=exports.annex_units(same_data, "all"))
    assert len(drawn) == 3  # another layer object is drawn anew
    assert len(exports._FIGURES) == 3
