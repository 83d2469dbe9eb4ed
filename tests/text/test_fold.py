"""The one diacritic fold (geo.text.names) and the readers that use it."""

import pytest

from geo.text.names import fold_key, fold_text, fold_words, strip_marks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tràng Định", "Trang Dinh"),
        ("ĐỒNG ĐĂNG", "DONG DANG"),
        ("Hoà Bình / Hòa Bình", "Hoa Binh / Hoa Binh"),
        ("Mã ĐVHC", "Ma DVHC"),
        ("Tỷ lệ (%)", "Ty le (%)"),
        ("", ""),
    ],
)
def test_strip_marks(text, expected):
    assert strip_marks(text) == expected


def test_fold_variants():
    assert fold_text("  Mã   đơn vị ") == "madonvi"
    assert fold_text(None) == ""
    assert fold_words("Tỷ lệ (%) hộ nghèo #", keep="%#") == "ty le % ho ngheo #"
    assert fold_words("Tỷ lệ (%) hộ nghèo") == "ty le ho ngheo"
    assert fold_key("H. Tràng Định") == fold_key("Huyện Tràng Định") == fold_key("TràngĐịnh") == "trangdinh"


def test_readers_fold_headers_the_same_way():
    from geo.io import tables

    assert tables._fold("Tỷ lệ hộ nghèo (%)") == "ty le ho ngheo %"
    assert tables._fold("Số hộ #") == "so ho #"
    assert tables._fold("Đơn vị") == "don vi"
