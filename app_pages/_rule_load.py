"""The rule editor's loading and buttons: a rule set into the editor, the threshold box, add/remove/reset/upload.

Callbacks run before the page redraws; the rules' tables are :mod:`geo.workflows.priority`'s, the forms
:mod:`geo.analysis.rule_form`'s. Widget values are kept by :mod:`app_pages._rule_state`.
"""

from __future__ import annotations

import streamlit as st

from geo import settings
from geo._errors import GeoError
from geo.analysis.rule_form import TierForm, forms_of
from geo.analysis.rules import RuleSet
from geo.analysis.rules_file import rules_from_bytes
from geo.text.i18n import t
from geo.workflows.priority import bonuses_table, replace_threshold, weights_table
from app_pages import _ui as ui
from app_pages._rule_state import FIELDS, _store, form_keys, remember_auto, set_form, sync_forms


def load_rules(rules: RuleSet, *, columns: list[str], types, follow: bool = False) -> None:
    """Put a rule set into the editor (called before the editor's widgets exist in this run).

    ``follow``: the labels follow the rules (the defaults); otherwise a label that is not the rule's words is kept.
    """
    ss, store, lang = st.session_state, _store(), ui.lang()
    store["ver"] += 1
    store["rules_base"] = rules
    prefixes = ("prio_label_", "prio_when_", "prio_custom_", "prio_auto_", *(f"prio_{f}_" for f in FIELDS))
    for key in [k for k in list(ss.keys()) + list(store) if str(k).startswith(prefixes)]:
        ss.pop(key, None)
        store.pop(key, None)
    for i, (tier, form) in enumerate(zip(rules.tiers, forms_of(rules, lang))):
        store[f"prio_label_{i}"] = tier.label
        store[f"prio_when_{i}"] = tier.rule.text
        store[f"prio_custom_{i}"] = not follow and (form is None or bool(form.label))
        if not store[f"prio_custom_{i}"]:
            remember_auto(i, tier.label)
    store["prio_ntiers"] = len(rules.tiers)
    ss.pop("prio_ntiers", None)
    store["weights_base"] = weights_table(rules, columns, lang=lang)
    store["bonuses_base"] = bonuses_table(rules, types, lang=lang)


def load_current(context: tuple, defaults, *, columns: list[str], types) -> None:
    """Load the rules this run starts from: a file or scenario just opened, else the defaults of the data.

    Untouched defaults follow the data (``context``: province, vintage, level, dataset, language); edited rules stay.
    """
    store = _store()
    if "pending_rules" in store:
        load_rules(store.pop("pending_rules"), columns=columns, types=types)
    elif "rules_base" not in store or (store.get("context") != context and store.get("defaults")):
        load_rules(defaults(), columns=columns, types=types, follow=True)
        store["defaults"] = True
    store["context"] = context


def _n_tiers() -> int:
    return int(st.session_state.get("prio_ntiers", _store().get("prio_ntiers", 0)))


def on_threshold() -> None:
    """The high-poverty threshold changed: rewrite every comparison that used the old number."""
    ss, store = st.session_state, _store()
    old, new = store.get("threshold_prev"), ss.get("prio_threshold")
    if old is None or new is None or store.get("rate") is None:
        return
    for i in range(_n_tiers()):
        key = f"prio_when_{i}"
        if key in ss:
            ss[key] = replace_threshold(ss[key], store["rate"], old, new)
    store["threshold_prev"] = new
    sync_forms(_n_tiers())
    store["defaults"] = False


def tiers_more() -> None:
    """One more (empty) tier, up to :data:`settings.PRIORITY_MAX_TIERS`."""
    ss, store, lang = st.session_state, _store(), ui.lang()
    n = int(ss.get("prio_ntiers", 0))
    if n < settings.PRIORITY_MAX_TIERS:
        ss[f"prio_label_{n}"] = t("priority.tier_default", lang, n=n + 1)
        ss[f"prio_when_{n}"] = ""
        store[f"prio_custom_{n}"] = False
        remember_auto(n, ss[f"prio_label_{n}"])
        set_form(n, TierForm())
        ss["prio_ntiers"] = n + 1
    store["defaults"] = False


def tiers_fewer() -> None:
    """Remove the last tier (one always stays)."""
    ss, store = st.session_state, _store()
    n = int(ss.get("prio_ntiers", 0))
    if n > 1:
        for key in (f"prio_label_{n - 1}", f"prio_when_{n - 1}", f"prio_auto_{n - 1}", f"prio_custom_{n - 1}",
                    *form_keys(n - 1)):
            ss.pop(key, None)
            store.pop(key, None)
        ss["prio_ntiers"] = n - 1
    store["defaults"] = False


def reset_rules() -> None:
    """Back to the defaults of the current data."""
    store = _store()
    store.pop("rules_base", None)  # the script then loads the defaults of the current data
    store["defaults"] = True


def rules_upload() -> None:
    """Read an uploaded rules file; the next run loads it into the editor."""
    ss, store, lang = st.session_state, _store(), ui.lang()
    f = ss.get("prio_rules_upload")
    if f is None:
        return
    try:
        rules = rules_from_bytes(f.getvalue(), name=f.name)
    except GeoError as exc:
        store["flash"] = ("error", exc.message(lang))
    else:
        store["pending_rules"] = rules
        store["defaults"] = False
        store["flash"] = ("success", t("prio.rules.loaded", lang, n=len(rules.tiers), name=f.name))
