"""Pickers for the rows the join could not place: conflicting rows, hand matches and their undo."""

from __future__ import annotations

import streamlit as st

from geo import settings
from geo.workflows.matching import file_row, row_choices, unit_labels
from app_pages._picker import unit_picker
from app_pages._ui.layer import overrides_for, picks_for, save_overrides
from app_pages._ui.state import T


def conflict_pickers(layer, dataset: str) -> None:
    """One row picker per unit with conflicting rows; the unit has no data until a row is picked."""
    picks = picks_for(dataset)
    conflicts = layer.build.checks.conflicts
    if len(conflicts) > settings.HAND_CHOICES_MAX:  # a national table of bare names has a thousand of them
        st.info(T("trust.more_conflicts", shown=settings.HAND_CHOICES_MAX, n=len(conflicts)))
        conflicts = conflicts[: settings.HAND_CHOICES_MAX]
    for item in conflicts:
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
    if len(problems) > settings.HAND_CHOICES_MAX:  # one picker a row: thousands of widgets take minutes to draw
        st.info(T("ui.report.more_rows", shown=settings.HAND_CHOICES_MAX, n=len(problems)))
        problems = problems[: settings.HAND_CHOICES_MAX]
    choices = {}
    for item in problems:
        fmt = {c: (f"{unit_label.get(c, c)} ({T('ui.report.suggestion')})" if c in item.proposals
                   else unit_label.get(c, c)) for c in item.options if c}
        fmt[""] = T("ui.report.keep_unmatched")
        idx = item.index
        choices[idx] = unit_picker(T("ui.report.pick", row=item.row, name=item.name), item.options, fmt,
                                   key=f"pick_{dataset}_{idx}", default=overrides.get(idx, ""))
    if st.button(T("ui.report.apply"), type="primary"):
        for idx, code in choices.items():
            if code:
                overrides[idx] = code
            else:
                overrides.pop(idx, None)
        save_overrides(dataset)
        st.success(T("ui.report.applied", n=len(overrides)))
        st.rerun()

