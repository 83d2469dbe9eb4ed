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
from geo.analysis.rules import OPERATORS, ScoreSpec, Weight, indicator_label
from geo.text.markup import markdown_text
from geo.units.designations import designation_label
from pages import _ui as ui

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
