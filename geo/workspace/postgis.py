"""Team mode: the workspace in PostgreSQL + PostGIS, with users, roles and province isolation.

Two database roles take part:

* the **owner** (the administrator's URL) owns the tables and runs ``python -m geo workspace init`` and
  ``users``; it holds the user table (argon2 password hashes) and the login sessions;
* the **app** role (``GEO_WORKSPACE=postgresql://app@host/db``) is what the app and the CLI connect
  as. It may read and write the data tables only, and only as row-level security allows.

Isolation is enforced by PostgreSQL, not by Python: every data table has ``FORCE ROW LEVEL
SECURITY`` and policies that call ``ws_can_read(province)`` / ``ws_can_write(province)``. Those
functions find the user from the login token the library sets for each transaction
(``set_config('geo.session', token, true)``): the token's SHA-256 must match an unexpired session
of an active user, whose provinces and role decide. A Lạng Sơn user's connection therefore returns
no Cao Bằng row, whatever SQL is sent through it. Every query is parameterised (psycopg 3).

Boundary layers are also written as PostGIS geometries (``ws_feature``), so QGIS can show them.
"""

from __future__ import annotations

import hashlib
import queue
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from geo import settings
from geo._errors import GeoError
from geo.workspace.store import SCHEMA_VERSION, Store

__all__ = ["PostgisStore", "PostgisAdmin", "init_schema"]

_DATA_TABLES = ("ws_dataset", "ws_blob", "ws_state", "ws_audit", "ws_feature")

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS ws_meta (key text PRIMARY KEY, value text)",
    """CREATE TABLE IF NOT EXISTS ws_user (
         name text PRIMARY KEY, hash text NOT NULL, role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
         provinces text[] NOT NULL DEFAULT '{}', active boolean NOT NULL DEFAULT true,
         created timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS ws_session (
         token_hash text PRIMARY KEY, name text NOT NULL REFERENCES ws_user (name), expires timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS ws_dataset (
         id bigserial PRIMARY KEY, kind text NOT NULL, name text NOT NULL, version integer NOT NULL,
         file_name text, sha256 text NOT NULL, size bigint NOT NULL, province text, level text, vintage text,
         params text, report text, created text NOT NULL, author text, origin text,
         UNIQUE (province, kind, name, version))""",
    "CREATE INDEX IF NOT EXISTS ws_dataset_latest ON ws_dataset (kind, name, version)",
    "CREATE TABLE IF NOT EXISTS ws_blob (sha256 text PRIMARY KEY, data bytea NOT NULL)",
    """CREATE TABLE IF NOT EXISTS ws_state (
         id bigserial PRIMARY KEY, dataset_id bigint NOT NULL REFERENCES ws_dataset (id), key text NOT NULL,
         value text, province text, updated text, author text, UNIQUE (dataset_id, key))""",
    """CREATE TABLE IF NOT EXISTS ws_audit (
         id bigserial PRIMARY KEY, at text NOT NULL, who text, action text NOT NULL, kind text, name text,
         version integer, file_name text, province text, origin text, detail text)""",
    """CREATE TABLE IF NOT EXISTS ws_feature (
         id bigserial PRIMARY KEY, dataset_id bigint NOT NULL REFERENCES ws_dataset (id), province text,
         code text, name text, geom geometry(Geometry, 4326))""",
    # Who is acting: the user of the unexpired session whose token the library set for this transaction.
    """CREATE OR REPLACE FUNCTION ws_session_user() RETURNS ws_user LANGUAGE sql STABLE SECURITY DEFINER
         SET search_path = public AS $$
         SELECT u.* FROM ws_session s JOIN ws_user u ON u.name = s.name
         WHERE s.token_hash = encode(sha256(convert_to(coalesce(current_setting('geo.session', true), ''), 'UTF8')), 'hex')
           AND s.expires > now() AND u.active $$""",
    """CREATE OR REPLACE FUNCTION ws_can_read(p text) RETURNS boolean LANGUAGE sql STABLE AS $$
         SELECT coalesce((SELECT (u).name IS NOT NULL AND (p = ANY((u).provinces) OR '*' = ANY((u).provinces))
                          FROM (SELECT ws_session_user() AS u) x), false) $$""",
    """CREATE OR REPLACE FUNCTION ws_can_write(p text) RETURNS boolean LANGUAGE sql STABLE AS $$
         SELECT ws_can_read(p) AND coalesce((SELECT (ws_session_user()).role IN ('editor', 'admin')), false) $$""",
    """CREATE OR REPLACE FUNCTION ws_whoami() RETURNS TABLE (name text, role text, provinces text[])
         LANGUAGE sql STABLE AS $$ SELECT (u).name, (u).role, (u).provinces FROM (SELECT ws_session_user() AS u) x
         WHERE (u).name IS NOT NULL $$""",
    # Login: the app reads the hash of an active user to verify the password, then opens a session.
    """CREATE OR REPLACE FUNCTION ws_login_hash(n text) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
         SET search_path = public AS $$ SELECT hash FROM ws_user WHERE name = n AND active $$""",
    """CREATE OR REPLACE FUNCTION ws_open_session(n text, token_hash text, hours double precision) RETURNS void
         LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
         DELETE FROM ws_session WHERE expires < now();
         INSERT INTO ws_session (token_hash, name, expires) VALUES (token_hash, n, now() + hours * interval '1 hour') $$""",
    """CREATE OR REPLACE FUNCTION ws_close_session(token_hash text) RETURNS void LANGUAGE sql SECURITY DEFINER
         SET search_path = public AS $$ DELETE FROM ws_session s WHERE s.token_hash = ws_close_session.token_hash $$""",
]

_POLICIES = {
    "ws_dataset": [
        "CREATE POLICY ws_read ON ws_dataset FOR SELECT USING (ws_can_read(province))",
        "CREATE POLICY ws_insert ON ws_dataset FOR INSERT WITH CHECK (ws_can_write(province))",
    ],
    "ws_blob": [
        "CREATE POLICY ws_read ON ws_blob FOR SELECT USING (EXISTS (SELECT 1 FROM ws_dataset d WHERE d.sha256 = ws_blob.sha256))",
        "CREATE POLICY ws_insert ON ws_blob FOR INSERT WITH CHECK "
        "(coalesce((SELECT (ws_session_user()).role IN ('editor', 'admin')), false))",
    ],
    "ws_state": [
        "CREATE POLICY ws_read ON ws_state FOR SELECT USING (ws_can_read(province))",
        "CREATE POLICY ws_insert ON ws_state FOR INSERT WITH CHECK (ws_can_write(province))",
        "CREATE POLICY ws_delete ON ws_state FOR DELETE USING (ws_can_write(province))",
    ],
    "ws_audit": [
        "CREATE POLICY ws_read ON ws_audit FOR SELECT USING "
        "(ws_can_read(province) OR (province IS NULL AND who = (ws_session_user()).name))",
        "CREATE POLICY ws_insert ON ws_audit FOR INSERT WITH CHECK "
        "((ws_session_user()).name IS NOT NULL AND (province IS NULL OR ws_can_read(province)))",
    ],
    "ws_feature": [
        "CREATE POLICY ws_read ON ws_feature FOR SELECT USING (ws_can_read(province))",
        "CREATE POLICY ws_insert ON ws_feature FOR INSERT WITH CHECK (ws_can_write(province))",
    ],
}


def _server(url: str) -> str:
    """host:port/db of a URL, never its password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"


def _connect_raw(url: str):
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GeoError("workspace_unreachable", server=_server(url), reason=reason.replace(url, "")[:200]) from None


def _pg_error(exc: Exception, *, server: str, user: str = "?", role: str = "?") -> GeoError:
    import psycopg

    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return GeoError("workspace_forbidden", user=user, role=role, action="write", province="")
    if isinstance(exc, psycopg.errors.UniqueViolation):
        return GeoError("workspace_changed", name="?", expected="?", found="?", author="?")
    if isinstance(exc, psycopg.OperationalError):
        return GeoError("workspace_unreachable", server=server, reason=type(exc).__name__)
    if isinstance(exc, psycopg.errors.DiskFull):
        return GeoError("workspace_full", path=server)
    return GeoError("workspace_failed", path=server, reason=type(exc).__name__)


def init_schema(owner_url: str, *, app_role: str | None = None) -> None:
    """Create the tables, functions and row-level security policies (idempotent); grant ``app_role``."""
    from psycopg import sql

    conn = _connect_raw(owner_url)
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7413)")
            has_postgis = conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'").fetchone()[0]
            if not has_postgis:
                conn.execute("CREATE EXTENSION postgis")
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute("INSERT INTO ws_meta (key, value) VALUES ('schema_version', %s) ON CONFLICT (key) DO NOTHING",
                         (str(SCHEMA_VERSION),))
            for table, policies in _POLICIES.items():
                conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(sql.Identifier(table)))
                conn.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(sql.Identifier(table)))
                for name in ("ws_read", "ws_insert", "ws_delete"):
                    conn.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), sql.Identifier(table)))
                for policy in policies:
                    conn.execute(policy)
            conn.execute("REVOKE ALL ON ws_user, ws_session FROM PUBLIC")
            conn.execute("REVOKE EXECUTE ON FUNCTION ws_open_session(text, text, double precision) FROM PUBLIC")
            if app_role:
                role = sql.Identifier(app_role)
                conn.execute(sql.SQL("GRANT SELECT, INSERT ON ws_dataset, ws_blob, ws_audit, ws_feature TO {}").format(role))
                conn.execute(sql.SQL("GRANT SELECT, INSERT, DELETE ON ws_state TO {}").format(role))
                conn.execute(sql.SQL("GRANT SELECT ON ws_meta TO {}").format(role))
                conn.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
                conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION ws_open_session(text, text, double precision) TO {}").format(role))
    finally:
        conn.close()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class _Pool:
    """A few open connections per URL, shared by the stores of one process (each transaction sets its token)."""

    _pools: dict[str, _Pool] = {}
    _lock = threading.Lock()

    def __init__(self, url: str) -> None:
        self.url = url
        self.idle: queue.LifoQueue = queue.LifoQueue()

    @classmethod
    def of(cls, url: str) -> _Pool:
        with cls._lock:
            if url not in cls._pools:
                cls._pools[url] = cls(url)
            return cls._pools[url]

    @contextmanager
    def connection(self):
        try:
            conn = self.idle.get_nowait()
            if conn.closed or conn.broken:
                raise queue.Empty
        except queue.Empty:
            conn = _connect_raw(self.url)
        ok = False
        try:
            yield conn
            ok = True
        finally:
            if ok and not conn.closed and self.idle.qsize() < settings.WORKSPACE_POOL_SIZE:
                self.idle.put(conn)
            else:
                conn.close()


class PostgisStore(Store):
    """The team workspace as one logged-in user (see the module docstring).

    Parameters
    ----------
    url
        The app role's ``postgresql://`` URL.
    token
        A login token from :meth:`login_url`; without one every read returns nothing.
    """

    placeholder = "%s"

    def __init__(self, url: str, *, token: str | None = None) -> None:
        self.url = url
        self.token = token or ""
        self.label = _server(url)
        self._pool = _Pool.of(url)
        self._me: tuple[str, str, list[str]] | None = None
        with self._connect() as conn:  # reachable, and the schema is there
            try:
                row = conn.execute("SELECT value FROM ws_meta WHERE key = 'schema_version'").fetchone()
            except Exception:
                raise GeoError("workspace_missing", path=self.label) from None
        found = int(row[0]) if row and str(row[0]).isdigit() else 0
        if found > SCHEMA_VERSION:
            raise GeoError("workspace_version", path=self.label, found=found, supported=SCHEMA_VERSION)

    # -- login -----------------------------------------------------------------------
    @classmethod
    def login_url(cls, url: str, *, user: str, password: str) -> str:
        """Check ``password`` against the user's argon2 hash; a new session token (expires after
        ``settings.WORKSPACE_SESSION_HOURS``)."""
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        with _Pool.of(url).connection() as conn:
            row = conn.execute("SELECT ws_login_hash(%s)", (user,)).fetchone()
            stored = row[0] if row else None
            try:
                if stored is None:
                    raise VerificationError
                PasswordHasher(**settings.WORKSPACE_ARGON2).verify(stored, password)
            except (VerificationError, InvalidHashError):
                raise GeoError("workspace_login", user=user) from None
            token = secrets.token_urlsafe(32)
            conn.execute("SELECT ws_open_session(%s, %s, %s)", (user, _hash_token(token), settings.WORKSPACE_SESSION_HOURS))
        return token

    @classmethod
    def login(cls, url: str, *, user: str, password: str) -> PostgisStore:
        return cls(url, token=cls.login_url(url, user=user, password=password))

    def logout(self) -> None:
        with self._pool.connection() as conn:
            conn.execute("SELECT ws_close_session(%s)", (_hash_token(self.token),))
        self.token, self._me = "", None

    def whoami(self) -> tuple[str, str, list[str]]:
        """(user, role, provinces) of this session; ``workspace_session`` when expired or absent."""
        if self._me is None:
            with self._connect() as conn:
                row = conn.execute("SELECT name, role, provinces FROM ws_whoami()").fetchone()
            if row is None:
                raise GeoError("workspace_session")
            self._me = (row[0], row[1], list(row[2]))
        return self._me

    def who(self) -> str:
        return self.whoami()[0]

    # -- plumbing --------------------------------------------------------------------
    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator:
        import psycopg

        with self._pool.connection() as conn:
            try:
                with conn.transaction():
                    conn.execute("SELECT set_config('geo.session', %s, true)", (self.token,))
                    if write and self.token:
                        row = conn.execute("SELECT role FROM ws_whoami()").fetchone()
                        if row is None:
                            raise GeoError("workspace_session")
                        if row[0] not in ("editor", "admin"):
                            me = self.whoami()
                            raise GeoError("workspace_forbidden", user=me[0], role=me[1], action="write", province="")
                    yield conn
            except psycopg.Error as exc:
                me = self._me or ("?", "?", [])
                raise _pg_error(exc, server=self.label, user=me[0], role=me[1]) from None

    def _insert_id(self, conn, text: str, params: Iterable) -> int:
        return int(conn.execute(self._sql(text) + " RETURNING id", tuple(params)).fetchone()[0])

    def put(self, **kwargs):
        if kwargs.get("province") is None:
            me = self.whoami()
            raise GeoError("workspace_forbidden", user=me[0], role=me[1], action="write", province=" (no province)")
        return super().put(**kwargs)

    def put_features(self, dataset_id: int, gdf, *, province: str) -> int:
        """Write a boundary layer's polygons as PostGIS geometries (EPSG:4326) for the dataset version."""
        import shapely

        g = gdf.to_crs(4326) if gdf.crs is not None else gdf
        rows = [(int(dataset_id), province, None if c is None else str(c), None if n is None else str(n),
                 shapely.to_wkb(geom)) for c, n, geom in zip(g.get("code", [None] * len(g)), g.get("name", [None] * len(g)),
                                                             g.geometry) if geom is not None]
        with self._connect(write=True) as conn:
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO ws_feature (dataset_id, province, code, name, geom) "
                                "VALUES (%s, %s, %s, %s, ST_SetSRID(ST_GeomFromWKB(%s), 4326))", rows)
        return len(rows)

    def query(self, text: str, params: Iterable = ()) -> list[tuple]:
        """Run a read query as this user (row-level security applies); for checks and tests."""
        with self._connect() as conn:
            return conn.execute(text, tuple(params)).fetchall()


class PostgisAdmin:
    """The administrator's side of a team workspace (owner URL): schema and users."""

    def __init__(self, owner_url: str) -> None:
        self.url = owner_url
        self.label = _server(owner_url)

    def init(self, *, app_role: str | None = None) -> None:
        init_schema(self.url, app_role=app_role)

    def _exec(self, text: str, params: Iterable = ()) -> list[tuple]:
        import psycopg

        conn = _connect_raw(self.url)
        try:
            with conn.transaction():
                cur = conn.execute(text, tuple(params))
                return cur.fetchall() if cur.description else []
        except psycopg.errors.UniqueViolation:
            raise GeoError("workspace_user", user=str(tuple(params)[0]), reason="exists") from None
        except psycopg.Error as exc:
            raise _pg_error(exc, server=self.label) from None
        finally:
            conn.close()

    def add_user(self, name: str, *, password: str, role: str, provinces: Iterable[str]) -> None:
        from argon2 import PasswordHasher

        provinces = [str(p) for p in provinces]
        if role not in settings.WORKSPACE_ROLES:
            raise GeoError("workspace_user", user=name, reason=f"role must be one of {', '.join(settings.WORKSPACE_ROLES)}")
        if len(password) < 8:
            raise GeoError("workspace_user", user=name, reason="the password needs at least 8 characters")
        if not provinces:
            raise GeoError("workspace_user", user=name, reason="give the provinces (--provinces 20 or '*')")
        self._exec("INSERT INTO ws_user (name, hash, role, provinces) VALUES (%s, %s, %s, %s)",
                   (name, PasswordHasher(**settings.WORKSPACE_ARGON2).hash(password), role, provinces))

    def set_password(self, name: str, *, password: str) -> None:
        from argon2 import PasswordHasher

        if len(password) < 8:
            raise GeoError("workspace_user", user=name, reason="the password needs at least 8 characters")
        self._exec("UPDATE ws_user SET hash = %s WHERE name = %s", (PasswordHasher(**settings.WORKSPACE_ARGON2).hash(password), name))

    def disable_user(self, name: str) -> None:
        self._exec("UPDATE ws_user SET active = false WHERE name = %s", (name,))
        self._exec("DELETE FROM ws_session WHERE name = %s", (name,))

    def users(self) -> list[dict]:
        rows = self._exec("SELECT name, role, provinces, active FROM ws_user ORDER BY name")
        return [{"name": n, "role": r, "provinces": list(p), "active": bool(a)} for n, r, p, a in rows]

    def expire_sessions(self, name: str) -> None:
        """End every session of ``name`` now (tests, and an admin who locks a user out)."""
        self._exec("UPDATE ws_session SET expires = now() - interval '1 second' WHERE name = %s", (name,))
