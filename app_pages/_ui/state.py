"""Session state, language and the page stores: the glue every page calls first."""

from __future__ import annotations

import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import DEFAULT_LANG, t
from geo.workflows.datasets import DEFAULT_DATASET

_DEFAULTS = {
    "lang": DEFAULT_LANG,
    "province": settings.DEFAULT_PROVINCE,
    "vintage": settings.DEFAULT_VINTAGE,
    "level": settings.DEFAULT_LEVEL,
    "dataset": DEFAULT_DATASET,
    "boundary_source": "default",
}

# Choices shared by the pages' widgets (the language switch lives in app.py, on every page).
PERSISTENT_KEYS = ("province", "vintage", "level", "dataset", "boundary_source", "indicator", "year", "scheme",
                   "k", "palette", "overlays", "basemap", "breaks")


def init_state() -> None:
    """Session defaults; called by every page so any page can be opened first."""
    for key, value in _DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault("selection", {})  # vintage -> set of codes
    st.session_state.setdefault("tables", {})  # upload name -> IndicatorTable
    st.session_state.setdefault("layers", {})  # upload name -> BoundaryLayer
    st.session_state.setdefault("overrides", {})  # dataset id -> {row index: unit code}
    st.session_state.setdefault("last_click", None)
    # A widget's key is tied to the page that drew it: without this, choosing a dataset
    # (or a level, a province...) on one page is reset to the default on the next.
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


_STYLE_COPY = "_style_choices"
STYLE_KEYS = ("indicator", "year", "scheme", "k", "palette", "overlays", "basemap", "breaks")  # the Map's fragment


def keep_style_choices() -> None:
    """Copy the Map page's style choices where :func:`restore_style_choices` finds them (called where they are
    drawn, in the Map page's fragment)."""
    st.session_state[_STYLE_COPY] = {key: st.session_state[key] for key in STYLE_KEYS if key in st.session_state}


def restore_style_choices(page: str) -> None:
    """On a change of page, the Map page's style choices as its fragment last drew them.

    The style boxes are drawn in a fragment, and Streamlit does not carry a fragment rerun's widget values
    across a page change: the Annex page would draw the indicator chosen before the last restyle, and the Map
    page would come back to it. Within one page the widgets' own values stand.
    """
    if st.session_state.get("_page") != page:
        st.session_state.update(st.session_state.get(_STYLE_COPY, {}))
    st.session_state["_page"] = page


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def T(key: str, **params) -> str:  # noqa: N802 - short on purpose, used everywhere
    return t(key, lang(), **params)


def language_switch() -> None:
    st.sidebar.radio(
        t("app.language", lang()), options=["vi", "en"], key="lang", horizontal=True,
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
    )


def show_error(exc: GeoError) -> None:
    st.error(exc.message(lang()))


def selection(vintage: str | None = None) -> set[str]:
    vintage = vintage or st.session_state["vintage"]
    return st.session_state["selection"].setdefault(vintage, set())


def session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


# ---------------------------------------------------------------------------
# Page stores (priority, annex and reform pages)
# ---------------------------------------------------------------------------
# Streamlit drops a widget's value when its page is not shown; a page keeps its widget values in a
# dict of the session state (its "store") and puts them back before drawing the widgets.
def keep(store: dict, key: str, default) -> None:
    """Restore widget ``key`` from ``store`` (or ``default``) before the widget is drawn."""
    if key not in st.session_state:
        st.session_state[key] = store.get(key, default)


def prefill(store: dict, key: str, default, options=None) -> None:
    """A widget holding a default that follows the choices (language, indicator, lists offered) until the
    planner changes it."""
    ss = st.session_state
    keep(store, key, default)
    if ss[key] == store.get(f"{key}:default") or (options is not None and ss[key] not in options):
        ss[key] = default
    store[f"{key}:default"] = default


def remember(store: dict, *keys: str) -> None:
    """Copy widget values into ``store`` so that they survive a visit to another page."""
    for key in keys:
        if key in st.session_state:
            store[key] = st.session_state[key]


def follow_old_address(addresses: dict[str, str]) -> None:
    """Open the page an old address names (``/priority`` → ``/uu-tien``), before ``st.navigation`` resolves it.

    Without this Streamlit shows its own English "Page not found" box and the first page.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    manager = ctx.pages_manager
    if not manager.intended_page_script_hash and manager.intended_page_name in addresses:
        manager.set_script_intent("", addresses[manager.intended_page_name])
