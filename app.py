"""Bản đồ giảm nghèo — Streamlit entry point.

Run with ``streamlit run app.py``. Opens on Lạng Sơn with the embedded
approximate boundaries and the district table of Kế hoạch 78/KH-UBND, so a
planner sees a map in the first minute with no set-up.
"""

import streamlit as st

from geo.text.i18n import t
from app_pages import _ui as ui
from app_pages._start import start_panel

st.set_page_config(page_title="Bản đồ giảm nghèo", layout="wide")
ui.init_state()
ui.language_switch()
lang = ui.lang()

# file in app_pages/ -> (title key, address)
PAGES = {"map": ("page.map", "ban-do"), "data": ("page.data", "du-lieu"), "households": ("page.households", "danh-sach-ho"),
         "priority": ("page.priority", "uu-tien"), "annex": ("page.annex", "phu-luc"),
         "reform": ("page.reform", "sap-nhap-2025"), "progress": ("page.progress", "tien-do"),
         "workspace": ("ws.page", "kho-du-lieu")}
by_file = {name: st.Page(f"app_pages/{name}.py", title=t(key, lang), url_path=url, default=name == "map")
           for name, (key, url) in PAGES.items()}
home = by_file["map"]
ui.follow_old_address({name: url for name, (_, url) in PAGES.items()})  # /priority, from before these addresses
page = st.navigation(list(by_file.values()))
ui.restore_style_choices(page.url_path)  # the Map's style, drawn in a fragment, follows the planner to any page
if page.url_path == home.url_path:  # the home page opens with the getting-started panel
    start_panel()
try:
    page.run()
finally:  # once per server, after its first page: the national layers prepared in the background
    ui.warm_national()
