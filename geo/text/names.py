"""Vietnamese admin-unit names: normalising, folding and type prefixes.

Two keys are derived from a name:

- :func:`exact_key` keeps diacritics but ignores case, spacing, Unicode
  composition and tone-mark placement (``Hoà`` = ``Hòa``). An exact match
  always beats a folded one.
- :func:`fold_key` also drops the unit type prefix (Xã, Phường, Thị trấn,
  TT., TP., H., Huyện, Thành phố...) and all diacritics, so that
  ``"H. Trang Dinh"``, ``"Huyện Tràng Định"`` and ``"TràngĐịnh"`` meet.
  Numbered wards meet whatever the writing ("P.01", "P1", "Phường 1"), and
  abbreviations inside a name are written out ("NT" is "Nông trường").
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["nfc", "exact_key", "fold_key", "fold_text", "fold_words", "strip_marks", "strip_type", "unit_type_of",
           "strip_enumerator", "TYPE_PREFIXES"]

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
_TONE_END = re.compile(r"(?:" + _TONE_RE.pattern + r")(?![\wÀ-ỹ])", re.IGNORECASE)


_SPACES = re.compile(r"\s+")


def nfc(text: object) -> str:
    """NFC-normalised, trimmed text with single spaces; '' for missing values."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _nfc(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=1 << 16)
def _nfc(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _modern_tones(text: str) -> str:
    def repl(match: re.Match) -> str:
        found = match.group(0)
        moved = _TONE_MOVES[found.lower()]
        return moved.upper() if found.isupper() else (moved[0].upper() + moved[1:] if found[0].isupper() else moved)

    # Only move the tone when the vowel pair ends the syllable (hòa, not hoàng).
    return _TONE_END.sub(repl, text)


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

# Names repeat (every "Xã Hòa Bình", every re-join of the same boundaries): the pure keys are cached.
_CACHE = 1 << 16


def exact_key(name: object) -> str:
    """Case-, spacing- and tone-placement-insensitive key that keeps diacritics."""
    return _exact_key(nfc(name))


@functools.lru_cache(maxsize=_CACHE)
def _exact_key(text: str) -> str:
    return _modern_tones(text).casefold()


def _split_type(name: str) -> tuple[str, str]:
    """Split a name into (type prefix, rest) using folded comparison."""
    return _split_text(nfc(name))


@functools.lru_cache(maxsize=_CACHE)
def _split_text(text: str) -> tuple[str, str]:
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
        if not folded_text.startswith(folded):
            continue
        if folded in _ABBREVIATIONS:
            # "TT. Bắc Sơn", "TT Bắc Sơn", and numbered wards written "P.01", "P1", "Q1".
            m = re.match(rf"^{folded}\s*\.\s*|^{folded}\s+(?=\S)|^{folded}(?=\d)", folded_text)
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
            return label, _expand_inner(rest)
    return "", _expand_inner(text)


# Abbreviations written inside a name (after its type): "TT NT Thái Bình" is "Thị trấn Nông trường Thái Bình".
_INNER_ABBREVIATIONS = ((re.compile(r"(?<!\w)N\.?\s?T\.?(?!\w)\s*", re.IGNORECASE), "Nông trường "),)


def _expand_inner(text: str) -> str:
    for pattern, full in _INNER_ABBREVIATIONS:
        text = pattern.sub(full, text)
    return text.strip()


_ENUMERATOR = re.compile(r"^([IVXLC]{1,6}|\d{1,3})\s*[.):\-–—]\s*(?=\S)")


def strip_enumerator(text: object) -> str:
    """A unit name without the list marker typed before it in a report: "I. HUYỆN TRÀNG ĐỊNH", "2) Xã Hùng Sơn".

    Only a Roman numeral or a number followed by ``.``, ``)``, ``:`` or a dash is a marker, so "Ia Grai"
    and "Phường 1" keep their words; a lone "X." is the marker only before a unit type ("X. HUYỆN LỘC
    BÌNH"), since "X. Chi Lăng" is a xã.

    >>> strip_enumerator("I. THÀNH PHỐ LẠNG SƠN"), strip_enumerator("12 - Xã Hùng Sơn"), strip_enumerator("Ia Grai")
    ('THÀNH PHỐ LẠNG SƠN', 'Xã Hùng Sơn', 'Ia Grai')
    >>> strip_enumerator("X. Huyện Lộc Bình"), strip_enumerator("X. Chi Lăng"), strip_enumerator("H. Trang Dinh")
    ('Huyện Lộc Bình', 'X. Chi Lăng', 'H. Trang Dinh')
    """
    text = nfc(text)
    found = _ENUMERATOR.match(text)
    if not found:
        return text
    rest = text[found.end():]
    if not rest or (found.group(1) == "X" and not unit_type_of(rest)):
        return text
    return rest


def strip_type(name: object) -> str:
    """The name without its unit type prefix: "Xã Hòa Bình" -> "Hòa Bình".

    A purely numeric remainder keeps its prefix ("Phường 1" stays), because
    the number alone is not a name; the number is written plainly, so "P.01",
    "P1" and "Phường 01" all give "Phường 1". Abbreviations inside a name are
    written out: "TT NT Thái Bình" -> "Nông trường Thái Bình".
    """
    label, rest = _split_type(nfc(name))
    if label and rest.isdigit():
        return f"{label} {int(rest)}"
    if label and re.fullmatch(r"[\dIVXLivxl]+", rest):
        return nfc(name)
    return rest


def unit_type_of(name: object) -> str:
    """The type written in a name ("Thị trấn" for "TT. Bắc Sơn"), or ''."""
    return _split_type(nfc(name))[0]


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def fold_text(text: object) -> str:
    """Accent-, case- and space-insensitive key that keeps any type prefix.

    >>> fold_text("Mã ĐVHC"), fold_text("H. Tràng Định")
    ('madvhc', 'htrangdinh')
    """
    return _fold_text(nfc(text))


@functools.lru_cache(maxsize=_CACHE)
def _fold_text(text: str) -> str:
    return _NOT_ALNUM.sub("", strip_marks(text).lower())


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
