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
from geo.analysis.rule_form import edited_rules, score_formula
from geo.analysis.rules import RuleSet
from geo.workflows.priority import (
    default_rules,
    prioritise,
    rate_column,
    tier_counts,
    top_table,
    unit_labels,
)
from geo.workflows.priority_view import ranking_view
from app_pages import _prio_scenario as scenario
from app_pages import _prio_sections as sections
from app_pages._border import border_section
from app_pages import _rule_builder as rb
from app_pages import _ui as ui

ui.init_state()
T = ui.T
lang = ui.lang()
ss = st.session_state
for shared in ("province", "vintage", "level", "dataset", "boundary_source"):
    if shared in ss:  # keep the other pages' choices alive while this page runs
        ss[shared] = ss[shared]
store = ss.setdefault("prio", {"ver": 0, "manual": {}})

scenario.restore_pending()

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

try:
    rules = edited_rules(store["rules_base"], tiers=tiers, score=score, columns=units.columns)
except GeoError as exc:
    ui.show_error(exc)
    st.stop()
rb.rules_file_box(rules)

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
st.dataframe(ranking_view(ranked, lang=lang, indicators=rules.indicators), hide_index=True,
             width="stretch", height=360)

sections.manual_section(ranked=ranked, manual=manual, labels=labels, manual_key=manual_key)

# ---------------------------------------------------------------- 4. coverage
sections.coverage_section(result.coverage, level=level)

# ---------------------------------------------------------------- 5. scenarios
scenario.scenario_section(units=units, indicators=indicators, designations=designations, rules=rules, manual=manual,
                          labels=labels, province=province, level=level, vintage=vintage)
