"""Files written for readers that need a path (uploads, workspace content): once per content digest.

An upload is written to ``<root>/<sha256>/<name>`` the first time its bytes are seen and reused on
every rerun, so ten reruns leave one file, not eleven. :func:`release` removes a session's files when
it ends (unless another holder still uses them) and :func:`sweep` removes folders older than the
retention period (``settings.UPLOAD_RETENTION_HOURS``), for sessions that never ended cleanly.
The key is the full SHA-256 of the content: two different files never share a path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from pathlib import Path

from geo import settings
from geo._errors import GeoError
from geo.io.fingerprint import digest
from geo.text.i18n import Num, megabytes

__all__ = ["spool_root", "spool", "release", "sweep", "SessionFiles", "SPOOL_ENV"]

SPOOL_ENV = "GEO_UPLOAD_DIR"
_NAME_MAX = 120
_lock = threading.Lock()
_holders: dict[Path, set[str]] = {}  # folder -> ids of the sessions using it (this process)


def spool_root() -> Path:
    """``GEO_UPLOAD_DIR`` or ``<system temp>/geo-uploads``."""
    root = os.environ.get(SPOOL_ENV, "").strip()
    return Path(root) if root else Path(tempfile.gettempdir()) / "geo-uploads"


def _safe_name(name: str) -> str:
    base = Path(str(name).replace("\\", "/")).name.strip().lstrip(".")
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    if len(base) > _NAME_MAX:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: _NAME_MAX - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else base[:_NAME_MAX]
    return base or "upload"


def spool(data: bytes, name: str, *, holder: str | None = None, root: Path | None = None) -> Path:
    """The path of ``data`` saved as ``name`` under its digest, written only if absent.

    Parameters
    ----------
    holder
        Who uses the file (a session id); :func:`release` removes it once no holder is left.
    """
    if len(data) > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoError("file_too_large", path=_safe_name(name), size_mb=megabytes(len(data)),
                       limit_mb=Num(settings.MAX_UPLOAD_MB, None))
    folder = (root or spool_root()) / digest(data)
    path = folder / _safe_name(name)
    with _lock:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
            if not path.exists() or path.stat().st_size != len(data):
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
                try:
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                    os.replace(tmp, path)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            else:
                os.utime(folder)
        except OSError as exc:
            raise GeoError("upload_write_failed", path=path.name, reason=exc.strerror or type(exc).__name__) from None
        if holder is not None:
            _holders.setdefault(folder, set()).add(holder)
    return path


def release(holder: str, *, root: Path | None = None) -> int:
    """Remove the folders only ``holder`` used; returns how many were removed."""
    removed = 0
    with _lock:
        for folder, users in list(_holders.items()):
            if holder in users:
                users.discard(holder)
                if not users:
                    del _holders[folder]
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
    return removed


def sweep(*, max_age_hours: float = settings.UPLOAD_RETENTION_HOURS, root: Path | None = None) -> int:
    """Remove spooled folders not written or reused for ``max_age_hours``; returns how many."""
    base = root or spool_root()
    if not base.is_dir():
        return 0
    cutoff = time.time() - max_age_hours * 3600
    removed = 0
    with _lock:
        for folder in base.iterdir():
            try:
                if folder.is_dir() and folder.stat().st_mtime < cutoff and folder not in _holders:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
            except OSError:
                continue
    return removed


class SessionFiles:
    """The uploads of one session: kept in the session's state, removed when that state is dropped.

    ``holder`` is the id to pass to :func:`spool`. When the object is garbage-collected (the app
    dropped the session) or :meth:`close` is called, :func:`release` removes the files no other
    session holds.
    """

    def __init__(self, prefix: str = "session") -> None:
        self.holder = f"{prefix}-{uuid.uuid4().hex}"
        self._finalizer = weakref.finalize(self, release, self.holder)

    def close(self) -> None:
        self._finalizer()
