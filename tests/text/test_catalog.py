"""The message catalogue: data files per language, the same keys and placeholders in each, strict lookups."""

from __future__ import annotations

import string

import pytest
import yaml

from geo import GeoError
from geo.text import i18n


def _catalog(lang: str) -> dict[str, str]:
    return yaml.safe_load((i18n.CATALOG_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))


def _fields(text: str) -> set[str]:
    """Placeholder names; ``{problem_vi}`` and ``{problem_en}`` count as one (a detail given per language)."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return {n[:-3] if n.endswith(("_vi", "_en")) else n for n in names}


def test_every_key_in_both_languages_with_the_same_placeholders():
    vi, en = _catalog("vi"), _catalog("en")
    assert sorted(set(vi) ^ set(en)) == []
    mismatched = [k for k in vi if _fields(vi[k]) != _fields(en[k])]
    assert mismatched == []
    assert all(isinstance(v, str) and v.strip() for v in [*vi.values(), *en.values()])


def test_catalogue_is_loaded_from_the_data_files():
    assert i18n.t("no_data") == _catalog("vi")["no_data"] == "Không có dữ liệu"
    assert i18n.t("no_data", "en") == "No data"
    assert i18n.error_message("file_not_found", "en", path="x.csv") == "File 'x.csv' not found."


def test_missing_key_raises_in_strict_mode(monkeypatch):
    monkeypatch.setenv("GEO_STRICT_I18N", "1")
    with pytest.raises(i18n.MissingMessage):
        i18n.t("no.such.key")
    with pytest.raises(i18n.MissingMessage):
        i18n.error_message("no_such_code")


def test_missing_key_degrades_outside_strict_mode(monkeypatch):
    monkeypatch.setenv("GEO_STRICT_I18N", "0")
    assert i18n.t("no.such.key") == "no.such.key"
    assert i18n.error_message("no_such_code", path="a") == "no_such_code: path=a"


def test_geo_error_renders_through_the_catalogue():
    err = GeoError("file_not_found", path="bang.xlsx")
    assert err.message("vi") == "Không tìm thấy tệp 'bang.xlsx'."
