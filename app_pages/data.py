"""Data page: upload boundaries and tables, read the join report, fix matches by hand, get a template."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import settings

from geo._errors import GeoError
from geo.text.i18n import format_number, t
from geo.text.markup import markdown_text
from geo.io.template import indicator_template
from geo.workflows.table_view import table_preview
from app_pages import _national as nat
from app_pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state

st.title(T("page.data"))
province, vintage = ss["province"], ss["vintage"]
national = nat.is_national()  # "Toàn quốc" chosen on the Map page: tables are joined to the whole country
names = dict(zip(*ui.provinces(vintage).to_dict("list").values()))
st.caption(T("ui.data.area", area=T("ui.area.national") if national else names.get(province, province)))
levels = ["district", "commune"] if vintage == "pre2025" else ["commune"]

# ---------------------------------------------------------------- template
with st.expander(T("ui.template"), expanded=False):
    tpl_level = st.radio(T("ui.level"), levels, horizontal=True, key="tpl_level",
                         format_func=lambda v: T(f"ui.level.{v}"))
    st.download_button(
        T("ui.template"),
        data=indicator_template(province=province, level=tpl_level, vintage=vintage, lang=lang),
        file_name=f"bieu_mau_{province}_{tpl_level}_{vintage}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="tpl_download",
    )

# ---------------------------------------------------------------- boundaries
st.subheader(T("ui.boundaries"))
b_file = ui.file_uploader(T("ui.upload.boundaries"), type=["geojson", "json", "gpkg", "zip", "kml"], key="b_upload")
b_level = st.radio(T("ui.level"), levels, horizontal=True, key="b_level", format_func=lambda v: T(f"ui.level.{v}"))
crs = st.text_input(T("ui.upload.crs"), key="b_crs").strip() or None
if b_file is not None:
    try:
        name, layer = ui.upload_boundaries(b_file, level=b_level, crs=crs)
    except GeoError as exc:
        ui.show_error(exc)
        fit = exc.params.get("fit") or exc.params.get("likely_code")  # wrong zone, or no .prj: offer the CRS that fits
        if fit:
            st.button(T("trust.use_crs", crs=fit), type="primary", key="b_use_crs",
                      on_click=lambda: ss.update(b_crs=fit))
    else:
        if ss.get("b_done") != (name, ui.digest(b_file.getvalue())):  # a new upload becomes current once
            ss["b_done"], ss["boundary_source"] = (name, ui.digest(b_file.getvalue())), name
        st.success(T("ui.upload.loaded", n=len(layer.gdf), name=b_file.name))
        for note in (layer.read_report or {}).get("warnings", []):  # axes swapped, CRS assumed, text converted
            st.info(markdown_text(note.get(lang) or note.get("vi", "")))
        if layer.read_report:
            with st.expander(T("qa.read_details"), expanded=False):
                st.json(layer.read_report)
sources = ui.boundary_sources()
if ss.get("boundary_source") not in sources:
    ss["boundary_source"] = "default"
st.selectbox(T("ui.boundaries"), sources, key="boundary_source",
             format_func=lambda s: T("ui.boundaries.default") if s == "default" else s)

# ---------------------------------------------------------------- tables
st.subheader(T("ui.dataset"))
t_file = ui.file_uploader(T("ui.upload.table"), type=["csv", "xlsx", "txt", "tsv"], key="t_upload",
                          max_upload_size=settings.MAX_TABLE_MB)
if t_file is not None:
    try:
        dataset_id, uploaded_table = ui.upload_table(t_file)
    except GeoError as exc:
        ui.show_error(exc)
    else:
        if ss.get("t_done") != (dataset_id, ui.digest(t_file.getvalue())):  # a new upload becomes current once
            ss["t_done"], ss["dataset"] = (dataset_id, ui.digest(t_file.getvalue())), dataset_id
            if uploaded_table.level in levels:
                ss["level"] = uploaded_table.level
        st.success(T("ui.upload.loaded", n=len(uploaded_table.data), name=t_file.name))
ui.workspace_notice()

datasets = ui.dataset_options()
if ss["dataset"] not in datasets:
    ss["dataset"] = ""
st.selectbox(T("ui.dataset"), list(datasets), key="dataset", format_func=lambda k: datasets[k])
st.radio(T("ui.level"), levels, key="level", horizontal=True, format_func=lambda v: T(f"ui.level.{v}"))

table = ui.current_table()
if table is None:
    st.stop()
try:
    layer = nat.national_layer(ss["level"]) if national else ui.current_layer()
except GeoError as exc:
    ui.show_error(exc)
    st.stop()
ui.trust_warnings(layer)  # above the table: impossible values, conflicting rows, implausible values
shown = table.data.head(settings.TABLE_PREVIEW_ROWS)  # each cell is formatted: a national table's 60,000 took 2 s
st.dataframe(table_preview(shown, lang=lang), hide_index=True, width="stretch", height=240)
if len(shown) < len(table.data):
    st.caption(T("ui.table.preview_rows", shown=format_number(len(shown), 0, lang), n=format_number(len(table.data), 0, lang)))
dataset = ss["dataset"]
ui.conflict_pickers(layer, dataset)  # the planner picks the row to use for units with conflicting rows

# ---------------------------------------------------------------- join report
report = layer.report
st.subheader(T("ui.report"))
for note in layer.notes:
    st.info(T(note))
if report is None:
    st.stop()
summary = report.summary()
cols = st.columns(5)
cols[0].metric(T("ui.report.matched"), summary["matched"])
cols[1].metric(T("ui.report.unmatched_rows"), summary["unmatched_rows"])
cols[2].metric(T("ui.report.unmatched_units"), summary["unmatched_boundaries"])
cols[3].metric(T("ui.report.ambiguous"), summary["ambiguous"])
cols[4].metric(T("ui.report.inconsistent"), summary["inconsistent"])
if report.by_method:
    st.caption(T("ui.report.by_method") + ": " + ", ".join(
        f"{t('method.' + k, lang)} {v}" for k, v in report.by_method.items()))

ui.hand_choices(layer, table, dataset)  # suggestions first, a diacritic-free search, undo

with st.expander(T("ui.report.unmatched_units") + f" ({summary['unmatched_boundaries']})"):
    st.dataframe(pd.DataFrame(report.unmatched_boundaries), hide_index=True, width="stretch")
if report.inconsistent:
    with st.expander(T("ui.report.inconsistent") + f" ({summary['inconsistent']})"):
        st.dataframe(pd.DataFrame(report.inconsistent), hide_index=True, width="stretch")
if report.name_mismatches:
    st.warning(T("ui.report.name_mismatches", n=len(report.name_mismatches)))
    st.dataframe(pd.DataFrame(report.name_mismatches), hide_index=True, width="stretch")
if report.duplicates:
    with st.expander(T("ui.report.duplicates") + f" ({summary['duplicates']})"):
        st.dataframe(pd.DataFrame(report.duplicates), hide_index=True, width="stretch")
