"""Team mode on a real PostgreSQL + PostGIS (geo.workspace.postgis): logins, roles, province isolation by
row-level security, optimistic concurrency, parameterised queries, an unreachable server.

The server is a throw-away cluster (geo.workspace.pg_cluster) started for this module, or the one named
by GEO_TEST_PG_OWNER_URL / GEO_TEST_PG_APP_URL (.ci/run starts one). Without PostgreSQL and PostGIS the
tests skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from geo._errors import GeoError

ROOT = Path(__file__).resolve().parents[2]
KH78 = ROOT / "data" / "indicators" / "langson_districts_kh78_2021.csv"
PASSWORD = "mat-khau-dai-1"


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    """(owner_url, app_url) of a prepared team workspace."""
    from geo.workspace import pg_cluster
    from geo.workspace.postgis import PostgisAdmin

    owner, app = os.environ.get("GEO_TEST_PG_OWNER_URL"), os.environ.get("GEO_TEST_PG_APP_URL")
    folder = None
    if not (owner and app):
        reason = pg_cluster.unavailable_reason()
        if reason:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI needs PostgreSQL + PostGIS: {reason}")
            pytest.skip(reason)
        folder = Path(f"/tmp/geo-pg-{uuid.uuid4().hex[:8]}")
        cluster = pg_cluster.start(folder)
        owner, app = cluster.owner_url, cluster.app_url
    from geo.cli import main

    assert main(["workspace", "init", "--workspace", owner, "--app-role", "geo_app"]) == 0
    PostgisAdmin(owner).init(app_role="geo_app")  # idempotent
    yield owner, app
    if folder is not None:
        pg_cluster.stop(folder)


@pytest.fixture(scope="module")
def users(pg):
    """Three users: a Lạng Sơn editor, a Cao Bằng editor, a Lạng Sơn viewer (unique names per run)."""
    from geo.workspace.postgis import PostgisAdmin

    owner, _ = pg
    tag = uuid.uuid4().hex[:6]
    names = {"ls": f"ls_{tag}", "cb": f"cb_{tag}", "view": f"view_{tag}"}
    admin = PostgisAdmin(owner)
    admin.add_user(names["ls"], password=PASSWORD, role="editor", provinces=["20"])
    admin.add_user(names["cb"], password=PASSWORD, role="editor", provinces=["04"])
    admin.add_user(names["view"], password=PASSWORD, role="viewer", provinces=["20"])
    return names


def _login(pg, name):
    from geo.workspace.postgis import PostgisStore

    return PostgisStore.login(pg[1], user=name, password=PASSWORD)


def test_wrong_password_and_hash_storage(pg, users):
    from geo.workspace.postgis import PostgisAdmin, PostgisStore

    with pytest.raises(GeoError) as err:
        PostgisStore.login(pg[1], user=users["ls"], password="wrong-password")
    assert err.value.code == "workspace_login"
    stored = PostgisAdmin(pg[0])._exec("SELECT hash FROM ws_user WHERE name = %s", (users["ls"],))[0][0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_provinces_are_isolated_by_the_database(pg, users):
    ls, cb = _login(pg, users["ls"]), _login(pg, users["cb"])
    ls.put(name="xa.csv", kind="table", data=b"lang son rows", file_name="xa.csv", province="20")
    cb.put(name="xa.csv", kind="table", data=b"cao bang rows", file_name="xa.csv", province="04")
    cb.put(name="cb_only", kind="table", data=b"cao bang only", file_name="cb.csv", province="04")
    assert {(d.name, d.province) for d in ls.datasets()} >= {("xa.csv", "20")}
    assert all(d.province == "20" for d in ls.datasets())
    assert all(d.province == "04" for d in cb.datasets())
    assert ls.get("xa.csv", kind="table").data == b"lang son rows"
    with pytest.raises(GeoError) as err:
        ls.get("cb_only", kind="table")
    assert err.value.code == "workspace_not_found"
    # Crafted queries through the library's connection, as the Lạng Sơn user: no Cao Bằng row comes back.
    assert ls.query("SELECT count(*) FROM ws_dataset WHERE province = %s", ("04",)) == [(0,)]
    assert ls.query("SELECT count(*) FROM ws_dataset WHERE province <> '20' OR true AND province = '04'") == [(0,)]
    assert ls.query("SELECT count(*) FROM ws_blob WHERE data = %s", (b"cao bang only",)) == [(0,)]
    assert ls.query("SELECT count(*) FROM ws_audit WHERE province = '04'") == [(0,)]
    from geo.workspace.postgis import PostgisStore

    forged = PostgisStore(pg[1], token="forged-token")
    assert forged.query("SELECT count(*) FROM ws_dataset") == [(0,)]
    with pytest.raises(GeoError):
        ls.query("SELECT count(*) FROM ws_user")  # the user table is the owner's only
    # Writing into another province is refused by the database.
    with pytest.raises(GeoError) as err:
        ls.put(name="sneaky", kind="table", data=b"x", file_name="x.csv", province="04")
    assert err.value.code == "workspace_forbidden"
    assert cb.query("SELECT count(*) FROM ws_dataset WHERE name = 'sneaky'") == [(0,)]


def test_viewer_cannot_write_and_no_token_sees_nothing(pg, users):
    from geo.workspace.postgis import PostgisStore

    viewer = _login(pg, users["view"])
    with pytest.raises(GeoError) as err:
        viewer.put(name="v", kind="table", data=b"v", file_name="v.csv", province="20")
    assert err.value.code == "workspace_forbidden"
    anonymous = PostgisStore(pg[1])
    assert anonymous.datasets() == []
    assert anonymous.query("SELECT count(*) FROM ws_dataset") == [(0,)]


def test_sessions_expire(pg, users):
    from geo.workspace.postgis import PostgisAdmin

    store = _login(pg, users["view"])
    assert store.whoami()[0] == users["view"]
    PostgisAdmin(pg[0]).expire_sessions(users["view"])
    store._me = None
    with pytest.raises(GeoError) as err:
        store.whoami()
    assert err.value.code == "workspace_session"
    assert store.datasets() == []


def test_second_editor_is_told_the_scenario_changed(pg, users):
    first, second = _login(pg, users["ls"]), _login(pg, users["ls"])
    v1 = first.put(name="phuong an", kind="scenario", data=b"a", file_name="pa.gpkg", province="20", expected_version=0)
    opened_by_second = second.info("phuong an", kind="scenario").version
    first.put(name="phuong an", kind="scenario", data=b"b", file_name="pa.gpkg", province="20",
              expected_version=v1.version)
    with pytest.raises(GeoError) as err:
        second.put(name="phuong an", kind="scenario", data=b"c", file_name="pa.gpkg", province="20",
                   expected_version=opened_by_second)
    assert err.value.code == "workspace_changed"
    assert err.value.params["author"] == users["ls"]
    assert first.get("phuong an", kind="scenario").data == b"b"


def test_hostile_names_are_parameters(pg, users):
    ls = _login(pg, users["ls"])
    name = "x'; DELETE FROM ws_dataset; --"
    ls.put(name=name, kind="table", data=b"h", file_name="h.csv", province="20")
    assert ls.get(name, kind="table").data == b"h"
    assert ls.info("xa.csv", kind="table").province == "20"


def test_boundaries_become_postgis_geometries(pg, users):
    from geo.units.tessellation import default_boundaries

    ls = _login(pg, users["ls"])
    gdf = default_boundaries(province="20", level="district", vintage="pre2025")
    info = ls.put(name="huyen", kind="boundaries", data=b"layer bytes", file_name="huyen.gpkg", province="20")
    assert ls.put_features(info.id, gdf, province="20") == 11
    rows = ls.query("SELECT count(*), round(sum(ST_Area(geom::geography)) / 1e6) FROM ws_feature WHERE dataset_id = %s",
                    (info.id,))
    assert rows[0][0] == 11 and 8000 < rows[0][1] < 10000
    cb = _login(pg, users["cb"])
    assert cb.query("SELECT count(*) FROM ws_feature") == [(0,)]


def test_unreachable_server_is_a_clear_message():
    from geo.workspace import open_workspace

    with pytest.raises(GeoError) as err:
        open_workspace("postgresql://geo_app:secret@127.0.0.1:9/geo")
    assert err.value.code == "workspace_unreachable"
    assert "secret" not in err.value.message("vi") and "127.0.0.1:9/geo" in err.value.message("vi")


def test_cli_users_and_list(pg, users, capsys, monkeypatch):
    from geo.cli import main

    name = users["ls"] + "_cli"
    monkeypatch.setenv("GEO_PASSWORD", PASSWORD)
    assert main(["workspace", "users", "add", name, "--role", "editor", "--provinces", "20",
                 "--workspace", pg[0]]) == 0
    assert main(["workspace", "users", "add", name, "--provinces", "20", "--workspace", pg[0]]) == 2
    capsys.readouterr()
    assert main(["workspace", "list", "--workspace", pg[1], "--user", name, "--json"]) == 0
    import json

    listed = json.loads(capsys.readouterr().out)
    assert listed and all(d["province"] == "20" for d in listed)
    monkeypatch.setenv("GEO_PASSWORD", "wrong-password")
    assert main(["workspace", "list", "--workspace", pg[1], "--user", name]) == 2


def test_uploaded_boundaries_are_kept_as_postgis_geometries(pg, users, tmp_path):
    from geo.units.tessellation import default_boundaries
    from geo.workspace import datasets as wsd

    gdf = default_boundaries(province="20", level="district", vintage="pre2025")[["code", "name", "geometry"]]
    gdf.to_file(tmp_path / "huyen.gpkg", driver="GPKG")
    ls = _login(pg, users["ls"])
    info, layer = wsd.save_boundaries(ls, data=(tmp_path / "huyen.gpkg").read_bytes(), file_name="huyen.gpkg",
                                      province="20", level="district", vintage="pre2025")
    rows = ls.query("SELECT count(*), count(DISTINCT code) FROM ws_feature WHERE dataset_id = %s", (info.id,))
    assert rows == [(11, 11)]
    assert sorted(wsd.load_boundaries_layer(ls, "huyen.gpkg").gdf["code"]) == sorted(layer.gdf["code"])
