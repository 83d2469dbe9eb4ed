"""The workspace from the pages: the store, its lists, tables read again, notices and designations.

None of these stop a page: when the workspace cannot be used the app keeps uploads for the session only
and says why once (:func:`workspace_notice`).
"""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.workflows.datasets import UPLOAD_PREFIX, upload_name
from app_pages._ui.state import T, lang

_TABLE_KINDS = ("table", "converted")


@st.cache_resource(show_spinner=False)
def _embedded_workspace(location: str):
    from geo.workspace import open_workspace

    return open_workspace(location)


def workspace():
    """The workspace store (embedded by default; in team mode the logged-in user's), or None.

    None when the workspace cannot be opened (locked, read-only, damaged...) or nobody is logged in to
    the team workspace: the app then keeps uploads for the session only and says why
    (:func:`workspace_notice`).
    """
    from geo.workspace import is_server, workspace_location

    where = workspace_location()
    if is_server(where):
        return st.session_state.get("ws_store")
    try:
        return _embedded_workspace(where)
    except GeoError as exc:
        st.session_state["ws_error"] = exc
        return None


def workspace_is_server() -> bool:
    from geo.workspace import is_server, workspace_location

    return is_server(workspace_location())


def workspace_login(user: str, password: str) -> None:
    """Log in to the team workspace; the session then acts as that user (row-level security applies)."""
    from geo.workspace import workspace_location
    from geo.workspace.postgis import PostgisStore

    st.session_state["ws_store"] = PostgisStore.login(workspace_location(), user=user, password=password)


def workspace_caption() -> str:
    """Where the workspace is, as a planner may see it (a file name or a server, never a full path)."""
    ws = workspace()
    if ws is None:
        return ""
    if workspace_is_server():
        user, role, provinces = ws.whoami()
        return T("ws.where.server", user=user, role=role, provinces=", ".join(provinces))
    return T("ws.where", where=ws.label)


def forget_workspace_versions() -> None:
    """After a restore: tables and hand matches are read again from the workspace's newest versions."""
    for name in st.session_state.get("ws_versions", {}):
        st.session_state["tables"].pop(name, None)
        st.session_state["overrides"].pop(UPLOAD_PREFIX + name, None)
    st.session_state["ws_versions"] = {}


def workspace_notice() -> None:
    """Say, once per run, why uploads are not being kept (the workspace failed)."""
    exc = st.session_state.pop("ws_error", None)
    if exc is not None:
        st.warning(T("ws.save_failed", reason=exc.message(lang())))


def workspace_list(kinds: tuple[str, ...], province: str | None = None) -> list:
    """The workspace's newest datasets of ``kinds`` for ``province`` (and those without a province)."""
    ws = workspace()
    if ws is None:
        return []
    try:
        items = ws.datasets()
    except GeoError as exc:
        st.session_state["ws_error"] = exc
        return []
    return [d for d in items if d.kind in kinds and (province is None or d.province in (None, province))]


def workspace_info(dataset: str):
    """The workspace version behind a dataset id ("upload:<name>") used by this session, or None."""
    name = upload_name(dataset)
    if name is None:
        return None
    known = st.session_state.setdefault("ws_versions", {})
    if name in known:
        return known[name]
    ws = workspace()
    if ws is None:
        return None
    try:
        info = ws.find(name, kinds=_TABLE_KINDS)
    except GeoError:
        info = None
    if info is not None:
        known[name] = info
    return info


def workspace_table(name: str):
    """A workspace table read again for this session (cached per process by its full digest), or None."""
    ws = workspace()
    if ws is None:
        return None
    from geo.workspace.datasets import load_table

    try:
        info = ws.find(name, kinds=_TABLE_KINDS)
        if info is None:
            return None
        st.session_state.setdefault("ws_versions", {})[name] = info
        return load_table(ws, name, kind=info.kind)
    except GeoError as exc:
        st.session_state["ws_error"] = exc
        return None


def designations(vintage: str | None = None):
    """The session's designation set for the current province and vintage (built-in + imported + hand tags)."""
    from geo.units.designations import builtin_designations

    key = (st.session_state["province"], vintage or st.session_state["vintage"])
    store = st.session_state.setdefault("designations", {})
    if key not in store:
        saved = None
        ws = workspace()
        if ws is not None:
            from geo.workspace.datasets import load_designations

            try:
                saved = load_designations(ws, province=key[0], vintage=key[1])
            except GeoError:
                saved = None
        store[key] = saved if saved is not None else builtin_designations(province=key[0], vintage=key[1])
    return store[key]


def set_designations(value) -> None:
    """The session's designations for the current province and vintage, kept in the workspace too."""
    key = (st.session_state["province"], st.session_state["vintage"])
    st.session_state.setdefault("designations", {})[key] = value
    ws = workspace()
    if ws is not None:
        from geo.workspace.datasets import save_designations

        try:
            save_designations(ws, value, province=key[0], vintage=key[1])
        except GeoError as exc:
            st.session_state["ws_error"] = exc
