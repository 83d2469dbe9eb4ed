"""Scenarios kept in the workspace: listed, saved with a conflict check, reopened as the current data."""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.workflows.datasets import UPLOAD_PREFIX
from app_pages._ui.state import T
from app_pages._ui.workspace import workspace, workspace_list


def workspace_scenarios() -> list:
    """The workspace's scenarios for the current province and vintage (newest versions)."""
    return [d for d in workspace_list(("scenario",), st.session_state["province"])
            if d.vintage in (None, st.session_state["vintage"])]


def _workspace_or_raise():
    ws = workspace()
    if ws is None:
        raise st.session_state.pop("ws_error", None) or GeoError("workspace_session")
    return ws


def save_scenario_to_workspace(scenario, *, name: str):
    """Save a scenario in the workspace; refused (``workspace_changed``) when someone saved it since it was opened."""
    from geo.workspace.datasets import save_scenario

    ws = _workspace_or_raise()
    opened = st.session_state.setdefault("ws_scenario_versions", {})
    info = save_scenario(ws, scenario, name=name, expected_version=opened.get(name, 0))
    opened[name] = info.version
    return info


def open_scenario_from_workspace(name: str):
    """``(info, scenario)`` from the workspace; remembers the version for the next save's conflict check."""
    from geo.workspace.datasets import load_scenario

    ws = _workspace_or_raise()
    info, scenario = load_scenario(ws, name)
    st.session_state.setdefault("ws_scenario_versions", {})[name] = info.version
    return info, scenario


def adopt_scenario(name: str, scenario) -> None:
    """Make a reopened scenario's own units and boundaries the current dataset and layer (no upload needed)."""
    from geo.io.tables import IndicatorTable
    from geo.join.files import BoundaryLayer

    ss = st.session_state
    meta = scenario.meta
    label = f"{name} ({T('ws.kind.scenario').lower()})"
    units = scenario.indicators.copy()
    if "district_code" in units and "parent_code" not in units:
        units = units.rename(columns={"district_code": "parent_code", "district_name": "parent_name"})
    if "source_row" not in units:
        units.insert(0, "source_row", range(1, len(units) + 1))
    ss["tables"][label] = IndicatorTable(data=units, source=label, sheet=None, header_rows=[], columns={}, skipped=[],
                                         years=[], level=meta.level, vintage=meta.vintage)
    ss["dataset"] = UPLOAD_PREFIX + label
    if scenario.boundaries is not None:
        gdf = scenario.boundaries
        ss["layers"][label] = BoundaryLayer(gdf=gdf, level=meta.level, vintage=meta.vintage, source=label,
                                            approximate=False, columns={"code": "code", "name": "name"})
        ss["boundary_source"] = label
