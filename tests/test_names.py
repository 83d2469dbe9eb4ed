import pytest

from geo.text.names import exact_key, fold_key, fold_text, strip_type, unit_type_of


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Xã Hòa Bình", "hoabinh"),
        ("xã Hoà  Bình", "hoabinh"),
        ("H. Trang Dinh", "trangdinh"),
        ("Huyện Tràng Định", "trangdinh"),
        ("TràngĐịnh", "trangdinh"),
        ("BắcSơn(Thịtrấn)", "bacson"),
        ("TP Lang Son", "langson"),
        ("TP. Lạng Sơn", "langson"),
        ("Thành phố Lạng Sơn", "langson"),
        ("TT. Đồng Đăng", "dongdang"),
        ("Thị trấn Na Sầm", "nasam"),
    ],
)
def test_fold_key(name, folded):
    assert fold_key(name) == folded


def test_tone_mark_placement_is_exact():
    assert exact_key("Hòa Bình") == exact_key("Hoà Bình")
    assert exact_key("Thụy Hùng") == exact_key("Thuỵ Hùng")
    assert exact_key("Hoàng Văn Thụ") != exact_key("Hoàng Vân Thụ")


def test_accented_words_that_look_like_prefixes_are_names():
    assert strip_type("Quan Sơn") == "Quan Sơn"
    assert strip_type("Phương Sơn") == "Phương Sơn"
    assert strip_type("Quận Ba Đình") == "Ba Đình"
    assert unit_type_of("Tĩnh Gia") == ""


def test_numbered_wards_keep_their_prefix():
    assert strip_type("Phường 1") == "Phường 1"
    assert fold_key("Phường 1") == "phuong1"


def test_types_are_read_from_prefixes_and_gadm_parentheses():
    assert unit_type_of("TT. Bắc Sơn") == "Thị trấn"
    assert unit_type_of("BắcSơn(Thịtrấn)") == "Thị trấn"
    assert unit_type_of("H. Tràng Định") == "Huyện"
    assert fold_text("Xa Hoa Binh") == "xahoabinh"
