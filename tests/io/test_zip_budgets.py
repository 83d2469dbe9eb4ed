"""Zip members: path depth, name length, a file and a folder of one name, many small members (geo.io.safe)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from geo import settings
from geo._errors import GeoError
from geo.io.boundaries import read_boundaries
from geo.io.safe import extract_zip

sys.path.insert(0, str(Path(__file__).parent))
import _hostile as h  # noqa: E402


def _refused(data: bytes, tmp_path: Path) -> GeoError:
    src = h.write(tmp_path / "up.zip", data)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(GeoError) as info:
        extract_zip(src, out)
    assert list(out.iterdir()) == []  # nothing written
    return info.value


def test_deep_path_is_refused(tmp_path):
    exc = _refused(h.zip_deep_path(settings.MAX_ZIP_PATH_DEPTH + 1), tmp_path)
    assert exc.code == "zip_path_too_deep"
    assert exc.params["path"] == "up.zip"


def test_path_at_the_depth_limit_is_extracted(tmp_path):
    src = h.write(tmp_path / "up.zip", h.zip_deep_path(settings.MAX_ZIP_PATH_DEPTH))
    folder = extract_zip(src, tmp_path)
    assert len(list(folder.rglob("x.geojson"))) == 1


def test_long_name_is_refused(tmp_path):
    exc = _refused(h.zip_bytes([("a" * 300 + ".geojson", b"{}")]), tmp_path)
    assert exc.code == "zip_name_too_long"


def test_file_and_folder_of_one_name_is_refused(tmp_path):
    exc = _refused(h.zip_file_and_dir(), tmp_path)
    assert exc.code == "zip_name_conflict"
    assert exc.params["member"] == "layer/x.geojson"


def test_many_small_members_cannot_add_up_to_a_bomb(tmp_path):
    # 200 members of 600 kB zeros: each under the per-member check (1 MB), 117 MB in all from ~120 kB
    exc = _refused(h.zip_many_small(200, 600 * 1024), tmp_path)
    assert exc.code == "zip_too_large"


def test_boundary_reader_names_the_upload_not_the_temp_folder(tmp_path):
    src = h.write(tmp_path / "ranh_gioi.zip", h.zip_file_and_dir())
    with pytest.raises(GeoError) as info:
        read_boundaries(src)
    assert info.value.code == "zip_name_conflict"
    assert "/tmp" not in info.value.message("vi")
    assert info.value.params["path"] == "ranh_gioi.zip"
