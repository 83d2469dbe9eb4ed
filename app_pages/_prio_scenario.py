"""Section 5 of the Priority page: save the scenario, open one, compare with another (widgets and callbacks).

The scenario is built by :func:`geo.workflows.scenario.new_scenario` and compared by
:func:`geo.workflows.scenario.compare`; the comparison's table is :func:`geo.workflows.priority_view.compare_table`.
"""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.text.i18n import t
from geo.workflows.priority import scenario_bytes, scenario_from_bytes, scenario_units
from geo.workflows.priority_view import compare_counts, compare_table
from geo.workflows.scenario import compare, new_scenario
from app_pages import _ui as ui
from app_pages._prio_sections import keep, remember


def restore_pending() -> None:
    """A scenario opened in a callback: restore everything before any widget of the page exists."""
    ss, store = st.session_state, st.session_state["prio"]
    pending = store.pop("pending_scenario", None)
    if pending is None:
        return
    name, scn = pending
    ss["level"] = scn.meta.level  # the scenario's own level: the data it holds
    ui.set_designations(scn.designations)
    store["manual"][f"{scn.meta.province}|{scn.meta.vintage}|{scn.meta.level}"] = list(scn.manual)
    for key, value in (("prio_notes", scn.notes), ("prio_title", scn.meta.title)):
        store[key] = value
        ss.pop(key, None)
    ui.selection(scn.meta.vintage).clear()
    ui.selection(scn.meta.vintage).update(scn.selection)
    store["opened"] = (name, scn)
    store["pending_rules"] = scn.rules


def _opened(source: str, scn, flash: str, **params) -> None:
    store = st.session_state["prio"]
    store["pending_scenario"] = (source, scn)
    store["defaults"] = False
    store["flash"] = ("success", t(flash, ui.lang(), **params))


def _open_scenario(province: str, vintage: str) -> None:
    store, lang = st.session_state["prio"], ui.lang()
    f = st.session_state.get("prio_open_upload")
    if f is None:
        return
    try:
        scn = scenario_from_bytes(f.getvalue(), name=f.name)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
        return
    if scn.meta.province != province or scn.meta.vintage != vintage:
        store["flash"] = ("error", t("prio.open.other_area", lang, province=scn.meta.province, vintage=scn.meta.vintage))
        return
    _opened(f.name, scn, "prio.open.done", name=f.name, n=len(scn.selection))


def _save_to_workspace(province: str, level: str) -> None:
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    name = (ss.get("prio_ws_name") or "").strip() or ss.get("prio_title") or f"phuong_an_{province}_{level}"
    try:
        info = ui.save_scenario_to_workspace(ss["prio_scenario"], name=name)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
    else:
        store["flash"] = ("success", t("ws.saved", lang, name=info.name, version=info.version))


def _open_from_workspace() -> None:
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    name = ss.get("prio_ws_open")
    if not name:
        return
    try:
        info, scn = ui.open_scenario_from_workspace(name)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
        return
    ui.adopt_scenario(name, scn)
    ss["prio_ws_name"] = name
    _opened(name, scn, "ws.scenario.opened", name=name, version=info.version)


def _compare_upload() -> None:
    store, lang = st.session_state["prio"], ui.lang()
    f = st.session_state.get("prio_cmp_upload")
    if f is None:
        store.pop("compare", None)
        return
    try:
        store["compare"] = (f.name, scenario_from_bytes(f.getvalue(), name=f.name))
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))


def _changes(other, scenario, labels) -> None:
    T, lang = ui.T, ui.lang()
    diff = compare(other, scenario, lang=lang)  # "enters": selected now, not in the other file
    if diff.empty:
        st.success(T("prio.compare.same"))
        return
    st.caption(T("prio.compare.count", **compare_counts(diff)))
    st.dataframe(compare_table(diff, labels, lang=lang), hide_index=True, width="stretch")


def scenario_section(*, units, indicators, designations, rules, manual, labels: dict[str, str], province: str,
                     level: str, vintage: str) -> None:
    """Section 5: save the scenario, open one, compare with another."""
    ss, store, lang, T = st.session_state, st.session_state["prio"], ui.lang(), ui.T
    st.header(T("prio.scenario"))
    keep("prio_title", "")
    keep("prio_notes", "")
    st.text_input(T("prio.scenario.title"), key="prio_title")
    st.text_area(T("prio.scenario.notes"), key="prio_notes", height=80)
    remember("prio_title", "prio_notes")
    boundaries = units[[c for c in ("code", "name", "geometry") if c in units]] if "geometry" in units else None
    scenario = new_scenario(
        indicators=scenario_units(units, indicators), designations=designations, rules=rules, manual=manual,
        boundaries=boundaries, notes=ss["prio_notes"], province=province, level=level, vintage=vintage,
        title=ss["prio_title"], lang=lang,
    )
    ss["prio_scenario"] = scenario
    st.download_button(T("prio.scenario.save"), data=lambda: scenario_bytes(scenario),
                       file_name=f"phuong_an_uu_tien_{province}_{level}.gpkg", mime="application/geopackage+sqlite3",
                       key="prio_save", type="primary", on_click="ignore")
    w1, w2 = st.columns(2)
    w1.text_input(T("ws.scenario.name"), key="prio_ws_name")
    w1.button(T("ws.scenario.save"), on_click=_save_to_workspace, args=(province, level), key="prio_ws_save")
    w2.selectbox(T("ws.scenario.open"), [""] + [d.name for d in ui.workspace_scenarios()], key="prio_ws_open",
                 on_change=_open_from_workspace, format_func=lambda n: n or T("ws.scenario.none"))
    st.caption(T("prio.scenario.help"))
    o1, o2 = st.columns(2)
    ui.file_uploader(T("prio.scenario.open"), type=["gpkg"], key="prio_open_upload", on_change=_open_scenario,
                     args=(province, vintage), container=o1)
    ui.file_uploader(T("prio.scenario.compare"), type=["gpkg"], key="prio_cmp_upload", on_change=_compare_upload,
                     container=o2)
    if store.get("compare"):
        name, other = store["compare"]
        st.subheader(T("prio.compare"))
        st.text(name)
        _changes(other, scenario, labels)
    if store.get("opened"):
        name, opened = store["opened"]
        with st.expander(T("prio.opened"), expanded=False):
            st.text(name)
            st.caption(T("prio.opened.help"))
            _changes(opened, scenario, labels)
