"""Data page: upload boundaries and tables, read the join report, fix matches by hand, get a template."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo._errors import GeoError
from geo.text.i18n import t
from geo.io.template import indicator_template
from pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state

st.title(T("page.data"))
province, vintage = ss["province"], ss["vintage"]
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
b_file = st.file_uploader(T("ui.upload.boundaries"), type=["geojson", "json", "gpkg", "zip", "kml"], key="b_upload")
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
        if layer.read_report:
            with st.expander("…", expanded=False):
                st.json(layer.read_report)
sources = ui.boundary_sources()
if ss.get("boundary_source") not in sources:
    ss["boundary_source"] = "default"
st.selectbox(T("ui.boundaries"), sources, key="boundary_source",
             format_func=lambda s: T("ui.boundaries.default") if s == "default" else s)

# ---------------------------------------------------------------- tables
st.subheader(T("ui.dataset"))
t_file = st.file_uploader(T("ui.upload.table"), type=["csv", "xlsx", "txt", "tsv"], key="t_upload")
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
    layer = ui.current_layer()
except GeoError as exc:
    ui.show_error(exc)
    st.stop()
ui.trust_warnings(layer)  # above the table: impossible values, conflicting rows, implausible values
st.dataframe(table.data, hide_index=True, use_container_width=True, height=240)
dataset = ss["dataset"]
conflicts = layer.build.checks.conflicts
if conflicts:  # the planner picks the row to use for each unit with conflicting rows
    picks = ui.picks_for(dataset)
    for item in conflicts:
        unit = (item.get("unit") or {}).get("name") or item["key"]
        options = [None] + item["rows"]
        current = picks.get(item["key"])
        chosen = st.selectbox(T("trust.pick_row", unit=unit), options, key=f"conflict_{dataset}_{item['key']}",
                              index=options.index(current) if current in options else 0,
                              format_func=lambda r: T("trust.pick_none") if r is None else T("trust.row", row=r))
        if chosen != current:
            picks.pop(item["key"], None) if chosen is None else picks.update({item["key"]: chosen})
            st.rerun()

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

# Hand choices for unmatched and ambiguous rows: suggestions first, then every unit of the level.
with_district = layer.level == "commune" and "district_name" in layer.gdf
units = layer.gdf[["code", "name"] + (["district_name"] if with_district else [])].dropna(subset=["code"])
unit_label = {
    c: f"{n} – {d}" if isinstance(d, str) else n
    for c, n, d in zip(units["code"], units["name"], units.get("district_name", pd.Series([None] * len(units))))
}
problems = [("unmatched", r) for r in report.unmatched_rows] + [("ambiguous", r) for r in report.ambiguous]
overrides = ui.overrides_for(dataset)
if overrides:  # hand matches, each can be undone
    st.caption(T("trust.manual") + ": " + ", ".join(f"{unit_label.get(c, c)}" for c in overrides.values()))
    file_rows = table.data["source_row"].tolist() if "source_row" in table.data else list(range(1, len(table.data) + 1))
    for idx in sorted(overrides):
        if st.button(T("trust.undo", row=file_rows[idx] if idx < len(file_rows) else idx + 1), key=f"undo_{dataset}_{idx}"):
            overrides.pop(idx, None)
            st.rerun()
if problems:
    row_index = {int(r): i for i, r in enumerate(table.data.get("source_row", pd.Series(range(len(table.data)))))}
    choices = {}
    keep = T("ui.report.keep_unmatched")
    for kind, rec in problems:
        proposals = [s["code"] for s in rec.get("suggestions", []) if s.get("code")]
        proposals += [c["code"] for c in rec.get("candidates", []) if c.get("code")]
        others = [c for c in unit_label if c not in proposals]
        options = [""] + proposals + others
        fmt = {c: (f"{unit_label.get(c, c)} ({T('ui.report.suggestion')})" if c in proposals else unit_label.get(c, c))
               for c in options if c}
        fmt[""] = keep
        idx = row_index.get(int(rec["row"]), rec["row"])
        current = overrides.get(idx, "")
        options = ui.unit_filter(options, fmt, key=f"find_{dataset}_{idx}")
        choices[idx] = st.selectbox(
            T("ui.report.pick", row=rec["row"], name=rec.get("name", "")), options,
            index=options.index(current) if current in options else 0, format_func=fmt.get, key=f"pick_{dataset}_{idx}",
        )
    if st.button(T("ui.report.apply"), type="primary"):
        for idx, code in choices.items():
            if code:
                overrides[idx] = code
            else:
                overrides.pop(idx, None)
        ui.save_overrides(dataset)
        st.success(T("ui.report.applied", n=len(overrides)))
        st.rerun()

with st.expander(T("ui.report.unmatched_units") + f" ({summary['unmatched_boundaries']})"):
    st.dataframe(pd.DataFrame(report.unmatched_boundaries), hide_index=True, use_container_width=True)
if report.inconsistent:
    with st.expander(T("ui.report.inconsistent") + f" ({summary['inconsistent']})"):
        st.dataframe(pd.DataFrame(report.inconsistent), hide_index=True, use_container_width=True)
if report.name_mismatches:
    st.warning(T("ui.report.name_mismatches", n=len(report.name_mismatches)))
    st.dataframe(pd.DataFrame(report.name_mismatches), hide_index=True, use_container_width=True)
if report.duplicates:
    with st.expander(T("ui.report.duplicates") + f" ({summary['duplicates']})"):
        st.dataframe(pd.DataFrame(report.duplicates), hide_index=True, use_container_width=True)
