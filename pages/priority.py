"""Priority page: rules, designations, the ranked list, coverage, selection and scenarios.

Every decision is made by ``geo.workflows.priority`` / ``geo.analysis.ranking`` (the same calls as
``python -m geo priority``); this page only reads widgets and shows results.
Widget values are mirrored in ``st.session_state["prio"]`` so that they survive
a visit to another page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.units.designations import DESIGNATION_TYPES
from geo.text.i18n import t
from geo.text.markup import markdown_text
from geo.analysis.ranking import ranking_table
from geo.analysis.rule_form import TierForm, forms_of, score_formula
from geo.analysis.rules import ManualDecision, RuleSet, Tier, indicator_label
from geo.analysis.rules_file import rules_from_bytes, rules_to_yaml
from geo.render.charts import coverage_chart
from geo.workflows.priority import (
    bonuses_table,
    default_rules,
    map_includes,
    prioritise,
    rate_column,
    replace_threshold,
    rule_threshold,
    tier_counts,
    top_table,
    coverage_view,
    unit_labels,
    weights_table,
)
from pages import _prio_sections as sections
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
if not store.get("level_set"):
    store["level_set"] = True
    ss["level"] = "commune"
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
    return default_rules(indicators, designation_types=designations.types, projected_years=projected, lang=lang)


# ---------------------------------------------------------------- loading rules into the widgets
def _load_rules(rules: RuleSet) -> None:
    """Put a rule set into the editor (called before the editor's widgets exist in this run)."""
    store["ver"] += 1
    store["rules_base"] = rules
    prefixes = ("prio_label_", "prio_when_", "prio_custom_", "prio_auto_", *(f"prio_{f}_" for f in rb.FIELDS))
    for key in [k for k in list(ss.keys()) + list(store) if str(k).startswith(prefixes)]:
        ss.pop(key, None)
        store.pop(key, None)
    follow = store.get("defaults_loading", False)
    for i, (tier, form) in enumerate(zip(rules.tiers, forms_of(rules, lang))):
        store[f"prio_label_{i}"] = tier.label
        store[f"prio_when_{i}"] = tier.rule.text
        store[f"prio_custom_{i}"] = not follow and (form is None or bool(form.label))
        if not store[f"prio_custom_{i}"]:
            rb.remember_auto(i, tier.label)
    store["prio_ntiers"] = len(rules.tiers)
    ss.pop("prio_ntiers", None)
    store["weights_base"] = weights_table(rules, indicators, lang=lang)
    store["bonuses_base"] = bonuses_table(rules, designations.types, lang=lang)


_keep, _remember = sections.keep, sections.remember


if "pending_rules" in store:
    _load_rules(store.pop("pending_rules"))
    store["context"] = context
elif "rules_base" not in store:
    store["defaults_loading"] = True
    _load_rules(_defaults())
    store["defaults_loading"] = False
    store["context"] = context
    store["defaults"] = True
elif store.get("context") != context:
    store["context"] = context
    if store.get("defaults"):  # untouched defaults follow the dataset; edited rules stay
        store["defaults_loading"] = True
        _load_rules(_defaults())
        store["defaults_loading"] = False
        store["defaults"] = True

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


# ---------------------------------------------------------------- callbacks
def _on_threshold() -> None:
    old, new = store.get("threshold_prev"), ss.get("prio_threshold")
    if old is None or new is None or store.get("rate") is None:
        return
    for i in range(int(ss.get("prio_ntiers", store.get("prio_ntiers", 0)))):
        key = f"prio_when_{i}"
        if key in ss:
            ss[key] = replace_threshold(ss[key], store["rate"], old, new)
    store["threshold_prev"] = new
    rb.sync_forms(int(ss.get("prio_ntiers", store.get("prio_ntiers", 0))))
    store["defaults"] = False


def _edited() -> None:
    store["defaults"] = False


def _tiers_more() -> None:
    n = int(ss.get("prio_ntiers", 0))
    if n < settings.PRIORITY_MAX_TIERS:
        ss[f"prio_label_{n}"] = t("priority.tier_default", lang, n=n + 1)
        ss[f"prio_when_{n}"] = ""
        store[f"prio_custom_{n}"] = False
        rb.remember_auto(n, ss[f"prio_label_{n}"])
        rb.set_form(n, TierForm())
        ss["prio_ntiers"] = n + 1
    store["defaults"] = False


def _tiers_fewer() -> None:
    n = int(ss.get("prio_ntiers", 0))
    if n > 1:
        for key in (f"prio_label_{n - 1}", f"prio_when_{n - 1}", f"prio_auto_{n - 1}", f"prio_custom_{n - 1}",
                    *rb.form_keys(n - 1)):
            ss.pop(key, None)
            store.pop(key, None)
        ss["prio_ntiers"] = n - 1
    store["defaults"] = False


def _reset_rules() -> None:
    store.pop("rules_base", None)  # the script then loads the defaults of the current data
    store["defaults"] = True


def _rules_upload() -> None:
    f = ss.get("prio_rules_upload")
    if f is None:
        return
    try:
        rules = rules_from_bytes(f.getvalue(), name=f.name)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
    else:
        store["pending_rules"] = rules
        store["defaults"] = False
        store["flash"] = ("success", t("prio.rules.loaded", lang, n=len(rules.tiers), name=f.name))


def _add_manual() -> None:
    code, action, reason = ss.get("prio_m_unit"), ss.get("prio_m_action"), ss.get("prio_m_reason", "")
    try:
        decision = ManualDecision(code=code or "", action=action, reason=reason)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
        return
    items = [d for d in store["manual"].setdefault(manual_key, []) if d.code != decision.code]
    store["manual"][manual_key] = items + [decision]
    ss["prio_m_reason"] = ""


def _remove_manual() -> None:
    code = ss.get("prio_m_remove")
    store["manual"][manual_key] = [d for d in store["manual"].get(manual_key, []) if d.code != code]


def _include_map() -> None:
    ranked = store.get("ranked_codes")
    if ranked is None:
        return
    frame = pd.DataFrame({"code": ranked[0], "selected": ranked[1]})
    items = store["manual"].setdefault(manual_key, [])
    store["manual"][manual_key] = items + map_includes(ui.selection(), frame, items, reason=t("prio.map.reason", lang))


def _apply_selection() -> None:
    ranked = store.get("ranked_codes")
    if ranked is None:
        return
    chosen = {c for c, s in zip(*ranked) if s}
    ui.selection().clear()
    ui.selection().update(chosen)
    store["flash"] = ("success", t("prio.apply.done", lang, n=len(chosen)))


# ---------------------------------------------------------------- 1. rules
# ---------------------------------------------------------------- 1. rules
st.header(T("prio.rules"))
_keep("prio_ntiers", store.get("prio_ntiers", 0))
n_tiers = int(ss["prio_ntiers"])
for i in range(n_tiers):
    _keep(f"prio_label_{i}", t("priority.tier_default", lang, n=i + 1))
    _keep(f"prio_when_{i}", "")
texts = [ss[f"prio_when_{i}"] for i in range(n_tiers)]
found = rule_threshold(texts, rate) if rate else None
store["threshold_prev"] = found
col_thr, col_help = st.columns([1, 2])
with col_thr:
    if found is not None:
        ss["prio_threshold"] = float(found)
        st.number_input(T("prio.threshold", column=indicator_label(rate, lang)), min_value=0.0, max_value=100.0, step=1.0,
                        key="prio_threshold", on_change=_on_threshold, format="%.1f")
    else:
        st.number_input(T("prio.threshold", column=indicator_label(rate or "poor_rate", lang)), value=settings.PRIORITY_THRESHOLD,
                        disabled=True, key="prio_threshold_off")
with col_help:
    st.caption(T("prio.threshold.help") if found is not None else T("prio.threshold.none", column=rate or "poor_rate"))

tiers, tier_errors = [], []
kinds = list(dict.fromkeys([*DESIGNATION_TYPES, *designations.types]))
for i in range(n_tiers):
    with st.container(border=True):
        rb.tier_row(i, kinds=kinds, columns=indicators)
        try:
            tiers.append(Tier(ss[f"prio_label_{i}"], ss[f"prio_when_{i}"]))
        except GeoError as exc:
            tier_errors.append(exc)
            st.error(exc.message(lang))
_remember("prio_ntiers", *[f"prio_{k}_{i}" for i in range(n_tiers) for k in ("label", "when")])
b1, b2, b3, _ = st.columns([1, 1, 1.4, 2])
b1.button(T("prio.tier.add"), on_click=_tiers_more, disabled=n_tiers >= settings.PRIORITY_MAX_TIERS, key="prio_add_tier")
b2.button(T("prio.tier.remove"), on_click=_tiers_fewer, disabled=n_tiers <= 1, key="prio_remove_tier")
b3.button(T("prio.rules.reset"), on_click=_reset_rules)
st.caption(T("prio.syntax", types=", ".join(dict.fromkeys([*DESIGNATION_TYPES, *designations.types])),
             columns=", ".join(indicators) or "–"))

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
    st.file_uploader(T("prio.rules.upload"), type=["yaml", "yml"], key="prio_rules_upload", on_change=_rules_upload)

# ---------------------------------------------------------------- 2. designations
sections.designations_section(designations=designations, labels=labels, province=province, level=level,
                              vintage=vintage)

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
    st.button(T("prio.rules.reset"), on_click=_reset_rules, key="prio_reset_after_error")
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

st.subheader(T("prio.manual"))
st.caption(T("prio.manual.help"))
m1, m2 = st.columns([2, 1])
ranked_labels = {c: labels.get(c, c) for c in ranked["code"].astype(str)}
m1.selectbox(T("prio.d.unit"), list(ranked_labels), key="prio_m_unit", format_func=ranked_labels.get)
_keep("prio_m_action", "include")
m2.radio(T("prio.manual.action"), ["include", "exclude"], key="prio_m_action", horizontal=True,
         format_func=lambda a: T(f"prio.manual.{a}"))
st.text_input(T("prio.manual.reason"), key="prio_m_reason")
st.button(T("prio.manual.add"), on_click=_add_manual, key="prio_m_add")
if manual:
    st.dataframe(pd.DataFrame({
        T("ui.col.name"): [labels.get(d.code, d.code) for d in manual],
        T("prio.manual.action"): [T(f"prio.manual.{d.action}") for d in manual],
        T("prio.manual.reason"): [d.reason for d in manual],
    }), hide_index=True, width="stretch")
    r1, r2 = st.columns([3, 1])
    r1.selectbox(T("prio.manual.remove.pick"), [d.code for d in manual], key="prio_m_remove",
                 format_func=lambda c: labels.get(c, c))
    r2.button(T("prio.manual.remove"), on_click=_remove_manual, key="prio_m_remove_btn")

st.subheader(T("prio.map"))
on_map = ui.selection()
extra = map_includes(on_map, ranked, manual, reason=T("prio.map.reason"))
st.caption(T("prio.map.help", n=len(on_map), extra=len(extra)))
a1, a2, _ = st.columns([1.3, 1.3, 1])
a1.button(T("prio.apply"), on_click=_apply_selection, type="primary", key="prio_apply")
a2.button(T("prio.map.include", n=len(extra)), on_click=_include_map, disabled=not extra, key="prio_map_include")

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
