"""What the app and the CLI keep in a workspace: tables, boundary layers, hand matches, designations,
scenarios; and reading them back through the same readers as an upload.

Every dataset is stored as the bytes of the original file (or of a scenario GeoPackage), so reopening
one runs the same safe reader as the upload did and gives the same result. Reopened tables and
layers are cached per process by the full content digest *and* every parameter that changes the
result, so two files never share an entry.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.io.spool import spool
from geo.workspace.store import DatasetInfo, Store

__all__ = [
    "save_table", "load_table", "save_boundaries", "load_boundaries_layer", "save_overrides", "load_overrides",
    "save_designations", "load_designations", "save_scenario", "load_scenario", "save_converted",
    "resolve_input", "table_report",
]

_CACHE_SIZE = 32
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: tuple, build: Callable):
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


# ---------------------------------------------------------------------------
# Indicator tables
# ---------------------------------------------------------------------------
def table_report(table) -> dict:
    """The read report of an indicator table, as stored beside it."""
    return {
        "rows": int(len(table.data)), "level": table.level, "years": list(table.years), "sheet": table.sheet,
        "header_rows": list(table.header_rows), "indicators": list(table.indicators),
        "skipped": [[int(r), str(why)] for r, why in table.skipped],
        "warnings": [getattr(w, "code", str(w)) for w in getattr(table, "warnings", [])],
    }


def save_table(store: Store, *, data: bytes, file_name: str, name: str | None = None, province: str | None = None,
               vintage: str | None = None, level: str | None = None, kind: str = "table", origin: str = "") -> tuple[DatasetInfo, object]:
    """Read ``data`` as an indicator table (refusing what the reader refuses), then store it.

    Returns the stored version and the :class:`~geo.io.tables.IndicatorTable`.
    """
    from geo.io.tables import read_indicators

    table = read_indicators(data, name=file_name, level=level)
    info = store.put(name=name or file_name, kind=kind, data=data, file_name=file_name, province=province,
                     level=table.level, vintage=vintage or table.vintage, params={"level": level},
                     report=table_report(table), origin=origin)
    return info, table


def load_table(store: Store, name: str, *, version: int | None = None, kind: str = "table"):
    """A stored indicator table read again (cached by digest and parameters)."""
    ds = store.get(name, kind=kind, version=version)
    return _table_from(ds.data, ds.info)


def _table_from(data: bytes, info: DatasetInfo):
    from geo.io.tables import read_indicators

    level = info.params.get("level")
    return _cached(("table", info.sha256, info.file_name, level),
                   lambda: read_indicators(data, name=info.file_name or info.name, level=level))


def save_converted(store: Store, *, frame: pd.DataFrame, name: str, province: str | None, report: dict | None = None,
                   source: str = "") -> DatasetInfo:
    """A table carried to the 2025 communes, stored as CSV (UTF-8 with BOM) with its conversion report."""
    data = frame.to_csv(index=False).encode("utf-8-sig")
    return store.put(name=name, kind="converted", data=data, file_name=f"{name}.csv", province=province,
                     level="commune", vintage="2025", report=report or {}, params={"source": source})


# ---------------------------------------------------------------------------
# Boundary layers
# ---------------------------------------------------------------------------
def save_boundaries(store: Store, *, data: bytes, file_name: str, name: str | None = None, province: str | None,
                    level: str, vintage: str, crs: str | None = None, origin: str = "") -> tuple[DatasetInfo, object]:
    """Read ``data`` as a boundary layer (refusing what the reader refuses), then store it."""
    from geo.join.files import load_boundaries

    path = spool(data, file_name)
    layer = load_boundaries(path, province=province, level=level, vintage=vintage, crs=crs)
    report = {"read": layer.read_report, "resolution": layer.resolution, "features": int(len(layer.gdf)),
              "level": layer.level, "columns": layer.columns}
    info = store.put(name=name or file_name, kind="boundaries", data=data, file_name=file_name, province=province,
                     level=layer.level, vintage=vintage, params={"level": level, "crs": crs}, report=report,
                     origin=origin)
    if hasattr(store, "put_features") and province is not None:  # team mode: the polygons as PostGIS geometries
        store.put_features(info.id, layer.gdf, province=province)
    layer.source = file_name
    return info, layer


def load_boundaries_layer(store: Store, name: str, *, version: int | None = None):
    """A stored boundary layer read again (cached by digest and every reading parameter)."""
    ds = store.get(name, kind="boundaries", version=version)
    return _layer_from(ds.data, ds.info)


def _layer_from(data: bytes, info: DatasetInfo):
    from geo.join.files import load_boundaries

    def build():
        layer = load_boundaries(spool(data, info.file_name or "boundaries"), province=info.province,
                                level=info.params.get("level") or info.level or settings.DEFAULT_LEVEL,
                                vintage=info.vintage or settings.DEFAULT_VINTAGE, crs=info.params.get("crs"))
        layer.source = info.file_name
        return layer

    key = ("boundaries", info.sha256, info.file_name, info.province, info.params.get("level"), info.vintage,
           info.params.get("crs"))
    return _cached(key, build)


# ---------------------------------------------------------------------------
# Hand matches (overrides of the join, by table row)
# ---------------------------------------------------------------------------
def save_overrides(store: Store, info: DatasetInfo, overrides: dict) -> None:
    """Keep the hand matches of one table version: ``{row index: unit code}``."""
    store.set_state(info.id, "overrides", {str(k): str(v) for k, v in overrides.items()})


def load_overrides(store: Store, info: DatasetInfo) -> dict[int, str]:
    return {int(k): str(v) for k, v in (store.state(info.id, "overrides", {}) or {}).items()}


# ---------------------------------------------------------------------------
# Designations (lists and hand tags of one province and vintage)
# ---------------------------------------------------------------------------
def designations_name(province: str | None, vintage: str) -> str:
    return f"designations-{province or 'all'}-{vintage}"


def save_designations(store: Store, designations, *, province: str | None, vintage: str) -> DatasetInfo:
    frame = designations.to_frame()
    data = json.dumps({"columns": list(frame.columns), "records": frame.to_dict("records")}, ensure_ascii=False,
                      default=str, sort_keys=True).encode("utf-8")
    name = designations_name(province, vintage)
    return store.put(name=name, kind="designations", data=data, file_name=f"{name}.json", province=province,
                     vintage=vintage, report={"records": len(frame)})


def load_designations(store: Store, *, province: str | None, vintage: str, version: int | None = None):
    """The stored designation set, or None when none was saved."""
    from geo.units.designations import DesignationSet

    name = designations_name(province, vintage)
    try:
        ds = store.get(name, kind="designations", version=version)
    except GeoError as exc:
        if exc.code == "workspace_not_found":
            return None
        raise
    try:
        payload = json.loads(ds.data.decode("utf-8"))
        frame = pd.DataFrame(payload["records"], columns=payload["columns"], dtype=object)
    except (ValueError, KeyError, TypeError):
        raise GeoError("workspace_corrupt", path=store.label, reason=name) from None
    return DesignationSet.from_frame(frame)


# ---------------------------------------------------------------------------
# Scenarios (self-contained GeoPackages)
# ---------------------------------------------------------------------------
def save_scenario(store: Store, scenario, *, name: str, expected_version: int | None = None,
                  origin: str = "") -> DatasetInfo:
    """Store a scenario as its GeoPackage bytes; ``expected_version`` refuses a save over someone else's."""
    from geo.workflows.priority import scenario_bytes

    meta = scenario.meta
    return store.put(name=name, kind="scenario", data=scenario_bytes(scenario), file_name=f"{name}.gpkg",
                     province=meta.province, level=meta.level, vintage=meta.vintage,
                     report={"title": meta.title, "selected": len(scenario.selection),
                             "units": 0 if scenario.ranking is None else int(len(scenario.ranking))},
                     expected_version=expected_version, origin=origin)


def load_scenario(store: Store, name: str, *, version: int | None = None):
    """A stored scenario reopened (boundaries, tables, designations, rules, selection, notes); no upload."""
    from geo.workflows.priority import scenario_from_bytes

    ds = store.get(name, kind="scenario", version=version)
    return ds.info, scenario_from_bytes(ds.data, name=ds.info.file_name or name)


# ---------------------------------------------------------------------------
# Command-line inputs: a workspace dataset wherever a file is expected
# ---------------------------------------------------------------------------
_INPUT_KINDS = ("table", "boundaries", "converted", "scenario", "designations")


def resolve_input(spec: str | None, *, location: str | None = None, root: Path | None = None) -> str | None:
    """A path for ``spec``: ``ws:<name>``, or a bare name that is no file but a workspace dataset.

    Files, ``default`` and built-in table keys are returned unchanged. The dataset's bytes are
    written once (keyed by digest) under ``root`` with their original file name, so readers and
    messages see the planner's file name.
    """
    if not spec:
        return spec
    text = str(spec)
    prefixed = text.startswith(settings.WORKSPACE_PREFIX)
    if not prefixed and (Path(text).exists() or text == "default" or _is_builtin(text)):
        return text
    name = text[len(settings.WORKSPACE_PREFIX):] if prefixed else text
    from geo.workspace import is_server, open_workspace, workspace_location

    try:
        where = workspace_location(location)
        token = None
        if is_server(where) and os.environ.get(settings.WORKSPACE_USER_ENV):
            from geo.workspace.postgis import PostgisStore

            token = PostgisStore.login_url(where, user=os.environ[settings.WORKSPACE_USER_ENV],
                                           password=os.environ.get("GEO_PASSWORD", ""))
        store = open_workspace(where, create=False, token=token)
    except GeoError as exc:
        if not prefixed and exc.code == "workspace_missing":
            return text
        raise
    info = store.find(name, kinds=_INPUT_KINDS)
    if info is None:
        if prefixed:
            raise GeoError("workspace_not_found", name=name, kind="?", version="")
        return text
    ds = store.get(info.name, kind=info.kind)
    return str(spool(ds.data, info.file_name or info.name, root=root))


def _is_builtin(text: str) -> bool:
    from geo.join.files import BUILTIN_INDICATORS

    return text in BUILTIN_INDICATORS
