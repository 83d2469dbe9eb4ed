"""Read numbers typed the Vietnamese way or the English way.

Planners' tables mix ``27.964`` (Vietnamese thousands), ``8,51`` (Vietnamese
decimal), ``8,51%`` and ``1,234.5``. A single cell is often ambiguous
(``1.423`` is 1423 in Vietnamese, 1.423 in English), so a column is parsed as
a whole: evidence from unambiguous cells decides the style of the rest.

Which separator is which is decided here; the digits are read by Babel
(:func:`babel.numbers.parse_decimal`) with the locale of that style, ``vi``
(``.`` groups, ``,`` decimals) or ``en`` (``,`` groups, ``.`` decimals).
This is the only place in the project that reads a number typed by a person.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from babel import Locale
from babel.numbers import NumberFormatError, parse_decimal

__all__ = ["parse_number", "parse_numbers", "detect_style", "STYLES"]

STYLES = ("vi", "en")  # a style is the Babel locale whose separators it uses
_LOCALES = {style: Locale.parse(style) for style in STYLES}

_CLEAN = re.compile(r"[\s\u00a0\u202f'’%]")
_NUMERIC = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*$")
_MISSING = {"", "-", "–", "—", "x", "na", "n/a", "nan", "none", "null", "..."}
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")  # digits, or digits with a decimal point: what float() reads alike


def _clean(text: str) -> str:
    text = text.strip().replace("\u2212", "-")
    if text.startswith("(") and text.endswith(")"):  # accounting negative
        text = "-" + text[1:-1]
    return _CLEAN.sub("", text)


def _evidence(text: str) -> str | None:
    """Which style a single cleaned cell proves, or None when it proves nothing."""
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:
        return "vi" if text.rfind(",") > text.rfind(".") else "en"
    if has_comma:
        if text.count(",") > 1:
            return "en"  # 1,234,567
        if not re.search(r",\d{3}$", text) or re.match(r"^[+-]?0,", text):
            return "vi"  # 8,51 / 0,18 / 0,123
        return None  # 1,234: thousands (en) or decimal (vi)
    if has_dot:
        if text.count(".") > 1:
            return "vi"  # 1.234.567
        if not re.search(r"\.\d{3}$", text) or re.match(r"^[+-]?0\.", text):
            return "en"  # 8.51 / 0.18
        return None  # 27.964
    return None


def detect_style(values: Iterable[object]) -> str | None:
    """Decide "vi" or "en" for a column of strings, or None without evidence.

    Unambiguous cells vote. The winner decides the ambiguous cells of the
    same column (``1.423`` next to ``8,51`` is Vietnamese).
    """
    votes = {"vi": 0, "en": 0}
    for value in values:
        if isinstance(value, str):
            style = _evidence(_clean(value))
            if style:
                votes[style] += 1
    if votes["vi"] == votes["en"] == 0:
        return None
    return "en" if votes["en"] > votes["vi"] else "vi"


def parse_number(value: object, style: str | None = None) -> float:
    """Parse one value to float; NaN for blanks and dashes.

    A cell that proves its own style is read in that style. An ambiguous cell
    (``1.423``, ``1,423``) follows ``style``; with no style, its single
    separator before three digits is a thousands separator, because counts are
    far more common than three-decimal values in these tables.
    Raises ValueError for text that is not a number.

    >>> parse_number("27.964"), parse_number("8,51%"), parse_number("1,234.5")
    (27964.0, 8.51, 1234.5)
    >>> parse_number("0,125"), parse_number("1,234.5", "vi"), parse_number("1.423", "en")
    (0.125, 1234.5, 1.423)
    """
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = _clean(str(value))
    if text.lower() in _MISSING:
        return math.nan
    if not _NUMERIC.match(text):
        raise ValueError(value)
    style = _evidence(text) or style
    if style not in STYLES:
        # No evidence anywhere: a lone separator before three digits groups
        # thousands, whichever it is ("27.964" and "27,964" are both 27964).
        style = "vi" if "." in text else "en"
    if (style == "en" or "." not in text) and _PLAIN.fullmatch(text):
        return float(text)  # no group separator to read: Babel's answer, without its locale look-ups (10x faster)
    try:
        return float(parse_decimal(text, locale=_LOCALES[style]))
    except NumberFormatError as exc:  # e.g. "1.2.3,4,5"
        raise ValueError(value) from exc


def _decimal_reading(value: object, number: float, upper: float | None) -> float:
    """A cell whose lone separator could group thousands, read as a decimal when the column cannot exceed ``upper``.

    A rate is at most 100, so "12,500" or "12.500" in a rate column is 12.5, never 12500.
    """
    if upper is None or not isinstance(value, str) or math.isnan(number) or abs(number) <= upper:
        return number
    text = _clean(value)
    if _evidence(text) is not None or ("." in text) == ("," in text):
        return number
    alternative = parse_number(value, "en" if "." in text else "vi")
    return alternative if abs(alternative) <= upper else number


def parse_numbers(values: Iterable[object], *, upper: float | None = None) -> tuple[list[float], list[int]]:
    """Parse a column; returns the floats and the positions that were not numbers.

    ``upper`` is the largest value the column can hold (100 for a rate): an
    ambiguous cell whose thousands reading exceeds it is read as a decimal.

    >>> parse_numbers(["12,500", "8,250"])[0], parse_numbers(["12,500", "8,250"], upper=100)[0]
    ([12500.0, 8250.0], [12.5, 8.25])
    """
    values = list(values)
    style = detect_style(values)
    out: list[float] = []
    bad: list[int] = []
    for i, value in enumerate(values):
        try:
            out.append(_decimal_reading(value, parse_number(value, style), upper))
        except ValueError:
            out.append(math.nan)
            bad.append(i)
    return out, bad
