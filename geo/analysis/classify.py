"""Choropleth classes and their colours.

One entry point, :func:`classify`, turns a column of numbers into a
:class:`Classification`: upper bounds of the classes (``bins``), the class of
every value (``yb``, ``-1`` for missing) and the count per class. Missing
values are their own class, "Không có dữ liệu" / "No data", drawn in
:data:`geo.settings.NO_DATA_COLOR` and listed last in the legend; they are
never folded into the lowest class.

The arithmetic is mapclassify's (quantiles, equal intervals, in numpy); Fisher-Jenks is
the same optimum computed with numpy, so that it is exact and fast for a province. Colours are ColorBrewer's sequential
schemes (Cynthia Brewer, colorbrewer2.org, Apache-2.0), read at import from
the copy that ships with branca, one hand-made list per class count 3–7.

>>> rates = [0.18, 8.51, 16.22, 7.76, 6.64, 12.06, 8.92, 6.56, 6.38, 11.62, 12.26, None]
>>> c = classify(rates, scheme="manual", bins=[6.38, 8.51, 12.06])
>>> c.legend_labels("vi")
['0,18 – 6,38', '6,38 – 8,51', '8,51 – 12,06', '12,06 – 16,22', 'Không có dữ liệu']
>>> c.yb.tolist(), c.counts
([0, 1, 3, 1, 1, 2, 2, 1, 0, 2, 3, -1], (2, 4, 3, 2))
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from geo import settings
from geo._errors import GeoError
from geo.text.i18n import DEFAULT_LANG, format_number, t

__all__ = [
    "SCHEMES",
    "PALETTES",
    "MISSING_CLASS",
    "Classification",
    "classify",
    "classify_together",
    "colors_for",
    "palette",
]

SCHEMES = settings.CLASS_SCHEMES
MISSING_CLASS = -1  # class index of a missing value
RANGE_SEPARATOR = " – "  # en dash between the bounds of a legend range


def _load_palettes() -> dict[str, dict[int, tuple[str, ...]]]:
    """ColorBrewer lists for ``settings.SEQUENTIAL_PALETTES`` and k = MIN_K..MAX_K.

    branca ships colorbrewer2.org's own per-k lists as ``<Name>_<kk>``; they
    are not subsets of each other (YlOrRd-3 starts at #ffeda0, YlOrRd-5 at
    #ffffb2), so each k gets its own list and nothing is interpolated.
    """
    # Found without importing branca (its __init__ loads its colormap module and jinja2: ~0.3 s an annex
    # command does not need).
    spec = importlib.util.find_spec("branca")
    folder = Path(list(spec.submodule_search_locations)[0]) if spec and spec.submodule_search_locations else None
    source = folder / "_schemes.json" if folder else resources.files("branca").joinpath("_schemes.json")
    raw = json.loads(source.read_text(encoding="utf-8"))
    out: dict[str, dict[int, tuple[str, ...]]] = {}
    for name in settings.SEQUENTIAL_PALETTES:
        out[name] = {k: tuple(c.lower() for c in raw[f"{name}_{k:02d}"]) for k in range(settings.MIN_K, settings.MAX_K + 1)}
    for name in settings.DIVERGING_PALETTES:  # "RdBu_r": RdBu read backwards
        stem, reverse = (name[:-2], True) if name.endswith("_r") else (name, False)
        out[name] = {k: tuple(c.lower() for c in (raw[f"{stem}_{k:02d}"][::-1] if reverse else raw[f"{stem}_{k:02d}"]))
                     for k in range(settings.MIN_K, settings.MAX_K + 1)}
    return out


PALETTES: dict[str, dict[int, tuple[str, ...]]] = _load_palettes()


@dataclass(frozen=True, eq=False)
class Classification:
    """Classes of one column of values.

    Attributes
    ----------
    scheme
        One of :data:`SCHEMES`.
    k
        Number of data classes actually formed; below the requested ``k`` when
        the data have fewer distinct values (0 when every value is missing).
    k_requested
        The ``k`` that was asked for (for manual bins: the number of bins given).
    bins
        Upper bound of each class, ascending; a value ``v`` is in class ``j``
        when ``bins[j-1] < v <= bins[j]``.
    lower
        Lower bound of the first class (the smallest value).
    yb
        Class index of every input value, in input order; ``-1`` when missing.
    counts
        Number of values per class, aligned with ``bins``.
    n_missing
        Number of missing values (NaN, None, ±inf).
    """

    scheme: str
    k: int
    k_requested: int
    bins: tuple[float, ...]
    lower: float
    yb: np.ndarray = field(repr=False)
    counts: tuple[int, ...]
    n_missing: int

    def ranges(self) -> list[tuple[float, float]]:
        """(lower, upper) bounds of each class."""
        lows = (self.lower, *self.bins[:-1])
        return list(zip(lows, self.bins))

    def legend_labels(
        self, lang: str = DEFAULT_LANG, decimals: int = settings.LEGEND_DECIMALS, *, no_data: bool = True
    ) -> list[str]:
        """Class ranges as the readers of ``lang`` write them, then the no-data class.

        ``"8,51 – 12,06"`` in Vietnamese, ``"8.51 – 12.06"`` in English; a
        class holding one value shows that value alone. The
        "no data" label is appended when ``no_data`` is true and at least one
        value is missing.
        """
        labels = []
        for lo, hi in self.ranges():
            low, high = format_number(lo, decimals, lang), format_number(hi, decimals, lang)
            labels.append(high if low == high else f"{low}{RANGE_SEPARATOR}{high}")
        if no_data and self.n_missing:
            labels.append(t("no_data", lang))
        return labels


def classify(
    values,
    *,
    scheme: str = settings.DEFAULT_SCHEME,
    k: int = settings.DEFAULT_K,
    bins=None,
    column: str | None = None,
) -> Classification:
    """Classify values for a choropleth map.

    Parameters
    ----------
    values
        Numbers (list, array or Series); None, NaN and ±inf count as missing.
    scheme
        ``"quantiles"`` (equal counts), ``"fisher_jenks"`` (natural breaks,
        exact up to :data:`geo.settings.FISHER_JENKS_MAX_N` values and on an
        evenly spaced sample of the sorted values above that, so it is
        deterministic), ``"equal_interval"`` or ``"manual"`` (give ``bins``).
    k
        Number of classes, from :data:`geo.settings.MIN_K` to ``MAX_K``.
        Ignored for ``"manual"``.
    bins
        For ``"manual"``: increasing upper bounds. A class up to the largest
        value is added when the last bound is below it.
    column
        Name used in error messages.

    Raises
    ------
    GeoError
        ``unknown_scheme``, ``classes_out_of_range``, ``bins_invalid``,
        ``values_not_numeric``.
    """
    if scheme not in SCHEMES:
        raise GeoError("unknown_scheme", scheme=scheme, allowed=", ".join(SCHEMES))
    y = _as_float(values, column)
    missing = ~np.isfinite(y)
    yv = y[~missing]
    if scheme == "manual":
        upper = _manual_bins(bins, yv)
        k_requested = len(upper)
    else:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not settings.MIN_K <= k <= settings.MAX_K:
            raise GeoError("classes_out_of_range", k=k, min_k=settings.MIN_K, max_k=settings.MAX_K)
        k_requested = int(k)
        upper = _scheme_bins(scheme, yv, k_requested)

    yb = np.full(len(y), MISSING_CLASS, dtype=np.int16)
    if len(upper):
        # side="left": v == bins[j] belongs to class j (upper bounds are inclusive).
        yb[~missing] = np.minimum(np.searchsorted(np.asarray(upper), yv, side="left"), len(upper) - 1)
    counts = tuple(int((yb == j).sum()) for j in range(len(upper)))
    lower = float(yv.min()) if len(yv) else float("nan")
    if len(upper):
        lower = min(lower, upper[0])
    return Classification(
        scheme=scheme,
        k=len(upper),
        k_requested=k_requested,
        bins=tuple(float(b) for b in upper),
        lower=lower,
        yb=yb,
        counts=counts,
        n_missing=int(missing.sum()),
    )


def classify_together(
    value_sets,
    *,
    scheme: str = settings.DEFAULT_SCHEME,
    k: int = settings.DEFAULT_K,
    bins=None,
    column: str | None = None,
) -> list[Classification]:
    """Classify several sets of values on the same classes, so colours compare between maps.

    The class bounds are those of :func:`classify` on all the values pooled
    (e.g. the 194 old communes and the 65 new ones side by side); each set then
    gets its own ``yb``, ``counts`` and ``n_missing`` on those bounds, and the
    same ``lower``, so the legends of the maps are identical.

    >>> old, new = [1, 2, 3, 4], [2, 8]
    >>> a, b = classify_together([old, new], scheme="manual", bins=[2, 4])
    >>> a.bins == b.bins, a.counts, b.counts
    (True, (2, 2, 0), (1, 0, 1))
    """
    value_sets = list(value_sets)
    arrays = [_as_float(v, column) for v in value_sets]
    pooled = classify(np.concatenate(arrays) if arrays else np.array([], dtype=float), scheme=scheme, k=k,
                      bins=bins, column=column)
    upper = np.asarray(pooled.bins)
    out = []
    for y in arrays:
        missing = ~np.isfinite(y)
        yb = np.full(len(y), MISSING_CLASS, dtype=np.int16)
        if len(upper):
            yb[~missing] = np.minimum(np.searchsorted(upper, y[~missing], side="left"), len(upper) - 1)
        out.append(Classification(
            scheme=pooled.scheme, k=pooled.k, k_requested=pooled.k_requested, bins=pooled.bins, lower=pooled.lower,
            yb=yb, counts=tuple(int((yb == j).sum()) for j in range(len(upper))), n_missing=int(missing.sum()),
        ))
    return out


def _as_float(values, column: str | None) -> np.ndarray:
    series = pd.Series(values, dtype="object") if not isinstance(values, pd.Series) else values
    try:
        return pd.to_numeric(series, errors="raise").astype("float64").to_numpy(copy=True)
    except (ValueError, TypeError):
        coerced = pd.to_numeric(series, errors="coerce")
        bad = series[coerced.isna() & series.notna()]
        example = bad.iloc[0] if len(bad) else "?"
        raise GeoError("values_not_numeric", column=column or "?", example=example) from None


def _manual_bins(bins, yv: np.ndarray) -> list[float]:
    try:
        upper = [float(b) for b in bins]
    except (TypeError, ValueError):
        raise GeoError("bins_invalid", bins=bins) from None
    if not upper or not all(np.isfinite(upper)) or any(b >= c for b, c in zip(upper, upper[1:])):
        raise GeoError("bins_invalid", bins=bins)
    if len(yv) and upper[-1] < yv.max():
        upper.append(float(yv.max()))
    if len(upper) > settings.MAX_K:
        raise GeoError("classes_out_of_range", k=len(upper), min_k=1, max_k=settings.MAX_K)
    return upper


def _scheme_bins(scheme: str, yv: np.ndarray, k: int) -> list[float]:
    """Upper bounds; fewer than k when there are fewer distinct values.

    Quantiles and equal intervals are mapclassify's arithmetic written with
    numpy: importing mapclassify pulls in scipy.stats, which costs more than
    a print map's drawing (tests check the bins are identical).
    """
    unique = np.unique(yv)
    if len(unique) == 0:
        return []
    if len(unique) <= k:
        # One class per distinct value: the only honest answer.
        return unique.tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed", "not enough unique values"
        if scheme == "quantiles":
            step = 100.0 / k
            upper = np.percentile(yv, np.minimum(np.arange(step, 100 + step, step), 100.0))
        elif scheme == "equal_interval":
            lo, hi = float(yv.min()), float(yv.max())
            width = (hi - lo) / k
            upper = np.arange(lo + width, hi + width, width)[:k]
            upper[-1] = hi
        else:
            sample = np.sort(yv)
            if len(sample) > settings.FISHER_JENKS_MAX_N:
                idx = np.linspace(0, len(sample) - 1, settings.FISHER_JENKS_MAX_N).round().astype(int)
                sample = sample[idx]
            if len(np.unique(sample)) < k:
                sample = unique
            upper = _fisher_jenks(sample, k)
    upper = np.unique(np.asarray(upper, dtype=float))  # quantiles of tied data can repeat
    upper[-1] = max(upper[-1], float(yv.max()))
    return upper.tolist()


def _fisher_jenks(sorted_values: np.ndarray, k: int) -> list[float]:
    """Fisher's optimal partition of sorted values into k classes (least squared deviation).

    The dynamic programme of Fisher (1958), as in mapclassify.FisherJenks
    (which is pure Python without numba: seconds for 1,000 values), with
    the inner minimum taken over a numpy matrix of class costs: O(k n²)
    operations but only k vector steps.
    """
    x = np.asarray(sorted_values, dtype="float64")
    n = len(x)
    s1 = np.concatenate(([0.0], np.cumsum(x)))
    s2 = np.concatenate(([0.0], np.cumsum(x * x)))
    j = np.arange(n)[:, None]  # first index of the last class
    i = np.arange(n)[None, :]  # last index of the last class
    size = np.where(i >= j, i - j + 1, 1)
    ssd = (s2[i + 1] - s2[j]) - (s1[i + 1] - s1[j]) ** 2 / size
    ssd = np.where(i >= j, np.maximum(ssd, 0.0), np.inf)  # ssd[j, i]: cost of one class x[j..i]
    cost = ssd[0].copy()  # best cost of x[0..i] in 1 class
    starts = []
    for _ in range(1, k):
        prev = np.concatenate(([np.inf], cost[:-1]))  # best cost of x[0..j-1] in one class fewer
        total = prev[:, None] + ssd
        best_j = np.argmin(total, axis=0)
        cost = total[best_j, np.arange(n)]
        starts.append(best_j)
    # Walk back from the last value: each class starts at starts[c][end].
    bounds, end = [], n - 1
    for best_j in reversed(starts):
        bounds.append(float(x[end]))
        end = int(best_j[end]) - 1
    bounds.append(float(x[end]))
    return sorted(bounds)


def palette(name: str, k: int) -> tuple[str, ...]:
    """ColorBrewer colours of palette ``name`` for ``k`` classes (1..MAX_K).

    For 1 or 2 classes (data with one or two distinct values) the colours are
    taken from the 3-class list, so they still read from light to dark.
    """
    if name not in PALETTES:
        raise GeoError("unknown_palette", palette=name, allowed=", ".join(PALETTES))
    if k < 1 or k > settings.MAX_K:
        raise GeoError("classes_out_of_range", k=k, min_k=1, max_k=settings.MAX_K)
    if k >= settings.MIN_K:
        return PALETTES[name][k]
    three = PALETTES[name][settings.MIN_K]
    return (three[1],) if k == 1 else (three[0], three[2])


def colors_for(classification: Classification, palette_name: str = settings.DEFAULT_PALETTE) -> np.ndarray:
    """Hex colour of every classified value; missing values get ``NO_DATA_COLOR``."""
    colours = np.array([*palette(palette_name, classification.k), settings.NO_DATA_COLOR]) if classification.k else np.array(
        [settings.NO_DATA_COLOR]
    )
    # yb == -1 indexes the last entry, the no-data colour.
    return colours[classification.yb]
