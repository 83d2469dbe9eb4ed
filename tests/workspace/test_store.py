"""The embedded workspace: versions, restore, state, audit, transactions and faults (geo.workspace.store)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from geo._errors import GeoError
from geo.workspace import open_workspace, workspace_location
from geo.workspace.store import SqliteStore, sha256

ROOT = Path(__file__).resolve().parents[2]
KH78 = ROOT / "data" / "indicators" / "langson_districts_kh78_2021.csv"


def test_location_comes_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_WORKSPACE", str(tmp_path / "w"))
    assert workspace_location() == str(tmp_path / "w")
    store = open_workspace()
    assert store.path == tmp_path / "w" / "workspace.gpkg"
    assert store.path.exists()


def test_workspace_file_is_a_geopackage():
    import pyogrio

    store = open_workspace()
    layers = sorted(str(n) for n, _ in pyogrio.list_layers(store.path))
    assert layers == ["ws_audit", "ws_blob", "ws_dataset", "ws_meta", "ws_state"]


def test_versions_restore_and_audit():
    store = open_workspace()
    a = store.put(name="xa.csv", kind="table", data=b"one", file_name="xa.csv", province="20")
    same = store.put(name="xa.csv", kind="table", data=b"one", file_name="xa.csv", province="20")
    b = store.put(name="xa.csv", kind="table", data=b"two", file_name="xa.csv", province="20")
    assert (a.version, same.version, b.version) == (1, 1, 2)
    assert [v.version for v in store.versions("xa.csv", kind="table")] == [2, 1]
    assert store.get("xa.csv", kind="table").data == b"two"
    assert store.get("xa.csv", kind="table", version=1).data == b"one"
    r = store.restore("xa.csv", kind="table", version=1)
    assert r.version == 3
    assert store.get("xa.csv", kind="table").data == b"one"
    assert r.sha256 == sha256(b"one")
    log = store.history("xa.csv")
    assert [(e.action, e.version, e.who, e.file_name) for e in log] == [
        ("save", 1, "tester", "xa.csv"), ("save", 2, "tester", "xa.csv"), ("restore", 3, "tester", "xa.csv")]
    listed = store.datasets()
    assert [(d.name, d.version) for d in listed] == [("xa.csv", 3)]


def test_blobs_are_shared_by_full_digest_only():
    store = open_workspace()
    store.put(name="a", kind="table", data=b"same", file_name="a.csv")
    store.put(name="b", kind="table", data=b"same", file_name="b.csv")
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT count(*) FROM ws_blob").fetchone()[0] == 1
        assert len(conn.execute("SELECT sha256 FROM ws_blob").fetchone()[0]) == 64


def test_state_follows_restore():
    store = open_workspace()
    v1 = store.put(name="t", kind="table", data=b"1", file_name="t.csv")
    store.set_state(v1.id, "overrides", {"3": "06040"})
    store.put(name="t", kind="table", data=b"2", file_name="t.csv")
    v3 = store.restore("t", kind="table", version=1)
    assert store.state(v3.id, "overrides") == {"3": "06040"}


def test_optimistic_concurrency():
    store = open_workspace()
    store.put(name="plan", kind="scenario", data=b"a", file_name="plan.gpkg", expected_version=0)
    store.put(name="plan", kind="scenario", data=b"b", file_name="plan.gpkg", expected_version=1)  # editor 1
    with pytest.raises(GeoError) as err:  # editor 2 opened version 1 too
        store.put(name="plan", kind="scenario", data=b"c", file_name="plan.gpkg", expected_version=1)
    assert err.value.code == "workspace_changed"
    assert err.value.params["found"] == 2
    assert store.get("plan", kind="scenario").data == b"b"


def test_not_found_and_bad_names():
    store = open_workspace()
    with pytest.raises(GeoError) as err:
        store.get("nope", kind="table")
    assert err.value.code == "workspace_not_found"
    with pytest.raises(GeoError) as err:
        store.put(name="a\nb", kind="table", data=b"x")
    assert err.value.code == "workspace_name"
    with pytest.raises(GeoError) as err:
        store.put(name="a", kind="bogus", data=b"x")
    assert err.value.code == "workspace_kind"


def test_hostile_name_is_data_not_sql():
    store = open_workspace()
    name = "x'); DROP TABLE ws_dataset; --"
    store.put(name=name, kind="table", data=b"x", file_name="x.csv")
    assert [d.name for d in store.datasets()] == [name]


def test_locked_file_says_so_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("geo.settings.WORKSPACE_LOCK_TIMEOUT_S", 0.1)
    store = SqliteStore(tmp_path / "w.gpkg")
    store.put(name="a", kind="table", data=b"1", file_name="a.csv")
    other = sqlite3.connect(tmp_path / "w.gpkg", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(GeoError) as err:
            store.put(name="a", kind="table", data=b"2", file_name="a.csv")
        assert err.value.code == "workspace_locked"
        assert str(tmp_path) not in err.value.message("vi")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [v.version for v in store.versions("a", kind="table")] == [1]
    assert [e.action for e in store.history()] == ["save"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files; permissions cannot be tested as root")
def test_read_only_file(tmp_path):
    store = SqliteStore(tmp_path / "w.gpkg")
    os.chmod(tmp_path / "w.gpkg", stat.S_IRUSR)
    with pytest.raises(GeoError) as err:
        store.put(name="a", kind="table", data=b"1")
    assert err.value.code == "workspace_readonly"


def test_read_only_connection_refuses_writes(tmp_path, monkeypatch):
    """A read-only file (as root cannot be simulated with permissions): SQLite opened with mode=ro."""
    store = SqliteStore(tmp_path / "w.gpkg")
    store.put(name="a", kind="table", data=b"1", file_name="a.csv")
    uri = f"file:{tmp_path / 'w.gpkg'}?mode=ro"
    raw = store._raw
    monkeypatch.setattr(store, "_raw", lambda: sqlite3.connect(uri, uri=True, isolation_level=None))
    with pytest.raises(GeoError) as err:
        store.put(name="a", kind="table", data=b"2", file_name="a.csv")
    assert err.value.code == "workspace_readonly"
    monkeypatch.setattr(store, "_raw", raw)
    assert [v.version for v in store.versions("a", kind="table")] == [1]


def test_full_disk_rolls_back(tmp_path):
    store = SqliteStore(tmp_path / "w.gpkg")
    store.put(name="a", kind="table", data=b"1", file_name="a.csv")
    with sqlite3.connect(tmp_path / "w.gpkg") as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    # Cap the file at its current size: the next big write runs out of room, like a full disk.
    raw = store._raw

    def capped():
        conn = raw()
        conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        return conn

    store._raw = capped
    with pytest.raises(GeoError) as err:
        store.put(name="big", kind="table", data=os.urandom(200_000), file_name="big.csv")
    assert err.value.code == "workspace_full"
    store._raw = raw
    assert [d.name for d in store.datasets()] == ["a"]
    assert [e.name for e in store.history()] == ["a"]


def test_corrupt_file(tmp_path):
    path = tmp_path / "w.gpkg"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GeoError) as err:
        SqliteStore(path)
    assert err.value.code == "workspace_corrupt"
    assert str(tmp_path) not in err.value.message("en")


def test_newer_workspace_refused(tmp_path):
    store = SqliteStore(tmp_path / "w.gpkg")
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE ws_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(GeoError) as err:
        SqliteStore(tmp_path / "w.gpkg")
    assert err.value.code == "workspace_version"


def test_kill_during_save_loses_only_that_save(tmp_path):
    """A process killed (SIGKILL) in the middle of a write transaction: the earlier saves are whole."""
    import signal
    import subprocess
    import sys
    import time

    store = SqliteStore(tmp_path / "w.gpkg")
    store.put(name="kept", kind="table", data=b"kept", file_name="kept.csv")
    code = (
        "import sys, time\n"
        "from geo.workspace.store import SqliteStore\n"
        "s = SqliteStore(sys.argv[1])\n"
        "with s._connect(write=True) as conn:\n"
        "    s._execute(conn, \"INSERT INTO ws_blob (sha256, data) VALUES ('x', zeroblob(5000000))\")\n"
        "    s._execute(conn, \"INSERT INTO ws_audit (at, action) VALUES ('now', 'half')\")\n"
        "    print('inside', flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "w.gpkg")], stdout=subprocess.PIPE,
                            cwd=ROOT, text=True)
    assert proc.stdout.readline().strip() == "inside"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.1)
    again = SqliteStore(tmp_path / "w.gpkg")
    assert [d.name for d in again.datasets()] == ["kept"]
    assert [e.action for e in again.history()] == ["save"]
    assert again.get("kept", kind="table").data == b"kept"
    with sqlite3.connect(tmp_path / "w.gpkg") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM ws_blob WHERE sha256 = 'x'").fetchone()[0] == 0
