"""Streamlit glue shared by the pages: session state, language, caching, uploads.

Only widget plumbing lives here; every decision is made by ``geo``.
"""

from __future__ import annotations

import hashlib
import tempfile
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


@st.cache_data(show_spinner=False, max_entries=32)
def default_boundaries(province: str, level: str, vintage: str):
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
    return st.session_state["tables"].get(ds[len(UPLOAD_PREFIX):])


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
    return out


def overrides_for(dataset: str) -> dict:
    return st.session_state["overrides"].setdefault(dataset, {})


@st.cache_data(show_spinner=False, max_entries=64)
def _layer(province, level, vintage, dataset, overrides_key, boundary_source, _table, _boundaries, _columns):
    from geo.workflows.mapview import map_layer

    return map_layer(
        boundaries=_boundaries, level=level, vintage=vintage, province=province, table=_table,
        boundary_columns=_columns, overrides=dict(overrides_key), approximate=boundary_source == "default",
    )


def layer_key() -> tuple:
    """What :func:`current_layer` depends on, to key caches of results drawn from it (e.g. annex files)."""
    dataset = st.session_state.get("dataset") or ""
    overrides_key = tuple(sorted(overrides_for(dataset).items())) if dataset else ()
    return (*(st.session_state[k] for k in ("province", "level", "vintage")), dataset,
            st.session_state.get("boundary_source", "default"), overrides_key)


def current_layer():
    """The map layer for the current choices (cached per choice, geometry reused)."""
    province, level, vintage = (st.session_state[k] for k in ("province", "level", "vintage"))
    dataset = st.session_state.get("dataset") or ""
    source = st.session_state.get("boundary_source", "default")
    uploaded = st.session_state["layers"].get(source) if source != "default" else None
    if uploaded is not None and (uploaded.level != level or uploaded.vintage != vintage):
        uploaded = None
        source = "default"
    if uploaded is None:
        boundaries, columns = default_boundaries(province, level, vintage), None
    else:
        boundaries, columns = uploaded.gdf, uploaded.columns
    overrides_key = tuple(sorted(overrides_for(dataset).items())) if dataset else ()
    return _layer(province, level, vintage, dataset, overrides_key, source, current_table(), boundaries, columns)


# ---------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------
def save_upload(uploaded) -> Path:
    """Write an uploaded file into a private temporary folder (never elsewhere)."""
    data = uploaded.getvalue()
    if len(data) > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoError("file_too_large", path=uploaded.name, size_mb=round(len(data) / 1e6, 1),
                       limit_mb=settings.MAX_UPLOAD_MB)
    folder = Path(tempfile.mkdtemp(prefix="geo-upload-"))
    safe_name = Path(uploaded.name).name or "upload"
    path = folder / safe_name
    path.write_bytes(data)
    return path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


# ---------------------------------------------------------------------------
# Designations, datasets, selection
# ---------------------------------------------------------------------------
def designations(vintage: str | None = None):
    """The session's designation set for the current province and vintage (built-in + imported + hand tags)."""
    from geo.units.designations import builtin_designations

    key = (st.session_state["province"], vintage or st.session_state["vintage"])
    store = st.session_state.setdefault("designations", {})
    if key not in store:
        store[key] = builtin_designations(province=key[0], vintage=key[1])
    return store[key]


def set_designations(value) -> None:
    key = (st.session_state["province"], st.session_state["vintage"])
    st.session_state.setdefault("designations", {})[key] = value


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


def clicked_code(out: dict | None) -> str | None:
    """The code of a newly clicked unit, once per click (st_folium repeats its last value on every rerun)."""
    if not out:
        return None
    drawing = out.get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    where = out.get("last_clicked") or {}
    stamp = (code, where.get("lat"), where.get("lng"))
    if not code or stamp == st.session_state.get("last_click"):
        return None
    st.session_state["last_click"] = stamp
    return str(code)


def selection_table(gdf, selected: set[str], value_column: str | None):
    """Selected units with their district and value, for the side table."""
    import pandas as pd

    from geo.analysis.indicators import format_value

    rows = gdf[gdf["code"].isin(selected)]
    out = pd.DataFrame({
        T("ui.col.code"): rows["code"],
        T("ui.col.name"): rows["name"],
    })
    if "district_name" in rows:
        out[T("ui.col.district")] = rows["district_name"]
    if value_column:
        out[T("ui.col.value")] = [format_value(v, value_column, lang()) for v in rows[value_column]]
    if "source_row" in rows:
        out[T("ui.col.source")] = [
            f"{f}, {int(r)}" if isinstance(f, str) and pd.notna(r) else "" for f, r in zip(rows.get("source_file"), rows["source_row"])
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
