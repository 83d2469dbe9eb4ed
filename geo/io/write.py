"""Safe writing: one atomic writer, never over an input, never over a file unless asked.

Every output of the project (joined layers, reports, web maps, print maps,
annex tables, scenarios, samples) goes through :func:`atomic_path`:

- the writer fills a hidden temporary file beside the output
  (``.<name>.<pid>.<random>.part<suffix>``), flushed to disk, then moved into
  place in one step; a full disk, an error of the writer (zlib, lxml, GDAL)
  or ``kill -9`` leaves nothing partial at the output path;
- after a clean failure the temporary file (and SQLite's ``-journal``/``-wal``
  /``-shm`` companions) is removed; leftovers of a killed process are removed
  by the next write to the same output;
- failures become :class:`~geo._errors.GeoError` (``write_disk_full``,
  ``write_failed``, ``output_exists``) naming the output file only, never a
  server folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo._errors import GeoError

__all__ = ["check_output", "atomic_path", "write_bytes", "write_text", "TEMP_MARK"]

LOW_SPACE_BYTES = 1024 * 1024  # a failed write with less free space than this is reported as a full disk
TEMP_MARK = ".part"  # in every temporary name: ".<name>.<pid>.<random>.part<suffix>"
_COMPANIONS = ("", "-journal", "-wal", "-shm")  # SQLite (GeoPackage) side files
# Errors of the libraries that write our files, turned into a message instead of a traceback.
_WRITER_MODULES = ("lxml", "pyogrio", "fiona", "zipfile", "sqlite3", "openpyxl", "docx", "matplotlib", "PIL")


def check_output(path: str | os.PathLike, *, inputs: Iterable[str | os.PathLike] = (), overwrite: bool = False) -> Path:
    """Validate an output path before any work is done.

    Raises ``output_is_input`` when it names one of ``inputs`` (even through
    another spelling of the same file) and ``output_exists`` when the file is
    there and ``overwrite`` is false.
    """
    out = Path(path)
    for src in inputs:
        if src is None:
            continue
        src = Path(src)
        same = src.exists() and out.exists() and os.path.samefile(src, out)
        if same or out.resolve() == src.resolve():
            raise GeoError("output_is_input", path=str(out))
    if out.exists() and not overwrite:
        raise GeoError("output_exists", path=str(out))
    return out


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _sweep(target: Path) -> None:
    """Remove temporary files left beside ``target`` by a writer that was killed."""
    prefix = f".{target.name}."
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not name.startswith(prefix) or TEMP_MARK not in name:
            continue
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                entry.unlink()


def _remove(tmp: Path) -> None:
    for companion in _COMPANIONS:
        with contextlib.suppress(OSError):
            Path(str(tmp) + companion).unlink()


def _is_disk_full(exc: BaseException, folder: Path) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    if "no space left" in text or "disk full" in text or "database or disk is full" in text:
        return True
    try:  # GDAL and SQLite often report a full disk as some later, unrelated failure
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def _writer_error(exc: BaseException) -> bool:
    module = type(exc).__module__.split(".")[0]
    return isinstance(exc, (OSError, zlib.error, MemoryError)) or module in _WRITER_MODULES


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    module = type(exc).__module__.split(".")[0]
    return type(exc).__name__ if module == "builtins" else f"{module} {type(exc).__name__}"


def _fsync(path: Path) -> None:
    if not path.is_file():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    The temporary file does not exist yet (writers such as GDAL want to create
    it) and keeps the output's suffix. On success it is flushed and moved over
    ``path`` in one step; on any failure it is removed and ``path`` keeps its
    previous content (or stays absent).

    Parameters
    ----------
    path
        The output file.
    overwrite
        When false, an output that appeared meanwhile is never replaced
        (``output_exists``).

    Raises
    ------
    GeoError
        ``write_disk_full`` or ``write_failed`` for an error of the file system
        or of the writing library; ``output_exists``.
    """
    target = Path(path)
    shown = target.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeoError("write_failed", path=shown, reason=_reason(exc)) from exc
    _sweep(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_MARK}{target.suffix}"
    try:
        yield tmp
        if not tmp.exists():
            raise GeoError("write_failed", path=shown, reason="no output")
        _fsync(tmp)
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if the output appeared meanwhile: never clobbered
            except FileExistsError:
                raise GeoError("output_exists", path=str(target)) from None
            except OSError:  # file systems without hard links
                if target.exists():
                    raise GeoError("output_exists", path=str(target)) from None
                os.replace(tmp, target)
    except GeoError:
        raise
    except BaseException as exc:
        if isinstance(exc, Exception) and _is_disk_full(exc, target.parent):
            raise GeoError("write_disk_full", path=shown) from exc
        if isinstance(exc, Exception) and _writer_error(exc):
            raise GeoError("write_failed", path=shown, reason=_reason(exc)) from exc
        raise
    finally:
        _remove(tmp)


def write_bytes(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        with open(tmp, "xb") as fh:
            fh.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str, *, overwrite: bool = True) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`atomic_path`)."""
    return write_bytes(path, text.encode("utf-8"), overwrite=overwrite)
