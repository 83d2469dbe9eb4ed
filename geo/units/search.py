"""Find a unit by typing its name, with or without diacritics.

"hoa binh" finds every Hòa Bình, each shown with its district, because four
communes of Lạng Sơn share that name.
"""

from __future__ import annotations

import pandas as pd

from geo.text.names import exact_key, fold_key, fold_text, strip_type

__all__ = ["search_units"]

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
