"""Distances and sizes in messages are written the reader's way by Babel (geo.text.i18n.Num): "234,5 km" and
"57,2 MB" in Vietnamese, "234.5 km" and "57.2 MB" in English. Exact strings, both languages."""

from __future__ import annotations

import io
import pickle

import pytest

from geo import settings
from geo._errors import GeoError
from geo.cli import main as geo_main
from geo.io import households as hio
from geo.io.upload import load_bytes
from geo.text.i18n import Num, megabytes, t
from geo.workflows.layer import build_layer


def test_num_is_its_float_and_survives_pickling():
    n = Num(234.5, 1)
    assert n == 234.5 and float(n) + 1 == 235.5
    back = pickle.loads(pickle.dumps(GeoError("boundaries_misplaced_nofit", path="a", km=n, crs="EPSG:4326")))
    assert back.params["km"].decimals == 1
    assert "234,5 km" in back.message("vi")
    assert (Num(1234.56, 1).text("vi"), Num(1234.56, 1).text("en")) == ("1.234,6", "1,234.6")
    assert (Num(200, None).text("vi"), Num(0.25, None).text("vi"), Num(0.25, None).text("en")) == ("200", "0,25", "0.25")
    assert megabytes(60_000_000) == 57.2
    assert (megabytes(20_000).text("vi"), megabytes(20_000).text("en")) == ("0,019", "0.019")  # never "0,0"


def test_misplaced_layer_message_exact_in_both_languages():
    err = GeoError("boundaries_misplaced", path="huyen_vn2000.zip", km=Num(234.5, 1), crs="EPSG:3405",
                   fit="EPSG:9215", fit_km=Num(0.4, 1))
    assert err.message("vi") == (
        "Các đơn vị trong tệp 'huyen_vn2000.zip' nằm lệch trung bình 234,5 km so với vị trí của mã của chúng "
        "(hệ tọa độ đang dùng: EPSG:3405), nên tệp không được dùng. Hệ tọa độ khớp nhất là EPSG:9215 (lệch 0,4 km): "
        "chọn lại với --crs EPSG:9215.")
    assert "234.5 km" in err.message("en") and "0.4 km" in err.message("en")
    assert "234,5" not in err.message("en")


@pytest.mark.parametrize(("crs", "vi", "en"), [("EPSG:3405", "234,5 km", "234.5 km"), ("EPSG:9216", "23,9 km", "23.9 km")])
def test_real_wrong_zone_offsets_in_both_languages(vn2000_zip, crs, vi, en):
    with pytest.raises(GeoError) as info:
        build_layer(boundaries=vn2000_zip, crs=crs, province="20", level="district")
    assert info.value.code == "boundaries_misplaced"
    assert f"trung bình {vi} so với" in info.value.message("vi")
    assert f"lie {en} (median)" in info.value.message("en")
    assert info.value.params["fit"] == "EPSG:9215"


def test_cli_prints_the_vietnamese_offset(tmp_path, vn2000_zip, capsys):
    code = geo_main(["join", "--boundaries", str(vn2000_zip), "--crs", "EPSG:3405", "--indicators",
                     "langson_kh78_2021", "--out", str(tmp_path / "o.gpkg"), "--report", str(tmp_path / "r.json")])
    assert code == 2
    assert "trung bình 234,5 km" in capsys.readouterr().err
    code = geo_main(["join", "--lang", "en", "--boundaries", str(vn2000_zip), "--crs", "EPSG:3405", "--indicators",
                     "langson_kh78_2021", "--out", str(tmp_path / "o.gpkg"), "--report", str(tmp_path / "r.json")])
    assert code == 2
    assert "lie 234.5 km (median)" in capsys.readouterr().err


def test_file_too_large_exact_in_both_languages():
    with pytest.raises(GeoError) as info:
        load_bytes(b"x" * 60_000, name="bang.csv", max_bytes=20 * 1024)
    err = info.value
    assert err.message("vi") == "Tệp 'bang.csv' quá lớn (0,1 MB); giới hạn là 0,02 MB."
    assert err.message("en") == "File 'bang.csv' is too large (0.1 MB); the limit is 0.02 MB."
    big = GeoError("file_too_large", path="xa.xlsx", size_mb=megabytes(60_000_000), limit_mb=Num(50, None))
    assert big.message("vi") == "Tệp 'xa.xlsx' quá lớn (57,2 MB); giới hạn là 50 MB."
    assert big.message("en") == "File 'xa.xlsx' is too large (57.2 MB); the limit is 50 MB."
    huge = GeoError("file_too_large", path="xa.csv", size_mb=megabytes(1_300_000_000), limit_mb=Num(1024, None))
    assert huge.message("vi") == "Tệp 'xa.csv' quá lớn (1.239,8 MB); giới hạn là 1.024 MB."
    assert huge.message("en") == "File 'xa.csv' is too large (1,239.8 MB); the limit is 1,024 MB."


def test_household_workbook_size_exact(tmp_path):
    path = tmp_path / "huyen.xlsx"
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(int(57.2 * 1024 * 1024))  # sparse
    with pytest.raises(GeoError) as info:
        hio.inspect_source(hio.Source(path, "huyen.xlsx"))
    limit, csv_mb = settings.HOUSEHOLD_XLSX_MAX_MB, settings.HOUSEHOLD_CSV_MAX_MB
    assert info.value.message("vi").startswith(f"Tệp huyen.xlsx nặng 57,2 MB, quá {limit} MB cho một tệp Excel.")
    assert f"(đọc được đến {csv_mb} MB)" in info.value.message("vi")
    assert info.value.message("en").startswith("File huyen.xlsx") and "57.2 MB" in info.value.message("en")


def test_webmap_done_line_groups_thousands():
    assert t("webmap.cli_done", "vi", path="m.html", n=194, kb=Num(1234)) == (
        "Đã ghi bản đồ m.html (194 đơn vị, 1.234 KB); mở bằng trình duyệt, không cần Internet.")
    assert "(194 units, 1,234 KB)" in t("webmap.cli_done", "en", path="m.html", n=194, kb=Num(1234))
