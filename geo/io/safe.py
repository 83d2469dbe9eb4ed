"""Safe handling of uploaded files: size limits and ZIP extraction.

Uploads come from anyone. A ZIP may hold paths that climb out of the folder
(``../evil.txt``, ``/etc/x``, ``C:\\x``, ``..\\x``), symbolic links, millions
of members, or a small member that inflates to gigabytes. Every member is
checked *before* anything is written; extraction then happens only inside a
fresh temporary folder, byte-counted so that a lying header cannot get past
the limits. The input is only ever opened for reading.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import Num, megabytes

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UNZIPPED_BYTES",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_MEMBERS",
    "check_size",
    "check_members",
    "extract_zip",
    "is_zip",
]

MB = 1024 * 1024
MAX_UPLOAD_BYTES = settings.MAX_UPLOAD_MB * MB  # one uploaded file
MAX_UNZIPPED_BYTES = settings.MAX_UNZIPPED_MB * MB  # everything inside one archive, uncompressed
MAX_ZIP_RATIO = settings.MAX_ZIP_RATIO  # uncompressed / compressed size, per member and for the whole archive
RATIO_CHECK_MIN_BYTES = 1 * MB  # small members (padded DBF headers...) may compress better
MAX_ZIP_MEMBERS = settings.MAX_ZIP_MEMBERS
_CHUNK = 1 * MB
_DRIVE = re.compile(r"^[A-Za-z]:")


def _mb(size: int) -> Num:
    """A size for a message: megabytes written the reader's way when shown ("57,2 MB")."""
    return megabytes(size)


def _limit_mb(max_bytes: int) -> Num:
    """A limit for a message: whole megabytes without decimals ("200 MB"), or up to two ("0,25 MB")."""
    return Num(round(max_bytes / MB, 2), None)


def check_size(path: str | os.PathLike, *, max_bytes: int = MAX_UPLOAD_BYTES) -> int:
    """Size of ``path`` in bytes; GeoError when missing or above ``max_bytes``.

    Parameters
    ----------
    path
        The uploaded file.
    max_bytes
        The limit, :data:`MAX_UPLOAD_BYTES` by default.
    """
    path = Path(path)
    if not path.is_file():
        raise GeoError("file_not_found", path=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise GeoError("file_too_large", path=str(path), size_mb=_mb(size), limit_mb=_limit_mb(max_bytes))
    return size


def _parts(name: str) -> list[str] | None:
    """Path components of a member name, or None when the name is unsafe."""
    if not name or "\x00" in name or name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None
    parts = [p for p in re.split(r"[\\/]", name) if p not in ("", ".")]
    if any(p == ".." or ":" in p for p in parts):
        return None
    return parts


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def check_members(
    zf: zipfile.ZipFile,
    path: str | os.PathLike,
    *,
    max_total_bytes: int = MAX_UNZIPPED_BYTES,
    max_ratio: float = MAX_ZIP_RATIO,
    max_members: int = MAX_ZIP_MEMBERS,
) -> list[tuple[zipfile.ZipInfo, list[str]]]:
    """Check every member of an open archive; return (member, path parts) pairs.

    Raises GeoError ``zip_too_many_files``, ``zip_unsafe_member`` (absolute
    path, drive letter, ``..``, backslash tricks, symbolic link) or
    ``zip_too_large`` (declared size or compression ratio).
    """
    infos = zf.infolist()
    shown = Path(path).name
    if len(infos) > max_members:
        raise GeoError("zip_too_many_files", path=shown, count=len(infos), limit=max_members)
    checked = []
    total = 0
    files: set[tuple[str, ...]] = set()
    folders: set[tuple[str, ...]] = set()
    for info in infos:
        parts = _parts(info.filename)
        if parts is None or _is_symlink(info):
            raise GeoError("zip_unsafe_member", path=shown, member=info.filename[:200])
        if len(parts) > settings.MAX_ZIP_PATH_DEPTH + 1:
            raise GeoError("zip_path_too_deep", path=shown, member=info.filename[:200],
                           limit=settings.MAX_ZIP_PATH_DEPTH)
        if any(len(p.encode("utf-8", "surrogateescape")) > settings.MAX_ZIP_NAME_CHARS for p in parts):
            raise GeoError("zip_name_too_long", path=shown, member=info.filename[:200],
                           limit=settings.MAX_ZIP_NAME_CHARS)
        key = tuple(p.casefold() for p in parts)  # case-insensitive file systems too
        if key:
            parents = {key[:i] for i in range(1, len(key))}
            is_dir = info.is_dir()
            conflict = bool(parents & files) or (key in files if is_dir else key in folders)
            if conflict:
                raise GeoError("zip_name_conflict", path=shown, member=info.filename[:200])
            (folders if is_dir else files).add(key)
            folders |= parents
        total += info.file_size
        if total > max_total_bytes:
            raise GeoError("zip_too_large", path=shown, size_mb=_mb(total), limit_mb=_limit_mb(max_total_bytes))
        if info.file_size >= RATIO_CHECK_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise GeoError(
                "zip_too_large", path=shown, size_mb=_mb(info.file_size), limit_mb=_limit_mb(max_total_bytes)
            )
        checked.append((info, parts))
    # Many small members each under the per-member check must not add up to a bomb either.
    packed = sum(i.compress_size for i in infos)
    if total >= RATIO_CHECK_MIN_BYTES and total > max_ratio * max(packed, 1):
        raise GeoError("zip_too_large", path=shown, size_mb=_mb(total), limit_mb=_limit_mb(max_total_bytes))
    return checked


def extract_zip(
    path: str | os.PathLike,
    dest_dir: str | os.PathLike,
    *,
    max_total_bytes: int = MAX_UNZIPPED_BYTES,
    max_ratio: float = MAX_ZIP_RATIO,
    max_members: int = MAX_ZIP_MEMBERS,
) -> Path:
    """Extract a ZIP archive into a fresh folder created inside ``dest_dir``.

    All members are checked first (see :func:`check_members`); if one is
    refused nothing is written. Extraction counts the bytes it writes, so a
    header that understates a member's size still stops at the limit. On any
    failure the fresh folder is removed.

    Parameters
    ----------
    path
        The archive; opened read-only and never modified.
    dest_dir
        An existing folder, normally a temporary one. Only a new sub-folder
        of it is written.
    max_total_bytes, max_ratio, max_members
        Limits, :data:`MAX_UNZIPPED_BYTES`, :data:`MAX_ZIP_RATIO` and
        :data:`MAX_ZIP_MEMBERS` by default.

    Returns
    -------
    Path
        The new folder holding the extracted files.
    """
    path = Path(path)
    check_size(path)
    try:
        zf = zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError) as exc:  # "zip file version 19.8"
        raise GeoError("zip_bad", path=path.name) from exc
    with zf:
        members = check_members(zf, path, max_total_bytes=max_total_bytes, max_ratio=max_ratio, max_members=max_members)
        target = Path(tempfile.mkdtemp(prefix="unzip-", dir=dest_dir))
        try:
            _write_members(zf, members, target, path, max_total_bytes)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
    return target


def _write_members(
    zf: zipfile.ZipFile,
    members: list[tuple[zipfile.ZipInfo, list[str]]],
    target: Path,
    path: Path,
    max_total_bytes: int,
) -> None:
    written = 0
    root = target.resolve()
    for info, parts in members:
        if not parts:
            continue
        out = target.joinpath(*parts)
        # Belt and braces: the checked parts cannot leave the folder.
        if root not in out.resolve().parents:
            raise GeoError("zip_unsafe_member", path=path.name, member=info.filename[:200])
        try:
            if info.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file and a folder of one name, a name the file system refuses
            raise GeoError("zip_name_conflict", path=path.name, member=info.filename[:200]) from exc
        try:
            with zf.open(info) as src, open(out, "xb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > max_total_bytes or dst.tell() + len(chunk) > info.file_size:
                        raise GeoError(
                            "zip_too_large", path=path.name, size_mb=_mb(written), limit_mb=_limit_mb(max_total_bytes)
                        )
                    dst.write(chunk)
        except FileExistsError:
            continue  # a duplicate member name: keep the first
        except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
            # damaged data, CRC errors, encrypted members, unknown compression
            raise GeoError("zip_bad", path=path.name) from exc
        except (OSError, ValueError) as exc:
            if getattr(exc, "errno", None) == 28:  # ENOSPC
                raise GeoError("write_disk_full", path=path.name) from exc
            raise GeoError("zip_bad", path=path.name) from exc


def is_zip(path: str | os.PathLike) -> bool:
    """True when the file starts like a ZIP archive (whatever its extension)."""
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False
