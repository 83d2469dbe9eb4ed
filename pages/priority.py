"""Priority page: rules, designations, the ranked list, coverage, selection and scenarios.

Every decision is made by ``geo.workflows.priority`` / ``geo.analysis.ranking`` (the same calls as
``python -m geo priority``); this page only reads widgets and shows results.
Widget values are mirrored in ``st.session_state["prio"]`` so that they survive
a visit to another page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo._errors import GeoError
from geo.text.markup import markdown_text
from geo.analysis.ranking import ranking_table
from geo.analysis.rule_form import score_formula
from geo.analysis.rules import RuleSet
from geo.analysis.rules_file import rules_to_yaml
from geo.render.charts import coverage_chart
from geo.workflows.priority import (
    default_rules,
    prioritise,
    rate_column,
    tier_counts,
    top_table,
    coverage_view,
    unit_labels,
)
from pages import _prio_sections as sections
from pages._border import border_section
from pages import _rule_builder as rb
from pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state
for shared in ("province", "vintage", "level", "dataset", "boundary_source"):
    if shared in ss:  # keep the other pages' choices alive while this page runs
        ss[shared] = ss[shared]
store = ss.setdefault("prio", {"ver": 0, "manual": {}})

pending = store.pop("pending_scenario", None)
if pending is not None:  # a scenario opened in the callback: restore everything before any widget exists
    name, scn = pending
    ss["level"] = scn.meta.level
    ui.set_designations(scn.designations)
    store["manual"][f"{scn.meta.province}|{scn.meta.vintage}|{scn.meta.level}"] = list(scn.manual)
    for key, value in (("prio_notes", scn.notes), ("prio_title", scn.meta.title)):
        store[key] = value
        ss.pop(key, None)
    ui.selection(scn.meta.vintage).clear()
    ui.selection(scn.meta.vintage).update(scn.selection)
    store["opened"] = (name, scn)
    store["pending_rules"] = scn.rules

# ---------------------------------------------------------------- sidebar: level and dataset
ui.level_and_dataset_sidebar()

st.title(T("page.priority"))
layer = ui.layer_or_stop()

units = layer.gdf
province, vintage, level = ss["province"], ss["vintage"], layer.level
table = ui.current_table()
indicators = [c for c in layer.indicators if c in units]
has_values = any(units[c].notna().any() for c in indicators)
designations = ui.designations()
labels = unit_labels(units)
projected = [w.detail for w in getattr(table, "warnings", []) if getattr(w, "code", "") == "projected"]
projected += list((ui.dataset_meta() or {}).get("projected_years", ()))
context = (province, vintage, level, ss.get("dataset") or "", lang)  # untouched defaults follow all of these
manual_key = f"{province}|{vintage}|{level}"
rate = rate_column(indicators, projected_years=projected)
store["rate"] = rate


def _defaults() -> RuleSet:
    return default_rules(indicators, designation_types=designations.types, projected_years=projected, level=level,
                         units=units, lang=lang)


_keep, _remember = sections.keep, sections.remember


rb.load_current(context, _defaults, columns=indicators, types=designations.types)

flash = store.pop("flash", None)
if flash:
    kind, text = flash
    getattr(st, kind)(text)

# ---------------------------------------------------------------- banners
if table is not None and not ui.dataset_is_official():
    st.info(T("illustrative_note"))
if not has_values:
    st.info(T("prio.no_values", level=T(f"ui.level.{level}").lower()))
if layer.approximate:
    st.caption(T("prio.approximate"))


# ---------------------------------------------------------------- 1. rules
st.header(T("prio.rules"))
tiers, tier_errors = rb.rules_editor(rate=rate, columns=indicators, types=designations.types)

with st.expander(T("prio.score"), expanded=False):
    score = rb.score_sliders(store["weights_base"], store["bonuses_base"], ver=store["ver"])
    st.info(score_formula(score, lang=lang, labels=store["rules_base"].labels))

base = store["rules_base"]
try:
    rules = RuleSet(tiers=tuple(tiers), score=score,
                    labels=base.labels, tie_break=base.tie_break if base.tie_break in units else None,
                    on=base.on, name=base.name, description=base.description)
except GeoError as exc:
    ui.show_error(exc)
    st.stop()

with st.expander(T("prio.rules.file"), expanded=False):
    st.download_button(T("prio.rules.download"), data=rules_to_yaml(rules), file_name="quy_tac_uu_tien.yaml",
                       mime="application/x-yaml", key="prio_rules_download")
    st.file_uploader(T("prio.rules.upload"), type=["yaml", "yml"], key="prio_rules_upload", on_change=rb.rules_upload)

# ---------------------------------------------------------------- 2. designations
sections.designations_section(designations=designations, labels=labels, province=province, level=level,
                              vintage=vintage)
border_section(units=units, labels=labels, designations=designations, level=level, vintage=vintage)

# ---------------------------------------------------------------- 3. ranked list
st.header(T("prio.ranked"))
manual = [d for d in store["manual"].get(manual_key, []) if d.code in labels]
if tier_errors:
    st.warning(T("prio.fix_rules"))
    st.stop()
try:
    result = prioritise(units, designations=designations, rules=rules, manual=manual, lang=lang)
except GeoError as exc:
    ui.show_error(exc)
    st.button(T("prio.rules.reset"), on_click=rb.reset_rules, key="prio_reset_after_error")
    st.stop()
ranked = result.ranked
store["ranked_codes"] = (ranked["code"].astype(str).tolist(), ranked["selected"].astype(bool).tolist())
ss["prio_ranked"] = pd.DataFrame(ranked.drop(columns="geometry", errors="ignore"))
if result.warnings:
    st.warning("\n".join(f"- {markdown_text(line)}" for line in result.warnings))
n_sel = int(ranked["selected"].sum())
st.caption(T("prio.summary", n=n_sel, total=len(ranked), unit=T(f"prio.units.{level}"),
             tiers=tier_counts(ranked, lang=lang)))
if n_sel:
    st.table(top_table(ranked, lang=lang), hide_index=True)
st.dataframe(ranking_table(ranked, lang=lang, indicators=rules.indicators), hide_index=True,
             width="stretch", height=360)

sections.manual_section(ranked=ranked, manual=manual, labels=labels, manual_key=manual_key)

# ---------------------------------------------------------------- 4. coverage
st.header(T("prio.coverage"))
view = coverage_view(result.coverage, level=level, lang=lang)
if view is None:
    st.info(T("prio.coverage.none"))
else:
    for col, (name, value) in zip(st.columns(len(view.metrics)), view.metrics):
        col.metric(name, value)
    st.caption(markdown_text(view.columns))
    c_tab, c_fig = st.columns([1.5, 1])
    c_tab.dataframe(view.by_district, hide_index=True, width="stretch", height=40 + 35 * len(view.by_district))
    c_fig.pyplot(coverage_chart(result.coverage, lang=lang))

# ---------------------------------------------------------------- 5. scenarios
sections.scenario_section(units=units, indicators=indicators, designations=designations, rules=rules, manual=manual,
                          labels=labels, province=province, level=level, vintage=vintage)
