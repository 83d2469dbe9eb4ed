"""The label measure of the print map (geo.render.printmap._text_width) against matplotlib's own text layout."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import get_hinting_flag
from matplotlib.font_manager import FontProperties, fontManager, get_font

from geo.render import printmap
from geo.units import registry

DPI = 300
POINT_PX = DPI / 72


def _laid_out_width(text: str, size: float, weight: str) -> float:
    """The inked width matplotlib's text layout (FT2Font.set_text, hinted as Agg draws it) gives one line."""
    prop = FontProperties(family="sans-serif", size=size, weight=weight)
    font = get_font(fontManager._find_fonts_by_props(prop))
    font.clear()
    font.set_size(prop.get_size_in_points(), DPI)
    font.set_text(text, 0.0, flags=get_hinting_flag())
    return font.get_width_height()[0] / 64.0


@pytest.mark.parametrize(("size", "weight"), [(4.8, "normal"), (6.0, "normal"), (7.5, "bold")])
def test_width_close_to_the_laid_out_line(size, weight):
    names = list(registry.units(level="commune", vintage="pre2025", province="20")["name"])
    assert len(names) == 194
    for name in names + [printmap._short_label(n) for n in names]:
        difference = printmap._text_width(name, size, weight, DPI) - _laid_out_width(name, size, weight)
        # Never narrower than the point of clear space a label keeps; never much wider (a label left out).
        assert -0.85 * POINT_PX < difference < 2 * POINT_PX, name


def test_width_adds_advances_and_kerning():
    one = printmap._text_width("V", 6.0, "normal", DPI)
    two = printmap._text_width("A", 6.0, "normal", DPI)
    # DejaVu Sans kerns "AV" together: the pair is narrower than its two glyphs.
    assert printmap._text_width("AV", 6.0, "normal", DPI) < one + two
    assert printmap._text_width("VV", 6.0, "normal", DPI) == pytest.approx(2 * one)
    assert printmap._text_width("", 6.0, "normal", DPI) == 0.0


def test_width_scales_with_size_and_resolution():
    base = printmap._text_width("Xã Hữu Kiên", 6.0, "normal", DPI)
    assert printmap._text_width("Xã Hữu Kiên", 12.0, "normal", DPI) == pytest.approx(2 * base, rel=1e-3)
    assert printmap._text_width("Xã Hữu Kiên", 6.0, "normal", DPI / 3) == pytest.approx(base / 3, rel=1e-3)
    assert printmap._text_width("Xã Hữu Kiên", 6.0, "bold", DPI) > base


def test_width_is_the_same_from_several_threads():
    from concurrent.futures import ThreadPoolExecutor

    names = list(registry.units(level="commune", vintage="pre2025", province="20")["name"])
    here = [printmap._text_width(n, 6.0, "normal", DPI) for n in names]
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda _: [printmap._text_width(n, 6.0, "normal", DPI) for n in names], range(8)))
    assert all(run == here for run in runs)
    assert len({key[3] for key in printmap._ADVANCES}) >= 2  # each thread measured with its own face


def test_faces_of_many_threads_are_not_kept_forever():
    import threading

    for _ in range(80):  # the app measures from a new thread on each rerun
        worker = threading.Thread(target=printmap._text_width, args=("Xã Hữu Kiên", 6.0, "normal", DPI))
        worker.start()
        worker.join()
    assert len(printmap._ADVANCES) <= 64
