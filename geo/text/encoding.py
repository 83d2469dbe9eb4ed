"""Legacy Vietnamese text encodings: detect them and convert to Unicode NFC.

Old DBF files from provincial offices hold names typed before Unicode:

- **TCVN3** (TCVN 5712:1993 "VN3", the ABC keyboard, fonts ``.VnTime``): one
  byte per letter, ``"Trµng §Þnh"`` for "Tràng Định";
- **VNI** (VNI-Windows, fonts ``VNI-Times``): a base letter followed by a mark
  byte, ``"Traøng Ñònh"``;
- **cp1258** (Windows-1258): base letters with combining tone bytes,
  ``"TraÌng Ðiònh"`` when read as Latin-1.

Such text reaches Python as a *byte view*: GDAL decodes the DBF as Latin-1
(or cp1252) so every byte becomes one character. :func:`to_unicode` turns one
such string into Unicode; :func:`detect_legacy` names the encoding of a whole
column, which is more reliable than one short string; :func:`fix_column` does
both and also repairs UTF-8 text that was decoded as Latin-1.

Detection converts the text with every candidate and keeps the one whose
words are valid Vietnamese syllables. Text that is already good Unicode
(any character outside Latin-1/cp1252, or valid Vietnamese as it is) is
returned unchanged, apart from NFC normalisation.

The TCVN3 and VNI tables below were written from the published code charts
(TCVN 5712:1993; the VNI-Windows keyboard/font layout).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "LEGACY_ENCODINGS",
    "to_unicode",
    "from_legacy",
    "to_legacy",
    "detect_legacy",
    "fix_column",
    "legacy_cells",
    "is_vietnamese",
]

LEGACY_ENCODINGS = ("tcvn3", "vni", "cp1258")

# Share of non-ASCII words that must be valid Vietnamese syllables before a
# conversion is accepted (and it must also beat the text as it is).
MIN_VALID_SHARE = 0.5

# --------------------------------------------------------------------------
# Marks
# --------------------------------------------------------------------------
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)  # huyền, hỏi, ngã, sắc, nặng
_SHAPES = (_CIRCUMFLEX, _BREVE, _HORN)

# --------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993). The VN3 font set holds lowercase toned letters and
# the seven uppercase base letters; .VnTimeH ("caps") fonts draw the lowercase
# codes as capitals. The uppercase toned letters of the full VN1 set fill the
# remaining positions and are included for completeness.
# --------------------------------------------------------------------------
_TCVN3_LOWER = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
_TCVN3_UPPER_VN1 = {
    0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ",
    0x11: "Ứ", 0x12: "Ự", 0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ",
    0x80: "À", 0x81: "Ả", 0x82: "Ã", 0x83: "Á", 0x84: "Ạ", 0x85: "Ặ", 0x86: "Ậ",
    0x87: "È", 0x88: "Ẻ", 0x89: "Ẽ", 0x8A: "É", 0x8B: "Ẹ", 0x8C: "Ệ",
    0x8D: "Ì", 0x8E: "Ỉ", 0x8F: "Ĩ", 0x90: "Í", 0x91: "Ị",
    0x92: "Ò", 0x93: "Ỏ", 0x94: "Õ", 0x95: "Ó", 0x96: "Ọ", 0x97: "Ộ",
    0x98: "Ờ", 0x99: "Ở", 0x9A: "Ỡ", 0x9B: "Ớ", 0x9C: "Ợ", 0x9D: "Ù", 0x9E: "Ủ", 0x9F: "Ũ",
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}
_TCVN3_DECODE = {**_TCVN3_UPPER_VN1, **_TCVN3_LOWER}
_TCVN3_ENCODE = {ch: byte for byte, ch in _TCVN3_DECODE.items()}

# --------------------------------------------------------------------------
# VNI-Windows. A vowel is followed by one mark byte (shape and/or tone); a few
# letters have a single byte of their own. Marks follow the case of the base.
# --------------------------------------------------------------------------
_VNI_LETTERS = {  # byte -> letter
    0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị", 0xEE: "ỵ",
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ",
    0xCC: "Ì", 0xCD: "Í", 0xC6: "Ỉ", 0xD3: "Ĩ", 0xD2: "Ị", 0xCE: "Ỵ",
    0xD4: "Ơ", 0xD6: "Ư", 0xD1: "Đ",
}
_VNI_MARKS_LOWER = {  # byte -> (shape, tone)
    0xE2: (_CIRCUMFLEX, ""), 0xE0: (_CIRCUMFLEX, _GRAVE), 0xE1: (_CIRCUMFLEX, _ACUTE),
    0xE5: (_CIRCUMFLEX, _HOOK), 0xE3: (_CIRCUMFLEX, _TILDE), 0xE4: (_CIRCUMFLEX, _DOT),
    0xEA: (_BREVE, ""), 0xE8: (_BREVE, _GRAVE), 0xE9: (_BREVE, _ACUTE),
    0xFA: (_BREVE, _HOOK), 0xFC: (_BREVE, _TILDE), 0xEB: (_BREVE, _DOT),
    0xF8: ("", _GRAVE), 0xF9: ("", _ACUTE), 0xFB: ("", _HOOK), 0xF5: ("", _TILDE), 0xEF: ("", _DOT),
}
# Uppercase marks sit 0x20 lower, as in Latin-1.
_VNI_MARKS_UPPER = {byte - 0x20: mark for byte, mark in _VNI_MARKS_LOWER.items()}
_VNI_SHAPE_BASES = {_CIRCUMFLEX: set("aeoAEO"), _BREVE: set("aA")}
_VNI_TONE_BASES = set("aeiouyAEIOUYơưƠƯ")
_VNI_ENCODE_LETTERS = {ch: byte for byte, ch in _VNI_LETTERS.items()}
_VNI_ENCODE_MARKS = {(mark, upper): byte for upper, table in ((False, _VNI_MARKS_LOWER), (True, _VNI_MARKS_UPPER))
                     for byte, mark in table.items()}

# --------------------------------------------------------------------------
# Vietnamese letters and syllables, used to judge a conversion.
# --------------------------------------------------------------------------
_BASE_VOWELS = "aăâeêioôơuưy"
_VN_LETTERS = set("abcdefghijklmnopqrstuvwxyzđ")
for _v in _BASE_VOWELS:
    for _t in ("",) + _TONES:
        _VN_LETTERS.add(unicodedata.normalize("NFC", _v + _t))
_VN_LETTERS |= {ch.upper() for ch in _VN_LETTERS}

_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
# Rhymes are written with the vowel shapes kept (ă â ê ô ơ ư) and tones
# removed. Nuclei ending in a glide take no final consonant ("aoc" is not
# Vietnamese); "-nh/-ch" follow only a, ê, i, y; "-ng/-c" never follow i, ê, y.
_OPEN_NUCLEI = frozenset(
    "iêu yêu uôi ươi ươu oai oay oeo uây uya uyu "
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ui ưi ưu ua ưa uơ".split()
)
_CLOSED_NUCLEI = frozenset("uyê iê yê uô ươ oa oă oe uâ uê uy oo a ă â e ê i o ô ơ u ư y".split())
_PALATAL_NUCLEI = frozenset("oa uê uy a ê i y".split())
_VELAR_NUCLEI = frozenset("iê yê uô ươ oa oă oe uâ oo a ă â e o ô ơ u ư".split())
_CODAS = {"": None, "m": _CLOSED_NUCLEI, "n": _CLOSED_NUCLEI, "p": _CLOSED_NUCLEI, "t": _CLOSED_NUCLEI,
          "ch": _PALATAL_NUCLEI, "nh": _PALATAL_NUCLEI, "c": _VELAR_NUCLEI, "ng": _VELAR_NUCLEI}
_SHAPED = frozenset("ăâêôơư")
_EITHER_TONE = frozenset({"oa", "oe", "uy"})  # hòa and hoà are both in use
# Words are runs of anything but spaces, ASCII punctuation and digits, so that
# legacy symbols such as "§" or "¾" stay inside the word they spoil.
_WORD = re.compile(r"[^\s!-@\[-`{-~]+")


# --------------------------------------------------------------------------
# Byte view
# --------------------------------------------------------------------------
def _byte_of(ch: str) -> int | None:
    code = ord(ch)
    if code < 0x100:
        return code
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return None


def _as_bytes(text: str) -> bytes | None:
    """The bytes behind text decoded as Latin-1/cp1252, or None if it holds other characters."""
    out = bytearray()
    for ch in text:
        byte = _byte_of(ch)
        if byte is None:
            return None
        out.append(byte)
    return bytes(out)


# --------------------------------------------------------------------------
# Decoders and encoders
# --------------------------------------------------------------------------
def _decode_tcvn3(raw: bytes) -> str:
    text = "".join(_TCVN3_DECODE.get(b, chr(b)) for b in raw)
    # .VnTimeH capitals are typed with lowercase codes: restore upper case for
    # words whose plain letters are all capitals ("TRµNG" -> "TRÀNG").
    def upper(match: re.Match) -> str:
        word = match.group(0)
        ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
        capitals = len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters)
        return word.upper() if capitals else word

    return _WORD.sub(upper, text)


def _decode_vni(raw: bytes) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        byte = raw[i]
        base = _VNI_LETTERS.get(byte, chr(byte))
        i += 1
        if base in _VNI_TONE_BASES and i < len(raw):
            marks = _VNI_MARKS_UPPER if base.isupper() else _VNI_MARKS_LOWER
            mark = marks.get(raw[i])
            if mark is not None:
                shape, tone = mark
                if not shape or base in _VNI_SHAPE_BASES[shape]:
                    base = base + shape + tone
                    i += 1
        out.append(base)
    return "".join(out)


def _decode_cp1258(raw: bytes) -> str:
    return raw.decode("cp1258", errors="replace")


_DECODERS = {"tcvn3": _decode_tcvn3, "vni": _decode_vni, "cp1258": _decode_cp1258}


def _split_letter(ch: str) -> tuple[str, str, str]:
    """(base with shape, shape mark, tone mark) of one NFC letter."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONES)
    shape = "".join(c for c in decomposed if c in _SHAPES)
    base = decomposed[0]
    return base, shape, tone


def _encode_tcvn3(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch.isascii():
            out.append(ord(ch))
        elif ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        else:
            out.append(ord("?"))
    return bytes(out)


def _encode_vni(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch.isascii():
            out.append(ord(ch))
            continue
        if ch in _VNI_ENCODE_LETTERS:
            out.append(_VNI_ENCODE_LETTERS[ch])
            continue
        base, shape, tone = _split_letter(ch)
        upper = base.isupper()
        if shape == _HORN:
            out.append(_VNI_ENCODE_LETTERS[unicodedata.normalize("NFC", base + _HORN)])
            shape = ""
        else:
            out.append(ord(base) if base.isascii() else ord("?"))
        if shape or tone:
            byte = _VNI_ENCODE_MARKS.get(((shape, tone), upper))
            out.append(byte if byte is not None else ord("?"))
    return bytes(out)


def _encode_cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            if ch.isascii() or not unicodedata.normalize("NFD", ch)[1:]:
                continue
            del out[-1]  # toned letter: write it the Windows keyboard way, base + tone byte
        except UnicodeEncodeError:
            pass
        base, shape, tone = _split_letter(ch)
        out += unicodedata.normalize("NFC", base + shape).encode("cp1258", errors="replace")
        out += tone.encode("cp1258", errors="replace")
    return bytes(out)


_ENCODERS = {"tcvn3": _encode_tcvn3, "vni": _encode_vni, "cp1258": _encode_cp1258}


def _check_encoding(encoding: str) -> str:
    key = encoding.lower().replace("-", "").replace("_", "")
    key = {"tcvn": "tcvn3", "abc": "tcvn3", "windows1258": "cp1258", "1258": "cp1258"}.get(key, key)
    if key not in _DECODERS:
        msg = f"unknown legacy encoding {encoding!r}; use one of {', '.join(LEGACY_ENCODINGS)}"
        raise ValueError(msg)
    return key


def from_legacy(text: str, encoding: str) -> str:
    """Convert a byte-view string of a known legacy ``encoding`` to Unicode NFC.

    Characters outside the byte view (already Unicode) make the text count as
    Unicode; it is then only normalised.

    >>> from_legacy("Trµng §Þnh", "tcvn3"), from_legacy("Traøng Ñònh", "vni")
    ('Tràng Định', 'Tràng Định')
    """
    raw = _as_bytes(text)
    if raw is None:
        return unicodedata.normalize("NFC", text)
    return unicodedata.normalize("NFC", _DECODERS[_check_encoding(encoding)](raw))


def to_legacy(text: str, encoding: str) -> str:
    """Unicode text as a legacy ``encoding`` would show when read as Latin-1.

    The inverse of :func:`from_legacy`; it builds test fixtures and lets a
    planner check what an old file would hold. Letters the encoding cannot
    write become ``?``.

    >>> to_legacy("Bắc Sơn", "tcvn3"), to_legacy("Bắc Sơn", "vni")
    ('B¾c S¬n', 'Baéc Sôn')
    """
    key = _check_encoding(encoding)
    return _ENCODERS[key](unicodedata.normalize("NFC", text)).decode("latin-1")


# --------------------------------------------------------------------------
# Judging text
# --------------------------------------------------------------------------
def _tone_ok(nucleus: str, coda: str, tone_at: int | None) -> bool:
    """Whether the tone sits where Vietnamese spelling puts it in this nucleus."""
    if tone_at is None or len(nucleus) == 1:
        return True
    shaped = [i for i, ch in enumerate(nucleus) if ch in _SHAPED]
    if shaped:
        return tone_at == shaped[-1]
    if coda:
        return tone_at == len(nucleus) - 1
    if len(nucleus) == 3:
        return tone_at == 1
    return tone_at == 0 or nucleus in _EITHER_TONE


def _syllable_ok(letters: list[str], tone_at: int | None) -> bool:
    """Whether shaped, toneless ``letters`` spell one syllable with the tone at ``tone_at``."""
    word = "".join(letters)
    for onset in _ONSETS:
        if not word.startswith(onset) or len(word) == len(onset):
            continue
        rest = word[len(onset):]
        if onset in ("qu", "gi") and rest[0] in ("u", "o", "i"):
            continue  # "quo", "gii": the glide already belongs to the onset
        for coda, nuclei in _CODAS.items():
            if coda and not rest.endswith(coda):
                continue
            nucleus = rest[: len(rest) - len(coda)]
            allowed = (_OPEN_NUCLEI | _CLOSED_NUCLEI) if nuclei is None else nuclei
            if nucleus not in allowed:
                continue
            at = None if tone_at is None else tone_at - len(onset)
            if at is not None and not 0 <= at < len(nucleus):
                continue
            if _tone_ok(nucleus, coda, at):
                return True
    return False


def _plausible_word(word: str) -> bool:
    """Vietnamese letters only, cased as a word is (lower, Title or UPPER)."""
    if any(ch not in _VN_LETTERS for ch in word):
        return False
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def _valid_word(word: str) -> bool:
    if not _plausible_word(word):
        return False
    letters: list[str] = []
    tone_at = None
    for i, ch in enumerate(word.lower()):
        base, shape, tone = _split_letter(ch)
        if tone:
            if tone_at is not None:
                return False
            tone_at = i
        letters.append("d" if ch == "đ" else unicodedata.normalize("NFC", base + shape))
    return _syllable_ok(letters, tone_at)


def _score(text: str) -> tuple[int, int]:
    """(valid, total) Vietnamese syllables among the non-ASCII words of ``text``."""
    valid = total = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        total += 1
        valid += _valid_word(word)
    return valid, total


def is_vietnamese(text: str) -> bool:
    """True when every non-ASCII word of ``text`` is a valid Vietnamese syllable."""
    valid, total = _score(unicodedata.normalize("NFC", text))
    return valid == total


def _candidates(raw: bytes) -> dict[str, str]:
    return {name: unicodedata.normalize("NFC", decode(raw)) for name, decode in _DECODERS.items()}


def to_unicode(text: object, *, encoding: str | None = None) -> object:
    """Unicode NFC text from a string that may hold a legacy Vietnamese encoding.

    Parameters
    ----------
    text
        A string as read from a file. Non-strings (None, numbers) are returned as they are.
    encoding
        ``"tcvn3"``, ``"vni"`` or ``"cp1258"`` when known (from a column, see
        :func:`detect_legacy`); None detects it for this one string.

    Returns
    -------
    str
        The converted text, or ``text`` NFC-normalised when it is already
        Unicode, plain ASCII or no conversion reads as Vietnamese.

    Examples
    --------
    >>> to_unicode("L¹ng S¬n"), to_unicode("Laïng Sôn"), to_unicode("Lạng Sơn")
    ('Lạng Sơn', 'Lạng Sơn', 'Lạng Sơn')
    """
    if not isinstance(text, str):
        return text
    if encoding is not None:
        return from_legacy(text, encoding)
    raw = _as_bytes(text)
    if raw is None or raw.isascii():
        return unicodedata.normalize("NFC", text)
    as_is = unicodedata.normalize("NFC", text)
    share_as_is = _share(_score(as_is))
    if share_as_is == 1.0:
        return as_is
    # Text made only of letters Vietnamese uses (à, é, ô...) may be Unicode
    # already ("Xã Ia Púch"): then only a conversion that merges marks (VNI,
    # cp1258) and reads perfectly is taken; TCVN3 maps letters to letters.
    plausible = all(_plausible_word(word) for word in _WORD.findall(as_is))
    best, best_share = as_is, share_as_is
    for name, converted in _candidates(raw).items():
        if plausible and name == "tcvn3":
            continue
        share = _share(_score(converted))
        if share < (1.0 if plausible else MIN_VALID_SHARE) or share < best_share:
            continue
        # On a tie, the shorter text wins: VNI and cp1258 merge marks into letters.
        if share > best_share or len(converted) < len(best):
            best, best_share = converted, share
    return best if best_share > share_as_is else as_is


def _share(score: tuple[int, int]) -> float:
    valid, total = score
    return valid / total if total else 0.0


def detect_legacy(values: Iterable[object]) -> str | None:
    """The legacy encoding of a text column, or None when it reads fine as it is.

    Every value is converted with each candidate; the encoding whose results
    hold the most valid Vietnamese syllables wins if it beats the text as it
    is and reaches :data:`MIN_VALID_SHARE`. A column holding any character
    outside Latin-1/cp1252 is Unicode already and returns None.

    >>> detect_legacy(["Trµng §Þnh", "B¾c S¬n", "Cao Lộc"]), detect_legacy(["Traøng Ñònh", "Baéc Sôn"])
    (None, 'vni')
    >>> detect_legacy(["Trµng §Þnh", "B¾c S¬n", "Cao Loc"])
    'tcvn3'
    """
    totals = {"": [0, 0], **{name: [0, 0] for name in LEGACY_ENCODINGS}}
    single_byte = []
    for value in values:
        if not isinstance(value, str):
            continue
        raw = _as_bytes(value)
        if raw is None:
            return None
        if raw.isascii():
            continue
        valid, total = _score(unicodedata.normalize("NFC", value))
        totals[""][0] += valid
        totals[""][1] += total
        single_byte.append(raw)
    if totals[""][1] and totals[""][0] == totals[""][1]:
        return None  # every word reads as Vietnamese as it is: no conversion can read better
    for raw in single_byte:
        for name, converted in _candidates(raw).items():
            valid, total = _score(converted)
            totals[name][0] += valid
            totals[name][1] += total
    shares = {name: _share(tuple(t)) for name, t in totals.items()}
    best = max(LEGACY_ENCODINGS, key=lambda name: shares[name])
    if shares[best] > shares[""] and shares[best] >= MIN_VALID_SHARE:
        return best
    return None


def _utf8_misread(values: list[object]) -> bool:
    """True when the byte view of every non-ASCII value is valid UTF-8 (UTF-8 read as Latin-1)."""
    seen = False
    for value in values:
        if not isinstance(value, str):
            continue
        raw = _as_bytes(value)
        if raw is None:
            return False
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        seen = True
    return seen


def fix_column(values: Iterable[object]) -> tuple[list[object], str | None]:
    """Repair a text column: UTF-8 read as Latin-1, then legacy encodings; NFC always.

    Parameters
    ----------
    values
        The column's values; non-strings pass through.

    Returns
    -------
    values, encoding
        The repaired values and what was found: ``"utf-8"``, ``"tcvn3"``,
        ``"vni"``, ``"cp1258"`` (``"utf-8+tcvn3"`` for legacy text saved as
        UTF-8) or None when only normalisation was applied.

    Notes
    -----
    A DBF column holds one encoding, so once a column is detected as legacy
    every value is converted, even a short one that would read as Vietnamese
    either way (VNI "Thò" is "Thị").
    """
    values = list(values)
    found: list[str] = []
    if _utf8_misread(values):
        values = [_as_bytes(v).decode("utf-8") if isinstance(v, str) else v for v in values]
        found.append("utf-8")
    encoding = detect_legacy(values)
    if encoding is not None:
        values = [from_legacy(v, encoding) if isinstance(v, str) else v for v in values]
        found.append(encoding)
    values = [unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in values]
    return values, "+".join(found) or None


# Cells looked at to decide a table's encoding; every distinct cell is converted once decided.
LEGACY_SAMPLE_CELLS = 2000


def legacy_cells(values: Iterable[object]) -> tuple[dict[str, str], str | None]:
    """Unicode for the cells of a table typed in a TCVN3 or VNI font (an old ``.VnTime`` workbook, its CSV).

    Only cells whose characters are all single bytes (Latin-1/cp1252) and not
    plain ASCII can hold such text; the encoding is decided on them together
    (:func:`detect_legacy`), so a Unicode table, whose "Xã Tân Yên" already
    reads as Vietnamese, is left alone, and so is such a cell among legacy ones.

    Returns
    -------
    mapping, encoding
        Cell text -> converted text (NFC) and ``"tcvn3"`` or ``"vni"``; ``({}, None)`` when nothing is legacy.

    >>> legacy_cells(["Tæng sè hé", "X· Hoµng §ång", "123", "Xã Tân Yên"])
    ({'Tæng sè hé': 'Tổng số hộ', 'X· Hoµng §ång': 'Xã Hoàng Đồng'}, 'tcvn3')
    """
    cells = [v for v in dict.fromkeys(v for v in values if isinstance(v, str))
             if not v.isascii() and _as_bytes(v) is not None]
    if not cells:
        return {}, None
    encoding = detect_legacy(cells[:LEGACY_SAMPLE_CELLS])
    if encoding not in ("tcvn3", "vni"):
        return {}, None
    out = {}
    for value in cells:
        converted = unicodedata.normalize("NFC", from_legacy(value, encoding))
        # A cell typed in Unicode among legacy ones ("Xã Tân Yên" reads well; "Xó Tõn Yờn" would not) stays.
        if _share(_score(unicodedata.normalize("NFC", value))) == 1.0 and _share(_score(converted)) < 1.0:
            continue
        out[value] = converted
    return out, encoding
