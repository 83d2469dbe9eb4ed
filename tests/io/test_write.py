"""The one atomic writer (geo.io.write): full disk, writer errors, kill -9, never clobbering."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from geo._errors import GeoError
from geo.io.write import TEMP_MARK, atomic_path, write_bytes

ROOT = Path(__file__).resolve().parents[2]


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_full_disk_leaves_nothing_and_names_only_the_file(tmp_path):
    out = tmp_path / "ban_do.html"
    with pytest.raises(GeoError) as info:
        with atomic_path(out) as tmp:
            with open(tmp, "wb") as fh:
                fh.write(b"<html>" * 1000)  # half written...
                raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert info.value.code == "write_disk_full"
    assert info.value.params == {"path": "ban_do.html"}
    assert str(tmp_path) not in info.value.message("vi")
    assert _siblings(tmp_path) == []  # nothing at the output path, no temp file


def test_gdal_style_disk_full_message_is_recognised(tmp_path):
    class DataLayerError(Exception):
        __module__ = "pyogrio.errors"

    with pytest.raises(GeoError) as info:
        with atomic_path(tmp_path / "x.gpkg") as tmp:
            Path(str(tmp) + "-journal").write_bytes(b"j")
            tmp.write_bytes(b"partial")
            raise DataLayerError("sqlite3_step() failed: database or disk is full")
    assert info.value.code == "write_disk_full"
    assert _siblings(tmp_path) == []


def test_writer_error_keeps_the_previous_file(tmp_path):
    out = write_bytes(tmp_path / "bang.xlsx", b"old")
    with pytest.raises(GeoError) as info:
        with atomic_path(out) as tmp:
            tmp.write_bytes(b"new, half")
            raise zlib.error("Error -3 while decompressing data")
    assert (info.value.code, info.value.params["reason"]) == ("write_failed", "zlib error")
    assert out.read_bytes() == b"old"
    assert _siblings(tmp_path) == ["bang.xlsx"]


def test_programming_errors_are_not_disguised(tmp_path):
    with pytest.raises(KeyError):
        with atomic_path(tmp_path / "a.csv") as tmp:
            tmp.write_bytes(b"x")
            raise KeyError("code")
    assert _siblings(tmp_path) == []


def test_no_overwrite_never_clobbers_a_file_that_appeared(tmp_path):
    out = tmp_path / "a.csv"
    with pytest.raises(GeoError) as info:
        with atomic_path(out, overwrite=False) as tmp:
            tmp.write_bytes(b"mine")
            out.write_bytes(b"someone else's")
    assert info.value.code == "output_exists"
    assert out.read_bytes() == b"someone else's"
    assert _siblings(tmp_path) == ["a.csv"]


def test_kill_9_leaves_nothing_at_the_output_and_the_next_write_sweeps(tmp_path):
    out = tmp_path / "ban_do.html"
    code = (
        "import sys, time\n"
        "from geo.io.write import atomic_path\n"
        f"with atomic_path({str(out)!r}) as tmp:\n"
        "    fh = open(tmp, 'wb'); fh.write(b'x' * 100000); fh.flush()\n"
        "    print('ready', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    left = _siblings(tmp_path)
    assert not out.exists()
    assert len(left) == 1 and left[0].startswith(".ban_do.html.") and TEMP_MARK in left[0]
    write_bytes(out, b"<html></html>")
    assert _siblings(tmp_path) == ["ban_do.html"]
    assert out.read_bytes() == b"<html></html>"


def test_save_html_goes_through_the_atomic_writer(tmp_path, monkeypatch):
    from geo.render import webmap

    monkeypatch.setattr(webmap, "to_html", lambda m: "<html>ok</html>")
    real_open = open

    def full_disk_open(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        if "b" in mode and "x" in mode:
            fh.close()
            raise OSError(errno.ENOSPC, "No space left on device")
        return fh

    monkeypatch.setattr("builtins.open", full_disk_open)
    with pytest.raises(GeoError) as info:
        webmap.save_html(None, tmp_path / "map.html")
    assert info.value.code == "write_disk_full"
    monkeypatch.undo()
    assert _siblings(tmp_path) == []
    monkeypatch.setattr(webmap, "to_html", lambda m: "<html>ok</html>")
    assert webmap.save_html(None, tmp_path / "map.html").read_text() == "<html>ok</html>"
