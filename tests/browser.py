"""Helpers for end-to-end tests: a real ``streamlit run app.py`` and Debian's Chromium, offline.

Chromium is launched with the flags that keep it from calling home, and every
request to a host other than localhost is aborted and recorded, so a test can
assert that the app needed nothing from the internet.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-gpu", "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


def require_browser() -> None:
    """Skip (or fail on CI) when the Debian Chromium is missing.

    Playwright is a pinned requirement: without it the import fails, never skips.
    """
    import playwright.sync_api  # noqa: F401

    if not Path(CHROMIUM).exists():
        msg = "browser test needs Debian chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env: dict | None = None):
    """Run ``streamlit run app.py`` on a free local port; yield its URL. ``env``: more environment variables
    (e.g. ``{"GEO_WARMUP": "1"}``: the tests turn the national warm-up off)."""
    port = free_port()
    env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           **(env or {})}
    log = (ARTIFACTS / f"streamlit-{port}.log")
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 90
            while time.time() < deadline:
                with contextlib.suppress(OSError):
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=2).status == 200:
                        break
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited early; see {log}")
                time.sleep(0.5)
            else:
                pytest.fail(f"streamlit did not start; see {log}")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def offline_page(*, viewport=(1500, 1000)):
    """A Chromium page that cannot reach anything but localhost; ``page.external`` lists what it tried."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="vi-VN")
        external: list[str] = []

        def guard(route):
            host = route.request.url.split("/")[2] if "://" in route.request.url else ""
            if route.request.url.startswith(("data:", "blob:", "about:")) or host.split(":")[0] in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.external = external
        try:
            yield page
        finally:
            context.close()
            browser.close()


def map_frame(page, *, timeout: float = 60_000):
    """The iframe holding the Leaflet map (st_folium renders the map inside one)."""
    page.wait_for_selector("iframe", timeout=timeout)
    deadline = time.time() + timeout / 1000
    while time.time() < deadline:
        for frame in page.frames:
            with contextlib.suppress(Exception):
                if frame.query_selector(".leaflet-container") is not None:
                    return frame
        time.sleep(0.3)
    raise AssertionError("no Leaflet map rendered")


def unit_count(frame) -> int:
    """Admin units drawn by the map's canvas layer (geo.render.webmap exposes them as GeoMap)."""
    return int(frame.evaluate("window.GeoMap && GeoMap.count || 0"))


def wait_units(page, n: int, *, timeout: float = 60.0):
    """Wait until a map frame shows exactly ``n`` unit polygons; return the frame."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        with contextlib.suppress(Exception):
            frame = map_frame(page, timeout=timeout * 1000)
            last = unit_count(frame)
            if last == n:
                return frame
        time.sleep(0.5)
    raise AssertionError(f"expected {n} unit polygons, saw {last}")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def has_chromium() -> bool:
    return shutil.which("chromium") is not None or Path(CHROMIUM).exists()


def map_frames(page) -> list:
    """Every frame holding a Leaflet map, in reading order (top to bottom, then left to right).

    A page may show several maps side by side (the 2025-reform page shows two).
    """
    found = []
    for frame in page.frames:
        with contextlib.suppress(Exception):
            if frame.query_selector(".leaflet-container") is not None:
                box = frame.frame_element().bounding_box() or {"x": 0, "y": 0}
                found.append((round(box["y"]), round(box["x"]), frame))
    return [f for _, _, f in sorted(found, key=lambda item: item[:2])]


def wait_map_units(page, counts, *, timeout: float = 60.0) -> list:
    """Wait until the page shows one map per entry of ``counts``, each with exactly that many unit
    polygons (in reading order); return the frames."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        with contextlib.suppress(Exception):
            frames = map_frames(page)
            last = [unit_count(f) for f in frames]
            if last == list(counts):
                return frames
        time.sleep(0.5)
    raise AssertionError(f"expected maps with {list(counts)} unit polygons, saw {last}")


def radio(page, group: str, option: str):
    """Click ``option`` in the radio group whose label contains ``group``."""
    page.locator('[data-testid="stRadio"]').filter(has_text=group).get_by_text(option, exact=True).click()


def select(page, label: str, option: str, *, typed: str | None = None):
    """Pick ``option`` in the selectbox (a combobox) labelled ``label``; ``typed`` filters long lists first."""
    box = page.get_by_role("combobox", name=label)
    wanted = page.get_by_role("option").filter(has_text=option).first
    for attempt in range(4):
        # A click that lands while the page reruns leaves the list closed or redraws it under the pointer:
        # open it again (by key after the first try) and retry.
        if attempt:
            page.keyboard.press("Escape")
            wait_idle(page, timeout=60)
        box.click()
        if typed:
            box.fill(typed)
        try:
            if attempt:
                wanted.wait_for(timeout=3_000)
        except Exception:
            box.press("ArrowDown")
        try:
            wanted.click(timeout=10_000)
            return
        except Exception:
            if attempt == 3:
                raise


def wait_idle(page, *, timeout: float = 60.0, settle: float = 0.5):
    """Wait until the app is not running a script (no "Running…" status widget) for ``settle`` seconds."""
    deadline = time.time() + timeout
    quiet_since = None
    while time.time() < deadline:
        busy = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since >= settle:
            return
        time.sleep(0.1)
    raise AssertionError("the app kept running")


def upload_file(page, uploader, path, expect: str, *, timeout: float = 180_000) -> None:
    """Give ``path`` to the file ``uploader`` and wait for the text ``expect`` (a message the upload brings).

    ``path`` is a file's path or a Playwright payload (``{"name", "mimeType", "buffer"}``). The page must be
    idle first: a file given while a click's rerun redraws the uploader can be dropped with the old element.
    If ``expect`` has not come after a minute and the uploader does not list the file, the file is given once
    more. On failure the message says what the page shows instead.
    """
    files = path if isinstance(path, dict) else str(path)
    name = path["name"] if isinstance(path, dict) else Path(path).name
    wanted = page.get_by_text(expect, exact=False).first
    wait_idle(page, timeout=120)
    uploader.wait_for(timeout=120_000)
    uploader.locator('input[type="file"]').set_input_files(files)
    try:
        wanted.wait_for(timeout=min(60_000, timeout))
        return
    except Exception:
        pass
    if not uploader.get_by_text(name, exact=False).count():  # dropped by a rerun: give it again
        wait_idle(page, timeout=120)
        uploader.locator('input[type="file"]').set_input_files(files)
    try:
        wanted.wait_for(timeout=timeout)
    except Exception as exc:
        shot = screenshot(page, f"upload_failed_{Path(name).stem}.png")
        alerts = [a.inner_text() for a in page.locator('[data-testid="stAlert"]').all()]
        raise AssertionError(f"{expect!r} never shown after uploading {name}; the page's messages: {alerts};"
                             f" the uploader: {uploader.inner_text()!r}; screenshot {shot}") from exc


def nav(page, title: str) -> None:
    """Open a page from the sidebar navigation by its title."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()


def unit_point(frame) -> tuple[float, float]:
    """Page coordinates of a point inside a unit of ``frame`` (the largest one fully in view)."""
    deadline = time.time() + 20  # the map may still be fitting itself beside the legend
    point = frame.evaluate("GeoMap.unitPoint()")
    while point is None and time.time() < deadline:
        time.sleep(0.25)
        point = frame.evaluate("GeoMap.unitPoint()")
    assert point is not None, "no unit fully visible"
    box = frame.locator(".leaflet-container").bounding_box()  # page coordinates
    return box["x"] + point[0], box["y"] + point[1]



def wait_metric(page, label: str, value: str) -> None:
    """Wait until the metric ``label`` shows ``value`` (the page reruns after an upload or a choice)."""
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => {"
        " const l = m.querySelector('[data-testid=stMetricLabel]'), v = m.querySelector('[data-testid=stMetricValue]');"
        " return l && v && l.innerText.trim() === label && v.innerText.trim() === value; })",
        arg=[label, value], timeout=90_000)


def upload_indicator_table(page, url: str, path) -> None:
    """Open the app at ``url``, go to the Data page and upload ``path`` as the indicator table."""
    page.goto(url)
    wait_idle(page)
    nav(page, "Dữ liệu")
    upload_file(page, page.locator('[data-testid="stFileUploader"]').filter(has_text="bảng chỉ tiêu"), path,
                f"từ '{Path(path).name}'")
