"""The 2025 reform: carry a table of old communes to the new communes, and compare them side by side.

Every decision is made by :mod:`geo.analysis.reform`; this page reads widgets and lays out the results.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.units import registry

from geo import settings
from geo._errors import GeoError
from geo.analysis.classify import classify_together
from geo.analysis.reform import conversion_table, convert_designations, convert_indicators, sources_of
from geo.io.conversion import write_conversion
from geo.io.weights import read_weights
from geo.units.crosswalk import FROM_VINTAGE, TO_VINTAGE
from geo.text.i18n import format_number, t
from geo.analysis.indicators import format_value, is_rate, label
from geo.workflows.mapview import map_layer
from geo.render.webmap import build_map
from pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state
LEVEL = "commune"
MAP_HEIGHT = 480
WEIGHT_DECIMALS = 3
BOUNDARY_CHOICES = ("dissolved", "default")  # how the new-commune polygons are made


def _yes_no(flag) -> str:
    return T("yes") if bool(flag) else T("no")


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
    st.warning(T("reform.input.not_commune", name=table.source))

w_file = st.file_uploader(T("reform.weights"), type=["csv", "txt"], key="rf_weights")
weights, weights_key = None, ""
if w_file is not None:
    try:
        weights = read_weights(ui.save_upload(w_file), province=province)
    except GeoError as exc:
        ui.show_error(exc)
    else:
        weights_key = ui.digest(w_file.getvalue())
        st.caption(T("reform.weights.file", name=w_file.name))
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
        st.warning(line)
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
summary = report.summary()
cols = st.columns(5)
cols[0].metric(T("reform.metric.old"), summary["old_units"])
cols[1].metric(T("reform.metric.new"), summary["new_units"])
cols[2].metric(T("reform.metric.splits"), summary["splits"])
cols[3].metric(T("reform.metric.unmapped"), summary["unmapped"])
cols[4].metric(T("reform.metric.incomplete"), summary["incomplete"])

totals = pd.DataFrame([
    {T("reform.col.indicator"): label(col, lang),
     T("reform.col.before"): format_number(v["before"], 0, lang),
     T("reform.col.unmapped"): format_number(v["unmapped"], 0, lang),
     T("reform.col.after"): format_number(v["after"], 0, lang),
     T("reform.col.preserved"): "✓" if v["preserved"] else "✗"}
    for col, v in report.totals.items()
])
kept = [label(c, lang) for c, v in report.totals.items() if v["preserved"]]
lost = [label(c, lang) for c, v in report.totals.items() if not v["preserved"]]
col_totals, col_notes = st.columns([3, 2])
with col_totals:
    st.markdown(f"**{T('reform.totals')}**")
    if len(totals):
        st.dataframe(totals, hide_index=True, width="stretch")
with col_notes:
    if kept:
        st.success(T("reform.totals.ok", columns=", ".join(kept)))
    if lost:
        st.error(T("reform.totals.bad", columns=", ".join(lost)))
    n_partial = int(conv.data["partial"].sum())
    if n_partial:
        st.warning(T("reform.estimate_note", n=n_partial))
    if report.dropped_rates:
        st.info(T("reform.dropped") + ": " + ", ".join(f"`{d['column']}`" for d in report.dropped_rates))

if report.unmapped:
    st.markdown(f"**{T('reform.unmapped')}**")
    st.dataframe(pd.DataFrame([
        {T("reform.col.row"): u.get("row"), T("reform.col.old_code"): u.get("code") or "",
         T("ui.col.name"): u.get("name") or "", T("reform.col.reason"): t(f"convert.unmapped.{u['reason']}", lang,
                                                                          row=u.get("row"), code=u.get("code") or "",
                                                                          name=u.get("name") or "")}
        for u in report.unmapped
    ]), hide_index=True, width="stretch")

if report.splits:
    st.markdown(f"**{T('reform.splits')}**")
    st.caption(T("reform.splits.note"))
    sp = report.splits_table()
    shown = pd.DataFrame({
        T("reform.col.old_code"): sp["old_code"], T("reform.col.old_name"): sp["old_name"],
        T("reform.col.new_code"): sp["new_code"], T("reform.col.new_name"): sp["new_name"],
        T("reform.col.weight"): [format_number(w, WEIGHT_DECIMALS, lang) for w in sp["weight"]],
    })
    for col in report.counts:
        shown[T("reform.col.old_value", label=label(col, lang))] = [format_value(v, col, lang) for v in sp[f"{col}_old"]]
        shown[T("reform.col.allocated", label=label(col, lang))] = [
            format_value(v, col, lang) for v in sp[f"{col}_allocated"]]
    st.dataframe(shown, hide_index=True, width="stretch")

notes = report.warnings(lang)
with st.expander(T("reform.details", n=len(notes)), expanded=False):
    for line in notes:
        st.markdown(f"- {line}")

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
        old_layer = map_layer(boundaries=old_b, level=LEVEL, vintage=FROM_VINTAGE, province=province,
                              table=conv.input, boundary_columns=old_cols, approximate=old_approx)
        new_layer = map_layer(boundaries=new_b, level=LEVEL, vintage=TO_VINTAGE, province=new_province,
                              table=ss["tables"][new_name], approximate=True)
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
src = sources_of(picked, conversion=conv) if picked else None
palette = ss.get("palette", settings.DEFAULT_PALETTE)
common = dict(value_column=column, palette=palette, lang=lang, asset_urls=ui.static_assets(),
              legend_kwds={"title": label(column, lang)})
m_old = build_map(
    old_gdf, classification=old_classes, selected=set(src["code"]) if src is not None else (),
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
    src = sources_of(picked, conversion=conv)
    name = conv.data.set_index("code").at[picked, "name"]
    st.markdown(T("reform.sources.summary", name=name, code=picked, n=len(src)))
    shown = pd.DataFrame({
        T("reform.col.old_code"): src["code"], T("reform.col.old_name"): src["name"],
        T("reform.col.old_district"): src["district_name"],
        T("reform.col.weight"): [format_number(w, WEIGHT_DECIMALS, lang) for w in src["weight"]],
        T("reform.col.split"): [_yes_no(s) for s in src["split"]],
        T("reform.col.in_input"): [_yes_no(s) for s in src["in_input"]],
    })
    for col in values:
        if col in report.counts:
            shown[T("reform.col.old_value", label=label(col, lang))] = [format_value(v, col, lang) for v in src[col]]
            shown[T("reform.col.allocated", label=label(col, lang))] = [
                format_value(v, col, lang) for v in src[f"{col}_allocated"]]
        else:
            shown[label(col, lang)] = [format_value(v, col, lang) for v in src[col]]
    st.dataframe(shown, hide_index=True, width="stretch")
    row = conv.data.set_index("code").loc[picked]
    st.caption(T("reform.sources.new_values", name=name) + ": " + "; ".join(
        f"{label(c, lang)} {format_value(row[c], c, lang)}" for c in values))
    if bool(row["partial"]):
        st.caption(T("reform.splits.note"))

st.markdown(f"**{T('reform.designations')}**")
carried = convert_designations(ui.designations(FROM_VINTAGE), province=province, lang=lang)
if picked:
    mine = carried[carried["code"] == picked]
    if mine.empty:
        st.caption(T("reform.designations.none", name=new_label[picked]))
    for rec in mine.to_dict("records"):
        st.markdown(f"- {rec['text']}: {rec['designated_names']}")
st.caption(T("reform.designations.note"))
if len(carried):
    with st.expander(T("reform.designations.all", n=carried["code"].nunique()), expanded=False):
        st.dataframe(pd.DataFrame({
            T("reform.col.new_code"): carried["code"], T("reform.col.new_name"): carried["name"],
            T("map.designations"): carried["text"], T("reform.col.old_name"): carried["designated_names"],
        }), hide_index=True, width="stretch")

# ---------------------------------------------------------------- 5. dataset and downloads
st.subheader(T("reform.dataset"))
st.success(T("reform.dataset.added", name=new_name))
if st.button(T("reform.dataset.open"), type="primary"):
    ss["vintage"], ss["level"], ss["province"] = TO_VINTAGE, LEVEL, new_province
    ss["dataset"] = ui.UPLOAD_PREFIX + new_name
    st.switch_page("pages/map.py")

files = entry.setdefault("files", {})
if lang not in files:
    with tempfile.TemporaryDirectory(prefix="geo-reform-") as tmp:
        files[lang] = {ext: write_conversion(conv, Path(tmp) / f"x.{ext}", lang=lang).read_bytes()
                       for ext in ("csv", "xlsx")}
stem = Path(table.source).stem + "_" + TO_VINTAGE
d1, d2, d3 = st.columns(3)
d1.download_button(T("reform.download.csv"), files[lang]["csv"], file_name=f"{stem}.csv", mime="text/csv",
                   key="rf_dl_csv")
d2.download_button(T("reform.download.xlsx"), files[lang]["xlsx"], file_name=f"{stem}.xlsx", key="rf_dl_xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
d3.download_button(T("reform.download.json"), report.to_json().encode("utf-8"), file_name=f"{stem}_report.json",
                   mime="application/json", key="rf_dl_json")
