"""Household lists page ("Danh sách hộ"): upload commune lists, check how they were read, fix a column,
import, then see the indicator map and the deprivations of a clicked commune. Personal columns are
shown masked in the preview only and never kept."""

from __future__ import annotations

import json

import streamlit as st

from geo import settings

from geo._errors import GeoError
from geo.analysis.indicators import label
from geo.io.households import ROLES
from geo.workflows import households as wf
from geo.render.mapcomponent import map_component
from geo.workflows.mapview import render_map
from geo.workflows.priority import markdown_text
from geo.workspace.household_mappings import save_mapping, saved_mappings
from app_pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state
ss.setdefault("hh_mapping", wf.ColumnMapping())
mapping: wf.ColumnMapping = ss["hh_mapping"]
store = ui.workspace()  # column mappings saved for earlier files apply to files of the same header shape
st.title(T("page.households"))
st.caption(T("hh.intro"))
files = ui.file_uploader(T("hh.upload"), type=["xlsx", "csv", "zip"], accept_multiple_files=True, key="hh_files")
totals_file = ui.file_uploader(T("hh.totals"), type=["xlsx", "csv"], key="hh_totals",
                               max_upload_size=settings.MAX_TABLE_MB)
if not files:
    st.stop()

key = tuple(ui.digest(f.getvalue()) for f in files)
if ss.get("hh_paths_key") != key:
    try:
        ss["hh_paths"] = [str(ui.save_upload(f)) for f in files]
    except GeoError as exc:
        ui.show_error(exc)
        st.stop()
    ss["hh_paths_key"] = key
    try:  # read once per upload: what this session saves applies to the next files, not to the page in use
        mapping.saved = saved_mappings(store) if store is not None else {}
    except GeoError as exc:
        ui.show_error(exc)
paths = ss["hh_paths"]

# ---------------------------------------------------------------- preview and column mapping
st.subheader(T("hh.preview"))
preview_key = (key, json.dumps([mapping.to_dict(), mapping.saved], sort_keys=True))
if ss.get("hh_preview_key") != preview_key:  # reading every sheet again on each click would be slow
    try:
        ss["hh_layouts"] = wf.preview_lists(paths, mapping=mapping)
    except GeoError as exc:
        ui.show_error(exc)
        st.stop()
    ss["hh_preview_key"] = preview_key
layouts = ss["hh_layouts"]
st.caption(T("hh.preview.count", files=len({lay.source.display for lay in layouts}), sheets=len(layouts)))
if applied := wf.mapping_message(layouts, lang=lang):
    st.info(applied)
for n, lay in enumerate(wf.distinct_layouts(layouts)):
    with st.expander(T("hh.preview.sheet", where=lay.where, rows=", ".join(map(str, lay.header_rows))), expanded=n == 0):
        st.dataframe(wf.mapping_table(lay, lang=lang), hide_index=True, width="stretch")
        personal = [p["column"] for p in lay.personal()]
        if personal:
            st.info(T("hh.personal", columns=", ".join(personal)))

headers = sorted({h for lay in layouts for h in lay.headers if h})
with st.form("hh_fix"):
    st.markdown(T("hh.fix"))
    c1, c2 = st.columns(2)
    column = c1.selectbox(T("hh.fix.column"), headers, key="hh_fix_column")
    role = c2.selectbox(T("hh.fix.role"), ROLES, key="hh_fix_role", format_func=lambda r: wf.role_label(r, lang))
    if st.form_submit_button(T("hh.fix.apply")):
        mapping.columns[column] = role
        st.rerun()
if mapping.columns:
    st.caption(T("hh.fix.current", pairs="; ".join(f"{h} → {wf.role_label(r, lang)}" for h, r in mapping.columns.items())))
    st.download_button(T("hh.fix.save"), json.dumps(mapping.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"),
                       file_name="ghep_cot.json", mime="application/json", key="hh_mapping_dl")

# ---------------------------------------------------------------- import
if st.button(T("hh.import"), type="primary", key="hh_import"):
    try:
        totals = str(ui.save_upload(totals_file)) if totals_file is not None else None
        with st.spinner("…"):
            result = wf.import_lists(paths, totals=totals, mapping=mapping, province=ss["province"],
                                     vintage=ss["vintage"])
    except GeoError as exc:
        ui.show_error(exc)
        st.stop()
    name = T("hh.dataset", n=len(files))
    ss["hh_result"] = result
    if store is not None and mapping.columns:
        try:
            ss["hh_saved"] = bool(save_mapping(store, layouts=result.layouts, mapping=mapping, origin="app"))
        except GeoError as exc:
            ui.show_error(exc)
    ss["tables"][name] = wf.as_indicator_table(result, name=name)
    ss["dataset"], ss["level"] = ui.UPLOAD_PREFIX + name, "commune"
result = ss.get("hh_result")
if result is None:
    st.stop()

# ---------------------------------------------------------------- report
st.success(wf.summary_line(result, path="—", lang=lang))
if ss.get("hh_saved"):
    st.caption(T("household.mapping_saved"))
messages = wf.problem_messages(result, lang=lang)
if messages:
    with st.expander(T("hh.problems", n=len(messages)), expanded=True):
        st.markdown("\n".join(f"- {markdown_text(m)}" for m in messages[:50]))
d1, d2, d3 = st.columns(3)
d1.download_button(T("hh.dl.indicators"), wf.workbook_bytes(result, lang=lang), file_name="chi_tieu_ho.xlsx",
                   key="hh_dl_xlsx")
d2.download_button(T("hh.dl.villages"), wf.villages_bytes(result, lang=lang), file_name="theo_thon.xlsx", key="hh_dl_vil")
d3.download_button(T("hh.dl.report"), wf.report_bytes(result, lang=lang), file_name="bao_cao_nhap.json", key="hh_dl_json")

# ---------------------------------------------------------------- map and breakdown
if ss["level"] != "commune":
    ss["level"] = "commune"
layer = ui.layer_or_stop()
choices = wf.map_indicators(layer.indicators)
indicator = st.selectbox(T("ui.indicator"), choices, key="hh_indicator", format_func=lambda c: label(c, lang))
col_map, col_side = st.columns([3, 1.4])
with col_map:
    m = render_map(layer, indicator=indicator, lang=lang, illustrative=False, asset_urls=ui.static_assets(),
                   geometry_key=(ss["province"], "commune", ss["vintage"], ss.get("boundary_source")))
    out = map_component(m, key="hh_map", height=560, asset_urls=ui.static_assets(), focus=None)
if isinstance(out, dict) and out.get("click") and out.get("clicks") != ss.get("hh_map_clicks"):
    ss["hh_map_clicks"], ss["hh_commune"] = out.get("clicks"), str(out["click"])
with col_side:
    code = ss.get("hh_commune")
    if not code:
        st.caption(T("hh.click"))
    else:
        st.subheader(T("hh.breakdown", name=wf.commune_name(result, code)))
        table = wf.breakdown(result, code, lang=lang)
        if table.empty:
            st.caption(T("hh.breakdown.none"))
        else:
            st.dataframe(wf.breakdown_display(table, lang=lang), hide_index=True, width="stretch")
            st.bar_chart(table.set_index("indicator")["share"].astype(float), horizontal=True)
