"""The rule builder's state: tier widgets kept in step with their expressions (loading and buttons: ``_rule_load``).

The expression (``prio_when_<i>``) is the source of truth that the page mirrors across page visits; the form
widgets are derived from it when missing, and write it back when changed. A tier's label (``prio_label_<i>``)
follows the rule's words until the planner types another name. Every decision is in
:mod:`geo.analysis.rule_form` (:func:`~geo.analysis.rule_form.form_or_none`,
:func:`~geo.analysis.rule_form.label_after_edit`); this module only moves values in and out of the session.
"""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.analysis.rule_form import TierForm, form_or_none, label_after_edit
from app_pages import _ui as ui

FIELDS = ("fd", "fj", "fi", "fo", "ft", "fy")  # designations, join, indicator, op, threshold, year


def _store() -> dict:
    return st.session_state["prio"]


def form_keys(i: int) -> list[str]:
    """Session keys of tier ``i``'s form widgets."""
    return [f"prio_{f}_{i}" for f in FIELDS]


def set_form(i: int, form: TierForm) -> None:
    """Put a form into tier ``i``'s widgets (before they are drawn in this run)."""
    for key, value in zip(form_keys(i), (list(form.designations), form.join, form.indicator or "", form.op,
                                         form.threshold, form.year or "")):
        st.session_state[key] = value


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
    form = form_or_none(st.session_state.get(f"prio_when_{i}", ""))
    if form is not None:
        set_form(i, form)
        _follow(i, form)
    _store()["defaults"] = False


def label_changed(i: int) -> None:
    """An empty label follows the rule again; any other text is the planner's name."""
    ss = st.session_state
    form = form_or_none(ss.get(f"prio_when_{i}", ""))
    renamed, shown = label_after_edit(ss.get(f"prio_label_{i}", ""), form, auto=_store().get(f"prio_auto_{i}", ()),
                                      lang=ui.lang())
    _store()[f"prio_custom_{i}"] = renamed
    if shown is not None:
        ss[f"prio_label_{i}"] = shown
    _store()["defaults"] = False


def sync_forms(n: int) -> None:
    """Re-derive every tier's form from its expression (after the expressions changed elsewhere)."""
    for i in range(n):
        form = form_or_none(st.session_state.get(f"prio_when_{i}", ""))
        if form is not None:
            set_form(i, form)
            _follow(i, form)
