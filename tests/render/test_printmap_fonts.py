"""Fonts embedded in the print map's PDF (geo.render.printmap): subset without layout tables, subset once."""

from __future__ import annotations

import io

import pypdf
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

from geo.render import printmap
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
    real = ft_subset.Subsetter.subset
    monkeypatch.setattr(ft_subset.Subsetter, "subset", lambda self, font: calls.append(1) or real(self, font))

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
        assert not {"GSUB", "GPOS", "GDEF", "kern"} & set(font.keys())  # no layout tables
        assert font["maxp"].numGlyphs < 120  # a subset, not the 6,000 glyphs of DejaVu Sans
    assert "Bản đồ tỷ lệ hộ nghèo" in pypdf.PdfReader(io.BytesIO(again)).pages[0].extract_text()
