"""Library calls cached per server process (shared by every session) or per content."""

from __future__ import annotations

import streamlit as st


@st.cache_resource(show_spinner=False)
def static_assets():
    """Leaflet copied from its installed package into ./static, once per server."""
    from geo.render import assets

    return assets.install_static()


@st.cache_resource(show_spinner=False, max_entries=32)
def default_boundaries(province: str, level: str, vintage: str):
    """The default boundaries, built once per server process and shared by every session: read-only
    (callers copy before changing anything, as map_layer does)."""
    from geo.units.tessellation import default_boundaries as build

    return build(province=province, level=level, vintage=vintage)


@st.cache_data(show_spinner=False, max_entries=8)
def boundaries_from_old(province: str, source: str, _old_gdf):
    """New-commune polygons dissolved from old ones (``source`` names the old layer, for the cache)."""
    from geo.analysis.reform import new_boundaries_from_old

    return new_boundaries_from_old(_old_gdf, province=province)


@st.cache_data(show_spinner=False)
def provinces(vintage: str):
    from geo.units import registry

    return registry.provinces(vintage)[["code", "name"]]


@st.cache_data(show_spinner=False)
def registry_units(province: str, level: str, vintage: str):
    from geo.units import registry

    return registry.units(province=province, level=level, vintage=vintage)


@st.cache_data(show_spinner=False)
def builtin_table(key: str):
    from geo.join.files import builtin_indicators

    return builtin_indicators(key)


def warm_national() -> None:
    """Once per server process, after the first page has run: the national layers' boundaries and web geometry
    prepared in a background thread (:func:`geo.workflows.warmup.warm_national`), into this module's shared
    boundary cache and the web geometry cache."""
    from geo.workflows.warmup import warm_national as warm

    warm(lambda level, vintage: default_boundaries(None, level, vintage))
