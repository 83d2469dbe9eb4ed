"""The prepared-geometry caches of geo.render.webmap: the disk cache's bound (least recently used first, atomic
writes) and the in-memory cache shared by threads (a layer in preparation is waited for, not prepared twice)."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from geo import settings
from geo.render import webmap


@pytest.fixture()
def grid():
    """A 6 x 6 coverage of squares (illustrative), codes 000-035."""
    import geopandas as gpd
    import shapely

    boxes = [shapely.box(105 + i * 0.1, 21 + j * 0.1, 105.1 + i * 0.1, 21.1 + j * 0.1)
             for i in range(6) for j in range(6)]
    return gpd.GeoDataFrame({"code": [f"{k:03d}" for k in range(36)], "v": np.arange(36.0)}, geometry=boxes,
                            crs="EPSG:4326")


@pytest.fixture()
def web_dir(tmp_path, monkeypatch):
    """The boundary cache folders moved to a temporary folder; the in-memory cache emptied."""
    from geo.units import tessellation

    monkeypatch.setattr(tessellation, "REPO_CACHE_DIR", tmp_path / "repo")
    monkeypatch.setattr(tessellation, "USER_CACHE_DIR", tmp_path / "user")
    webmap.web_geometry.cache_clear()
    yield tmp_path / "repo" / "web"
    webmap.web_geometry.cache_clear()


def _files(folder, sizes_kb: list[int]) -> list:
    """Fake cache files, oldest first (modification times one minute apart)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    paths = []
    for i, kb in enumerate(sizes_kb):
        p = folder / f"web_{i:032x}.npz"
        p.write_bytes(b"x" * kb * 1000)
        os.utime(p, (now - 60 * (len(sizes_kb) - i), now - 60 * (len(sizes_kb) - i)))
        paths.append(p)
    return paths


def test_eviction_by_count_removes_the_oldest(tmp_path):
    paths = _files(tmp_path, [10] * 6)
    (tmp_path / "other.txt").write_text("not a cache file")
    removed = webmap.evict_disk_cache(tmp_path, max_files=4, max_mb=100)
    assert removed == paths[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([p.name for p in paths[2:]] + ["other.txt"])


def test_eviction_by_size_removes_the_oldest_and_everything_older(tmp_path):
    paths = _files(tmp_path, [50, 10, 300, 200, 100])
    # Newest first: 100 + 200 = 300 kB fit in 0.35 MB; the 300 kB file does not, so it and all older ones go.
    removed = webmap.evict_disk_cache(tmp_path, max_files=100, max_mb=0.35)
    assert removed == paths[:3]
    assert sorted(tmp_path.iterdir()) == paths[3:]


def test_the_file_just_written_is_kept_even_when_alone_over_the_bound(tmp_path):
    paths = _files(tmp_path, [10, 10, 500])
    removed = webmap.evict_disk_cache(tmp_path, keep=paths[2], max_files=100, max_mb=0.1)
    assert removed == paths[:2] and sorted(tmp_path.iterdir()) == [paths[2]]


def test_persisted_layers_are_bounded_and_reading_one_makes_it_recent(grid, web_dir, monkeypatch):
    monkeypatch.setattr(settings, "WEB_DISK_CACHE_MAX_FILES", 2)
    layers = [grid.iloc[:n] for n in (20, 25, 30)]
    webmap.web_geometry(layers[0], key="a", persist=True)
    webmap.web_geometry(layers[1], key="b", persist=True)
    first, second = sorted(web_dir.glob("web_*.npz"), key=lambda p: p.stat().st_mtime)
    old = time.time() - 600
    os.utime(first, (old - 60, old - 60))
    os.utime(second, (old, old))
    webmap.web_geometry.cache_clear()
    again = webmap.web_geometry(layers[0], key="a", persist=True)  # read from disk: now the most recent
    assert again.finest is None and len(again.codes) == 20
    assert first.stat().st_mtime > second.stat().st_mtime
    webmap.web_geometry(layers[2], key="c", persist=True)  # a third file: the least recently used goes
    left = sorted(web_dir.iterdir())
    assert len(left) == 2 and first in left and second not in left
    assert not [p for p in web_dir.iterdir() if not p.name.startswith("web_")]  # no temporary file left behind


def test_a_damaged_cache_file_is_prepared_again_and_replaced_whole(grid, web_dir):
    webmap.web_geometry(grid, key="g", persist=True)
    (path,) = web_dir.glob("web_*.npz")
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])  # as if a writer had been killed half-way without the atomic rename
    webmap.web_geometry.cache_clear()
    geom = webmap.web_geometry(grid, key="g", persist=True)
    assert geom.finest is not None and len(geom.codes) == 36  # prepared, not read
    assert path.read_bytes() == good


def test_a_layer_in_preparation_is_waited_for_not_prepared_twice(grid, web_dir, monkeypatch):
    calls, started, release = [], threading.Event(), threading.Event()
    real = webmap._prepare

    def slow_prepare(*args, **kwargs):
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(webmap, "_prepare", slow_prepare)
    results = {}
    workers = [threading.Thread(target=lambda n=n: results.setdefault(n, webmap.web_geometry(grid, key="k")),
                                name=f"session-{n}") for n in range(3)]
    workers[0].start()
    assert started.wait(10)
    for w in workers[1:]:
        w.start()
    time.sleep(0.2)
    release.set()
    for w in workers:
        w.join(10)
    assert calls == ["session-0"]
    assert results[0] is results[1] is results[2]
    info = webmap.web_geometry.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_a_failed_preparation_lets_the_waiting_thread_prepare_it(grid, web_dir, monkeypatch):
    real, calls = webmap._prepare, []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.3)
            raise RuntimeError("first attempt fails")
        return real(*args, **kwargs)

    monkeypatch.setattr(webmap, "_prepare", failing_once)
    errors, results = [], {}

    def first():
        try:
            webmap.web_geometry(grid, key="f")
        except RuntimeError as exc:
            errors.append(str(exc))

    t1 = threading.Thread(target=first)
    t1.start()
    time.sleep(0.1)
    t2 = threading.Thread(target=lambda: results.setdefault("g", webmap.web_geometry(grid, key="f")))
    t2.start()
    t1.join(10)
    t2.join(10)
    assert errors == ["first attempt fails"] and len(calls) == 2 and len(results["g"].codes) == 36
