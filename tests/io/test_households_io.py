"""geo.io.households: headers, roles, marks, encodings, hostile and unreadable files. Generated data only."""

from __future__ import annotations

import io
import os

import duckdb
import pytest

from geo import settings
from geo._errors import GeoError
from geo.io import households as hio
from geo.io.households_fake import fake_households, write_lists


@pytest.fixture()
def key_env(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_HOUSEHOLD_KEY", str(tmp_path / "key"))
    return tmp_path / "key"


@pytest.mark.parametrize("header, role", [
    ("Chỉ số thiếu hụt dịch vụ xã hội cơ bản | Nước sinh hoạt và vệ sinh | Nguồn nước sinh hoạt", "dep_water"),
    ("Chi so thieu hut | Nuoc sinh hoat va ve sinh | Nha tieu hop ve sinh", "dep_sanitation"),
    ("Thiếu hụt | Việc làm", "dep_employment"),
    ("Người phụ thuộc trong hộ gia đình", "dep_dependants"),
    ("BHYT", "dep_health_insurance"),
    ("Họ và tên chủ hộ", "head_name"),
    ("Ho ten chu ho", "head_name"),
    ("Số CCCD/CMND", "id_number"),
    ("SĐT", "phone"),
    ("Năm sinh chủ hộ", "birth_date"),
    ("Thôn/bản", "village"),
    ("Tổ dân phố", "village"),
    ("Xã", "commune"),
    ("Huyện", "district"),
    ("Phân loại hộ", "classification"),
    ("Phan loai ho (ngheo/can ngheo)", "classification"),
    ("Số nhân khẩu", "members"),
    ("Dân tộc", "ethnicity"),
    ("Thu nhập bình quân (đồng/người/tháng)", "income"),
    ("Tổng số chỉ số thiếu hụt", "deprivation_count"),
    ("STT", "ignore"),
    ("Ghi chú", "ignore"),
])
def test_guess_role(header, role):
    assert hio.guess_role(header) == role


@pytest.mark.parametrize("text, expected", [
    ("Hộ nghèo", ("poor", False)), ("HN", ("poor", False)), ("ho ngheo moi phat sinh", ("poor", True)),
    ("Hộ cận nghèo", ("near_poor", False)), ("Cận nghèo mới phát sinh", ("near_poor", True)),
    ("Thoát nghèo", ("escaped", False)), ("", (None, False)), ("Khá", (None, False)),
])
def test_classify_value(text, expected):
    assert hio.classify_value(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("x", True), ("X", True), ("1", True), ("có", True), ("Có", True), ("✓", True), ("", False), ("0", False),
    ("không", False), ("?", None),
])
def test_mark_value(text, expected):
    assert hio.mark_value(text) is expected


def test_sql_hash_equals_python_hash():
    key = b"k" * 32
    con = duckdb.connect()
    got = con.execute(f"SELECT {hio._hash_sql('$t', '$prefix')}",
                      {"prefix": hio._hash_prefix(key), "t": "999000000123"}).fetchall()[0][0]
    assert got == hio.key_hash(key, "999000000123")
    assert got == int(__import__("hashlib").sha256(("6b" * 32 + "|999000000123").encode()).hexdigest()[:15], 16)
    assert hio.key_hash(b"j" * 32, "999000000123") != got  # keyed: another secret, another number


def test_installation_key_created_private_and_stable(tmp_path):
    path = tmp_path / "sub" / "household.key"
    first = hio.installation_key(path)
    assert len(first) == 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert hio.installation_key(path) == first


def test_xlsx_per_commune_layout(tmp_path):
    frame = fake_households(n=60, seed=3, communes=2)
    files = write_lists(frame, tmp_path, form="xlsx_per_commune")
    layouts = hio.inspect_source(hio.Source(files[0], files[0].name))
    layout = layouts[0]
    assert layout.header_rows == [3, 4, 5]
    assert layout.body_start == 7  # after the row of column numbers (1) (2) ...
    assert layout.roles[:10] == ["ignore", "head_name", "id_number", "phone", "village", "classification", "members",
                                 "ethnicity", "income", "dep_employment"]
    assert layout.roles[-1] == "dep_information"
    assert layout.title_commune.upper() == frame["commune_name"].iloc[0].upper()
    # the preview never shows a personal value
    assert all(row[1] == "•••" and row[2] == "•••" for row in layout.samples)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258", "tcvn3", "utf-16"])
@pytest.mark.parametrize("diacritics", [True, False])
def test_csv_encodings_and_headers(tmp_path, encoding, diacritics):
    frame = fake_households(n=40, seed=4, communes=3)
    (path,) = write_lists(frame, tmp_path, form="csv", encoding=encoding, diacritics=diacritics)
    layout = hio.inspect_source(hio.Source(path, path.name))[0]
    assert set(hio.DEPRIVATION_ROLES) <= set(layout.roles)
    assert {"commune", "district", "village", "classification", "head_name", "id_number", "phone"} <= set(layout.roles)
    con = duckdb.connect()
    hio.load_households(con, [layout], key=b"x" * 32)
    rows = con.execute("SELECT commune_raw, village, cls FROM households WHERE set_aside IS NULL ORDER BY row").fetchall()
    assert len(rows) == 40
    assert [r[2] for r in rows] == frame["cls"].tolist()
    assert rows[0][0] == frame["commune_name"].iloc[0]  # legacy bytes repaired to Unicode
    assert rows[0][1] == frame["village"].iloc[0]


def test_encrypted_workbook_is_named(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Phân loại hộ"
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    path = tmp_path / "xa_mat_khau.xlsx"
    with open(path, "wb") as out:
        OOXMLFile(plain).encrypt("matkhau", out)
    with pytest.raises(GeoError) as err:
        hio.inspect_source(hio.Source(path, "ds.zip/xa_mat_khau.xlsx"))
    assert err.value.code == "household_encrypted"
    assert "ds.zip/xa_mat_khau.xlsx" in err.value.message("vi")
    assert "mật khẩu" in err.value.message("vi")


def test_100_mb_workbook_refused_with_sizes(tmp_path):
    path = tmp_path / "huyen.xlsx"
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    with pytest.raises(GeoError) as err:
        hio.inspect_source(hio.Source(path, "huyen.xlsx"))
    assert err.value.code == "household_xlsx_too_large"
    assert err.value.params["size_mb"] == 100.0
    assert err.value.params["limit_mb"] == settings.HOUSEHOLD_XLSX_MAX_MB
    assert "CSV" in err.value.message("vi")


def test_unrecognisable_header_names_the_file(tmp_path):
    path = tmp_path / "bang_khac.csv"
    path.write_text("Mã hàng,Tên hàng,Đơn giá\nA1,Gạo,12000\n", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        hio.inspect_source(hio.Source(path, "bang_khac.csv"))
    assert err.value.code == "household_no_header"
    assert "bang_khac.csv" in err.value.message("vi")


def test_old_xls_named(tmp_path):
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    with pytest.raises(GeoError) as err:
        hio.inspect_source(hio.Source(path, "cu.xls"))
    assert err.value.code == "household_old_excel"


def test_mapping_fixes_an_unrecognised_column(tmp_path):
    path = tmp_path / "xa.csv"
    text = ("Xã,Thôn,Phân loại hộ,Cột A,Nguồn nước sinh hoạt\n"
            "Xã Hoàng Đồng,Thôn Nà Lầu,Hộ nghèo,x,x\n")
    path.write_text(text, encoding="utf-8")
    layout = hio.inspect_source(hio.Source(path, "xa.csv"))[0]
    assert layout.roles[3] == "ignore"
    mapping = hio.ColumnMapping(columns={"cot a": "dep_sanitation"})
    layout = hio.inspect_source(hio.Source(path, "xa.csv"), mapping=mapping)[0]
    assert layout.roles[3] == "dep_sanitation"
    with pytest.raises(GeoError) as err:
        hio.ColumnMapping.from_dict({"columns": {"Cột A": "nonsense"}})
    assert err.value.code == "household_bad_role"


def test_zip_folder_sources(tmp_path):
    from geo.io.households_fake import zip_folder

    frame = fake_households(n=30, seed=5, communes=3)
    write_lists(frame, tmp_path / "lists", form="xlsx_per_commune")
    archive = zip_folder(tmp_path / "lists", tmp_path / "ds.zip")
    work = tmp_path / "work"
    work.mkdir()
    sources = hio.open_sources([archive], workdir=work)
    assert len(sources) == 3
    assert [s.display for s in sources][0].startswith("ds.zip/Thanh_pho_Lang_Son/")
    assert {s.folder for s in sources} == {"Thanh_pho_Lang_Son"}  # the district, as a hint for the join


def test_bad_file_among_files_of_one_layout_is_named(tmp_path):
    """Files of one layout are read together; a broken one (invalid UTF-8 past the sample) is named alone."""
    from geo.workflows import households as wf

    frame = fake_households(n=2500, seed=5, communes=4)
    (good,) = write_lists(frame, tmp_path / "a", form="csv")
    bad = tmp_path / "xa_hong.csv"
    bad.write_bytes(good.read_bytes() + b"2501,\xff\xfe,Thon X,Ho ngheo,3,Tay,100\r\n")
    with pytest.raises(GeoError) as err:
        wf.import_lists([good, bad], key=b"x" * 32)
    assert err.value.code == "household_unreadable"
    assert err.value.params["path"] == "xa_hong.csv"
    assert err.value.params["reason"] == f"Invalid Input Error: CSV Error on Line: {2500 + 5}"


def test_rows_numbered_as_in_the_files_when_read_together(tmp_path):
    """Several files of one layout in one read: every row keeps its own file's line number (STT = line - 4)."""
    frame = fake_households(n=3000, seed=6, communes=30)
    files = write_lists(frame, tmp_path, form="csv_per_district")
    assert len(files) > 1
    layouts = [hio.inspect_source(hio.Source(p, p.name))[0] for p in files]
    con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
    hio.load_households(con, layouts, key=b"x" * 32)
    counts = con.execute("SELECT file, count(*), min(row), max(row) FROM households GROUP BY file ORDER BY file").fetchall()
    sizes = frame.groupby("district_code").size().sort_index().tolist()
    assert [(c, lo, hi) for _, c, lo, hi in counts] == [(n, 5, n + 4) for n in sizes]
    assert con.execute("SELECT count(DISTINCT (file, row)) FROM households").fetchall()[0][0] == len(frame)
    for path, (_, part) in zip(files, frame.groupby("district_code", sort=True)):  # and in the file's order
        got = con.execute("SELECT cls, members FROM households WHERE file = ? ORDER BY row", [path.name]).fetchall()
        assert got == [(c, float(m)) for c, m in zip(part["cls"], part["members"])]
