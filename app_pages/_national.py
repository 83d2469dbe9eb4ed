"""The Map page's area box: a province, or "Toàn quốc" (the whole country) at province, district or commune level.

``st.session_state["province"]`` stays a GSO province code for every other page; the whole country is the flag
``st.session_state["national"]``, shown as :data:`geo.settings.NATIONAL_AREA` in the box. The national layer is
built by the one layer builder (:func:`geo.workflows.layer.build_layer`, through :func:`_national`, shared read-only
by the sessions) on the default boundaries of the whole country (``province=None``).
"""

from __future__ import annotations

import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.units import registry
from app_pages import _ui as ui
from app_pages._picker import unit_picker

NATIONAL = settings.NATIONAL_AREA
LEVEL_KEY = "national_level"  # its own key: the other pages' "level" never becomes "province"


def is_national() -> bool:
    return bool(st.session_state.get("national"))


def level() -> str:
    """The map's level: the whole country's own choice, or the pages' shared level."""
    ss = st.session_state
    return (ss.get(LEVEL_KEY) or ss["level"]) if is_national() else ss["level"]


def _area_changed() -> None:
    ss = st.session_state
    ss["national"] = ss["area"] == NATIONAL
    if not ss["national"]:
        ss["province"] = ss["area"]


def area_sidebar() -> None:
    """Province box with "Toàn quốc" first, the vintage, then the level and dataset boxes."""
    ss = st.session_state
    T = ui.T
    provinces = ui.provinces(ss["vintage"])
    codes = provinces["code"].tolist()
    if ss["province"] not in codes:
        ss["province"] = settings.DEFAULT_PROVINCE if settings.DEFAULT_PROVINCE in codes else codes[0]
    names = dict(zip(provinces["code"], provinces["name"]))
    names[NATIONAL] = T("ui.area.national")
    ss["area"] = NATIONAL if is_national() else ss["province"]
    with st.sidebar:
        chosen = unit_picker(T("ui.province"), [NATIONAL, *codes],
                             lambda c: names[c] if c == NATIONAL else f"{names[c]} ({c})", key="area",
                             search="picker.province", on_change=_area_changed)
        if chosen is not None and chosen != (NATIONAL if is_national() else ss["province"]):
            ss["national"] = chosen == NATIONAL  # a search picked its best match (no change event)
            if not ss["national"]:
                ss["province"] = chosen
        vintages = {v: T(f"ui.vintage.{v}") for v in ("pre2025", "2025")}  # this run's language, also when read later
        st.radio(T("ui.vintage"), list(vintages), key="vintage", format_func=vintages.get)
    if is_national():
        ui.level_and_dataset_sidebar(levels=list(registry.LEVELS[ss["vintage"]]), level_key=LEVEL_KEY)
    else:
        ui.level_and_dataset_sidebar()


def geometry_key() -> tuple:
    """Key of the map's prepared geometry in the browser and the server's cache."""
    ss = st.session_state
    if is_national():  # the key the server's start-up warm-up prepared it under
        from geo.workflows.warmup import national_geometry_key

        return national_geometry_key(level(), ss["vintage"])
    return (ss["province"], level(), ss["vintage"], ss.get("boundary_source"))


def national_layer(at_level: str | None = None):
    """The whole country's layer (default boundaries, the chosen dataset), cached like a province's; at the
    map's level, or ``at_level`` (the Data page's own level box)."""
    from geo.join.files import BoundaryLayer
    from geo.workflows.layer import unit_columns

    ss = st.session_state
    chosen, vintage = at_level or level(), ss["vintage"]
    dataset = ss.get("dataset") or ""
    base = BoundaryLayer(gdf=ui.default_boundaries(None, chosen, vintage), level=chosen, vintage=vintage,
                         source="default", approximate=True, columns=unit_columns(chosen, vintage))
    table = ui.current_table()
    overrides_key = tuple(sorted(ui.overrides_for(dataset).items())) if dataset else ()
    picks_key = tuple(sorted(ui.picks_for(dataset).items())) if dataset else ()
    return _national(chosen, vintage, dataset, overrides_key, ui.content_key(table), table, base, picks_key)


@st.cache_resource(show_spinner=False, max_entries=settings.NATIONAL_LAYERS_KEPT)
def _national(level, vintage, dataset, overrides_key, table_key, _table, _base, picks_key):
    """The whole country's layer, shared by every session and read-only (the Map page only reads it): a
    ``cache_data`` copy would be unpickled on every rerun, 0.2-0.8 s for the communes, more than a restyle."""
    from geo.workflows.layer import build_layer

    return build_layer(boundaries=_base, table=_table, province=None, level=level, vintage=vintage,
                       overrides=dict(overrides_key), picks=dict(picks_key))


def layer_or_stop():
    """The map's layer: the whole country's or the province's; a translated error and a stop when unusable."""
    if not is_national():
        return ui.layer_or_stop()
    try:
        with st.spinner("…"):
            return national_layer()
    except GeoError as exc:
        ui.show_error(exc)
        st.stop()
