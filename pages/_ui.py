"""Streamlit glue shared by the pages: session state, language, caching, uploads.

Only widget plumbing lives here; every decision is made by ``geo``.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import DEFAULT_LANG, t

BUILTIN_PREFIX = "builtin:"
UPLOAD_PREFIX = "upload:"
DEFAULT_DATASET = BUILTIN_PREFIX + "langson_kh78_2021"

_DEFAULTS = {
    "lang": DEFAULT_LANG,
    "province": settings.DEFAULT_PROVINCE,
    "vintage": settings.DEFAULT_VINTAGE,
    "level": settings.DEFAULT_LEVEL,
    "dataset": DEFAULT_DATASET,
    "boundary_source": "default",
}


def init_state() -> None:
    """Session defaults; called by every page so any page can be opened first."""
    for key, value in _DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault("selection", {})  # vintage -> set of codes
    st.session_state.setdefault("tables", {})  # upload name -> IndicatorTable
    st.session_state.setdefault("layers", {})  # upload name -> BoundaryLayer
    st.session_state.setdefault("overrides", {})  # dataset id -> {row index: unit code}
    st.session_state.setdefault("last_click", None)
    # A widget's key is tied to the page that drew it: without this, choosing a dataset
    # (or a level, a province...) on one page is reset to the default on the next.
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


# Choices shared by the pages' widgets (the language switch lives in app.py, on every page).
PERSISTENT_KEYS = ("province", "vintage", "level", "dataset", "boundary_source", "indicator", "year", "scheme",
                   "k", "palette", "overlays", "basemap", "breaks")


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def T(key: str, **params) -> str:  # noqa: N802 - short on purpose, used everywhere
    return t(key, lang(), **params)


def language_switch() -> None:
    st.sidebar.radio(
        t("app.language", lang()), options=["vi", "en"], key="lang", horizontal=True,
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
    )


def show_error(exc: GeoError) -> None:
    st.error(exc.message(lang()))


def selection(vintage: str | None = None) -> set[str]:
    vintage = vintage or st.session_state["vintage"]
    return st.session_state["selection"].setdefault(vintage, set())


# ---------------------------------------------------------------------------
# Cached library calls
# ---------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def static_assets():
    """Leaflet copied from its installed package into ./static, once per server."""
    from geo.render import assets

    return assets.install_static()


@st.cache_resource(show_spinner=False, max_entries=32)
def default_boundaries(province: str, level: str, vintage: str):
    """The default boundaries, built once per server process and shared by every session: read-only
    (callers copy before changing anything, as map_layer does)."""
    from geo.units.tessellation import default_boundaries as build

    return build(province=province, level=level, vintage=vintage)


@st.cache_data(show_spinner=False, max_entries=8)
def boundaries_from_old(province: str, source: str, _old_gdf):
    """New-commune polygons dissolved from old ones (``source`` names the old layer, for the cache)."""
    from geo.analysis.reform import new_boundaries_from_old

    return new_boundaries_from_old(_old_gdf, province=province)


@st.cache_data(show_spinner=False)
def provinces(vintage: str):
    from geo.units import registry

    return registry.provinces(vintage)[["code", "name"]]


@st.cache_data(show_spinner=False)
def registry_units(province: str, level: str, vintage: str):
    from geo.units import registry

    return registry.units(province=province, level=level, vintage=vintage)


@st.cache_data(show_spinner=False)
def builtin_table(key: str):
    from geo.join.files import builtin_indicators

    return builtin_indicators(key)


def current_table():
    """The IndicatorTable chosen in the dataset box, or None."""
    ds = st.session_state.get("dataset")
    if not ds:
        return None
    if ds.startswith(BUILTIN_PREFIX):
        return builtin_table(ds[len(BUILTIN_PREFIX):])
    name = ds[len(UPLOAD_PREFIX):]
    tables = st.session_state["tables"]
    if name not in tables:
        loaded = workspace_table(name)
        if loaded is not None:
            tables[name] = loaded
    return tables.get(name)


def dataset_options() -> dict[str, str]:
    """Dataset id -> label for the dataset box."""
    from geo.join.files import BUILTIN_INDICATORS

    out = {"": T("ui.dataset.none")}
    province = st.session_state["province"]
    for key, meta in BUILTIN_INDICATORS.items():
        if meta["province"] == province:
            out[BUILTIN_PREFIX + key] = meta["title"][lang()]
    for name in st.session_state["tables"]:
        out[UPLOAD_PREFIX + name] = name
    for info in workspace_list(("table", "converted"), province):
        out.setdefault(UPLOAD_PREFIX + info.name, info.name)
    return out


def overrides_for(dataset: str) -> dict:
    """The hand matches of a dataset ({table row index: unit code}), restored from the workspace."""
    store = st.session_state["overrides"]
    if dataset not in store:
        info = _workspace_info(dataset)
        ws = workspace()
        saved = {}
        if info is not None and ws is not None:
            from geo.workspace.datasets import load_overrides

            try:
                saved = load_overrides(ws, info)
            except GeoError:
                saved = {}
        store[dataset] = saved
    return store[dataset]


def save_overrides(dataset: str) -> None:
    """Keep the dataset's hand matches in the workspace (a warning, not a stop, when it cannot)."""
    info = _workspace_info(dataset)
    ws = workspace()
    if info is None or ws is None:
        return
    from geo.workspace.datasets import save_overrides as keep

    try:
        keep(ws, info, overrides_for(dataset))
    except GeoError as exc:
        st.warning(T("ws.save_failed", reason=exc.message(lang())))


def picks_for(dataset: str) -> dict:
    """Rows the planner picked for units with conflicting rows: duplicate key -> file row."""
    return st.session_state.setdefault("picks", {}).setdefault(dataset, {})


@st.cache_data(show_spinner=False, max_entries=64)
def _layer(province, level, vintage, dataset, overrides_key, boundary_source, table_key, boundary_key, _table,
           _boundaries, picks_key=()):
    from geo.workflows.layer import build_layer

    return build_layer(boundaries=_boundaries, table=_table, province=province, level=level, vintage=vintage,
                       overrides=dict(overrides_key), picks=dict(picks_key))


def layer_key() -> tuple:
    """What :func:`current_layer` depends on, to key caches of results drawn from it (e.g. annex files)."""
    dataset = st.session_state.get("dataset") or ""
    overrides_key = tuple(sorted(overrides_for(dataset).items())) if dataset else ()
    source = st.session_state.get("boundary_source", "default")
    uploaded = boundary_layer(source) if source != "default" else None
    picks_key = tuple(sorted(picks_for(dataset).items())) if dataset else ()
    return (*(st.session_state[k] for k in ("province", "level", "vintage")), dataset, source, overrides_key,
            content_key(current_table()), content_key(uploaded), picks_key)


def current_layer():
    """The map layer for the current choices (cached per choice, geometry reused)."""
    province, level, vintage = (st.session_state[k] for k in ("province", "level", "vintage"))
    dataset = st.session_state.get("dataset") or ""
    source = st.session_state.get("boundary_source", "default")
    uploaded = boundary_layer(source) if source != "default" else None
    if uploaded is not None and (uploaded.level != level or uploaded.vintage != vintage):
        uploaded = None
        source = "default"
    boundary_key = content_key(uploaded)
    if uploaded is None:
        from geo.join.files import BoundaryLayer
        from geo.workflows.layer import unit_columns

        uploaded = BoundaryLayer(gdf=default_boundaries(province, level, vintage), level=level, vintage=vintage,
                                 source="default", approximate=True, columns=unit_columns(level, vintage))
    overrides_key = tuple(sorted(overrides_for(dataset).items())) if dataset else ()
    table = current_table()
    picks_key = tuple(sorted(picks_for(dataset).items())) if dataset else ()
    return _layer(province, level, vintage, dataset, overrides_key, source, content_key(table), boundary_key,
                  table, uploaded, picks_key)


def trust_warnings(layer) -> None:
    """The value checks' problems as visible warnings (count and first rows), never only in an expander."""
    for line in layer.build.warnings(lang()):
        st.warning(line)


def conflict_pickers(layer, dataset: str) -> None:
    """One row picker per unit with conflicting rows; the unit has no data until a row is picked."""
    picks = picks_for(dataset)
    for item in layer.build.checks.conflicts:
        unit = (item.get("unit") or {}).get("name") or item["key"]
        options = [None] + item["rows"]
        current = picks.get(item["key"])
        chosen = st.selectbox(T("trust.pick_row", unit=unit), options, key=f"conflict_{dataset}_{item['key']}",
                              index=options.index(current) if current in options else 0,
                              format_func=lambda r: T("trust.pick_none") if r is None else T("trust.row", row=r))
        if chosen != current:
            if chosen is None:
                picks.pop(item["key"], None)
            else:
                picks[item["key"]] = chosen
            st.rerun()


def hand_matches(table, overrides: dict, unit_label: dict, dataset: str) -> None:
    """The hand matches made so far, each with an undo button."""
    if not overrides:
        return
    data = table.data
    file_rows = data["source_row"].tolist() if "source_row" in data else list(range(1, len(data) + 1))
    st.caption(T("trust.manual") + ": " + ", ".join(str(unit_label.get(c, c)) for c in overrides.values()))
    for idx in sorted(overrides):
        row = file_rows[idx] if isinstance(idx, int) and idx < len(file_rows) else idx
        if st.button(T("trust.undo", row=row), key=f"undo_{dataset}_{idx}"):
            overrides.pop(idx, None)
            save_overrides(dataset)
            st.rerun()


def hand_choices(layer, table, dataset: str) -> None:
    """Hand choices for unmatched and ambiguous rows: suggestions first, then every unit of the level."""
    import pandas as pd

    report = layer.report
    with_district = layer.level == "commune" and "district_name" in layer.gdf
    units = layer.gdf[["code", "name"] + (["district_name"] if with_district else [])].dropna(subset=["code"])
    unit_label = {
        c: f"{n} – {d}" if isinstance(d, str) else n
        for c, n, d in zip(units["code"], units["name"], units.get("district_name", pd.Series([None] * len(units))))
    }
    problems = [("unmatched", r) for r in report.unmatched_rows] + [("ambiguous", r) for r in report.ambiguous]
    overrides = overrides_for(dataset)
    hand_matches(table, overrides, unit_label, dataset)  # each hand match can be undone
    if problems:
        row_index = {int(r): i for i, r in enumerate(table.data.get("source_row", pd.Series(range(len(table.data)))))}
        choices = {}
        keep = T("ui.report.keep_unmatched")
        for kind, rec in problems:
            proposals = [s["code"] for s in rec.get("suggestions", []) if s.get("code")]
            proposals += [c["code"] for c in rec.get("candidates", []) if c.get("code")]
            others = [c for c in unit_label if c not in proposals]
            options = [""] + proposals + others
            fmt = {c: (f"{unit_label.get(c, c)} ({T('ui.report.suggestion')})" if c in proposals else unit_label.get(c, c))
                   for c in options if c}
            fmt[""] = keep
            idx = row_index.get(int(rec["row"]), rec["row"])
            current = overrides.get(idx, "")
            options = unit_filter(options, fmt, key=f"find_{dataset}_{idx}")
            if current and current not in options:  # a filter never hides the current choice
                options.insert(1, current)
            choices[idx] = st.selectbox(
                T("ui.report.pick", row=rec["row"], name=rec.get("name", "")), options,
                index=options.index(current) if current in options else 0, format_func=fmt.get, key=f"pick_{dataset}_{idx}",
            )
        if st.button(T("ui.report.apply"), type="primary"):
            for idx, code in choices.items():
                if code:
                    overrides[idx] = code
                else:
                    overrides.pop(idx, None)
            save_overrides(dataset)
            st.success(T("ui.report.applied", n=len(overrides)))
            st.rerun()


def unit_filter(options: list[str], labels: dict, *, key: str) -> list[str]:
    """A search box above a unit picker: keeps the options whose label holds the typed text, diacritics optional.

    Streamlit's selectbox matches accents exactly ("thai binh" does not find "Thái Bình"); this does.
    Empty options (a "none" choice) are always kept.
    """
    from geo.text.names import fold_text

    query = st.text_input(T("trust.search"), key=key)
    wanted = fold_text(query)
    if not wanted:
        return options
    return [o for o in options if not o or wanted in fold_text(labels.get(o, o))]


# ---------------------------------------------------------------------------
# Uploads and the workspace
# ---------------------------------------------------------------------------
# Uploaded files are written once per content digest (geo.io.spool) and belong to the session that
# uploaded them: they are removed when the session ends (its state is dropped) or after
# settings.UPLOAD_RETENTION_HOURS. Cached results are keyed by content, never by a file name or prefix.
_SWEEP_EVERY_S = 600.0
_last_sweep = [0.0]


def session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def save_upload(uploaded) -> Path:
    """The uploaded file on disk: written once per content digest, removed with the session."""
    from geo.io.spool import SessionFiles, spool, sweep

    files = st.session_state.get("_session_files")
    if files is None:
        files = st.session_state["_session_files"] = SessionFiles(session_id())
    if time.monotonic() - _last_sweep[0] > _SWEEP_EVERY_S:
        _last_sweep[0] = time.monotonic()
        sweep(max_age_hours=settings.UPLOAD_RETENTION_HOURS)
    return spool(uploaded.getvalue(), uploaded.name or "upload", holder=files.holder)


def digest(data: bytes) -> str:
    """The full SHA-256 of an upload: what caches and the workspace key it by (never a prefix)."""
    return hashlib.sha256(data).hexdigest()


def content_key(obj) -> str | None:
    """A key for an IndicatorTable or BoundaryLayer made from its content (for caches shared by sessions)."""
    if obj is None:
        return None
    memo = st.session_state.setdefault("_content_keys", {})
    hit = memo.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    import pandas as pd

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
    for attr in ("level", "vintage", "source", "columns", "sheet"):
        h.update(repr(getattr(obj, attr, None)).encode())
    key = h.hexdigest()
    if len(memo) > 64:  # cached copies (built-in tables) are new objects on every run
        memo.clear()
    memo[id(obj)] = (obj, key)
    return key


@st.cache_resource(show_spinner=False)
def _embedded_workspace(location: str):
    from geo.workspace import open_workspace

    return open_workspace(location)


def workspace():
    """The workspace store (embedded by default; in team mode the logged-in user's), or None.

    None when the workspace cannot be opened (locked, read-only, damaged...) or nobody is logged in to
    the team workspace: the app then keeps uploads for the session only and says why
    (:func:`workspace_notice`).
    """
    from geo.workspace import is_server, workspace_location

    where = workspace_location()
    if is_server(where):
        return st.session_state.get("ws_store")
    try:
        return _embedded_workspace(where)
    except GeoError as exc:
        st.session_state["ws_error"] = exc
        return None


def workspace_is_server() -> bool:
    from geo.workspace import is_server, workspace_location

    return is_server(workspace_location())


def workspace_login(user: str, password: str) -> None:
    """Log in to the team workspace; the session then acts as that user (row-level security applies)."""
    from geo.workspace import workspace_location
    from geo.workspace.postgis import PostgisStore

    st.session_state["ws_store"] = PostgisStore.login(workspace_location(), user=user, password=password)


def workspace_caption() -> str:
    """Where the workspace is, as a planner may see it (a file name or a server, never a full path)."""
    ws = workspace()
    if ws is None:
        return ""
    if workspace_is_server():
        user, role, provinces = ws.whoami()
        return T("ws.where.server", user=user, role=role, provinces=", ".join(provinces))
    return T("ws.where", where=ws.label)


def forget_workspace_versions() -> None:
    """After a restore: tables and hand matches are read again from the workspace's newest versions."""
    for name in st.session_state.get("ws_versions", {}):
        st.session_state["tables"].pop(name, None)
        st.session_state["overrides"].pop(UPLOAD_PREFIX + name, None)
    st.session_state["ws_versions"] = {}


def workspace_notice() -> None:
    """Say, once per run, why uploads are not being kept (the workspace failed)."""
    exc = st.session_state.pop("ws_error", None)
    if exc is not None:
        st.warning(T("ws.save_failed", reason=exc.message(lang())))


def workspace_list(kinds: tuple[str, ...], province: str | None = None) -> list:
    """The workspace's newest datasets of ``kinds`` for ``province`` (and those without a province)."""
    ws = workspace()
    if ws is None:
        return []
    try:
        items = ws.datasets()
    except GeoError as exc:
        st.session_state["ws_error"] = exc
        return []
    return [d for d in items if d.kind in kinds and (province is None or d.province in (None, province))]


def _workspace_info(dataset: str):
    """The workspace version behind a dataset id ("upload:<name>") used by this session, or None."""
    if not dataset.startswith(UPLOAD_PREFIX):
        return None
    name = dataset[len(UPLOAD_PREFIX):]
    known = st.session_state.setdefault("ws_versions", {})
    if name in known:
        return known[name]
    ws = workspace()
    if ws is None:
        return None
    try:
        info = ws.find(name, kinds=("table", "converted"))
    except GeoError:
        info = None
    if info is not None:
        known[name] = info
    return info


def workspace_table(name: str):
    """A workspace table read again for this session (cached per process by its full digest), or None."""
    ws = workspace()
    if ws is None:
        return None
    from geo.workspace.datasets import load_table

    try:
        info = ws.find(name, kinds=("table", "converted"))
        if info is None:
            return None
        st.session_state.setdefault("ws_versions", {})[name] = info
        return load_table(ws, name, kind=info.kind)
    except GeoError as exc:
        st.session_state["ws_error"] = exc
        return None


def upload_table(uploaded, *, level: str | None = None):
    """Read an uploaded table (once per content) and keep it in the workspace under its file name.

    Returns ``(dataset id, IndicatorTable)``; raises GeoError for a file the reader refuses.
    """
    from geo.io.tables import read_indicators

    data = uploaded.getvalue()
    if len(data) > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoError("file_too_large", path=uploaded.name, size_mb=round(len(data) / 1e6, 1),
                       limit_mb=settings.MAX_UPLOAD_MB)
    name = Path(uploaded.name or "upload").name
    seen = st.session_state.setdefault("uploaded", {})
    key = ("table", digest(data), name, level)
    if key in seen:
        return seen[key], st.session_state["tables"][seen[key][len(UPLOAD_PREFIX):]]
    ws = workspace()
    info = None
    if ws is not None:
        from geo.workspace.datasets import save_table

        try:
            info, table = save_table(ws, data=data, file_name=name, name=name, province=st.session_state["province"],
                                     level=level)
        except GeoError as exc:
            if exc.code.startswith("workspace") or exc.code == "file_too_large":
                st.session_state["ws_error"] = exc
                table = read_indicators(data, name=name, level=level)
            else:
                raise
    else:
        table = read_indicators(data, name=name, level=level)
    st.session_state["tables"][name] = table
    st.session_state["overrides"].pop(UPLOAD_PREFIX + name, None)  # a new version starts without hand matches
    if info is not None:
        st.session_state.setdefault("ws_versions", {})[name] = info
        if info.version > 1:
            st.session_state["overrides"][UPLOAD_PREFIX + name] = {}
    seen[key] = UPLOAD_PREFIX + name
    return UPLOAD_PREFIX + name, table


def upload_boundaries(uploaded, *, level: str, crs: str | None):
    """Read an uploaded boundary file (once per content and parameters) and keep it in the workspace.

    Returns ``(source name, BoundaryLayer)``; raises GeoError for a file the reader refuses.
    """
    from geo.workflows.layer import load_checked_boundaries

    ss = st.session_state
    data = uploaded.getvalue()
    name = Path(uploaded.name or "upload").name
    seen = ss.setdefault("uploaded", {})
    key = ("boundaries", digest(data), name, ss["province"], level, ss["vintage"], crs)
    if key in seen:
        return seen[key], ss["layers"][seen[key]]
    path = save_upload(uploaded)
    # Read and checked against the registry's positions first: a wrong zone is refused before it is kept anywhere.
    checked = load_checked_boundaries(path, province=ss["province"], level=level, vintage=ss["vintage"], crs=crs)
    layer = None
    ws = workspace()
    if ws is not None:
        from geo.workspace.datasets import save_boundaries

        try:
            _, layer = save_boundaries(ws, data=data, file_name=name, name=name, province=ss["province"], level=level,
                                       vintage=ss["vintage"], crs=crs)
        except GeoError as exc:
            if not exc.code.startswith("workspace"):
                raise
            ss["ws_error"] = exc
    if layer is None:
        layer = checked
        layer.source = name
    ss["layers"][name] = layer
    seen[key] = name
    return name, layer


def keep_converted(name: str, table, *, report: dict | None = None) -> None:
    """Keep a table converted to the 2025 communes in the workspace (kind "converted"), with its report."""
    ws = workspace()
    if ws is None:
        return
    from geo.workspace.datasets import save_converted

    try:
        info = save_converted(ws, frame=table.data.drop(columns=["source_row"], errors="ignore"), name=name,
                              province=st.session_state["province"], report=report, source=table.source)
    except GeoError as exc:
        st.session_state["ws_error"] = exc
    else:
        st.session_state.setdefault("ws_versions", {})[name] = info


def boundary_sources() -> list[str]:
    """"default", the session's boundary layers and the workspace's for the current province."""
    names = ["default"] + list(st.session_state["layers"])
    for info in workspace_list(("boundaries",), st.session_state["province"]):
        if info.name not in names:
            names.append(info.name)
    return names


def boundary_layer(source: str):
    """The BoundaryLayer of a source name (loaded from the workspace on first use), or None."""
    layers = st.session_state["layers"]
    if source in layers:
        return layers[source]
    ws = workspace()
    if ws is None:
        return None
    from geo.workspace.datasets import load_boundaries_layer

    try:
        layers[source] = load_boundaries_layer(ws, source)
    except GeoError as exc:
        if exc.code != "workspace_not_found":
            st.session_state["ws_error"] = exc
        return None
    return layers[source]


def workspace_scenarios() -> list:
    """The workspace's scenarios for the current province and vintage (newest versions)."""
    return [d for d in workspace_list(("scenario",), st.session_state["province"])
            if d.vintage in (None, st.session_state["vintage"])]


def save_scenario_to_workspace(scenario, *, name: str):
    """Save a scenario in the workspace; refused (``workspace_changed``) when someone saved it since it was opened."""
    from geo.workspace.datasets import save_scenario

    ws = workspace()
    if ws is None:
        raise st.session_state.pop("ws_error", None) or GeoError("workspace_session")
    opened = st.session_state.setdefault("ws_scenario_versions", {})
    info = save_scenario(ws, scenario, name=name, expected_version=opened.get(name, 0))
    opened[name] = info.version
    return info


def open_scenario_from_workspace(name: str):
    """``(info, scenario)`` from the workspace; remembers the version for the next save's conflict check."""
    from geo.workspace.datasets import load_scenario

    ws = workspace()
    if ws is None:
        raise st.session_state.pop("ws_error", None) or GeoError("workspace_session")
    info, scenario = load_scenario(ws, name)
    st.session_state.setdefault("ws_scenario_versions", {})[name] = info.version
    return info, scenario


def adopt_scenario(name: str, scenario) -> None:
    """Make a reopened scenario's own units and boundaries the current dataset and layer (no upload needed)."""
    from geo.io.tables import IndicatorTable
    from geo.join.files import BoundaryLayer

    ss = st.session_state
    meta = scenario.meta
    label = f"{name} ({T('ws.kind.scenario').lower()})"
    units = scenario.indicators.copy()
    if "district_code" in units and "parent_code" not in units:
        units = units.rename(columns={"district_code": "parent_code", "district_name": "parent_name"})
    if "source_row" not in units:
        units.insert(0, "source_row", range(1, len(units) + 1))
    ss["tables"][label] = IndicatorTable(data=units, source=label, sheet=None, header_rows=[], columns={}, skipped=[],
                                         years=[], level=meta.level, vintage=meta.vintage)
    ss["dataset"] = UPLOAD_PREFIX + label
    if scenario.boundaries is not None:
        gdf = scenario.boundaries
        ss["layers"][label] = BoundaryLayer(gdf=gdf, level=meta.level, vintage=meta.vintage, source=label,
                                            approximate=False, columns={"code": "code", "name": "name"})
        ss["boundary_source"] = label


# ---------------------------------------------------------------------------
# Designations, datasets, selection
# ---------------------------------------------------------------------------
def designations(vintage: str | None = None):
    """The session's designation set for the current province and vintage (built-in + imported + hand tags)."""
    from geo.units.designations import builtin_designations

    key = (st.session_state["province"], vintage or st.session_state["vintage"])
    store = st.session_state.setdefault("designations", {})
    if key not in store:
        saved = None
        ws = workspace()
        if ws is not None:
            from geo.workspace.datasets import load_designations

            try:
                saved = load_designations(ws, province=key[0], vintage=key[1])
            except GeoError:
                saved = None
        store[key] = saved if saved is not None else builtin_designations(province=key[0], vintage=key[1])
    return store[key]


def set_designations(value) -> None:
    """The session's designations for the current province and vintage, kept in the workspace too."""
    key = (st.session_state["province"], st.session_state["vintage"])
    st.session_state.setdefault("designations", {})[key] = value
    ws = workspace()
    if ws is not None:
        from geo.workspace.datasets import save_designations

        try:
            save_designations(ws, value, province=key[0], vintage=key[1])
        except GeoError as exc:
            st.session_state["ws_error"] = exc


def dataset_meta() -> dict | None:
    from geo.join.files import BUILTIN_INDICATORS

    ds = st.session_state.get("dataset") or ""
    if ds.startswith(BUILTIN_PREFIX):
        return BUILTIN_INDICATORS.get(ds[len(BUILTIN_PREFIX):])
    return None


def dataset_is_official() -> bool:
    """Built-in tables are cited official figures; uploads are the user's own (shown as theirs)."""
    meta = dataset_meta()
    if meta is not None:
        return bool(meta.get("official"))
    return True


def dataset_citation() -> str:
    meta = dataset_meta()
    if meta is not None:
        return meta["citation"]
    table = current_table()
    return getattr(table, "source", "") if table is not None else ""


def clicked_code(out: dict | None, units=None) -> str | None:
    """The code of a newly clicked unit, once per click (st_folium repeats its last value on every rerun).

    The map draws on a canvas, so st_folium hands back the clicked point; with
    ``units`` (the layer's GeoDataFrame) the unit under it is found.
    """
    if not out:
        return None
    drawing = out.get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    where = out.get("last_clicked") or {}
    if not code and units is not None and where.get("lat") is not None:
        from geo.render.webmap import unit_at

        code = unit_at(units, where["lat"], where["lng"])
    stamp = (code, where.get("lat"), where.get("lng"))
    if not code or stamp == st.session_state.get("last_click"):
        return None
    st.session_state["last_click"] = stamp
    return str(code)


def selection_table(gdf, selected: set[str], value_column: str | None):
    """Selected units with their district and value, for the side table."""
    import pandas as pd

    from geo.analysis.indicators import format_value
    from geo.text.markup import markdown_text

    rows = gdf[gdf["code"].isin(selected)]
    out = pd.DataFrame({  # st.table reads cells as Markdown: names from uploads are escaped
        T("ui.col.code"): [markdown_text(c) for c in rows["code"]],
        T("ui.col.name"): [markdown_text(n) for n in rows["name"]],
    })
    if "district_name" in rows:
        out[T("ui.col.district")] = [markdown_text(n) for n in rows["district_name"]]
    if value_column:
        out[T("ui.col.value")] = [format_value(v, value_column, lang()) for v in rows[value_column]]
    if "source_row" in rows:
        out[T("ui.col.source")] = [
            markdown_text(f"{f}, {int(r)}") if isinstance(f, str) and pd.notna(r) else ""
            for f, r in zip(rows["source_file"] if "source_file" in rows else [None] * len(rows), rows["source_row"])
        ]
    return out.reset_index(drop=True)


def level_and_dataset_sidebar() -> None:
    """The level radio and the dataset box, as every map-based page shows them."""
    ss = st.session_state
    levels = ["district", "commune"] if ss["vintage"] == "pre2025" else ["commune"]
    if ss["level"] not in levels:
        ss["level"] = levels[0]
    with st.sidebar:
        st.radio(T("ui.level"), levels, key="level", horizontal=True, format_func=lambda v: T(f"ui.level.{v}"))
        datasets = dataset_options()
        if ss["dataset"] not in datasets:
            ss["dataset"] = next(iter(k for k in datasets if k), "")
        st.selectbox(T("ui.dataset"), list(datasets), key="dataset", format_func=lambda k: datasets[k])


def layer_or_stop():
    """The current map layer; a translated error and a stop when the inputs cannot be used."""
    try:
        with st.spinner("…"):
            return current_layer()
    except GeoError as exc:
        show_error(exc)
        st.stop()


# ---------------------------------------------------------------------------
# Page stores (engineer "rules": priority, annex and reform pages)
# ---------------------------------------------------------------------------
# Streamlit drops a widget's value when its page is not shown; a page keeps its widget values in a
# dict of the session state (its "store") and puts them back before drawing the widgets.
def keep(store: dict, key: str, default) -> None:
    """Restore widget ``key`` from ``store`` (or ``default``) before the widget is drawn."""
    if key not in st.session_state:
        st.session_state[key] = store.get(key, default)


def prefill(store: dict, key: str, default, options=None) -> None:
    """A widget holding a default that follows the choices (language, indicator, lists offered) until the
    planner changes it."""
    ss = st.session_state
    keep(store, key, default)
    if ss[key] == store.get(f"{key}:default") or (options is not None and ss[key] not in options):
        ss[key] = default
    store[f"{key}:default"] = default


def remember(store: dict, *keys: str) -> None:
    """Copy widget values into ``store`` so that they survive a visit to another page."""
    for key in keys:
        if key in st.session_state:
            store[key] = st.session_state[key]
