"""Fonts embedded in the print map's PDF (geo.render.printmap): subset without layout tables, subset once, and
made by geo.render.fontsubset without importing fontTools' subsetter."""

from __future__ import annotations

import io
import subprocess
import sys

import pypdf
from fontTools.ttLib import TTFont

from geo.render import fontsubset, printmap
from geo.workflows.layer import build_layer
from geo.workflows import exports


def _pdf(layer, title: str) -> bytes:
    choices = exports.AnnexChoices(value_column="poor_rate_2020", title=title)
    return exports.export_bytes(layer, choices, "pdf", units=exports.annex_units(layer, "all"))


def _embedded_fonts(pdf: bytes) -> list[TTFont]:
    fonts = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                data = descendant.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
                fonts.append(TTFont(io.BytesIO(data)))
    return fonts


def test_same_glyphs_are_subset_once(monkeypatch):
    layer = build_layer(table="langson_kh78_2021", province="20", level="district")
    printmap._SUBSETS.clear()
    calls = []
    real = fontsubset.subset_truetype
    monkeypatch.setattr(fontsubset, "subset_truetype", lambda data, glyphs: calls.append(1) or real(data, glyphs))

    first = _pdf(layer, "Bản đồ tỷ lệ hộ nghèo")
    n_fonts = len(calls)
    assert n_fonts == 2  # DejaVu Sans regular and bold
    again = _pdf(layer, "Bản đồ tỷ lệ hộ nghèo")  # the same letters: the subsets made before
    assert len(calls) == n_fonts
    _pdf(layer, "Bản đồ tỷ lệ hộ nghèo Lạng Sơn")  # new letters in the bold title: one new subset
    assert len(calls) == n_fonts + 1

    fonts = _embedded_fonts(again)
    assert [sorted(f.keys()) for f in fonts] == [sorted(f.keys()) for f in _embedded_fonts(first)]
    for font in fonts:
        assert not {"GSUB", "GPOS", "GDEF", "kern", "cmap"} & set(font.keys())  # no layout tables
        assert font["maxp"].numGlyphs < 120  # a subset, not the 6,000 glyphs of DejaVu Sans
    assert "Bản đồ tỷ lệ hộ nghèo" in pypdf.PdfReader(io.BytesIO(again)).pages[0].extract_text()


def test_a_font_it_cannot_subset_goes_to_fonttools(monkeypatch):
    layer = build_layer(table="langson_kh78_2021", province="20", level="district")
    printmap._SUBSETS.clear()

    def refuse(data, glyphs):
        raise fontsubset.UnsupportedFont("not a TrueType-outline font")

    monkeypatch.setattr(fontsubset, "subset_truetype", refuse)
    pdf = _pdf(layer, "Bản đồ tỷ lệ hộ nghèo")
    printmap._SUBSETS.clear()
    fonts = _embedded_fonts(pdf)
    assert len(fonts) == 2
    for font in fonts:
        assert "cmap" in font  # fontTools' subset keeps a cmap; ours has none
        assert not {"GSUB", "GPOS", "GDEF", "kern"} & set(font.keys())
        assert font["maxp"].numGlyphs < 120
    assert "Bản đồ tỷ lệ hộ nghèo" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_pdf_is_written_without_loading_fonttools_subsetter():
    code = (
        "import sys, importlib.util, io;"
        "from geo.workflows.layer import build_layer; from geo.workflows import exports;"
        "layer = build_layer(table='langson_kh78_2021', province='20', level='district');"
        "c = exports.AnnexChoices(value_column='poor_rate_2020', title='Bản đồ');"
        "pdf = exports.export_bytes(layer, c, 'pdf', units=exports.annex_units(layer, 'all'));"
        "m = sys.modules['fontTools.subset'];"
        "print(len(pdf) > 10_000, isinstance(m, importlib.util._LazyModule));"
        "m.Subsetter; print(isinstance(m, importlib.util._LazyModule))"  # loaded on first use
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "False"]
