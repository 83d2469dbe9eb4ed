"""The Map page's national view ("Toàn quốc"), measured in headless Chromium against a real ``streamlit run app.py``.

For each vintage and level of the whole country (pre2025: province, district, commune; 2025: province, commune):
the seconds from the click on the level to the map drawn with every unit (``GeoMap.count`` equal to the
registry's units), and then to the app idle. Two passes on one server: the first pass may prepare the web
geometry of a layer never shown on this machine (kept on disk afterwards, see ``geo.render.webmap.web_geometry``),
the second is what a planner gets on any later visit and after a restart. Target (issue 15): the national map
drawn ≤ 3 s after it is chosen. Also prints the load average, since the machine is shared.

Run from the repository root: ``python bench/national.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.text.i18n import t  # noqa: E402
from geo.units import registry  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, radio, select, wait_idle  # noqa: E402
from bench.app_speed import server  # noqa: E402

TARGET_S = 3.0
VINTAGE_LABEL = {v: t(f"ui.vintage.{v}", "vi") for v in registry.VINTAGES}
LEVEL_LABEL = {lv: t(f"ui.level.{lv}", "vi") for lv in ("province", "district", "commune")}


def _count(page) -> int:
    for frame in page.frames:
        try:
            n = frame.evaluate("window.GeoMap && GeoMap.count || 0")
        except Exception:
            continue
        if n:
            return int(n)
    return 0


def _wait_count(page, n: int, timeout: float = 300.0) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if _count(page) == n:
            return time.perf_counter() - t0
        time.sleep(0.05)
    raise AssertionError(f"map never showed {n} units (last {_count(page)})")


def main() -> None:
    from playwright.sync_api import sync_playwright

    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    rows = []
    with server(ROOT) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url + "/")
        _wait_count(page, 11)
        wait_idle(page, timeout=120)
        select(page, "Tỉnh/thành phố", "Toàn quốc", typed="Toàn")
        wait_idle(page, timeout=600)
        for rnd in (1, 2):
            for vintage in ("pre2025", "2025"):
                radio(page, "Thời điểm", VINTAGE_LABEL[vintage])
                wait_idle(page, timeout=600)
                for level in registry.LEVELS[vintage]:
                    n = len(registry.units(level=level, vintage=vintage))
                    if _count(page) == n:  # already shown (the level kept across the vintage switch): go round
                        other = next(lv for lv in registry.LEVELS[vintage] if lv != level)
                        radio(page, "Cấp", LEVEL_LABEL[other])
                        wait_idle(page, timeout=600)
                    t0 = time.perf_counter()
                    radio(page, "Cấp", LEVEL_LABEL[level])
                    drawn = _wait_count(page, n)
                    wait_idle(page, timeout=600)
                    rows.append((rnd, vintage, level, n, drawn, time.perf_counter() - t0, os.getloadavg()[0]))
        browser.close()
    print(f"{'pass':>4} {'vintage':>8} {'level':>9} {'units':>6} {'drawn s':>8} {'idle s':>7} {'load':>5}  target ≤ {TARGET_S} s")
    for rnd, vintage, level, n, drawn, idle, load in rows:
        flag = "met" if drawn <= TARGET_S else "NOT met"
        print(f"{rnd:>4} {vintage:>8} {level:>9} {n:>6} {drawn:>8.2f} {idle:>7.2f} {load:>5.1f}  {flag}")


if __name__ == "__main__":
    main()
