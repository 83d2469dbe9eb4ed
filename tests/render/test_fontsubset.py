"""TrueType glyph subsets (geo.render.fontsubset): each glyph kept as drawn, composites renumbered, bad fonts named."""

from __future__ import annotations

import io
import re
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
    tags = [t.decode("latin-1") for t in fontsubset._tables(sub_bytes)]  # in the directory's order
    assert tags == sorted(tags)  # tags ascending
    assert set(tags) == {"OS/2", "cvt ", "fpgm", "gasp", "glyf", "head", "hhea",
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


# A small TrueType font written here with fontTools' FontBuilder, for what DejaVu Sans does not have: short
# loca offsets, glyphs past hhea.numberOfHMetrics (sharing the last advance), and composites with a scale, an
# x/y scale, a 2x2 transform, word arguments and several components.
def _rect(x0, y0, x1, y1):
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x1, y0))
    pen.lineTo((x1, y1))
    pen.lineTo((x0, y1))
    pen.closePath()
    return pen.glyph()


def _composite(parts, names=("A", "B")):
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(dict.fromkeys(names), handleOverflowingTransforms=False)
    for name, transform in parts:
        pen.addComponent(name, transform)
    return pen.glyph()


def _build(order, glyphs, advances) -> bytes:
    from fontTools.fontBuilder import FontBuilder

    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({65: "A", 66: "B"})
    fb.setupGlyf(glyphs)
    glyf = fb.font["glyf"]
    fb.setupHorizontalMetrics({n: (advances[n], getattr(glyf[n], "xMin", 0)) for n in order})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Thu", "styleName": "Regular", "trademark": "Thu TM"})  # trademark: name 7
    fb.setupOS2()
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


ORDER = [".notdef", "A", "B", "scaled", "xyscaled", "twobytwo", "pair", "far", "tail1", "tail2", "tail3"]
ADVANCES = {".notdef": 500, "A": 600, "B": 700, "scaled": 610, "xyscaled": 620, "twobytwo": 630, "pair": 640,
            "far": 650, "tail1": 300, "tail2": 300, "tail3": 300}
I = (1, 0, 0, 1, 0, 0)


@pytest.fixture(scope="module")
def small_font() -> bytes:
    glyphs = {".notdef": _rect(50, 0, 450, 700), "A": _rect(0, 0, 300, 600), "B": _rect(100, 100, 200, 900),
              # Each transformed component is followed by another: its size decides where the next one starts.
              "scaled": _composite([("A", (0.5, 0, 0, 0.5, 10, 20)), ("B", I)]),
              "xyscaled": _composite([("B", (0.5, 0, 0, 0.75, 0, 0)), ("A", (1, 0, 0, 1, 5, 5))]),
              "twobytwo": _composite([("A", (0.8, 0.2, 0.1, 0.9, 0, 0)), ("B", (1, 0, 0, 1, 7, 0))]),
              "pair": _composite([("A", I), ("B", (1, 0, 0, 1, 400, -50))]),
              "far": _composite([("A", (1, 0, 0, 1, 1000, 3000))]),
              "tail1": _rect(0, 0, 10, 10), "tail2": _rect(5, 5, 20, 20), "tail3": _rect(7, 3, 30, 40)}
    return _build(ORDER, glyphs, ADVANCES)


def test_the_small_font_has_what_dejavu_lacks(small_font):
    font = TTFont(io.BytesIO(small_font))
    assert font["head"].indexToLocFormat == 0  # short offsets
    assert font["hhea"].numberOfHMetrics == 9 < font["maxp"].numGlyphs == 11  # tail2, tail3 share tail1's advance
    tables = fontsubset._tables(small_font)
    loca = _short_loca(tables)
    flags = {}
    for gid in range(3, 8):  # the raw flags of each component, as the file has them
        glyph = tables[b"glyf"][2 * loca[gid]:2 * loca[gid + 1]]
        flags[ORDER[gid]] = [struct.unpack_from(">H", glyph, at - 2)[0] for at, _ in fontsubset._components(glyph)]
    assert flags["scaled"][0] & 0x0008 and flags["scaled"][0] & 0x0020  # WE_HAVE_A_SCALE, MORE_COMPONENTS
    assert flags["xyscaled"][0] & 0x0040 and flags["xyscaled"][0] & 0x0020  # WE_HAVE_AN_X_AND_Y_SCALE
    assert flags["twobytwo"][0] & 0x0080 and flags["twobytwo"][0] & 0x0020  # WE_HAVE_A_TWO_BY_TWO
    assert flags["pair"][0] & 0x0020 and not flags["pair"][1] & 0x0020  # MORE_COMPONENTS, then the last
    assert flags["far"][0] & 0x0001  # ARG_1_AND_2_ARE_WORDS
    assert not flags["pair"][0] & 0x0001 and flags["pair"][1] & 0x0001  # byte arguments, then words


@pytest.mark.parametrize("names", [["scaled"], ["xyscaled"], ["twobytwo"], ["pair"], ["far"], ["tail2"], ["tail3"],
                                   ["tail1", "tail2", "far"], ORDER[1:]])
def test_each_kind_of_glyph_is_kept_as_drawn(small_font, names):
    original = TTFont(io.BytesIO(small_font))
    gids = [original.getGlyphID(n) for n in names]
    sub_bytes, mapping = fontsubset.subset_truetype(small_font, gids)
    sub = TTFont(io.BytesIO(sub_bytes), checkChecksums=2)
    for name, gid in zip(names, gids):
        new = mapping[gid]
        assert _outline(sub, new) == _outline(original, gid), name
        assert sub["hmtx"][sub.getGlyphName(new)] == original["hmtx"][name], name
    assert sub["hmtx"][sub.getGlyphName(mapping[gids[-1]])][0] == ADVANCES[names[-1]]
    tables = fontsubset._tables(sub_bytes)
    n = sub["maxp"].numGlyphs
    loca = struct.unpack_from(f">{n + 1}L", tables[b"loca"])
    src = fontsubset._tables(small_font)
    src_loca = [2 * v for v in _short_loca(src)]
    for old, new in mapping.items():  # each glyph's bytes padded to 4 with zeros, no more
        size = src_loca[old + 1] - src_loca[old]
        padded = size + (-size % 4)
        assert loca[new + 1] - loca[new] == padded
        assert tables[b"glyf"][loca[new] + size:loca[new + 1]] == b"\0" * (padded - size)
    again, again_map = fontsubset.subset_truetype(sub_bytes, [mapping[g] for g in gids])  # its own output
    assert again_map == {v: v for v in again_map}
    assert TTFont(io.BytesIO(again))["maxp"].numGlyphs == n


def test_glyph_offsets_and_tables_are_four_byte_aligned_and_zero_padded(small_font):
    sub_bytes, _ = fontsubset.subset_truetype(small_font, [3, 6, 9])
    count = struct.unpack_from(">H", sub_bytes, 4)[0]
    search_range, entry_selector, range_shift = struct.unpack_from(">HHH", sub_bytes, 6)
    assert (search_range, entry_selector, range_shift) == (16 * 8, 3, 16 * count - 128)  # 8 <= count < 16
    entries = sorted(struct.unpack_from(">4sLLL", sub_bytes, 12 + 16 * i) for i in range(count))
    end = 12 + 16 * count
    for tag, _sum, offset, length in sorted(entries, key=lambda e: e[2]):
        assert offset == end, tag  # each table right after the last one, 4-aligned
        assert offset % 4 == 0
        padding = sub_bytes[offset + length:offset + length + (-length % 4)]
        assert padding == b"\0" * (-length % 4), tag
        end = offset + length + (-length % 4)
    assert end == len(sub_bytes)
    sub = TTFont(io.BytesIO(sub_bytes))
    loca = list(sub["loca"])
    assert all(v % 4 == 0 for v in loca)
    tables = {t: (o, n) for t, _s, o, n in entries}
    assert tables[b"post"][1] == 32


def test_names_keep_each_platforms_records():
    sub = TTFont(io.BytesIO(fontsubset.subset_truetype(DEJAVU.read_bytes(), [36])[0]))
    assert sub["name"].getName(6, 3, 1, 0x409).toUnicode() == "DejaVuSans"  # Windows, after the Mac records
    assert sub["name"].getName(1, 1, 0, 0).toUnicode() == "DejaVu Sans"  # Mac
    original = TTFont(str(DEJAVU))
    kept = {(r.platformID, r.platEncID, r.langID, r.nameID) for r in original["name"].names if r.nameID <= 6}
    assert {(r.platformID, r.platEncID, r.langID, r.nameID) for r in sub["name"].names} == kept


def test_an_apple_true_font_is_read():
    data = b"true" + DEJAVU.read_bytes()[4:]
    sub_bytes, mapping = fontsubset.subset_truetype(data, [36])
    assert mapping == {0: 0, 36: 1}
    assert TTFont(io.BytesIO(sub_bytes))["maxp"].numGlyphs == 2


def _damaged(data: bytes, change) -> bytes:
    tables = fontsubset._tables(data)
    change(tables)
    return fontsubset._font(tables)


def _short_loca(tables) -> list[int]:
    n = struct.unpack_from(">H", tables[b"maxp"], 4)[0]
    return list(struct.unpack_from(f">{n + 1}H", tables[b"loca"]))


def _set_short_loca(tables, values) -> None:
    tables[b"loca"] = struct.pack(f">{len(values)}H", *values)


def _with_component_index(tables, glyph: int, index: int) -> None:
    loca = _short_loca(tables)
    glyf = bytearray(tables[b"glyf"])
    struct.pack_into(">H", glyf, 2 * loca[glyph] + 12, index)  # the first component's glyph index
    tables[b"glyf"] = bytes(glyf)


def _with_glyph(tables, glyph: int, data: bytes) -> None:
    """Glyph ``glyph`` of a short-loca font replaced by ``data`` (even length), the glyphs after it moved."""
    loca = _short_loca(tables)
    glyf = tables[b"glyf"]
    start, end = 2 * loca[glyph], 2 * loca[glyph + 1]
    tables[b"glyf"] = glyf[:start] + data + glyf[end:]
    shift = (len(data) - (end - start)) // 2
    _set_short_loca(tables, loca[:glyph + 1] + [v + shift for v in loca[glyph + 1:]])


def _glyph(tables, glyph: int) -> bytes:
    loca = _short_loca(tables)
    return tables[b"glyf"][2 * loca[glyph]:2 * loca[glyph + 1]]


@pytest.mark.parametrize(("change", "glyphs", "reason"), [
    (lambda t: t.update({b"hmtx": t[b"hmtx"][:-2]}), [1], "hmtx table does not match the glyph count"),
    (lambda t: t.update({b"hhea": t[b"hhea"][:34] + b"\0\0"}), [1], "hmtx table does not match the glyph count"),
    (lambda t: t.update({b"hhea": t[b"hhea"][:34] + struct.pack(">H", 12)}), [1],
     "hmtx table does not match the glyph count"),  # more advances than glyphs
    (lambda t: t.update({b"loca": t[b"loca"][:-2]}), [1], "loca table does not match the glyph count"),
    (lambda t: t.update({b"head": t[b"head"][:50]}), [1], "head, hhea or maxp table cut short"),
    (lambda t: t.update({b"hhea": t[b"hhea"][:35]}), [1], "head, hhea or maxp table cut short"),
    (lambda t: t.update({b"maxp": t[b"maxp"][:5]}), [1], "head, hhea or maxp table cut short"),
    (lambda t: t.update({b"glyf": t[b"glyf"][:-8]}), [10], "glyph 10 lies outside the glyf table"),
    (lambda t: _with_component_index(t, 7, 11), [7], "a composite glyph uses glyph 11, past the font's last glyph"),
    (lambda t: _with_glyph(t, 6, _glyph(t, 6)[:16]), [6], "composite glyph cut short"),  # second component gone
    (lambda t: _with_glyph(t, 6, _glyph(t, 6)[:22]), [6], "composite glyph cut short"),  # its offsets cut
    (lambda t: _with_glyph(t, 6, _glyph(t, 6)[:10]), [6], "composite glyph cut short"),  # the header alone
    (lambda t: t.update({b"name": t[b"name"][:struct.unpack_from(">H", t[b"name"], 4)[0] + 1]}), [1],
     "name table cut short"),  # the records, and one byte of their text
])
def test_damaged_tables_are_named(small_font, change, glyphs, reason):
    with pytest.raises(fontsubset.UnsupportedFont, match="^" + re.escape(reason) + "$"):
        fontsubset.subset_truetype(_damaged(small_font, change), glyphs)


def test_a_glyph_with_no_contours_is_copied_as_it_is(small_font):
    data = _damaged(small_font, lambda t: _with_glyph(t, 1, b"\0\0" + _glyph(t, 1)[2:]))  # 'A', 0 contours
    sub_bytes, mapping = fontsubset.subset_truetype(data, [1])
    assert mapping == {0: 0, 1: 1}
    tables = fontsubset._tables(sub_bytes)
    loca = struct.unpack_from(">3L", tables[b"loca"])
    copied = _glyph(fontsubset._tables(data), 1)
    assert copied[:2] == b"\0\0" and len(copied) > 10
    assert tables[b"glyf"][loca[1]:loca[1] + len(copied)] == copied


def test_a_name_table_in_another_format_is_copied_whole(small_font):
    data = _damaged(small_font, lambda t: t.update({b"name": b"\0\1" + t[b"name"][2:]}))
    assert fontsubset._tables(fontsubset.subset_truetype(data, [1])[0])[b"name"] == fontsubset._tables(data)[b"name"]


def test_name_records_past_six_are_dropped_and_the_table_stays_format_0(small_font):
    assert {r.nameID for r in TTFont(io.BytesIO(small_font))["name"].names} >= {1, 2, 7}
    name = fontsubset._tables(fontsubset.subset_truetype(small_font, [1])[0])[b"name"]
    assert name[:2] == b"\0\0"
    sub = TTFont(io.BytesIO(fontsubset.subset_truetype(small_font, [1])[0]))
    assert {r.nameID for r in sub["name"].names} == {1, 2}


def test_a_name_table_cut_in_its_records_is_copied_whole(small_font):
    def cut(t):
        count = struct.unpack_from(">H", t[b"name"], 2)[0]
        t[b"name"] = t[b"name"][:6 + 12 * count - 1]

    data = _damaged(small_font, cut)
    assert fontsubset._tables(fontsubset.subset_truetype(data, [1])[0])[b"name"] == fontsubset._tables(data)[b"name"]


def test_a_six_byte_maxp_is_enough(small_font):
    data = _damaged(small_font, lambda t: t.update({b"maxp": t[b"maxp"][:6]}))
    _, mapping = fontsubset.subset_truetype(data, [1, 2])
    assert mapping == {0: 0, 1: 1, 2: 2}


def test_a_post_table_of_its_header_alone_is_kept(small_font):
    data = _damaged(small_font, lambda t: t.update({b"post": b"\0\3\0\0" + t[b"post"][4:32]}))
    post = fontsubset._tables(fontsubset.subset_truetype(data, [1])[0])[b"post"]
    assert post == fontsubset._tables(data)[b"post"]


def test_one_advance_for_every_glyph_is_read(small_font):
    data = _damaged(small_font, lambda t: t.update({b"hhea": t[b"hhea"][:34] + struct.pack(">H", 1)}))
    sub = TTFont(io.BytesIO(fontsubset.subset_truetype(data, [1, 2, 8])[0]))
    assert {sub["hmtx"][g][0] for g in sub.getGlyphOrder()} == {ADVANCES[".notdef"]}


def test_too_short_headers_are_named():
    with pytest.raises(fontsubset.UnsupportedFont, match="^no head, hhea, maxp, hmtx, loca, glyf table$"):
        fontsubset.subset_truetype(b"\0\1\0\0" + b"\0" * 8, [0])  # twelve bytes: no table at all
    data = DEJAVU.read_bytes()
    count = struct.unpack_from(">H", data, 4)[0]
    with pytest.raises(fontsubset.UnsupportedFont, match="^table b'.*' runs past the end of the file$"):
        fontsubset.subset_truetype(data[:12 + 16 * count], [36])  # the directory, no tables
    with pytest.raises(fontsubset.UnsupportedFont, match="^table directory cut short$"):
        fontsubset.subset_truetype(data[:12 + 16 * count - 1], [36])
    with pytest.raises(fontsubset.UnsupportedFont, match="^too short for a font$"):
        fontsubset.subset_truetype(data[:11], [36])


def test_dejavu_long_offsets_to_the_last_glyph():
    data = DEJAVU.read_bytes()
    original = TTFont(io.BytesIO(data))
    assert original["head"].indexToLocFormat == 1
    last = original["maxp"].numGlyphs - 1
    sub_bytes, mapping = fontsubset.subset_truetype(data, [last])
    assert _outline(TTFont(io.BytesIO(sub_bytes)), mapping[last]) == _outline(original, last)
    cut = _damaged(data, lambda t: t.update({b"loca": t[b"loca"][:-2]}))
    with pytest.raises(fontsubset.UnsupportedFont, match="^loca table does not match the glyph count$"):
        fontsubset.subset_truetype(cut, [36])


def test_composites_nested_too_deep_are_refused():
    depth = 17
    order = [".notdef", "A", "B"] + [f"n{i}" for i in range(depth)]
    glyphs = {".notdef": _rect(0, 0, 10, 10), "A": _rect(0, 0, 300, 600), "B": _rect(0, 0, 20, 20)}
    for i in range(depth):  # n0 is built from A, n1 from n0...
        below = "A" if i == 0 else f"n{i - 1}"
        glyphs[f"n{i}"] = _composite([(below, I)], names=order)
    data = _build(order, glyphs, dict.fromkeys(order, 500))
    sub_bytes, mapping = fontsubset.subset_truetype(data, [order.index("n14")])  # 16 levels: taken
    assert len(mapping) == 17  # .notdef, A and n0..n14
    with pytest.raises(fontsubset.UnsupportedFont, match="^composite glyphs nested too deep$"):
        fontsubset.subset_truetype(data, [order.index("n16")])


def test_the_last_glyph_ends_the_glyf_table(small_font):
    sub_bytes, mapping = fontsubset.subset_truetype(small_font, [10])
    original = TTFont(io.BytesIO(small_font))
    assert _outline(TTFont(io.BytesIO(sub_bytes)), mapping[10]) == _outline(original, 10)


def test_a_file_cut_in_its_last_table_is_refused():
    data = DEJAVU.read_bytes()
    count = struct.unpack_from(">H", data, 4)[0]
    last = max((struct.unpack_from(">4sLLL", data, 12 + 16 * i) for i in range(count)), key=lambda e: e[2])
    cut = data[:last[2] + last[3] - 1]  # the last table one byte short: its offset is inside the file
    with pytest.raises(fontsubset.UnsupportedFont, match="runs past the end"):
        fontsubset.subset_truetype(cut, [36])
