"""Legacy Vietnamese encodings: TCVN3, VNI and cp1258 to Unicode NFC."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from geo.text.encoding import LEGACY_ENCODINGS, detect_legacy, fix_column, from_legacy, is_vietnamese, to_legacy, to_unicode

NAMES = [
    "Tràng Định", "Bắc Sơn", "Hữu Lũng", "Lộc Bình", "Đình Lập", "Văn Quãn", "Thị trấn Na Sầm",
    "Lạng Sơn", "Phường Hoàng Văn Thụ", "Xã Khuất Xá", "Xã Yên Khoái", "Thượng Cường",
]


@pytest.mark.parametrize(
    ("legacy", "encoding", "expected"),
    [
        # what an old DBF shows when read as Latin-1, as seen in real files
        ("Trµng §Þnh", "tcvn3", "Tràng Định"),
        ("B¾c S¬n", "tcvn3", "Bắc Sơn"),
        ("H÷u Lòng", "tcvn3", "Hữu Lũng"),
        ("ThÞ trÊn Na SÇm", "tcvn3", "Thị trấn Na Sầm"),
        ("Traøng Ñònh", "vni", "Tràng Định"),
        ("Höõu Luõng", "vni", "Hữu Lũng"),
        ("Thò traán Na Saàm", "vni", "Thị trấn Na Sầm"),
        ("TraÌng Ðiònh", "cp1258", "Tràng Định"),
    ],
)
def test_known_legacy_strings(legacy, encoding, expected):
    assert from_legacy(legacy, encoding) == expected
    assert to_unicode(legacy) == expected


@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
@pytest.mark.parametrize("name", NAMES)
def test_round_trip_real_names(name, encoding):
    legacy = to_legacy(name, encoding)
    assert legacy != name
    assert from_legacy(legacy, encoding) == name
    assert to_unicode(legacy) == name  # detected per string
    assert unicodedata.is_normalized("NFC", to_unicode(legacy))


@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
def test_column_detection(encoding):
    column = [to_legacy(n, encoding) for n in NAMES] + [None, "", "Na Sam"]
    assert detect_legacy(column) == encoding
    fixed, found = fix_column(column)
    assert found == encoding
    assert fixed == NAMES + [None, "", "Na Sam"]


def test_column_resolves_short_ambiguous_values():
    # "Cao Léc" reads as Vietnamese as it is; the column as a whole is TCVN3.
    column = [to_legacy(n, "tcvn3") for n in ("Cao Lộc", "Lộc Bình", "Tràng Định")]
    assert column[0] == "Cao Léc"
    assert fix_column(column)[0] == ["Cao Lộc", "Lộc Bình", "Tràng Định"]


def test_unicode_passes_through_unchanged(langson):
    units = pd.read_csv(langson / "units_gso_20250301.csv", dtype=str)
    names = list(units["commune_name"]) + list(units["district_name"].unique())
    assert all(is_vietnamese(n) for n in names)
    assert [to_unicode(n) for n in names] == names
    assert detect_legacy(names) is None
    assert fix_column(names) == (names, None)
    # names made only of Latin-1 letters stay too
    for name in ("Cà Mau", "Tây Ninh", "Yên Bái", "Xã Ia Púch", "Café"):
        assert to_unicode(name) == name


def test_all_real_communes_convert_by_column(langson):
    units = pd.read_csv(langson / "units_gso_20250301.csv", dtype=str)
    names = list(units["commune_name"])
    for encoding in LEGACY_ENCODINGS:
        legacy = [to_legacy(n, encoding) for n in names]
        assert fix_column(legacy) == (names, encoding)
        assert [to_unicode(v) for v in legacy] == names


def test_nfd_and_utf8_misread_are_repaired():
    nfd = unicodedata.normalize("NFD", "Lộc Bình")
    assert to_unicode(nfd) == "Lộc Bình"
    misread = ["Lạng Sơn".encode("utf-8").decode("latin-1"), "Cao Lộc".encode("utf-8").decode("latin-1"), None]
    assert fix_column(misread) == (["Lạng Sơn", "Cao Lộc", None], "utf-8")


def test_caps_font_words_come_back_upper():
    # .VnTimeH draws lowercase codes as capitals; capitals typed with it stay capitals
    assert to_unicode("TRµNG §ÞNH") == "TRÀNG ĐỊNH"


def test_non_strings_and_ascii_untouched():
    assert to_unicode(None) is None
    assert to_unicode(12) == 12
    assert to_unicode("Na Sam 2") == "Na Sam 2"
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        from_legacy("x", "koi8")


def test_a_column_that_reads_as_vietnamese_is_not_converted_to_check(monkeypatch):
    from geo.text import encoding

    tried = []
    real = encoding._candidates
    monkeypatch.setattr(encoding, "_candidates", lambda raw: tried.append(raw) or real(raw))
    names = ["Xã Tân Yên", "Xã Hòa Bình", "Thị trấn Na Sầm", 12, None, "Xã Yên Trạch"]
    assert encoding.detect_legacy(names) is None
    assert tried == []  # every Latin-1 word is a Vietnamese syllable: no conversion can read better
    assert encoding.detect_legacy(["Trµng §Þnh", "B¾c S¬n", "Xã Tân Yên"]) == "tcvn3"
    assert len(tried) == 3  # some words do not read: every single-byte cell tried with each candidate
