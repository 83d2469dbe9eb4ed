"""Generated hostile and broken files (no third-party files): shared by tests/io, bench/fuzz.py, bench/hostile.py.

Every builder returns bytes or writes a path; the workbooks are assembled member by member so that a
million rows or a 250 MB shared string cost seconds to make and little memory.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path

_CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       b'<Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/xl/workbook.xml" '
       b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       b'<Override PartName="/xl/worksheets/sheet1.xml" '
       b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       b'%SST%</Types>')
_SST_CT = (b'<Override PartName="/xl/sharedStrings.xml" '
           b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
         b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = (b'<?xml version="1.0" encoding="UTF-8"?><workbook '
       b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'worksheet" Target="worksheets/sheet1.xml"/>%SST%</Relationships>')
_WB_RELS_SST = (b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/sharedStrings" Target="sharedStrings.xml"/>')
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
               b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell(ref: str, value) -> bytes:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'.encode()
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def rows_xml(rows: Iterable[list], *, start: int = 1) -> Iterable[bytes]:
    """<row> elements of a list of rows (numbers as numbers, anything else inline text)."""
    for i, row in enumerate(rows, start=start):
        cells = b"".join(_cell(f"{_col(j)}{i}", v) for j, v in enumerate(row, start=1) if v is not None)
        yield f'<row r="{i}">'.encode() + cells + b"</row>"


def xlsx_bytes(body: Iterable[bytes] = (), *, after: bytes = b"", shared: Iterable[bytes] | None = None) -> bytes:
    """A minimal workbook: one sheet whose <sheetData> is ``body`` and, after it, ``after`` (mergeCells...)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT.replace(b"%SST%", _SST_CT if shared is not None else b""))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.replace(b"%SST%", _WB_RELS_SST if shared else b""))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET_HEAD)
            for part in body:
                fh.write(part)
            fh.write(b"</sheetData>" + after + b"</worksheet>")
        if shared is not None:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0" encoding="UTF-8"?><sst '
                         b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                for part in shared:
                    fh.write(part)
                fh.write(b"</sst>")
    return buf.getvalue()


DESIGNATION_HEADER = ["Mã xã", "Tên xã", "Huyện"]


def merged_whole_sheet() -> bytes:
    """A merged range over the whole sheet (A1:XFD1048576)."""
    return xlsx_bytes(rows_xml([DESIGNATION_HEADER, ["05977", "Xã Tân Thành", "Bắc Sơn"]]),
                      after=b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')


def far_away_cell() -> bytes:
    """A list with one value in the last cell of the sheet (XFD1048576)."""
    body = list(rows_xml([DESIGNATION_HEADER])) + [b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']
    return xlsx_bytes(body)


def big_shared_string(mb: int) -> bytes:
    """One shared string of ``mb`` MB (compresses to a few hundred kB)."""
    chunk = b"a" * (1024 * 1024)

    def strings():
        yield b"<si><t>"
        for _ in range(mb):
            yield chunk
        yield b"</t></si>"

    body = [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']
    return xlsx_bytes(body, shared=strings())


def many_rows(n: int) -> bytes:
    """A designation list of ``n`` rows (1,048,576 is Excel's last row)."""
    def body():
        yield from rows_xml([DESIGNATION_HEADER])
        for i in range(2, n + 1):
            yield f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'.encode()

    return xlsx_bytes(body())


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes as old Excel writes them: base letter (with its hat) then the tone mark."""
    import unicodedata

    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            head = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            out += head.encode("cp1258") + "".join(m for m in marks if m not in "\u0302\u0306\u031b").encode("cp1258")
    return out


def csv_bytes(rows: Iterable[list], *, encoding: str = "utf-8") -> bytes:
    text = "".join(",".join("" if v is None else str(v) for v in r) + "\n" for r in rows)
    return cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def big_csv(mb: int) -> bytes:
    """A designation list CSV of about ``mb`` MB."""
    line = b"05977,Xa Tan Thanh,Bac Son,ghi chu " + b"x" * 60 + b"\n"
    return "Mã xã,Tên xã,Huyện,Ghi chú\n".encode() + line * (mb * 1024 * 1024 // len(line))


def unmatched_names_csv(n: int) -> bytes:
    """``n`` rows of names that match no unit."""
    return csv_bytes([["Tên xã", "Huyện"]] + [[f"Zyx Qwv {i}", "Không Có"] for i in range(n)])


def long_field_csv(chars: int) -> bytes:
    return csv_bytes([["Mã xã", "Ghi chú"], ["05977", "x" * chars]])


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def zip_deep_path(depth: int) -> bytes:
    return zip_bytes([("/".join(["d"] * depth) + "/x.geojson", b"{}")])


def zip_file_and_dir() -> bytes:
    return zip_bytes([("layer", b"file"), ("layer/x.geojson", b"{}")])


def zip_many_small(members: int, size: int) -> bytes:
    """Members each just under the per-member ratio check, adding up to a bomb."""
    data = b"\0" * size  # one buffer for every member
    return zip_bytes([(f"m{i}.txt", data) for i in range(members)])


def geojson_bytes(features: list[dict], *, crs: str | None = None) -> bytes:
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


def square(x: float, y: float, d: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def feature(props: dict, geom: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def damaged_deflate_sheet() -> bytes:
    """A workbook whose sheet's compressed data starts with an invalid deflate block (fuzz: zlib.error)."""
    data = bytearray(xlsx_bytes(rows_xml([DESIGNATION_HEADER, ["05977", "Xã Tân Thành", "Bắc Sơn"]])))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    at = info.header_offset  # the local header's own name and extra lengths (the extra differs from the central one)
    start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") + int.from_bytes(data[at + 28:at + 30], "little")
    data[start:start + 3] = b"\xff\xff\xff"
    return bytes(data)
