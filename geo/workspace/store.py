"""The workspace store: datasets with versions, their state (hand matches...), and an audit log.

One logic, two back ends:

* :class:`SqliteStore` (the default): one SQLite file that is also a valid GeoPackage
  (``workspace.gpkg``; QGIS lists its tables), in the workspace folder. No set-up.
* :class:`geo.workspace.postgis.PostgisStore` (team mode): the same tables in PostgreSQL/PostGIS,
  with users, roles and province isolation by row-level security.

A *dataset* is identified by its kind and name. Every write of a name makes a new *version*; older
versions stay and can be restored (:meth:`Store.restore` writes the old content as the newest version).
Content is kept as the original file's bytes, addressed by its full SHA-256, so a dataset reopens
through the same safe readers as an upload and two files never share an entry unless their bytes are
equal. Every write runs in one transaction together with its audit record: a failure (locked, full,
read-only or corrupt file, or the process killed) leaves the previous state whole.

Every query is parameterised.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import Num, megabytes

__all__ = ["DatasetInfo", "Dataset", "AuditEntry", "Store", "SqliteStore", "KINDS", "sha256", "now", "current_user"]

# What a workspace holds. "table": indicator tables; "boundaries": boundary layers; "designations": a
# province's designation set (lists and hand tags); "converted": tables carried to the 2025 communes;
# "scenario": a self-contained scenario GeoPackage; "mapping": a household list's column mapping, per header
# shape (geo.workspace.household_mappings).
KINDS = ("table", "boundaries", "designations", "converted", "scenario", "mapping")
SCHEMA_VERSION = 1


def sha256(data: bytes) -> str:
    """The full SHA-256 of ``data`` in hex (the key of stored content; never a prefix)."""
    return hashlib.sha256(data).hexdigest()


def now() -> str:
    """The current UTC time, ISO 8601 to the microsecond."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat()


def current_user() -> str:
    """Who acts in an embedded workspace: ``GEO_USER`` or the operating-system user."""
    name = os.environ.get(settings.WORKSPACE_USER_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user database (containers)
        return "?"


@dataclass(frozen=True)
class DatasetInfo:
    """One stored version of a dataset (without its bytes)."""

    id: int
    kind: str
    name: str
    version: int
    file_name: str
    sha256: str
    size: int
    province: str | None = None
    level: str | None = None
    vintage: str | None = None
    params: dict = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    created: str = ""
    author: str = ""
    origin: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Dataset:
    """A stored version with its content."""

    info: DatasetInfo
    data: bytes


@dataclass(frozen=True)
class AuditEntry:
    """Who did what, when, to which dataset, from which file (and from which bundle or office)."""

    id: int
    at: str
    who: str
    action: str
    kind: str
    name: str
    version: int | None
    file_name: str
    province: str | None
    origin: str
    detail: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


_DATASET_COLS = ("id, kind, name, version, file_name, sha256, size, province, level, vintage, params, report, "
                 "created, author, origin")
_AUDIT_COLS = "id, at, who, action, kind, name, version, file_name, province, origin, detail"


def _info(row) -> DatasetInfo:
    (id_, kind, name, version, file_name, digest, size, province, level, vintage, params, report, created,
     author, origin) = row
    return DatasetInfo(
        id=int(id_), kind=kind, name=name, version=int(version), file_name=file_name or "", sha256=digest,
        size=int(size or 0), province=province, level=level, vintage=vintage,
        params=json.loads(params or "{}"), report=json.loads(report or "{}"), created=str(created or ""),
        author=author or "", origin=origin or "",
    )


def _audit(row) -> AuditEntry:
    id_, at, who, action, kind, name, version, file_name, province, origin, detail = row
    return AuditEntry(id=int(id_), at=str(at), who=who or "", action=action, kind=kind or "", name=name or "",
                      version=None if version is None else int(version), file_name=file_name or "",
                      province=province, origin=origin or "", detail=json.loads(detail or "{}"))


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise GeoError("workspace_kind", kind=kind, kinds=", ".join(KINDS))


def _check_name(name: str) -> str:
    name = str(name).strip()
    if not name or len(name) > settings.WORKSPACE_NAME_MAX_CHARS or any(ord(c) < 32 for c in name):
        raise GeoError("workspace_name", name=name[:80], limit=settings.WORKSPACE_NAME_MAX_CHARS)
    return name


class Store:
    """The workspace logic shared by both back ends (subclasses give connections and DDL).

    Subclasses implement :meth:`_connect` (a context manager yielding a DB-API connection in one
    transaction), :attr:`placeholder` and :meth:`_insert_id`.
    """

    placeholder = "?"
    label = ""  # what messages call this workspace (a file name or a server, never a full server path)

    # -- plumbing ------------------------------------------------------------------
    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator:  # pragma: no cover - abstract
        raise NotImplementedError
        yield

    def _sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    def _rows(self, conn, text: str, params: Iterable = ()) -> list:
        cur = conn.execute(self._sql(text), tuple(params))
        return cur.fetchall()

    def who(self) -> str:
        return current_user()

    # -- reading ---------------------------------------------------------------------
    def datasets(self, *, kind: str | None = None, province: str | None = None) -> list[DatasetInfo]:
        """The newest version of every dataset, sorted by kind then name (one query, no content read)."""
        where, params = [], []
        if kind is not None:
            _check_kind(kind)
            where.append("d.kind = ?")
            params.append(kind)
        if province is not None:
            where.append("d.province = ?")
            params.append(str(province))
        sql = (f"SELECT {', '.join('d.' + c.strip() for c in _DATASET_COLS.split(','))} FROM ws_dataset d "
               "JOIN (SELECT kind, name, MAX(version) AS v FROM ws_dataset GROUP BY kind, name) m "
               "ON m.kind = d.kind AND m.name = d.name AND m.v = d.version"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.kind, d.name")
        with self._connect() as conn:
            return [_info(r) for r in self._rows(conn, sql, params)]

    def versions(self, name: str, *, kind: str) -> list[DatasetInfo]:
        """Every version of one dataset, newest first."""
        _check_kind(kind)
        with self._connect() as conn:
            rows = self._rows(conn, f"SELECT {_DATASET_COLS} FROM ws_dataset WHERE kind = ? AND name = ? "
                                    "ORDER BY version DESC", (kind, name))
        return [_info(r) for r in rows]

    def info(self, name: str, *, kind: str, version: int | None = None) -> DatasetInfo:
        """One version's description (the newest by default); ``workspace_not_found`` when absent."""
        _check_kind(kind)
        with self._connect() as conn:
            return self._info_in(conn, name, kind=kind, version=version)

    def _info_in(self, conn, name: str, *, kind: str, version: int | None) -> DatasetInfo:
        if version is None:
            rows = self._rows(conn, f"SELECT {_DATASET_COLS} FROM ws_dataset WHERE kind = ? AND name = ? "
                                    "ORDER BY version DESC LIMIT 1", (kind, name))
        else:
            rows = self._rows(conn, f"SELECT {_DATASET_COLS} FROM ws_dataset WHERE kind = ? AND name = ? "
                                    "AND version = ?", (kind, name, int(version)))
        if not rows:
            raise GeoError("workspace_not_found", name=name, kind=kind,
                           version="" if version is None else f" v{version}")
        return _info(rows[0])

    def get(self, name: str, *, kind: str, version: int | None = None) -> Dataset:
        """One version with its bytes (the newest by default)."""
        _check_kind(kind)
        with self._connect() as conn:
            info = self._info_in(conn, name, kind=kind, version=version)
            rows = self._rows(conn, "SELECT data FROM ws_blob WHERE sha256 = ?", (info.sha256,))
        if not rows:
            raise GeoError("workspace_corrupt", path=self.label, reason=f"content of {name} v{info.version}")
        data = bytes(rows[0][0])
        if sha256(data) != info.sha256:
            raise GeoError("workspace_corrupt", path=self.label, reason=f"checksum of {name} v{info.version}")
        return Dataset(info=info, data=data)

    def find(self, name: str, *, kinds: Iterable[str] = KINDS) -> DatasetInfo | None:
        """The newest version of ``name`` among ``kinds`` (first kind that has it), or None."""
        for kind in kinds:
            try:
                return self.info(name, kind=kind)
            except GeoError as exc:
                if exc.code != "workspace_not_found":
                    raise
        return None

    def history(self, name: str | None = None, *, kind: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, oldest first (of one dataset when ``name`` is given)."""
        where, params = [], []
        if name is not None:
            where.append("name = ?")
            params.append(name)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        sql = f"SELECT {_AUDIT_COLS} FROM ws_audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        if limit is not None:
            sql = f"SELECT * FROM ({sql} DESC LIMIT {int(limit)}) AS last ORDER BY id"
        with self._connect() as conn:
            return [_audit(r) for r in self._rows(conn, sql, params)]

    def state(self, dataset_id: int, key: str, default=None):
        """A JSON value attached to one stored version (hand matches: ``"overrides"``...)."""
        with self._connect() as conn:
            rows = self._rows(conn, "SELECT value FROM ws_state WHERE dataset_id = ? AND key = ?", (int(dataset_id), key))
        return json.loads(rows[0][0]) if rows else default

    # -- writing ---------------------------------------------------------------------
    def put(
        self,
        *,
        name: str,
        kind: str,
        data: bytes,
        file_name: str = "",
        province: str | None = None,
        level: str | None = None,
        vintage: str | None = None,
        params: dict | None = None,
        report: dict | None = None,
        expected_version: int | None = None,
        origin: str = "",
        action: str = "save",
        who: str | None = None,
    ) -> DatasetInfo:
        """Store ``data`` as the next version of ``name`` (one transaction with its audit record).

        The same bytes and parameters as the newest version add no version and return it. With
        ``expected_version`` (optimistic concurrency) the write is refused with ``workspace_changed``
        when someone saved a newer version since it was read; ``0`` means "must not exist yet".
        """
        _check_kind(kind)
        name = _check_name(name)
        if len(data) > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise GeoError("file_too_large", path=file_name or name, size_mb=megabytes(len(data)),
                           limit_mb=Num(settings.MAX_UPLOAD_MB, None))
        digest = sha256(data)
        params_json = json.dumps(params or {}, ensure_ascii=False, sort_keys=True, default=str)
        report_json = json.dumps(report or {}, ensure_ascii=False, sort_keys=True, default=str)
        who = who or self.who()
        with self._connect(write=True) as conn:
            rows = self._rows(conn, f"SELECT {_DATASET_COLS} FROM ws_dataset WHERE kind = ? AND name = ? "
                                    "ORDER BY version DESC LIMIT 1", (kind, name))
            latest = _info(rows[0]) if rows else None
            current = latest.version if latest else 0
            if expected_version is not None and int(expected_version) != current:
                raise GeoError("workspace_changed", name=name, expected=int(expected_version), found=current,
                               author=latest.author if latest else "")
            if (latest is not None and latest.sha256 == digest and json.dumps(latest.params, ensure_ascii=False,
                    sort_keys=True, default=str) == params_json and action == "save"):
                return latest
            stamp = now()
            new_id = self._insert_id(
                conn,
                "INSERT INTO ws_dataset (kind, name, version, file_name, sha256, size, province, level, vintage, "
                "params, report, created, author, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, name, current + 1, file_name, digest, len(data), province, level, vintage, params_json,
                 report_json, stamp, who, origin),
            )
            # After the version row: in team mode a content row is readable only through a dataset that names it.
            self._execute(conn, "INSERT INTO ws_blob (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING",
                          (digest, self._binary(data)))
            self._log(conn, who=who, action=action, kind=kind, name=name, version=current + 1, file_name=file_name,
                      province=province, origin=origin, detail={"sha256": digest, "size": len(data)}, at=stamp)
            del new_id
            return self._info_in(conn, name, kind=kind, version=current + 1)

    def restore(self, name: str, *, kind: str, version: int, who: str | None = None) -> DatasetInfo:
        """Make an older version the newest again (as a new version; nothing is deleted)."""
        old = self.get(name, kind=kind, version=version)
        i = old.info
        new = self.put(name=name, kind=kind, data=old.data, file_name=i.file_name, province=i.province, level=i.level,
                       vintage=i.vintage, params=i.params, report=i.report, origin=i.origin, action="restore", who=who)
        for key, value in self._states(i.id).items():
            self.set_state(new.id, key, value, who=who, log=False)
        return new

    def _states(self, dataset_id: int) -> dict:
        with self._connect() as conn:
            rows = self._rows(conn, "SELECT key, value FROM ws_state WHERE dataset_id = ?", (int(dataset_id),))
        return {k: json.loads(v) for k, v in rows}

    def set_state(self, dataset_id: int, key: str, value, *, who: str | None = None, log: bool = True) -> None:
        """Attach a JSON value to one stored version (one transaction with its audit record)."""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        who = who or self.who()
        with self._connect(write=True) as conn:
            rows = self._rows(conn, f"SELECT {_DATASET_COLS} FROM ws_dataset WHERE id = ?", (int(dataset_id),))
            if not rows:
                raise GeoError("workspace_not_found", name=str(dataset_id), kind="?", version="")
            info = _info(rows[0])
            self._execute(conn, "DELETE FROM ws_state WHERE dataset_id = ? AND key = ?", (int(dataset_id), key))
            self._execute(conn, "INSERT INTO ws_state (dataset_id, key, value, province, updated, author) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (int(dataset_id), key, text, info.province, now(), who))
            if log:
                self._log(conn, who=who, action=f"state:{key}", kind=info.kind, name=info.name, version=info.version,
                          file_name=info.file_name, province=info.province, origin="",
                          detail={"size": len(value) if hasattr(value, "__len__") else None})

    def log(self, *, action: str, kind: str = "", name: str = "", version: int | None = None, file_name: str = "",
            province: str | None = None, origin: str = "", detail: dict | None = None, who: str | None = None,
            at: str | None = None) -> None:
        """Add one audit record on its own (imports copy the origin's records this way)."""
        with self._connect(write=True) as conn:
            self._log(conn, who=who or self.who(), action=action, kind=kind, name=name, version=version,
                      file_name=file_name, province=province, origin=origin, detail=detail or {}, at=at)

    def _log(self, conn, *, who, action, kind, name, version, file_name, province, origin, detail, at=None) -> None:
        self._execute(conn, "INSERT INTO ws_audit (at, who, action, kind, name, version, file_name, province, origin, "
                            "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (at or now(), who, action, kind, name, version, file_name, province, origin,
                       json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)))

    def _execute(self, conn, text: str, params: Iterable = ()) -> None:
        conn.execute(self._sql(text), tuple(params))

    def _binary(self, data: bytes):
        return data

    def _insert_id(self, conn, text: str, params: Iterable) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Release the back end's resources (nothing to do for SQLite)."""


# ---------------------------------------------------------------------------
# SQLite / GeoPackage
# ---------------------------------------------------------------------------
_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION = 10400
_TABLES = ("ws_meta", "ws_dataset", "ws_blob", "ws_state", "ws_audit")

_SQLITE_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
CREATE TABLE IF NOT EXISTS ws_meta (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value TEXT);
CREATE TABLE IF NOT EXISTS ws_dataset (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,
  file_name TEXT, sha256 TEXT NOT NULL, size INTEGER NOT NULL, province TEXT, level TEXT, vintage TEXT,
  params TEXT, report TEXT, created TEXT NOT NULL, author TEXT, origin TEXT, UNIQUE (kind, name, version));
CREATE INDEX IF NOT EXISTS ws_dataset_latest ON ws_dataset (kind, name, version);
CREATE TABLE IF NOT EXISTS ws_blob (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ws_state (
  id INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL REFERENCES ws_dataset (id), key TEXT NOT NULL, value TEXT,
  province TEXT, updated TEXT, author TEXT, UNIQUE (dataset_id, key));
CREATE TABLE IF NOT EXISTS ws_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT, action TEXT NOT NULL, kind TEXT, name TEXT,
  version INTEGER, file_name TEXT, province TEXT, origin TEXT, detail TEXT);
"""


def _sqlite_error(exc: sqlite3.Error, label: str) -> GeoError:
    """The user's message for a SQLite failure (never the server path)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return GeoError("workspace_locked", path=label)
    if "full" in text:
        return GeoError("workspace_full", path=label)
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return GeoError("workspace_readonly", path=label)
    if "not a database" in text or "malformed" in text or "no such table" in text or "corrupt" in text:
        return GeoError("workspace_corrupt", path=label, reason=str(exc))
    return GeoError("workspace_failed", path=label, reason=str(exc))


def init_geopackage(conn: sqlite3.Connection, *, label: str) -> None:
    """Create the workspace tables in a SQLite connection, registered as GeoPackage attribute tables."""
    conn.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
    for statement in _SQLITE_DDL.split(";\n"):  # not executescript(): it would commit the transaction
        if statement.strip():
            conn.execute(statement)
    for table in _TABLES:
        conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
                     (table, table))
    conn.execute("INSERT OR IGNORE INTO ws_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    conn.execute("INSERT OR IGNORE INTO ws_meta (key, value) VALUES ('created', ?)", (now(),))


class SqliteStore(Store):
    """The embedded workspace: one GeoPackage (SQLite) file, created on first use.

    Parameters
    ----------
    path
        The database file (``<folder>/workspace.gpkg``).
    create
        Create the file and its tables when absent (else ``workspace_not_initialised``).
    """

    placeholder = "?"

    def __init__(self, path: str | os.PathLike, *, create: bool = True) -> None:
        self.path = Path(path)
        self.label = self.path.name
        self._ready = False
        if not self.path.exists():
            if not create:
                raise GeoError("workspace_missing", path=self.label)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                raise GeoError("workspace_readonly", path=self.label) from None
        self._open_check()

    def _raw(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=settings.WORKSPACE_LOCK_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _open_check(self) -> None:
        try:
            conn = self._raw()
            try:
                if not self._initialised(conn):
                    conn.execute("BEGIN IMMEDIATE")
                    init_geopackage(conn, label=self.label)
                    conn.execute("COMMIT")
                version = conn.execute("SELECT value FROM ws_meta WHERE key = 'schema_version'").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _sqlite_error(exc, self.label) from None
        found = int(version[0]) if version and str(version[0]).isdigit() else 0
        if found > SCHEMA_VERSION:
            raise GeoError("workspace_version", path=self.label, found=found, supported=SCHEMA_VERSION)
        self._ready = True

    @staticmethod
    def _initialised(conn: sqlite3.Connection) -> bool:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'ws_audit'").fetchone()
        return bool(row and row[0])

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._raw()
        except sqlite3.Error as exc:
            raise _sqlite_error(exc, self.label) from None
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise _sqlite_error(exc, self.label) from None
        except BaseException:
            _rollback(conn)
            raise
        finally:
            conn.close()

    def _insert_id(self, conn, text: str, params: Iterable) -> int:
        cur = conn.execute(self._sql(text), tuple(params))
        return int(cur.lastrowid)


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass
