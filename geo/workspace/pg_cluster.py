"""A throw-away PostgreSQL + PostGIS cluster for tests and benchmarks (``python -m geo.workspace.pg_cluster``).

Starts Debian's PostgreSQL (``/usr/lib/postgresql/<n>/bin``) in a temporary folder on a free local
port, as the ``postgres`` system user when run as root (PostgreSQL refuses to run as root), and
creates two roles: ``geo_owner`` (owns the workspace tables; the administrator's URL) and ``geo_app``
(what the app connects as; row-level security applies to it). Neither is a superuser, so
``FORCE ROW LEVEL SECURITY`` holds for both.

``python -m geo.workspace.pg_cluster start DIR`` prints ``OWNER_URL APP_URL`` and leaves the server
running; ``stop DIR`` stops it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cluster", "find_bin", "start", "stop", "unavailable_reason"]

OWNER, APP, DB = "geo_owner", "geo_app", "geo"
OWNER_PASSWORD, APP_PASSWORD = "owner-secret", "app-secret"


@dataclass(frozen=True)
class Cluster:
    folder: Path
    port: int
    owner_url: str
    app_url: str


def find_bin() -> Path | None:
    """The newest installed PostgreSQL bin folder with initdb, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def unavailable_reason() -> str | None:
    """Why no throw-away cluster can start here (None when it can)."""
    pg_bin = find_bin()
    if pg_bin is None:
        return "PostgreSQL is not installed (apt-get install postgresql postgis)"
    version = pg_bin.parts[-2]
    if not glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"):
        return f"PostGIS is not installed for PostgreSQL {version} (apt-get install postgis)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -r requirements.txt)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as another user"
    return None


def _as_postgres(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: str | os.PathLike) -> Cluster:
    """Create, start and prepare a cluster in ``folder`` (which must not exist yet or be empty)."""
    pg_bin = find_bin()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data, sock = folder / "data", folder / "sock"
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
        os.chmod(folder, 0o755)
    _as_postgres([str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync",
                  "-E", "UTF8", "--locale=C.UTF-8"])
    port = _free_port()
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off -c max_connections=60"
    _as_postgres([str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "log.txt"), "-o", opts, "-w", "start"])
    (folder / "port").write_text(str(port))
    psql = [str(pg_bin / "psql"), "-h", str(sock), "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
    _as_postgres(psql + ["-d", "postgres",
                         "-c", f"CREATE ROLE {OWNER} LOGIN PASSWORD '{OWNER_PASSWORD}' NOSUPERUSER NOBYPASSRLS",
                         "-c", f"CREATE ROLE {APP} LOGIN PASSWORD '{APP_PASSWORD}' NOSUPERUSER NOBYPASSRLS",
                         "-c", f"CREATE DATABASE {DB} OWNER {OWNER}"])
    _as_postgres(psql + ["-d", DB, "-c", "CREATE EXTENSION IF NOT EXISTS postgis;"])
    base = f"127.0.0.1:{port}/{DB}"
    return Cluster(folder=folder, port=port, owner_url=f"postgresql://{OWNER}:{OWNER_PASSWORD}@{base}",
                   app_url=f"postgresql://{APP}:{APP_PASSWORD}@{base}")


def stop(folder: str | os.PathLike) -> None:
    """Stop the cluster in ``folder`` (fast shutdown) and remove the folder."""
    pg_bin = find_bin()
    folder = Path(folder)
    if (folder / "data").is_dir():
        try:
            _as_postgres([str(pg_bin / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
    for _ in range(20):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            break
        time.sleep(0.1)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python -m geo.workspace.pg_cluster start|stop DIR", file=sys.stderr)
        return 2
    if argv[0] == "stop":
        stop(argv[1])
        return 0
    reason = unavailable_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    cluster = start(argv[1])
    print(cluster.owner_url, cluster.app_url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
