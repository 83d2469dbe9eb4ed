"""The "Bắt đầu" (getting started) panel shown above the home page until the planner hides it."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from geo.workflows.samples import write_samples
from app_pages._ui import T


@st.cache_data(show_spinner=False)
def _samples_zip(province: str) -> bytes:
    """The illustrative sample files of ``python -m geo samples``, zipped for one download."""
    with tempfile.TemporaryDirectory() as tmp:
        result = write_samples(Path(tmp) / "samples", province=province)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in result.files.values():
                zf.write(path, arcname=f"mau_minh_hoa/{path.name}")
    return buf.getvalue()


def start_panel() -> None:
    """What the app does, the three steps with links, and the sample files; hidden for the session on request."""
    if st.session_state.get("start_hidden"):
        return
    with st.container(border=True):
        st.markdown(f"**{T('start.title')}** — {T('start.what')}")
        cols = st.columns([1.3, 1.3, 1.3, 2, 1.6])
        steps = (("app_pages/data.py", "start.step1"), ("app_pages/priority.py", "start.step2"),
                 ("app_pages/annex.py", "start.step3"))
        for col, (page, key) in zip(cols, steps, strict=False):
            with col:
                st.page_link(page, label=T(f"{key}.title"), help=T(f"{key}.text"))
        with cols[3]:
            province = st.session_state["province"]
            # Built only when pressed (a callable): writing the samples takes seconds, the first map must not wait.
            st.download_button(T("start.download"), data=lambda: _samples_zip(province),
                               file_name="mau_minh_hoa.zip", mime="application/zip", key="start_samples",
                               help=T("start.samples"), on_click="ignore")
        with cols[4]:
            if st.button(T("start.hide"), key="start_hide"):
                st.session_state["start_hidden"] = True
                st.rerun()
