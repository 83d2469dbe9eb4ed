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
import shutil

import numpy as np
import pytest

from geo.render import assets, webmap

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
    g = json.loads(re.search(r"var G = (\{.*?\});\n", page).group(1))
    s = json.loads(re.search(r"var S = (\{.*?\});\n", page).group(1))
    return g, s


def _decode(g: dict):
    """Python twin of the page's decodeGeometry: polygons per feature."""
    import shapely

    c = np.cumsum(np.asarray(g["c"], dtype=np.int64).reshape(-1, 2), axis=0) / g["q"]
    ci = ri = pi = 0
    out = []
    for n_polys in g["f"]:
        polys = []
        for _ in range(n_polys):
            rings = []
            for _ in range(g["p"][pi]):
                n = g["r"][ri]
                rings.append(c[ci : ci + n])
                ci, ri = ci + n, ri + 1
            pi += 1
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
    assert geom.n_vertices < 0.7 * original
    # Shared borders stay shared: the simplified Voronoi cells still form a clean coverage.
    assert shapely.coverage_is_valid(np.asarray(geom.gdf.geometry.values))
    xy = shapely.get_coordinates(np.asarray(geom.gdf.geometry.values))
    assert np.allclose(xy, np.round(xy, settings.WEB_COORD_DECIMALS), atol=1e-9)
    # Each simplified unit stays within the tolerance of the original one.
    original_by_code = dict(zip(communes["code"], communes.geometry))
    worst = max(shapely.hausdorff_distance(g, original_by_code[c]) for c, g in zip(geom.codes, geom.gdf.geometry))
    assert worst < 10 * settings.WEB_SIMPLIFY_TOLERANCE_DEG
    # The compact encoding in the page decodes to exactly the prepared polygons.
    page = _render(webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY))
    g, _ = _payloads(page)
    assert g["codes"] == list(geom.codes)
    for decoded, prepared in zip(_decode(g), geom.gdf.geometry):
        assert shapely.equals_exact(shapely.normalize(decoded), shapely.normalize(shapely.MultiPolygon(
            [prepared] if prepared.geom_type == "Polygon" else prepared.geoms)), tolerance=1e-7)


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
    # Each feature carries its code and nothing else (what st_folium hands back on click).
    assert "properties: {code: g.codes[i]}" in page


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
    assert "L.geoJSON" in target.read_text(encoding="utf-8")
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
    assert len(looks) == 4 and all(p or dash for p, dash in looks)
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
    d = json.loads(re.search(r"var D = (\{.*?\});\n", page).group(1))
    assert sorted(d["codes"]) == sorted(districts["code"])
    assert sum(len(d["r"]) for _ in [0]) >= 11
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
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    codes = communes["code"].tolist()
    m = webmap.build_map(communes, value_column="poor_rate", geometry_key=KEY, approximate=True, district_outlines=True,
                         designations={"border": set(codes[:20]), "atk": set(codes[:5])}, selected={codes[0]})
    path = webmap.save_html(m, tmp_path / "map.html")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(**({"executable_path": executable} if executable else {}))
        except Exception as exc:  # no browser installed here
            pytest.skip(f"no Chromium: {exc}")
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        errors, requests = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(path.as_uri())
        page.wait_for_selector(".geo-legend")
        assert page.locator("path.leaflet-interactive").count() == 194
        assert page.locator("path.geo-des-1").count() == 5
        assert "url(" in page.evaluate("getComputedStyle(document.querySelector('path.geo-des-1')).fill")
        assert page.evaluate("document.querySelector('path.geo-des-0').getAttribute('stroke-dasharray')") == "10 5"
        assert "Sơ đồ gần đúng" in page.inner_text(".geo-header")
        hostile = page.evaluate(
            "(() => { let t; map = Object.values(window).find(v => v && v._layers && v.getContainer);"
            " map.eachLayer(l => { if (l.feature && l.getTooltip() && l.feature.properties.code === %s) t = l.getTooltip().getContent(); });"
            " const d = document.createElement('div'); d.innerHTML = t; return [d.innerText, d.querySelectorAll('img').length]; })()"
            % json.dumps(codes[0])
        )
        assert hostile[0].startswith(HOSTILE) and hostile[1] == 0
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
