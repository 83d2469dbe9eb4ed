"""The current dataset and map layer of a session, and the sidebar that chooses them."""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.workflows import datasets as ds_ids
from geo.workflows.selection import clicked_unit, selection_rows
from app_pages._ui.cached import builtin_table, default_boundaries
from app_pages._ui.state import T, lang, show_error
from app_pages._ui.uploads import boundary_layer, content_key
from app_pages._ui.workspace import workspace, workspace_info, workspace_list, workspace_table


def current_table():
    """The IndicatorTable chosen in the dataset box, or None."""
    ds = st.session_state.get("dataset")
    if not ds:
        return None
    key = ds_ids.builtin_key(ds)
    if key is not None:
        return builtin_table(key)
    name = ds[len(ds_ids.UPLOAD_PREFIX):]
    tables = st.session_state["tables"]
    if name not in tables:
        loaded = workspace_table(name)
        if loaded is not None:
            tables[name] = loaded
    return tables.get(name)


def dataset_options() -> dict[str, str]:
    """Dataset id -> label for the dataset box."""
    province = st.session_state["province"]
    return ds_ids.dataset_options(
        province=province, lang=lang(), none_label=T("ui.dataset.none"), uploads=list(st.session_state["tables"]),
        workspace=[info.name for info in workspace_list(("table", "converted"), province)])


def overrides_for(dataset: str) -> dict:
    """The hand matches of a dataset ({table row index: unit code}), restored from the workspace."""
    store = st.session_state["overrides"]
    if dataset not in store:
        info = workspace_info(dataset)
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
    info = workspace_info(dataset)
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


def _choices() -> tuple:
    """(province, level, vintage, dataset, boundary source, hand matches, picks) of the session."""
    ss = st.session_state
    dataset = ss.get("dataset") or ""
    overrides_key = tuple(sorted(overrides_for(dataset).items())) if dataset else ()
    picks_key = tuple(sorted(picks_for(dataset).items())) if dataset else ()
    return ss["province"], ss["level"], ss["vintage"], dataset, ss.get("boundary_source", "default"), overrides_key, \
        picks_key


def layer_key() -> tuple:
    """What :func:`current_layer` depends on, to key caches of results drawn from it (e.g. annex files)."""
    province, level, vintage, dataset, source, overrides_key, picks_key = _choices()
    uploaded = boundary_layer(source) if source != "default" else None
    return (province, level, vintage, dataset, source, overrides_key, content_key(current_table()),
            content_key(uploaded), picks_key)


def current_layer():
    """The map layer for the current choices (cached per choice, geometry reused)."""
    province, level, vintage, dataset, source, overrides_key, picks_key = _choices()
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
    table = current_table()
    return _layer(province, level, vintage, dataset, overrides_key, source, content_key(table), boundary_key,
                  table, uploaded, picks_key)


def layer_or_stop():
    """The current map layer; a translated error and a stop when the inputs cannot be used."""
    try:
        with st.spinner("…"):
            return current_layer()
    except GeoError as exc:
        show_error(exc)
        st.stop()


def level_and_dataset_sidebar(levels: list[str] | None = None, level_key: str = "level") -> None:
    """The level radio and the dataset box, as every map-based page shows them (the Map page's whole-country
    view has its own ``levels`` and ``level_key``)."""
    ss = st.session_state
    levels = levels or (["district", "commune"] if ss["vintage"] == "pre2025" else ["commune"])
    if ss.get(level_key) not in levels:
        ss[level_key] = ss["level"] if ss["level"] in levels else levels[0]
    words = {v: T(f"ui.level.{v}") for v in levels}  # this run's language, also when format_func is called later
    with st.sidebar:
        st.radio(T("ui.level"), levels, key=level_key, horizontal=True, format_func=words.get)
        datasets = dataset_options()
        if ss["dataset"] not in datasets:
            ss["dataset"] = next(iter(k for k in datasets if k), "")
        st.selectbox(T("ui.dataset"), list(datasets), key="dataset", format_func=lambda k: datasets[k])


def trust_warnings(layer) -> None:
    """The value checks' problems as visible warnings (count and first rows), never only in an expander."""
    for line in layer.build.warnings(lang()):
        st.warning(line)


def dataset_meta() -> dict | None:
    return ds_ids.dataset_meta(st.session_state.get("dataset") or "")


def dataset_is_official() -> bool:
    """Built-in tables are cited official figures; uploads are the user's own (shown as theirs)."""
    return ds_ids.is_official(st.session_state.get("dataset") or "")


def dataset_citation() -> str:
    meta = dataset_meta()
    if meta is not None:
        return meta["citation"]
    table = current_table()
    return getattr(table, "source", "") if table is not None else ""


def clicked_code(out: dict | None, units=None) -> str | None:
    """The code of a newly clicked unit, once per click (st_folium repeats its last value on every rerun)."""
    hit = clicked_unit(out, units)
    if hit is None or hit[1] == st.session_state.get("last_click"):
        return None
    st.session_state["last_click"] = hit[1]
    return hit[0]


def component_click(out) -> str | None:
    """The unit of a new click on the map component (each click counted once; the component repeats its value)."""
    ss = st.session_state
    if not isinstance(out, dict) or not out.get("click") or out.get("clicks") == ss.get("map_clicks"):
        return None
    ss["map_clicks"] = out.get("clicks")
    return str(out["click"])


def selection_table(gdf, selected: set[str], value_column: str | None):
    """Selected units with their district and value, for the side table."""
    return selection_rows(gdf, selected, value_column, lang())
