"""The one unit picker of the app: a search box that ignores diacritics, above a selectbox of the units it finds.

Streamlit's selectbox matches accents exactly ("thai binh" does not find "Thái Bình"). Here the planner types
in the box, :func:`geo.units.search.match_options` ranks the units (name or code, diacritics, case and type
prefixes optional) and the selectbox shows those, best first, with the best one selected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from geo.text.i18n import t
from geo.units.search import match_options

__all__ = ["unit_picker"]


def unit_picker(label: str, options: Sequence, labels: Mapping | Callable, *, key: str, where=None,
                default=None, placeholder: str | None = None, search: str = "picker.search", **selectbox_kwargs):
    """A unit picker searching without diacritics; returns the selected option like ``st.selectbox``.

    Parameters
    ----------
    label
        The selectbox's label.
    options
        The values to pick from (unit codes). Empty values ("", None: a "none" choice) are always shown first.
    labels
        What each option shows ("Xã Thái Bình – Huyện Đình Lập"): a mapping or a function.
    key
        The selectbox's session-state key; the search box uses ``<key>__find``.
    where
        The container to draw in (a column, the sidebar); ``st`` when omitted.
    default
        The selection before the planner picks anything (when ``key`` has no state yet).
    placeholder
        When given, nothing is selected until the planner picks (``index=None``) and this shows instead.
    search
        Catalogue key of the search box's label; ``<search>.placeholder`` is its example text.
    **selectbox_kwargs
        Passed to ``st.selectbox`` (``help``, ``disabled``...).

    Notes
    -----
    Typing a new search selects its best match; the planner can then pick another match. A search that
    finds nothing leaves the selection as it was, and the current selection is never hidden by a search.
    """
    where = where if where is not None else st
    ss = st.session_state
    label_of = labels if callable(labels) else (lambda o: labels.get(o, o if o is not None else ""))
    options = list(options)
    blanks = [o for o in options if o is None or o == ""]
    units = [o for o in options if not (o is None or o == "")]
    lang = ss.get("lang", "vi")
    query = (where.text_input(t(search, lang), key=f"{key}__find",
                              placeholder=t(f"{search}.placeholder", lang)) or "").strip()
    hits = match_options(query, units, {o: str(label_of(o)) for o in units}) if query else units
    if key not in ss and default is not None:
        ss[key] = default
    current = ss.get(key)
    last_key = f"{key}__last"
    if query != ss.get(last_key, ""):
        ss[last_key] = query
        if query and hits:
            ss[key] = current = hits[0]
    shown = blanks + hits
    if current is not None and current not in shown and current in options:
        shown.insert(len(blanks), current)  # a search never hides the current choice
    if query and not hits:
        where.caption(t("picker.none", lang, query=query))
    return where.selectbox(label, shown, key=key, index=None if placeholder is not None else 0,
                           placeholder=placeholder, format_func=lambda o: str(label_of(o)), **selectbox_kwargs)
