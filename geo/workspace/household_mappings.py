"""Column mappings of household lists, kept in the workspace for the next file of the same shape.

When a planner fixes what a column holds ("Tình trạng nhà" is the housing-quality indicator) on the
"Danh sách hộ" page, or passes ``--mapping`` to ``python -m geo households``, the corrections are
saved per *header shape* (:func:`geo.io.households.header_shape`: the sheet's headers folded, in
order). The next list whose headers have the same shape is read with them automatically, and the
import report says so (``saved_mapping_applied``). Only header texts and roles are stored: never a
cell of a list.
"""

from __future__ import annotations

import json

from geo.io.households import ROLES, ColumnMapping, SheetLayout
from geo.workspace.store import DatasetInfo, Store

__all__ = ["KIND", "mapping_name", "saved_mappings", "with_saved", "save_mapping"]

KIND = "mapping"
_PREFIX = "household-mapping-"


def mapping_name(key: str) -> str:
    """The workspace name of the mapping saved for header shape ``key`` (:func:`geo.io.households.shape_key`)."""
    return f"{_PREFIX}{key}"


def saved_mappings(store: Store) -> dict[str, dict]:
    """Every saved household mapping: ``{shape key: {"columns": {header: role}, "saved": date, "version": n}}``.

    Read from the datasets' parameters (one query, no content read); entries whose roles are no longer
    known are skipped rather than applied.
    """
    out = {}
    for info in store.datasets(kind=KIND):
        if not info.name.startswith(_PREFIX):
            continue
        columns = {str(h): str(r) for h, r in (info.params.get("columns") or {}).items() if r in ROLES}
        if columns:
            out[info.name[len(_PREFIX):]] = {"columns": columns, "saved": info.created[:10], "version": info.version,
                                             "author": info.author}
    return out


def with_saved(store: Store | None, mapping: ColumnMapping | None = None) -> ColumnMapping:
    """``mapping`` (or an empty one) with the workspace's saved mappings attached; unchanged without a store."""
    mapping = mapping or ColumnMapping()
    if store is None:
        return mapping
    return ColumnMapping(columns=dict(mapping.columns), commune=dict(mapping.commune), saved=saved_mappings(store))


def save_mapping(store: Store, *, layouts: list[SheetLayout], mapping: ColumnMapping, origin: str = "") -> list[DatasetInfo]:
    """Save the corrections of ``mapping`` for every header shape among ``layouts`` that they touch.

    A shape's saved columns are the earlier saved ones updated with the new corrections (a new
    version only when something changed). Returns the versions written or found unchanged.
    """
    if not mapping.columns:
        return []
    known = saved_mappings(store)
    out = []
    done = set()
    for layout in layouts:
        key = layout.shape_key
        if key in done:
            continue
        done.add(key)
        fixes = mapping.for_shape(layout.headers)
        if not fixes:
            continue
        columns = {**(known.get(key, {}).get("columns") or {}), **fixes}
        columns = {h: columns[h] for h in layout.headers if h in columns}  # in the sheet's column order
        data = json.dumps({"shape": layout.shape, "columns": columns}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        out.append(store.put(name=mapping_name(key), kind=KIND, data=data, file_name=f"{mapping_name(key)}.json",
                             params={"columns": columns}, report={"where": layout.where, "columns": len(columns)},
                             origin=origin))
    return out
