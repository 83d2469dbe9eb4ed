"""Safe writing: atomic replace, never over an input, never over a file unless asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo._errors import GeoError

__all__ = ["check_output", "atomic_path"]


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


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    A crash or an exception leaves the previous file (if any) untouched and no
    half-written output behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        for leftover in (tmp_path, Path(str(tmp_path) + "-journal"), Path(str(tmp_path) + "-wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
