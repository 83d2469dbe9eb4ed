"""The message catalogue kept between processes (geo.text.i18n.read_catalog): keyed by content, never stale."""

from __future__ import annotations

import json

import yaml

from geo.text import i18n


def _write(folder, vi: str, en: str):
    folder.mkdir(exist_ok=True)
    (folder / "vi.yaml").write_text(vi, encoding="utf-8")
    (folder / "en.yaml").write_text(en, encoding="utf-8")
    return folder


def test_the_real_catalogue_reads_the_same_from_the_cache(tmp_path):
    parsed = i18n.read_catalog(cache_dir=tmp_path)
    kept = list(tmp_path.glob("catalog-*.json"))
    assert len(kept) == 1
    again = i18n.read_catalog(cache_dir=tmp_path)
    for lang in i18n.LANGS:
        direct = yaml.safe_load((i18n.CATALOG_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
        assert parsed[lang] == direct
        assert again[lang] == direct
    assert again["vi"]["error.file_not_found"] == parsed["vi"]["error.file_not_found"]


def test_an_edited_catalogue_is_parsed_again_and_the_old_copy_removed(tmp_path):
    cat = _write(tmp_path / "cat", 'a: "Một"\n', 'a: "One"\n')
    cache = tmp_path / "cache"
    assert i18n.read_catalog(cat, cache_dir=cache) == {"vi": {"a": "Một"}, "en": {"a": "One"}}
    first = list(cache.glob("catalog-*.json"))
    (cat / "vi.yaml").write_text('a: "Hai"\n', encoding="utf-8")
    assert i18n.read_catalog(cat, cache_dir=cache) == {"vi": {"a": "Hai"}, "en": {"a": "One"}}
    second = list(cache.glob("catalog-*.json"))
    assert len(second) == 1 and second != first


def test_the_copy_is_what_is_read_while_the_files_are_unchanged(tmp_path):
    cat = _write(tmp_path / "cat", 'a: "Một"\n', 'a: "One"\n')
    cache = tmp_path / "cache"
    i18n.read_catalog(cat, cache_dir=cache)
    (kept,) = cache.glob("catalog-*.json")
    kept.write_text(json.dumps({"vi": {"a": "từ bản lưu"}, "en": {"a": "from the copy"}}), encoding="utf-8")
    assert i18n.read_catalog(cat, cache_dir=cache)["vi"]["a"] == "từ bản lưu"


def test_a_damaged_or_foreign_copy_is_ignored(tmp_path):
    cat = _write(tmp_path / "cat", 'a: "Một"\n', 'a: "One"\n')
    cache = tmp_path / "cache"
    i18n.read_catalog(cat, cache_dir=cache)
    (kept,) = cache.glob("catalog-*.json")
    for text in ('{"vi": {"a": "Mộ', '{"vi": {"a": 1}, "en": {"a": "One"}}', '["vi"]', '{"vi": {"a": "x"}}'):
        kept.write_text(text, encoding="utf-8")
        assert i18n.read_catalog(cat, cache_dir=cache) == {"vi": {"a": "Một"}, "en": {"a": "One"}}, text


def test_a_cache_that_cannot_be_written_only_means_parsing(tmp_path):
    cat = _write(tmp_path / "cat", 'a: "Một"\n', 'a: "One"\n')
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert i18n.read_catalog(cat, cache_dir=blocked / "cache") == {"vi": {"a": "Một"}, "en": {"a": "One"}}
    assert i18n.read_catalog(cat, cache_dir=None) == {"vi": {"a": "Một"}, "en": {"a": "One"}}
