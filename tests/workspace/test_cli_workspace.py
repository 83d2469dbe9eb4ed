"""``python -m geo workspace ...`` and workspace datasets read by the other commands."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from geo.cli import main
from geo.workspace import open_workspace

ROOT = Path(__file__).resolve().parents[2]
KH78 = ROOT / "data" / "indicators" / "langson_districts_kh78_2021.csv"


def _json(capsys, argv) -> object:
    assert main(argv + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_add_list_show_restore_history(tmp_path, capsys):
    changed = tmp_path / "kh78.csv"
    changed.write_text(KH78.read_text(encoding="utf-8").replace(",1423,", ",1424,"), encoding="utf-8")
    assert main(["workspace", "init"]) == 0
    assert main(["workspace", "add", str(KH78), "--name", "kh78"]) == 0
    assert main(["workspace", "add", str(changed), "--name", "kh78"]) == 0
    capsys.readouterr()
    listed = _json(capsys, ["workspace", "list"])
    assert [(d["kind"], d["name"], d["version"], d["report"]["rows"]) for d in listed] == [("table", "kh78", 2, 11)]
    shown = _json(capsys, ["workspace", "show", "kh78"])
    assert [v["version"] for v in shown] == [2, 1]
    assert [v["file_name"] for v in shown] == ["kh78.csv", "langson_districts_kh78_2021.csv"]
    restored = _json(capsys, ["workspace", "restore", "kh78", "--version", "1"])
    assert restored["version"] == 3
    history = _json(capsys, ["workspace", "history", "kh78"])
    assert [(e["action"], e["version"], e["who"]) for e in history] == [
        ("save", 1, "tester"), ("save", 2, "tester"), ("restore", 3, "tester")]


def test_join_reads_a_workspace_table_by_name(tmp_path, capsys):
    assert main(["workspace", "add", str(KH78), "--name", "bảng huyện"]) == 0
    for spec in ("ws:bảng huyện", "bảng huyện"):
        out, report = tmp_path / f"{len(spec)}.gpkg", tmp_path / f"{len(spec)}.json"
        assert main(["join", "--boundaries", "default", "--indicators", spec, "--out", str(out),
                     "--report", str(report)]) == 0
        data = json.loads(report.read_text(encoding="utf-8"))
        assert data["summary"]["matched"] == 11


def test_unknown_workspace_name_is_a_one_line_error(tmp_path, capsys):
    open_workspace()
    code = main(["join", "--boundaries", "default", "--indicators", "ws:khong_co", "--out", str(tmp_path / "o.gpkg"),
                 "--report", str(tmp_path / "o.json")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "khong_co" in err


def test_export_import_into_empty_workspace(tmp_path, capsys, monkeypatch):
    assert main(["workspace", "add", str(KH78), "--name", "kh78"]) == 0
    store = open_workspace()
    info = store.info("kh78", kind="table")
    store.set_state(info.id, "overrides", {"2": "180"})
    bundle = tmp_path / "goi.gpkg"
    assert main(["workspace", "export", "--out", str(bundle)]) == 0
    before = [(e.who, e.action, e.kind, e.name, e.version, e.at) for e in store.history() if e.name]
    monkeypatch.setenv("GEO_WORKSPACE", str(tmp_path / "other"))
    capsys.readouterr()
    plan = _json(capsys, ["workspace", "import", str(bundle)])
    assert plan["counts"] == {"new": 1}
    other = open_workspace()
    assert [(d.name, d.version, d.sha256) for d in other.datasets()] == [("kh78", 1, info.sha256)]
    assert other.state(other.info("kh78", kind="table").id, "overrides") == {"2": "180"}
    after = [(e.who, e.action, e.kind, e.name, e.version, e.at) for e in other.history() if e.name]
    assert after == before
    assert all(e.origin for e in other.history())
    assert other.history()[-1].action == "import"
    # Importing again changes nothing.
    plan = _json(capsys, ["workspace", "import", str(bundle)])
    assert plan["counts"] == {"same": 1}


def test_newer_bundle_refused(tmp_path, capsys):
    assert main(["workspace", "add", str(KH78), "--name", "kh78"]) == 0
    bundle = tmp_path / "goi.gpkg"
    assert main(["workspace", "export", "--out", str(bundle)]) == 0
    with sqlite3.connect(bundle) as conn:
        conn.execute("UPDATE ws_bundle SET value = '99' WHERE key = 'format_version'")
    capsys.readouterr()
    assert main(["workspace", "import", str(bundle)]) == 2
    assert "99" in capsys.readouterr().err
    not_bundle = tmp_path / "x.gpkg"
    not_bundle.write_bytes(b"garbage" * 50)
    assert main(["workspace", "import", str(not_bundle)]) == 2


def test_conflicts_are_shown_and_never_overwrite(tmp_path, capsys, monkeypatch):
    changed = tmp_path / "kh78.csv"
    changed.write_text(KH78.read_text(encoding="utf-8").replace(",1423,", ",1424,"), encoding="utf-8")
    assert main(["workspace", "add", str(KH78), "--name", "kh78"]) == 0
    bundle = tmp_path / "goi.gpkg"
    assert main(["workspace", "export", "--out", str(bundle)]) == 0
    # The province changes its copy; the district's bundle then changes too: both sides moved.
    assert main(["workspace", "add", str(changed), "--name", "kh78"]) == 0
    monkeypatch.setenv("GEO_WORKSPACE", str(tmp_path / "district"))
    assert main(["workspace", "import", str(bundle)]) == 0
    third = tmp_path / "kh78_b.csv"
    third.write_text(KH78.read_text(encoding="utf-8").replace(",1423,", ",1500,"), encoding="utf-8")
    assert main(["workspace", "add", str(third), "--name", "kh78"]) == 0
    bundle2 = tmp_path / "goi2.gpkg"
    assert main(["workspace", "export", "--out", str(bundle2)]) == 0
    monkeypatch.delenv("GEO_WORKSPACE")
    monkeypatch.setenv("GEO_WORKSPACE", str(tmp_path.parent / (tmp_path.name + "_p")))
    # Fresh province workspace with the same two first steps.
    assert main(["workspace", "add", str(KH78), "--name", "kh78"]) == 0
    assert main(["workspace", "add", str(changed), "--name", "kh78"]) == 0
    store = open_workspace()
    mine = store.get("kh78", kind="table").data
    capsys.readouterr()
    assert main(["workspace", "import", str(bundle2)]) == 2
    assert "kh78" in capsys.readouterr().err
    assert store.get("kh78", kind="table").data == mine
    plan = _json(capsys, ["workspace", "import", str(bundle2), "--on-conflict", "copy"])
    assert [(i["status"], i["action"]) for i in plan["items"]] == [("conflict", "rename")]
    assert store.get("kh78", kind="table").data == mine
    copy = plan["items"][0]["target"]
    assert copy.startswith("kh78 (") and store.get(copy, kind="table").data == third.read_bytes()
    plan = _json(capsys, ["workspace", "import", str(bundle2), "--on-conflict", "version"])
    assert [v.version for v in store.versions("kh78", kind="table")] == [3, 2, 1]
    assert store.get("kh78", kind="table", version=2).data == mine


def test_users_need_a_team_workspace(capsys):
    assert main(["workspace", "users", "list"]) == 2
    assert "postgresql" in capsys.readouterr().err
