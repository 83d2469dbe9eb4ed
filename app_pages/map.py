"""Map explorer: choropleth of one indicator, search, click-to-select.

The style boxes, the map and the side column are one ``st.fragment``: a change of indicator, classes, palette,
overlays, a search or the map's own handshake reruns only them, not the area boxes, the layer and the banners
above (a restyle on a busy server was mostly the rest of the page being run and sent again).
"""

from __future__ import annotations

import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.analysis.indicators import indicator_options, label
from geo.workflows.mapview import (focus_view, parse_breaks, prepare_restyles, render_map, value_column as choose_column,
                                   value_summary)
from geo.render.mapcomponent import map_component
from geo.units.search import search_units
from app_pages import _national as national, _ui as ui

ui.init_state()
T = ui.T
ss = st.session_state

# ---------------------------------------------------------------- sidebar: area, level, dataset
national.area_sidebar()  # a province or "Toàn quốc"; vintage, level and dataset
layer = national.layer_or_stop()

# ---------------------------------------------------------------- banners
if layer.approximate:
    st.warning(T("approximate_note"))
table = ui.current_table()
illustrative = table is not None and not ui.dataset_is_official()
if illustrative:
    st.info(T("illustrative_note"))
for note in layer.notes:
    st.info(T(note))
ui.trust_warnings(layer)  # impossible values, conflicting rows, implausible values: visible above the map


def style_sidebar(layer) -> tuple[str | None, list[float] | None, object]:
    """The style boxes in the sidebar; ``(value column, manual breaks, designations)``."""
    lang = ui.lang()
    options = indicator_options(layer.indicators)
    value_column, bins = None, None
    with st.sidebar:
        if options:
            bases = list(options)
            if ss.get("indicator") not in bases:
                ss["indicator"] = bases[0]
            st.selectbox(T("ui.indicator"), bases, key="indicator", format_func=lambda b: label(b, lang))
            years = options[ss["indicator"]]
            if len(years) > 1 or years[0] is not None:
                if ss.get("year") not in years:
                    ss["year"] = years[0]
                st.selectbox(T("ui.year"), years, key="year")
            value_column = choose_column(layer.indicators, ss["indicator"], ss.get("year") if years != [None] else None)
        schemes = ["quantiles", "fisher_jenks", "equal_interval", "manual"]
        ss.setdefault("scheme", settings.DEFAULT_SCHEME)
        st.selectbox(T("ui.scheme"), schemes, key="scheme", format_func=lambda s: T(f"ui.scheme.{s}"))
        ss.setdefault("k", settings.DEFAULT_K)
        if ss["scheme"] == "manual":
            ss.setdefault("breaks", "")
            st.text_input(T("ui.breaks"), key="breaks")
            try:
                bins = parse_breaks(ss["breaks"])
            except GeoError as exc:
                st.warning(exc.message(lang))
        else:
            st.slider(T("ui.classes"), settings.MIN_K, settings.MAX_K, key="k")
        ss.setdefault("palette", settings.DEFAULT_PALETTE)
        st.selectbox(T("ui.palette"), list(settings.SEQUENTIAL_PALETTES), key="palette")
        designations = ui.designations()
        kinds = list(designations.types) if designations is not None else []
        ss.setdefault("overlays", list(kinds))
        ss["overlays"] = [k for k in ss["overlays"] if k in kinds]
        if kinds:
            from geo.units.designations import designation_label

            st.multiselect(T("ui.overlays"), kinds, key="overlays", format_func=lambda k: designation_label(k, lang))
        ss.setdefault("basemap", False)
        st.checkbox(T("ui.basemap"), key="basemap")
    ui.keep_style_choices()  # for the next page (the Annex page draws what the Map shows) and the way back
    return value_column, bins, designations


@st.fragment
def map_and_side(layer, table, illustrative: bool, geometry_key: tuple) -> None:
    """Style boxes, map and side column: what a restyle reruns (a click or a selection change reruns the app)."""
    value_column, bins, designations = style_sidebar(layer)
    gdf = layer.gdf
    col_map, col_side = st.columns([3, 1.3])
    selected = ui.selection()
    with col_side:
        query = st.text_input(T("ui.search"), key="search")
        focus = None
        if query:
            found = search_units(gdf.drop(columns="geometry"), query)
            if found.empty:
                st.caption(T("ui.search.none"))
            else:
                pick = st.radio(T("ui.search.results"), found["code"].tolist(), key="search_pick",
                                format_func=dict(zip(found["code"], found["label"])).get)
                focus = pick
                if pick in selected:
                    if st.button(T("ui.selection.remove"), key="search_remove"):
                        selected.discard(pick)
                        st.rerun()
                elif st.button(T("ui.selection.add"), key="search_add"):
                    selected.add(pick)
                    st.rerun()

    map_kw = dict(indicator=value_column, palette=ss["palette"], lang=ui.lang(), designations=designations,
                  overlays=ss.get("overlays", []), selected=selected, basemap=ss["basemap"],
                  illustrative=illustrative, geometry_key=geometry_key, asset_urls=ui.static_assets())
    try:
        m = render_map(layer, scheme=ss["scheme"], k=ss["k"], bins=bins, **map_kw)
    except GeoError as exc:  # e.g. manual breaks not yet typed: show why, draw the default classes
        ui.show_error(exc)
        m = render_map(layer, scheme=settings.DEFAULT_SCHEME, k=settings.DEFAULT_K, **map_kw)
    with col_map:
        # Geometry travels once per layer; a restyle sends only classes, colours and texts.
        out = map_component(m, key="map", height=620, asset_urls=map_kw["asset_urls"], focus=focus_view(gdf, focus))
    clicked = ui.component_click(out)
    if clicked:
        selected.symmetric_difference_update({clicked})
        st.rerun()

    with col_side:
        st.subheader(T("ui.selection"))
        if not selected:
            st.caption(T("ui.selection.empty"))
        else:
            st.table(ui.selection_table(gdf, selected, value_column).set_index(T("ui.col.code")))
            if st.button(T("ui.selection.clear")):
                selected.clear()
                st.rerun()
        if value_column and table is not None:
            st.caption(f"{T('ui.source')}: {ui.dataset_citation()}")
        summary = value_summary(gdf, value_column, ui.lang()) if value_column else None
        if summary:
            st.caption(summary)
    prepare_restyles(layer, ui.lang(), geometry_key=geometry_key)  # once per layer, after the map is sent


map_and_side(layer, table, illustrative, national.geometry_key())
