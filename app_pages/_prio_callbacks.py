"""Callbacks of the Priority page's designation and hand-decision sections (run before the page redraws).

Each reads the widgets' values from the session state, makes one call into ``geo`` and keeps the result in the
page's store (``st.session_state["prio"]``); a problem becomes a translated flash message.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo._errors import GeoError
from geo.analysis.rules import ManualDecision
from geo.join.designations import read_designations
from geo.text.i18n import t
from geo.workflows.priority import map_includes
from geo.workflows.priority_view import selected_codes, with_decision, without_decision
from app_pages import _ui as ui


def hand(action: str, level: str, vintage: str) -> None:
    """Tag or untag the unit picked in the hand-tag box."""
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


def undo() -> None:
    """Undo the hand tag picked in the undo box."""
    pick = st.session_state.get("prio_h_undo")
    if pick:
        kind, code = pick.split("|", 1)
        ui.set_designations(ui.designations().undo(code, kind))


def import_designations(province: str, level: str, vintage: str) -> None:
    """Read the uploaded designation list and merge it into the session's designations."""
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


def add_manual(manual_key: str) -> None:
    """Add the hand decision typed in the boxes (it replaces an earlier one on the same unit)."""
    ss, store, lang = st.session_state, st.session_state["prio"], ui.lang()
    code, action, reason = ss.get("prio_m_unit"), ss.get("prio_m_action"), ss.get("prio_m_reason", "")
    try:
        decision = ManualDecision(code=code or "", action=action, reason=reason)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
        return
    store["manual"][manual_key] = with_decision(store["manual"].setdefault(manual_key, []), decision)
    ss["prio_m_reason"] = ""


def remove_manual(manual_key: str) -> None:
    """Remove the hand decision picked in the remove box."""
    store = st.session_state["prio"]
    store["manual"][manual_key] = without_decision(store["manual"].get(manual_key, []),
                                                   st.session_state.get("prio_m_remove"))


def include_map(manual_key: str) -> None:
    """Include by hand the units selected on the map that the rules leave out."""
    store, lang = st.session_state["prio"], ui.lang()
    ranked = store.get("ranked_codes")
    if ranked is None:
        return
    frame = pd.DataFrame({"code": ranked[0], "selected": ranked[1]})
    items = store["manual"].setdefault(manual_key, [])
    store["manual"][manual_key] = items + map_includes(ui.selection(), frame, items, reason=t("prio.map.reason", lang))


def apply_selection() -> None:
    """Make the priority list the map's selection."""
    store, lang = st.session_state["prio"], ui.lang()
    if store.get("ranked_codes") is None:
        return
    chosen = selected_codes(store["ranked_codes"])
    ui.selection().clear()
    ui.selection().update(chosen)
    store["flash"] = ("success", t("prio.apply.done", lang, n=len(chosen)))
