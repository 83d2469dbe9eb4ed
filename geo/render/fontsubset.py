"""TrueType glyph subsets for the print pages' PDF: the glyphs a page draws, renumbered, nothing else.

matplotlib embeds every font of a PDF as a subset made by fontTools' subsetter. For a one-page annex that is
about a tenth of the whole process: importing ``fontTools.subset`` (which pulls in the variable-font and layout
machinery) and decompiling DejaVu Sans' 6,000 glyphs twice (regular and bold) cost about 0.3 s of CPU, where the
page itself uses some 80 glyphs. A TrueType font whose outlines are in ``glyf`` needs none of that: its glyphs
are byte ranges listed in ``loca``, and a subset is those byte ranges copied, with the component references of
composite glyphs (most Vietnamese letters with their diacritics) renumbered.

:func:`subset_truetype` does that on the font's bytes with :mod:`struct`, in a few milliseconds. The subset keeps
what a PDF reader uses to draw a ``CIDFontType2`` font (ISO 32000-1, 9.9): ``head``, ``hhea``, ``maxp``,
``hmtx``, ``loca``, ``glyf``, the hinting tables (``cvt``, ``fpgm``, ``prep``, ``gasp``), ``OS/2``, ``name``
(the font's copyright, names and version, as fontTools keeps them) and ``post`` reduced to its header (format 3, no glyph names). It has no
``cmap``: the PDF maps its character codes to these glyphs itself (``CIDToGIDMap``), and ISO 32000-1 (9.9)
says a TrueType program used by a CIDFont "shall not" carry one; the PDF's ``ToUnicode`` map gives the text
back for search and copy. The layout tables (``GSUB``, ``GPOS``, ``kern``...) are dropped too:
the PDF places every glyph itself.

A font this does not handle (a PostScript-outline ``OTTO`` font, a collection, a damaged file) raises
:class:`UnsupportedFont`, and the caller falls back to fontTools.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

__all__ = ["UnsupportedFont", "subset_truetype"]

# Tables copied unchanged: none of them is indexed by glyph.
_COPIED = (b"OS/2", b"cvt ", b"fpgm", b"gasp", b"name", b"prep")  # name: records 0-6 only (_names)
_REQUIRED = (b"head", b"hhea", b"maxp", b"hmtx", b"loca", b"glyf")

# Composite glyph component flags (OpenType 'glyf' table).
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080
_MAX_COMPOSITE_DEPTH = 16  # the deepest real fonts use is 2 or 3; a loop in a damaged font stops here


class UnsupportedFont(ValueError):
    """The font is not a single TrueType-outline font this module can subset (the caller uses fontTools)."""


def _tables(data: bytes) -> dict[bytes, bytes]:
    """The font's tables by tag."""
    if len(data) < 12:
        raise UnsupportedFont("too short for a font")
    version, count = struct.unpack_from(">4sH", data, 0)
    if version not in (b"\x00\x01\x00\x00", b"true"):
        raise UnsupportedFont(f"not a TrueType-outline font ({version!r})")
    if len(data) < 12 + 16 * count:
        raise UnsupportedFont("table directory cut short")
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        if offset + length > len(data):
            raise UnsupportedFont(f"table {tag!r} runs past the end of the file")
        tables[tag] = data[offset:offset + length]
    missing = [t.decode("latin-1") for t in _REQUIRED if t not in tables]
    if missing:
        raise UnsupportedFont(f"no {', '.join(missing)} table")
    return tables


def _components(glyph: bytes) -> list[tuple[int, int]]:
    """(byte offset of the glyph index, glyph index) of each component of a composite glyph; [] for a simple one."""
    if len(glyph) < 10 or struct.unpack_from(">h", glyph, 0)[0] >= 0:
        return []
    out, at = [], 10
    while True:
        if at + 4 > len(glyph):
            raise UnsupportedFont("composite glyph cut short")
        flags, index = struct.unpack_from(">HH", glyph, at)
        size = 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)  # flags, glyph index, the two arguments
        if flags & _WE_HAVE_A_SCALE:
            size += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            size += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            size += 8
        if at + size > len(glyph):
            raise UnsupportedFont("composite glyph cut short")
        out.append((at + 2, index))
        at += size
        if not flags & _MORE_COMPONENTS:
            return out


def _names(name: bytes) -> bytes:
    """The ``name`` table with only its records 0-6 (copyright, family, style, identifier, full name, version,
    PostScript name), as fontTools' subsetter keeps by default: DejaVu Sans' licence text alone is 15 kB a font.
    A table in a format other than 0 is copied whole."""
    if len(name) < 6:
        return name
    fmt, count, start = struct.unpack_from(">HHH", name, 0)
    if fmt != 0 or len(name) < 6 + 12 * count:
        return name
    records, strings, placed = [], bytearray(), {}
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack_from(">6H", name, 6 + 12 * i)
        if name_id > 6:
            continue
        text = name[start + offset:start + offset + length]
        if len(text) != length:
            raise UnsupportedFont("name table cut short")
        if text not in placed:
            placed[text] = len(strings)
            strings += text
        records.append(struct.pack(">6H", platform, encoding, language, name_id, length, placed[text]))
    return struct.pack(">HHH", 0, len(records), 6 + 12 * len(records)) + b"".join(records) + bytes(strings)


def _checksum(table: bytes) -> int:
    padded = table + b"\0" * (-len(table) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}L", padded)) & 0xFFFFFFFF


def _font(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt file of ``tables`` (tags ascending, each 4-byte aligned, checksums and ``head``'s adjustment set)."""
    tags = sorted(tables)
    count = len(tags)
    entry_selector = max(count.bit_length() - 1, 0)
    search_range = 16 * (1 << entry_selector)
    header = struct.pack(">4sHHHH", b"\x00\x01\x00\x00", count, search_range, entry_selector,
                         16 * count - search_range)
    directory, body = [], []
    offset = 12 + 16 * count
    for tag in tags:
        table = tables[tag]
        directory.append(struct.pack(">4sLLL", tag, _checksum(table), offset, len(table)))
        body.append(table + b"\0" * (-len(table) % 4))
        offset += len(body[-1])
    font = bytearray(header + b"".join(directory) + b"".join(body))
    head_at = 12 + 16 * count + sum(len(b) for t, b in zip(tags, body) if t < b"head")
    struct.pack_into(">L", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def subset_truetype(data: bytes, glyphs: Iterable[int]) -> tuple[bytes, dict[int, int]]:
    """The subset of a TrueType font holding ``glyphs`` (and the glyphs their composites are built from).

    Parameters
    ----------
    data : bytes
        A TrueType-outline font file (``.ttf``): a collection or a PostScript-outline font is not handled.
    glyphs : iterable of int
        Glyph indices of the original font. ``.notdef`` (glyph 0) is always kept, as the new glyph 0.

    Returns
    -------
    (bytes, dict)
        The subset font file, and the new index of each requested glyph (``{old: new}``); the glyphs keep their
        original order.

    Raises
    ------
    UnsupportedFont
        The font is not one this function can subset, or a glyph index is past the font's last glyph.
    """
    tables = _tables(data)
    head, hhea, maxp, hmtx, loca_data, glyf = (tables[t] for t in _REQUIRED)
    if len(head) < 54 or len(hhea) < 36 or len(maxp) < 6:
        raise UnsupportedFont("head, hhea or maxp table cut short")
    n_glyphs = struct.unpack_from(">H", maxp, 4)[0]
    n_metrics = struct.unpack_from(">H", hhea, 34)[0]
    long_loca = struct.unpack_from(">h", head, 50)[0] == 1
    if not 0 < n_metrics <= n_glyphs or len(hmtx) < 4 * n_metrics + 2 * (n_glyphs - n_metrics):
        raise UnsupportedFont("hmtx table does not match the glyph count")
    if len(loca_data) < (4 if long_loca else 2) * (n_glyphs + 1):
        raise UnsupportedFont("loca table does not match the glyph count")
    loca = (struct.unpack_from(f">{n_glyphs + 1}L", loca_data) if long_loca
            else [2 * v for v in struct.unpack_from(f">{n_glyphs + 1}H", loca_data)])

    def glyph(index: int) -> bytes:
        start, end = loca[index], loca[index + 1]
        if not start <= end <= len(glyf):
            raise UnsupportedFont(f"glyph {index} lies outside the glyf table")
        return glyf[start:end]

    wanted = {0, *(int(g) for g in glyphs)}
    if max(wanted) >= n_glyphs:
        raise UnsupportedFont(f"glyph {max(wanted)} is past the font's {n_glyphs} glyphs")
    todo = sorted(wanted)
    for _depth in range(_MAX_COMPOSITE_DEPTH):  # composites' components, and theirs
        found = {index for g in todo for _at, index in _components(glyph(g))} - wanted
        if not found:
            break
        if max(found) >= n_glyphs:
            raise UnsupportedFont(f"a composite glyph uses glyph {max(found)}, past the font's last glyph")
        wanted |= found
        todo = sorted(found)
    else:
        raise UnsupportedFont("composite glyphs nested too deep")

    order = sorted(wanted)
    new_index = {old: new for new, old in enumerate(order)}
    outlines, offsets, metrics = [], [0], []
    last_advance = struct.unpack_from(">H", hmtx, 4 * (n_metrics - 1))[0]
    for old in order:
        outline = glyph(old)
        parts = _components(outline)
        if parts:
            outline = bytearray(outline)
            for at, index in parts:
                struct.pack_into(">H", outline, at, new_index[index])
            outline = bytes(outline)
        outline += b"\0" * (-len(outline) % 4)
        outlines.append(outline)
        offsets.append(offsets[-1] + len(outline))
        if old < n_metrics:
            metrics.append(hmtx[4 * old:4 * old + 4])
        else:
            lsb = hmtx[4 * n_metrics + 2 * (old - n_metrics):4 * n_metrics + 2 * (old - n_metrics) + 2]
            metrics.append(struct.pack(">H", last_advance) + lsb)

    out = {tag: tables[tag] for tag in _COPIED if tag in tables}
    if b"name" in out:
        out[b"name"] = _names(out[b"name"])
    head = bytearray(head)
    struct.pack_into(">L", head, 8, 0)  # checkSumAdjustment, set when the file is assembled
    struct.pack_into(">h", head, 50, 1)  # long loca offsets
    hhea, maxp = bytearray(hhea), bytearray(maxp)
    struct.pack_into(">H", hhea, 34, len(order))  # every glyph has its own advance
    struct.pack_into(">H", maxp, 4, len(order))
    out.update({b"head": bytes(head), b"hhea": bytes(hhea), b"maxp": bytes(maxp), b"hmtx": b"".join(metrics),
                b"loca": struct.pack(f">{len(offsets)}L", *offsets), b"glyf": b"".join(outlines)})
    if len(tables.get(b"post", b"")) >= 32:  # the header only: format 3, no glyph names
        out[b"post"] = b"\x00\x03\x00\x00" + tables[b"post"][4:32]
    return _font(out), {old: new_index[old] for old in wanted}
