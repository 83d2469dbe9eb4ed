"""Vietnamese admin-unit names: normalising, folding and type prefixes.

Two keys are derived from a name:

- :func:`exact_key` keeps diacritics but ignores case, spacing, Unicode
  composition and tone-mark placement (``Hoà`` = ``Hòa``). An exact match
  always beats a folded one.
- :func:`fold_key` also drops the unit type prefix (Xã, Phường, Thị trấn,
  TT., TP., H., Huyện, Thành phố...) and all diacritics, so that
  ``"H. Trang Dinh"``, ``"Huyện Tràng Định"`` and ``"TràngĐịnh"`` meet.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["nfc", "exact_key", "fold_key", "fold_text", "fold_words", "strip_marks", "strip_type", "unit_type_of",
           "TYPE_PREFIXES"]

# Longest first, so "thành phố" wins over "thành". Folded (no diacritics) forms.
TYPE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("thanh pho", "Thành phố"),
    ("thi tran", "Thị trấn"),
    ("thi xa", "Thị xã"),
    ("phuong", "Phường"),
    ("huyen", "Huyện"),
    ("quan", "Quận"),
    ("tinh", "Tỉnh"),
    ("xa", "Xã"),
    ("tp", "Thành phố"),
    ("tt", "Thị trấn"),
    ("tx", "Thị xã"),
    ("h", "Huyện"),
    ("p", "Phường"),
    ("q", "Quận"),
    ("x", "Xã"),
)
_ABBREVIATIONS = {"tp", "tt", "tx", "h", "p", "q", "x"}

# Old-style tone placement (òa, óe, úy...) to the modern NFC form used by the
# GSO lists: both spellings are common in planners' files.
_TONE_MOVES = {
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ",
    "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ",
    "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ",
}
_TONE_RE = re.compile("|".join(_TONE_MOVES), re.IGNORECASE)


def nfc(text: object) -> str:
    """NFC-normalised, trimmed text with single spaces; '' for missing values."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip()


def _modern_tones(text: str) -> str:
    def repl(match: re.Match) -> str:
        found = match.group(0)
        moved = _TONE_MOVES[found.lower()]
        return moved.upper() if found.isupper() else (moved[0].upper() + moved[1:] if found[0].isupper() else moved)

    # Only move the tone when the vowel pair ends the syllable (hòa, not hoàng).
    return re.sub(
        r"(?:" + _TONE_RE.pattern + r")(?![\wÀ-ỹ])",
        repl,
        text,
        flags=re.IGNORECASE,
    )


def strip_marks(text: str) -> str:
    """The text without diacritics, case kept: the one diacritic-folding rule of the project.

    ``đ``/``Đ`` become ``d``/``D`` (they do not decompose); every combining
    mark is dropped.

    >>> strip_marks("Tràng Định, Đồng Đăng")
    'Trang Dinh, Dong Dang'
    """
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


_strip_marks = strip_marks  # the former private name, kept for code written against it


def exact_key(name: object) -> str:
    """Case-, spacing- and tone-placement-insensitive key that keeps diacritics."""
    return _modern_tones(nfc(name)).casefold()


def _split_type(name: str) -> tuple[str, str]:
    """Split a name into (type prefix, rest) using folded comparison."""
    text = nfc(name)
    # GADM style: "BắcSơn(Thịtrấn)" or "Bắc Sơn (Thị trấn)"
    paren = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", text)
    if paren:
        inner = strip_marks(paren.group(2)).lower().replace(" ", "")
        for folded, label in TYPE_PREFIXES:
            if inner == folded.replace(" ", ""):
                return label, paren.group(1).strip()
    folded_text = strip_marks(text).lower()
    accented = not text.isascii()
    for folded, label in TYPE_PREFIXES:
        if folded in _ABBREVIATIONS:
            m = re.match(rf"^{folded}\s*\.\s*|^{folded}\s+(?=\S)", folded_text)
        else:
            m = re.match(rf"^{folded}(?:\s+|\s*\.\s*)(?=\S)", folded_text)
        if not m:
            continue
        # In accented text the prefix must carry its own accents: "Quan Sơn"
        # and "Phương Sơn" are names, not "Quận"/"Phường" + name.
        written = _modern_tones(text[: len(folded)]).casefold()
        if accented and folded not in _ABBREVIATIONS and written != _modern_tones(label).casefold():
            continue
        rest = text[m.end():].strip()
        if rest:
            return label, rest
    return "", text


def strip_type(name: object) -> str:
    """The name without its unit type prefix: "Xã Hòa Bình" -> "Hòa Bình".

    A purely numeric remainder keeps its prefix ("Phường 1" stays), because
    the number alone is not a name.
    """
    label, rest = _split_type(nfc(name))
    if label and re.fullmatch(r"[\dIVXLivxl]+", rest):
        return nfc(name)
    return rest


def unit_type_of(name: object) -> str:
    """The type written in a name ("Thị trấn" for "TT. Bắc Sơn"), or ''."""
    return _split_type(nfc(name))[0]


def fold_text(text: object) -> str:
    """Accent-, case- and space-insensitive key that keeps any type prefix.

    >>> fold_text("Mã ĐVHC"), fold_text("H. Tràng Định")
    ('madvhc', 'htrangdinh')
    """
    return re.sub(r"[^0-9a-z]", "", strip_marks(nfc(text)).lower())


def fold_words(text: object, keep: str = "") -> str:
    """Lower-case words without diacritics, single-spaced; other characters than ``keep`` split words.

    >>> fold_words("Tỷ lệ  (%) hộ nghèo", keep="%#")
    'ty le % ho ngheo'
    """
    return re.sub(rf"[^0-9a-z{re.escape(keep)}]+", " ", strip_marks(nfc(text)).lower()).strip()


def fold_key(name: object) -> str:
    """Accent-, case-, space- and prefix-insensitive key: "H. Tràng Định" -> "trangdinh".

    >>> fold_key("H. Tràng Định"), fold_key("Huyện Tràng Định"), fold_key("TràngĐịnh")
    ('trangdinh', 'trangdinh', 'trangdinh')
    """
    return fold_text(strip_type(name))
