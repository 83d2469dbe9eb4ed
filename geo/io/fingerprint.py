"""Content keys: what caches and the workspace key an upload, a table or a boundary layer by.

A key is made from the content (the full SHA-256), never from a file name or a prefix of the digest,
so two different files never share a cached result and the same file uploaded twice shares one.
"""

from __future__ import annotations

import hashlib

import pandas as pd

__all__ = ["digest", "content_key"]

# What besides the rows makes two tables or layers different (their reading of the same rows).
_ATTRS = ("level", "vintage", "source", "columns", "sheet")


def digest(data: bytes) -> str:
    """The full SHA-256 of ``data`` as 64 hex digits.

    Examples
    --------
    >>> digest(b"abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(data).hexdigest()


def content_key(obj) -> str | None:
    """A key for an IndicatorTable (its ``data``) or BoundaryLayer (its ``gdf``) made from its content.

    The rows (geometries as WKB), the column names and the reading attributes (level, vintage, source,
    columns, sheet) all count; two objects with equal content have equal keys. None for None.
    """
    if obj is None:
        return None
    h = hashlib.sha256()
    frame = getattr(obj, "data", None)
    if frame is None:
        frame = getattr(obj, "gdf", None)
    if frame is not None:
        plain = pd.DataFrame(frame).copy()
        if "geometry" in plain:
            plain["geometry"] = [g.wkb_hex if g is not None else "" for g in plain["geometry"]]
        h.update(repr(list(plain.columns)).encode())
        h.update(pd.util.hash_pandas_object(plain.astype(object).astype(str), index=True).values.tobytes())
    for attr in _ATTRS:
        h.update(repr(getattr(obj, attr, None)).encode())
    return h.hexdigest()
