"""Speed of the workspace (geo.workspace), printed as figures; tests never assert on time.

1. Embedded workspace with 1,000 datasets (tables of 194 communes, each with different bytes):
   listing the newest versions (target ≤ 0.3 s) and reopening a 194-commune boundary layer with its
   table, from the stored bytes through the readers, cold (target ≤ 0.5 s), plus the join on top.
2. Team workspace on PostGIS (a throw-away cluster, or GEO_TEST_PG_OWNER_URL / GEO_TEST_PG_APP_URL):
   20 concurrent sessions, each logged in as its own user (two provinces), each doing list, read,
   save, history and an optimistic-concurrency save; errors counted, median and worst response times.

Values are illustrative (the sample commune table). Run from the repository root:
``python bench/workspace.py [datasets] [sessions]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo._errors import GeoError  # noqa: E402
from geo.workspace import datasets as wsd  # noqa: E402
from geo.workspace.store import SqliteStore  # noqa: E402

N_DATASETS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
N_SESSIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
OPS_PER_SESSION = 10
TARGETS = {"list": 0.3, "reopen": 0.5}


def _median(fn, runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def embedded(folder: Path) -> None:
    from geo.units.tessellation import default_boundaries
    from geo.workflows.mapview import map_layer
    from geo.workflows.samples import write_samples

    samples = write_samples(folder / "samples")
    table_path = next(p for p in (folder / "samples").iterdir() if p.name.startswith("xa_") and "chi_so" not in p.name)
    table_bytes = table_path.read_bytes()
    # A planner's commune file: code, name and the polygons (the default layer's 194 communes).
    gdf = default_boundaries(province="20", level="commune", vintage="pre2025")[["code", "name", "geometry"]]
    layer_path = folder / "xa_langson.gpkg"
    gdf.to_file(layer_path, driver="GPKG")
    del samples

    store = SqliteStore(folder / "ws" / "workspace.gpkg")
    t0 = time.perf_counter()
    for i in range(N_DATASETS - 2):
        store.put(name=f"bang_{i:04d}.csv", kind="table", data=table_bytes + f"\n# {i}\n".encode(), file_name=f"bang_{i:04d}.csv",
                  province="20", level="commune", report={"rows": 194})
    fill = time.perf_counter() - t0
    wsd.save_table(store, data=table_bytes, file_name=table_path.name, name="xa_2024", province="20", level="commune")
    wsd.save_boundaries(store, data=layer_path.read_bytes(), file_name=layer_path.name, name="ranh_gioi_xa",
                        province="20", level="commune", vintage="pre2025")
    listed = store.datasets()
    print(f"Embedded workspace: {len(listed)} datasets (filled in {fill:.1f} s), file "
          f"{(folder / 'ws' / 'workspace.gpkg').stat().st_size / 1e6:.1f} MB")

    med, worst = _median(store.datasets)
    print(f"  list newest versions: median {med:.4f} s, worst {worst:.4f} s (target ≤ {TARGETS['list']} s)")

    def reopen():
        wsd._cache.clear()  # cold: read the bytes and run the readers again
        layer = wsd.load_boundaries_layer(store, "ranh_gioi_xa")
        table = wsd.load_table(store, "xa_2024")
        return layer, table

    med, worst = _median(reopen)
    layer, table = reopen()
    print(f"  reopen 194-commune layer + table (cold): median {med:.3f} s, worst {worst:.3f} s "
          f"(target ≤ {TARGETS['reopen']} s); {len(layer.gdf)} units, {len(table.data)} rows")

    def reopen_and_join():
        layer, table = reopen()
        return map_layer(boundaries=layer.gdf, level="commune", vintage="pre2025", province="20", table=table,
                         boundary_columns=layer.columns, approximate=False)

    med, worst = _median(reopen_and_join)
    joined = reopen_and_join()
    with_data = int(joined.gdf["poor_rate_2024"].notna().sum()) if "poor_rate_2024" in joined.gdf else 0
    print(f"  reopen + join to a map layer: median {med:.3f} s, worst {worst:.3f} s; {with_data} units with data")


def team(owner: str, app: str) -> None:
    from geo.workspace.postgis import PostgisAdmin, PostgisStore

    admin = PostgisAdmin(owner)
    admin.init(app_role="geo_app")
    tag = uuid.uuid4().hex[:6]
    users = [(f"bench_{tag}_{i}", "20" if i % 2 == 0 else "04") for i in range(N_SESSIONS)]
    for name, province in users:
        admin.add_user(name, password="bench-password", role="editor", provinces=[province])
    times: list[float] = []
    errors: list[str] = []
    conflicts = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(N_SESSIONS)

    def session(name: str, province: str) -> None:
        try:
            t0 = time.perf_counter()
            store = PostgisStore.login(app, user=name, password="bench-password")
            mine = [("login", time.perf_counter() - t0)]
            barrier.wait()
            for i in range(OPS_PER_SESSION):
                t0 = time.perf_counter()
                step = i % 5
                if step == 0:
                    store.datasets()
                elif step == 1:
                    store.put(name=f"{name}_bang.csv", kind="table", data=f"{name},{i}".encode() * 2000,
                              file_name="bang.csv", province=province)
                elif step == 2:
                    store.get(f"{name}_bang.csv", kind="table")
                elif step == 3:
                    store.history(limit=50)
                else:
                    shared = f"phuong_an_chung_{tag}_{province}"
                    try:
                        current = store.versions(shared, kind="scenario")
                        store.put(name=shared, kind="scenario", data=f"{name}{i}".encode(), file_name="pa.gpkg",
                                  province=province, expected_version=current[0].version if current else 0)
                    except GeoError as exc:
                        if exc.code != "workspace_changed":
                            raise
                        with lock:
                            conflicts[0] += 1
                mine.append((("list", "save", "read", "history", "scenario save")[step], time.perf_counter() - t0))
                # Isolation: nothing of the other province is ever visible.
                assert all(d.province == province for d in store.datasets()) if step == 0 else True
            with lock:
                times.extend(mine)
        except Exception as exc:  # counted and printed, never hidden
            with lock:
                errors.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=session, args=u) for u in users]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    print(f"Team workspace (PostGIS): {N_SESSIONS} concurrent sessions x {OPS_PER_SESSION} operations + login, "
          f"{wall:.2f} s wall")
    print(f"  errors: {len(errors)}; optimistic-concurrency refusals reported (expected, not errors): {conflicts[0]}")
    for line in errors[:5]:
        print("   ", line)
    if times:
        by_op: dict[str, list[float]] = {}
        for op, took in times:
            by_op.setdefault(op, []).append(took)
        for op, values in by_op.items():
            print(f"    {op:<14} median {statistics.median(values) * 1000:8.1f} ms, worst {max(values) * 1000:8.1f} ms")
        times = sorted(took for op, took in times if op != "login")
        print(f"  response time of the requests after login: median {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {times[int(0.95 * (len(times) - 1))] * 1000:.1f} ms, worst {times[-1] * 1000:.1f} ms "
              f"({len(times)} requests)")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="geo-bench-ws-") as tmp:
        embedded(Path(tmp))
    owner, app = os.environ.get("GEO_TEST_PG_OWNER_URL"), os.environ.get("GEO_TEST_PG_APP_URL")
    from geo.workspace import pg_cluster

    folder = None
    if not (owner and app):
        reason = pg_cluster.unavailable_reason()
        if reason:
            print(f"Team workspace: skipped ({reason})")
            return 0
        folder = Path(f"/tmp/geo-bench-pg-{uuid.uuid4().hex[:8]}")
        cluster = pg_cluster.start(folder)
        owner, app = cluster.owner_url, cluster.app_url
    try:
        team(owner, app)
    finally:
        if folder is not None:
            pg_cluster.stop(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
