"""A boundary file whose district is named ``<img src=x onerror=alert(1)>``, end to end.

Uploaded through the Data page, drawn on the Map page, hovered and clicked in
a real (offline) Chromium; then exported with ``python -m geo webmap`` and
opened again. Everywhere the name must be text: the tooltip shows the
literal characters, no ``img`` element is created, no dialog opens.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser import (ARTIFACTS, map_frame, nav, offline_page, require_browser, screenshot, upload_file,
                           wait_units)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "<img src=x onerror=alert(1)>"
TARGET = "181"  # Huyện Bình Gia: a large district, far from the map's edges


@pytest.fixture(scope="module")
def hostile_geojson(tmp_path_factory) -> tuple[Path, tuple[float, float]]:
    """Lạng Sơn's 11 districts (geometry and GSO codes only), one renamed; and a point inside it (lat, lon)."""
    from geo.units.tessellation import default_boundaries

    gdf = default_boundaries(province="20", level="district", vintage="pre2025")[["code", "name", "geometry"]].copy()
    gdf.loc[gdf["code"] == TARGET, "name"] = HOSTILE
    path = tmp_path_factory.mktemp("hostile") / "huyen_ten_doc.geojson"
    gdf.to_file(path, driver="GeoJSON")
    inside = gdf.loc[gdf["code"] == TARGET, "geometry"].iloc[0].representative_point()
    return path, (inside.y, inside.x)


def _leaflet_point(page, frame, latlon: tuple[float, float]) -> tuple[float, float]:
    """Page coordinates of ``latlon`` on the frame's Leaflet map, checked to land on a unit polygon."""
    x, y, hit = frame.evaluate(
        """([lat, lon]) => {
            const c = document.querySelector('.leaflet-container');
            const map = window.GeoMap && GeoMap.map ? GeoMap.map : window[c.id];  // geo.render.webmap canvas map
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y, GeoMap.unitAt(p.x, p.y) !== null];
        }""",
        list(latlon),
    )
    assert hit, "the point inside the district is not on a unit polygon"
    element = frame.frame_element() if frame is not page.main_frame else None
    offset = element.bounding_box() if element is not None else {"x": 0, "y": 0}
    return offset["x"] + x, offset["y"] + y


def _hover_tooltip(page, frame, latlon) -> str:
    x, y = _leaflet_point(page, frame, latlon)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    tip = frame.locator(".leaflet-tooltip.geo-tip")
    tip.first.wait_for(state="visible", timeout=15_000)
    return tip.first.inner_text()


def _assert_inert(page, frame, dialogs: list[str]) -> None:
    assert frame.locator(".leaflet-tooltip img").count() == 0
    assert frame.locator('img[src="x"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []


def test_hostile_name_stays_text_in_the_app(app_url, hostile_geojson):
    path, latlon = hostile_geojson
    with offline_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(app_url)
        wait_units(page, 11)

        # Data page: upload the boundary file at district level.
        nav(page, "Dữ liệu")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên ranh giới")
        uploader.wait_for(timeout=120_000)
        level = page.locator('[data-testid="stRadio"]').filter(has_text="Cấp").filter(visible=True).first
        level.get_by_text("Huyện", exact=True).click()
        upload_file(page, uploader, path, "Đã đọc 11 đơn vị từ 'huyen_ten_doc.geojson'")

        # Map page: the uploaded polygons, official data joined by code, no "approximate" banner.
        nav(page, "Bản đồ")
        frame = wait_units(page, 11)
        deadline = time.time() + 30
        while time.time() < deadline and page.get_by_text("Sơ đồ gần đúng", exact=False).count():
            time.sleep(0.5)
        assert page.get_by_text("Sơ đồ gần đúng", exact=False).count() == 0
        frame = map_frame(page)

        text = _hover_tooltip(page, frame, latlon)
        assert HOSTILE in text
        assert "16,22%" in text  # Bình Gia's official 2020 poor rate, joined by its code
        _assert_inert(page, frame, dialogs)
        screenshot(page, "hostile_name_tooltip.png")

        # Click it: the selection table shows the name as text.
        x, y = _leaflet_point(page, frame, latlon)
        page.mouse.click(x, y)
        table = page.locator('[data-testid="stTable"]')
        table.wait_for(timeout=120_000)
        assert HOSTILE in table.inner_text()
        assert table.locator("img").count() == 0
        frame = wait_units(page, 11)
        _assert_inert(page, frame, dialogs)
        screenshot(page, "hostile_name_selected.png")
        assert page.external == [], f"requests left localhost: {page.external[:5]}"


def test_hostile_name_stays_text_in_the_html_export(hostile_geojson, tmp_path):
    path, latlon = hostile_geojson
    out = tmp_path / "ban_do_ten_doc.html"
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "webmap", "--boundaries", str(path), "--level", "district", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html
    assert "Sơ đồ gần đúng:" not in html  # the planner's own boundaries are not called approximate

    require_browser()
    with offline_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.set_content(html, wait_until="load")
        page.wait_for_function("window.GeoMap && GeoMap.count === 11")
        text = _hover_tooltip(page, page.main_frame, latlon)
        assert HOSTILE in text
        _assert_inert(page, page.main_frame, dialogs)
        ARTIFACTS.mkdir(exist_ok=True)
        screenshot(page, "hostile_name_export.png")
        assert page.external == [], f"requests left localhost: {page.external[:5]}"


MARKDOWN_NAMES = {"181": "[a](http://x)", "183": "![](x)", "185": '=HYPERLINK("http://x","y")'}


def test_markdown_names_stay_text_in_the_selection_table_and_the_reform_page(app_url, tmp_path):
    """Names that Markdown would turn into a link or an image are shown as their characters."""
    from geo.units.tessellation import default_boundaries
    from tests._reform_data import write_commune_csv

    gdf = default_boundaries(province="20", level="district", vintage="pre2025")[["code", "name", "geometry"]].copy()
    for code, name in MARKDOWN_NAMES.items():
        gdf.loc[gdf["code"] == code, "name"] = name
    path = tmp_path / "huyen_ten_markdown.geojson"
    gdf.to_file(path, driver="GeoJSON")
    inside = gdf.loc[gdf["code"] == "181", "geometry"].iloc[0].representative_point()
    communes = write_commune_csv(tmp_path)
    hostile_rows = "".join(f'9999{i},"{n.replace(chr(34), chr(34) * 2)}",100,10,10.0,5\n'
                           for i, n in enumerate(MARKDOWN_NAMES.values()))
    lines = communes.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].count(",") == 5, lines[1]  # under the title row, the header: six columns like the rows above
    communes.write_text("\n".join(lines) + "\n" + hostile_rows, encoding="utf-8-sig")

    with offline_page() as page:
        page.goto(app_url)
        wait_units(page, 11)
        nav(page, "Dữ liệu")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên ranh giới")
        uploader.wait_for(timeout=120_000)
        level = page.locator('[data-testid="stRadio"]').filter(has_text="Cấp").filter(visible=True).first
        level.get_by_text("Huyện", exact=True).click()
        upload_file(page, uploader, path, "Đã đọc 11 đơn vị từ 'huyen_ten_markdown.geojson'")

        # Map page: select the district named like a Markdown link.
        nav(page, "Bản đồ")
        frame = wait_units(page, 11)
        x, y = _leaflet_point(page, frame, (inside.y, inside.x))
        page.mouse.click(x, y)
        table = page.locator('[data-testid="stTable"]')
        table.wait_for(timeout=120_000)
        assert "[a](http://x)" in table.inner_text()
        assert table.locator("a").count() == 0 and table.locator("img").count() == 0

        # Reform page: a commune table whose unconvertible rows carry the three names.
        nav(page, "Dữ liệu")
        level = page.locator('[data-testid="stRadio"]').filter(has_text="Cấp").filter(visible=True).first
        level.get_by_text("Xã", exact=True).click()
        tables = page.locator('[data-testid="stFileUploader"]').filter(has_text="Tải lên bảng chỉ tiêu")
        upload_file(page, tables, communes, f"từ '{communes.name}'")
        nav(page, "Sáp nhập 2025")
        notes = page.locator('[data-testid="stExpander"]').filter(has_text="Tất cả ghi chú")
        notes.wait_for(timeout=120_000)
        notes.locator("summary").click()
        text = notes.inner_text()
        for name in MARKDOWN_NAMES.values():
            assert name in text
        assert page.locator('a[href="http://x"]').count() == 0
        assert page.locator('img[src="x"]').count() == 0
        screenshot(page, "hostile_markdown_reform.png")
        assert page.external == [], f"requests left localhost: {page.external[:5]}"
