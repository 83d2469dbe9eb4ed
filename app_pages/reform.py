"""The 2025 reform: carry a table of old communes to the new communes, and compare them side by side.

Every decision is made by :mod:`geo.analysis.reform`; this page reads widgets and lays out the results.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.units import registry

from geo import settings
from geo._errors import GeoError
from geo.analysis.reform import convert_designations
from geo.join.files import BoundaryLayer
from geo.text.markup import markdown_text
from geo.units.crosswalk import FROM_VINTAGE, TO_VINTAGE
from geo.workflows import reform as rf
from geo.workflows.layer import unit_columns
from geo.analysis.indicators import is_rate, label
from app_pages import _reform_sections as sections
from app_pages import _ui as ui
from app_pages._picker import unit_picker

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state
LEVEL = rf.LEVEL
MAP_HEIGHT = 480
BOUNDARY_CHOICES = ("dissolved", "default")  # how the new-commune polygons are made


st.title(T("reform.title"))
st.caption(T("reform.intro"))

province = ss["province"]
if province not in ui.provinces(FROM_VINTAGE)["code"].tolist():
    province = settings.DEFAULT_PROVINCE

source_name, table, weights, weights_key = sections.input_section(province)
entry, conv, new_name = sections.converted(source_name, table, weights=weights, weights_key=weights_key,
                                           province=province)
view = rf.reform_view(conv, lang=lang)
sections.report_section(view)

# ---------------------------------------------------------------- 3. maps
st.subheader(T("reform.maps"))
values = view.values
if not values:
    st.stop()
if ss.get("rf_indicator") not in values:
    ss["rf_indicator"] = rf.preferred_value(values)
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
column, old_source, new_choice = ss["rf_indicator"], ss["rf_old_boundaries"], ss["rf_new_boundaries"]
if old_source == "default":
    old_b = BoundaryLayer(gdf=ui.default_boundaries(province, LEVEL, FROM_VINTAGE), level=LEVEL, vintage=FROM_VINTAGE,
                          source=old_source, approximate=True, columns=unit_columns(LEVEL, FROM_VINTAGE))
else:
    kept = ss["layers"][old_source]
    old_b = BoundaryLayer(gdf=kept.gdf, level=LEVEL, vintage=FROM_VINTAGE, source=old_source, approximate=False,
                          columns=kept.columns or unit_columns(LEVEL, FROM_VINTAGE))
new_province = registry.province_of(conv.data["code"].iloc[0], level=LEVEL, vintage=TO_VINTAGE) or province
new_labels = rf.new_commune_labels(conv)
picked = ss.get("rf_new") if ss.get("rf_new") in new_labels else None
try:
    with st.spinner("…"):
        new_gdf = (ui.boundaries_from_old(province, old_source, old_b.gdf) if new_choice == "dissolved"
                   else ui.default_boundaries(new_province, LEVEL, TO_VINTAGE))
        maps = rf.reform_maps(
            conv, ss["tables"][new_name], column=column, province=province, new_province=new_province,
            old_boundaries=old_b, picked=picked, palette=ss.get("palette", settings.DEFAULT_PALETTE), lang=lang,
            new_boundaries=BoundaryLayer(gdf=new_gdf, level=LEVEL, vintage=TO_VINTAGE, source=new_choice,
                                         approximate=True, columns=unit_columns(LEVEL, TO_VINTAGE)),
            asset_urls=ui.static_assets())
except GeoError as exc:
    ui.show_error(exc)
    st.stop()
st.caption(T("reform.boundaries.used", what=T(f"reform.boundaries.{new_choice}")))
st.caption(T("reform.maps.same_bins") + ("" if is_rate(column) else " " + T("reform.maps.counts_note")))
col_old, col_new = st.columns(2)
with col_old:
    st.markdown(f"**{T('reform.maps.old', n=len(maps.old.gdf))}**")
    st_folium(maps.old_map, key="rf_map_old", height=MAP_HEIGHT, use_container_width=True, returned_objects=[])
with col_new:
    st.markdown(f"**{T('reform.maps.new', n=len(maps.new.gdf))}**")
    out = st_folium(maps.new_map, key="rf_map_new", height=MAP_HEIGHT, use_container_width=True,
                    returned_objects=["last_active_drawing", "last_clicked"])
clicked = ui.clicked_code(out, units=maps.new.gdf)
if clicked and clicked in new_labels and clicked != picked:
    ss["rf_new"] = clicked
    st.rerun()

# ---------------------------------------------------------------- 4. sources and designations
st.subheader(T("reform.sources"))
if ss.get("rf_new") not in new_labels:
    ss["rf_new"] = None
unit_picker(T("reform.sources.pick"), list(new_labels), new_labels, key="rf_new", placeholder=T("reform.sources.placeholder"))
picked = ss.get("rf_new")
if not picked:
    st.caption(T("reform.sources.none"))
else:
    sv = rf.sources_view(conv, picked, lang=lang)
    st.markdown(sv.summary)
    st.dataframe(sv.table, hide_index=True, width="stretch")
    st.caption(sv.values)
    if sv.partial:
        st.caption(T("reform.splits.note"))

st.markdown(f"**{T('reform.designations')}**")
carried = convert_designations(ui.designations(FROM_VINTAGE), province=province, lang=lang)
if picked:
    lines = rf.designation_lines(carried, picked)
    if lines:
        st.markdown("\n".join(lines))
    else:
        st.caption(T("reform.designations.none", name=markdown_text(new_labels[picked])))
st.caption(T("reform.designations.note"))
if len(carried):
    with st.expander(T("reform.designations.all", n=carried["code"].nunique()), expanded=False):
        st.dataframe(rf.designations_table(carried, lang=lang), hide_index=True, width="stretch")

# ---------------------------------------------------------------- 5. dataset and downloads
st.subheader(T("reform.dataset"))
st.success(T("reform.dataset.added", name=markdown_text(new_name)))
if st.button(T("reform.dataset.open"), type="primary"):
    ss["vintage"], ss["level"], ss["province"] = TO_VINTAGE, LEVEL, new_province
    ss["dataset"] = ui.UPLOAD_PREFIX + new_name
    st.switch_page("app_pages/map.py")
files = entry.setdefault("files", {})
if lang not in files:
    files[lang] = rf.conversion_files(conv, lang=lang)
for col, (ext, mime) in zip(st.columns(3), rf.DOWNLOAD_MIMES.items()):
    col.download_button(T(f"reform.download.{ext}"), files[lang][ext], mime=mime, key=f"rf_dl_{ext}",
                        file_name=rf.download_name(table.source, ext))
