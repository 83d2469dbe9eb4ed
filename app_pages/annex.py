"""Annex page: print maps, a district atlas, annex tables and unit geometry, from the Map page's choices.

Every file is made by ``geo.workflows.exports`` (the same calls as ``python -m geo annex``),
only when the planner asks for it, and cached by the choices; this page only
reads widgets and shows results.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.analysis.indicators import label
from geo.text.i18n import format_number, t
from geo.units.designations import designation_label
from geo.workflows import exports
from geo.workflows.exports import EXPORTS, AnnexChoices
from geo.workflows.mapview import designation_overlays, map_style
from app_pages import _ui as ui

ui.init_state()
lang = ui.lang()


def T(key: str, **params) -> str:  # noqa: N802 - bound to this run's language, also in widgets' format_func
    return t(key, lang, **params)


ss = st.session_state
store = ss.setdefault("annex", {"files": {}})  # widget values and made files survive a visit to another page


@st.cache_data(show_spinner=False, max_entries=16)
def _preview(choices: AnnexChoices, layer_key: tuple, units_key: str, _layer, _units) -> bytes:
    return exports.preview_png(_layer, choices, _units)


@st.cache_data(show_spinner=False, max_entries=32)
def _export(kind: str, choices: AnnexChoices, layer_key: tuple, units_key: str, _layer, _units) -> bytes:
    return exports.export_bytes(_layer, choices, kind, units=_units)


ui.level_and_dataset_sidebar()
st.title(T("page.annex"))
st.caption(T("annexpage.intro"))
layer = ui.layer_or_stop()

# ---------------------------------------------------------------- the Map page's choices
style = map_style(layer.indicators, indicator=ss.get("indicator"), year=ss.get("year"), breaks=ss.get("breaks"),
                  scheme=ss.get("scheme", settings.DEFAULT_SCHEME), k=ss.get("k", settings.DEFAULT_K),
                  palette=ss.get("palette", settings.DEFAULT_PALETTE))
if style.warning is not None:
    st.warning(style.warning.message(lang))
column = style.column
overlays = designation_overlays(ui.designations(), ss.get("overlays"))
table = ui.current_table()
illustrative = table is not None and not ui.dataset_is_official()

if layer.approximate:
    st.warning(T("approximate_note"))
if illustrative:
    st.info(T("illustrative_note"))
for note in layer.notes:
    st.info(T(note))
st.caption(T("annexpage.choices", indicator=label(column, lang) if column else T("no_data"),
             scheme=T(f"ui.scheme.{style.scheme}"), k=style.classes, palette=style.palette,
             overlays=", ".join(designation_label(d, lang) for d in overlays) or "–"))
if table is not None:
    st.caption(f"{T('ui.source')}: {ui.dataset_citation()}")

# ---------------------------------------------------------------- units, titles, paper
lists = exports.unit_lists(layer, selection=ui.selection(), ranked=ss.get("prio_ranked"))
ui.prefill(store, "annex_units", next(iter(lists)), lists)  # priority list, else the selection, else all units
left, right = st.columns([1.6, 1])
with left:
    st.radio(T("annexpage.units"), list(lists), key="annex_units",
             format_func=lambda w: T(f"annexpage.units.{w}", n=lists[w]))
    st.caption(T("annexpage.units.help"))
    units = exports.annex_units(layer, ss["annex_units"], selection=ui.selection(), ranked=ss.get("prio_ranked"))
    map_title, table_title = exports.default_titles(layer, column, lang, which=units.which)
    ui.prefill(store, "annex_title", map_title)
    ui.prefill(store, "annex_table_title", table_title)
    ui.keep(store, "annex_subtitle", "")
    st.text_input(T("annexpage.title"), key="annex_title")
    st.text_input(T("annexpage.table_title"), key="annex_table_title")
    st.text_input(T("annexpage.subtitle"), key="annex_subtitle")
    c1, c2, c3 = st.columns(3)
    ui.keep(store, "annex_paper", settings.DEFAULT_PAPER)
    ui.keep(store, "annex_orientation", settings.DEFAULT_ORIENTATION)
    ui.keep(store, "annex_labels", "name")
    c1.radio(T("annexpage.paper"), list(settings.PAPERS), key="annex_paper", horizontal=True)
    c2.radio(T("annexpage.orientation"), list(settings.ORIENTATIONS), key="annex_orientation", horizontal=True,
             format_func=lambda o: T(f"annexpage.orientation.{o}"))
    c3.radio(T("annexpage.labels"), ["name", "code", "none"], key="annex_labels", horizontal=True,
             format_func=lambda m: T(f"annexpage.labels.{m}"))
    ui.keep(store, "annex_formats", list(EXPORTS))
    st.pills(T("annexpage.formats"), list(EXPORTS), selection_mode="multi", key="annex_formats",
             format_func=lambda kind: T("annexpage.short.atlas") if kind == "atlas" else EXPORTS[kind].suffix.upper())
    ui.remember(store, "annex_units", "annex_title", "annex_table_title", "annex_subtitle", "annex_paper",
              "annex_orientation", "annex_labels", "annex_formats")

choices = AnnexChoices(
    value_column=column, title=ss["annex_title"].strip() or map_title,
    table_title=ss["annex_table_title"].strip() or table_title, subtitle=ss["annex_subtitle"].strip() or None,
    scheme=style.scheme, k=style.k, bins=style.bins, palette=style.palette, paper=ss["annex_paper"],
    orientation=ss["annex_orientation"], labels=None if ss["annex_labels"] == "none" else ss["annex_labels"],
    lang=lang, designations=AnnexChoices.overlays(overlays), data_source=ui.dataset_citation() or None,
    boundary_source=None if layer.approximate else ss.get("boundary_source"), illustrative=illustrative,
    date=dt.date.today(),
)
layer_key = ui.layer_key()

with right:
    st.subheader(T("annexpage.preview"))
    try:
        with st.spinner("…"):
            st.image(_preview(choices, layer_key, units.key, layer, units), width="stretch")
    except GeoError as exc:
        ui.show_error(exc)
    else:  # the PDF of the page shown is written while the planner reads it, unless it was made before
        made = store["files"].get("pdf")
        if "pdf" in ss["annex_formats"] and (made is None or made[0] != ("pdf", choices, layer_key, units.key)):
            exports.prefetch(layer, choices, "pdf", units=units)

# ---------------------------------------------------------------- one row per export
with left:
    st.subheader(T("annexpage.exports"))
    files = store["files"]  # kind -> (cache key, file name, bytes)
    for kind in [k for k in EXPORTS if k in ss["annex_formats"]]:  # in a fixed order, whatever the clicks
        key = (kind, choices, layer_key, units.key)
        name = exports.export_filename(kind, layer, choices)
        disabled = kind == "atlas" and not exports.atlas_available(layer)
        c1, c2, c3 = st.columns([2.2, 1, 1.5], vertical_alignment="center")
        c1.markdown(f"**{T(f'annexpage.kind.{kind}')}**")
        if disabled:
            c1.caption(T("annexpage.atlas_commune"))
        if c2.button(T("annexpage.make"), key=f"annex_make_{kind}", disabled=disabled):
            try:
                with st.spinner("…"):
                    files[kind] = (key, name, _export(kind, choices, layer_key, units.key, layer, units))
            except GeoError as exc:
                ui.show_error(exc)
        made = files.get(kind)
        if made is not None and made[0] == key:
            size = format_number(len(made[2]) / 1024, 0, lang) + " KB"
            c3.download_button(f"{T('annexpage.download')} ({size})", data=made[2], file_name=made[1],
                               mime=EXPORTS[kind].mime, key=f"annex_dl_{kind}")
