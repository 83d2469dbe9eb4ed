"""Tables of the workspace for people (the Workspace page): datasets, versions, history, in the user's language."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from geo.text.i18n import DEFAULT_LANG, t
from geo.workspace.store import AuditEntry, DatasetInfo

__all__ = ["datasets_table", "versions_table", "history_table"]


def _when(stamp: str) -> str:
    return stamp[:19].replace("T", " ")


def datasets_table(items: Iterable[DatasetInfo], *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """One row per dataset (newest version): kind, name, version, file, province, saved, by."""
    rows = list(items)
    return pd.DataFrame({
        t("ws.col.kind", lang): [t(f"ws.kind.{d.kind}", lang) for d in rows],
        t("ws.col.name", lang): [d.name for d in rows],
        t("ws.col.version", lang): [d.version for d in rows],
        t("ws.col.file", lang): [d.file_name for d in rows],
        t("ws.col.province", lang): [d.province or "" for d in rows],
        t("ws.col.created", lang): [_when(d.created) for d in rows],
        t("ws.col.author", lang): [d.author for d in rows],
    })


def versions_table(items: Iterable[DatasetInfo], *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The versions of one dataset, newest first, with where each came from."""
    rows = list(items)
    return pd.DataFrame({
        t("ws.col.version", lang): [d.version for d in rows],
        t("ws.col.created", lang): [_when(d.created) for d in rows],
        t("ws.col.author", lang): [d.author for d in rows],
        t("ws.col.file", lang): [d.file_name for d in rows],
        t("ws.col.origin", lang): [d.origin for d in rows],
    })


def history_table(entries: Iterable[AuditEntry], *, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The audit log, newest first: when, who, action, dataset and version, file, origin."""
    rows = list(entries)[::-1]
    return pd.DataFrame({
        t("ws.col.created", lang): [_when(e.at) for e in rows],
        t("ws.col.author", lang): [e.who for e in rows],
        t("ws.col.action", lang): [e.action for e in rows],
        t("ws.col.name", lang): [f"{e.name} v{e.version}" if e.version else e.name for e in rows],
        t("ws.col.file", lang): [e.file_name for e in rows],
        t("ws.col.origin", lang): [e.origin for e in rows],
    })
