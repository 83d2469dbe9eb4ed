"""Restyle without resending: the Map page's geometry travels once, a restyle carries only classes and texts.

Watched on the app's websocket in a real browser (Playwright ``page.on("websocket")``):
the frames that draw the map the first time carry the encoded arcs (``"levels"``);
after the indicator, the classes and the palette change, no frame does, and the
bytes received stay under 100 KB. A restyle reruns only the page's map fragment: its
style boxes are sent again, the area boxes above them (province, vintage) are not.
"""

from __future__ import annotations

import time

import pytest

from geo.text.i18n import t
from tests.browser import offline_page, screenshot, wait_idle, wait_units
from tests.browser import select as _select

pytestmark = pytest.mark.browser

GEOMETRY_MARK = b'\\"levels\\"'  # the arcs' key, inside the component's JSON arguments
HANDSHAKE_MARK = b'"geometry": null'  # arguments sent once the browser has said it holds the geometry
MAX_RESTYLE_BYTES = 100_000


def _as_bytes(payload) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode("utf-8", "surrogateescape")


def test_restyle_sends_no_geometry(app_url):
    with offline_page() as page:
        frames: list[bytes] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(_as_bytes(p))))
        page.goto(app_url)
        frame = wait_units(page, 11)
        deadline = time.time() + 30
        while time.time() < deadline and not any(GEOMETRY_MARK in f for f in frames):
            time.sleep(0.5)
        assert any(GEOMETRY_MARK in f for f in frames), "the first drawing should carry the geometry"
        # The component's "have" handshake: until its rerun has answered (no geometry in the arguments, or the map
        # rendered again), the server does not know the browser has the geometry. On a busy machine that takes more
        # than a few seconds. (Playwright has been seen to miss that frame while the map did re-render.)
        deadline = time.time() + 60
        while time.time() < deadline and not any(HANDSHAKE_MARK in f for f in frames) \
                and frame.evaluate("GeoMap.renders || 0") < 2:
            time.sleep(0.25)
        wait_idle(page, timeout=60)
        fills = frame.evaluate("GeoMap.fills()")
        mounted = frame.evaluate("GeoMap.renders")
        frames.clear()

        _select(page, "Chỉ tiêu", "Tỷ lệ hộ cận nghèo")
        deadline = time.time() + 60
        while time.time() < deadline and frame.evaluate("GeoMap.fills()") == fills:
            time.sleep(0.5)
        assert frame.evaluate("GeoMap.fills()") != fills
        _select(page, "Bảng màu", "Blues", typed="Blues")
        deadline = time.time() + 60
        while time.time() < deadline and "#08519c" not in frame.evaluate("GeoMap.fills()") \
                and "#2171b5" not in frame.evaluate("GeoMap.fills()"):
            time.sleep(0.5)
        time.sleep(2)
        received = sum(len(f) for f in frames)
        screenshot(page, "restyle_blues.png")
        assert frame.evaluate("GeoMap.renders") > mounted  # restyled in place, same frame
        assert not any(GEOMETRY_MARK in f for f in frames), "a restyle re-sent the geometry"
        assert received < MAX_RESTYLE_BYTES, f"restyle received {received} bytes"
        # Only the map's fragment reran: its boxes came again, not the area boxes drawn before it.
        assert any(t("ui.palette", "vi").encode() in f for f in frames)
        for key in ("ui.province", "ui.vintage"):
            assert not any(t(key, "vi").encode() in f for f in frames), f"a restyle re-sent {t(key, 'vi')!r}"
        assert page.external == []
