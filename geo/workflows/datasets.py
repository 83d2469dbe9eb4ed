"""Dataset ids the pages share: a built-in table (``builtin:<key>``) or an upload (``upload:<name>``).

The dataset box of every map page lists, for the current province, the built-in tables (titled in the
reader's language), the session's uploads and the workspace's tables; the meta and citation of the
chosen one come from here too, so the pages and a test read the same list.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.join.files import BUILTIN_INDICATORS

__all__ = ["BUILTIN_PREFIX", "UPLOAD_PREFIX", "DEFAULT_DATASET", "upload_name", "builtin_key", "dataset_options",
           "dataset_meta", "is_official"]

BUILTIN_PREFIX = "builtin:"
UPLOAD_PREFIX = "upload:"
DEFAULT_DATASET = BUILTIN_PREFIX + "langson_kh78_2021"


def upload_name(dataset: str) -> str | None:
    """The upload's name in an ``upload:<name>`` id, else None.

    Examples
    --------
    >>> upload_name("upload:xa.xlsx"), upload_name("builtin:langson_kh78_2021")
    ('xa.xlsx', None)
    """
    return dataset[len(UPLOAD_PREFIX):] if dataset.startswith(UPLOAD_PREFIX) else None


def builtin_key(dataset: str) -> str | None:
    """The built-in table's key in a ``builtin:<key>`` id, else None."""
    return dataset[len(BUILTIN_PREFIX):] if dataset.startswith(BUILTIN_PREFIX) else None


def dataset_options(*, province: str, lang: str, none_label: str, uploads: Iterable[str] = (),
                    workspace: Iterable[str] = ()) -> dict[str, str]:
    """Dataset id -> label: "none" first, the province's built-in tables, the uploads, then the workspace's.

    A workspace table with the name of an upload is listed once.

    Examples
    --------
    >>> list(dataset_options(province="20", lang="en", none_label="-", uploads=["a.csv"], workspace=["a.csv", "b.csv"]))
    ['', 'builtin:langson_kh78_2021', 'upload:a.csv', 'upload:b.csv']
    """
    out = {"": none_label}
    for key, meta in BUILTIN_INDICATORS.items():
        if meta["province"] == province:
            out[BUILTIN_PREFIX + key] = meta["title"][lang]
    for name in uploads:
        out[UPLOAD_PREFIX + name] = name
    for name in workspace:
        out.setdefault(UPLOAD_PREFIX + name, name)
    return out


def dataset_meta(dataset: str) -> dict | None:
    """The built-in table's description (file, province, level, title, citation...), None for an upload."""
    key = builtin_key(dataset or "")
    return BUILTIN_INDICATORS.get(key) if key is not None else None


def is_official(dataset: str) -> bool:
    """Built-in tables flagged official are cited official figures; uploads count as the planner's own official
    figures too (shown as theirs), so only a built-in table not flagged official is not.

    Examples
    --------
    >>> is_official("builtin:langson_kh78_2021"), is_official("upload:x.csv")
    (True, True)
    """
    meta = dataset_meta(dataset)
    return bool(meta.get("official")) if meta is not None else True
