"""Offline exchange: a workspace bundle is one GeoPackage with chosen datasets, scenarios and the audit trail.

A district office with no network exports a bundle and carries it by USB; the province imports it.
The bundle holds the same ``ws_*`` tables as an embedded workspace, every version of each chosen
dataset and their audit records, plus ``ws_bundle`` (format version, when, who, from where).

Import never overwrites: for each dataset it compares the versions by content digest and

* ``new``: absent here, copied with its versions, authors and times;
* ``same``: nothing to do;
* ``ahead``: the bundle continues this workspace's history, the newer versions are appended;
* ``behind``: this workspace already has everything in the bundle;
* ``conflict``: both sides changed. Resolved by ``on_conflict``: ``keep`` (leave it, the default),
  ``copy`` (import under a new name ``<name> (<origin>)``) or ``version`` (the bundle's newest
  becomes a new version here; every older version stays restorable).

Copied audit records keep their time and author and carry the bundle's origin; the import itself is
one more record. The whole import is one transaction.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import Num, megabytes
from geo.io.write import atomic_path, check_output
from geo.workspace.store import _AUDIT_COLS, _DATASET_COLS, SqliteStore, Store, _audit, _info, init_geopackage, now, sha256

__all__ = ["export_bundle", "import_bundle", "ImportPlan", "ImportItem", "CONFLICT_CHOICES"]

CONFLICT_CHOICES = ("keep", "copy", "version")
_BUNDLE_TABLE = "ws_bundle"


@dataclass(frozen=True)
class ImportItem:
    """What an import does with one dataset of the bundle."""

    kind: str
    name: str
    status: str  # new, same, ahead, behind, conflict
    action: str  # copy, append, skip, rename, version
    target: str  # the name it gets here
    versions: int  # versions written here


@dataclass
class ImportPlan:
    """The items of an import, its origin, and whether it was applied."""

    origin: str
    items: list[ImportItem] = field(default_factory=list)
    applied: bool = False

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for item in self.items:
            out[item.status] = out.get(item.status, 0) + 1
        return out

    @property
    def conflicts(self) -> list[ImportItem]:
        return [i for i in self.items if i.status == "conflict"]

    def to_dict(self) -> dict:
        return {"origin": self.origin, "applied": self.applied, "counts": self.counts(),
                "items": [asdict(i) for i in self.items]}


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------
def export_bundle(store: Store, path: str | Path, *, names: Iterable[str] = (), kinds: Iterable[str] = (),
                  overwrite: bool = False, origin: str | None = None) -> dict:
    """Write a bundle of the chosen datasets (all when none are named) with every version and their history.

    Returns a summary: datasets, versions and audit records written.
    """
    out = Path(path)
    if out.suffix.lower() != ".gpkg":
        raise GeoError("unsupported_format", path=out.name, supported=".gpkg")
    check_output(out, overwrite=overwrite)
    names, kinds = set(names), set(kinds)
    chosen = [d for d in store.datasets() if (not names or d.name in names) and (not kinds or d.kind in kinds)]
    if names - {d.name for d in chosen}:
        missing = sorted(names - {d.name for d in chosen})[0]
        raise GeoError("workspace_not_found", name=missing, kind="?", version="")
    origin = origin or f"{store.who()}@{socket.gethostname()}:{store.label}"
    n_versions = n_audit = 0
    with atomic_path(out) as tmp:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("BEGIN")
            init_geopackage(conn, label=out.name)
            conn.execute(f"CREATE TABLE {_BUNDLE_TABLE} (id INTEGER PRIMARY KEY, key TEXT UNIQUE, value TEXT)")
            conn.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
                         (_BUNDLE_TABLE, _BUNDLE_TABLE))
            from geo import __version__

            for key, value in (("format_version", settings.WORKSPACE_BUNDLE_VERSION), ("app_version", __version__),
                               ("created", now()), ("origin", origin), ("who", store.who())):
                conn.execute(f"INSERT INTO {_BUNDLE_TABLE} (key, value) VALUES (?, ?)", (key, str(value)))
            keys = {(d.kind, d.name) for d in chosen}
            for d in chosen:
                for info in reversed(store.versions(d.name, kind=d.kind)):
                    ds = store.get(info.name, kind=info.kind, version=info.version)
                    conn.execute("INSERT OR IGNORE INTO ws_blob (sha256, data) VALUES (?, ?)", (info.sha256, ds.data))
                    conn.execute(
                        "INSERT INTO ws_dataset (id, kind, name, version, file_name, sha256, size, province, level, "
                        "vintage, params, report, created, author, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (info.id, info.kind, info.name, info.version, info.file_name, info.sha256, info.size,
                         info.province, info.level, info.vintage, json.dumps(info.params, ensure_ascii=False),
                         json.dumps(info.report, ensure_ascii=False), info.created, info.author, info.origin))
                    for key, value in store._states(info.id).items():
                        conn.execute("INSERT INTO ws_state (dataset_id, key, value, province, updated, author) "
                                     "VALUES (?, ?, ?, ?, ?, ?)", (info.id, key, json.dumps(value, ensure_ascii=False),
                                                                   info.province, now(), info.author))
                    n_versions += 1
            for entry in store.history():
                if (entry.kind, entry.name) in keys:
                    conn.execute(
                        "INSERT INTO ws_audit (at, who, action, kind, name, version, file_name, province, origin, detail) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (entry.at, entry.who, entry.action, entry.kind, entry.name, entry.version, entry.file_name,
                         entry.province, entry.origin, json.dumps(entry.detail, ensure_ascii=False)))
                    n_audit += 1
            conn.execute("COMMIT")
        finally:
            conn.close()
    store.log(action="export", file_name=out.name, origin=origin,
              detail={"datasets": len(chosen), "versions": n_versions, "audit": n_audit})
    return {"datasets": len(chosen), "versions": n_versions, "audit": n_audit, "origin": origin}


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------
def _open_bundle(path: Path) -> tuple[sqlite3.Connection, dict]:
    shown = path.name
    if not path.is_file():
        raise GeoError("file_not_found", path=shown)
    if path.stat().st_size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoError("file_too_large", path=shown, size_mb=megabytes(path.stat().st_size),
                       limit_mb=Num(settings.MAX_UPLOAD_MB, None))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise GeoError("workspace_bundle_invalid", path=shown, reason=str(exc)) from None
    needed = {_BUNDLE_TABLE, "ws_dataset", "ws_blob", "ws_state", "ws_audit"}
    if not needed <= tables:
        conn.close()
        raise GeoError("workspace_bundle_invalid", path=shown, reason="missing " + ", ".join(sorted(needed - tables)))
    try:
        meta = {str(k): str(v) for k, v in conn.execute(f"SELECT key, value FROM {_BUNDLE_TABLE}")}
    except sqlite3.Error as exc:
        conn.close()
        raise GeoError("workspace_bundle_invalid", path=shown, reason=str(exc)) from None
    raw = meta.get("format_version", "")
    found = int(raw) if raw.isdigit() else None
    if found is None or found < 1 or found > settings.WORKSPACE_BUNDLE_VERSION:
        conn.close()
        raise GeoError("workspace_bundle_version", path=shown, found=raw[:20] or "?",
                       supported=settings.WORKSPACE_BUNDLE_VERSION)
    return conn, meta


def import_bundle(store: Store, path: str | Path, *, on_conflict: str = "keep", dry_run: bool = False) -> ImportPlan:
    """Import a bundle into ``store`` without overwriting anything; returns what was (or would be) done."""
    if on_conflict not in CONFLICT_CHOICES:
        raise GeoError("workspace_conflict", name="?", kind="?")
    src = Path(path)
    conn, meta = _open_bundle(src)
    origin = meta.get("origin") or src.name
    try:
        try:
            rows = [_info(r) for r in conn.execute(f"SELECT {_DATASET_COLS} FROM ws_dataset ORDER BY kind, name, version")]
            audit = [_audit(r) for r in conn.execute(f"SELECT {_AUDIT_COLS} FROM ws_audit ORDER BY id")]
        except (sqlite3.Error, ValueError, TypeError) as exc:
            raise GeoError("workspace_bundle_invalid", path=src.name, reason=str(exc)) from None
        groups: dict[tuple[str, str], list] = {}
        for info in rows:
            groups.setdefault((info.kind, info.name), []).append(info)
        plan = ImportPlan(origin=origin)
        writes = []  # (target name, [infos to append], mode)
        existing_names = {(d.kind, d.name) for d in store.datasets()}
        for (kind, name), theirs in groups.items():
            mine = store.versions(name, kind=kind)[::-1] if (kind, name) in existing_names else []
            a, b = [i.sha256 for i in mine], [i.sha256 for i in theirs]
            if not mine:
                status, action, target, todo = "new", "copy", name, theirs
            elif a == b:
                status, action, target, todo = "same", "skip", name, []
            elif b[: len(a)] == a:
                status, action, target, todo = "ahead", "append", name, theirs[len(a):]
            elif a[: len(b)] == b:
                status, action, target, todo = "behind", "skip", name, []
            else:
                status = "conflict"
                if on_conflict == "copy":
                    action, target, todo = "rename", _free_name(store, kind, f"{name} ({origin})"), theirs
                elif on_conflict == "version":
                    action, target, todo = "version", name, theirs[-1:]
                else:
                    action, target, todo = "skip", name, []
            plan.items.append(ImportItem(kind=kind, name=name, status=status, action=action, target=target,
                                         versions=len(todo)))
            if todo:
                writes.append((target, todo, action))
        if dry_run:
            return plan
        blobs: dict[str, bytes] = {}
        states: dict[int, list] = {}
        for _, todo, _ in writes:
            for info in todo:
                got = conn.execute("SELECT data FROM ws_blob WHERE sha256 = ?", (info.sha256,)).fetchone()
                if got is None or sha256(bytes(got[0])) != info.sha256:
                    raise GeoError("workspace_bundle_invalid", path=src.name, reason=f"content of {info.name} v{info.version}")
                blobs[info.sha256] = bytes(got[0])
                states[info.id] = conn.execute("SELECT key, value FROM ws_state WHERE dataset_id = ?", (info.id,)).fetchall()
    finally:
        conn.close()
    who = store.who()
    with store._connect(write=True) as db:
        for target, todo, action in writes:
            rows = store._rows(db, "SELECT MAX(version) FROM ws_dataset WHERE kind = ? AND name = ?",
                               (todo[0].kind, target))
            current = int(rows[0][0] or 0)
            for info in todo:
                current += 1
                new_id = store._insert_id(
                    db,
                    "INSERT INTO ws_dataset (kind, name, version, file_name, sha256, size, province, level, vintage, "
                    "params, report, created, author, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (info.kind, target, current, info.file_name, info.sha256, info.size, info.province, info.level,
                     info.vintage, json.dumps(info.params, ensure_ascii=False), json.dumps(info.report, ensure_ascii=False),
                     info.created, info.author, info.origin or origin))
                store._execute(db, "INSERT INTO ws_blob (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING",
                               (info.sha256, store._binary(blobs[info.sha256])))
                for key, value in states.get(info.id, []):
                    store._execute(db, "INSERT INTO ws_state (dataset_id, key, value, province, updated, author) "
                                       "VALUES (?, ?, ?, ?, ?, ?)", (new_id, key, value, info.province, now(), info.author))
        imported = {(todo[0].kind, todo[0].name): target for target, todo, action in writes if action in ("copy", "rename")}
        for entry in audit:
            target = imported.get((entry.kind, entry.name))
            if target is None:
                continue
            store._log(db, who=entry.who, action=entry.action, kind=entry.kind, name=target, version=entry.version,
                       file_name=entry.file_name, province=entry.province, origin=entry.origin or origin,
                       detail=entry.detail, at=entry.at)
        store._log(db, who=who, action="import", kind="", name="", version=None, file_name=src.name, province=None,
                   origin=origin, detail=plan.counts())
    plan.applied = True
    return plan


def _free_name(store: Store, kind: str, name: str) -> str:
    candidate, n = name, 2
    while True:
        try:
            store.info(candidate, kind=kind)
        except GeoError:
            return candidate
        candidate, n = f"{name} {n}", n + 1
