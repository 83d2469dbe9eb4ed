"""Inside the app: the print-map PDF of a layer the app already holds (issue 15: ≤ 0.5 s).

The Annex page keeps the layer it was given (built once, cached by Streamlit) and, when the planner asks for a
file, calls ``geo.workflows.exports.export_bytes(layer, choices, "pdf", units=units)``; Streamlit caches the
bytes by the choices, so every new choice (a title, a subtitle, the paper) is one such call. This script builds
the same realistic layer as ``bench/export.py`` (Lạng Sơn's 194 communes at about 2,000 vertices each, EPSG:3405,
illustrative values) once, then times that library call in one process:

- **first PDF**: the first call after the layer is built (nothing drawn yet);
- **after the preview**: a PDF after the page's preview (``exports.preview_png``) was drawn;
- **new title**: the PDF again with another title each time (median of ``runs``), written when asked;
- **as the page does it**: with another title each time, the page's preview is drawn and the PDF of that page
  is written ahead (``exports.prefetch``, what the Annex page calls once its preview is shown); the planner
  asks for it ``READ_S`` seconds later (looking at the preview and moving to the button take at least that),
  and the time from the ask to the bytes is measured (median of ``runs``), the case the target is about.
  Asked at once (0 s), the ask waits for the writing still under way.

Prints the seconds, the target and the load average. Run from the repository root:
``python bench/app_print.py [runs]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TARGET_S = 0.5
READ_S = 1.0  # seconds between the preview shown and the planner's click


def main() -> None:
    from export import layer_files

    from geo.workflows import exports
    from geo.workflows.layer import build_layer
    from geo.workflows.mapview import value_column

    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp_name:
        communes, _districts, values = layer_files(Path(tmp_name))
        layer = build_layer(boundaries=str(communes), table=str(values), province="20", level="commune",
                            vintage="pre2025")
    column = value_column(layer.indicators, "poor_rate", None)
    units = exports.annex_units(layer, "all")
    title, table_title = exports.default_titles(layer, column, "vi")

    def choices(n: int) -> exports.AnnexChoices:
        return exports.AnnexChoices(value_column=column, title=f"{title} ({n})", table_title=table_title,
                                    data_source=values.name, boundary_source=communes.name, illustrative=True)

    def timed(call) -> float:
        t0 = time.perf_counter()
        out = call()
        assert out[:4] in (b"%PDF", b"\x89PNG"), out[:8]
        return time.perf_counter() - t0

    first = timed(lambda: exports.export_bytes(layer, choices(0), "pdf", units=units))
    preview = timed(lambda: exports.preview_png(layer, choices(1), units))
    after_preview = timed(lambda: exports.export_bytes(layer, choices(1), "pdf", units=units))
    again = [timed(lambda n=n: exports.export_bytes(layer, choices(n), "pdf", units=units))
             for n in range(2, 2 + RUNS)]

    def ahead(n: int, wait: float) -> float:
        exports.preview_png(layer, choices(n), units)
        exports.prefetch(layer, choices(n), "pdf", units=units)
        time.sleep(wait)
        return timed(lambda: exports.export_bytes(layer, choices(n), "pdf", units=units))

    at_once = [ahead(n, 0.0) for n in range(100, 100 + RUNS)]
    written_ahead = [ahead(n, READ_S) for n in range(200, 200 + RUNS)]
    loads.append(os.getloadavg()[0])
    median = statistics.median(again)
    print(f"Annex page, PDF bytes of a layer the app holds: Lạng Sơn, {len(layer.gdf)} communes, real detail; "
          f"load average {min(loads):.1f}–{max(loads):.1f} on 2 cores")
    print(f"  first PDF after the layer is built  {first:6.2f} s")
    print(f"  preview PNG (page)                  {preview:6.2f} s")
    print(f"  PDF after the preview               {after_preview:6.2f} s")
    print(f"  PDF with a new title (median of {RUNS}) {median:6.2f} s   written when asked")
    print(f"  as the page does it, asked at once    {statistics.median(at_once):6.2f} s   (waits for the writing)")
    ask = statistics.median(written_ahead)
    print(f"  as the page does it, asked {READ_S:g} s after the preview (median of {RUNS}) {ask:6.2f} s   "
          f"target ≤ {TARGET_S:g} s: {'met' if ask <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
