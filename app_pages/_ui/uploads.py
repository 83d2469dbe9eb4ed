"""Uploads from the pages: written once per content, read by the one safe reader, kept in the workspace.

Uploaded files are written once per content digest (geo.io.spool) and belong to the session that
uploaded them: they are removed when the session ends (its state is dropped) or after
settings.UPLOAD_RETENTION_HOURS. Cached results are keyed by content, never by a file name or prefix.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.io import fingerprint
from geo.io.fingerprint import digest
from geo.text.i18n import Num, megabytes
from geo.workflows.datasets import UPLOAD_PREFIX
from app_pages._ui.state import T, session_id
from app_pages._ui.workspace import workspace, workspace_list

__all__ = ["digest", "content_key", "file_uploader", "save_upload", "upload_table", "upload_boundaries", "keep_converted",
           "boundary_sources", "boundary_layer"]

_SWEEP_EVERY_S = 600.0
_last_sweep = [0.0]


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, line breaks and angle brackets escaped."""
    return '"' + "".join(c if c.isalnum() or c in " •.,()-_" else f"\\{ord(c):06x}" for c in text) + '"'


def file_uploader(label: str, *, key: str, type: list[str], max_upload_size: int | None = None, container=st,
                  **kwargs):
    """``st.file_uploader`` with its button and its limits in the page's language.

    Streamlit writes "Upload" and "200MB per file • CSV, XLSX" in English whatever the page's language; the
    widget's own text is replaced, by a style on this widget's key only, with "Tải lên" and "Tối đa 200 MB mỗi
    tệp • CSV, XLSX" (the limit as this uploader enforces it), wrapped when the column is narrow. ``container``
    is where it is drawn (a column; the page by default).
    """
    size = max_upload_size if max_upload_size is not None else st.get_option("server.maxUploadSize")
    button = _css_string(T("ui.uploader.button"))
    limit = _css_string(T("ui.uploader.limit", size=Num(size, 0), types=", ".join(t.upper() for t in type)))
    box = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    container.html(f"<style>{box} button [data-testid='stMarkdownContainer'] p {{font-size: 0; line-height: 0}}"
            f"{box} button [data-testid='stMarkdownContainer'] p::after {{content: {button}; font-size: 0.875rem;"
            f" line-height: 1.6}}"
            f"{box} [data-testid='stFileUploaderDropzoneInstructions'] span {{font-size: 0; line-height: 0;"
            f" white-space: normal}}"
            f"{box} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{content: {limit};"
            f" font-size: 0.875rem; line-height: 1.6}}</style>")
    return container.file_uploader(label, key=key, type=type, max_upload_size=max_upload_size, **kwargs)


def save_upload(uploaded) -> Path:
    """The uploaded file on disk: written once per content digest, removed with the session."""
    from geo.io.spool import SessionFiles, spool, sweep

    files = st.session_state.get("_session_files")
    if files is None:
        files = st.session_state["_session_files"] = SessionFiles(session_id())
    if time.monotonic() - _last_sweep[0] > _SWEEP_EVERY_S:
        _last_sweep[0] = time.monotonic()
        sweep(max_age_hours=settings.UPLOAD_RETENTION_HOURS)
    return spool(uploaded.getvalue(), uploaded.name or "upload", holder=files.holder)


def content_key(obj) -> str | None:
    """:func:`geo.io.fingerprint.content_key`, remembered per object for this session's reruns."""
    if obj is None:
        return None
    memo = st.session_state.setdefault("_content_keys", {})
    hit = memo.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    key = fingerprint.content_key(obj)
    if len(memo) > 64:  # cached copies (built-in tables) are new objects on every run
        memo.clear()
    memo[id(obj)] = (obj, key)
    return key


def upload_table(uploaded, *, level: str | None = None):
    """Read an uploaded table (once per content) and keep it in the workspace under its file name.

    Returns ``(dataset id, IndicatorTable)``; raises GeoError for a file the reader refuses.
    """
    from geo.io.tables import read_indicators

    data = uploaded.getvalue()
    if len(data) > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoError("file_too_large", path=uploaded.name, size_mb=megabytes(len(data)),
                       limit_mb=Num(settings.MAX_UPLOAD_MB, None))
    name = Path(uploaded.name or "upload").name
    seen = st.session_state.setdefault("uploaded", {})
    key = ("table", digest(data), name, level)
    if key in seen:
        return seen[key], st.session_state["tables"][seen[key][len(UPLOAD_PREFIX):]]
    ws = workspace()
    info = None
    if ws is not None:
        from geo.workspace.datasets import save_table

        try:
            info, table = save_table(ws, data=data, file_name=name, name=name, province=st.session_state["province"],
                                     level=level)
        except GeoError as exc:
            if exc.code.startswith("workspace") or exc.code == "file_too_large":
                st.session_state["ws_error"] = exc
                table = read_indicators(data, name=name, level=level)
            else:
                raise
    else:
        table = read_indicators(data, name=name, level=level)
    st.session_state["tables"][name] = table
    st.session_state["overrides"].pop(UPLOAD_PREFIX + name, None)  # a new version starts without hand matches
    if info is not None:
        st.session_state.setdefault("ws_versions", {})[name] = info
        if info.version > 1:
            st.session_state["overrides"][UPLOAD_PREFIX + name] = {}
    seen[key] = UPLOAD_PREFIX + name
    return UPLOAD_PREFIX + name, table


def upload_boundaries(uploaded, *, level: str, crs: str | None):
    """Read an uploaded boundary file (once per content and parameters) and keep it in the workspace.

    Returns ``(source name, BoundaryLayer)``; raises GeoError for a file the reader refuses.
    """
    from geo.workflows.layer import load_checked_boundaries

    ss = st.session_state
    data = uploaded.getvalue()
    name = Path(uploaded.name or "upload").name
    seen = ss.setdefault("uploaded", {})
    key = ("boundaries", digest(data), name, ss["province"], level, ss["vintage"], crs)
    if key in seen:
        return seen[key], ss["layers"][seen[key]]
    path = save_upload(uploaded)
    # Read and checked against the registry's positions first: a wrong zone is refused before it is kept anywhere.
    checked = load_checked_boundaries(path, province=ss["province"], level=level, vintage=ss["vintage"], crs=crs)
    layer = None
    ws = workspace()
    if ws is not None:
        from geo.workspace.datasets import save_boundaries

        try:
            _, layer = save_boundaries(ws, data=data, file_name=name, name=name, province=ss["province"], level=level,
                                       vintage=ss["vintage"], crs=crs)
        except GeoError as exc:
            if not exc.code.startswith("workspace"):
                raise
            ss["ws_error"] = exc
    if layer is None:
        layer = checked
        layer.source = name
    ss["layers"][name] = layer
    seen[key] = name
    return name, layer


def keep_converted(name: str, table, *, report: dict | None = None) -> None:
    """Keep a table converted to the 2025 communes in the workspace (kind "converted"), with its report."""
    ws = workspace()
    if ws is None:
        return
    from geo.workspace.datasets import save_converted

    try:
        info = save_converted(ws, frame=table.data.drop(columns=["source_row"], errors="ignore"), name=name,
                              province=st.session_state["province"], report=report, source=table.source)
    except GeoError as exc:
        st.session_state["ws_error"] = exc
    else:
        st.session_state.setdefault("ws_versions", {})[name] = info


def boundary_sources() -> list[str]:
    """"default", the session's boundary layers and the workspace's for the current province."""
    names = ["default"] + list(st.session_state["layers"])
    for info in workspace_list(("boundaries",), st.session_state["province"]):
        if info.name not in names:
            names.append(info.name)
    return names


def boundary_layer(source: str):
    """The BoundaryLayer of a source name (loaded from the workspace on first use), or None."""
    layers = st.session_state["layers"]
    if source in layers:
        return layers[source]
    ws = workspace()
    if ws is None:
        return None
    from geo.workspace.datasets import load_boundaries_layer

    try:
        layers[source] = load_boundaries_layer(ws, source)
    except GeoError as exc:
        if exc.code != "workspace_not_found":
            st.session_state["ws_error"] = exc
        return None
    return layers[source]
