"""Charts for pages and annexes (matplotlib figures, no pyplot state)."""

from __future__ import annotations

import numpy as np

from geo import settings
from geo.analysis.coverage import Coverage
from geo.text.i18n import DEFAULT_LANG, format_number, t

__all__ = ["coverage_chart"]


def coverage_chart(cov: Coverage, *, lang: str = DEFAULT_LANG):
    """A horizontal bar chart by district: poor households inside and outside the selection.

    Returns a :class:`matplotlib.figure.Figure` (no pyplot state, safe in Streamlit).
    """
    from matplotlib.figure import Figure

    data = cov.by_district.iloc[::-1]
    names = [str(n) if isinstance(n, str) else str(c) for n, c in zip(data["district_name"], data["district_code"])]
    covered = data["poor_covered"].fillna(0).to_numpy()
    outside = (data["poor_total"] - data["poor_covered"]).fillna(0).to_numpy()
    fig = Figure(figsize=(8, 0.45 * max(len(data), 3) + 1.5), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(names, covered, color=settings.COVERAGE_COLORS[0], label=t("coverage.covered", lang))
    ax.barh(names, outside, left=covered, color=settings.COVERAGE_COLORS[1], label=t("coverage.outside", lang))
    for y, (c, o) in enumerate(zip(covered, outside)):
        if c + o > 0:
            ax.text(c + o, y, " " + format_number(c, 0, lang), va="center", fontsize=8)
    share = cov.total["poor_share_pct"].iloc[0] if len(cov.total) else np.nan
    ax.set_title(t("coverage.title", lang, share=format_number(share, 1, lang)))
    ax.set_xlabel(t("coverage.axis", lang))
    ax.xaxis.set_major_formatter(lambda v, _pos: format_number(v, 0, lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
