"""Tables and choices the Priority page shows, in the planner's language (the page only lays them out).

Each function turns domain objects (manual decisions, hand tags, a scenario comparison, the ranked codes)
into what a person reads: headers from the catalogue, unit names instead of codes, and "—" for an empty
cell (:data:`geo.text.i18n.MISSING`), never ``None`` or ``<NA>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from geo.analysis.indicators import decimals
from geo.analysis.ranking import ranking_table
from geo.analysis.rules import ManualDecision
from geo.text.i18n import DEFAULT_LANG, MISSING, format_number, t
from geo.units.designations import designation_label

__all__ = [
    "ranking_view",
    "manual_table",
    "with_decision",
    "without_decision",
    "undo_options",
    "compare_table",
    "compare_counts",
    "selected_codes",
]

def _count(value, lang: str) -> str:
    return MISSING if value is None or pd.isna(value) else format_number(int(value), 0, lang)


def ranking_view(ranked: pd.DataFrame, *, lang: str = DEFAULT_LANG, indicators: Iterable[str] = ()) -> pd.DataFrame:
    """The full ranked list as the page shows it: :func:`geo.analysis.ranking.ranking_table`'s columns with
    every number written in ``lang`` (Babel: ``16,22`` in Vietnamese) and an empty cell as a dash.

    The CSV/XLSX exports keep :func:`~geo.analysis.ranking.ranking_table`'s numbers as numbers.
    """
    shown = ranked.copy()
    numbers = {"rank": 0, "tier": 0, "score": 1, **{c: decimals(c) for c in indicators if c in shown}}
    for column, places in numbers.items():
        if column in shown:
            shown[column] = [format_number(v, places, lang) if not _blank(v) else MISSING for v in shown[column]]
    for column in ("tier_label", "reasons"):
        if column in shown:
            shown[column] = [MISSING if _blank(v) or v == "" else v for v in shown[column]]
    table = ranking_table(shown, lang=lang, indicators=indicators)
    return table.astype(object).where(table.notna(), MISSING)


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def manual_table(manual: Iterable[ManualDecision], labels: Mapping[str, str], *,
                 lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """Hand decisions as a table: unit name, include/exclude in words, the reason."""
    manual = list(manual)
    return pd.DataFrame({
        t("ui.col.name", lang): [labels.get(d.code, d.code) for d in manual],
        t("prio.manual.action", lang): [t(f"prio.manual.{d.action}", lang) for d in manual],
        t("prio.manual.reason", lang): [d.reason or MISSING for d in manual],
    })


def with_decision(items: Sequence[ManualDecision], decision: ManualDecision) -> list[ManualDecision]:
    """The decisions with ``decision`` added; an earlier decision on the same unit is replaced."""
    return [d for d in items if d.code != decision.code] + [decision]


def without_decision(items: Sequence[ManualDecision], code: str | None) -> list[ManualDecision]:
    """The decisions without the one on unit ``code``."""
    return [d for d in items if d.code != code]


def undo_options(hand: pd.DataFrame, labels: Mapping[str, str], *, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Hand tags as choices to undo: ``"type|code"`` -> ``"Xã biên giới – Xã Tân Thanh"``."""
    return {f"{k}|{c}": f"{designation_label(k, lang)} – {labels.get(c, c)}" for k, c in zip(hand["type"], hand["code"])}


def compare_counts(diff: pd.DataFrame) -> dict[str, int]:
    """``{"n", "enter", "leave"}`` of a :func:`geo.workflows.scenario.compare` result."""
    return {"n": len(diff), "enter": int((diff["change"] == "enter").sum()),
            "leave": int((diff["change"] == "leave").sum())}


def compare_table(diff: pd.DataFrame, labels: Mapping[str, str], *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """A scenario comparison as people read it: names, the change in words, tiers and ranks (a dash when absent)."""
    return pd.DataFrame({
        t("ui.col.name", lang): [labels.get(c, n) for c, n in zip(diff["code"], diff["name"])],
        t("prio.compare.change", lang): list(diff["change_text"]),
        **{t(f"prio.compare.{col}", lang): [_count(v, lang) for v in diff[col]]
           for col in ("tier_a", "tier_b", "rank_a", "rank_b")},
    })


def selected_codes(ranked_codes: tuple[Sequence[str], Sequence[bool]] | None) -> set[str]:
    """The codes marked selected in the page's ``(codes, selected flags)`` pair (empty without one)."""
    if ranked_codes is None:
        return set()
    return {c for c, s in zip(*ranked_codes) if s}
