"""Load test: N browser sessions on one ``streamlit run app.py`` at once, each uploading its own table.

Per session it reports the *first-map time* (from opening the app to the Map page drawing that
session's own uploaded values on 11 Lạng Sơn districts: the values arrive in the map component's
arguments over the session's websocket, then the canvas reports 11 units drawn) and checks for
*cross-talk*: what the server sends a session's map must hold all 11 of its own values and none of
any other session's. Sessions 0 and 1 upload
a crafted pair of different files with the **same name and the same first 6 hex digits of SHA-256**
(the old upload key): before the fix the second was shown the first one's data. The server's
resident memory (RSS, sampled every 0.5 s) is reported too.

Every session's values are illustrative: poor rate of district k in session i is 40 + i + (k+1)/100.
Run from the repository root: ``python bench/load.py [sessions]`` (default 20; needs Debian chromium
and playwright, like the browser tests). The workspace and upload folders are temporary.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
KH78 = ROOT / "data" / "indicators" / "langson_districts_kh78_2021.csv"
TIMEOUT_MS = 600_000
TARGETS = {"median_first_map_s": 15.0, "worst_first_map_s": 30.0, "rss_gb": 1.5}


def table_bytes(session: int, *, blank_lines: int = 0) -> tuple[bytes, list[str]]:
    """The session's CSV (code, name, households, poor, poor rate) and the 11 values its map must show."""
    lines = KH78.read_text(encoding="utf-8").splitlines()
    out = ["code,name,households_2020,poor_2020,poor_rate_2020"]
    shown = []
    for k, line in enumerate(lines[1:]):
        cells = line.split(",")
        rate = 40 + session + (k + 1) / 100
        households = int(cells[2])
        out.append(f"{cells[0]},{cells[1]},{households},{round(households * rate / 100)},{rate:.2f}")
        shown.append(f"{rate:.2f}")
    return ("\n".join(out) + "\n" + "\n" * blank_lines).encode("utf-8"), shown


def colliding_pair() -> tuple[bytes, bytes, int]:
    """Two different tables (sessions 0 and 1) whose SHA-256 start with the same 6 hex digits."""
    seen: dict[str, int] = {}
    tries = 0
    for blanks in range(200_000):
        tries += 1
        a, _ = table_bytes(0, blank_lines=blanks)
        seen.setdefault(hashlib.sha256(a).hexdigest()[:6], blanks)
        b, _ = table_bytes(1, blank_lines=blanks)
        prefix = hashlib.sha256(b).hexdigest()[:6]
        if prefix in seen:
            return table_bytes(0, blank_lines=seen[prefix])[0], b, tries
    raise RuntimeError("no collision found")


def cpu_s(pid: int, *, children: bool = False) -> float:
    """CPU seconds (user + system) of a process; with ``children``, also of its reaped children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu_s(root: int, *, skip: int | None = None) -> float:
    """CPU seconds of every live descendant of ``root`` (and of the children they reaped), ``skip``'s tree left out."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue

    def under(pid: int) -> bool:
        seen = 0
        while pid in parent and seen < 64:
            if pid == skip:
                return False
            if parent[pid] == root:
                return True
            pid, seen = parent[pid], seen + 1
        return False

    return sum(cpu_s(pid, children=True) for pid in parent if pid != skip and under(pid))


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def session(browser, url: str, i: int, path: Path, expected: list[str], others: set[str], results: dict):
    from tests.browser import CHROMIUM  # noqa: F401  (same browser as the tests)

    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    page = await context.new_page()
    # What the server sends this session (the map component's arguments ride on its websocket), kept
    # from the click on the Map page on.
    received: list[str] = []
    listening = [False]

    def keep(payload) -> None:
        if listening[0]:
            received.append(payload.decode("latin-1") if isinstance(payload, (bytes, bytearray)) else payload)

    page.on("websocket", lambda ws: ws.on("framereceived", keep))
    t0 = time.perf_counter()
    record = {"session": i, "error": None}
    try:
        await page.goto(url, timeout=TIMEOUT_MS)
        await page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Dữ liệu").first.click(timeout=TIMEOUT_MS)
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="bảng chỉ tiêu").locator('input[type="file"]')
        await uploader.set_input_files(str(path), timeout=TIMEOUT_MS)
        await page.get_by_text(f"Đã đọc 11 đơn vị từ '{path.name}'").wait_for(timeout=TIMEOUT_MS)
        record["upload_s"] = time.perf_counter() - t0
        listening[0] = True
        await page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Bản đồ").first.click(timeout=TIMEOUT_MS)
        pattern = re.compile(r'"(\d+)[,.](\d\d)')
        deadline = time.perf_counter() + TIMEOUT_MS / 1000
        found: set[str] = set()
        while time.perf_counter() < deadline:
            found |= {f"{a}.{b}" for text in received for a, b in pattern.findall(text)}
            received.clear()
            if found & others:
                break
            drawn = 0
            if set(expected) <= found:  # the values arrived: wait for the canvas to draw the 11 units
                for frame in page.frames:
                    try:
                        drawn = max(drawn, int(await frame.evaluate("window.GeoMap && GeoMap.count || 0")))
                    except Exception:
                        continue
            if drawn == len(expected):
                break
            await asyncio.sleep(0.25)
        record["first_map_s"] = time.perf_counter() - t0
        record["own_values"] = len(set(expected) & found)
        record["foreign_values"] = sorted(found & others)
    except Exception as exc:  # reported per session, never hidden
        record["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    finally:
        await context.close()
    results[i] = record
    print(f"  session {i}: first map {record.get('first_map_s', float('nan')):.1f} s, "
          f"own values {record.get('own_values', 0)}/11, foreign {len(record.get('foreign_values', []))}"
          + (f", {record['error']}" if record["error"] else ""), flush=True)


async def warm_up(url: str) -> None:
    from playwright.async_api import async_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = await browser.new_page()
        await page.goto(url, timeout=TIMEOUT_MS)
        # The whole home page, as the first visitor sees it: the default map drawn (its start panel built).
        deadline = time.perf_counter() + TIMEOUT_MS / 1000
        drawn = 0
        while not drawn and time.perf_counter() < deadline:
            for frame in page.frames:
                try:
                    drawn = max(drawn, int(await frame.evaluate("window.GeoMap && GeoMap.count || 0")))
                except Exception:
                    continue
            await asyncio.sleep(0.25)
        await page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Dữ liệu").first.click(timeout=TIMEOUT_MS)
        await page.get_by_text("Bộ số liệu").first.wait_for(timeout=TIMEOUT_MS)
        await browser.close()


async def run(url: str, files: list[tuple[Path, list[str]]], server: int) -> dict:
    from playwright.async_api import async_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    results: dict = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        every = [set(vals) for _, vals in files]
        tasks = []
        for i, (path, vals) in enumerate(files):
            others = set().union(*(every[:i] + every[i + 1:]))
            tasks.append(session(browser, url, i, path, vals, others, results))
        await asyncio.gather(*tasks)
        results["browser_cpu_s"] = tree_cpu_s(os.getpid(), skip=server)  # before the browser exits
        await browser.close()
    return results


def main() -> int:
    import subprocess
    import urllib.request

    from tests.browser import free_port

    tmp = Path(tempfile.mkdtemp(prefix="geo-load-"))
    a, b, tries = colliding_pair()
    print(f"Crafted pair: two different 'bang.csv' files, SHA-256 {hashlib.sha256(a).hexdigest()[:12]}… and "
          f"{hashlib.sha256(b).hexdigest()[:12]}… (same first 6 hex digits; {tries} variants tried)")
    files = []
    for i in range(N):
        folder = tmp / f"s{i}"
        folder.mkdir()
        if i < 2:
            path = folder / "bang.csv"
            path.write_bytes(a if i == 0 else b)
            files.append((path, table_bytes(i)[1]))
        else:
            data, vals = table_bytes(i)
            path = folder / f"bang_{i}.csv"
            path.write_bytes(data)
            files.append((path, vals))

    port = free_port()
    env = {**os.environ, "GEO_WORKSPACE": str(tmp / "workspace"), "GEO_UPLOAD_DIR": str(tmp / "uploads"),
           "STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = open(tmp / "streamlit.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    peak = [0.0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(proc.pid))
            time.sleep(0.5)

    try:
        for _ in range(180):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        idle = rss_mb(proc.pid)
        t0 = time.perf_counter()
        asyncio.run(warm_up(url))  # one visit builds the shared default boundaries and imports (once per process)
        print(f"Warm-up visit (default map, first visitor after the start): {time.perf_counter() - t0:.1f} s", flush=True)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        load_before = os.getloadavg()[0]
        t0, server_cpu0, browser_cpu0 = time.perf_counter(), cpu_s(proc.pid), tree_cpu_s(os.getpid(), skip=proc.pid)
        results = asyncio.run(run(url, files, proc.pid))
        wall = time.perf_counter() - t0
        server_cpu = cpu_s(proc.pid) - server_cpu0
        browser_cpu = results.pop("browser_cpu_s") - browser_cpu0
        load_after = os.getloadavg()[0]
        stop.set()
        sampler.join()
        after = rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()

    print(f"{N} concurrent browser sessions on one server ({os.cpu_count()} cores), {wall:.1f} s wall; "
          f"load average {load_before:.1f} before, {load_after:.1f} after (other jobs share the machine)")
    print(f"CPU during the run: server {server_cpu:.1f} s ({server_cpu / N:.2f} s per session), "
          f"browsers {browser_cpu:.1f} s ({browser_cpu / N:.2f} s per session); "
          f"both on {os.cpu_count()} cores: at least {(server_cpu + browser_cpu) / (os.cpu_count() or 1):.1f} s wall")
    print(f"{'session':>7} {'upload s':>9} {'first map s':>12} {'own values':>11} {'cross-talk':>11}  error")
    ok_times, crosstalk, errors = [], 0, 0
    for i in sorted(results):
        r = results[i]
        foreign = len(r.get("foreign_values", []))
        crosstalk += foreign
        errors += bool(r["error"]) or r.get("own_values") != 11
        if r.get("first_map_s") is not None and not r["error"]:
            ok_times.append(r["first_map_s"])
        print(f"{i:>7} {r.get('upload_s', float('nan')):>9.1f} {r.get('first_map_s', float('nan')):>12.1f} "
              f"{r.get('own_values', 0):>8}/11 {foreign:>11}  {r['error'] or ''}")
    if ok_times:
        print(f"First map: median {statistics.median(ok_times):.1f} s, worst {max(ok_times):.1f} s "
              f"(targets ≤ {TARGETS['median_first_map_s']:.0f} s, ≤ {TARGETS['worst_first_map_s']:.0f} s)")
    print(f"Cross-talk: {crosstalk} foreign values seen (sessions 0 and 1 are the crafted same-name, same-prefix pair: "
          f"{len(results.get(0, {}).get('foreign_values', [])) + len(results.get(1, {}).get('foreign_values', []))}); "
          f"sessions without all 11 own values or with an error: {errors}")
    print(f"Server RSS: idle {idle:.0f} MB, peak {peak[0]:.0f} MB, after {after:.0f} MB "
          f"(target ≤ {TARGETS['rss_gb'] * 1024:.0f} MB)")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
