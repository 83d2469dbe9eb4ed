"""TrueType glyph subsets (geo.render.fontsubset): each glyph kept as drawn, composites renumbered, bad fonts named."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont

from geo.render import fontsubset

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
DEJAVU_BOLD = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
TEXT = "Lạng Sơn — Tỷ lệ hộ nghèo 8,51% Đồng Đăng ỹ"


def _gids(font: TTFont, text: str) -> dict[str, int]:
    cmap = font.getBestCmap()
    return {ch: font.getGlyphID(cmap[ord(ch)]) for ch in set(text)}


def _outline(font: TTFont, gid: int):
    glyf = font["glyf"]
    glyph = glyf[font.getGlyphName(gid)]
    coords, ends, flags = glyph.getCoordinates(glyf)  # components resolved and placed
    return list(coords), list(ends), list(flags)


@pytest.mark.parametrize("path", [DEJAVU, DEJAVU_BOLD], ids=["regular", "bold"])
def test_every_glyph_keeps_its_outline_and_advance(path):
    data = path.read_bytes()
    original = TTFont(io.BytesIO(data))
    gids = _gids(original, TEXT)
    sub_bytes, mapping = fontsubset.subset_truetype(data, gids.values())
    sub = TTFont(io.BytesIO(sub_bytes), checkChecksums=2)  # every table checksum right, or fontTools raises

    composite = [ch for ch, g in gids.items() if original["glyf"][original.getGlyphName(g)].isComposite()]
    assert {"ạ", "ơ", "ỹ", "ộ", "ỷ"} <= set(composite)  # Vietnamese letters are built from components in DejaVu
    assert mapping[0] == 0
    assert sorted(mapping.values()) == list(range(sub["maxp"].numGlyphs))  # renumbered 0..n-1, no holes
    assert sub["maxp"].numGlyphs < 80  # of DejaVu Sans' 6,000 glyphs
    assert sub["hhea"].numberOfHMetrics == sub["maxp"].numGlyphs
    for ch, gid in gids.items():
        new = mapping[gid]
        assert _outline(sub, new) == _outline(original, gid), ch
        assert sub["hmtx"][sub.getGlyphName(new)] == original["hmtx"][original.getGlyphName(gid)], ch
    # Components renumbered, not copied with their old indices.
    o_glyph = sub["glyf"][sub.getGlyphName(mapping[gids["ạ"]])]
    assert o_glyph.isComposite()
    assert {sub.getGlyphID(c.glyphName) for c in o_glyph.components} <= set(range(sub["maxp"].numGlyphs))


def test_the_file_is_a_well_formed_font():
    data = DEJAVU.read_bytes()
    sub_bytes, _ = fontsubset.subset_truetype(data, [36, 37])
    assert fontsubset.table_tags(sub_bytes) == sorted(fontsubset.table_tags(sub_bytes))  # tags ascending
    assert set(fontsubset.table_tags(sub_bytes)) == {"OS/2", "cvt ", "fpgm", "gasp", "glyf", "head", "hhea",
                                                    "hmtx", "loca", "maxp", "name", "post", "prep"}
    words = struct.unpack(f">{len(sub_bytes) // 4}L", sub_bytes)
    assert sum(words) & 0xFFFFFFFF == 0xB1B0AFBA  # head.checkSumAdjustment makes the whole file sum right
    sub = TTFont(io.BytesIO(sub_bytes))
    assert sub["post"].formatType == 3.0
    assert sub["head"].indexToLocFormat == 1
    names = {r.nameID for r in sub["name"].names}
    assert names <= set(range(7)) and {1, 2, 6} <= names  # family, style and PostScript name; no licence text
    assert sub["name"].getDebugName(6) == "DejaVuSans"
    assert len(sub_bytes) < 12_000


def test_glyph_zero_is_always_kept_first_and_the_order_stays():
    sub_bytes, mapping = fontsubset.subset_truetype(DEJAVU.read_bytes(), [40, 36])
    assert mapping == {0: 0, 36: 1, 40: 2}
    assert TTFont(io.BytesIO(sub_bytes))["maxp"].numGlyphs == 3


def test_a_composite_brings_its_components():
    original = TTFont(str(DEJAVU))
    glyph = original["glyf"][original.getGlyphName(500)]
    parts = {original.getGlyphID(c.glyphName) for c in glyph.components}
    assert len(parts) == 2
    _, mapping = fontsubset.subset_truetype(DEJAVU.read_bytes(), [500])
    assert set(mapping) == {0, 500, *parts}


@pytest.mark.parametrize(("mangle", "reason"), [
    (lambda d: b"OTTO" + d[4:], "not a TrueType-outline font"),
    (lambda d: b"ttcf" + d[4:], "not a TrueType-outline font"),
    (lambda d: d[:11], "too short"),
    (lambda d: d[:100], "table directory cut short"),
    (lambda d: d[:400], "runs past the end"),
])
def test_fonts_it_cannot_subset_are_named(mangle, reason):
    with pytest.raises(fontsubset.UnsupportedFont, match=reason):
        fontsubset.subset_truetype(mangle(DEJAVU.read_bytes()), [36])


def test_a_glyph_past_the_last_is_refused():
    n = TTFont(str(DEJAVU))["maxp"].numGlyphs
    with pytest.raises(fontsubset.UnsupportedFont, match=f"past the font's {n} glyphs"):
        fontsubset.subset_truetype(DEJAVU.read_bytes(), [n])


def test_a_font_without_outlines_table_is_refused():
    data = bytearray(DEJAVU.read_bytes())
    count = struct.unpack_from(">H", data, 4)[0]
    for i in range(count):
        if data[12 + 16 * i:16 + 16 * i] == b"glyf":
            data[12 + 16 * i:16 + 16 * i] = b"glyx"
    with pytest.raises(fontsubset.UnsupportedFont, match="no glyf table"):
        fontsubset.subset_truetype(bytes(data), [36])
