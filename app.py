"""Bản đồ giảm nghèo — Streamlit entry point.

Run with ``streamlit run app.py``. Opens on Lạng Sơn with the embedded
approximate boundaries and the district table of Kế hoạch 78/KH-UBND, so a
planner sees a map in the first minute with no set-up.
"""

import streamlit as st

from geo.text.i18n import t
from pages import _ui as ui
from pages._start import start_panel

st.set_page_config(page_title="Bản đồ giảm nghèo", layout="wide")
ui.init_state()
ui.language_switch()
lang = ui.lang()

home = st.Page("pages/map.py", title=t("page.map", lang), default=True, url_path="ban-do")
pages = [
    home,
    st.Page("pages/data.py", title=t("page.data", lang), url_path="du-lieu"),
    st.Page("pages/households.py", title=t("page.households", lang), url_path="danh-sach-ho"),
    st.Page("pages/priority.py", title=t("page.priority", lang), url_path="uu-tien"),
    st.Page("pages/annex.py", title=t("page.annex", lang), url_path="phu-luc"),
    st.Page("pages/reform.py", title=t("page.reform", lang), url_path="sap-nhap-2025"),
    st.Page("pages/progress.py", title=t("page.progress", lang), url_path="tien-do"),
    st.Page("pages/workspace.py", title=t("ws.page", lang), url_path="kho-du-lieu"),
]
page = st.navigation(pages)
if page.url_path == home.url_path:  # the home page opens with the getting-started panel
    start_panel()
page.run()
