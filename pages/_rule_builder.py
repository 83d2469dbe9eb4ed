"""The Priority page's rule builder: one row of plain controls per tier, the expression under "Nâng cao".

The model (form ⇄ expression ⇄ words ⇄ YAML) is :mod:`geo.analysis.rule_form`; this module only
keeps the widgets of a tier in step with its expression. The expression (``prio_when_<i>``) is the
source of truth that the page mirrors across page visits; the form widgets are derived from it when
missing, and write it back when changed. A tier's label (``prio_label_<i>``) follows the rule's words
until the planner types another name.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from geo._errors import GeoError
from geo.analysis.rule_form import COMPARISONS, JOINS, TierForm, form_from_rule, split_column
from geo import settings
from geo.analysis.rule_form import forms_of
from geo.analysis.rules import OPERATORS, RuleSet, ScoreSpec, Tier, Weight, indicator_label
from geo.analysis.rules_file import rules_from_bytes
from geo.text.i18n import t
from geo.units.designations import DESIGNATION_TYPES
from geo.workflows.priority import bonuses_table, replace_threshold, rule_threshold, weights_table
from geo.text.markup import markdown_text
from geo.units.designations import designation_label
from pages import _ui as ui
from pages._prio_sections import keep, remember

FIELDS = ("fd", "fj", "fi", "fo", "ft", "fy")  # designations, join, indicator, op, threshold, year
WEIGHT_MAX, WEIGHT_STEP = 5.0, 0.5
BONUS_MAX, BONUS_STEP = 20.0, 1.0


def _store() -> dict:
    return st.session_state["prio"]


def form_keys(i: int) -> list[str]:
    """Session keys of tier ``i``'s form widgets."""
    return [f"prio_{f}_{i}" for f in FIELDS]


def _form_of_text(text: str) -> TierForm | None:
    try:
        return form_from_rule(text) if str(text or "").strip() else TierForm()
    except GeoError:
        return None


def set_form(i: int, form: TierForm) -> None:
    """Put a form into tier ``i``'s widgets (before they are drawn in this run)."""
    ss = st.session_state
    for key, value in zip(form_keys(i), (list(form.designations), form.join, form.indicator or "", form.op,
                                         form.threshold, form.year or "")):
        ss[key] = value


def read_form(i: int) -> TierForm:
    """The form that tier ``i``'s widgets show."""
    d, j, ind, op, thr, yr = (st.session_state.get(k) for k in form_keys(i))
    return TierForm(designations=tuple(d or ()), join=j or "and", indicator=ind or None, op=op or ">=",
                    threshold=thr, year=yr or None)


def remember_auto(i: int, label: str) -> None:
    """Note a label the page set itself (the browser may send it back once more: that is not a rename)."""
    _store().setdefault(f"prio_auto_{i}", set()).add(label)


def _follow(i: int, form: TierForm) -> None:
    """Set the label to the rule's words unless the planner renamed the tier."""
    if not _store().get(f"prio_custom_{i}") and not form.empty:
        words = form.words(ui.lang())
        st.session_state[f"prio_label_{i}"] = words
        remember_auto(i, words)


def form_changed(i: int) -> None:
    """A form widget of tier ``i`` changed: rewrite the expression and the label."""
    try:
        form = read_form(i)
    except GeoError:
        return
    st.session_state[f"prio_when_{i}"] = form.expression()
    _follow(i, form)
    _store()["defaults"] = False


def expression_changed(i: int) -> None:
    """The expression of tier ``i`` changed under "Nâng cao": show it in the form when it fits."""
    form = _form_of_text(st.session_state.get(f"prio_when_{i}", ""))
    if form is not None:
        set_form(i, form)
        _follow(i, form)
    _store()["defaults"] = False


def label_changed(i: int) -> None:
    """An empty label follows the rule again; any other text is the planner's name."""
    ss = st.session_state
    text = " ".join(str(ss.get(f"prio_label_{i}", "")).split())
    form = _form_of_text(ss.get(f"prio_when_{i}", ""))
    words = form.words(ui.lang()) if form is not None and not form.empty else None
    auto = text in _store().get(f"prio_auto_{i}", set())
    _store()[f"prio_custom_{i}"] = bool(text) and text != words and not auto
    if (not text or auto) and words:
        ss[f"prio_label_{i}"] = words
    _store()["defaults"] = False


def sync_forms(n: int) -> None:
    """Re-derive every tier's form from its expression (after the expressions changed elsewhere)."""
    for i in range(n):
        form = _form_of_text(st.session_state.get(f"prio_when_{i}", ""))
        if form is not None:
            set_form(i, form)
            _follow(i, form)


def tier_row(i: int, *, kinds: Iterable[str], columns: Iterable[str]) -> None:
    """Draw tier ``i``: the label, the row of controls, the words and the expression under "Nâng cao"."""
    ss, T, lang = st.session_state, ui.T, ui.lang()
    text = ss.get(f"prio_when_{i}", "")
    form = _form_of_text(text)
    if form is not None and any(k not in ss for k in form_keys(i)):
        set_form(i, form)
    advanced = form is None
    d, j, ind, op, thr, yr = (ss.get(k) for k in form_keys(i))
    bases = list(dict.fromkeys(["", *(split_column(c)[0] for c in columns), ind or ""]))
    years = list(dict.fromkeys(["", *sorted({y for b, y in map(split_column, columns) if b == ind and y}), yr or ""]))
    options = list(dict.fromkeys([*kinds, *(d or ())]))
    st.text_input(T("prio.tier.label", n=i + 1), key=f"prio_label_{i}", on_change=label_changed, args=(i,),
                  help=T("prio.form.label.help"))
    c = st.columns([3, 0.9, 2.2, 0.9, 1, 1.2])
    common = {"on_change": form_changed, "args": (i,), "disabled": advanced}
    c[0].multiselect(T("prio.form.designations"), options, key=f"prio_fd_{i}", placeholder=T("prio.form.no_designation"),
                     format_func=lambda k: designation_label(k, lang), **common)
    c[1].selectbox(T("prio.form.join"), JOINS, key=f"prio_fj_{i}", format_func=lambda v: T(f"prio.form.join.{v}"),
                   **common)
    c[2].selectbox(T("prio.form.indicator"), bases, key=f"prio_fi_{i}",
                   format_func=lambda b: indicator_label(b, lang) if b else T("prio.form.indicator.none"), **common)
    c[3].selectbox(T("prio.form.op"), COMPARISONS, key=f"prio_fo_{i}", format_func=OPERATORS.get, **common)
    c[4].number_input(T("prio.form.threshold"), key=f"prio_ft_{i}", step=1.0, format="%g", **common)
    c[5].selectbox(T("prio.form.year"), years, key=f"prio_fy_{i}", format_func=lambda y: y or T("prio.form.year.none"),
                   **common)
    if advanced:
        st.caption(T("prio.form.advanced_only"))
    elif not form.empty and ss.get(f"prio_label_{i}") != form.words(lang):  # renamed: the rule in words below
        st.caption("→ " + markdown_text(form.words(lang)))
    with st.expander(T("prio.form.advanced", n=i + 1), expanded=advanced):
        st.text_input(T("prio.tier.when", n=i + 1), key=f"prio_when_{i}", on_change=expression_changed, args=(i,))


def load_rules(rules: RuleSet, *, columns: list[str], types, follow: bool = False) -> None:
    """Put a rule set into the editor (called before the editor's widgets exist in this run).

    ``follow``: the labels follow the rules (the defaults); otherwise a label that is not the rule's words is kept.
    """
    ss, store, lang = st.session_state, _store(), ui.lang()
    store["ver"] += 1
    store["rules_base"] = rules
    prefixes = ("prio_label_", "prio_when_", "prio_custom_", "prio_auto_", *(f"prio_{f}_" for f in FIELDS))
    for key in [k for k in list(ss.keys()) + list(store) if str(k).startswith(prefixes)]:
        ss.pop(key, None)
        store.pop(key, None)
    for i, (tier, form) in enumerate(zip(rules.tiers, forms_of(rules, lang))):
        store[f"prio_label_{i}"] = tier.label
        store[f"prio_when_{i}"] = tier.rule.text
        store[f"prio_custom_{i}"] = not follow and (form is None or bool(form.label))
        if not store[f"prio_custom_{i}"]:
            remember_auto(i, tier.label)
    store["prio_ntiers"] = len(rules.tiers)
    ss.pop("prio_ntiers", None)
    store["weights_base"] = weights_table(rules, columns, lang=lang)
    store["bonuses_base"] = bonuses_table(rules, types, lang=lang)


def load_current(context: tuple, defaults, *, columns: list[str], types) -> None:
    """Load the rules this run starts from: a file or scenario just opened, else the defaults of the data.

    Untouched defaults follow the data (``context``: province, vintage, level, dataset, language); edited rules stay.
    """
    store = _store()
    if "pending_rules" in store:
        load_rules(store.pop("pending_rules"), columns=columns, types=types)
    elif "rules_base" not in store or (store.get("context") != context and store.get("defaults")):
        load_rules(defaults(), columns=columns, types=types, follow=True)
        store["defaults"] = True
    store["context"] = context


def _on_threshold() -> None:
    ss, store = st.session_state, _store()
    old, new = store.get("threshold_prev"), ss.get("prio_threshold")
    if old is None or new is None or store.get("rate") is None:
        return
    for i in range(int(ss.get("prio_ntiers", store.get("prio_ntiers", 0)))):
        key = f"prio_when_{i}"
        if key in ss:
            ss[key] = replace_threshold(ss[key], store["rate"], old, new)
    store["threshold_prev"] = new
    sync_forms(int(ss.get("prio_ntiers", store.get("prio_ntiers", 0))))
    store["defaults"] = False


def _tiers_more() -> None:
    ss, store, lang = st.session_state, _store(), ui.lang()
    n = int(ss.get("prio_ntiers", 0))
    if n < settings.PRIORITY_MAX_TIERS:
        ss[f"prio_label_{n}"] = t("priority.tier_default", lang, n=n + 1)
        ss[f"prio_when_{n}"] = ""
        store[f"prio_custom_{n}"] = False
        remember_auto(n, ss[f"prio_label_{n}"])
        set_form(n, TierForm())
        ss["prio_ntiers"] = n + 1
    store["defaults"] = False


def _tiers_fewer() -> None:
    ss, store = st.session_state, _store()
    n = int(ss.get("prio_ntiers", 0))
    if n > 1:
        for key in (f"prio_label_{n - 1}", f"prio_when_{n - 1}", f"prio_auto_{n - 1}", f"prio_custom_{n - 1}",
                    *form_keys(n - 1)):
            ss.pop(key, None)
            store.pop(key, None)
        ss["prio_ntiers"] = n - 1
    store["defaults"] = False


def reset_rules() -> None:
    """Back to the defaults of the current data."""
    store = _store()
    store.pop("rules_base", None)  # the script then loads the defaults of the current data
    store["defaults"] = True


def rules_upload() -> None:
    ss, store, lang = st.session_state, _store(), ui.lang()
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


def rules_editor(*, rate: str | None, columns: list[str], types) -> tuple[list[Tier], list[GeoError]]:
    """Section 1: the high-poverty threshold, one row of controls per tier, add/remove/reset.

    Returns the tiers that parse and the errors of those that do not.
    """
    ss, store, lang, T = st.session_state, _store(), ui.lang(), ui.T
    keep("prio_ntiers", store.get("prio_ntiers", 0))
    n_tiers = int(ss["prio_ntiers"])
    for i in range(n_tiers):
        keep(f"prio_label_{i}", t("priority.tier_default", lang, n=i + 1))
        keep(f"prio_when_{i}", "")
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
    b1.button(T("prio.tier.add"), on_click=_tiers_more, disabled=n_tiers >= settings.PRIORITY_MAX_TIERS, key="prio_add_tier")
    b2.button(T("prio.tier.remove"), on_click=_tiers_fewer, disabled=n_tiers <= 1, key="prio_remove_tier")
    b3.button(T("prio.rules.reset"), on_click=reset_rules)
    st.caption(T("prio.syntax", types=", ".join(dict.fromkeys([*DESIGNATION_TYPES, *types])),
                 columns=", ".join(columns) or "–"))
    return tiers, tier_errors


def score_sliders(weights: pd.DataFrame, bonuses: pd.DataFrame, *, ver: int) -> ScoreSpec:
    """Weights and bonuses as sliders (three per row); returns the score they set."""
    T = ui.T
    st.caption(T("prio.form.score.help"))
    chosen = []
    cols = st.columns(3)
    for k, row in enumerate(weights.to_dict("records")):
        value = cols[k % 3].slider(str(row["label"]), 0.0, WEIGHT_MAX, float(row["weight"]), WEIGHT_STEP,
                                   key=f"prio_w_{ver}_{row['column']}")
        if value > 0:
            chosen.append(Weight(column=str(row["column"]), weight=value, higher_is_need=bool(row["higher_is_need"])))
    points = {}
    cols = st.columns(3)
    for k, row in enumerate(bonuses.to_dict("records")):
        value = cols[k % 3].slider(T("prio.form.bonus", label=row["label"]), 0.0, BONUS_MAX, float(row["points"]),
                                   BONUS_STEP, key=f"prio_b_{ver}_{row['type']}")
        if value:
            points[str(row["type"])] = value
    return ScoreSpec(weights=tuple(chosen), bonuses=points)
