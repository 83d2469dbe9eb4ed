"""Pickers for the rows the join could not place: conflicting rows, hand matches and their undo."""

from __future__ import annotations

import streamlit as st

from geo.workflows.matching import file_row, filter_options, row_choices, unit_labels
from pages._ui.layer import overrides_for, picks_for, save_overrides
from pages._ui.state import T


def conflict_pickers(layer, dataset: str) -> None:
    """One row picker per unit with conflicting rows; the unit has no data until a row is picked."""
    picks = picks_for(dataset)
    for item in layer.build.checks.conflicts:
        unit = (item.get("unit") or {}).get("name") or item["key"]
        options = [None] + item["rows"]
        current = picks.get(item["key"])
        chosen = st.selectbox(T("trust.pick_row", unit=unit), options, key=f"conflict_{dataset}_{item['key']}",
                              index=options.index(current) if current in options else 0,
                              format_func=lambda r: T("trust.pick_none") if r is None else T("trust.row", row=r))
        if chosen != current:
            if chosen is None:
                picks.pop(item["key"], None)
            else:
                picks[item["key"]] = chosen
            st.rerun()


def hand_matches(table, overrides: dict, unit_label: dict, dataset: str) -> None:
    """The hand matches made so far, each with an undo button."""
    if not overrides:
        return
    st.caption(T("trust.manual") + ": " + ", ".join(str(unit_label.get(c, c)) for c in overrides.values()))
    for idx in sorted(overrides):
        if st.button(T("trust.undo", row=file_row(table.data, idx)), key=f"undo_{dataset}_{idx}"):
            overrides.pop(idx, None)
            save_overrides(dataset)
            st.rerun()


def hand_choices(layer, table, dataset: str) -> None:
    """Hand choices for unmatched and ambiguous rows: suggestions first, then every unit of the level."""
    unit_label = unit_labels(layer.gdf, level=layer.level)
    overrides = overrides_for(dataset)
    hand_matches(table, overrides, unit_label, dataset)  # each hand match can be undone
    problems = row_choices(layer.report, table.data, unit_label)
    if not problems:
        return
    choices = {}
    for item in problems:
        fmt = {c: (f"{unit_label.get(c, c)} ({T('ui.report.suggestion')})" if c in item.proposals
                   else unit_label.get(c, c)) for c in item.options if c}
        fmt[""] = T("ui.report.keep_unmatched")
        idx = item.index
        current = overrides.get(idx, "")
        options = unit_filter(item.options, fmt, key=f"find_{dataset}_{idx}")
        if current and current not in options:  # a filter never hides the current choice
            options.insert(1, current)
        choices[idx] = st.selectbox(
            T("ui.report.pick", row=item.row, name=item.name), options,
            index=options.index(current) if current in options else 0, format_func=fmt.get, key=f"pick_{dataset}_{idx}",
        )
    if st.button(T("ui.report.apply"), type="primary"):
        for idx, code in choices.items():
            if code:
                overrides[idx] = code
            else:
                overrides.pop(idx, None)
        save_overrides(dataset)
        st.success(T("ui.report.applied", n=len(overrides)))
        st.rerun()


def unit_filter(options: list[str], labels: dict, *, key: str) -> list[str]:
    """A search box above a unit picker: keeps the options whose label holds the typed text, diacritics optional.

    Streamlit's selectbox matches accents exactly ("thai binh" does not find "Thái Bình"); this does.
    Empty options (a "none" choice) are always kept.
    """
    return filter_options(options, labels, st.text_input(T("trust.search"), key=key))
