"""Speed a planner feels, measured in headless Chromium against a real ``streamlit run app.py``.

Prints, for the default Lạng Sơn map:

- **first map after a fresh install**: a fresh clone of the repository (no boundary cache, no Streamlit
  cache), server started, page opened, until the map has drawn and the app is idle;
- **page switch**: each sidebar page opened from another, until the app is idle (median and worst);
- **indicator redraw**: another indicator chosen on the Map page, until the map is drawn again.

Targets (issue 12): page switch ≤ 1.5 s, redraw ≤ 1 s, first map ≤ 5 s. Nothing is asserted here;
the figures go into the README.

Run from the repository root: ``python bench/app_speed.py [--rounds 3]``; ``--baseline REV`` instead times only
the first map after a fresh install of REV and of this version, alternately, and prints their ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, map_frame, wait_idle  # noqa: E402

MAP_READY = "() => [...document.querySelectorAll('iframe')].some(f => { try { const d = f.contentDocument;" \
            " return d && (d.querySelector('path.leaflet-interactive') || d.querySelector('canvas')); }" \
            " catch (e) { return false; } })"


@contextlib.contextmanager
def server(folder: Path):
    port = free_port()
    cache = tempfile.mkdtemp(prefix="geo-bench-cache-")  # outside the repository, removed after
    env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "XDG_CACHE_HOME": cache}  # no boundary cache from an earlier install either
    env.pop("GEO_STRICT_I18N", None)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import urllib.request
        deadline = time.time() + 120
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                    break
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(cache, ignore_errors=True)


def _idle(page, timeout=180.0):
    page.wait_for_timeout(150)  # let the rerun start
    wait_idle(page, timeout=timeout, settle=0.3)


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"first_map": [], "switch": [], "redraw": [], "by_page": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(MAP_READY, timeout=300_000, polling=100)
        out["first_map"].append(time.perf_counter() - start)
        _idle(page)
        links = [a.get_attribute("href") for a in page.locator('[data-testid="stSidebarNav"] a').all()]
        for _ in range(rounds):
            for href in links[1:] + links[:1]:
                start = time.perf_counter()
                page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first.click()
                _idle(page)
                out["switch"].append(time.perf_counter() - start)
                out["by_page"].setdefault(href.rsplit("/", 1)[-1] or "home", []).append(out["switch"][-1])
        for i in range(rounds * 2):
            frame = map_frame(page)
            before = frame.evaluate("(window.GeoMap && GeoMap.renders) || 0")
            box = page.get_by_role("combobox", name="Chỉ tiêu")
            box.click()
            page.wait_for_timeout(300)
            page.keyboard.press("ArrowDown" if i % 2 == 0 else "ArrowUp")  # the next indicator, then back
            start = time.perf_counter()
            page.keyboard.press("Enter")
            frame.wait_for_function(f"(window.GeoMap && GeoMap.renders) > {before}", timeout=120_000, polling=50)
            out["redraw"].append(time.perf_counter() - start)
            _idle(page)
        browser.close()
    return out


def first_map(folder: Path) -> float:
    """Seconds from opening the page to the first map, on a fresh server over ``folder``."""
    from playwright.sync_api import sync_playwright

    with server(folder) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(MAP_READY, timeout=300_000, polling=100)
        took = time.perf_counter() - start
        browser.close()
    return took


def compare(baseline: str, times: int) -> None:
    """First map after a fresh install, this version against ``baseline`` (a git revision), alternately."""
    results: dict[str, list[float]] = {"baseline": [], "current": []}
    for _ in range(times):
        for name, rev in (("baseline", baseline), ("current", "HEAD")):
            with tempfile.TemporaryDirectory() as tmp:
                clone = Path(tmp) / "clone"
                subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
                subprocess.run(["git", "-C", str(clone), "checkout", "-q", rev], check=True)
                results[name].append(first_map(clone))
    base, cur = statistics.median(results["baseline"]), statistics.median(results["current"])
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"first map, fresh install: {baseline[:10]} median {base:.2f} s, this version {cur:.2f} s, "
          f"ratio {cur / base:.2f} over {times} alternated runs each")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline", help="git revision to compare the first map with (fresh installs, alternated)")
    args = ap.parse_args()
    if args.baseline:
        compare(args.baseline, args.rounds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        with server(clone) as url:
            fresh = measure(url, args.rounds)
        with server(clone) as url:  # second start: boundary cache built, Streamlit caches cold
            warm = measure(url, args.rounds)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"first map, fresh install:   {fresh['first_map'][0]:6.2f} s   (target ≤ 5 s)")
    print(f"first map, server restart:  {warm['first_map'][0]:6.2f} s")
    sw, rd = fresh["switch"] + warm["switch"], fresh["redraw"] + warm["redraw"]
    print(f"page switch: median {statistics.median(sw):.2f} s, worst {max(sw):.2f} s over {len(sw)}   (target ≤ 1.5 s)")
    print(f"indicator redraw: median {statistics.median(rd):.2f} s, worst {max(rd):.2f} s over {len(rd)}   (target ≤ 1 s)")
    pages = {name: fresh["by_page"].get(name, []) + warm["by_page"].get(name, []) for name in fresh["by_page"]}
    print("page switch by page (median s): " + ", ".join(
        f"{name} {statistics.median(times):.2f}" for name, times in sorted(pages.items(), key=lambda kv: -statistics.median(kv[1]))))


if __name__ == "__main__":
    main()
