"""Sections of the reform page: the table and weights to convert, the conversion kept as a dataset, its report.

Widget and session glue only; the conversion is :func:`geo.analysis.reform.convert_indicators` and what the
report shows is :func:`geo.workflows.reform.reform_view`.
"""

from __future__ import annotations

import streamlit as st

from geo import settings

from geo._errors import GeoError
from geo.analysis.reform import conversion_table
from geo.io.weights import read_weights
from geo.text.markup import markdown_text
from geo.workflows import reform as rf
from geo.workflows.datasets import upload_name
from app_pages import _ui as ui

T = ui.T


def _read_upload(up) -> None:
    """A table uploaded on this page joins the session's tables (once per content) and becomes the choice."""
    from geo.io.tables import read_indicators

    ss = st.session_state
    up_name = f"{up.name} · {ui.digest(up.getvalue())[:6]}"
    if up_name not in ss["tables"]:
        try:
            ss["tables"][up_name] = read_indicators(up.getvalue(), name=up.name, level=rf.LEVEL)
        except GeoError as exc:
            ui.show_error(exc)
        else:
            ss["rf_source"] = up_name


def input_section(province: str):
    """The table to convert (uploaded here or chosen) and the weights file: ``(name, table, weights, key)``.

    Stops the page when no table can be converted.
    """
    ss = st.session_state
    st.subheader(T("reform.input"))
    up = ui.file_uploader(T("reform.input.upload"), type=["csv", "xlsx", "txt", "tsv"], key="rf_upload",
                          max_upload_size=settings.MAX_TABLE_MB)
    if up is not None:
        _read_upload(up)
    eligible = rf.convertible_tables(ss["tables"])
    if not eligible:
        st.info(T("reform.input.none"))
        st.stop()
    if ss.get("rf_source") not in eligible:
        chosen = upload_name(ss.get("dataset") or "")
        ss["rf_source"] = chosen if chosen in eligible else eligible[0]
    st.selectbox(T("reform.input.pick"), eligible, key="rf_source")
    source_name = ss["rf_source"]
    table = ss["tables"][source_name]
    if table.level != rf.LEVEL:
        st.warning(T("reform.input.not_commune", name=markdown_text(table.source)))

    w_file = ui.file_uploader(T("reform.weights"), type=["csv", "txt"], key="rf_weights",
                              max_upload_size=settings.MAX_TABLE_MB)
    weights, weights_key = None, ""
    if w_file is not None:
        try:
            weights = read_weights(ui.save_upload(w_file), province=province)
        except GeoError as exc:
            ui.show_error(exc)
        else:
            weights_key = ui.digest(w_file.getvalue())
            st.caption(T("reform.weights.file", name=markdown_text(w_file.name)))
    if weights is None:
        st.caption(T("reform.weights.default"))
    return source_name, table, weights, weights_key


def converted(source_name: str, table, *, weights, weights_key: str, province: str):
    """The conversion (one per session, kept while its inputs stay) and its dataset of the 2025 communes.

    Returns ``(cache entry, Conversion, dataset name)``; stops the page when nothing could be converted.
    """
    ss = st.session_state
    key = (source_name, weights_key, province)
    cache = ss.setdefault("rf_cache", {})
    if key not in cache:
        try:
            with st.spinner("…"):
                conv, checked = rf.convert_checked(table, province=province, weights=weights)
        except GeoError as exc:
            ui.show_error(exc)
            st.stop()
        cache.clear()  # one conversion per session is enough; the tables themselves stay in ss["tables"]
        cache[key] = {"conversion": conv, "checks": rf.check_lines(checked, lang=ui.lang())}
    entry = cache[key]
    conv = entry["conversion"]
    for line in entry["checks"]:  # values dropped as impossible, repeated rows merged, rates from counts
        st.warning(markdown_text(line))
    if conv.data.empty:
        for line in conv.report.warnings(ui.lang())[:20]:
            st.warning(markdown_text(line))
        st.stop()

    # The converted table becomes a dataset of the 2025 communes for the other pages.
    new_name = rf.converted_name(table.source, conv)
    registered = ss.setdefault("rf_registered", {})
    previous = registered.get(source_name)
    if new_name not in ss["tables"]:
        ss["tables"][new_name] = conversion_table(conv, name=new_name)
        ui.keep_converted(new_name, ss["tables"][new_name], report=conv.report.summary())
    if previous and previous != new_name:
        ss["tables"].pop(previous, None)
        if ss.get("dataset") == ui.UPLOAD_PREFIX + previous:
            ss["dataset"] = ui.UPLOAD_PREFIX + new_name
    registered[source_name] = new_name
    return entry, conv, new_name


def report_section(view) -> None:
    """The conversion report: counts, totals before and after, rows not converted, split old communes, notes."""
    st.subheader(T("reform.report"))
    for col, key in zip(st.columns(5), ("old_units", "new_units", "splits", "unmapped", "incomplete")):
        col.metric(T(f"reform.metric.{key.split('_')[0]}"), view.summary[key])
    col_totals, col_notes = st.columns([3, 2])
    with col_totals:
        st.markdown(f"**{T('reform.totals')}**")
        if len(view.totals):
            st.dataframe(view.totals, hide_index=True, width="stretch")
    with col_notes:
        if view.preserved:
            st.success(T("reform.totals.ok", columns=", ".join(view.preserved)))
        if view.lost:
            st.error(T("reform.totals.bad", columns=", ".join(view.lost)))
        if view.partial:
            st.warning(T("reform.estimate_note", n=view.partial))
        if view.dropped:
            st.info(T("reform.dropped") + ": " + ", ".join(view.dropped))
    for part, frame, note in (("unmapped", view.unmapped, None), ("splits", view.splits, "reform.splits.note")):
        if len(frame):
            st.markdown(f"**{T(f'reform.{part}')}**")
            if note:
                st.caption(T(note))
            st.dataframe(frame, hide_index=True, width="stretch")
    with st.expander(T("reform.details", n=len(view.notes)), expanded=False):
        st.markdown("\n".join(f"- {line}" for line in view.notes))
