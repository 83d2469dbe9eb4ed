"""Priority page, designations: border communes derived from the map, confirmed by the planner.

Same calls as ``python -m geo border``: :func:`geo.workflows.border.border_review` finds the units along the land
border (Natural Earth, "suy ra, cần xác nhận"), the planner ticks the ones to confirm and names themself, and
:func:`geo.workflows.border.confirm_candidates` adds them as ``border`` designations (source "xác nhận bởi …").
"""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.workflows.border import border_review, confirm_candidates, review_caption
from app_pages import _ui as ui


def _review(units, labels, designations, key):
    store = st.session_state["prio"]
    cached = store.get("border_review")
    if cached is None or cached[0] != key:
        cached = (key, border_review(units, labels=labels, designations=designations, lang=ui.lang()))
        store["border_review"] = cached
    return cached[1]


def _confirm(level: str, vintage: str) -> None:
    ss, store = st.session_state, st.session_state["prio"]
    review = store["border_review"][1]
    codes = list(ss.get("prio_border_codes") or [])
    try:
        changed, added = confirm_candidates(ui.designations(), review, codes, user=ss.get("prio_border_user", ""),
                                            level=level, vintage=vintage)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(ui.lang()))
        return
    ui.set_designations(changed)
    store.pop("border_review", None)  # the "designated" column changes
    store["flash"] = ("success", ui.T("border.review.done", n=added, user=ss.get("prio_border_user", "")))


def border_section(*, units, labels: dict[str, str], designations, level: str, vintage: str) -> None:
    """An expander: derive the candidates on demand, tick, name the confirmer, confirm."""
    T, store = ui.T, st.session_state["prio"]
    key = (st.session_state["province"], vintage, level, len(units), tuple(units["code"].astype(str).head(3)))
    with st.expander(T("border.review.title"), expanded=False):
        st.caption(T("border.review.help"))
        if not store.get("border_open"):
            st.button(T("border.review.find"), key="prio_border_find",
                      on_click=lambda: store.__setitem__("border_open", True))
            return
        review = _review(units, labels, designations, key)
        st.caption(review_caption(review, lang=ui.lang()))
        if review.table.empty:
            return
        shown = review.table.drop(columns="code").assign(confirm=review.table["candidate"] & ~review.table["designated"])
        headers = {c: T(f"border.review.col.{c}") for c in shown.columns}
        edited = st.data_editor(shown.rename(columns=headers), hide_index=True, width="stretch",
                                disabled=[headers[c] for c in shown.columns if c != "confirm"], key="prio_border_table")
        codes = [c for c, ok in zip(review.table["code"], edited[headers["confirm"]]) if ok]
        st.session_state["prio_border_codes"] = codes
        c1, c2 = st.columns([2, 1])
        c1.text_input(T("border.review.user"), key="prio_border_user")
        c2.button(T("border.review.confirm", n=len(codes)), key="prio_border_confirm", on_click=_confirm,
                  args=(level, vintage), disabled=not codes)
