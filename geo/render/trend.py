"""A unit's poverty rate across the years, with its target line: a small matplotlib chart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import settings
from geo.text.i18n import DEFAULT_LANG, format_number, t

__all__ = ["trend_figure", "TREND_SIZE_IN"]

TREND_SIZE_IN = (4.2, 2.6)  # small enough for the side column of a page
RATE_COLOR = "#08519c"
TARGET_COLOR = "#d7301f"


def trend_figure(trend: pd.DataFrame, *, title: str, lang: str = DEFAULT_LANG):
    """The chart of :func:`geo.analysis.progress.trend` (``year, rate, target, standard``).

    Results are a solid line with their values; targets are dashed red points joined to the previous result
    (the plan's path); a change of poverty standard between two years is a vertical dotted line.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=TREND_SIZE_IN)
    ax = fig.add_subplot(1, 1, 1)
    years = trend["year"].to_numpy()
    rate = trend["rate"].to_numpy(float)
    target = trend["target"].to_numpy(float)
    have = np.isfinite(rate)
    ax.plot(years[have], rate[have], marker="o", color=RATE_COLOR, label=t("progress.trend_rate", lang))
    for x, y in zip(years[have], rate[have]):
        ax.annotate(format_number(y, 2, lang), (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                    fontsize=7, color=RATE_COLOR, family=settings.PRINT_FONT)
    for i in np.flatnonzero(np.isfinite(target)):
        prev = [j for j in range(i) if have[j]]
        xs = [years[prev[-1]], years[i]] if prev else [years[i]]
        ys = [rate[prev[-1]], target[i]] if prev else [target[i]]
        ax.plot(xs, ys, linestyle="--", marker="s", color=TARGET_COLOR,
                label=t("progress.trend_target", lang) if i == np.flatnonzero(np.isfinite(target))[0] else None)
        ax.annotate(format_number(target[i], 2, lang), (years[i], target[i]), textcoords="offset points",
                    xytext=(0, -12), ha="center", fontsize=7, color=TARGET_COLOR, family=settings.PRINT_FONT)
    standards = trend["standard"].tolist()
    for i in range(1, len(standards)):
        if standards[i] != standards[i - 1]:
            ax.axvline((years[i] + years[i - 1]) / 2, color="#888888", linestyle=":", linewidth=1)
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel(t("progress.trend_rate", lang), fontsize=7, family=settings.PRINT_FONT)
    ax.set_title(title, fontsize=8.5, family=settings.PRINT_FONT)
    low = np.nanmin(np.r_[rate, target, 0.0]) if np.isfinite(np.r_[rate, target]).any() else 0.0
    high = np.nanmax(np.r_[rate, target]) if np.isfinite(np.r_[rate, target]).any() else 1.0
    ax.set_ylim(min(0.0, low), high * 1.2 + 0.1)
    ax.set_xlim(years.min() - 0.5, years.max() + 0.5) if len(years) else None
    ax.grid(axis="y", color="#eeeeee")
    ax.legend(fontsize=7, loc="upper right", frameon=False)
    fig.tight_layout()
    return fig
