"""Find a unit by typing its name, with or without diacritics.

"hoa binh" finds every Hòa Bình, each shown with its district, because four
communes of Lạng Sơn share that name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from geo.text.names import exact_key, fold_key, fold_text, fold_words, strip_type

__all__ = ["match_options", "search_units"]

MAX_RESULTS = 20


def search_units(units: pd.DataFrame, query: str, *, limit: int = MAX_RESULTS) -> pd.DataFrame:
    """Units whose name matches ``query``, best first.

    Parameters
    ----------
    units
        Frame with ``code`` and ``name`` (and optionally ``district_name``).
    query
        What the planner typed; case, diacritics and type prefixes are ignored.

    Returns
    -------
    DataFrame
        The matching rows of ``units`` plus ``label`` ("Xã Hòa Bình – Huyện Bình Gia")
        and ``score`` (3 exact, 2 same folded name, 1 prefix of a word, 0 substring).
    """
    q = (query or "").strip()
    if not q:
        return units.iloc[0:0].assign(label=pd.Series(dtype=str), score=pd.Series(dtype=int))
    q_exact, q_fold, q_text = exact_key(strip_type(q)), fold_key(q), fold_text(q)
    scores = []
    for name in units["name"]:
        short = strip_type(name)
        folded = fold_key(name)
        if exact_key(short) == q_exact:
            scores.append(3)
        elif folded == q_fold or fold_text(name) == q_text:
            scores.append(2)
        elif folded.startswith(q_fold) or any(fold_key(w).startswith(q_fold) for w in short.split()):
            scores.append(1)
        elif q_fold and q_fold in folded:
            scores.append(0)
        else:
            scores.append(-1)
    out = units.assign(score=scores)
    out = out[out["score"] >= 0]
    parent = out["district_name"] if "district_name" in out else pd.Series([None] * len(out), index=out.index)
    out = out.assign(label=[f"{n} – {p}" if isinstance(p, str) and p else n for n, p in zip(out["name"], parent)])
    return out.sort_values(["score", "name", "code"], ascending=[False, True, True], kind="stable").head(limit)


# Shorter queries only match at the start of a word ("ha" must not find "Lai Châu").
_MIN_INSIDE = 3
# A picker's label is "Name – Parent" or "Name (code)" or "Name (suggestion)": the name is what comes first.
_LABEL_TAIL = re.compile(r"\s+(?:[–—-]\s.*|\(.*\))$")


def _option_score(option: str, label: str, *, q_raw: str, q_exact: str, q_fold: str, q_text: str,
                  q_words: str) -> int:
    """How well one picker option answers the query; -1 when it does not."""
    name = _LABEL_TAIL.sub("", label).strip() or label
    if option == q_raw:
        return 5
    if exact_key(strip_type(name)) == q_exact or exact_key(name) == q_exact:
        return 4
    if fold_key(name) == q_fold or fold_text(strip_type(name)) == q_text or fold_text(name) == q_text:
        return 3
    name_words = fold_words(name)
    if q_words and (_starts_words(name_words, q_words) or option.startswith(q_raw)):
        return 2
    if len(q_text) >= _MIN_INSIDE and q_text in fold_text(label):
        return 1
    # "hoa binh binh gia": the first words start the name, the others the parent written after it.
    parent_words = fold_words(label[len(name):])
    words = q_words.split()
    for k in range(1, len(words)):
        if _starts_words(name_words, " ".join(words[:k])) and _starts_words(parent_words, " ".join(words[k:])):
            return 0
    return -1


def _starts_words(words: str, query: str) -> bool:
    """Whether ``query`` (folded words) starts at a word boundary of ``words``."""
    return f" {words} ".find(f" {query}") >= 0


def match_options(query: str, options: Sequence[str], labels: Mapping[str, str] | None = None) -> list[str]:
    """The options of a unit picker that answer what the planner typed, best first.

    Case, diacritics, spacing and type prefixes are ignored, so "thai binh" finds
    "Xã Thái Bình" and "lang son" finds "Tỉnh Lạng Sơn"; a code typed whole or
    in part finds its unit. Options answering equally well keep their given order
    (a caller's suggestions stay first).

    Parameters
    ----------
    query
        What the planner typed; empty keeps every option.
    options
        The picker's values (unit codes, or any keys); empty values ("none" choices) are skipped.
    labels
        The label shown for each option ("Xã Thái Bình – Huyện Đình Lập"); an option without one is its own label.

    Returns
    -------
    list of str
        Matching options, ranked: the code itself, the exact name, the name without diacritics,
        a word of the name starting with the query, the query anywhere in the label, then every
        typed word starting a word of the label.

    Examples
    --------
    >>> match_options("thai binh", ["06616", "06625"], {"06616": "Thị trấn Nông trường Thái Bình",
    ...                                                "06625": "Xã Thái Bình"})
    ['06625', '06616']
    """
    labels = labels or {}
    q_raw = (query or "").strip()
    if not q_raw:
        return [o for o in options]
    keys = {"q_raw": q_raw, "q_exact": exact_key(strip_type(q_raw)), "q_fold": fold_key(q_raw),
            "q_text": fold_text(q_raw), "q_words": fold_words(q_raw)}
    scored = []
    for position, option in enumerate(options):
        if option is None or option == "":
            continue
        score = _option_score(str(option), str(labels.get(option, option)), **keys)
        if score >= 0:
            scored.append((-score, position, option))
    return [option for _, _, option in sorted(scored)]
