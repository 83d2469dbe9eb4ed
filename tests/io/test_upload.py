"""The one safe reader (geo.io.upload): budgets checked before the work, encodings, errors naming the file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from geo import settings
from geo._errors import GeoError
from geo.io.upload import cell_text, check_workbook, decode_text, load_bytes, read_records, read_text

sys.path.insert(0, str(Path(__file__).parent))
import _hostile as h  # noqa: E402


def _code(fn, *args, **kwargs) -> GeoError:
    with pytest.raises(GeoError) as info:
        fn(*args, **kwargs)
    return info.value


def test_records_from_xlsx_keep_text_codes_and_file_rows():
    data = h.xlsx_bytes(h.rows_xml([["Danh sách xã biên giới"], [], h.DESIGNATION_HEADER,
                                    ["05977", "Xã Tân Thành", "Bắc Sơn"], [5971, "Xã Chiến Thắng", 2.5]]))
    rec = read_records(data, name="bien_gioi.xlsx")
    # the first filled row is the header: the title line
    assert rec.header_row == 1
    assert rec.frame["source_row"].tolist() == [3, 4, 5]
    assert rec.frame.iloc[2].tolist()[:3] == ["5971", "Xã Chiến Thắng", "2.5"]


def test_records_from_cp1258_csv():
    data = h.csv_bytes([h.DESIGNATION_HEADER, ["05977", "Xã Tân Thành", "Bắc Sơn"]], encoding="cp1258")
    rec = read_records(data, name="ds.csv")
    assert list(rec.frame.columns) == ["Mã xã", "Tên xã", "Huyện", "source_row"]
    assert rec.frame.iloc[0].tolist() == ["05977", "Xã Tân Thành", "Bắc Sơn", 2]


def test_merged_range_over_the_whole_sheet_is_refused_before_opening():
    exc = _code(read_records, h.merged_whole_sheet(), name="ds.xlsx")
    assert exc.code == "table_merged_too_large"
    assert exc.params["cells"] == 16384 * 1048576
    assert exc.params["path"] == "ds.xlsx"


def test_far_away_cell_is_refused():
    exc = _code(read_records, h.far_away_cell(), name="ds.xlsx")
    assert exc.code == "table_too_large"
    assert exc.params["max_rows"] == settings.MAX_TABLE_ROWS


def test_too_many_rows_is_refused_from_the_xml():
    exc = _code(check_workbook, h.many_rows(settings.MAX_TABLE_ROWS + 1), path="ds.xlsx")
    assert exc.code == "table_too_large"


def test_rows_at_the_limit_are_read():
    scans = check_workbook(h.many_rows(1000), path="ds.xlsx")
    scan = scans["xl/worksheets/sheet1.xml"]
    assert (scan.rows, scan.columns, scan.cells) == (1000, 3, 1002)


def test_big_shared_string_is_refused():
    exc = _code(read_records, h.big_shared_string(settings.MAX_SHARED_STRINGS_MB + 1), name="ds.xlsx")
    assert exc.code == "table_shared_strings_too_large"
    assert exc.params["member"] == "xl/sharedStrings.xml"


def test_csv_field_over_the_limit_names_the_row():
    exc = _code(read_records, h.long_field_csv(settings.MAX_CSV_FIELD_CHARS + 10), name="ds.csv")
    assert exc.code == "table_field_too_long"
    assert exc.params["row"] == 2


def test_size_cap_before_reading(tmp_path):
    path = h.write(tmp_path / "big.csv", b"a,b\n" * 10)
    exc = _code(load_bytes, path, max_bytes=20)
    assert exc.code == "file_too_large"
    assert exc.params["limit_mb"] == round(20 / 2**20, 2)


def test_rules_text_size_and_encoding(tmp_path):
    path = h.write(tmp_path / "rules.yaml", h.cp1258("tiers: []\nname: 'Xã'\n"))
    assert read_text(path)[1] == "tiers: []\nname: 'Xã'\n"
    big = h.write(tmp_path / "big.yaml", b"#" * (settings.RULES_MAX_BYTES + 1))
    assert _code(read_text, big).code == "file_too_large"


def test_decode_refuses_binary():
    assert _code(decode_text, b"\xff\xfe\x00\xd8\x00\x00", path="x.csv").code == "table_encoding"


def test_legacy_xls_and_unknown_suffix_are_refused():
    assert _code(read_records, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="a.xls").code == \
        "table_old_excel"
    assert _code(read_records, b"a,b\n1,2\n", name="a.pdf").code == "unsupported_format"


def test_damaged_workbook_is_unreadable():
    assert _code(read_records, b"PK\x03\x04garbage", name="a.xlsx").code == "unreadable_file"


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (5971.0, "5971"), (2.5, "2.5"), (True, "TRUE"), (float("nan"), ""), ("  Xã  ", "Xã"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text
