"""Language support: message catalogue and number formatting.

Vietnamese is the default everywhere. English is the switch. Numbers follow
the language: ``27.964`` and ``8,51`` in Vietnamese, ``27,964`` and ``8.51``
in English. Parsing of user numbers (either style) lives in
:mod:`geo.text.numbers`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import math
import os
import string
from collections.abc import Iterable
from decimal import Decimal
from numbers import Integral
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import parse_pattern

__all__ = ["LANGS", "DEFAULT_LANG", "ERRORS", "STRINGS", "Num", "error_message", "format_number", "format_numbers",
           "format_percent", "format_day", "has_message", "megabytes", "t"]

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"


# Where the parsed catalogue is kept between processes: YAML is for the people who write the messages, and
# parsing 160 kB of it takes ~0.13 s even with libyaml, at the start of every command; the same entries read
# back as JSON take ~3 ms. Like Python's bytecode, a copy keyed by the files' contents: an edited catalogue is
# parsed again, and nothing is written inside the package.
CATALOG_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geo-ngheo" / "catalog"


def _entries_ok(parsed: object) -> bool:
    return isinstance(parsed, dict) and set(parsed) == set(LANGS) and all(
        isinstance(entries, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in entries.items())
        for entries in parsed.values())


def read_catalog(catalog_dir: Path = CATALOG_DIR, *, cache_dir: Path | None = CATALOG_CACHE_DIR
                 ) -> dict[str, dict[str, str]]:
    """The entries of ``<catalog_dir>/<lang>.yaml`` for every language, ``{lang: {key: text}}``.

    Parsed once per content: the entries are kept in ``cache_dir`` as JSON named by the SHA-256 of the YAML
    files, and read from there while the files are unchanged (``cache_dir=None``: always parse). A cache that
    cannot be written, or a damaged one, only means parsing again.
    """
    texts = {lang: (Path(catalog_dir) / f"{lang}.yaml").read_bytes() for lang in LANGS}
    digest = hashlib.sha256(b"\0".join(texts[lang] for lang in LANGS)).hexdigest()[:32]
    kept = Path(cache_dir) / f"catalog-{digest}.json" if cache_dir is not None else None
    if kept is not None:
        try:
            parsed = json.loads(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            parsed = None
        if _entries_ok(parsed):
            return parsed
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parsed = {lang: yaml.load(texts[lang].decode("utf-8"), Loader=loader) or {} for lang in LANGS}
    if kept is not None and _entries_ok(parsed):
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            tmp = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(parsed, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, kept)
            for old in kept.parent.glob("catalog-*.json"):  # earlier versions of the catalogue
                if old != kept:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    return parsed


def _load_catalog() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The catalogue (:func:`read_catalog`) split into (errors, strings), keyed then by language."""
    errors: dict[str, dict[str, str]] = {}
    strings: dict[str, dict[str, str]] = {}
    for lang, entries in read_catalog().items():
        for key, text in entries.items():
            if key.startswith("error."):
                errors.setdefault(key[len("error."):], {})[lang] = text
            else:
                strings.setdefault(key, {})[lang] = text
    return errors, strings


# Error messages keyed by GeoError.code, and UI strings keyed by dotted names; each maps language -> text.
# Each message names the file, the row or the column when it can, and says what to do.
ERRORS, STRINGS = _load_catalog()


class MissingMessage(KeyError):
    """A catalogue key that exists in no language (raised only in strict mode, i.e. in tests)."""


def strict() -> bool:
    """Whether a missing key raises (``GEO_STRICT_I18N=1``, set by the test suite) instead of showing the key."""
    return os.environ.get("GEO_STRICT_I18N", "") == "1"


def has_message(key: str) -> bool:
    """Whether ``key`` is a UI string of the catalogue."""
    return key in STRINGS


def error_message(code: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """Translate an error code; unknown codes and missing params degrade gracefully."""
    entry = ERRORS.get(code)
    if entry is None:
        if strict():
            raise MissingMessage(f"error.{code}")
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        return f"{code}: {detail}" if detail else code
    template = entry.get(lang) or entry["vi"]
    return _SafeFormatter(lang).format(template, **params)


class Num(float):
    """A number put into a message, written the reader's way when the message is rendered.

    Distances, sizes and shares in messages are numbers, not text: ``GeoError("boundaries_misplaced",
    km=Num(234.5, 1))`` reads "234,5 km" in Vietnamese and "234.5 km" in English (Babel, through
    :func:`format_number`). It is a float, so reports, JSON and comparisons see the plain value.

    Parameters
    ----------
    value
        The number.
    decimals
        Digits after the separator, always written; None writes up to two, without trailing zeros
        (a limit of ``200`` MB, or ``0,25`` MB).

    Examples
    --------
    >>> error_message("boundaries_misplaced_nofit", "vi", path="a.zip", km=Num(234.5, 1), crs="EPSG:4326")[:48]
    "Các đơn vị trong tệp 'a.zip' nằm lệch trung bình"
    >>> t("cli.border.done", "vi", path="b.csv", n=3, total=11, km=Num(1234.56, 1)).split("tổng ")[1]
    '1.234,6 km dọc biên giới.'
    >>> Num(57.2, 1) == 57.2
    True
    """

    decimals: int | None

    def __new__(cls, value: float, decimals: int | None = 0) -> Num:
        obj = super().__new__(cls, value)
        obj.decimals = None if decimals is None else int(decimals)
        return obj

    def __reduce__(self):  # pickled with its decimals (Streamlit caches errors)
        return (Num, (float(self), self.decimals))

    def __repr__(self) -> str:
        return f"Num({float(self)!r}, {self.decimals!r})"

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The number as readers of ``lang`` write it."""
        if self.decimals is None:
            return _apply(_TRIMMED, float(self), _locale(lang))
        return format_number(float(self), self.decimals, lang)


def megabytes(n_bytes: float, decimals: int = 1) -> Num:
    """A size in bytes as megabytes (MiB, as the limits are counted) for a message: ``57,2 MB``.

    A size too small for ``decimals`` gets two more ("0,06 MB", never "0,0 MB").

    >>> error_message("file_too_large", "en", path="x.csv", size_mb=megabytes(60_000_000), limit_mb=Num(50, None))
    "File 'x.csv' is too large (57.2 MB); the limit is 50 MB."
    """
    mb = n_bytes / (1024 * 1024)
    if n_bytes and round(mb, decimals) == 0:
        decimals += 2
    return Num(round(mb, decimals), decimals)


class _SafeFormatter(string.Formatter):
    """Formats a template in ``lang``, leaving ``{name}`` visible when a param is missing.

    :class:`Num` params are written with Babel in ``lang``.
    """

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        super().__init__()
        self.lang = lang

    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)

    def format_field(self, value, format_spec):
        if isinstance(value, Num) and not format_spec:
            return value.text(self.lang)
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------
# Numbers and dates are written by Babel with the reader's locale (vi: 27.964 and
# 8,51; en: 27,964 and 8.51); rounding is Babel's (half to even, on the decimal
# value as written). Patterns are parsed once, per number of decimals.
_LOCALES: dict[str, Locale] = {lang: Locale.parse(lang) for lang in LANGS}
_DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "yyyy-MM-dd"}  # what planners write; ISO in English
MISSING = "–"


@functools.lru_cache(maxsize=16)
def _pattern(decimals: int):
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


_TRIMMED = parse_pattern("#,##0.##")  # up to two decimals, none written when zero


def _locale(lang: str) -> Locale:
    return _LOCALES.get(lang) or _LOCALES[DEFAULT_LANG]


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _apply(pattern, value: object, locale: Locale) -> str:
    """``value`` through a Babel pattern; numpy scalars and bools are read as Python numbers."""
    if not isinstance(value, Decimal):
        value = int(value) if isinstance(value, Integral) else float(value)
    text = pattern.apply(value, locale)
    # "-0" or "-0,00" after rounding a tiny negative: nothing negative is left to show.
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def format_number(value: float | int | None, decimals: int = 0, lang: str = DEFAULT_LANG, *, missing: str = MISSING) -> str:
    """Format a number the way readers of ``lang`` expect (Babel ``format_decimal``).

    Parameters
    ----------
    value : float, int or None
        The number; None and NaN give ``missing``.
    decimals : int
        Digits after the decimal separator, always written (``8,50``).
    lang : str
        ``"vi"`` or ``"en"``; any other falls back to Vietnamese.
    missing : str
        Text for a missing value.

    Examples
    --------
    >>> format_number(27964)
    '27.964'
    >>> format_number(8.514, 2)
    '8,51'
    >>> format_number(27964, lang="en"), format_number(8.514, 2, "en")
    ('27,964', '8.51')
    >>> format_number(None)
    '–'
    """
    if _is_missing(value) or (not isinstance(value, (int, Decimal)) and math.isnan(float(value))):
        return missing
    return _apply(_pattern(max(int(decimals), 0)), value, _locale(lang))


def format_numbers(values: Iterable[object], decimals: int = 0, lang: str = DEFAULT_LANG, *,
                   missing: str = MISSING) -> list[str]:
    """:func:`format_number` over many values (a map's labels), with the pattern and locale looked up once.

    >>> format_numbers([1234.5, None, 8.514], 1, "vi")
    ['1.234,5', '–', '8,5']
    """
    pattern, locale = _pattern(max(int(decimals), 0)), _locale(lang)
    return [missing if _is_missing(v) or v != v else _apply(pattern, v, locale) for v in values]


def format_percent(value: float | None, decimals: int = 2, lang: str = DEFAULT_LANG) -> str:
    """A rate already in percent, e.g. ``8,51%``.

    >>> format_percent(8.514), format_percent(8.514, lang="en")
    ('8,51%', '8.51%')
    """
    text = format_number(value, decimals, lang)
    return text if text == MISSING else f"{text}%"


def format_day(day: _dt.date, lang: str = DEFAULT_LANG) -> str:
    """A date the reader's way (Babel ``format_date``): ``01/07/2025`` in Vietnamese, ``2025-07-01`` in English.

    >>> format_day(_dt.date(2025, 7, 1)), format_day(_dt.date(2025, 7, 1), "en")
    ('01/07/2025', '2025-07-01')
    """
    return format_date(day, format=_DATE_PATTERNS.get(lang, _DATE_PATTERNS[DEFAULT_LANG]), locale=_locale(lang))


# --------------------------------------------------------------------------
# UI strings
# --------------------------------------------------------------------------
def t(key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """Translate a UI string key; falls back to Vietnamese, then to the key."""
    entry = STRINGS.get(key)
    if entry is None:
        if strict():
            raise MissingMessage(key)
        return key
    return _SafeFormatter(lang).format(entry.get(lang) or entry["vi"], **params)
