"""Classes, legend labels and colours (geo.analysis.classify)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import settings
from geo._errors import GeoError
from geo.analysis.classify import PALETTES, classify, colors_for, palette
from geo.text.i18n import ERRORS

# Poor household rates 2020 (%) of the 11 districts in the annex of seed 003 (Kế hoạch 78/KH-UBND, Lạng Sơn).
RATES_2020 = [0.18, 8.51, 16.22, 7.76, 6.64, 12.06, 8.92, 6.56, 6.38, 11.62, 12.26]


def _optimal_breaks(values: list[float], k: int) -> tuple[float, ...]:
    """Reference natural breaks by exhaustive search: the k-partition of the sorted values with least squared deviation."""
    x = sorted(values)
    best, best_cost = None, math.inf
    for cuts in itertools.combinations(range(1, len(x)), k - 1):
        groups = [x[a:b] for a, b in zip((0, *cuts), (*cuts, len(x)))]
        cost = sum(sum((v - sum(g) / len(g)) ** 2 for v in g) for g in groups)
        if cost < best_cost - 1e-12:
            best, best_cost = tuple(g[-1] for g in groups), cost
    return best


def test_quantiles_on_seed_rates():
    c = classify(RATES_2020, scheme="quantiles", k=5)
    assert c.k == 5
    assert c.bins == pytest.approx((6.56, 7.76, 8.92, 12.06, 16.22))
    assert c.counts == (3, 2, 2, 2, 2)
    assert c.yb.tolist() == [0, 2, 4, 1, 1, 3, 2, 0, 0, 3, 4]
    assert c.lower == 0.18
    assert c.legend_labels("vi") == ["0,18 – 6,56", "6,56 – 7,76", "7,76 – 8,92", "8,92 – 12,06", "12,06 – 16,22"]
    assert c.legend_labels("en")[3] == "8.92 – 12.06"


@pytest.mark.parametrize("k", [3, 4, 5])
def test_fisher_jenks_matches_exhaustive_optimum(k):
    c = classify(RATES_2020, scheme="fisher_jenks", k=k)
    assert c.bins == pytest.approx(_optimal_breaks(RATES_2020, k))
    assert sum(c.counts) == len(RATES_2020)


def test_fisher_jenks_large_input_is_sampled_and_deterministic():
    values = np.random.default_rng(1).gamma(2, 4, 5000)
    a = classify(values, scheme="fisher_jenks", k=5)
    b = classify(values, scheme="fisher_jenks", k=5)
    assert a.bins == b.bins and a.k == 5
    assert a.bins[-1] == pytest.approx(values.max())
    assert sum(a.counts) == 5000


def test_equal_interval():
    c = classify(RATES_2020, scheme="equal_interval", k=5)
    step = (16.22 - 0.18) / 5
    assert c.bins == pytest.approx(tuple(0.18 + step * i for i in range(1, 6)))
    assert c.counts == (1, 2, 4, 3, 1)


def test_manual_bins_labels_in_both_languages():
    c = classify(RATES_2020, scheme="manual", bins=[6.38, 8.51, 12.06])
    # A last class up to the maximum is added; upper bounds are inclusive.
    assert c.bins == (6.38, 8.51, 12.06, 16.22)
    assert c.counts == (2, 4, 3, 2)
    assert c.legend_labels("vi") == ["0,18 – 6,38", "6,38 – 8,51", "8,51 – 12,06", "12,06 – 16,22"]
    assert c.legend_labels("en") == ["0.18 – 6.38", "6.38 – 8.51", "8.51 – 12.06", "12.06 – 16.22"]


def test_missing_values_form_their_own_class():
    values = [*RATES_2020, float("nan"), None, math.inf]
    c = classify(values, scheme="quantiles", k=5)
    assert c.n_missing == 3
    assert c.yb.tolist()[-3:] == [-1, -1, -1]
    assert c.counts == (3, 2, 2, 2, 2)  # same classes as without the missing values, nothing added to class 0
    assert c.legend_labels("vi")[-1] == "Không có dữ liệu"
    assert c.legend_labels("en")[-1] == "No data"
    assert len(c.legend_labels("vi")) == 6
    assert len(c.legend_labels("vi", no_data=False)) == 5


def test_fewer_unique_values_than_k():
    for scheme in ("quantiles", "fisher_jenks", "equal_interval"):
        c = classify([2.5, 2.5, 7.0, None, 7.0], scheme=scheme, k=5)
        assert (c.k, c.k_requested) == (2, 5)
        assert c.bins == (2.5, 7.0)
        assert c.yb.tolist() == [0, 0, 1, -1, 1]
        assert c.legend_labels("vi") == ["2,50", "2,50 – 7,00", "Không có dữ liệu"]


def test_all_missing():
    c = classify([None, float("nan")], k=5)
    assert c.k == 0 and c.bins == () and c.yb.tolist() == [-1, -1]
    assert c.legend_labels("en") == ["No data"]
    assert colors_for(c).tolist() == [settings.NO_DATA_COLOR] * 2


@pytest.mark.parametrize("k", [2, 8, 0, 5.0, True])
def test_k_out_of_range(k):
    with pytest.raises(GeoError) as err:
        classify(RATES_2020, k=k)
    assert err.value.code == "classes_out_of_range"
    assert "3" in err.value.message("vi") and "7" in err.value.message("en")


def test_bad_inputs():
    with pytest.raises(GeoError) as err:
        classify(RATES_2020, scheme="jenks")
    assert err.value.code == "unknown_scheme"
    with pytest.raises(GeoError) as err:
        classify(["8,51", "x"], column="Tỷ lệ")
    assert err.value.code == "values_not_numeric" and "Tỷ lệ" in err.value.message("vi")
    for bins in ([5, 3], [], None, [1, float("nan")]):
        with pytest.raises(GeoError) as err:
            classify(RATES_2020, scheme="manual", bins=bins)
        assert err.value.code == "bins_invalid"
    with pytest.raises(GeoError) as err:
        palette("Rainbow", 5)
    assert err.value.code == "unknown_palette"


def test_new_error_codes_are_translated():
    for code in ("classes_out_of_range", "unknown_scheme", "bins_invalid", "values_not_numeric", "unknown_palette",
                 "map_column_missing", "map_duplicate_codes", "assets_missing"):
        assert set(ERRORS[code]) == {"vi", "en"}


def test_palettes_are_colorbrewer():
    assert set(PALETTES) == set(settings.SEQUENTIAL_PALETTES) | set(settings.DIVERGING_PALETTES)
    # RdBu_r: colorbrewer2.org's RdBu read backwards (a fall in poverty is blue)
    assert PALETTES["RdBu_r"][7] == ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")
    for name, by_k in PALETTES.items():
        assert sorted(by_k) == list(range(settings.MIN_K, settings.MAX_K + 1))
        for k, colours in by_k.items():
            assert len(colours) == k and len(set(colours)) == k
            assert all(len(c) == 7 and c.startswith("#") for c in colours)
    # Reference values from colorbrewer2.org.
    assert PALETTES["YlOrRd"][5] == ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
    assert PALETTES["Blues"][3] == ("#deebf7", "#9ecae1", "#3182bd")
    assert PALETTES["Greens"][7][-1] == "#005a32"


def test_colors_for():
    c = classify([*RATES_2020, None], scheme="quantiles", k=5)
    colours = colors_for(c, "Reds").tolist()
    reds = PALETTES["Reds"][5]
    assert colours[0] == reds[0] and colours[2] == reds[4] and colours[-1] == settings.NO_DATA_COLOR
    two = colors_for(classify([1, 2, 2], k=3), "Reds").tolist()
    assert two == [PALETTES["Reds"][3][0], PALETTES["Reds"][3][2], PALETTES["Reds"][3][2]]


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval"])
@pytest.mark.parametrize("k", [3, 5, 7])
def test_numpy_bins_equal_mapclassify(scheme, k):
    import mapclassify

    rng = np.random.default_rng(k)
    values = np.concatenate([rng.gamma(2.0, 4.0, 997).round(2), [0.0, 0.0, 55.5]])
    ours = classify(pd.Series(values), scheme=scheme, k=k).bins
    ref = (mapclassify.Quantiles if scheme == "quantiles" else mapclassify.EqualInterval)(values, k=k).bins
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)


def test_classify_does_not_import_mapclassify():
    import subprocess
    import sys

    code = ("import sys, pandas as pd; from geo.analysis.classify import classify; "
            "classify(pd.Series([1.0, 2, 3, 4, 5, 6, 7]), scheme='quantiles', k=3); "
            "print('mapclassify' in sys.modules, 'scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["False", "False"]
