"""Sections of the Priority page below the rules: designations (2) and scenarios (5), with their callbacks.

Split out of ``pages/priority.py`` to keep each file one screenful of layout; every decision is a call into
``geo`` (:mod:`geo.join.designations`, :mod:`geo.workflows.priority`, :mod:`geo.workflows.scenario`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo._errors import GeoError
from geo.join.designations import read_designations
from geo.text.i18n import t
from geo.units.designations import DESIGNATION_TYPES, designation_label
from geo.analysis.rules import ManualDecision
from geo.workflows.priority import (
    map_includes,
    designation_tables,
    import_report_tables,
    scenario_bytes,
    scenario_from_bytes,
    scenario_units,
)
from geo.workflows.scenario import compare, new_scenario
from pages import _ui as ui


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


def _hand(action: str, level: str, vintage: str) -> None:
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    code, kind, note = ss.get("prio_h_unit"), ss.get("prio_h_type"), ss.get("prio_h_note", "")
    current = ui.designations()
    try:
        if action == "tag":
            changed = current.tag(code, kind, note=note, level=level, vintage=vintage)
        else:
            changed = current.untag(code, kind, note=note, level=level, vintage=vintage)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
        return
    ui.set_designations(changed)
    ss["prio_h_note"] = ""


def _undo() -> None:
    ss = st.session_state
    pick = ss.get("prio_h_undo")
    if pick:
        kind, code = pick.split("|", 1)
        ui.set_designations(ui.designations().undo(code, kind))


def _import_designations(province: str, level: str, vintage: str) -> None:
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    f = ss.get("prio_d_upload")
    if f is None:
        store["flash"] = ("warning", t("prio.d.no_file", lang))
        return
    try:
        path = ui.save_upload(f)
        found, report = read_designations(
            path, type=ss.get("prio_d_type") or None, province=province, level=level, vintage=vintage,
            source=ss.get("prio_d_source") or f.name,
        )
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
        return
    ui.set_designations(ui.designations().merge(found))
    store["d_report"] = (f.name, report)


def _open_scenario(province: str, vintage: str) -> None:
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    f = ss.get("prio_open_upload")
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
    store["pending_scenario"] = (f.name, scn)
    store["defaults"] = False
    store["flash"] = ("success", t("prio.open.done", lang, name=f.name, n=len(scn.selection)))


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
    store["pending_scenario"] = (name, scn)
    store["defaults"] = False
    ss["prio_ws_name"] = name
    store["flash"] = ("success", t("ws.scenario.opened", lang, name=name, version=info.version))


def _compare_upload() -> None:
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    f = ss.get("prio_cmp_upload")
    if f is None:
        store.pop("compare", None)
        return
    try:
        store["compare"] = (f.name, scenario_from_bytes(f.getvalue(), name=f.name))
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))


def _add_manual(manual_key: str) -> None:
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    code, action, reason = ss.get("prio_m_unit"), ss.get("prio_m_action"), ss.get("prio_m_reason", "")
    try:
        decision = ManualDecision(code=code or "", action=action, reason=reason)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
        return
    items = [d for d in store["manual"].setdefault(manual_key, []) if d.code != decision.code]
    store["manual"][manual_key] = items + [decision]
    ss["prio_m_reason"] = ""


def _remove_manual(manual_key: str) -> None:
    ss, store = st.session_state, st.session_state["prio"]
    code = ss.get("prio_m_remove")
    store["manual"][manual_key] = [d for d in store["manual"].get(manual_key, []) if d.code != code]


def _include_map(manual_key: str) -> None:
    store, lang = st.session_state["prio"], ui.lang()
    ranked = store.get("ranked_codes")
    if ranked is None:
        return
    frame = pd.DataFrame({"code": ranked[0], "selected": ranked[1]})
    items = store["manual"].setdefault(manual_key, [])
    store["manual"][manual_key] = items + map_includes(ui.selection(), frame, items, reason=t("prio.map.reason", lang))


def _apply_selection() -> None:
    store, lang = st.session_state["prio"], ui.lang()
    ranked = store.get("ranked_codes")
    if ranked is None:
        return
    chosen = {c for c, s in zip(*ranked) if s}
    ui.selection().clear()
    ui.selection().update(chosen)
    store["flash"] = ("success", t("prio.apply.done", lang, n=len(chosen)))


def manual_section(*, ranked: pd.DataFrame, manual: list, labels: dict[str, str], manual_key: str) -> None:
    """Section 3 (below the list): include or exclude by hand, with a reason; the map's selection."""
    T = ui.T
    st.subheader(T("prio.manual"))
    st.caption(T("prio.manual.help"))
    m1, m2 = st.columns([2, 1])
    ranked_labels = {c: labels.get(c, c) for c in ranked["code"].astype(str)}
    m1.selectbox(T("prio.d.unit"), list(ranked_labels), key="prio_m_unit", format_func=ranked_labels.get)
    keep("prio_m_action", "include")
    m2.radio(T("prio.manual.action"), ["include", "exclude"], key="prio_m_action", horizontal=True,
             format_func=lambda a: T(f"prio.manual.{a}"))
    st.text_input(T("prio.manual.reason"), key="prio_m_reason")
    st.button(T("prio.manual.add"), on_click=_add_manual, args=(manual_key,), key="prio_m_add")
    if manual:
        st.dataframe(pd.DataFrame({
            T("ui.col.name"): [labels.get(d.code, d.code) for d in manual],
            T("prio.manual.action"): [T(f"prio.manual.{d.action}") for d in manual],
            T("prio.manual.reason"): [d.reason for d in manual],
        }), hide_index=True, width="stretch")
        r1, r2 = st.columns([3, 1])
        r1.selectbox(T("prio.manual.remove.pick"), [d.code for d in manual], key="prio_m_remove",
                     format_func=lambda c: labels.get(c, c))
        r2.button(T("prio.manual.remove"), on_click=_remove_manual, args=(manual_key,), key="prio_m_remove_btn")

    st.subheader(T("prio.map"))
    on_map = ui.selection()
    extra = map_includes(on_map, ranked, manual, reason=T("prio.map.reason"))
    st.caption(T("prio.map.help", n=len(on_map), extra=len(extra)))
    a1, a2, _ = st.columns([1.3, 1.3, 1])
    a1.button(T("prio.apply"), on_click=_apply_selection, type="primary", key="prio_apply")
    a2.button(T("prio.map.include", n=len(extra)), on_click=_include_map, args=(manual_key,), disabled=not extra, key="prio_map_include")


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
            undo = {f"{k}|{c}": f"{designation_label(k, lang)} – {labels.get(c, c)}" for k, c in zip(hand["type"], hand["code"])}
            u1, u2 = st.columns([3, 1])
            u1.selectbox(T("prio.d.undo.pick"), list(undo), key="prio_h_undo", format_func=undo.get)
            u2.button(T("prio.d.undo"), on_click=_undo, key="prio_h_undo_btn")

    kinds = list(dict.fromkeys([*DESIGNATION_TYPES, *designations.types]))
    with st.expander(T("prio.d.tag"), expanded=False):
        h1, h2 = st.columns([2, 1])
        h1.selectbox(T("prio.d.unit"), list(labels), key="prio_h_unit", format_func=labels.get)
        h2.selectbox(T("prio.d.type"), kinds, key="prio_h_type", format_func=lambda k: designation_label(k, lang))
        st.text_input(T("prio.d.note"), key="prio_h_note")
        h3, h4, _ = st.columns([1, 1, 3])
        h3.button(T("prio.d.tag.do"), on_click=_hand, args=("tag", level, vintage), key="prio_h_tag")
        h4.button(T("prio.d.untag.do"), on_click=_hand, args=("untag", level, vintage), key="prio_h_untag")

    with st.expander(T("prio.d.import"), expanded=False):
        st.caption(T("prio.d.import.help"))
        st.file_uploader(T("prio.d.import.file"), type=["csv", "xlsx"], key="prio_d_upload")
        i1, i2 = st.columns(2)
        i1.selectbox(T("prio.d.type"), [""] + list(DESIGNATION_TYPES), key="prio_d_type",
                     format_func=lambda k: designation_label(k, lang) if k else T("prio.d.type.column"))
        i2.text_input(T("prio.d.source"), key="prio_d_source")
        st.button(T("prio.d.import.do"), on_click=_import_designations, args=(province, level, vintage), key="prio_d_import")
        if store.get("d_report"):
            name, report = store["d_report"]
            s = report.summary()
            st.caption(T("prio.d.report"))
            st.text(name)
            m = st.columns(3)
            m[0].metric(T("ui.report.matched"), s["matched"])
            m[1].metric(T("prio.d.unmatched"), s["unmatched"])
            m[2].metric(T("ui.report.ambiguous"), s["ambiguous"])
            for part, frame in import_report_tables(report, labels).items():
                if not frame.empty:
                    st.markdown(f"**{T(f'prio.d.report.{part}')}**")
                    st.dataframe(frame.rename(columns=lambda c: T(f"prio.d.rcol.{c}")), hide_index=True,
                                 width="stretch")


def _changes(other, scenario, labels) -> None:
    T, lang = ui.T, ui.lang()
    diff = compare(other, scenario, lang=lang)  # "enters": selected now, not in the other file
    if diff.empty:
        st.success(T("prio.compare.same"))
        return
    st.caption(T("prio.compare.count", n=len(diff), enter=int((diff["change"] == "enter").sum()),
                 leave=int((diff["change"] == "leave").sum())))
    st.dataframe(pd.DataFrame({
        T("ui.col.name"): [labels.get(c, n) for c, n in zip(diff["code"], diff["name"])],
        T("prio.compare.change"): diff["change_text"],
        T("prio.compare.tier_a"): diff["tier_a"], T("prio.compare.tier_b"): diff["tier_b"],
        T("prio.compare.rank_a"): diff["rank_a"], T("prio.compare.rank_b"): diff["rank_b"],
    }), hide_index=True, width="stretch")


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
    o1.file_uploader(T("prio.scenario.open"), type=["gpkg"], key="prio_open_upload", on_change=_open_scenario,
                     args=(province, vintage))
    o2.file_uploader(T("prio.scenario.compare"), type=["gpkg"], key="prio_cmp_upload", on_change=_compare_upload)
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
