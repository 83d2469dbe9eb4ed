"""Hostile uploads: unsafe ZIP members, zip bombs, oversized files."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from geo.io import safe as _safe
from geo._errors import GeoError
from geo.io.safe import check_size, extract_zip


def _snapshot(*folders: Path) -> dict[Path, set[str]]:
    return {f: set(os.listdir(f)) for f in folders}


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A work folder inside tmp_path, used as cwd; returns (upload folder, extraction folder)."""
    work = tmp_path / "work" / "inner"
    work.mkdir(parents=True)
    dest = tmp_path / "dest"
    dest.mkdir()
    monkeypatch.chdir(work)
    return work, dest


def _zip(path: Path, members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "member",
    ["../evil.txt", "ok/../../evil.txt", "/tmp/evil.txt", "\\evil.txt", "..\\evil.txt", "C:\\evil.txt",
     "C:evil.txt", "a/b/../../../evil.txt", "a\\..\\..\\evil.txt"],
)
def test_unsafe_members_refused_before_writing(sandbox, tmp_path, member):
    work, dest = sandbox
    archive = _zip(work / "up.zip", {"layer.geojson": b"{}", member: b"owned"})
    before = _snapshot(tmp_path, work, dest, tmp_path / "work", Path.cwd())
    with pytest.raises(GeoError) as err:
        extract_zip(archive, dest)
    assert err.value.code == "zip_unsafe_member"
    assert err.value.params["member"] == member
    assert "up.zip" in err.value.message("vi") and "up.zip" in err.value.message("en")
    assert _snapshot(tmp_path, work, dest, tmp_path / "work", Path.cwd()) == before
    assert not list(tmp_path.rglob("evil.txt"))
    assert not Path("/tmp/evil.txt").exists()


def test_symlink_member_refused(sandbox):
    work, dest = sandbox
    archive = work / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(GeoError) as err:
        extract_zip(archive, dest)
    assert err.value.code == "zip_unsafe_member"
    assert os.listdir(dest) == []


def test_zip_bomb_ratio_refused(sandbox, tmp_path):
    work, dest = sandbox
    archive = work / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("zeros.dbf", "w") as fh:
            for _ in range(20):
                fh.write(bytes(1024 * 1024))  # 20 MB of zeros, ~20 KB compressed
    assert archive.stat().st_size < 100_000
    before = _snapshot(tmp_path, work, dest)
    with pytest.raises(GeoError) as err:
        extract_zip(archive, dest)
    assert err.value.code == "zip_too_large"
    assert _snapshot(tmp_path, work, dest) == before


def test_declared_total_size_refused(sandbox):
    work, dest = sandbox
    archive = _zip(work / "big.zip", {f"f{i}.txt": os.urandom(4096) for i in range(4)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(GeoError) as err:
        extract_zip(archive, dest, max_total_bytes=10_000)
    assert err.value.code == "zip_too_large"
    assert os.listdir(dest) == []


def test_too_many_members_refused(sandbox):
    work, dest = sandbox
    archive = _zip(work / "many.zip", {f"f{i}.txt": b"x" for i in range(30)})
    with pytest.raises(GeoError) as err:
        extract_zip(archive, dest, max_members=20)
    assert err.value.code == "zip_too_many_files"
    assert err.value.params["count"] == 30


def test_bad_zip_refused(sandbox):
    work, dest = sandbox
    fake = work / "fake.zip"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(GeoError) as err:
        extract_zip(fake, dest)
    assert err.value.code == "zip_bad"


def test_safe_archive_extracts_into_fresh_folder_and_input_unchanged(sandbox):
    work, dest = sandbox
    archive = _zip(work / "ok.zip", {"a/b.txt": b"hello", "c.txt": b"world", "a\\d.txt": b"win"})
    data, mtime = archive.read_bytes(), archive.stat().st_mtime_ns
    out = extract_zip(archive, dest)
    assert out.parent == dest and out.name.startswith("unzip-")
    assert (out / "a" / "b.txt").read_bytes() == b"hello"
    assert (out / "a" / "d.txt").read_bytes() == b"win"  # Windows separators become folders
    assert (out / "c.txt").read_bytes() == b"world"
    assert archive.read_bytes() == data and archive.stat().st_mtime_ns == mtime
    assert set(os.listdir(work)) == {"ok.zip"}


def test_check_size(tmp_path, monkeypatch):
    small = tmp_path / "small.geojson"
    small.write_bytes(b"x" * 100)
    assert check_size(small) == 100
    with pytest.raises(GeoError) as err:
        check_size(small, max_bytes=10)
    assert err.value.code == "file_too_large"
    assert "small.geojson" in err.value.message("vi")
    with pytest.raises(GeoError) as err:
        check_size(tmp_path / "missing.zip")
    assert err.value.code == "file_not_found"
    assert _safe.MAX_UPLOAD_BYTES == 200 * 1024 * 1024
