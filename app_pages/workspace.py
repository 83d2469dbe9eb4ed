"""Workspace page: what the workspace keeps (tables, boundaries, designations, scenarios), their versions
and history; restore an older version; log in to a team workspace."""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.workspace.views import datasets_table, history_table, versions_table
from app_pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state

st.title(T("ws.page"))

# ---------------------------------------------------------------- team workspace: log in
if ui.workspace_is_server() and ss.get("ws_store") is None:
    with st.form("ws_login"):
        user = st.text_input(T("ws.login.user"))
        password = st.text_input(T("ws.login.password"), type="password")
        if st.form_submit_button(T("ws.login"), type="primary"):
            try:
                ui.workspace_login(user, password)
            except GeoError as exc:
                ui.show_error(exc)
            else:
                st.rerun()
    st.stop()

ws = ui.workspace()
ui.workspace_notice()
if ws is None:
    st.stop()
st.caption(ui.workspace_caption())

# ---------------------------------------------------------------- datasets
st.subheader(T("ws.datasets"))
try:
    items = ws.datasets()
except GeoError as exc:
    ui.show_error(exc)
    st.stop()
if not items:
    st.info(T("ws.empty"))
    st.stop()
st.dataframe(datasets_table(items, lang=lang), hide_index=True, width="stretch")

keys = {f"{d.kind}|{d.name}": d for d in items}
pick = st.selectbox(T("ws.pick"), list(keys), key="ws_pick",
                    format_func=lambda k: f"{T('ws.kind.' + keys[k].kind)} – {keys[k].name}")
chosen = keys[pick]
versions = ws.versions(chosen.name, kind=chosen.kind)
st.markdown(f"**{T('ws.versions')}**")
st.dataframe(versions_table(versions, lang=lang), hide_index=True, width="stretch")
if chosen.report:
    with st.expander("…", expanded=False):
        st.json(chosen.report)

c1, c2 = st.columns(2)
older = [v.version for v in versions[1:]]
if older:
    back = c1.selectbox(T("ws.col.version"), older, key="ws_restore_version")
    if c1.button(T("ws.restore", version=back), key="ws_restore"):
        try:
            new = ws.restore(chosen.name, kind=chosen.kind, version=back)
        except GeoError as exc:
            ui.show_error(exc)
        else:
            ui.forget_workspace_versions()
            st.success(T("ws.restored", version=back, name=chosen.name, new=new.version))
if chosen.kind in ("table", "converted") and c2.button(T("ws.use"), key="ws_use"):
    ss["dataset"] = ui.UPLOAD_PREFIX + chosen.name
    if chosen.level in ("district", "commune"):
        ss["level"] = chosen.level
    st.switch_page("app_pages/map.py")

# ---------------------------------------------------------------- history
st.subheader(T("ws.history"))
st.dataframe(history_table(ws.history(limit=500), lang=lang), hide_index=True, width="stretch", height=300)
