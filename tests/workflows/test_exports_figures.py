"""The Annex page's preview and its download draw the print map once (geo.workflows.exports)."""

from __future__ import annotations

import dataclasses
import io

import pypdf
import pytest
from PIL import Image

from geo._errors import GeoError
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


def test_prefetched_pdf_is_taken_once(monkeypatch):
    layer = build_layer(table="langson_kh78_2021", province="20", level="district")
    units = exports.annex_units(layer, "all")
    written = []
    real = exports.write_export
    monkeypatch.setattr(exports, "write_export", lambda *a, **k: written.append(a[3]) or real(*a, **k))

    assert exports.prefetch(layer, _choices("Viết trước"), "pdf", units=units) is True
    assert exports.prefetch(layer, _choices("Viết trước"), "pdf", units=units) is False  # already on its way
    pdf = exports.export_bytes(layer, _choices("Viết trước"), "pdf", units=units)
    assert written == ["pdf"]  # the click took the bytes written ahead
    assert "Viết trước" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    exports.export_bytes(layer, _choices("Viết trước"), "pdf", units=units)
    assert written == ["pdf", "pdf"]  # taken once: the next ask writes again
    exports.export_bytes(layer, _choices("Khác"), "png", units=units)
    assert written == ["pdf", "pdf", "png"]  # nothing written ahead for other choices


def test_prefetch_failure_reaches_the_ask():
    layer = build_layer(table="langson_kh78_2021", province="20", level="district")
    wrong = exports.AnnexChoices(value_column="poor_rate_1999", title="Sai cột")
    assert exports.prefetch(layer, wrong, "pdf") is True
    with pytest.raises(GeoError) as err:
        exports.export_bytes(layer, wrong, "pdf")
    assert err.value.code == "map_column_missing"
    with pytest.raises(GeoError) as err:
        exports.prefetch(layer, wrong, "odt")
    assert err.value.code == "unsupported_format"


def test_prefetch_keeps_a_few_files():
    layer = build_layer(table="langson_kh78_2021", province="20", level="district")
    exports._PREFETCHED.clear()
    for n in range(exports.PREFETCH_KEPT + 2):
        exports.prefetch(layer, _choices(f"Trang {n}"), "png")
    assert len(exports._PREFETCHED) == exports.PREFETCH_KEPT
    kept = [key[1].title for key in exports._PREFETCHED]
    assert kept == [f"Trang {n}" for n in range(2, exports.PREFETCH_KEPT + 2)]
    for _ref, future in list(exports._PREFETCHED.values()):
        future.result()
