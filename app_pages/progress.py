"""Tiến độ: several years in one dataset, change maps, targets against results, a unit's trend, review annex."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo._errors import GeoError
from geo.analysis import progress as pg
from geo.analysis.standards import STANDARDS, standard_by_key
from geo.workflows import progress as wp
from app_pages import _ui as ui
from app_pages._picker import unit_picker

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state
ui.level_and_dataset_sidebar()
layer = ui.layer_or_stop()
st.header(T("progress.page_title"))


def s_label(k: str) -> str:
    return standard_by_key(k).label(lang)


# ---------------------------------------------------------------- the dataset (years stacked by code)
store = ss.setdefault("progress", {})
undated = wp.base_year_needed(layer)  # the current table's headers name no year: the planner types it
base_year = st.sidebar.number_input(T("progress.base_year"), min_value=2000, max_value=2100, value=None, step=1,
                                    key="progress_base_year") if undated else None
key = (ui.layer_key(), base_year)
if key not in store:
    store[key] = {"dataset": wp.dataset_from_layer(layer, table=ui.current_table(), meta=ui.dataset_meta(),
                                                   source=ui.dataset_citation(),
                                                   year=int(base_year) if base_year else None),
                  "reports": [], "illustrative": not ui.dataset_is_official()}
entry = store[key]

with st.sidebar.expander(T("progress.add_year"),  # open while a file is chosen: a rerun must not fold it
                         expanded=len(entry["dataset"].years) < 2 or ss.get("progress_upload") is not None):
    upload = ui.file_uploader(T("progress.add_year"), type=["csv", "xlsx", "txt", "tsv"], key="progress_upload", max_upload_size=settings.MAX_TABLE_MB,
                              label_visibility="collapsed")
    typed = st.number_input(T("progress.typed_year"), min_value=2000, max_value=2100, value=None, step=1,
                            key="progress_year")
    standards = [""] + [s.key for s in STANDARDS]
    declared = st.selectbox(T("progress.declared_standard"), standards, key="progress_standard",
                            format_func=lambda k: s_label(k) if k else T("progress.standard_by_year"))
    is_plan = st.checkbox(T("progress.is_plan"), key="progress_is_plan")
    if upload is not None and st.button(T("progress.add_button"), key="progress_add"):
        from geo.io.tables import read_indicators

        try:
            table = read_indicators(upload.getvalue(), name=upload.name, level=layer.level)
            entry["dataset"], report = wp.add_upload(entry["dataset"], layer, table,
                                                     year=int(typed) if typed else None, source=upload.name,
                                                     standard=declared or None, plan=is_plan)
            entry["reports"].append(report.summary(lang))
        except GeoError as exc:
            ui.show_error(exc)


dataset = entry["dataset"]
for line in entry["reports"]:
    st.caption(line)
st.caption(T("progress.years_in_dataset", years=", ".join(map(str, dataset.years)) or "–"))
if layer.approximate:
    st.warning(T("approximate_note"))
if undated and not base_year:
    st.info(GeoError("progress_base_year_needed", file=ui.dataset_citation() or "–",
                     columns=", ".join(undated)).message(lang))
if len(dataset.years) < 2:
    st.info(T("progress.need_two_years"))
    st.stop()

# ---------------------------------------------------------------- choices
years = dataset.years
c1, c2, c3 = st.columns(3)
year_from = c1.selectbox(T("progress.year_from"), years[:-1], index=len(years) - 2, key="progress_from")
year_to = c2.selectbox(T("progress.year_to"), [y for y in years if y > year_from], key="progress_to")
measure = c3.radio(T("progress.measure"), list(wp.MEASURES), key="progress_measure",
                   format_func=lambda m: T(f"progress.measure.{m}"))
designations = ui.designations()
assessment = None
if measure == "gap":
    has_plan = year_to in dataset.target_years
    bases = (["plan"] if has_plan else []) + ["rule"]
    basis = st.radio(T("progress.basis"), bases, key="progress_basis", horizontal=True,
                     format_func=lambda b: T(f"progress.basis.{b}"))
    if basis == "rule":
        r1, r2 = st.columns(2)
        points = r1.number_input(T("progress.rule_points"), 0.0, 20.0, pg.DEFAULT_RULE_POINTS, 0.5, key="progress_pts")
        poor_pts = r2.number_input(T("progress.rule_poor_points"), 0.0, 20.0, pg.DEFAULT_RULE_POOR_POINTS, 0.5,
                                   key="progress_poor_pts")
        assessment = wp.assess_rule(dataset, year_to=year_to, year_from=year_from, points=points,
                                    poor_points=poor_pts, designations=designations, gdf=layer.gdf, lang=lang)
    else:
        assessment = pg.assess(dataset, year_to=year_to, year_from=year_from, lang=lang)

# ---------------------------------------------------------------- map, trend, table
map_kw = dict(lang=lang, illustrative=entry["illustrative"], asset_urls=ui.static_assets(),
              geometry_key=(ss["province"], ss["level"], ss["vintage"], ss.get("boundary_source")))
try:
    if assessment is None:
        m, change = wp.change_map(layer, dataset, year_from=year_from, year_to=year_to, measure=measure, **map_kw)
        warning = change.attrs.get("warning")
    else:
        m = wp.gap_map(layer, assessment, **map_kw)
        warning = assessment.standard_change.message(lang) if assessment.standard_change else None
except GeoError as exc:
    ui.show_error(exc)
    st.stop()
if warning:
    st.warning(warning)
col_map, col_side = st.columns([3, 1.4])
with col_map:
    out = st_folium(m, key="progress_map", height=560, use_container_width=True,
                    returned_objects=["last_active_drawing", "last_clicked"])
clicked = ui.clicked_code(out, units=layer.gdf)
codes = list(dataset.data["code"])
names = dict(zip(dataset.data["code"], dataset.data.get("name", dataset.data["code"])))
if clicked in codes and clicked != ss.get("progress_unit"):
    ss["progress_unit"] = clicked
    st.rerun()
with col_side:
    st.caption(T("progress.trend_hint"))
    unit = unit_picker(T("progress.trend_pick"), [""] + codes, lambda c: f"{names.get(c, c)} ({c})" if c else "–",
                       key="progress_unit")
    if unit:
        st.image(wp.trend_png(dataset, unit, name=names.get(unit), lang=lang), width="stretch")

if assessment is not None:
    st.subheader(T("progress.review_title", year=year_to))
    st.caption(T("progress.summary", **assessment.counts()))
    view = assessment.table[["code", "name", "baseline", "target", "result", "gap", "status"]]
    st.dataframe(view.rename(columns={
        "code": T("ui.col.code"), "name": T("progress.col.unit"),
        "baseline": T("progress.col.baseline", year=assessment.year_from),
        "target": T("progress.col.target", year=year_to), "result": T("progress.col.result", year=year_to),
        "gap": T("progress.col.gap"), "status": T("progress.col.status")}), hide_index=True)
    fmt = st.radio(T("progress.export_format"), list(wp.REVIEW_FORMATS), key="progress_fmt", horizontal=True)
    st.download_button(T("progress.export"), key="progress_download",
                       data=wp.review_bytes(assessment, format=fmt, lang=lang, illustrative=entry["illustrative"]),
                       file_name=f"danh_gia_giam_ngheo_{year_to}.{fmt}")
    if st.button(T("progress.lagging_to_priority"), key="progress_lagging"):
        lag = pg.lagging_designations(assessment, level=layer.level, vintage=layer.vintage)
        ui.set_designations(designations.merge(lag))
        st.success(T("progress.lagging_added", n=len(lag)))
