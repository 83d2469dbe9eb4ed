"""Sections of the Priority page: designations (2) and hand decisions (3), and the page store helpers.

Split out of ``app_pages/priority.py`` to keep each file one screenful of layout; callbacks are in
:mod:`app_pages._prio_callbacks`, the scenarios (5) in :mod:`app_pages._prio_scenario`, and every table shown is
built in ``geo`` (:mod:`geo.workflows.priority`, :mod:`geo.workflows.priority_view`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import settings

from geo.render.charts import coverage_chart
from geo.text.markup import markdown_text
from geo.units.designations import DESIGNATION_TYPES, designation_label
from geo.workflows.priority import coverage_view, designation_tables, import_report_tables, map_includes
from geo.workflows.priority_view import manual_table, undo_options
from app_pages import _prio_callbacks as cb
from app_pages._picker import unit_picker
from app_pages import _ui as ui


def keep(key: str, default) -> None:
    """Restore a widget value from the page's store (Streamlit drops it on other pages)."""
    ss = st.session_state
    if key not in ss:
        ss[key] = ss["prio"].get(key, default)


def remember(*keys: str) -> None:
    """Copy widget values into the page's store, so that they survive a visit to another page."""
    ss = st.session_state
    for key in keys:
        if key in ss:
            ss["prio"][key] = ss[key]


def manual_section(*, ranked: pd.DataFrame, manual: list, labels: dict[str, str], manual_key: str) -> None:
    """Section 3 (below the list): include or exclude by hand, with a reason; the map's selection."""
    T = ui.T
    st.subheader(T("prio.manual"))
    st.caption(T("prio.manual.help"))
    m1, m2 = st.columns([2, 1])
    ranked_labels = {c: labels.get(c, c) for c in ranked["code"].astype(str)}
    unit_picker(T("prio.d.unit"), list(ranked_labels), ranked_labels, key="prio_m_unit", where=m1)
    keep("prio_m_action", "include")
    m2.radio(T("prio.manual.action"), ["include", "exclude"], key="prio_m_action", horizontal=True,
             format_func=lambda a: T(f"prio.manual.{a}"))
    st.text_input(T("prio.manual.reason"), key="prio_m_reason")
    st.button(T("prio.manual.add"), on_click=cb.add_manual, args=(manual_key,), key="prio_m_add")
    if manual:
        st.dataframe(manual_table(manual, labels, lang=ui.lang()), hide_index=True, width="stretch")
        r1, r2 = st.columns([3, 1])
        r1.selectbox(T("prio.manual.remove.pick"), [d.code for d in manual], key="prio_m_remove",
                     format_func=lambda c: labels.get(c, c))
        r2.button(T("prio.manual.remove"), on_click=cb.remove_manual, args=(manual_key,), key="prio_m_remove_btn")

    st.subheader(T("prio.map"))
    on_map = ui.selection()
    extra = map_includes(on_map, ranked, manual, reason=T("prio.map.reason"))
    st.caption(T("prio.map.help", n=len(on_map), extra=len(extra)))
    a1, a2, _ = st.columns([1.3, 1.3, 1])
    a1.button(T("prio.apply"), on_click=cb.apply_selection, type="primary", key="prio_apply")
    a2.button(T("prio.map.include", n=len(extra)), on_click=cb.include_map, args=(manual_key,), disabled=not extra, key="prio_map_include")


def designations_section(*, designations, labels: dict[str, str], province: str, level: str, vintage: str) -> None:
    """Section 2: the designation lists, hand tags and imports."""
    store, lang, T = st.session_state["prio"], ui.lang(), ui.T
    st.header(T("prio.designations"))
    listed, hand = designation_tables(designations, labels, lang=lang)
    headers = {c: T(f"prio.d.col.{c}") for c in ("label", "unit", "origin", "action", "source", "note")}
    c_list, c_hand = st.columns(2)
    with c_list:
        st.subheader(T("prio.d.lists"))
        st.caption(T("prio.d.lists.help"))
        st.dataframe(listed.drop(columns=["type", "code", "action"]).rename(columns=headers), hide_index=True,
                     width="stretch", height=min(38 + 35 * max(len(listed), 1), 250))
    with c_hand:
        st.subheader(T("prio.d.hand"))
        if hand.empty:
            st.caption(T("prio.d.hand.empty"))
        else:
            st.dataframe(hand.drop(columns=["type", "code", "origin", "source"]).rename(columns=headers),
                         hide_index=True, width="stretch")
            undo = undo_options(hand, labels, lang=lang)
            u1, u2 = st.columns([3, 1])
            u1.selectbox(T("prio.d.undo.pick"), list(undo), key="prio_h_undo", format_func=undo.get)
            u2.button(T("prio.d.undo"), on_click=cb.undo, key="prio_h_undo_btn")

    kinds = list(dict.fromkeys([*DESIGNATION_TYPES, *designations.types]))
    with st.expander(T("prio.d.tag"), expanded=False):
        h1, h2 = st.columns([2, 1])
        unit_picker(T("prio.d.unit"), list(labels), labels, key="prio_h_unit", where=h1)
        h2.selectbox(T("prio.d.type"), kinds, key="prio_h_type", format_func=lambda k: designation_label(k, lang))
        st.text_input(T("prio.d.note"), key="prio_h_note")
        h3, h4, _ = st.columns([1, 1, 3])
        h3.button(T("prio.d.tag.do"), on_click=cb.hand, args=("tag", level, vintage), key="prio_h_tag")
        h4.button(T("prio.d.untag.do"), on_click=cb.hand, args=("untag", level, vintage), key="prio_h_untag")

    with st.expander(T("prio.d.import"), expanded=False):
        st.caption(T("prio.d.import.help"))
        ui.file_uploader(T("prio.d.import.file"), type=["csv", "xlsx"], key="prio_d_upload",
                         max_upload_size=settings.MAX_TABLE_MB)
        i1, i2 = st.columns(2)
        i1.selectbox(T("prio.d.type"), [""] + list(DESIGNATION_TYPES), key="prio_d_type",
                     format_func=lambda k: designation_label(k, lang) if k else T("prio.d.type.column"))
        i2.text_input(T("prio.d.source"), key="prio_d_source")
        st.button(T("prio.d.import.do"), on_click=cb.import_designations, args=(province, level, vintage), key="prio_d_import")
        if store.get("d_report"):
            name, report = store["d_report"]
            s = report.summary()
            st.caption(T("prio.d.report"))
            st.text(name)
            m = st.columns(3)
            m[0].metric(T("ui.report.matched"), s["matched"])
            m[1].metric(T("prio.d.unmatched"), s["unmatched"])
            m[2].metric(T("ui.report.ambiguous"), s["ambiguous"])
            for part, frame in import_report_tables(report, labels, lang=lang).items():
                if not frame.empty:
                    st.markdown(f"**{T(f'prio.d.report.{part}')}**")
                    st.dataframe(frame.rename(columns=lambda c: T(f"prio.d.rcol.{c}")), hide_index=True,
                                 width="stretch")


def coverage_section(coverage, *, level: str) -> None:
    """Section 4: how many units, households and poor households the selection covers, by district."""
    T, lang = ui.T, ui.lang()
    st.header(T("prio.coverage"))
    view = coverage_view(coverage, level=level, lang=lang)
    if view is None:
        st.info(T("prio.coverage.none"))
        return
    for col, (name, value) in zip(st.columns(len(view.metrics)), view.metrics):
        col.metric(name, value)
    st.caption(markdown_text(view.columns))
    c_tab, c_fig = st.columns([1.5, 1])
    c_tab.dataframe(view.by_district, hide_index=True, width="stretch", height=40 + 35 * len(view.by_district))
    c_fig.pyplot(coverage_chart(coverage, lang=lang))
