"""Interactive map (geo.render.webmap) and offline assets (geo.render.assets).

The commune layer is a Voronoi sketch of the GSO registry's 194 Lạng Sơn
communes clipped to the official province outline (read in place from
../shared/data/langson), with the 2020 district poor rates of seed 003 spread
over it, one missing value and one hostile unit name.
"""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest

from geo.render import assets, webmap
from tests.browser import CHROMIUM_ARGS

from geo import settings
from geo._errors import GeoError

HOSTILE = "<img src=x onerror=alert(1)>"
RATES_2020 = [0.18, 8.51, 16.22, 7.76, 6.64, 12.06, 8.92, 6.56, 6.38, 11.62, 12.26]
KEY = ("20", "commune", "pre2025", "test-voronoi")


@pytest.fixture(scope="module")
def communes(langson):
    import geopandas as gpd
    import shapely

    from geo.units.registry import units

    u = units(province=20)
    outline = gpd.read_file(langson / "province_2019_gischinhphu.geojson").geometry.union_all()
    # Two pairs of communes share a centroid in the registry: nudge the second of each pair by ~200 m.
    lon = u["lon"] + u.duplicated(["lat", "lon"]) * 0.002
    pts = shapely.points(lon, u["lat"])
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=outline.envelope.buffer(0.1), ordered=True)
    geoms = shapely.intersection(shapely.get_parts(cells), outline)
    assert shapely.coverage_is_valid(geoms)
    gdf = gpd.GeoDataFrame(u[["code", "name", "type", "district_code", "district_name"]], geometry=geoms, crs=4326)
    gdf["poor_rate"] = np.resize(RATES_2020, len(gdf))
    gdf.loc[3, "poor_rate"] = np.nan
    gdf["poor"] = (gdf["poor_rate"] * 10).round()
    gdf.loc[0, "name"] = HOSTILE
    return gdf


def _payloads(page: str) -> tuple[dict, dict]:
    """The encoded geometry (G) and the style data (S) embedded in the page."""
    g = webmap.decode_payload(re.search(r"var G = (\{.*?\});\n", page).group(1))  # integer arrays as lists
    s = json.loads(re.search(r"var S = (\{.*?\});\n", page).group(1))
    return g, s


def _decode(g: dict, level: int = -1):
    """Python twin of the page's GeoMap.decode: one MultiPolygon per unit, at one level of detail."""
    import shapely

    lv = g["levels"][level]
    c = np.cumsum(np.asarray(lv["c"], dtype=np.int64).reshape(-1, 2), axis=0) / lv["q"]
    arcs = np.split(c, np.cumsum(lv["n"])[:-1])
    f = g["f"]
    refs, ri, pi = iter(f["r"]), iter(f["rl"]), iter(f["pr"])
    out = []
    for n_polys in f["fp"]:
        polys = []
        for _ in range(n_polys):
            rings = []
            for _ in range(next(pi)):
                pieces = [arcs[k] if k >= 0 else arcs[~k][::-1] for k in (next(refs) for _ in range(next(ri)))]
                rings.append(np.concatenate([pieces[0]] + [p[1:] for p in pieces[1:]]))
            polys.append(shapely.Polygon(rings[0], rings[1:]))
        out.append(shapely.MultiPolygon(polys))
    return out


def _render(m) -> str:
    return m.get_root().render()


# --------------------------------------------------------------------------
def test_geometry_is_simplified_rounded_and_round_trips(communes):
    import shapely

    webmap.web_geometry.cache_clear()
    geom = webmap.web_geometry(communes, key=KEY)
    original = shapely.get_num_coordinates(np.asarray(communes.geometry.values)).sum()
    assert len(geom.codes) == 194 and set(geom.codes) == set(communes["code"])
    # Levels of detail from the zoom that shows the province whole, every 2 zooms.
    assert [lv.zoom for lv in geom.levels] == [9, 11, 13]
    assert geom.levels[0].n_vertices < 0.7 * original
    page = _render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY))
    g, _ = _payloads(page)
    assert g["codes"] == list(geom.codes)
    original_by_code = dict(zip(communes["code"], communes.geometry))
    for i, level in enumerate(geom.levels):
        decoded = np.array(_decode(g, i), dtype=object)
        # Every web layer is a coverage: 0 invalid polygons, 0 misaligned edges, 0 m² of overlap.
        assert int((~shapely.is_valid(decoded)).sum()) == 0 == level.invalid_polygons
        assert int((~shapely.is_empty(shapely.coverage_invalid_edges(decoded))).sum()) == 0
        left, right = shapely.STRtree(decoded).query(decoded, predicate="intersects")
        pairs = left < right
        assert float(shapely.area(shapely.intersection(decoded[left[pairs]], decoded[right[pairs]])).sum()) == 0.0
        # Coordinates are on the level's grid; the reported worst error bounds the real one,
        # and is under one screen pixel at the zoom where the level is drawn.
        xy = shapely.get_coordinates(decoded)
        assert np.allclose(xy, np.round(xy, level.decimals), atol=1e-9)
        worst = max(shapely.hausdorff_distance(d, original_by_code[c]) for c, d in zip(geom.codes, decoded))
        assert worst * 111_320 <= level.max_error_m + 1e-6
        assert level.max_error_px < 1.0
    assert geom.check.is_coverage and geom.check.invalid_polygons == 0
    # The finest level in the page decodes to exactly the prepared polygons.
    for decoded, prepared in zip(_decode(g), geom.gdf.geometry):
        assert shapely.equals_exact(shapely.normalize(decoded), shapely.normalize(prepared), tolerance=1e-9)


def test_shared_borders_are_sent_once(communes):
    """Arcs: each border between two communes is in the page once per level, not twice."""
    geom = webmap.web_geometry(communes, key=KEY)
    g, _ = _payloads(_render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY)))
    refs = [r if r >= 0 else ~r for r in g["f"]["r"]]
    uses = np.bincount(refs)
    assert uses.max() == 2 and (uses == 2).sum() > 0.8 * len(uses)
    finest = g["levels"][-1]
    assert sum(finest["n"]) == geom.levels[-1].n_vertices
    # Per unit, every shared border would be sent twice.
    per_unit = sum(finest["n"][r] for r in refs)
    shared = sum(n for n, u in zip(finest["n"], uses) if u == 2)
    assert sum(finest["n"]) == per_unit - shared and shared > 0.2 * per_unit


def test_a_layer_that_is_not_a_coverage_is_drawn_as_is_and_reported(communes):
    import shapely

    gdf = communes.copy()
    gdf.loc[5, "geometry"] = shapely.buffer(gdf.geometry.iloc[5], 0.003)  # overlaps its neighbours
    geom = webmap.web_geometry(gdf, key=("not-a-coverage",))
    assert len(geom.codes) == 194
    assert not geom.check.is_coverage and gdf["code"].iloc[5] in geom.check.misaligned_codes


def test_restyle_reuses_cached_geometry(communes, monkeypatch):
    calls = []
    real = webmap._prepare
    monkeypatch.setattr(webmap, "_prepare", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    webmap.web_geometry.cache_clear()
    variants = [
        {"value_column": "poor_rate"},
        {"value_column": "poor", "scheme": "fisher_jenks", "k": 4},
        {"value_column": "poor_rate", "palette": "Blues", "lang": "en", "selected": {communes["code"][7]}},
        {"value_column": "poor_rate", "scheme": "manual", "bins": [6.38, 8.51, 12.06], "district_outlines": True},
    ]
    # Row order may change between reruns (merges); the cache keys on the set of codes.
    for i, kw in enumerate(variants):
        data = communes if i % 2 == 0 else communes.iloc[::-1]
        _render(webmap.build_map(data, geometry_key=KEY, **kw))
    assert len(calls) == 1
    info = webmap.web_geometry.cache_info()
    assert (info.misses, info.hits) == (1, 3)
    # A different layer under the same key is not mistaken for the cached one.
    webmap.build_map(communes.iloc[:50], value_column="poor_rate", geometry_key=KEY)
    assert len(calls) == 2


def test_classes_colours_and_no_data(communes):
    from geo.analysis.classify import PALETTES, classify

    page = _render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, palette="Reds"))
    g, s = _payloads(page)
    expected = classify(communes["poor_rate"], scheme="quantiles", k=5)
    by_code = dict(zip(communes["code"], expected.yb.tolist()))
    assert s["cls"] == [by_code[c] for c in g["codes"]]
    assert s["cls"][g["codes"].index(communes["code"][3])] == -1  # the missing rate
    assert s["pal"] == list(PALETTES["Reds"][5]) and s["nd"] == settings.NO_DATA_COLOR
    legend = s["legend"]
    for label in expected.legend_labels("vi", no_data=False):
        assert label in legend
    assert "Không có dữ liệu <span class=\"geo-n\">(1)</span>" in legend
    legend_en = _payloads(_render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, lang="en")))[1]["legend"]
    assert "6.56 – 7.76" in legend_en and "No data" in legend_en and "6,56" not in legend_en


def test_tooltip_values_units_and_codes(communes):
    page = _render(webmap.build_map(communes, value_column="poor_rate", tooltip_columns=["poor"], geometry_key=KEY))
    g, s = _payloads(page)
    tip = s["tip"]
    i = g["codes"].index(communes["code"][1])
    assert tip["value"][i] == "8,51%"
    assert tip["extras"][0]["label"] == "Số hộ nghèo" and tip["extras"][0]["values"][i] == "85 hộ"
    assert tip["value"][g["codes"].index(communes["code"][3])] == "Không có dữ liệu"
    cats = {c["label"]: c for c in tip["cats"]}
    row = communes.iloc[1]
    assert cats["Huyện/thị xã/thành phố"]["table"][cats["Huyện/thị xã/thành phố"]["idx"][i]] == row["district_name"]
    assert cats["Loại"]["table"][cats["Loại"]["idx"][i]] == row["type"]
    # A click hands the unit's code to the page (GeoMap.clicked) and the app (lat/lng -> unit_at).
    assert "GeoMap.clicked = i >= 0 ? G.codes[i] : null" in page


def test_hostile_text_is_escaped_everywhere(communes, tmp_path):
    m = webmap.build_map(
        communes, value_column="poor_rate", geometry_key=KEY, title=f"Bản đồ {HOSTILE}",
        designations={HOSTILE: {communes["code"][0]}}, legend_kwds={"title": HOSTILE},
    )
    out = webmap.save_html(m, tmp_path / "map.html")
    page = out.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page and "\\u003cimg src=x" not in page
    _, s = _payloads(page)
    assert s["tip"]["names"].count("&lt;img src=x onerror=alert(1)&gt;") == 1
    assert "&lt;img" in s["legend"] and "&lt;img" in s["header"] and "&lt;img" in s["des"][0]["label"]


def test_standalone_html_is_offline(communes, tmp_path):
    m = webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, district_outlines=True)
    page = webmap.save_html(m, tmp_path / "map.html").read_text(encoding="utf-8")
    assert "cdn" not in page
    lowered = re.sub(r"data:image/png;base64,[a-z0-9+/=]+", "data:", page, flags=re.IGNORECASE).lower()
    assert '<script src="http' not in lowered and '<link href="http' not in lowered
    assert not re.search(r"<script[^>]*\ssrc=", lowered) and not re.search(r"<link[^>]*\shref=", lowered)
    assert "cdn" not in lowered and "jquery" not in lowered and "bootstrap" not in lowered
    assert "leaflet 1.9.3" in lowered and "url(data:image/png;base64," in page
    assert not re.search(r"https?://[^\"'\s]*\.(js|css|woff2?|ttf)\b", lowered)
    # In the app, Leaflet (only) comes from Streamlit's static serving.
    live = _render(m)
    assert '<script src="/app/static/vendor/leaflet-1.9.3/leaflet.js"></script>' in live
    assert len(re.findall(r"<script[^>]*\ssrc=", live)) == 1 and "cdn" not in live.lower()


def test_save_html_refuses_to_overwrite(communes, tmp_path):
    m = webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY)
    target = tmp_path / "map.html"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(GeoError) as err:
        webmap.save_html(m, target)
    assert err.value.code == "output_exists" and str(target) in err.value.message("vi")
    assert target.read_text(encoding="utf-8") == "keep me"
    webmap.save_html(m, target, overwrite=True)
    assert "GeoMap.decode" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temporary file left


def test_designations_and_selection_are_distinguishable(communes):
    codes = communes["code"].tolist()
    designations = {"border": set(codes[:20]), "atk": set(codes[10:30]), "p135": set(codes[25:60]), "zone_iii": set(codes[50:70])}
    page = _render(webmap.build_map(
        communes, value_column="poor_rate", geometry_key=KEY, designations=designations, selected={codes[5], "99999"},
    ))
    g, s = _payloads(page)
    des = {d["label"]: d for d in s["des"]}
    expected_labels = {"border": "Xã biên giới", "atk": "Xã an toàn khu (ATK)", "p135": "Xã thuộc Chương trình 135",
                       "zone_iii": "Xã khu vực III"}
    for dtype, label in expected_labels.items():
        d = des[label]
        assert {g["codes"][i] for i in d["idx"]} == designations[dtype]
        assert f"{label} <span class=\"geo-n\">({len(designations[dtype])})</span>" in s["legend"]
    # Not colour alone: every designation differs from the others by pattern or dash, and the legend draws both.
    looks = {(d["pattern"], d["dash"]) for d in s["des"]}
    assert looks == {(None, "10 5"), ("hatch", None), ("dots", "2 4"), ("cross", "6 3 2 3")}
    assert des["Xã biên giới"]["dash"] and des["Xã an toàn khu (ATK)"]["pattern"] == "hatch"
    assert s["legend"].count("<svg class=\"geo-sw\"") == 5  # 4 designations + the selection
    assert s["legend"].count("fill=\"url(#geo-pat-") == 3 and "stroke-dasharray=\"10 5\"" in s["legend"]
    # The selection: known codes only, highlighted and named in the legend.
    assert [g["codes"][i] for i in s["sel"]] == [codes[5]]
    assert "Đơn vị đang chọn" in s["legend"]
    _, tip_s = _payloads(page)
    assert tip_s["desLabel"] == "Diện chính sách"


def test_banners(communes):
    _, s = _payloads(_render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, approximate=True)))
    assert "Sơ đồ gần đúng" in s["header"] and "minh họa" not in s["header"]
    _, s = _payloads(_render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, illustrative=True, lang="en")))
    assert "Illustrative figures" in s["header"] and "sơ đồ gần đúng" not in s["header"].lower()
    _, s = _payloads(_render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY)))
    assert s["header"] == ""


def test_bad_columns(communes):
    with pytest.raises(GeoError) as err:
        webmap.build_map(communes, value_column="ty_le", geometry_key=KEY)
    assert err.value.code == "map_column_missing" and "poor_rate" in err.value.message("en")
    import pandas as pd

    doubled = pd.concat([communes.iloc[:3], communes.iloc[:1]])
    with pytest.raises(GeoError) as err:
        webmap.web_geometry(doubled, key="dup")
    assert err.value.code == "map_duplicate_codes"


def test_district_outlines_from_a_layer(communes, langson):
    import geopandas as gpd

    districts = gpd.read_file(langson / "districts_2019_gischinhphu.geojson")
    districts["code"] = districts["level2_id"].astype(str)
    page = _render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, district_outlines=districts))
    d = webmap.decode_payload(re.search(r"var D = (\{.*?\});\n", page).group(1))
    assert sorted(d["codes"]) == sorted(districts["code"])
    assert len(d["f"]["fp"]) == 11 and d["levels"]
    assert "Ranh giới huyện" in _payloads(page)[1]["legend"]


def test_install_static_copies_installed_leaflet(tmp_path):
    files = assets.leaflet_files()
    urls = assets.install_static(tmp_path / "static")
    vendor = tmp_path / "static" / "vendor" / f"leaflet-{files.version}"
    assert urls.js == (("leaflet", f"/app/static/vendor/leaflet-{files.version}/leaflet.js"),)
    assert urls.css == (("leaflet_css", f"/app/static/vendor/leaflet-{files.version}/leaflet.css"),)
    for name in ("leaflet.js", "leaflet.css", "images/layers.png"):
        assert hashlib.sha256((vendor / name).read_bytes()).digest() == hashlib.sha256(
            (files.js.parent / name).read_bytes()).digest()
    assert assets.install_static(tmp_path / "static") == urls  # idempotent
    assert "Leaflet 1.9.3" in assets.inline_js()[:200]


@pytest.mark.browser
def test_page_renders_in_chromium(communes, tmp_path):
    """End to end: the standalone page draws every unit, the patterns and the escaped name, with no request out."""
    from playwright import sync_api

    from tests.browser import CHROMIUM, require_browser

    require_browser()
    codes = communes["code"].tolist()
    m = webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, approximate=True, district_outlines=True,
                         designations={"border": set(codes[:20]), "atk": set(codes[:5])}, selected={codes[0]})
    path = webmap.save_html(m, tmp_path / "map.html")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(path.as_uri())
        page.wait_for_selector(".geo-legend")
        # One canvas draws every unit (decoded from the shared arcs), no SVG path per unit.
        assert page.locator("canvas.leaflet-zoom-animated").count() == 1
        assert page.locator("path.leaflet-interactive").count() == 0
        drawn = page.evaluate("GeoMap.lastDraw")
        assert drawn["units"] == 194 and drawn["level"] == 9
        # The legend's pattern swatches define their own patterns.
        assert page.locator(".geo-legend svg pattern").count() == 1  # ATK hatching (border: dashes only)
        assert "Sơ đồ gần đúng" in page.inner_text(".geo-header")
        page.screenshot(path=str(tmp_path / "overview.png"))
        # Hover the first unit: the tooltip shows the hostile name as text.
        pt = communes.geometry.iloc[0].representative_point()
        xy = page.evaluate("(ll) => { const p = GeoMap.map.latLngToContainerPoint(ll); return [p.x, p.y]; }", [pt.y, pt.x])
        box = page.locator("#" + page.evaluate("GeoMap.map.getContainer().id")).bounding_box()
        x, y = box["x"] + xy[0], box["y"] + xy[1]
        for i in range(40):  # the canvas answers mouse moves once its handlers are bound: nudge until it does
            page.mouse.move(x + (i % 3) - 1, y + (i % 2))
            if page.locator(".geo-tip").count() and page.locator(".geo-tip").first.is_visible():
                break
            page.wait_for_timeout(250)
        page.wait_for_selector(".geo-tip")
        tip = page.evaluate("(() => { const t = document.querySelector('.geo-tip'); return [t.innerText, t.querySelectorAll('img').length]; })()")
        assert tip[0].startswith(HOSTILE) and tip[1] == 0
        page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
        assert page.evaluate("GeoMap.clicked") == codes[0]
        # Zoom in: a finer level is drawn.
        page.evaluate("GeoMap.map.setZoom(12, {animate: false})")
        page.wait_for_function("GeoMap.lastDraw.level === 11")
        page.screenshot(path=str(tmp_path / "zoomed.png"))
        browser.close()
    assert errors == [] and requests == []


def test_template_syntax_in_names_stays_text(communes):
    """branca renders element output as Jinja once more; the map's data never goes through it."""
    gdf = communes.copy()
    gdf.loc[1, "name"] = "Xã {{ 7*7 }} {% if 1 %}x{% endif %} {# c"
    page = webmap.to_html(webmap.build_map(gdf, value_column="poor_rate", geometry_key=KEY))
    _, s = _payloads(page)
    assert "Xã {{ 7*7 }} {% if 1 %}x{% endif %} {# c" in s["tip"]["names"]
    assert "Xã 49" not in page


def test_value_text_matches_i18n_number_format():
    import pandas as pd

    from geo.text.i18n import format_number

    values = pd.Series([0.0, 8.514, 1234.5, 27964, 2.675, 1e6, -3.25])
    for lang in ("vi", "en"):
        for decimals in (0, 1, 2):
            assert webmap._format_values(values, "number", lang, decimals) == [
                format_number(v, decimals, lang) for v in values
            ]
    assert webmap._format_values(pd.Series([8.514, None]), "percent", "vi", 2) == ["8,51%", "Không có dữ liệu"]
    assert webmap._format_values(pd.Series([27964]), "households", "en", 0) == ["27,964 households"]
