"""The 2025 reform: carry a table of old communes to the new communes, and compare them side by side.

Every decision is made by :mod:`geo.analysis.reform`; this page reads widgets and lays out the results.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo.units import registry

from geo import settings
from geo._errors import GeoError
from geo.analysis.classify import classify_together
from geo.analysis.reform import conversion_table, convert_designations, convert_indicators
from geo.io.weights import read_weights
from geo.text.markup import markdown_text
from geo.workflows.reform import conversion_files, designation_lines, designations_table, reform_view, sources_view
from geo.units.crosswalk import FROM_VINTAGE, TO_VINTAGE

from geo.analysis.indicators import is_rate, label
from geo.join.files import BoundaryLayer
from geo.workflows.layer import build_layer, unit_columns
from geo.render.webmap import build_map
from pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state
LEVEL = "commune"
MAP_HEIGHT = 480
BOUNDARY_CHOICES = ("dissolved", "default")  # how the new-commune polygons are made


st.title(T("reform.title"))
st.caption(T("reform.intro"))

province = ss["province"]
if province not in ui.provinces(FROM_VINTAGE)["code"].tolist():
    province = settings.DEFAULT_PROVINCE

# ---------------------------------------------------------------- 1. input
st.subheader(T("reform.input"))
up = st.file_uploader(T("reform.input.upload"), type=["csv", "xlsx", "txt", "tsv"], key="rf_upload")
if up is not None:
    from geo.io.tables import read_indicators

    up_name = f"{up.name} · {ui.digest(up.getvalue())[:6]}"
    if up_name not in ss["tables"]:
        try:
            ss["tables"][up_name] = read_indicators(up.getvalue(), name=up.name, level=LEVEL)
        except GeoError as exc:
            ui.show_error(exc)
        else:
            ss["rf_source"] = up_name

eligible = [name for name, tab in ss["tables"].items()
            if getattr(tab, "vintage", None) != TO_VINTAGE and tab.level in (LEVEL, None)]
if not eligible:
    st.info(T("reform.input.none"))
    st.stop()
current = ss.get("dataset") or ""
if ss.get("rf_source") not in eligible:
    chosen = current[len(ui.UPLOAD_PREFIX):] if current.startswith(ui.UPLOAD_PREFIX) else ""
    ss["rf_source"] = chosen if chosen in eligible else eligible[0]
st.selectbox(T("reform.input.pick"), eligible, key="rf_source")
source_name = ss["rf_source"]
table = ss["tables"][source_name]
if table.level != LEVEL:
    st.warning(T("reform.input.not_commune", name=markdown_text(table.source)))

w_file = st.file_uploader(T("reform.weights"), type=["csv", "txt"], key="rf_weights")
weights, weights_key = None, ""
if w_file is not None:
    try:
        weights = read_weights(ui.save_upload(w_file), province=province)
    except GeoError as exc:
        ui.show_error(exc)
    else:
        weights_key = ui.digest(w_file.getvalue())
        st.caption(T("reform.weights.file", name=markdown_text(w_file.name)))
if weights is None:
    st.caption(T("reform.weights.default"))

key = (source_name, weights_key, province)
cache = ss.setdefault("rf_cache", {})
if key not in cache:
    try:
        with st.spinner("…"):
            conv = convert_indicators(table, province=province, weights=weights)
    except GeoError as exc:
        ui.show_error(exc)
        st.stop()
    cache.clear()  # one conversion per session is enough; the tables themselves stay in ss["tables"]
    cache[key] = {"conversion": conv}
entry = cache[key]
conv = entry["conversion"]
report = conv.report
if conv.data.empty:
    for line in report.warnings(lang)[:20]:
        st.warning(markdown_text(line))
    st.stop()

# The converted table becomes a dataset of the 2025 communes for the other pages.
new_name = f"{table.source} → {TO_VINTAGE} · {ui.digest(conv.data.to_csv(index=False).encode())[:6]}"
registered = ss.setdefault("rf_registered", {})
previous = registered.get(source_name)
if new_name not in ss["tables"]:
    ss["tables"][new_name] = conversion_table(conv, name=new_name)
    ui.keep_converted(new_name, ss["tables"][new_name], report=conv.report.summary())
if previous and previous != new_name:
    ss["tables"].pop(previous, None)
    if ss.get("dataset") == ui.UPLOAD_PREFIX + previous:
        ss["dataset"] = ui.UPLOAD_PREFIX + new_name
registered[source_name] = new_name

# ---------------------------------------------------------------- 2. report
st.subheader(T("reform.report"))
view = reform_view(conv, lang=lang)
for col, key in zip(st.columns(5), ("old_units", "new_units", "splits", "unmapped", "incomplete")):
    col.metric(T(f"reform.metric.{key.split('_')[0]}"), view.summary[key])
col_totals, col_notes = st.columns([3, 2])
with col_totals:
    st.markdown(f"**{T('reform.totals')}**")
    if len(view.totals):
        st.dataframe(view.totals, hide_index=True, width="stretch")
with col_notes:
    if view.preserved:
        st.success(T("reform.totals.ok", columns=", ".join(view.preserved)))
    if view.lost:
        st.error(T("reform.totals.bad", columns=", ".join(view.lost)))
    if view.partial:
        st.warning(T("reform.estimate_note", n=view.partial))
    if view.dropped:
        st.info(T("reform.dropped") + ": " + ", ".join(view.dropped))
for part, frame, note in (("unmapped", view.unmapped, None), ("splits", view.splits, "reform.splits.note")):
    if len(frame):
        st.markdown(f"**{T(f'reform.{part}')}**")
        if note:
            st.caption(T(note))
        st.dataframe(frame, hide_index=True, width="stretch")
with st.expander(T("reform.details", n=len(view.notes)), expanded=False):
    st.markdown("\n".join(f"- {line}" for line in view.notes))

# ---------------------------------------------------------------- 3. maps
st.subheader(T("reform.maps"))
values = [c for c in conv.data.columns if c in report.counts or c in report.rates]
if not values:
    st.stop()
preferred = next((c for c in values if is_rate(c)), values[0])
if ss.get("rf_indicator") not in values:
    ss["rf_indicator"] = preferred
c1, c2, c3 = st.columns(3)
with c1:
    st.selectbox(T("ui.indicator"), values, key="rf_indicator", format_func=lambda c: label(c, lang))
old_sources = ["default"] + [n for n, lay in ss["layers"].items()
                             if lay.level == LEVEL and lay.vintage == FROM_VINTAGE]
if ss.get("rf_old_boundaries") not in old_sources:
    ss["rf_old_boundaries"] = "default"
with c2:
    st.selectbox(T("reform.boundaries.old"), old_sources, key="rf_old_boundaries",
                 format_func=lambda s: T("ui.boundaries.default") if s == "default" else s)
with c3:
    ss.setdefault("rf_new_boundaries", BOUNDARY_CHOICES[0])
    st.radio(T("reform.boundaries"), BOUNDARY_CHOICES, key="rf_new_boundaries",
             format_func=lambda s: T(f"reform.boundaries.{s}"))
column = ss["rf_indicator"]
old_source = ss["rf_old_boundaries"]
old_approx = old_source == "default"
if old_approx:
    old_b, old_cols = ui.default_boundaries(province, LEVEL, FROM_VINTAGE), None
else:
    old_b, old_cols = ss["layers"][old_source].gdf, ss["layers"][old_source].columns
new_province = registry.province_of(conv.data["code"].iloc[0], level=LEVEL, vintage=TO_VINTAGE) or province
try:
    with st.spinner("…"):
        if ss["rf_new_boundaries"] == "dissolved":
            new_b = ui.boundaries_from_old(province, old_source, old_b)
        else:
            new_b = ui.default_boundaries(new_province, LEVEL, TO_VINTAGE)
        old_layer = build_layer(
            boundaries=BoundaryLayer(gdf=old_b, level=LEVEL, vintage=FROM_VINTAGE, source=old_source,
                                     approximate=old_approx, columns=old_cols or unit_columns(LEVEL, FROM_VINTAGE)),
            table=conv.input, level=LEVEL, vintage=FROM_VINTAGE, province=province)
        new_layer = build_layer(
            boundaries=BoundaryLayer(gdf=new_b, level=LEVEL, vintage=TO_VINTAGE, source=ss["rf_new_boundaries"],
                                     approximate=True, columns=unit_columns(LEVEL, TO_VINTAGE)),
            table=ss["tables"][new_name], level=LEVEL, vintage=TO_VINTAGE, province=new_province)
except GeoError as exc:
    ui.show_error(exc)
    st.stop()
st.caption(T("reform.boundaries.used", what=T(f"reform.boundaries.{ss['rf_new_boundaries']}")))

old_gdf, new_gdf = old_layer.gdf, new_layer.gdf
old_classes, new_classes = classify_together([old_gdf[column], new_gdf[column]], scheme=settings.DEFAULT_SCHEME,
                                             k=settings.DEFAULT_K, column=column)
st.caption(T("reform.maps.same_bins") + ("" if is_rate(column) else " " + T("reform.maps.counts_note")))

new_codes = conv.data["code"].tolist()
new_label = dict(zip(conv.data["code"], [f"{n} ({c})" for c, n in zip(conv.data["code"], conv.data["name"])]))
picked = ss.get("rf_new") if ss.get("rf_new") in new_codes else None
src = conv.weights.loc[conv.weights["new_code"] == picked, "old_code"] if picked else None
palette = ss.get("palette", settings.DEFAULT_PALETTE)
common = dict(value_column=column, palette=palette, lang=lang, asset_urls=ui.static_assets(),
              legend_kwds={"title": label(column, lang)})
m_old = build_map(
    old_gdf, classification=old_classes, selected=set(src) if src is not None else (),
    district_outlines=True if "district_code" in old_gdf else None,
    approximate=old_approx,
    geometry_key=(province, LEVEL, FROM_VINTAGE, old_source), **common,
)
m_new = build_map(
    new_gdf, classification=new_classes, selected={picked} if picked else (),
    approximate=True,
    geometry_key=(new_province, LEVEL, TO_VINTAGE, f"{ss['rf_new_boundaries']}:{old_source}"), **common,
)
col_old, col_new = st.columns(2)
with col_old:
    st.markdown(f"**{T('reform.maps.old', n=len(old_gdf))}**")
    st_folium(m_old, key="rf_map_old", height=MAP_HEIGHT, use_container_width=True, returned_objects=[])
with col_new:
    st.markdown(f"**{T('reform.maps.new', n=len(new_gdf))}**")
    out = st_folium(m_new, key="rf_map_new", height=MAP_HEIGHT, use_container_width=True,
                    returned_objects=["last_active_drawing", "last_clicked"])
clicked = ui.clicked_code(out, units=new_gdf)
if clicked and clicked in new_codes and clicked != picked:
    ss["rf_new"] = clicked
    st.rerun()

# ---------------------------------------------------------------- 4. sources and designations
st.subheader(T("reform.sources"))
ordered = sorted(new_codes, key=lambda c: new_label[c])
if ss.get("rf_new") not in ordered:
    ss["rf_new"] = None
st.selectbox(T("reform.sources.pick"), ordered, key="rf_new", index=None, format_func=new_label.get,
             placeholder=T("reform.sources.placeholder"))
picked = ss.get("rf_new")
if not picked:
    st.caption(T("reform.sources.none"))
else:
    sv = sources_view(conv, picked, lang=lang)
    st.markdown(sv.summary)
    st.dataframe(sv.table, hide_index=True, width="stretch")
    st.caption(sv.values)
    if sv.partial:
        st.caption(T("reform.splits.note"))

st.markdown(f"**{T('reform.designations')}**")
carried = convert_designations(ui.designations(FROM_VINTAGE), province=province, lang=lang)
if picked:
    lines = designation_lines(carried, picked)
    st.markdown("\n".join(lines)) if lines else st.caption(T("reform.designations.none", name=markdown_text(new_label[picked])))
st.caption(T("reform.designations.note"))
if len(carried):
    with st.expander(T("reform.designations.all", n=carried["code"].nunique()), expanded=False):
        st.dataframe(designations_table(carried, lang=lang), hide_index=True, width="stretch")

# ---------------------------------------------------------------- 5. dataset and downloads
st.subheader(T("reform.dataset"))
st.success(T("reform.dataset.added", name=markdown_text(new_name)))
if st.button(T("reform.dataset.open"), type="primary"):
    ss["vintage"], ss["level"], ss["province"] = TO_VINTAGE, LEVEL, new_province
    ss["dataset"] = ui.UPLOAD_PREFIX + new_name
    st.switch_page("pages/map.py")
files = entry.setdefault("files", {})
if lang not in files:
    files[lang] = conversion_files(conv, lang=lang)
stem = Path(table.source).stem + "_" + TO_VINTAGE
mimes = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "json": "application/json"}
for col, ext in zip(st.columns(3), mimes):
    col.download_button(T(f"reform.download.{ext}"), files[lang][ext], mime=mimes[ext], key=f"rf_dl_{ext}",
                        file_name=f"{stem}_report.json" if ext == "json" else f"{stem}.{ext}")
