"""The Priority page's rule builder (widgets): one row of plain controls per tier, the expression under "Nâng cao".

The model (form ⇄ expression ⇄ words ⇄ YAML) is :mod:`geo.analysis.rule_form`; the widgets' state and
callbacks are :mod:`app_pages._rule_state` (form ⇄ expression ⇄ label) and :mod:`app_pages._rule_load` (loading,
threshold, add/remove/reset/upload). Names used by the page are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.analysis.rule_form import COMPARISONS, JOINS, form_choices, form_or_none
from geo.analysis.rules import OPERATORS, ScoreSpec, Tier, Weight, indicator_label
from geo.analysis.rules_file import rules_to_yaml
from geo.text.i18n import t
from geo.text.markup import markdown_text
from geo.units.designations import DESIGNATION_TYPES, designation_label
from geo.workflows.priority import rule_threshold
from app_pages import _ui as ui
from app_pages._prio_sections import keep, remember
from app_pages._rule_load import load_current, on_threshold, reset_rules, rules_upload, tiers_fewer, tiers_more
from app_pages._rule_state import expression_changed, form_changed, form_keys, label_changed, set_form

__all__ = ["load_current", "reset_rules", "rules_upload", "rules_editor", "score_sliders", "rules_file_box"]


def tier_row(i: int, *, kinds: Iterable[str], columns: Iterable[str]) -> None:
    """Draw tier ``i``: the label, the row of controls, the words and the expression under "Nâng cao"."""
    ss, T, lang = st.session_state, ui.T, ui.lang()
    form = form_or_none(ss.get(f"prio_when_{i}", ""))
    if form is not None and any(k not in ss for k in form_keys(i)):
        set_form(i, form)
    advanced = form is None
    d, _, ind, _, _, yr = (ss.get(k) for k in form_keys(i))
    choices = form_choices(columns, kinds=kinds, designations=d or (), indicator=ind or None, year=yr or None)
    st.text_input(T("prio.tier.label", n=i + 1), key=f"prio_label_{i}", on_change=label_changed, args=(i,),
                  help=T("prio.form.label.help"))
    c = st.columns([3, 0.9, 2.2, 0.9, 1, 1.2])
    common = {"on_change": form_changed, "args": (i,), "disabled": advanced}
    c[0].multiselect(T("prio.form.designations"), list(choices.designations), key=f"prio_fd_{i}",
                     placeholder=T("prio.form.no_designation"), format_func=lambda k: designation_label(k, lang),
                     **common)
    c[1].selectbox(T("prio.form.join"), JOINS, key=f"prio_fj_{i}", format_func=lambda v: T(f"prio.form.join.{v}"),
                   **common)
    c[2].selectbox(T("prio.form.indicator"), list(choices.indicators), key=f"prio_fi_{i}",
                   format_func=lambda b: indicator_label(b, lang) if b else T("prio.form.indicator.none"), **common)
    c[3].selectbox(T("prio.form.op"), COMPARISONS, key=f"prio_fo_{i}", format_func=OPERATORS.get, **common)
    c[4].number_input(T("prio.form.threshold"), key=f"prio_ft_{i}", step=1.0, format="%g", **common)
    c[5].selectbox(T("prio.form.year"), list(choices.years), key=f"prio_fy_{i}",
                   format_func=lambda y: y or T("prio.form.year.none"), **common)
    if advanced:
        st.caption(T("prio.form.advanced_only"))
    elif not form.empty and ss.get(f"prio_label_{i}") != form.words(lang):  # renamed: the rule in words below
        st.caption("→ " + markdown_text(form.words(lang)))
    with st.expander(T("prio.form.advanced", n=i + 1), expanded=advanced):
        st.text_input(T("prio.tier.when", n=i + 1), key=f"prio_when_{i}", on_change=expression_changed, args=(i,))


def _threshold_box(rate: str | None, found: float | None) -> None:
    ss, T, lang = st.session_state, ui.T, ui.lang()
    col_thr, col_help = st.columns([1, 2])
    with col_thr:
        if found is not None:
            ss["prio_threshold"] = float(found)
            st.number_input(T("prio.threshold", column=indicator_label(rate, lang)), min_value=0.0, max_value=100.0,
                            step=1.0, key="prio_threshold", on_change=on_threshold, format="%.1f")
        else:
            st.number_input(T("prio.threshold", column=indicator_label(rate or "poor_rate", lang)),
                            value=settings.PRIORITY_THRESHOLD, disabled=True, key="prio_threshold_off")
    with col_help:
        st.caption(T("prio.threshold.help") if found is not None else T("prio.threshold.none", column=rate or "poor_rate"))


def rules_editor(*, rate: str | None, columns: list[str], types) -> tuple[list[Tier], list[GeoError]]:
    """Section 1: the high-poverty threshold, one row of controls per tier, add/remove/reset.

    Returns the tiers that parse and the errors of those that do not.
    """
    ss, store, lang, T = st.session_state, st.session_state["prio"], ui.lang(), ui.T
    keep("prio_ntiers", store.get("prio_ntiers", 0))
    n_tiers = int(ss["prio_ntiers"])
    for i in range(n_tiers):
        keep(f"prio_label_{i}", t("priority.tier_default", lang, n=i + 1))
        keep(f"prio_when_{i}", "")
    found = rule_threshold([ss[f"prio_when_{i}"] for i in range(n_tiers)], rate) if rate else None
    store["threshold_prev"] = found
    _threshold_box(rate, found)

    tiers, tier_errors = [], []
    kinds = list(dict.fromkeys([*DESIGNATION_TYPES, *types]))
    for i in range(n_tiers):
        with st.container(border=True):
            tier_row(i, kinds=kinds, columns=columns)
            try:
                tiers.append(Tier(ss[f"prio_label_{i}"], ss[f"prio_when_{i}"]))
            except GeoError as exc:
                tier_errors.append(exc)
                st.error(exc.message(lang))
    remember("prio_ntiers", *[f"prio_{k}_{i}" for i in range(n_tiers) for k in ("label", "when")])
    b1, b2, b3, _ = st.columns([1, 1, 1.4, 2])
    b1.button(T("prio.tier.add"), on_click=tiers_more, disabled=n_tiers >= settings.PRIORITY_MAX_TIERS,
              key="prio_add_tier")
    b2.button(T("prio.tier.remove"), on_click=tiers_fewer, disabled=n_tiers <= 1, key="prio_remove_tier")
    b3.button(T("prio.rules.reset"), on_click=reset_rules)
    st.caption(T("prio.syntax", types=", ".join(kinds), columns=", ".join(columns) or "–"))
    return tiers, tier_errors


def score_sliders(weights: pd.DataFrame, bonuses: pd.DataFrame, *, ver: int) -> ScoreSpec:
    """Weights and bonuses as sliders (three per row); returns the score they set."""
    (w_max, w_step), (b_max, b_step) = settings.PRIORITY_WEIGHT_SLIDER, settings.PRIORITY_BONUS_SLIDER
    st.caption(ui.T("prio.form.score.help"))
    chosen, points = [], {}
    cols = st.columns(3)
    for k, row in enumerate(weights.to_dict("records")):
        value = cols[k % 3].slider(str(row["label"]), 0.0, w_max, float(row["weight"]), w_step,
                                   key=f"prio_w_{ver}_{row['column']}")
        if value > 0:
            chosen.append(Weight(column=str(row["column"]), weight=value, higher_is_need=bool(row["higher_is_need"])))
    cols = st.columns(3)
    for k, row in enumerate(bonuses.to_dict("records")):
        value = cols[k % 3].slider(ui.T("prio.form.bonus", label=row["label"]), 0.0, b_max, float(row["points"]),
                                   b_step, key=f"prio_b_{ver}_{row['type']}")
        if value:
            points[str(row["type"])] = value
    return ScoreSpec(weights=tuple(chosen), bonuses=points)


def rules_file_box(rules) -> None:
    """The rules as a YAML file to download, and a box to upload one."""
    T = ui.T
    with st.expander(T("prio.rules.file"), expanded=False):
        st.download_button(T("prio.rules.download"), data=rules_to_yaml(rules), file_name="quy_tac_uu_tien.yaml",
                           mime="application/x-yaml", key="prio_rules_download")
        ui.file_uploader(T("prio.rules.upload"), type=["yaml", "yml"], key="prio_rules_upload", on_change=rules_upload)
