"""Language support: message catalogue and number formatting.

Vietnamese is the default everywhere. English is the switch. Numbers follow
the language: ``27.964`` and ``8,51`` in Vietnamese, ``27,964`` and ``8.51``
in English. Parsing of user numbers (either style) lives in
:mod:`geo.text.numbers`.
"""

from __future__ import annotations

import math
import os
import string
from pathlib import Path

import yaml

__all__ = ["LANGS", "DEFAULT_LANG", "ERRORS", "STRINGS", "error_message", "format_number", "format_percent", "has_message", "t"]

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"


def _load_catalog() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Read ``catalog/<lang>.yaml`` for every language into (errors, strings), keyed then by language."""
    errors: dict[str, dict[str, str]] = {}
    strings: dict[str, dict[str, str]] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for lang in LANGS:
        with open(CATALOG_DIR / f"{lang}.yaml", encoding="utf-8") as fh:
            entries = yaml.load(fh, Loader=loader) or {}
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
    return _SafeFormatter().format(template, **params)


class _SafeFormatter(string.Formatter):
    """Formats a template, leaving ``{name}`` visible when a param is missing."""

    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)

    def format_field(self, value, format_spec):
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------
_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def format_number(value: float | int | None, decimals: int = 0, lang: str = DEFAULT_LANG, *, missing: str = "–") -> str:
    """Format a number the way readers of ``lang`` expect.

    >>> format_number(27964)
    '27.964'
    >>> format_number(8.514, 2)
    '8,51'
    >>> format_number(27964, lang="en")
    '27,964'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS[DEFAULT_LANG])
    text = f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,d}"
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def format_percent(value: float | None, decimals: int = 2, lang: str = DEFAULT_LANG) -> str:
    """A rate already in percent, e.g. ``8,51%``."""
    text = format_number(value, decimals, lang)
    return text if text == "–" else f"{text}%"


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
    return _SafeFormatter().format(entry.get(lang) or entry["vi"], **params)
