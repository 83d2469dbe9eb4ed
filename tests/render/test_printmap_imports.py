"""Importing the print map leaves matplotlib working as documented (geo.render.printmap's import of its artists)."""

from __future__ import annotations

import inspect
import subprocess
import sys


def test_kwdoc_is_put_back_and_artists_keep_their_set_signature():
    import matplotlib.artist
    from matplotlib.lines import Line2D

    import geo.render.printmap as printmap

    assert matplotlib.artist.kwdoc is printmap._kwdoc
    assert "linewidth" in matplotlib.artist.kwdoc(Line2D)  # documentation built for anything imported later
    assert "linewidth" in inspect.signature(Line2D.set).parameters  # set(**properties) still checked by name


def test_a_fresh_process_draws_with_the_artists_imported_by_the_print_map():
    code = ("import geo.render.printmap as p, matplotlib.artist as a, matplotlib.text as t;"
            "assert a.kwdoc is p._kwdoc; f = p.Figure(); f.text(0, 0, 'Lạng Sơn').set(fontsize=9, color='red');"
            "print(t.Text.set.__doc__.splitlines()[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Set multiple properties at once."
