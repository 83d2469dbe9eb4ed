"""The Map page's national view ("Toàn quốc"), measured in headless Chromium against a real ``streamlit run app.py``.

For each vintage and level of the whole country (pre2025: province, district, commune; 2025: province, commune):
the seconds from the click on the level to the map drawn with every unit (``GeoMap.count`` equal to the
registry's units), and then to the app idle. Two passes on one server: the first pass may prepare the web
geometry of a layer never shown on this machine (kept on disk afterwards, see ``geo.render.webmap.web_geometry``),
the second is what a planner gets on any later visit and after a restart. Target (issue 15): the national map
drawn ≤ 3 s after it is chosen. Also prints the load average, since the machine is shared.

**Restyle** (``--restyle``, also run by default after the passes): on an illustrative national commune table
(generated with :func:`geo.workflows.samples.sample_commune_table` for every province, *số liệu minh họa*, put in a
fresh workspace like a planner's earlier upload and chosen in the dataset box), the indicator, the number of classes and the palette are changed on a
province's commune map (Lạng Sơn, 194 communes) and on the national commune map (10,035). For each change: the
seconds from the last key press to the map recoloured (``GeoMap.fills()`` changed), and what the websocket brought
for it until the app was idle (Playwright ``framereceived``: the payload as the page gets it, after
permessage-deflate; "deflated" is each frame compressed on its own with zlib, an upper bound of what travels with
Streamlit's websocket compression on). Targets (issue 15): a restyle ≤ 0.5 s nationally and ≤ 0.3 s for a
province, sending ≤ 100 KB, and no geometry.

With ``--rounds N`` each change is made N times on each map (forth and back) and the median is printed too: the
machine is shared. Before the first restyle the script waits until the server is idle: its first minute prepares
the national layers in a background thread (a one-time cost of a new server, not a restyle's).

Run from the repository root: ``python bench/national.py [--draw] [--restyle] [--rounds N] [--fresh]``; ``--fresh`` runs the
server on a fresh clone of the repository (no boundary or web-geometry cache on disk).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.text.i18n import t  # noqa: E402
from geo.units import registry  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, radio as _click_radio, select, wait_idle  # noqa: E402
from bench.app_speed import server  # noqa: E402

TARGET_S = 3.0
RESTYLE_TARGET_S = {"national": 0.5, "province": 0.3}
RESTYLE_TARGET_BYTES = 100_000
GEOMETRY_MARK = b'\\"levels\\"'  # the arcs' key, inside the component's JSON arguments
VINTAGE_LABEL = {v: t(f"ui.vintage.{v}", "vi") for v in registry.VINTAGES}
LEVEL_LABEL = {lv: t(f"ui.level.{lv}", "vi") for lv in ("province", "district", "commune")}


def radio(page, group: str, option: str, timeout: float = 30.0) -> None:
    """:func:`tests.browser.radio` once the group is shown once: the level box of the view before (a province's)
    can stay a moment, faded, after the app is idle."""
    boxes = page.locator('[data-testid="stRadio"]').filter(has_text=group)
    t0 = time.perf_counter()
    while boxes.count() > 1 and time.perf_counter() - t0 < timeout:
        time.sleep(0.1)
    _click_radio(page, group, option)


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


def draw_passes(page) -> list[tuple]:
    """Both vintages and every level of the whole country, twice; rows of (pass, vintage, level, units, drawn s,
    idle s, load)."""
    rows = []
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
    return rows


def national_table(folder: Path) -> Path:
    """ILLUSTRATIVE figures for every pre-2025 commune (số liệu minh họa), as a planner's CSV."""
    import pandas as pd

    from geo.workflows.samples import sample_commune_table

    provinces = registry.provinces("pre2025")["code"].tolist()
    table = pd.concat([sample_commune_table(province=p, seed=int(p)) for p in provinces], ignore_index=True)
    out = table[["code", "name", "district_name", "households", "poor", "poor_rate", "near_poor", "near_poor_rate"]]
    out.columns = ["Mã xã", "Tên đơn vị", "Huyện", "Tổng số hộ năm 2024", "Số hộ nghèo năm 2024",
                   "Tỷ lệ hộ nghèo năm 2024 (%)", "Số hộ cận nghèo năm 2024", "Tỷ lệ hộ cận nghèo năm 2024 (%)"]
    path = folder / "xa_toan_quoc_minh_hoa.csv"
    out.to_csv(path, index=False)
    return path


def _map_frame(page, timeout: float = 120.0):
    """The frame of the map; waited for, since Streamlit may be replacing it (a reloaded frame asks for its
    geometry again)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        for frame in page.frames:
            try:
                if frame.evaluate("window.GeoMap && GeoMap.count || 0"):
                    return frame
            except Exception:
                continue
        time.sleep(0.05)
    raise AssertionError("no map")


def _combobox_next(page, label: str, key: str = "ArrowDown"):
    """Open the selectbox ``label`` and move to the next option (``ArrowUp``: the one before); return the key press
    that chooses it."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.wait_for_timeout(400)
    page.keyboard.press(key)
    page.wait_for_timeout(200)
    return lambda: page.keyboard.press("Enter")


def _slider_step(page, label: str, key: str):
    thumb = page.get_by_role("slider", name=label)
    thumb.focus()
    page.wait_for_timeout(200)
    return lambda: page.keyboard.press(key)


def restyles(page, frames: list[bytes], area: str, rounds: int = 1) -> list[tuple]:
    """Indicator, classes and palette changed once each on the map shown; rows of (area, change, units, s, bytes,
    deflated bytes, geometry sent, load)."""
    rows = []
    changes = []
    for r in range(rounds):  # forth, then back: every change is a real one
        forth = r % 2 == 0
        changes += [("indicator", lambda f=forth: _combobox_next(page, "Chỉ tiêu", "ArrowDown" if f else "ArrowUp")),
                    ("classes", lambda f=forth: _slider_step(page, "Số lớp", "ArrowRight" if f else "ArrowLeft")),
                    ("palette", lambda f=forth: _combobox_next(page, "Bảng màu", "ArrowDown" if f else "ArrowUp"))]
    for name, prepare in changes:
        wait_idle(page, timeout=300)
        frame = _map_frame(page)
        n = _count(page)
        fills = frame.evaluate("GeoMap.fills().join()")
        press = prepare()
        frames.clear()
        t0 = time.perf_counter()
        press()
        while True:
            try:
                if frame.evaluate("GeoMap.fills().join()") != fills:
                    break
            except Exception:  # the map's frame was replaced (Streamlit redrew the element): read the new one
                frame = _map_frame(page)
            if time.perf_counter() - t0 > 120:
                raise AssertionError(f"{area} {name}: the map was never recoloured")
            time.sleep(0.02)
        took = time.perf_counter() - t0
        wait_idle(page, timeout=300)
        got = list(frames)
        deflated = sum(len(zlib.compress(f, 6)) - 6 for f in got)  # raw deflate size of each frame on its own
        rows.append((area, name, n, took, sum(len(f) for f in got), deflated, any(GEOMETRY_MARK in f for f in got),
                     os.getloadavg()[0]))
    return rows


def add_to_workspace(table: Path, workspace: Path) -> None:
    """The table into a fresh workspace (``python -m geo workspace add``), as a planner's earlier upload: the
    Data page would first join its 10,035 rows to Lạng Sơn, minutes on a busy machine, which is not measured here."""
    subprocess.run([sys.executable, "-m", "geo", "workspace", "add", str(table), "--workspace", str(workspace),
                    "--kind", "table", "--province", "20", "--level", "commune", "--vintage", "pre2025",
                    "--user", "bench"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def _server_cpu(port: str) -> float | None:
    """CPU seconds (user + system) the Streamlit server on ``port`` has used, from /proc (None: not found)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" not in b" ".join(argv) or port.encode() not in argv:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def wait_server_quiet(url: str, *, timeout: float = 180.0) -> float:
    """Wait until the server is idle (under 5 % of a core over 2 s): its first minute prepares the national
    layers in a background thread (geo.workflows.warmup), a one-time cost that is not a restyle's. Returns the
    seconds waited."""
    from urllib.parse import urlparse

    port, t0 = str(urlparse(url).port), time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        before = _server_cpu(port)
        time.sleep(2.0)
        after = _server_cpu(port)
        if before is None or after is None or after - before < 0.1:
            break
    return time.perf_counter() - t0


def restyle_phase(page, frames: list[bytes], table: Path, rounds: int = 1) -> list[tuple]:
    select(page, "Tỉnh/thành phố", "Lạng Sơn (20)", typed="Lạng")
    wait_idle(page, timeout=300)
    radio(page, "Thời điểm", VINTAGE_LABEL["pre2025"])
    wait_idle(page, timeout=300)
    radio(page, "Cấp", LEVEL_LABEL["commune"])
    wait_idle(page, timeout=300)
    select(page, "Bộ số liệu", table.name)
    _wait_count(page, len(registry.units(province="20", level="commune", vintage="pre2025")))
    print(f"server idle (national warm-up done) after {wait_server_quiet(page.url):.1f} s more")
    rows = restyles(page, frames, "province", rounds)
    select(page, "Tỉnh/thành phố", "Toàn quốc", typed="Toàn")
    wait_idle(page, timeout=600)
    radio(page, "Cấp", LEVEL_LABEL["commune"])
    _wait_count(page, len(registry.units(level="commune", vintage="pre2025")))
    return rows + restyles(page, frames, "national", rounds)


def _bytes(payload) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode("utf-8", "surrogateescape")


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draw", action="store_true", help="only the national draw passes")
    ap.add_argument("--restyle", action="store_true", help="only the restyles")
    ap.add_argument("--rounds", type=int, default=1,
                    help="restyles of each kind on each map (back and forth); the median is printed too")
    ap.add_argument("--fresh", action="store_true", help="on a fresh clone: no boundary or web-geometry cache")
    args = ap.parse_args()
    do_draw, do_restyle = (args.draw or not args.restyle), (args.restyle or not args.draw)
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    rows, rrows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = ROOT
        if args.fresh:
            folder = Path(tmp) / "clone"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(folder)], check=True)
        table = national_table(Path(tmp)) if do_restyle else None
        os.environ["GEO_WORKSPACE"] = str(Path(tmp) / "kho")  # the server's workspace: fresh, with the table
        if table is not None:
            add_to_workspace(table, Path(tmp) / "kho")
        with server(folder) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            frames: list[bytes] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(_bytes(p))))
            t0 = time.perf_counter()
            page.goto(url + "/")
            _wait_count(page, 11)
            print(f"first map (Lạng Sơn) {time.perf_counter() - t0:.2f} s after the page was opened")
            wait_idle(page, timeout=120)
            if do_draw:
                rows = draw_passes(page)
            if do_restyle:
                rrows = restyle_phase(page, frames, table, args.rounds)
            browser.close()
    if rows:
        print(f"{'pass':>4} {'vintage':>8} {'level':>9} {'units':>6} {'drawn s':>8} {'idle s':>7} {'load':>5}  "
              f"target ≤ {TARGET_S} s")
    for rnd, vintage, level, n, drawn, idle, load in rows:
        flag = "met" if drawn <= TARGET_S else "NOT met"
        print(f"{rnd:>4} {vintage:>8} {level:>9} {n:>6} {drawn:>8.2f} {idle:>7.2f} {load:>5.1f}  {flag}")
    if rrows:
        print(f"{'area':>8} {'change':>9} {'units':>6} {'s':>6} {'KB':>7} {'deflated KB':>11} {'geometry':>8} "
              f"{'load':>5}  target ≤ {RESTYLE_TARGET_S['national']} s national, ≤ {RESTYLE_TARGET_S['province']} s "
              f"province, ≤ {RESTYLE_TARGET_BYTES // 1000} KB, no geometry")
    for area, name, n, took, size, deflated, geometry, load in rrows:
        met = took <= RESTYLE_TARGET_S[area] and deflated <= RESTYLE_TARGET_BYTES and not geometry
        print(f"{area:>8} {name:>9} {n:>6} {took:>6.2f} {size / 1000:>7.1f} {deflated / 1000:>11.1f} "
              f"{'yes' if geometry else 'no':>8} {load:>5.1f}  {'met' if met else 'NOT met'}")
    if rrows and args.rounds > 1:
        import statistics

        print(f"median of {args.rounds}:")
        for area in ("province", "national"):
            for change in ("indicator", "classes", "palette"):
                got = [r for r in rrows if r[0] == area and r[1] == change]
                took = statistics.median(r[3] for r in got)
                worst = max(r[5] for r in got)
                met = took <= RESTYLE_TARGET_S[area] and worst <= RESTYLE_TARGET_BYTES and not any(r[6] for r in got)
                print(f"{area:>8} {change:>9} {got[0][2]:>6} {took:>6.2f} s (min {min(r[3] for r in got):.2f}, "
                      f"max {max(r[3] for r in got):.2f}), deflated ≤ {worst / 1000:.1f} KB, load "
                      f"{min(r[7] for r in got):.1f}-{max(r[7] for r in got):.1f}  {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
