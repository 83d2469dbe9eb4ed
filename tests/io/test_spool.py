"""Uploads on disk (geo.io.spool): one file per content digest, removed with the session or after retention."""

from __future__ import annotations

import gc
import os
import time

from geo.io.spool import SessionFiles, release, spool, spool_root, sweep


def _files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_ten_reruns_write_one_file_and_closing_removes_it():
    root = spool_root()
    session = SessionFiles()
    paths = {spool(b"ten reruns", "xa.csv", holder=session.holder) for _ in range(11)}
    assert len(paths) == 1 and len(_files(root)) == 1
    session.close()
    assert _files(root) == []


def test_a_dropped_session_removes_its_files():
    root = spool_root()
    session = SessionFiles()
    spool(b"dropped", "a.geojson", holder=session.holder)
    assert len(_files(root)) == 1
    del session
    gc.collect()
    assert _files(root) == []


def test_files_shared_by_two_sessions_stay_until_both_end():
    root = spool_root()
    a, b = SessionFiles(), SessionFiles()
    pa = spool(b"same bytes", "x.csv", holder=a.holder)
    pb = spool(b"same bytes", "x.csv", holder=b.holder)
    assert pa == pb
    a.close()
    assert pa.exists()
    b.close()
    assert not pa.exists()


def test_same_name_same_prefix_different_content_never_share_a_path():
    # Full digests: two different files under the same name always get two paths.
    p1 = spool(b"first office", "xa.csv")
    p2 = spool(b"second office", "xa.csv")
    assert p1 != p2 and p1.read_bytes() == b"first office" and p2.read_bytes() == b"second office"
    assert len(p1.parent.name) == 64


def test_retention_sweep_removes_old_folders():
    root = spool_root()
    old = spool(b"old", "old.csv")
    new = spool(b"new", "new.csv")
    past = time.time() - 48 * 3600
    os.utime(old.parent, (past, past))
    assert sweep(max_age_hours=24) == 1
    assert not old.exists() and new.exists()
    release("nobody")


def test_hostile_names_stay_inside_the_folder():
    root = spool_root()
    path = spool(b"x", "../../etc/passwd")
    assert path.parent.parent == root and path.name == "passwd"
    assert spool(b"y", "").name == "upload"
